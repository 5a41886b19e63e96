"""Sixteen people at once: parallel creates and parallel transitions, through the web pages and the API, against a
real server (waitress on a loopback port) with real commits, on SQLite and on PostgreSQL. Every answer is a
success or a clean 409 (the web page: a redirect with the conflict flashed); none is a 5xx and nothing is lost.

The latencies and the 409 count are printed (``-s``) for the operator's notes; no test asserts a speed.
"""

from __future__ import annotations

import re
import secrets
import socket
import statistics
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest
import requests
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from tests.conftest import PG_URL, TEST_CONFIG, _drop_pg_database, _fresh_pg_database

pytestmark = pytest.mark.slow
N = 16


@pytest.fixture(scope="module", params=["sqlite"] + (["postgresql"] if PG_URL else []))
def server(request, tmp_path_factory):
    import waitress

    from lawreq.app import create_app
    from lawreq.migrate import upgrade

    name = None
    if request.param == "postgresql":
        url, name = _fresh_pg_database("lawreq_parallel_")
    else:
        url = f"sqlite:///{tmp_path_factory.mktemp('parallel') / 'lawreq.sqlite'}"
    upgrade(url)
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url}, instance_path=str(tmp_path_factory.mktemp("inst")))
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    httpd = waitress.create_server(app, host="127.0.0.1", port=port, threads=N)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{port}", request.param
    httpd.close()
    thread.join(timeout=5)
    app.extensions["lawreq.engine"].dispose()
    if name:
        _drop_pg_database(name)


@pytest.fixture(scope="module")
def world(server):
    from lawreq.api_tokens.services import create_personal_token, exchange
    from lawreq.auth.models import AuthSession
    from lawreq.security.tokens import TokenKeys
    from tests.factories import Factory

    app, base, backend = server
    with Session(app.extensions["lawreq.engine"], expire_on_commit=False) as db:
        factory = Factory(db, app)
        unit = factory.unit(code="PAR")
        investigator = factory.user("investigator", units=[unit])
        case = factory.case(unit, created_by=investigator)
        keys = TokenKeys(secret=app.config["JWT_SECRET"], issuer=app.config["JWT_ISSUER"],
                         audience=app.config["JWT_AUDIENCE"])
        audit = app.config["AUDIT_KEY"].encode()
        _row, personal = create_personal_token(db, keys, audit, investigator, name="par",
                                               scopes=("requests:read", "requests:write"), days=1)
        db.commit()
        access, _c, _p = exchange(db, keys, audit, personal)
        sids = []
        for _ in range(N):
            row = AuthSession(id=secrets.token_urlsafe(32), user_id=investigator.id, mfa_passed=True)
            db.add(row)
            sids.append(row.id)
        db.commit()
    serializer = app.session_interface.get_signing_serializer(app)
    return {"app": app, "base": base, "backend": backend, "case_id": case.id,
            "api": {"Authorization": f"Bearer {access}"}, "cookies": [serializer.dumps({"sid": s}) for s in sids],
            "cookie_name": app.config["SESSION_COOKIE_NAME"]}


def _browser(world, n: int) -> tuple[requests.Session, str]:
    """A logged-in browser session with the CSRF token of its case page."""
    web = requests.Session()
    web.cookies.set(world["cookie_name"], world["cookies"][n], domain="127.0.0.1")
    page = web.get(f"{world['base']}/cases/{world['case_id']}", timeout=60)
    assert page.status_code == 200, page.text[:500]
    return web, re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page.text).group(1)


def _fire(calls) -> tuple[list[int], list[float]]:
    start = threading.Barrier(len(calls))

    def one(call):
        start.wait()
        t0 = time.perf_counter()
        status = call()
        return status, time.perf_counter() - t0

    with ThreadPoolExecutor(len(calls)) as pool:
        results = list(pool.map(one, calls))
    return [s for s, _ in results], [t for _, t in results]


def _report(world, what: str, statuses: list[int], times: list[float]) -> None:
    conflicts = sum(s == 409 for s in statuses)
    print(f"\nPARALLEL {world['backend']} {what}: n={len(statuses)} median={statistics.median(times) * 1000:.0f} ms "
          f"worst={max(times) * 1000:.0f} ms 409s={conflicts} statuses={sorted(set(statuses))}")


def _count(world) -> int:
    from lawreq.legal_requests.models import LegalRequest

    with Session(world["app"].extensions["lawreq.engine"]) as db:
        return db.scalar(select(func.count()).select_from(LegalRequest).where(LegalRequest.case_id == world["case_id"]))


def _drafts(world, n: int) -> list[tuple[int, int]]:
    made = []
    for _ in range(n):
        r = requests.post(f"{world['base']}/api/v1/cases/{world['case_id']}/requests", json={},
                          headers=world["api"], timeout=60)
        assert r.status_code == 201, r.text
        made.append((r.json()["id"], r.json()["version"]))
    return made


def _states(world, ids) -> dict[int, str]:
    from lawreq.legal_requests.models import LegalRequest

    with Session(world["app"].extensions["lawreq.engine"]) as db:
        return dict(db.execute(select(LegalRequest.id, LegalRequest.state).where(LegalRequest.id.in_(ids))).all())


def test_sixteen_investigators_create_requests_through_the_api_at_once_and_all_are_kept(world):
    before = _count(world)
    url = f"{world['base']}/api/v1/cases/{world['case_id']}/requests"
    statuses, times = _fire([lambda: requests.post(url, json={}, headers=world["api"], timeout=120).status_code] * N)
    _report(world, "API creates", statuses, times)
    assert statuses == [201] * N
    assert _count(world) == before + N


def test_sixteen_investigators_create_requests_through_the_web_at_once_and_all_are_kept(world):
    before = _count(world)
    browsers = [_browser(world, n) for n in range(N)]
    url = f"{world['base']}/cases/{world['case_id']}/requests"
    statuses, times = _fire([lambda b=b: b[0].post(url, data={"csrf_token": b[1]}, allow_redirects=False,
                                                   timeout=120).status_code for b in browsers])
    _report(world, "web creates", statuses, times)
    assert statuses == [302] * N
    assert _count(world) == before + N


def test_sixteen_parallel_api_transitions_each_apply_once_or_get_a_clean_409(world):
    """Two people withdraw each of eight drafts at the same moment, with the version they both read."""
    drafts = _drafts(world, N // 2)

    def withdraw(request_id: int, version: int):
        return lambda: requests.post(f"{world['base']}/api/v1/requests/{request_id}/transitions",
                                     json={"action": "withdraw", "version": version, "note": "duplicate"},
                                     headers=world["api"], timeout=120).status_code

    statuses, times = _fire([withdraw(i, v) for i, v in drafts for _ in range(2)])
    _report(world, "API transitions", statuses, times)
    assert all(s in (200, 409) for s in statuses), statuses
    assert statuses.count(200) == N // 2  # exactly one of each pair applied ...
    assert set(_states(world, [i for i, _ in drafts]).values()) == {"withdrawn"}  # ... and none was lost


def test_sixteen_parallel_web_transitions_each_apply_once_or_tell_of_the_conflict(world):
    drafts = _drafts(world, N // 2)
    browsers = [_browser(world, n) for n in range(N)]
    calls = []
    for k, (request_id, version) in enumerate(drafts):
        for b in browsers[2 * k:2 * k + 2]:
            calls.append(lambda b=b, r=request_id, v=version: b[0].post(
                f"{world['base']}/requests/{r}/actions/withdraw",
                data={"csrf_token": b[1], "version": str(v), "note": "duplicate"}, allow_redirects=False,
                timeout=120).status_code)
    statuses, times = _fire(calls)
    _report(world, "web transitions", statuses, times)
    # back to the request page (withdrawn, or the conflict flashed), or the 409 page when the version check lost
    # at commit; never a 5xx
    assert set(statuses) <= {302, 409}, statuses
    assert set(_states(world, [i for i, _ in drafts]).values()) == {"withdrawn"}
