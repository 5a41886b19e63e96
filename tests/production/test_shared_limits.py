"""Two app instances (two processes, as on two hosts) against one PostgreSQL database enforce one limit in
total: the per-IP login throttle and the per-token API rate limit live in the database, not in a process."""

from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import time
import urllib.request

import pytest
import requests
from sqlalchemy.orm import Session

from tests.conftest import PG_URL, TEST_CONFIG, _drop_pg_database, _fresh_pg_database

pytestmark = [pytest.mark.postgres, pytest.mark.slow]
LOGIN_LIMIT, API_LIMIT = 5, 6


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def two_instances(tmp_path_factory):
    if not PG_URL:
        pytest.skip("needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
    from lawreq.migrate import upgrade

    url, name = _fresh_pg_database("lawreq_limits_")
    upgrade(url)
    env = {**os.environ, **{f"LAWREQ_{k}": str(v) for k, v in TEST_CONFIG.items()
                            if v is not None and k not in ("SERVER_NAME", "LOGIN_IP_PER_MINUTE", "METRICS_NETWORKS")},
           "LAWREQ_DATABASE_URL": url, "LAWREQ_LOGIN_IP_PER_MINUTE": str(LOGIN_LIMIT),
           "LAWREQ_API_RATE_PER_MINUTE": str(API_LIMIT)}
    procs, bases = [], []
    for n in range(2):
        port = _port()
        folder = tmp_path_factory.mktemp(f"instance{n}")
        log = open(folder / "server.log", "w")  # noqa: SIM115
        procs.append((subprocess.Popen([sys.executable, "-m", "lawreq.cli", "serve", "--no-scheduler", "--port",
                                        str(port)], env={**env, "LAWREQ_INSTANCE_PATH": str(folder)},
                                       stdout=log, stderr=subprocess.STDOUT), log))
        bases.append(f"http://127.0.0.1:{port}")
    for base in bases:
        for _ in range(120):
            try:
                urllib.request.urlopen(base + "/login", timeout=2).read()
                break
            except OSError:
                time.sleep(0.5)
    yield url, bases
    for proc, log in procs:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
    _drop_pg_database(name)


def _same_window() -> None:
    """Both limits count per clock minute: start well inside one so the test cannot straddle two windows."""
    if time.time() % 60 > 45:
        time.sleep(61 - time.time() % 60)


def _login_attempt(base: str) -> int:
    web = requests.Session()
    page = web.get(base + "/login", timeout=30).text
    token = re.search(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"', page).group(1)
    return web.post(base + "/login", data={"csrf_token": token, "email": "nobody@test.lawreq",
                                           "password": "not the password"}, timeout=30).status_code


def test_the_login_throttle_holds_in_total_across_two_instances(two_instances):
    _url, bases = two_instances
    _same_window()
    statuses = [_login_attempt(bases[i % 2]) for i in range(4 * LOGIN_LIMIT)]
    assert statuses.count(401) == LOGIN_LIMIT, statuses  # not LOGIN_LIMIT per instance
    assert statuses.count(429) == 3 * LOGIN_LIMIT


def test_the_api_rate_limit_holds_in_total_across_two_instances(two_instances, tmp_path):
    from lawreq.api_tokens.services import SCOPES, create_personal_token, exchange
    from lawreq.app import create_app
    from lawreq.security.tokens import TokenKeys
    from tests.factories import Factory

    url, bases = two_instances
    app = create_app({**TEST_CONFIG, "DATABASE_URL": url}, instance_path=str(tmp_path))
    with Session(app.extensions["lawreq.engine"], expire_on_commit=False) as db:
        user = Factory(db, app).user("investigator")
        keys = TokenKeys(secret=app.config["JWT_SECRET"], issuer=app.config["JWT_ISSUER"],
                         audience=app.config["JWT_AUDIENCE"])
        audit = app.config["AUDIT_KEY"].encode()
        _row, personal = create_personal_token(db, keys, audit, user, name="two", scopes=tuple(SCOPES), days=1)
        db.commit()
        access, _c, _p = exchange(db, keys, audit, personal)
        db.commit()
    app.extensions["lawreq.engine"].dispose()
    _same_window()
    headers = {"Authorization": f"Bearer {access}"}
    statuses = [requests.get(bases[i % 2] + "/api/v1/jurisdictions", headers=headers, timeout=30).status_code
                for i in range(3 * API_LIMIT)]
    assert statuses.count(200) == API_LIMIT, statuses
    assert statuses.count(429) == 2 * API_LIMIT
