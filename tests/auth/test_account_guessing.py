"""A stolen session cannot guess the password on the account page, and weak passwords are refused with a reason."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.auth.models import AuthSession, User
from lawreq.auth.passwords import common_passwords, policy_problems
from tests.conftest import csrf_from


def _change(client, current, new="a brand new passphrase for the account"):
    page = client.get("/account").get_data(as_text=True)
    return client.post("/account", data={"csrf_token": csrf_from(page), "current": current, "new": new,
                                         "repeat": new, "confirm": new})


def test_wrong_current_passwords_count_towards_the_lockout(app, client, factory, login, db_session):
    user = factory.user("investigator")
    row = login(user)
    limit = app.config["LOGIN_MAX_FAILURES"]
    for n in range(1, limit):
        resp = _change(client, f"guess number {n}")
        assert resp.status_code == 401 and "The current password is wrong." in resp.get_data(as_text=True)
        db_session.expire_all()
        assert db_session.get(User, user.id).failed_logins == n
    resp = _change(client, "the last guess")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/login")
    db_session.expire_all()
    assert db_session.get(User, user.id).locked_until is not None
    assert db_session.get(AuthSession, row.id).revoked_at is not None
    actions = db_session.scalars(select(AuditEntry.action).where(AuditEntry.actor_id == user.id)).all()
    assert actions.count("account.password_check_failed") == limit - 1 and "account.password_check_locked" in actions


@pytest.mark.parametrize("password,reason", [
    ("aaaaaaaaaaaa", "too easy to guess"),
    ("Password1234", "too easy to guess"),
    ("1q2w3e4r5t6y", "too common"),
])
def test_weak_and_common_passwords_are_refused_with_a_reason(password, reason):
    assert any(reason in p for p in policy_problems(password, 12, "nina@test.lawreq"))


def test_the_bundled_list_holds_ten_thousand_common_passwords_and_a_passphrase_passes():
    assert len(common_passwords()) >= 10_000 and "1q2w3e4r5t6y" in common_passwords()
    assert policy_problems("correct horse battery staple", 12, "nina@test.lawreq") == []
