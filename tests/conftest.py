"""Test fixtures: one app per backend per session, a savepoint-rolled-back transaction per test.

The suite runs on SQLite always and, when ``LAWREQ_TEST_DATABASE_URL`` points at a PostgreSQL server, on a fresh
PostgreSQL database too (created here, dropped at the end). Schemas come from the real Alembic migrations, so the
migrations are tested on both backends.
"""

from __future__ import annotations

import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url

from lawreq import db
from lawreq.migrate import upgrade

ROOT = Path(__file__).resolve().parent.parent
PG_URL = os.environ.get("LAWREQ_TEST_DATABASE_URL")
BACKENDS = ["sqlite"] + (["postgresql"] if PG_URL else [])

TEST_CONFIG = {
    "ENV": "testing",
    "SECRET_KEY": "test-secret-key-0123456789abcdef0123456789",
    "AUDIT_KEY": "test-audit-key-0123456789abcdef0123456789",
    "JWT_SECRET": "test-jwt-secret-0123456789abcdef0123456789",
    "PASSWORD_HASH_PROFILE": "cheapest",
    "PASSWORD_MIN_LENGTH": 12,
    # The per-IP layer counts every test login from 127.0.0.1; its own test uses IpThrottle directly.
    "LOGIN_IP_PER_MINUTE": 1_000_000,
    "VERIFY_PER_MINUTE": 1_000_000,  # likewise for /verify; its own test sets a small limit and a fresh window
    "BASE_URL": "http://lawreq.test",
    # The test client comes from 127.0.0.1; /metrics must be earned by the admin role in the access matrix.
    "METRICS_NETWORKS": [],
    "SERVER_NAME": None,
}


def pytest_addoption(parser):
    parser.addoption("--pin-clock", default=None, metavar="ISO-INSTANT",
                     help="run the whole session with the clock moved to this instant (e.g. 2026-12-26T10:00:00Z; "
                          "the clock ticks from there); tests that pin their own clock with time-machine still win")


@pytest.fixture(scope="session", autouse=True)
def _pinned_clock(request):
    """``--pin-clock``: the suite must pass on any day, a holiday weekend and a DST night included (CI runs it so)."""
    value = request.config.getoption("--pin-clock")
    if not value:
        yield None
        return
    import datetime as _dt

    import time_machine

    instant = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
    if instant.tzinfo is None:
        raise pytest.UsageError("--pin-clock needs an offset or Z, e.g. 2027-03-28T01:30:00Z")
    traveller = time_machine.travel(instant, tick=True)
    traveller.start()
    yield instant
    traveller.stop()


def _fresh_pg_database(prefix: str = "lawreq_test_") -> tuple[str, str]:
    import psycopg

    base = make_url(PG_URL)
    name = f"{prefix}{secrets.token_hex(4)}"
    admin = base.set(drivername="postgresql", database=base.database or "postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    return base.set(drivername="postgresql+psycopg", database=name).render_as_string(hide_password=False), name


def _drop_pg_database(name: str) -> None:
    import psycopg

    base = make_url(PG_URL)
    admin = base.set(drivername="postgresql", database=base.database or "postgres")
    with psycopg.connect(admin.render_as_string(hide_password=False), autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(scope="session")
def database_url(request, tmp_path_factory) -> Iterator[str]:
    backend = getattr(request, "param", "sqlite")
    if backend == "postgresql":
        url, name = _fresh_pg_database()
        yield url
        _drop_pg_database(name)
    else:
        yield f"sqlite:///{tmp_path_factory.mktemp('db') / 'lawreq-test.sqlite'}"


def pytest_generate_tests(metafunc):
    if "database_url" in metafunc.fixturenames:
        metafunc.parametrize("database_url", BACKENDS, indirect=True, scope="session")


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    from lawreq.app import create_app

    application = create_app({**TEST_CONFIG, "DATABASE_URL": database_url},
                             instance_path=str(tmp_path_factory.mktemp("instance")))
    upgrade(database_url)
    yield application
    application.extensions["lawreq.engine"].dispose()


@pytest.fixture
def db_session(app) -> Iterator:
    """Bind the session to one connection inside an outer transaction; the app's commits become savepoints."""
    engine = app.extensions["lawreq.engine"]
    conn = engine.connect()
    outer = conn.begin()
    db.session.remove()
    db.session.configure(bind=conn, join_transaction_mode="create_savepoint")
    try:
        yield db.session
    finally:
        db.session.remove()
        outer.rollback()
        conn.close()
        db.session.configure(bind=engine, join_transaction_mode="conditional_savepoint")


@pytest.fixture
def client(app, db_session):
    with app.test_client() as c:
        yield c


@pytest.fixture
def app_ctx(app, db_session):
    with app.test_request_context():
        yield app


# --- helpers ---------------------------------------------------------------------------------------------------
_CSRF = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_from(html: str) -> str:
    m = _CSRF.search(html)
    assert m, "no CSRF token in the page"
    return m.group(1) or m.group(2)


@pytest.fixture
def csrf(client):
    """Return a function giving a valid CSRF token for the client's session (read from a real form)."""

    def token(page: str = "/login") -> str:
        resp = client.get(page)
        return csrf_from(resp.get_data(as_text=True))

    return token


@pytest.fixture
def factory(app, db_session):
    from tests.factories import Factory

    return Factory(db_session, app)


@pytest.fixture
def login(client, db_session):
    """Log a user in by creating a real server-side session row (the form login has its own tests)."""
    import secrets as _s

    from lawreq.auth.models import AuthSession

    def do(user, mfa_passed: bool = True):
        row = AuthSession(id=_s.token_urlsafe(32), user_id=user.id, mfa_passed=mfa_passed)
        db_session.add(row)
        db_session.commit()
        with client.session_transaction() as sess:
            sess["sid"] = row.id
        return row

    return do


@pytest.fixture(scope="session")
def rules():
    from lawreq.rules import load_rules

    return load_rules(ROOT / "jurisdictions")


@pytest.fixture(scope="session", autouse=True)
def _dispose_engines():
    """Close every pooled connection at the end of the run: apps built in tests each own an engine, and a
    connection left to the garbage collector at interpreter exit is a ResourceWarning (an error here)."""
    yield
    import gc

    from sqlalchemy.engine import Engine

    gc.collect()
    for obj in gc.get_objects():
        if isinstance(obj, Engine):
            obj.dispose()


@pytest.fixture
def signing_keys(app, tmp_path, monkeypatch):
    """Give units signing keys from a throw-away CA (made here with ``cryptography``): ``signing_keys("FIPOL")``.

    Returns the loaded ``SigningKeys``, installed as the app's for this test only. ``password`` lets a test load a
    key with the wrong one.
    """
    from lawreq.signing import SigningKeys
    from lawreq.signing.keys import password_key
    from lawreq.signing.throwaway import write_demo_keys

    def install(*codes: str, password: str = "unit-key-pass", load_with: str | None = None, **config):
        keys_dir = tmp_path / "signing"
        write_demo_keys(keys_dir, [(c, f"Test authority {c}") for c in codes], password)
        settings = {"SIGNING_KEYS_DIR": str(keys_dir), **config}
        settings.update({password_key(c): load_with if load_with is not None else password for c in codes})
        keys = SigningKeys.load(settings, tmp_path, environ={})
        monkeypatch.setitem(app.extensions, "lawreq.signing", keys)
        return keys

    return install
