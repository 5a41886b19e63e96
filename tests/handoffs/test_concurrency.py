"""Two hand-off sweepers on one PostgreSQL database deliver each message exactly once (real processes, real
commits, a database of their own)."""

from __future__ import annotations

import multiprocessing
import os
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from tests.conftest import PG_URL
from tests.deadlines.test_concurrency import pg_url  # noqa: F401 - fresh migrated database per test

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

PAST = datetime(2026, 11, 1, tzinfo=timezone.utc)


def seed(url: str, count: int) -> None:
    """Emergencies waiting for approval with their escalation e-mails due, one user per message."""
    from lawreq.auth.models import Unit, User
    from lawreq.db import make_engine
    from lawreq.handoffs.models import WorkflowMessage
    from lawreq.legal_requests.models import Case, LegalRequest

    engine = make_engine(url)
    with engine.begin() as conn:
        unit = conn.execute(insert(Unit).values(code="U", name="Unit", country="FI", timezone="Europe/Helsinki")
                            .returning(Unit.id)).scalar_one()
        users = conn.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"email": f"ap{i}@test", "name": f"AP {i}", "role": "approver", "password_hash": "x", "preferences": {}}
            for i in range(count)]).scalars().all()
        case = conn.execute(insert(Case).values(unit_id=unit, reference="C", offence="fraud", summary="")
                            .returning(Case.id)).scalar_one()
        req = conn.execute(insert(LegalRequest).values(
            case_id=case, unit_id=unit, created_by_id=users[0], reference="LR-C-1", issuing_country="FI", facts={},
            details={}, identifiers=[], outcome={}, state="awaiting_approval", emergency=True)
            .returning(LegalRequest.id)).scalar_one()
        conn.execute(insert(WorkflowMessage), [
            {"user_id": users[i], "request_id": req, "kind": "escalation", "channel": "email", "urgent": True,
             "subject": "ESCALATED", "body": "decide", "due_at": PAST - timedelta(seconds=i), "status": "pending",
             "attempts": 0, "created_at": PAST} for i in range(count)])
    engine.dispose()


def sweeper(url: str, log: str) -> None:
    from sqlalchemy.orm import sessionmaker

    from lawreq.core.clock import utcnow
    from lawreq.db import make_engine
    from lawreq.handoffs.jobs import sweep_due_handoffs

    engine = make_engine(url)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)

    def send(mail) -> None:
        os.write(fd, f"{mail.message_row_id}\n".encode())

    sweep_due_handoffs(sessionmaker(bind=engine), utcnow(), send, worker_id=f"proc-{os.getpid()}", batch=50)
    os.close(fd)
    engine.dispose()


@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
def test_two_sweepers_deliver_each_escalation_exactly_once(pg_url, tmp_path):  # noqa: F811
    from lawreq.db import make_engine
    from lawreq.handoffs.models import WorkflowMessage

    seed(pg_url, 3_000)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=sweeper, args=(pg_url, str(tmp_path / f"p{i}.log"))) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    delivered = [int(line) for f in Path(tmp_path).glob("*.log") for line in f.read_text().split()]
    assert len(delivered) == len(set(delivered)) == 3_000
    assert all(f.read_text() for f in Path(tmp_path).glob("*.log")), "both sweepers took a share"
    engine = make_engine(pg_url)
    with engine.connect() as conn:
        assert dict(conn.execute(select(WorkflowMessage.status, func.count())
                                 .group_by(WorkflowMessage.status)).all()) == {"sent": 3_000}
    engine.dispose()
