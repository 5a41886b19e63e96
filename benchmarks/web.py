"""Board, statistics and wizard page latency at 100 000 requests on PostgreSQL, against a bare one-query Flask
endpoint.

Creates a fresh database on the server (``LAWREQ_BENCH_DATABASE_URL`` or the local
``postgresql://postgres@127.0.0.1:5432/postgres``), migrates it, bulk-inserts the requests, times ~200 GETs per
page with the Flask test client and prints p50/p95 in milliseconds, then drops the database. Target: p95 <= 50 ms.

Usage: python benchmarks/web.py [--requests 100000] [--n 200] [--keep] [--explain]
"""

from __future__ import annotations

import argparse
import os
import random
import secrets
import statistics
import time
from collections.abc import Callable
from datetime import timedelta

import psycopg
from flask import Flask
from sqlalchemy import insert, text
from sqlalchemy.engine import make_url

from lawreq import db
from lawreq.app import create_app
from lawreq.auth.admin import create_user
from lawreq.auth.models import AuthSession, Unit
from lawreq.core.clock import utcnow
from lawreq.legal_requests.models import Case, LegalRequest
from lawreq.migrate import upgrade

SERVER = os.environ.get("LAWREQ_BENCH_DATABASE_URL", "postgresql://postgres@127.0.0.1:5432/postgres")
UNITS = 10
#: Share of all requests held by unit 0, the one the measured liaison officer works in.
BIG_UNIT_SHARE = 0.4
STATES = ["draft"] * 8 + ["awaiting_approval"] * 3 + ["approved"] * 3 + ["sent"] * 25 + ["acknowledged"] * 20 + \
         ["partially_fulfilled"] * 5 + ["fulfilled"] * 25 + ["refused"] * 6 + ["withdrawn"] * 3 + ["lapsed"] * 2
ROUTES = [("eu-epoc", "IE"), ("eu-epoc-pr", "IE"), ("us-voluntary-disclosure", "US"), ("us-preservation", "US"),
          ("us-mlat", "US"), ("ie-s6-user-data", "IE"), ("nl-126na-user-data", "NL")]
PRODUCTION = {"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
              "offence": "fraud", "date": "2026-11-23", "issuer": "prosecutor"}


def _admin_url(database: str = "postgres") -> str:
    return make_url(SERVER).set(drivername="postgresql", database=database).render_as_string(hide_password=False)


def _app_url(database: str) -> str:
    return make_url(SERVER).set(drivername="postgresql+psycopg", database=database).render_as_string(
        hide_password=False)


def populate(app: Flask, total: int, rng: random.Random) -> dict[str, int]:
    """Units, users, cases and ``total`` requests in bulk inserts; returns the ids the measurements use."""
    now = utcnow()
    with app.app_context():
        units = [Unit(code=f"U{i}", name=f"Unit {i}", country="FI", timezone="Europe/Helsinki") for i in range(UNITS)]
        db.session.add_all(units)
        db.session.commit()
        officer = create_user(db.session, app.config, email="officer@bench.test", name="Officer",
                              role="liaison_officer", unit_codes=["U0"], password="correct horse battery staple")
        investigator = create_user(db.session, app.config, email="inv@bench.test", name="Investigator",
                                   role="investigator", unit_codes=["U0"], password="correct horse battery staple")
        admin = create_user(db.session, app.config, email="admin@bench.test", name="Admin", role="admin",
                            unit_codes=[], password="correct horse battery staple")
        db.session.commit()
        unit_ids = [u.id for u in units]
        people = {"officer": officer.id, "investigator": investigator.id, "admin": admin.id}
        n_cases = total // 5
        case_unit = [unit_ids[0] if rng.random() < BIG_UNIT_SHARE else rng.choice(unit_ids[1:])
                     for _ in range(n_cases)]
        db.session.execute(insert(Case), [
            {"unit_id": case_unit[i], "reference": f"2026/CASE/{i:06d}", "offence": "fraud",
             "max_penalty_years": 4, "summary": "bench", "created_at": now, "updated_at": now}
            for i in range(n_cases)])
        db.session.commit()
        first_case = db.session.scalar(text("SELECT min(id) FROM cases"))
        providers = sorted(app.extensions["lawreq.rules"].providers)
        batch: list[dict] = []
        for i in range(total):
            case = rng.randrange(n_cases)
            state = rng.choice(STATES)
            route, country = rng.choice(ROUTES)
            created = now - timedelta(days=rng.uniform(0, 720))
            sent = created + timedelta(days=rng.uniform(0, 5)) if state not in STATES[:14] else None
            deadline = now + timedelta(days=rng.uniform(-20, 60)) if state in ("sent", "acknowledged",
                                                                                "partially_fulfilled") else None
            email = f"user{i}@example.org"
            batch.append({
                "case_id": first_case + case, "unit_id": case_unit[case], "created_by_id": people["investigator"],
                "reference": f"LR-{i:07d}", "state": state, "wizard_step": "review", "route_id": route,
                "provider_id": rng.choice(providers), "addressee_country": country, "issuing_country": "FI",
                "emergency": rng.random() < 0.03, "facts": PRODUCTION, "details": {},
                "identifiers": [{"type": "email", "value": email}], "outcome": {},
                "search_text": f"2026/case/{case:06d} {email}", "sent_at": sent,
                "acknowledged_at": sent + timedelta(days=rng.uniform(0, 10)) if sent and state != "sent" else None,
                "closed_at": sent + timedelta(days=rng.uniform(1, 40)) if sent and state in ("fulfilled", "refused")
                else None, "next_deadline_at": deadline, "version": 1, "created_at": created,
                "updated_at": created})
            if len(batch) == 5000:
                db.session.execute(insert(LegalRequest), batch)
                batch.clear()
        if batch:
            db.session.execute(insert(LegalRequest), batch)
        db.session.commit()
    with psycopg.connect(_admin_url(app.extensions["lawreq.engine"].url.database), autocommit=True) as conn:
        conn.execute("VACUUM ANALYZE")  # the steady state autovacuum keeps a live database in
    with app.app_context():
        draft = db.session.scalar(text("SELECT id FROM legal_requests WHERE unit_id = :u AND state = 'draft' "
                                       "ORDER BY id LIMIT 1"), {"u": unit_ids[0]})
        return {**people, "draft": draft}


def login(app: Flask, client, user_id: int) -> None:
    with app.app_context():
        row = AuthSession(id=secrets.token_urlsafe(32), user_id=user_id, mfa_passed=True)
        db.session.add(row)
        db.session.commit()
        sid = row.id
    with client.session_transaction() as sess:
        sess["sid"] = sid


def measure(label: str, get: Callable[[int], object], n: int) -> tuple[float, float]:
    for i in range(5):  # warm caches and the connection pool
        get(i)
    times = []
    for i in range(n):
        started = time.perf_counter()
        get(i)
        times.append((time.perf_counter() - started) * 1000)
    times.sort()
    p50, p95 = statistics.median(times), times[int(len(times) * 0.95) - 1]
    print(f"{label:<46} p50 {p50:7.1f} ms   p95 {p95:7.1f} ms")
    return p50, p95


def _ok(resp) -> None:
    if resp.status_code != 200:
        raise SystemExit(f"unexpected {resp.status_code} for {resp.request.path}: {resp.get_data(as_text=True)[:300]}")


def bare_app(url: str) -> Flask:
    """The yardstick: Flask plus one indexed query, no templates, no auth."""
    from sqlalchemy import create_engine

    engine = create_engine(url, pool_pre_ping=True)
    bare = Flask("bare")

    @bare.route("/bare/<int:request_id>")
    def one(request_id: int):
        with engine.connect() as conn:
            row = conn.execute(text("SELECT id, reference, state FROM legal_requests WHERE id = :id"),
                               {"id": request_id}).one()
        return {"id": row.id, "reference": row.reference, "state": row.state}

    return bare


def explain(app: Flask, officer_id: int) -> None:
    from lawreq.auth.models import User
    from lawreq.board import queries
    from lawreq.board.queries import BoardFilters

    with app.app_context():
        user = db.session.get(User, officer_id)
        for label, f in (("default", BoardFilters()),
                         ("filtered+search", BoardFilters(state="open", q="user12", provider="meta")),
                         ("overdue by age", BoardFilters(overdue=True, sort="age", descending=True)),
                         ("deep page", BoardFilters(page=queries.MAX_PAGE))):
            _explain(f"board, {label}", queries.page_select(user, f, utcnow()))
        dialect = db.session.get_bind().dialect
        for label, stmt in zip(("totals", "refusals and partial answers"),
                               queries.statistics_selects(user, utcnow() - timedelta(days=365), dialect.name),
                               strict=True):
            _explain(f"statistics, {label}", stmt)


def _explain(label: str, stmt) -> None:
    sql = stmt.compile(dialect=db.session.get_bind().dialect, compile_kwargs={"literal_binds": True})
    plan = db.session.execute(text(f"EXPLAIN ANALYZE {sql}")).scalars().all()
    print(f"--- {label}\n" + "\n".join(plan))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--explain", action="store_true", help="print the board's and the statistics' query plans")
    parser.add_argument("--without-trigram", action="store_true",
                        help="drop the pg_trgm index first, to measure the search as a plain LIKE scan")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    name = f"lawreq_bench_{secrets.token_hex(4)}"
    with psycopg.connect(_admin_url(), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        url = _app_url(name)
        upgrade(url)
        app = create_app({"ENV": "testing", "DATABASE_URL": url, "SECRET_KEY": secrets.token_hex(32),
                          "AUDIT_KEY": secrets.token_hex(32), "JWT_SECRET": secrets.token_hex(32),
                          "PASSWORD_HASH_PROFILE": "cheapest", "BASE_URL": "http://bench.test"},
                         instance_path=f"/tmp/{name}")
        started = time.perf_counter()
        ids = populate(app, args.requests, rng)
        print(f"inserted {args.requests} requests in {time.perf_counter() - started:.1f} s (database {name})")
        if args.without_trigram:
            with psycopg.connect(_admin_url(name), autocommit=True) as conn:
                conn.execute("DROP INDEX IF EXISTS ix_legal_requests_search_trgm")
        if args.explain:
            explain(app, ids["officer"])
        bare = bare_app(url).test_client()
        top = args.requests
        measure("bare Flask, one indexed query", lambda i: _ok(bare.get(f"/bare/{rng.randint(1, top)}")), args.n)
        client = app.test_client()
        login(app, client, ids["officer"])
        measure("board, default filters", lambda i: _ok(client.get("/board")), args.n)
        measure("board, open + provider + search",
                lambda i: _ok(client.get(f"/board?state=open&provider=meta&q=user{rng.randint(10, 99)}")), args.n)
        measure("board, search only (rare string)",
                lambda i: _ok(client.get(f"/board?q=user{rng.randint(10_000, 99_999)}@")), args.n)
        measure("board, overdue sorted by age", lambda i: _ok(client.get("/board?overdue=y&sort=age&dir=desc")),
                args.n)
        measure("board, deep page (page 200)", lambda i: _ok(client.get("/board?page=200")), args.n)
        admin = app.test_client()
        login(app, admin, ids["admin"])
        measure("board as admin (all 100 000), default", lambda i: _ok(admin.get("/board")), args.n)
        measure("board as admin, deep page (page 200)", lambda i: _ok(admin.get("/board?page=200")), args.n)
        stats_client = app.test_client()
        login(app, stats_client, ids["officer"])
        measure("statistics page, last 12 months", lambda i: _ok(stats_client.get("/board/statistics")),
                max(args.n // 4, 5))
        measure("statistics page, last 5 years", lambda i: _ok(stats_client.get("/board/statistics?days=1825")),
                max(args.n // 4, 5))
        measure("statistics CSV, last 12 months", lambda i: _ok(stats_client.get("/board/statistics.csv")),
                max(args.n // 4, 5))
        measure("statistics page as admin (all units)", lambda i: _ok(admin.get("/board/statistics")),
                max(args.n // 10, 5))
        started = time.perf_counter()
        lines = sum(chunk.count(b"\n") for chunk in client.get("/board/export.csv").response)
        print(f"CSV export of the unit's board: {lines - 1} rows in {(time.perf_counter() - started) * 1000:.0f} ms")
        wizard = app.test_client()
        login(app, wizard, ids["investigator"])
        path = (f"/requests/{ids['draft']}/wizard/route" if "wizard.step" in app.view_functions
                else f"/requests/{ids['draft']}")
        measure(f"wizard step {path.split('/')[-1]}", lambda i: _ok(wizard.get(path)), args.n)
    finally:
        db.session.remove()
        if not args.keep:
            for engine_owner in ("app",):
                if engine_owner in locals():
                    locals()[engine_owner].extensions["lawreq.engine"].dispose()
            with psycopg.connect(_admin_url(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
