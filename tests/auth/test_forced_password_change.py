"""A password an admin typed is a temporary one: right after the login (and the second factor, where one is
required) its owner chooses their own, and reaches nothing else — no board, no API token — until then."""

from __future__ import annotations

import json
import secrets

import pyotp
import pytest
from sqlalchemy import select

from lawreq.api.auth import token_keys
from lawreq.api_tokens.services import TokenRefused, create_personal_token
from lawreq.audit.models import AuditEntry
from lawreq.auth.models import ApiToken, AuthSession, User
from tests.conftest import csrf_from

TEMPORARY = "temporary from the admin"
OWN = "my own long passphrase"
NEW_PAGE = "/login/new-password"


def _login(client, email, password, next_url=None):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login" + (f"?next={next_url}" if next_url else ""),
                       data={"email": email, "password": password, "csrf_token": token})


def _choose(client, new, repeat=None):
    token = csrf_from(client.get(NEW_PAGE).get_data(as_text=True))
    return client.post(NEW_PAGE, data={"new": new, "repeat": new if repeat is None else repeat, "csrf_token": token})


def _entries(db_session, action):
    return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)))


@pytest.fixture
def newcomer(factory):
    """An investigator whose account an admin just opened with a temporary password."""
    return factory.user("investigator", name="Nina Newcomer", password=TEMPORARY, must_change_password=True)


def test_after_the_password_the_newcomer_is_sent_to_choose_their_own(client, newcomer):
    resp = _login(client, newcomer.email, TEMPORARY)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(NEW_PAGE)
    page = client.get(NEW_PAGE)
    html = page.get_data(as_text=True)
    assert page.status_code == 200 and "Choose a new password" in html
    assert 'name="current"' not in html  # they typed the temporary password a moment ago
    assert ">Board<" not in html  # no navigation to pages they cannot reach yet


def test_an_approver_chooses_only_after_the_second_factor(client, factory):
    secret = pyotp.random_base32()
    approver = factory.user("approver", password=TEMPORARY, totp_secret=secret, must_change_password=True)
    resp = _login(client, approver.email, TEMPORARY)
    assert resp.headers["Location"].endswith("/login/totp")
    assert client.get(NEW_PAGE).headers["Location"].startswith("/login")  # the password alone opens nothing
    page = client.get("/login/totp").get_data(as_text=True)
    resp = client.post("/login/totp", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(NEW_PAGE)


def test_a_new_admin_enrols_a_second_factor_then_chooses_a_password(client, factory):
    factory.user("admin", email="new.admin@test.lawreq", password=TEMPORARY, must_change_password=True)
    assert _login(client, "new.admin@test.lawreq", TEMPORARY).headers["Location"].endswith("/login/totp/setup")
    page = client.get("/login/totp/setup").get_data(as_text=True)
    with client.session_transaction() as s:
        secret = s["totp_enrol"]
    codes = client.post("/login/totp/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    assert f'href="{NEW_PAGE}">I have stored them' in codes.get_data(as_text=True)


def test_until_then_the_board_the_account_page_and_api_tokens_are_out_of_reach(client, newcomer, db_session,
                                                                                 app):
    _login(client, newcomer.email, TEMPORARY)
    for url in ("/board", "/home", "/account", "/settings/api-tokens/", "/"):
        resp = client.get(url)
        assert resp.status_code == 302 and resp.headers["Location"].endswith(NEW_PAGE), url
    token = csrf_from(client.get(NEW_PAGE).get_data(as_text=True))
    resp = client.post("/settings/api-tokens/", data={"csrf_token": token, "name": "CMS", "days": "30",
                                                      "scopes": ["requests:read"]})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(NEW_PAGE)
    assert db_session.scalars(select(ApiToken).where(ApiToken.user_id == newcomer.id)).all() == []
    # nor by any other way in
    with app.test_request_context(), pytest.raises(TokenRefused, match="choose your own password first"):
        create_personal_token(db_session, token_keys(), b"k", newcomer, name="CMS", scopes=["requests:read"],
                              days=30)


def test_logging_out_still_works(client, newcomer, db_session):
    _login(client, newcomer.email, TEMPORARY)
    with client.session_transaction() as s:
        sid = s["sid"]
    resp = client.post("/logout", data={"csrf_token": csrf_from(client.get(NEW_PAGE).get_data(as_text=True))})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    assert db_session.get(AuthSession, sid).revoked_at is not None


def test_the_new_password_replaces_the_temporary_one_and_ends_the_other_sessions(client, newcomer, db_session):
    elsewhere = AuthSession(id=secrets.token_urlsafe(32), user_id=newcomer.id, mfa_passed=True)
    db_session.add(elsewhere)
    db_session.commit()
    _login(client, newcomer.email, TEMPORARY)

    resp = _choose(client, OWN)

    assert resp.status_code == 302 and resp.headers["Location"].endswith("/home")
    home = client.get("/home").get_data(as_text=True)
    assert "Your new password is set; the temporary one no longer works." in home
    assert client.get("/board").status_code == 200
    assert db_session.get(User, newcomer.id).must_change_password is False
    assert db_session.get(AuthSession, elsewhere.id).revoked_at is not None
    [entry] = _entries(db_session, "account.password_changed")
    assert entry.actor_id == newcomer.id
    assert entry.detail == {"replaced_temporary": True, "other_sessions_ended": 1}
    assert TEMPORARY not in json.dumps(entry.detail) and OWN not in json.dumps(entry.detail)

    client.post("/logout", data={"csrf_token": csrf_from(home)})
    assert _login(client, newcomer.email, TEMPORARY).status_code == 401  # the temporary password opens nothing
    resp = _login(client, newcomer.email, OWN)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/home")  # and no second round
    assert client.get(NEW_PAGE).headers["Location"].endswith("/home")


def test_the_page_they_were_going_to_waits_for_them(client, newcomer):
    _login(client, newcomer.email, TEMPORARY, next_url="/board")
    assert client.get("/board").headers["Location"].endswith(NEW_PAGE)
    resp = _choose(client, OWN)
    assert resp.headers["Location"].endswith("/board")


@pytest.mark.parametrize("new,repeat,message", [
    ("short", None, "Use at least 12 characters."),
    ("passwordpassword", None, "This password is too common; choose another one."),
    (TEMPORARY, None, "Choose a password different from the temporary one."),
    (OWN, OWN + "!", "The two entries differ."),
])
def test_a_refused_password_keeps_the_page_and_is_never_sent_back(client, newcomer, db_session, new, repeat,
                                                                  message):
    _login(client, newcomer.email, TEMPORARY)
    resp = _choose(client, new, repeat)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and message in html and "Choose a new password" in html
    assert new not in html.replace(message, "") and (repeat is None or repeat not in html)
    assert db_session.get(User, newcomer.id).must_change_password is True
    assert _entries(db_session, "account.password_changed") == []
    assert client.get("/board").headers["Location"].endswith(NEW_PAGE)  # still nowhere else
