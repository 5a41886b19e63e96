"""Several scheduler processes on one PostgreSQL database deliver each reminder exactly once, even across a
SIGKILL. Real commits and real processes, so each test gets its own fresh database (dropped afterwards)."""

from __future__ import annotations

import multiprocessing
import os
import signal
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from sqlalchemy import func, insert, select

from tests.conftest import PG_URL

pytestmark = pytest.mark.slow

PAST = datetime(2026, 11, 1, tzinfo=timezone.utc)


def seed(url: str, count: int) -> None:
    """One request with one deadline and ``count`` due e-mail reminders (offset_seconds keeps them distinct), each
    for a user of its own: a sweep groups one user's reminders into one message, and here every row must be one
    delivery so that a duplicate would show."""
    from lawreq.auth.models import Unit, User
    from lawreq.db import make_engine
    from lawreq.deadlines.models import Deadline, Reminder
    from lawreq.legal_requests.models import Case, LegalRequest

    engine = make_engine(url)
    with engine.begin() as conn:
        unit = conn.execute(insert(Unit).values(code="U", name="Unit", country="FI", timezone="Europe/Helsinki")
                            .returning(Unit.id)).scalar_one()
        users = conn.execute(insert(User).returning(User.id, sort_by_parameter_order=True), [
            {"email": f"lo{i}@test", "name": f"LO {i}", "role": "liaison_officer", "password_hash": "x",
             "preferences": {}} for i in range(count)]).scalars().all()
        user = users[0]
        case = conn.execute(insert(Case).values(unit_id=unit, reference="C", offence="fraud", summary="")
                            .returning(Case.id)).scalar_one()
        req = conn.execute(insert(LegalRequest).values(
            case_id=case, unit_id=unit, created_by_id=user, reference="LR-C-1", issuing_country="FI", facts={},
            details={}, identifiers=[], outcome={}).returning(LegalRequest.id)).scalar_one()
        deadline = conn.execute(insert(Deadline).values(
            request_id=req, kind="response", due_at=PAST, event_at=PAST, period="P10D", counting="eu_1182_71",
            explanation=[], cite=[]).returning(Deadline.id)).scalar_one()
        conn.execute(insert(Reminder), [
            {"deadline_id": deadline, "user_id": users[i], "offset_seconds": -i, "escalation": False,
             "channel": "email", "due_at": PAST - timedelta(seconds=i), "status": "pending", "attempts": 0}
            for i in range(count)])
    engine.dispose()


def sweeper(url: str, log: str, hang_after: int | None = None, ready: str | None = None,
            now: datetime | None = None) -> None:
    """A scheduler process: sweeps once, logging every delivered reminder id to its own append-only file."""
    from sqlalchemy.orm import sessionmaker

    from lawreq.core.clock import utcnow
    from lawreq.db import make_engine
    from lawreq.deadlines.jobs import sweep_due_reminders

    engine = make_engine(url)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND)
    delivered = 0

    def send(delivery) -> None:
        nonlocal delivered
        if hang_after is not None and delivered == hang_after:
            Path(ready).touch()
            time.sleep(600)  # killed here, mid-sweep, with a claimed batch in flight
        os.write(fd, "".join(f"{i}\n" for i in delivery.reminder_ids).encode())
        delivered += 1

    sweep_due_reminders(sessionmaker(bind=engine), now or utcnow(), send, worker_id=f"proc-{os.getpid()}")
    os.close(fd)
    engine.dispose()


@pytest.fixture
def pg_url():  # only requested by the PostgreSQL tests, which skip first without a server
    from lawreq.migrate import upgrade
    from tests.conftest import _drop_pg_database, _fresh_pg_database

    url, name = _fresh_pg_database("lawreq_conc_")
    try:
        upgrade(url)
        yield url
    finally:
        _drop_pg_database(name)


def _delivered(tmp_path: Path) -> list[int]:
    return [int(line) for f in tmp_path.glob("*.log") for line in f.read_text().split()]


def _statuses(url: str) -> dict[str, int]:
    from lawreq.db import make_engine
    from lawreq.deadlines.models import Reminder

    engine = make_engine(url)
    with engine.connect() as conn:
        counts = dict(conn.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all())
    engine.dispose()
    return counts


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
def test_four_schedulers_deliver_ten_thousand_reminders_each_exactly_once(pg_url, tmp_path):
    seed(pg_url, 10_000)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=sweeper, args=(pg_url, str(tmp_path / f"p{i}.log"))) for i in range(4)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0, 0, 0]

    delivered = _delivered(tmp_path)
    assert len(delivered) == len(set(delivered)) == 10_000
    assert sum(1 for f in tmp_path.glob("*.log") if f.read_text()) > 1, "the work was shared"
    assert _statuses(pg_url) == {"sent": 10_000}


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
def test_a_scheduler_killed_mid_sweep_loses_and_duplicates_nothing_after_restart(pg_url, tmp_path):
    from lawreq.core.clock import utcnow
    from lawreq.deadlines.jobs import LEASE

    seed(pg_url, 2_000)
    ready = tmp_path / "ready"
    ctx = multiprocessing.get_context("spawn")
    victim = ctx.Process(target=sweeper, args=(pg_url, str(tmp_path / "victim.log"), 300, str(ready)))
    victim.start()
    deadline = time.monotonic() + 60
    while not ready.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert ready.exists(), "the victim never reached its 300th delivery"
    os.kill(victim.pid, signal.SIGKILL)
    victim.join(timeout=10)
    stuck = _statuses(pg_url)
    assert stuck.get("sending", 0) > 0 and stuck["sent"] == 300

    sweeper(pg_url, str(tmp_path / "early.log"))  # before the lease ends the claimed rows stay claimed
    assert _statuses(pg_url)["sending"] == stuck["sending"]
    sweeper(pg_url, str(tmp_path / "restart.log"), now=utcnow() + LEASE + timedelta(seconds=1))

    delivered = _delivered(tmp_path)
    assert len(delivered) == len(set(delivered)) == 2_000
    assert _statuses(pg_url) == {"sent": 2_000}


def test_two_schedulers_on_one_sqlite_file_deliver_each_reminder_once(tmp_path):
    """SQLite has no row locks: BEGIN IMMEDIATE plus the conditional UPDATE make the claim exclusive."""
    from lawreq.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'embedded.sqlite'}"
    upgrade(url)
    seed(url, 1_000)
    ctx = multiprocessing.get_context("spawn")
    procs = [ctx.Process(target=sweeper, args=(url, str(tmp_path / f"s{i}.log"))) for i in range(2)]
    for p in procs:
        p.start()
    for p in procs:
        p.join(timeout=120)
    assert [p.exitcode for p in procs] == [0, 0]
    delivered = _delivered(tmp_path)
    assert len(delivered) == len(set(delivered)) == 1_000
    assert _statuses(url) == {"sent": 1_000}
