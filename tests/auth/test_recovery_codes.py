"""An approver's recovery codes, told as the approver lives them: enrol and store the codes, lose the phone and
sign in with one, find it refused the second time, see how many are left, make a new set, and meet the lock when
guessing. (Races on one code: ``test_recovery_concurrency.py``; the codes as values: ``test_recovery.py``.)"""

from __future__ import annotations

import json
import re
from datetime import timedelta

import pyotp
import time_machine
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.auth import recovery
from lawreq.auth.models import RecoveryCode, User
from lawreq.auth.services import issue_recovery_codes
from lawreq.core.clock import utcnow
from lawreq.deadlines.models import Notification
from tests.conftest import TEST_CONFIG, csrf_from
from tests.factories import PASSWORD

CODE = re.compile(r"<code>([0-9A-Z]{5}-[0-9A-Z]{5})</code>")
KEY = recovery.derive_key(TEST_CONFIG["SECRET_KEY"])


def _post(client, url, form_page, **data):
    token = csrf_from(client.get(form_page).get_data(as_text=True))
    return client.post(url, data={**data, "csrf_token": token})


def _login(client, email):
    return _post(client, "/login", "/login", email=email, password=PASSWORD)


def _logout(client):
    _post(client, "/logout", "/account")


def _enrol(client, factory):
    """A new approver logs in for the first time and sets up the authenticator app."""
    user = factory.user("approver", authority="judge")
    _login(client, user.email)
    page = client.get("/login/totp/setup").get_data(as_text=True)
    with client.session_transaction() as s:
        secret = s["totp_enrol"]
    resp = client.post("/login/totp/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    return user, secret, resp


def _approver_with_codes(factory, db_session):
    secret = pyotp.random_base32()
    user = factory.user("approver", totp_secret=secret)
    codes = issue_recovery_codes(db_session, user, KEY, utcnow())
    db_session.commit()
    return user, secret, codes


def _wrong_totp(secret):
    """A six-digit code that is not valid in any of the accepted time steps."""
    totp, now = pyotp.TOTP(secret), utcnow()
    valid = {totp.at(now + timedelta(seconds=30 * d)) for d in (-1, 0, 1)}
    return next(c for c in ("000000", "111111", "222222", "333333") if c not in valid)


def _audit(db_session, user, action=None):
    stmt = select(AuditEntry).where(AuditEntry.actor_id == user.id).order_by(AuditEntry.seq)
    return [e for e in db_session.scalars(stmt) if action is None or e.action == action]


def _assert_no_code_or_hash_in_the_audit_log(db_session, codes):
    hashes = db_session.scalars(select(RecoveryCode.code_hash)).all()
    details = json.dumps([e.detail for e in db_session.scalars(select(AuditEntry))])
    secrets = [c for code in codes for c in (code, code.replace("-", ""))] + list(hashes)
    assert not [s for s in secrets if s in details]


def test_enrolment_shows_ten_codes_once_and_keeps_only_their_keyed_hashes(client, factory, db_session):
    user, _, resp = _enrol(client, factory)
    page = resp.get_data(as_text=True)
    codes = CODE.findall(page)
    assert resp.status_code == 200 and len(set(codes)) == 10
    assert "shown only now" in page and "offline" in page
    assert resp.headers["Cache-Control"] == "no-store"

    stored = db_session.scalars(select(RecoveryCode).where(RecoveryCode.user_id == user.id)).all()
    assert len(stored) == 10 and all(r.used_at is None for r in stored)
    assert {r.code_hash for r in stored} == {recovery.code_hash(KEY, user.id, c) for c in codes}
    with client.session_transaction() as s:
        assert not any(c in json.dumps(dict(s)) for c in codes)  # nothing to show them from again

    assert client.get("/home").status_code == 200  # "continue": enrolled and signed in
    account = client.get("/account").get_data(as_text=True)
    assert "10 recovery codes left" in account
    assert not any(c in account for c in codes)
    assert client.get("/login/totp/setup").status_code == 302  # enrolment (and its codes) cannot be replayed
    assert _audit(db_session, user, "account.totp_enrolled")[-1].detail["recovery_codes"] == 10
    _assert_no_code_or_hash_in_the_audit_log(db_session, codes)


def test_lost_phone_a_recovery_code_signs_in_once_and_the_account_says_how_many_are_left(client, factory,
                                                                                          db_session):
    user, _, resp = _enrol(client, factory)
    codes = CODE.findall(resp.get_data(as_text=True))
    _logout(client)

    # Phone gone: the password, then "use a recovery code" instead of the app.
    assert _login(client, user.email).headers["Location"].endswith("/login/totp")
    assert "/login/recovery" in client.get("/login/totp").get_data(as_text=True)
    typed = codes[3].lower().replace("-", " ")  # as read off the paper
    resp = _post(client, "/login/recovery", "/login/recovery", code=typed)
    assert resp.status_code == 302
    home = client.get(resp.headers["Location"], follow_redirects=True).get_data(as_text=True)
    assert "You signed in with a recovery code: 9 left" in home

    used = _audit(db_session, user, "login.recovery_code_used")
    assert len(used) == 1 and used[0].detail["codes_left"] == 9 and used[0].detail["ip"]
    note = db_session.scalars(select(Notification).where(Notification.user_id == user.id)).one()
    assert note.kind == "recovery_code_used" and "9 left" in note.message
    account = client.get("/account").get_data(as_text=True)
    assert "9 recovery codes left" in account
    assert "ask an administrator to reset your second factor" in account

    # The same code a second time: refused, and counted like a wrong TOTP code.
    _logout(client)
    _login(client, user.email)
    again = _post(client, "/login/recovery", "/login/recovery", code=codes[3])
    assert again.status_code == 401 and "not valid" in again.get_data(as_text=True)
    assert client.get("/home").status_code == 302
    assert db_session.get(User, user.id).failed_logins == 1
    assert len(_audit(db_session, user, "login.recovery_code_failed")) == 1

    # Another unused code still works, and then two are gone.
    assert _post(client, "/login/recovery", "/login/recovery", code=codes[4]).status_code == 302
    assert "8 recovery codes left" in client.get("/account").get_data(as_text=True)
    assert db_session.get(User, user.id).failed_logins == 0
    _assert_no_code_or_hash_in_the_audit_log(db_session, codes)


def test_regenerating_needs_the_password_and_a_fresh_totp_code_and_retires_the_old_set(client, factory, login,
                                                                                       db_session):
    user, secret, old = _approver_with_codes(factory, db_session)
    login(user)
    assert "Regenerate recovery codes" in client.get("/account").get_data(as_text=True)
    code = pyotp.TOTP(secret).now()

    wrong_password = _post(client, "/account/recovery-codes", "/account", password="not my password", totp=code)
    wrong_totp = _post(client, "/account/recovery-codes", "/account", password=PASSWORD, totp=_wrong_totp(secret))
    for resp in (wrong_password, wrong_totp):
        assert resp.status_code == 401 and "were not changed" in resp.get_data(as_text=True)
        assert not CODE.search(resp.get_data(as_text=True))
    assert "10 recovery codes left" in client.get("/account").get_data(as_text=True)

    resp = _post(client, "/account/recovery-codes", "/account", password=PASSWORD, totp=code)
    new = CODE.findall(resp.get_data(as_text=True))
    assert resp.status_code == 200 and len(set(new)) == 10 and not set(new) & set(old)
    assert resp.headers["Cache-Control"] == "no-store"
    assert db_session.scalar(select(RecoveryCode.id).where(RecoveryCode.user_id == user.id,
                                                           RecoveryCode.code_hash == recovery.code_hash(
                                                               KEY, user.id, old[0]))) is None

    # The TOTP code that just made the set cannot be replayed to make another.
    replay = _post(client, "/account/recovery-codes", "/account", password=PASSWORD, totp=code)
    assert replay.status_code == 401

    # At the next login an old code is refused and a new one works.
    _logout(client)
    _login(client, user.email)
    assert _post(client, "/login/recovery", "/login/recovery", code=old[0]).status_code == 401
    assert _post(client, "/login/recovery", "/login/recovery", code=new[0]).status_code == 302

    assert len(_audit(db_session, user, "account.recovery_codes_refused")) == 3
    assert [e.detail["count"] for e in _audit(db_session, user, "account.recovery_codes_regenerated")] == [10]
    _assert_no_code_or_hash_in_the_audit_log(db_session, old + new)


def test_an_enrolled_user_without_codes_is_told_to_make_some_and_others_see_no_section(client, factory, login):
    approver = factory.user("approver", totp_secret=pyotp.random_base32())
    login(approver)
    assert "You have no recovery codes" in client.get("/account").get_data(as_text=True)
    _logout(client)
    login(factory.user("investigator"))
    assert "Recovery codes" not in client.get("/account").get_data(as_text=True)
    assert _post(client, "/account/recovery-codes", "/account", password=PASSWORD, totp="123456").status_code == 404


def test_wrong_codes_count_towards_the_lock_and_the_password_alone_buys_no_new_guesses(client, factory, db_session):
    user, secret, codes = _approver_with_codes(factory, db_session)
    _login(client, user.email)
    # four wrong second factors of both kinds, malformed input included
    assert _post(client, "/login/totp", "/login/totp", code=_wrong_totp(secret)).status_code == 401
    assert _post(client, "/login/totp", "/login/totp", code=_wrong_totp(secret)).status_code == 401
    assert _post(client, "/login/recovery", "/login/recovery", code="hello").status_code == 401
    assert _post(client, "/login/recovery", "/login/recovery", code="ABCDE-FGHJK").status_code == 401
    # the fifth ends the half-open session and locks the account
    fifth = _post(client, "/login/recovery", "/login/recovery", code="ZZZZZ-ZZZZZ")
    assert fifth.status_code == 302 and fifth.headers["Location"].endswith("/login")
    locked = db_session.get(User, user.id)
    assert locked.failed_logins == 5 and locked.locked_until > utcnow() + timedelta(seconds=50)
    assert len(_audit(db_session, user, "login.recovery_code_locked")) == 1
    assert client.get("/login/recovery").headers["Location"].endswith("/login")
    assert _login(client, user.email).status_code == 401  # even the right password, while locked

    # After the lock the password is accepted, but one more wrong code locks again, for twice as long.
    with time_machine.travel(utcnow() + timedelta(seconds=61), tick=False):
        assert _login(client, user.email).headers["Location"].endswith("/login/totp")
        again = _post(client, "/login/recovery", "/login/recovery", code="ZZZZZ-ZZZZY")
        assert again.status_code == 302 and again.headers["Location"].endswith("/login")
        assert db_session.get(User, user.id).locked_until - utcnow() > timedelta(seconds=110)

    # A right code after that lock signs in and clears the count.
    with time_machine.travel(utcnow() + timedelta(seconds=61 + 121), tick=False):
        _login(client, user.email)
        assert _post(client, "/login/recovery", "/login/recovery", code=codes[0]).status_code == 302
        assert client.get("/home").status_code == 200
        assert db_session.get(User, user.id).failed_logins == 0


def test_after_a_second_factor_reset_the_old_codes_open_nothing_and_enrolment_replaces_them(client, factory,
                                                                                           db_session):
    user, _, old = _approver_with_codes(factory, db_session)
    user.totp_secret = None  # what an administrator's reset leaves (it may also delete the codes at once)
    db_session.commit()
    assert _login(client, user.email).headers["Location"].endswith("/login/totp/setup")
    refused = _post(client, "/login/recovery", "/login/totp/setup", code=old[0])
    assert refused.status_code == 302 and refused.headers["Location"].endswith("/login")
    assert client.get("/home").status_code == 302

    _login(client, user.email)
    page = client.get("/login/totp/setup").get_data(as_text=True)
    with client.session_transaction() as s:
        secret = s["totp_enrol"]
    resp = client.post("/login/totp/setup", data={"code": pyotp.TOTP(secret).now(), "csrf_token": csrf_from(page)})
    new = CODE.findall(resp.get_data(as_text=True))
    stored = set(db_session.scalars(select(RecoveryCode.code_hash).where(RecoveryCode.user_id == user.id)))
    assert stored == {recovery.code_hash(KEY, user.id, c) for c in new}
    assert not stored & {recovery.code_hash(KEY, user.id, c) for c in old}
