"""How long the reminder sweep takes to find due rows among a million, and how fast it delivers.

Run: LAWREQ_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
     /work/venv/bin/python benchmarks/reminders.py [deadlines] [due]
Builds a fresh database (dropped afterwards), COPYs ``deadlines`` deadline rows with one reminder each — most
already sent, a tenth pending in the future, ``due`` of them due now, each for a user of its own so that every
one is a message — then prints: the time of the real claim (the conditional UPDATE over the ``SKIP LOCKED``
subquery and the read of the claimed rows; target ≤ 200 ms, via the partial index ``ix_reminders_due_pending``),
the crash-recovery query, and the delivery rate of ``sweep_due_reminders`` through the real ``SmtpSender`` to a
local aiosmtpd server (target ≥ 1 500 per second), against a sender that does nothing (the database's share).

The relay sets a ceiling of its own, so the same relay is also measured alone, side by side in the same run: the
rate of ``smtplib.sendmail`` of a minimal 1 KB message over one connection (the same lock-step exchange the
sender may use, since aiosmtpd does not advertise PIPELINING), and for information the rate of the same message
with MAIL, RCPT and DATA written together (what PIPELINING would allow a relay that advertises it). The baseline
of ``reminders_smtp_delivery_rate`` is that lock-step ceiling, so its ratio says how much of what the relay can
take the sweep achieves; the verdict is still the absolute target. CPU seconds per message of the sweeper and of
the relay process are printed too: they survive a loaded machine better than rates, and show whether a 2-core
box can reach the target at all (relay + sweeper + PostgreSQL each need their share of a core).

Each measure ends with a line ``RESULT <name> value=… baseline=… ratio=… target=… verdict=ok|miss``
(``benchmarks/_result.py``).
"""

from __future__ import annotations

import os
import secrets
import socket
import subprocess
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import func, select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from lawreq.config import build_config
from lawreq.db import make_engine
from lawreq.deadlines.jobs import LEASE, _claim, due_filter, sweep_due_reminders
from lawreq.deadlines.mail import SmtpSender, SmtpSettings
from lawreq.deadlines.models import Reminder
from lawreq.migrate import upgrade

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _result import machine_load, result  # noqa: E402

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _admin(base: str) -> str:
    url = make_url(base)
    return url.set(drivername="postgresql", database=url.database or "postgres").render_as_string(False)


def fresh_database(base: str) -> tuple[str, str]:
    import psycopg

    name = f"lawreq_bench_{secrets.token_hex(4)}"
    with psycopg.connect(_admin(base), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = make_url(base).set(drivername="postgresql+psycopg", database=name)
    return url.render_as_string(hide_password=False), name


def drop_database(base: str, name: str) -> None:
    import psycopg

    with psycopg.connect(_admin(base), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def populate(url: str, deadlines: int, due: int) -> None:
    import psycopg

    engine = make_engine(url)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO units (code, name, country, timezone, created_at) "
                          "VALUES ('U', 'Unit', 'FI', 'Europe/Helsinki', now())"))
        conn.execute(text("INSERT INTO users (email, name, role, password_hash, password_changed_at, failed_logins, "
                          "active, preferences, created_at) SELECT 'lo' || g || '@x', 'LO ' || g, 'liaison_officer', "
                          "'x', now(), 0, true, '{}', now() FROM generate_series(1, :n) g"), {"n": max(due, 1)})
        conn.execute(text("INSERT INTO cases (unit_id, reference, offence, summary, committed_online, created_at, "
                          "updated_at) VALUES (1, 'C', 'fraud', '', true, now(), now())"))
        conn.execute(text(
            "INSERT INTO legal_requests (case_id, unit_id, created_by_id, reference, state, wizard_step, "
            "issuing_country, emergency, facts, details, identifiers, search_text, outcome, version, created_at, "
            "updated_at) SELECT 1, 1, 1, 'LR-' || g, 'sent', 'done', 'FI', false, '{}', '{}', '[]', '', '{}', 1, "
            "now(), now() FROM generate_series(1, 1000) g"))
    engine.dispose()
    dsn = url.replace("postgresql+psycopg://", "postgresql://")
    with psycopg.connect(dsn) as conn, conn.cursor() as cur:
        with cur.copy("COPY deadlines (request_id, kind, due_at, event_at, period, counting, timezone, "
                      "explanation, cite, created_at) FROM STDIN") as copy:
            for i in range(deadlines):
                at = NOW + timedelta(minutes=(i % 86400) - 43200)
                copy.write_row((i % 1000 + 1, "response", at, at - timedelta(days=10), "P10D", "eu_1182_71",
                                "UTC", "[]", "[]", NOW))
        with cur.copy("COPY reminders (deadline_id, user_id, offset_seconds, escalation, channel, due_at, status, "
                      "attempts) FROM STDIN") as copy:
            for i in range(deadlines):
                if i < due:
                    status, at = "pending", NOW - timedelta(seconds=i + 1)
                elif i % 10 == 0:
                    status, at = "pending", NOW + timedelta(minutes=1 + i % 86400)
                else:
                    status, at = "sent", NOW - timedelta(minutes=1 + i % 86400)
                copy.write_row((i + 1, i + 1 if i < due else 1, 0, False, "email", at, status, 0))
        conn.commit()
        cur.execute("ANALYZE")


def _reset(engine) -> None:
    with engine.begin() as conn:
        conn.execute(update(Reminder).where(Reminder.claimed_by.is_not(None))  # what the benchmark claimed
                     .values(status="pending", claimed_by=None, claimed_until=None, sent_at=None, attempts=0))


def main() -> None:
    base = os.environ.get("LAWREQ_TEST_DATABASE_URL")
    if not base:
        sys.exit("set LAWREQ_TEST_DATABASE_URL to a PostgreSQL server (a fresh database is created and dropped)")
    deadlines = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    due = int(sys.argv[2]) if len(sys.argv) > 2 else 5_000
    url, name = fresh_database(base)
    try:
        upgrade(url)
        started = time.perf_counter()
        populate(url, deadlines, due)
        print(f"rows: {deadlines:,} deadlines and reminders ({due:,} due, one user each) loaded in "
              f"{time.perf_counter() - started:.1f} s; {machine_load()}")
        engine = make_engine(url)
        factory = sessionmaker(bind=engine)
        times = []
        for i in range(20):
            t = time.perf_counter()
            claimed = _claim(factory, NOW, f"bench:{i}", 200, LEASE)
            times.append((time.perf_counter() - t) * 1000)
            assert len(claimed) == min(200, due)
            _reset(engine)
        claim = (select(Reminder.id).where(due_filter(NOW)).order_by(Reminder.due_at).limit(200)
                 .with_for_update(skip_locked=True))
        with engine.connect() as conn:
            plan = conn.execute(text("EXPLAIN " + str(claim.compile(engine, compile_kwargs={"literal_binds": True}))))
            uses_index = any("ix_reminders_due_pending" in row[0] for row in plan)
            t = time.perf_counter()
            conn.execute(update(Reminder).where(Reminder.status == "sending", Reminder.claimed_until <= NOW)
                         .values(status="pending"))
            recovery = (time.perf_counter() - t) * 1000
            conn.rollback()
        claim_ms = statistics.median(times)
        print(f"claim 200 of {due:,} among {deadlines:,} (UPDATE ... SKIP LOCKED + read): median {claim_ms:.2f} ms, "
              f"max {max(times):.2f} ms; partial index used: {uses_index}")
        print(f"crash-recovery scan: {recovery:.2f} ms")
        result("reminders_claim_200", claim_ms, "ms", 200, "<=200ms", claim_ms <= 200 and uses_index)

        t = time.perf_counter()
        noop = sweep_due_reminders(factory, NOW, lambda d: None, worker_id="bench-noop")
        noop_rate = noop.sent / (time.perf_counter() - t)
        print(f"delivery, no-op sender: {noop.sent:,} in {noop.sent / noop_rate:.2f} s = {noop_rate:,.0f} per second")
        _reset(engine)

        # The relay runs in a process of its own, as a real one would: in this process it would compete with the
        # sweeper for the interpreter lock and halve both.
        port = _free_port()
        relay = subprocess.Popen([sys.executable, "-m", "aiosmtpd", "-n", "-l", f"127.0.0.1:{port}",
                                  "-c", "aiosmtpd.handlers.Sink"])
        _wait_for_port(port)
        try:
            relay_cpu = _cpu_seconds(relay.pid)
            ceiling = relay_ceiling(port, 3000, pipelined=False)
            pipelined = relay_ceiling(port, 3000, pipelined=True)
            relay_cpu = (_cpu_seconds(relay.pid) - relay_cpu) / 6000
            print(f"relay ceiling, minimal 1 KB message: lock-step sendmail {ceiling:,.0f}/s, MAIL+RCPT+DATA "
                  f"written together {pipelined:,.0f}/s; relay CPU {relay_cpu * 1000:.3f} ms per message; "
                  f"{machine_load()}")
            settings = SmtpSettings(host="127.0.0.1", port=port, security="none", user=None, password=None,
                                    sender="Lawreq <reminders@bench.test>", timeout=10,
                                    base_url="http://bench.test", templates_dir=build_config("/tmp")["TEMPLATES_DIR"])
            relay_before, cpu = _cpu_seconds(relay.pid), time.process_time()
            t = time.perf_counter()
            with SmtpSender(settings) as sender:
                real = sweep_due_reminders(factory, NOW, sender, worker_id="bench-smtp")
            smtp_rate = real.sent / (time.perf_counter() - t)
            sweeper_cpu = (time.process_time() - cpu) / max(real.sent, 1)
            relay_real = (_cpu_seconds(relay.pid) - relay_before) / max(real.sent, 1)
        finally:
            relay.terminate()
            relay.wait(timeout=30)
        assert real.sent == due and _statuses_sent(engine) == due, real
        print(f"delivery through SmtpSender to a local aiosmtpd: {real.sent:,} messages in "
              f"{real.sent / smtp_rate:.2f} s = {smtp_rate:,.0f} per second = {smtp_rate / ceiling:.0%} of the "
              f"relay's lock-step ceiling; CPU per message: sweeper {sweeper_cpu * 1000:.3f} ms, relay "
              f"{relay_real * 1000:.3f} ms; {machine_load()}")
        result("reminders_smtp_delivery_rate", smtp_rate, "/s", ceiling, ">=1500/s", smtp_rate >= 1500)
        engine.dispose()
    finally:
        drop_database(base, name)


def relay_ceiling(port: int, count: int, *, pipelined: bool) -> float:
    """Messages per second the relay takes of a minimal 1 KB message over one connection, nothing else done."""
    import smtplib

    body = (b"From: a@bench.test\r\nTo: b@bench.test\r\nSubject: ceiling\r\n\r\n"
            + b"".join(b"x" * 70 + b"\r\n" for _ in range(14)))
    with smtplib.SMTP("127.0.0.1", port, timeout=10) as conn:
        conn.ehlo()
        t = time.perf_counter()
        for _ in range(count):
            if not pipelined:
                conn.sendmail("a@bench.test", ["b@bench.test"], body)
                continue
            conn.send(b"MAIL FROM:<a@bench.test>\r\nRCPT TO:<b@bench.test>\r\nDATA\r\n")
            replies = [conn.getreply()[0] for _ in range(3)]
            conn.send(body + b".\r\n")
            replies.append(conn.getreply()[0])
            assert replies == [250, 250, 354, 250], replies
        return count / (time.perf_counter() - t)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU seconds of a process so far (Linux /proc)."""
    fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def _statuses_sent(engine) -> int:
    with engine.connect() as conn:
        return conn.scalar(select(func.count()).select_from(Reminder)
                           .where(Reminder.claimed_by.like("bench-smtp:%"), Reminder.status == "sent")) or 0


def _wait_for_port(port: int, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        with socket.socket() as s:
            if s.connect_ex(("127.0.0.1", port)) == 0:
                return
        time.sleep(0.1)
    raise SystemExit(f"the SMTP relay did not start on port {port}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


if __name__ == "__main__":
    main()
