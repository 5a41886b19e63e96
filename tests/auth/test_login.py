"""Logging in, second factor, logout, and the refusals around them."""

from datetime import timedelta

import pyotp
import pytest
import time_machine
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.auth.models import AuthSession, User
from lawreq.auth.services import GENERIC_FAILURE
from lawreq.core.clock import utcnow
from tests.conftest import csrf_from
from tests.factories import PASSWORD


def _login(client, email, password):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


def _actions(db_session):
    return [e.action for e in db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]


def test_investigator_logs_in_and_reaches_home(client, factory):
    user = factory.user("investigator", name="Ilona Investigator")
    resp = _login(client, user.email, PASSWORD)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/home")
    home = client.get("/home")
    assert home.status_code == 200
    assert "Good to see you, Ilona" in home.get_data(as_text=True)


def test_wrong_password_and_unknown_user_get_the_same_answer_and_are_audited(client, factory, db_session):
    user = factory.user("investigator")
    wrong = _login(client, user.email, "not the password at all")
    unknown = _login(client, "nobody@test.lawreq", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    assert GENERIC_FAILURE in wrong.get_data(as_text=True)
    assert GENERIC_FAILURE in unknown.get_data(as_text=True)
    assert _actions(db_session).count("login.failed") == 2
    assert client.get("/home").status_code == 302  # still not logged in


def test_five_failures_lock_the_account_even_for_the_right_password(client, factory, db_session):
    user = factory.user("investigator")
    for _ in range(5):
        _login(client, user.email, "wrong wrong wrong")
    user = db_session.get(User, user.id)
    assert user.locked_until is not None
    assert _login(client, user.email, PASSWORD).status_code == 401
    with time_machine.travel(utcnow() + timedelta(minutes=5), tick=False):
        assert _login(client, user.email, PASSWORD).status_code == 302


def test_forged_csrf_token_is_refused_and_nothing_happens(client, factory):
    user = factory.user("investigator")
    client.get("/login")
    resp = client.post("/login", data={"email": user.email, "password": PASSWORD, "csrf_token": "forged"})
    assert resp.status_code == 400
    assert client.get("/home").status_code == 302


def test_approver_must_pass_totp_and_a_code_cannot_be_replayed(client, factory, db_session):
    secret = pyotp.random_base32()
    user = factory.user("approver", authority="prosecutor", totp_secret=secret)
    resp = _login(client, user.email, PASSWORD)
    assert resp.headers["Location"].endswith("/login/totp")
    assert client.get("/home").status_code == 302  # password alone is not enough
    code = pyotp.TOTP(secret).now()
    page = client.get("/login/totp").get_data(as_text=True)
    resp = client.post("/login/totp", data={"code": code, "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    assert client.get("/home").status_code == 200
    # a second login with the same code in the same time step is refused
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/account").get_data(as_text=True))})
    _login(client, user.email, PASSWORD)
    page = client.get("/login/totp").get_data(as_text=True)
    replay = client.post("/login/totp", data={"code": code, "csrf_token": csrf_from(page)})
    assert replay.status_code == 401
    assert "already used" in replay.get_data(as_text=True)


def test_approver_without_factor_is_made_to_enrol(client, factory, db_session):
    user = factory.user("approver", authority="judge")
    resp = _login(client, user.email, PASSWORD)
    assert resp.headers["Location"].endswith("/login/totp/setup")
    page = client.get("/login/totp/setup").get_data(as_text=True)
    with client.session_transaction() as s:
        secret = s["totp_enrol"]
    assert secret in page
    resp = client.post("/login/totp/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    assert resp.status_code == 200 and "Your recovery codes" in resp.get_data(as_text=True)  # shown once, then on
    user = db_session.get(User, user.id)
    assert user.totp_secret == secret
    assert "account.totp_enrolled" in _actions(db_session)


def test_logout_revokes_the_server_side_session(client, factory, db_session):
    user = factory.user("liaison_officer")
    _login(client, user.email, PASSWORD)
    with client.session_transaction() as s:
        sid = s["sid"]
    page = client.get("/account").get_data(as_text=True)
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert db_session.get(AuthSession, sid).revoked_at is not None
    with client.session_transaction() as s:  # replay the old cookie content
        s["sid"] = sid
    assert client.get("/home").status_code == 302


def test_idle_session_expires(client, factory, login):
    user = factory.user("investigator")
    login(user)
    assert client.get("/home").status_code == 200
    with time_machine.travel(utcnow() + timedelta(minutes=31), tick=False):
        assert client.get("/home").status_code == 302


def test_tampered_session_cookie_is_ignored(client, factory, login, app):
    user = factory.user("investigator")
    login(user)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    client.set_cookie(app.config["SESSION_COOKIE_NAME"], cookie.value[:-3] + "AAA")
    assert client.get("/home").status_code == 302


def test_password_change_ends_other_sessions(client, factory, login, db_session, app):
    user = factory.user("investigator")
    other = login(user)  # e.g. another browser
    mine = login(user)
    page = client.get("/account").get_data(as_text=True)
    resp = client.post("/account", data={"current": PASSWORD, "new": "a brand new long passphrase",
                                         "repeat": "a brand new long passphrase", "csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    assert db_session.get(AuthSession, other.id).revoked_at is not None
    assert db_session.get(AuthSession, mine.id).revoked_at is None


@pytest.mark.parametrize("new,message", [("short", "at least 12"), ("password123", "too common")])
def test_password_policy_messages(client, factory, login, new, message):
    user = factory.user("investigator")
    login(user)
    page = client.get("/account").get_data(as_text=True)
    resp = client.post("/account", data={"current": PASSWORD, "new": new, "repeat": new,
                                         "csrf_token": csrf_from(page)})
    assert message in resp.get_data(as_text=True)


def test_open_redirect_after_login_is_refused(client, factory):
    user = factory.user("investigator")
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login?next=//evil.example/x", data={"email": user.email, "password": PASSWORD,
                                                              "csrf_token": token})
    assert resp.headers["Location"].endswith("/home")


def test_ip_throttle_refuses_after_the_limit_and_forgives_after_a_minute():
    from lawreq.auth.services import IpThrottle

    throttle = IpThrottle()
    assert all(throttle.allow("10.0.0.1", 3, now=100.0 + i) for i in range(3))
    assert throttle.allow("10.0.0.1", 3, now=103.0) is False
    assert throttle.allow("10.0.0.2", 3, now=103.0) is True  # another address is not affected
    assert throttle.allow("10.0.0.1", 3, now=161.5) is True


def test_wrong_totp_codes_lock_the_account_and_the_password_alone_buys_no_new_round(client, factory, db_session):
    secret = pyotp.random_base32()
    user = factory.user("approver", totp_secret=secret)
    valid = {pyotp.TOTP(secret).at(utcnow() + timedelta(seconds=30 * d)) for d in (-1, 0, 1)}
    wrong = next(c for c in ("000000", "111111", "222222") if c not in valid)

    def guess():
        page = client.get("/login/totp").get_data(as_text=True)
        return client.post("/login/totp", data={"code": wrong, "csrf_token": csrf_from(page)})

    _login(client, user.email, PASSWORD)
    assert [guess().status_code for _ in range(4)] == [401] * 4
    fifth = guess()
    assert fifth.status_code == 302 and fifth.headers["Location"].endswith("/login")
    assert "login.totp_locked" in _actions(db_session)
    assert _login(client, user.email, PASSWORD).status_code == 401  # locked, even for the right password
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=False):
        assert _login(client, user.email, PASSWORD).status_code == 302
        assert guess().headers["Location"].endswith("/login")  # one more wrong code locks again, for longer
        assert db_session.get(User, user.id).locked_until - utcnow() > timedelta(seconds=110)
