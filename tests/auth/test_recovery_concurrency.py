"""Two sign-ins racing with the same recovery code: only one gets in. Real commits on separate connections, so each
test has a database of its own (a SQLite file, or a fresh PostgreSQL database that is dropped afterwards)."""

from __future__ import annotations

import threading
import time
from collections.abc import Iterator

import pytest
from sqlalchemy import func, select
from sqlalchemy.exc import OperationalError
from sqlalchemy.orm import Session

from lawreq.auth import recovery
from lawreq.auth.models import RecoveryCode, User
from lawreq.auth.services import count_failure, issue_recovery_codes, redeem_recovery_code
from lawreq.core.clock import utcnow
from lawreq.db import make_engine
from lawreq.migrate import upgrade
from tests.conftest import PG_URL

KEY = recovery.derive_key("concurrency-test-secret")
LOCK_CFG = {"LOGIN_MAX_FAILURES": 5, "LOGIN_LOCK_SECONDS": 60, "LOGIN_LOCK_MAX_SECONDS": 3600}


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def engine(request, tmp_path) -> Iterator:
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'race.sqlite'}"
        drop = None
    else:
        if not PG_URL:
            pytest.skip("needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
        from tests.conftest import _drop_pg_database, _fresh_pg_database

        url, name = _fresh_pg_database("lawreq_rc_")
        drop = name
    try:
        upgrade(url)
        eng = make_engine(url)
        yield eng
        eng.dispose()
    finally:
        if drop:
            _drop_pg_database(drop)


@pytest.fixture
def approver(engine) -> tuple[User, list[str]]:
    with Session(engine, expire_on_commit=False) as s:
        user = User(email="judge@test.lawreq", name="Judge", role="approver", authority_type="judge",
                    password_hash="x", totp_secret="JBSWY3DPEHPK3PXP", preferences={})
        s.add(user)
        s.flush()
        codes = issue_recovery_codes(s, user, KEY, utcnow())
        s.commit()
    return user, codes


def _used(engine, user) -> int:
    with Session(engine) as s:
        return s.scalar(select(func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_not(None)))


def test_the_second_of_two_sign_ins_waits_for_the_first_and_then_finds_the_code_used(engine, approver):
    user, codes = approver
    first, second = Session(engine), Session(engine)
    result: dict[str, object] = {}
    try:
        assert redeem_recovery_code(first, user, codes[0], KEY, utcnow()) is True  # not yet committed

        def other_browser():
            result["second"] = redeem_recovery_code(second, user, codes[0], KEY, utcnow())
            second.commit()

        racer = threading.Thread(target=other_browser)
        racer.start()
        time.sleep(0.3)
        assert racer.is_alive(), "the second UPDATE should wait for the first transaction's lock"
        first.commit()
        racer.join(timeout=15)
        assert result == {"second": False}
    finally:
        first.close()
        second.close()
    assert _used(engine, user) == 1


def test_eight_simultaneous_uses_of_one_code_let_exactly_one_in(engine, approver):
    user, codes = approver
    start, results = threading.Barrier(8), []

    def sign_in():
        with Session(engine) as s:
            start.wait()
            results.append(redeem_recovery_code(s, user, codes[1], KEY, utcnow()))
            s.commit()

    threads = [threading.Thread(target=sign_in) for _ in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=30)
    assert sorted(results) == [False] * 7 + [True]
    assert _used(engine, user) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)
def test_two_requests_that_both_saw_the_code_unused_cannot_both_use_it(engine, approver):
    """The shape of a real request: the user row is read first (session check), the code is redeemed later.

    PostgreSQL only: on SQLite every transaction begins IMMEDIATE, so the second request cannot even read before
    the first commits (the two-sessions-in-one-thread interleaving here would wait for itself); the threaded
    tests above cover SQLite."""
    user, codes = approver
    first, second = Session(engine), Session(engine)
    try:
        seen_first, seen_second = first.get(User, user.id), second.get(User, user.id)
        assert redeem_recovery_code(first, seen_first, codes[2], KEY, utcnow()) is True
        first.commit()
        try:
            outcome = redeem_recovery_code(second, seen_second, codes[2], KEY, utcnow())
            second.commit()
        except OperationalError:
            second.rollback()
            raise
        assert outcome is False
    finally:
        first.close()
        second.close()
    assert _used(engine, user) == 1


@pytest.mark.postgres
@pytest.mark.parametrize("engine", ["postgresql"], indirect=True)  # SQLite refuses the overtaken writer (above)
def test_wrong_guesses_sent_in_parallel_are_all_counted(engine, approver):
    """Both requests read ``failed_logins == 0``; the increment in SQL still counts two (no lost update)."""
    user, _ = approver
    first, second = Session(engine), Session(engine)
    try:
        a, b = first.get(User, user.id), second.get(User, user.id)
        assert a.failed_logins == b.failed_logins == 0
        count_failure(first, a, utcnow(), LOCK_CFG)

        def other_request():
            count_failure(second, b, utcnow(), LOCK_CFG)  # waits for the first transaction's row lock
            second.commit()

        racer = threading.Thread(target=other_request)
        racer.start()
        first.commit()
        racer.join(timeout=15)
        assert b.failed_logins == 2
    finally:
        first.close()
        second.close()
    with Session(engine) as s:
        assert s.get(User, user.id).failed_logins == 2
