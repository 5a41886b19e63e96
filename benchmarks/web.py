"""Web pages at national scale on PostgreSQL: page latency, statistics, and throughput over real HTTP.

Creates a fresh database on the server (``LAWREQ_BENCH_DATABASE_URL`` or the local
``postgresql://postgres@127.0.0.1:5432/postgres``), migrates it, bulk-inserts the requests, measures, then drops it.

Modes (any combination; none = ``--pages``):
- ``--pages``: p50/p95 of the board, the statistics and a wizard step through the Flask test client (no HTTP), against
  a bare one-query Flask endpoint; target p95 <= 50 ms.
- ``--statistics``: the statistics page as a liaison officer (one unit) and as an admin (every unit), over 12 months
  and 5 years; targets p95 <= 50 ms (officer, 12 months) and <= 150 ms (admin, 5 years). Measured twice: computed
  in the request (``*_live``: the page without a snapshot, i.e. as it was before ``board.snapshots``), then served
  from the snapshots after ``lawreq stats rebuild`` (whose time is ``statistics_rebuild``).
- ``--http``: the app under gunicorn (2 workers) and a bare Flask app doing one indexed query (also gunicorn,
  2 workers) on the same database, driven by wrk (Debian ``wrk``; loopback only, bounded by ``--seconds``) at 1, 8
  and 32 concurrent clients: throughput and p95 of the board, a request page and a wizard step, each as a ratio to
  the bare endpoint; targets board >= 35 % of bare at 8 clients, board p95 <= 150 ms at 32 clients.

Every measure ends with a ``RESULT`` line. Usage:
  python benchmarks/web.py [--requests 100000] [--pages] [--statistics] [--http] [--n 200] [--keep] [--explain]
  python benchmarks/web.py --reuse lawreq_bench_xxxx --statistics   # again on a database kept by --keep

Each measure ends with a line ``RESULT <name> value=… baseline=… ratio=… target=… verdict=ok|miss``
(``benchmarks/_result.py``).
"""
from __future__ import annotations

import argparse
import importlib.util
import os
import random
import re
import secrets
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
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

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _result import machine_load, result  # noqa: E402

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
        sent = db.session.scalar(text("SELECT id FROM legal_requests WHERE unit_id = :u AND state = 'sent' "
                                      "ORDER BY id LIMIT 1"), {"u": unit_ids[0]})
        return {**people, "draft": draft, "sent": sent}


def existing_ids(app: Flask) -> dict[str, int]:
    """The ids ``populate`` returned, looked up in a kept database."""
    with app.app_context():
        def one(sql: str) -> int:
            return db.session.scalar(text(sql))
        people = {key: one(f"SELECT id FROM users WHERE email = '{email}'")
                  for key, email in (("officer", "officer@bench.test"), ("investigator", "inv@bench.test"),
                                     ("admin", "admin@bench.test"))}
        unit = "(SELECT id FROM units WHERE code = 'U0')"
        return {**people, **{state: one(f"SELECT id FROM legal_requests WHERE unit_id = {unit} AND state = '{state}' "
                                        "ORDER BY id LIMIT 1") for state in ("draft", "sent")}}


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


def pages(app: Flask, ids: dict[str, int], args, rng: random.Random) -> None:
    bare = bare_app(app.config["DATABASE_URL"]).test_client()
    top = args.requests
    _, bare_p95 = measure("bare Flask, one indexed query", lambda i: _ok(bare.get(f"/bare/{rng.randint(1, top)}")),
                          args.n)
    client = app.test_client()
    login(app, client, ids["officer"])
    _, board_p95 = measure("board, default filters", lambda i: _ok(client.get("/board")), args.n)
    measure("board, open + provider + search",
            lambda i: _ok(client.get(f"/board?state=open&provider=meta&q=user{rng.randint(10, 99)}")), args.n)
    measure("board, search only (rare string)",
            lambda i: _ok(client.get(f"/board?q=user{rng.randint(10_000, 99_999)}@")), args.n)
    measure("board, overdue sorted by age", lambda i: _ok(client.get("/board?overdue=y&sort=age&dir=desc")), args.n)
    measure("board, deep page (page 200)", lambda i: _ok(client.get("/board?page=200")), args.n)
    _, request_p95 = measure("request page", lambda i: _ok(client.get(f"/requests/{ids['sent']}")), args.n)
    admin = app.test_client()
    login(app, admin, ids["admin"])
    measure(f"board as admin (all {args.requests}), default", lambda i: _ok(admin.get("/board")), args.n)
    measure("board as admin, deep page (page 200)", lambda i: _ok(admin.get("/board?page=200")), args.n)
    started = time.perf_counter()
    lines = sum(chunk.count(b"\n") for chunk in client.get("/board/export.csv").response)
    print(f"CSV export of the unit's board: {lines - 1} rows in {(time.perf_counter() - started) * 1000:.0f} ms")
    wizard = app.test_client()
    login(app, wizard, ids["investigator"])
    path = wizard_path(app, ids)
    _, wizard_p95 = measure(f"wizard step {path.split('/')[-1]}", lambda i: _ok(wizard.get(path)), args.n)
    for name, p95 in (("board", board_p95), ("request_page", request_p95), ("wizard_step", wizard_p95)):
        result(f"web_{name}_p95", p95, "ms", bare_p95, "p95<=50ms", p95 <= 50)


def wizard_path(app: Flask, ids: dict[str, int]) -> str:
    return (f"/requests/{ids['draft']}/wizard/route" if "wizard.step" in app.view_functions
            else f"/requests/{ids['draft']}")


def statistics_pages(app: Flask, ids: dict[str, int], args) -> None:
    """The statistics page per role and period; the baseline is the board's p95 in the same run: the page should
    cost a worker no more than the board does.

    Three times: first computed in the request (``STATISTICS_MAX_AGE_SECONDS=0`` and no live budget: what a view
    cost before the snapshots, and what it costs on an instance cheap enough to compute without a snapshot); then,
    after ``lawreq stats rebuild``, as served from the scheduler's snapshots (the steady state); then with every
    snapshot too old (``*_scheduler_behind``: the scheduler down), where the default ``STATISTICS_LIVE_BUDGET_MS``
    makes the page show the old snapshot rather than scan. The rebuild's time is what the scheduler pays per
    refresh."""
    from lawreq.board.snapshots import refresh

    officer, admin = app.test_client(), app.test_client()
    login(app, officer, ids["officer"])
    login(app, admin, ids["admin"])
    _, board_p95 = measure("board, default filters (baseline)", lambda i: _ok(officer.get("/board")), args.n)
    n = max(args.n // 4, 10)
    targets = {("officer", 365): 50, ("officer", 1825): None, ("admin", 365): None, ("admin", 1825): 150}

    def run(suffix: str) -> None:
        for (who, days), target in targets.items():
            client = officer if who == "officer" else admin
            _, p95 = measure(f"statistics, {who}, {days} days{suffix.replace('_', ', ')}",
                             lambda i, c=client, d=days: _ok(c.get(f"/board/statistics?days={d}")), n)
            label = "12m" if days == 365 else "5y"
            if suffix == "_live":  # the cost avoided, reported: no national-scale view is served this way now
                target = None
            result(f"statistics_{who}_{label}{suffix}_p95", p95, "ms", board_p95,
                   f"p95<={target}ms" if target else "report", target is None or p95 <= target)

    max_age, budget = app.config["STATISTICS_MAX_AGE_SECONDS"], app.config["STATISTICS_LIVE_BUDGET_MS"]
    app.config["STATISTICS_MAX_AGE_SECONDS"], app.config["STATISTICS_LIVE_BUDGET_MS"] = 0, 10**9
    run("_live")
    app.config["STATISTICS_MAX_AGE_SECONDS"], app.config["STATISTICS_LIVE_BUDGET_MS"] = max_age, budget
    with app.app_context():
        started = time.perf_counter()
        summary = refresh(db.session, utcnow(), timedelta(0))
        rebuild_ms = (time.perf_counter() - started) * 1000
        db.session.remove()
    print(summary.line())
    result("statistics_rebuild", rebuild_ms, "ms", board_p95, "report (scheduler, every STATISTICS_REFRESH_SECONDS)",
           True)
    run("")
    app.config["STATISTICS_MAX_AGE_SECONDS"] = 0
    run("_scheduler_behind")
    app.config["STATISTICS_MAX_AGE_SECONDS"] = max_age


# --- over HTTP ---------------------------------------------------------------------------------------------------

WRK_SCRIPT = """
done = function(summary, latency, requests)
  io.write(string.format("P95_US %d\\n", latency:percentile(95)))
  io.write(string.format("REQS %d ERRORS %d\\n", summary.requests,
    summary.errors.status + summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
"""

BARE_MODULE = """
import os
from flask import Flask
from sqlalchemy import create_engine, text
engine = create_engine(os.environ["BENCH_DATABASE_URL"], pool_pre_ping=True)
app = Flask("bare")

@app.route("/bare/<int:request_id>")
def one(request_id):
    with engine.connect() as conn:
        row = conn.execute(text("SELECT id, reference, state FROM legal_requests WHERE id = :id"),
                           {"id": request_id}).one()
    return {"id": row.id, "reference": row.reference, "state": row.state}
"""


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_for(port: int, path: str, headers: dict[str, str], timeout: float = 60) -> None:
    import http.client

    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", path, headers=headers)
            status = conn.getresponse().status
            conn.close()
            if status == 200:
                return
            raise SystemExit(f"GET {path} on port {port} answered {status}")
        except (ConnectionError, OSError):
            time.sleep(0.3)
    raise SystemExit(f"nothing answered on port {port} within {timeout} s")


def _gunicorn(target: str, port: int, env: dict[str, str], cwd: str) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "gunicorn", "-w", "2", "-b", f"127.0.0.1:{port}",
                             "--log-level", "warning", target], env=env, cwd=cwd)


def session_cookie(app: Flask, user_id: int) -> str:
    """A logged-in browser's cookie (second factor passed), signed with the app's own secret."""
    client = app.test_client()
    login(app, client, user_id)
    name = app.config["SESSION_COOKIE_NAME"]
    return f"{name}={client.get_cookie(name).value}"


def wrk(url: str, clients: int, seconds: int, cookie: str | None, script: str) -> tuple[float, float]:
    """Requests per second and p95 in ms; a run with any error or non-2xx answer stops the benchmark."""
    # wrk gives up on an answer after 2 s by default and counts it as an error, which stopped the whole run once
    # a page got slow at 32 clients; a slow answer is a latency to report (it lands in the p95), not a failure.
    cmd = ["wrk", "-t", str(min(clients, 2)), "-c", str(clients), "-d", f"{seconds}s", "--timeout", "30s",
           "-s", script, url]
    if cookie:
        cmd[1:1] = ["-H", f"Cookie: {cookie}"]
    out = subprocess.run(cmd, capture_output=True, text=True, timeout=seconds + 60, check=True).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    p95 = int(re.search(r"P95_US (\d+)", out).group(1)) / 1000
    errors = int(re.search(r"ERRORS (\d+)", out).group(1))
    if errors or "Non-2xx" in out:
        raise SystemExit(f"wrk saw errors against {url}:\n{out}")
    return rate, p95


def http(app: Flask, ids: dict[str, int], args, url: str, secrets_env: dict[str, str]) -> None:
    if shutil.which("wrk") is None:
        raise SystemExit("--http needs wrk (apt-get install wrk)")
    if importlib.util.find_spec("gunicorn") is None:
        raise SystemExit("--http needs gunicorn (pip install 'lawreq[prod]')")
    work = tempfile.mkdtemp(prefix="lawreq-bench-http-")
    script = os.path.join(work, "p95.lua")
    with open(script, "w") as f:
        f.write(WRK_SCRIPT)
    with open(os.path.join(work, "bench_bare.py"), "w") as f:
        f.write(BARE_MODULE)
    env = {**os.environ, **secrets_env, "LAWREQ_DATABASE_URL": url, "LAWREQ_INSTANCE_PATH": work,
           "BENCH_DATABASE_URL": url}
    app_port, bare_port = _free_port(), _free_port()
    cookies = {"officer": session_cookie(app, ids["officer"]), "investigator": session_cookie(app, ids["investigator"])}
    servers = [_gunicorn("lawreq.wsgi:app", app_port, env, work), _gunicorn("bench_bare:app", bare_port, env, work)]
    try:
        pages_ = {"board": ("/board", "officer"), "request_page": (f"/requests/{ids['sent']}", "officer"),
                  "wizard_step": (wizard_path(app, ids), "investigator")}
        _wait_for(bare_port, "/bare/1", {})
        for path, who in pages_.values():
            _wait_for(app_port, path, {"Cookie": cookies[who]})
        top = min(args.requests, 1000)
        print(machine_load())
        for clients in (1, 8, 32):
            bare_rate, bare_p95 = wrk(f"http://127.0.0.1:{bare_port}/bare/{top}", clients, args.seconds, None,
                                      script)
            print(f"{clients:>2} clients  bare endpoint        {bare_rate:8.0f} req/s   p95 {bare_p95:7.1f} ms")
            for name, (path, who) in pages_.items():
                rate, p95 = wrk(f"http://127.0.0.1:{app_port}{path}", clients, args.seconds, cookies[who], script)
                print(f"{clients:>2} clients  {name:<20} {rate:8.0f} req/s   p95 {p95:7.1f} ms   "
                      f"{rate / bare_rate:6.1%} of bare")
                if name == "board" and clients == 8:
                    result("http_board_throughput_8_clients", rate, "req/s", bare_rate, ">=35%_of_bare",
                           rate >= 0.35 * bare_rate)
                elif name == "board" and clients == 32:
                    result("http_board_p95_32_clients", p95, "ms", bare_p95, "p95<=150ms", p95 <= 150)
                elif clients == 8:
                    result(f"http_{name}_throughput_8_clients", rate, "req/s", bare_rate, "report", True)
        print(machine_load())
    finally:
        for server in servers:
            server.terminate()
        for server in servers:
            server.wait(timeout=30)
        shutil.rmtree(work, ignore_errors=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=100_000)
    parser.add_argument("--n", type=int, default=200)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--pages", action="store_true", help="page latency through the test client (the default)")
    parser.add_argument("--statistics", action="store_true", help="the statistics page per role and period")
    parser.add_argument("--http", action="store_true", help="throughput over HTTP: gunicorn + wrk")
    parser.add_argument("--seconds", type=int, default=5, help="length of each wrk run (--http)")
    parser.add_argument("--keep", action="store_true", help="keep the database (its name is printed)")
    parser.add_argument("--reuse", metavar="DATABASE", help="measure a database kept by --keep (migrated to the "
                        "newest schema first, not populated, not dropped)")
    parser.add_argument("--explain", action="store_true", help="print the board's and the statistics' query plans")
    parser.add_argument("--without-trigram", action="store_true",
                        help="drop the pg_trgm index first, to measure the search as a plain LIKE scan")
    args = parser.parse_args()
    if not (args.pages or args.statistics or args.http):
        args.pages = True
    rng = random.Random(args.seed)
    name = args.reuse or f"lawreq_bench_{secrets.token_hex(4)}"
    if args.reuse:
        args.keep = True
    else:
        with psycopg.connect(_admin_url(), autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
    app = None
    try:
        url = _app_url(name)
        upgrade(url)
        secrets_env = {"LAWREQ_SECRET_KEY": secrets.token_hex(32), "LAWREQ_AUDIT_KEY": secrets.token_hex(32),
                       "LAWREQ_JWT_SECRET": secrets.token_hex(32)}
        app = create_app({"ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secrets_env["LAWREQ_SECRET_KEY"],
                          "AUDIT_KEY": secrets_env["LAWREQ_AUDIT_KEY"], "JWT_SECRET": secrets_env["LAWREQ_JWT_SECRET"],
                          "BASE_URL": "http://bench.test"}, instance_path=f"/tmp/{name}")
        started = time.perf_counter()
        if args.reuse:
            ids = existing_ids(app)
            print(f"reusing database {name}; {machine_load()}")
        else:
            ids = populate(app, args.requests, rng)
            print(f"inserted {args.requests} requests in {time.perf_counter() - started:.1f} s (database {name}); "
                  f"{machine_load()}")
        if args.without_trigram:
            with psycopg.connect(_admin_url(name), autocommit=True) as conn:
                conn.execute("DROP INDEX IF EXISTS ix_legal_requests_search_trgm")
        if args.explain:
            explain(app, ids["officer"])
        if args.pages:
            pages(app, ids, args, rng)
        if args.statistics:
            statistics_pages(app, ids, args)
        if args.http:
            http(app, ids, args, url, secrets_env)
    finally:
        db.session.remove()
        if app is not None:
            app.extensions["lawreq.engine"].dispose()
        if not args.keep:
            with psycopg.connect(_admin_url(), autocommit=True) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


if __name__ == "__main__":
    main()
