"""How long the reminder sweep takes to find due rows among a million, and how fast it delivers.

Run: LAWREQ_TEST_DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres \
     /work/venv/bin/python benchmarks/reminders.py [deadlines] [due]
Builds a fresh database (dropped afterwards), COPYs ``deadlines`` deadline rows with one reminder each — most
already sent, a tenth pending in the future, ``due`` of them due now — then prints: the time of the claim query
(target ≤ 200 ms, via the partial index ``ix_reminders_due_pending``), its plan, the crash-recovery query, and
the delivery throughput of ``sweep_due_reminders`` with a sender that does nothing (the database's share only).
"""

from __future__ import annotations

import os
import secrets
import statistics
import sys
import time
from datetime import datetime, timedelta, timezone

from sqlalchemy import select, text, update
from sqlalchemy.engine import make_url
from sqlalchemy.orm import sessionmaker

from lawreq.db import make_engine
from lawreq.deadlines.jobs import due_filter, sweep_due_reminders
from lawreq.deadlines.models import Reminder
from lawreq.migrate import upgrade

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
                          "active, preferences, created_at) VALUES ('lo@x', 'LO', 'liaison_officer', 'x', now(), 0, "
                          "true, '{}', now())"))
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
                copy.write_row((i + 1, 1, 0, False, "email", at, status, 0))
        conn.commit()
        cur.execute("ANALYZE")


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
        print(f"rows: {deadlines:,} deadlines and reminders ({due:,} due) loaded in "
              f"{time.perf_counter() - started:.1f} s")
        engine = make_engine(url)
        claim = (select(Reminder.id).where(due_filter(NOW)).order_by(Reminder.due_at).limit(200)
                 .with_for_update(skip_locked=True))
        times = []
        with engine.connect() as conn:
            for _ in range(20):
                t = time.perf_counter()
                conn.execute(claim).all()
                times.append((time.perf_counter() - t) * 1000)
                conn.rollback()
            plan = conn.execute(text("EXPLAIN " + str(claim.compile(engine, compile_kwargs={"literal_binds": True}))))
            uses_index = any("ix_reminders_due_pending" in row[0] for row in plan)
            t = time.perf_counter()
            conn.execute(update(Reminder).where(Reminder.status == "sending", Reminder.claimed_until <= NOW)
                         .values(status="pending"))
            recovery = (time.perf_counter() - t) * 1000
            conn.rollback()
        print(f"find due (200 of {due:,} among {deadlines:,}): median {statistics.median(times):.2f} ms, "
              f"max {max(times):.2f} ms (target <= 200 ms); partial index used: {uses_index}")
        print(f"crash-recovery scan: {recovery:.2f} ms")
        t = time.perf_counter()
        result = sweep_due_reminders(sessionmaker(bind=engine), NOW, lambda d: None, worker_id="bench")
        elapsed = time.perf_counter() - t
        print(f"delivery: {result.sent:,} reminders in {elapsed:.2f} s = {result.sent / elapsed:,.0f} per second "
              "(one process, no-op sender; real SMTP adds its own round trips)")
        engine.dispose()
    finally:
        drop_database(base, name)


if __name__ == "__main__":
    main()
