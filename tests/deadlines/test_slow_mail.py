"""A mail server that takes half a second per message: a batch outlives its lease, and still nobody gets a reminder
twice, because the sweeper renews the lease while it delivers. One SMTP connection serves the whole sweep."""

from __future__ import annotations

import asyncio
import threading
import time
from collections import Counter
from datetime import timedelta
from email import message_from_bytes

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy.orm import sessionmaker

from lawreq.core.clock import utcnow
from lawreq.db import make_engine
from lawreq.deadlines.jobs import sweep_due_reminders
from lawreq.deadlines.mail import SmtpSender, SmtpSettings
from lawreq.config import build_config
from tests.conftest import PG_URL
from tests.deadlines.test_mail import _free_port
from tests.deadlines.test_concurrency import _statuses, pg_url, seed  # noqa: F401  (pg_url is a fixture)

pytestmark = pytest.mark.slow

PER_MESSAGE = 0.5
LEASE = timedelta(seconds=1.2)
MESSAGES = 6  # 3 s of delivery: two and a half leases


class SlowServer:
    def __init__(self) -> None:
        self.message_ids: list[str] = []
        self.connections = 0

    async def handle_EHLO(self, server, session, envelope, hostname, responses):
        self.connections += 1
        session.host_name = hostname
        return responses

    async def handle_DATA(self, server, session, envelope):
        await asyncio.sleep(PER_MESSAGE)
        self.message_ids.append(message_from_bytes(envelope.content)["Message-ID"])
        return "250 OK"


@pytest.fixture
def slow_server():
    handler = SlowServer()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield handler, controller.port
    finally:
        controller.stop()


def _sender(port: int) -> SmtpSender:
    return SmtpSender(SmtpSettings(host="127.0.0.1", port=port, security="none", user=None, password=None,
                                   sender="Lawreq <reminders@lawreq.test>", timeout=10, base_url="http://lawreq.test",
                                   templates_dir=str(build_config("/tmp", {})["TEMPLATES_DIR"])))


def _sweep(url: str, port: int, name: str) -> None:
    engine = make_engine(url)
    with _sender(port) as sender:
        sweep_due_reminders(sessionmaker(bind=engine), utcnow(), sender, worker_id=name, lease=LEASE)
    engine.dispose()


def _race(url: str, port: int) -> None:
    first = threading.Thread(target=_sweep, args=(url, port, "first"))
    first.start()
    time.sleep(LEASE.total_seconds() * 1.25)  # the first sweeper's original lease has run out by now
    second = threading.Thread(target=_sweep, args=(url, port, "second"))
    second.start()
    first.join(timeout=60)
    second.join(timeout=60)


def _check(server: SlowServer, url: str) -> None:
    counts = Counter(server.message_ids)
    assert len(counts) == MESSAGES and max(counts.values()) == 1, counts
    assert _statuses(url) == {"sent": MESSAGES}
    assert server.connections <= 2, "one SMTP session per sweep, not one per message"


def test_a_slow_mail_server_gets_each_reminder_once_on_sqlite(tmp_path, slow_server):
    from lawreq.migrate import upgrade

    url = f"sqlite:///{tmp_path / 'slow.sqlite'}"
    upgrade(url)
    seed(url, MESSAGES)
    server, port = slow_server
    _race(url, port)
    _check(server, url)


@pytest.mark.postgres
@pytest.mark.skipif(not PG_URL, reason="needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
def test_a_slow_mail_server_gets_each_reminder_once_on_postgresql(pg_url, slow_server):  # noqa: F811
    seed(pg_url, MESSAGES)
    server, port = slow_server
    _race(pg_url, port)
    _check(server, pg_url)
