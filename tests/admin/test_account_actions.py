"""The admin's buttons on an account page: deactivate and reactivate, unlock, reset the second factor, set a
temporary password — and the guards that keep admins from locking themselves (or everyone) out."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
from sqlalchemy import select

from lawreq.admin import services
from lawreq.auth.admin import UserError
from lawreq.auth.models import ApiToken, RecoveryCode, User
from lawreq.auth.passwords import check_password
from lawreq.core.clock import utcnow
from tests.conftest import csrf_from
from tests.factories import PASSWORD


def _page(client, user):
    return client.get(f"/admin/users/{user.id}").get_data(as_text=True)


def _press(client, post, user, action, **form):
    """Press a button on the account page and follow the redirect back to it; return the page."""
    resp = post(f"/admin/users/{user.id}/{action}", page=f"/admin/users/{user.id}", **form)
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/admin/users/{user.id}")
    return client.get(resp.headers["Location"]).get_data(as_text=True)


def _login_form(client, email, password):
    token = csrf_from(client.get("/login").get_data(as_text=True))
    return client.post("/login", data={"email": email, "password": password, "csrf_token": token})


# --- deactivate / reactivate -----------------------------------------------------------------------------------
def test_deactivating_ends_their_sessions_and_refuses_their_api_token(
        client, as_admin, people, post, browser, api_headers, audit_entries, db_session):
    ilona = people["ilona"]
    her_browser = browser(ilona)
    personal, headers = api_headers(ilona)
    assert her_browser.get("/home").status_code == 200
    assert client.get("/api/v1/requests", headers=headers).status_code == 200

    page = _press(client, post, ilona, "deactivate")

    assert "Ilona Investigator is deactivated: 1 session(s) ended and 1 API token(s) revoked." in page
    assert her_browser.get("/home").status_code == 302  # back to the login page
    assert client.get("/api/v1/requests", headers=headers).status_code == 401
    assert client.post("/api/v1/token", headers={"Authorization": f"Bearer {personal}"}).status_code == 401
    assert db_session.scalar(select(ApiToken).where(ApiToken.user_id == ilona.id)).revoked_at is not None
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert _login_form(client, ilona.email, PASSWORD).status_code == 401  # her password no longer opens it
    [entry] = audit_entries("user.deactivated")
    assert (entry.actor_id, entry.object_id) == (as_admin.id, str(ilona.id))
    assert entry.detail == {"user": ilona.email, "changes": {"active": [True, False]}, "sessions_ended": 1,
                            "api_tokens_revoked": 1}


def test_unticking_active_in_the_edit_form_deactivates_the_same_way(client, as_admin, people, post, browser,
                                                                     audit_entries):
    erik = people["erik"]
    his_browser = browser(erik)
    post(f"/admin/users/{erik.id}", page=f"/admin/users/{erik.id}", name="Erik Ermittler", role="investigator",
         authority_type="", units=["BER"])  # no "active" box ticked
    assert his_browser.get("/home").status_code == 302
    assert [e.detail["sessions_ended"] for e in audit_entries("user.deactivated")] == [1]
    assert audit_entries("user.updated") == []  # nothing else changed


def test_reactivating_lets_them_log_in_again_but_their_tokens_stay_revoked(client, as_admin, people, post,
                                                                           api_headers, audit_entries):
    ilona = people["ilona"]
    _personal, headers = api_headers(ilona)
    _press(client, post, ilona, "deactivate")
    page = _press(client, post, ilona, "reactivate")
    assert "Ilona Investigator is active again" in page
    assert client.get("/api/v1/requests", headers=headers).status_code == 401
    assert [e.detail["changes"] for e in audit_entries("user.reactivated")] == [{"active": [False, True]}]
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert _login_form(client, ilona.email, PASSWORD).status_code == 302


# --- unlock ----------------------------------------------------------------------------------------------------
def test_admin_unlocks_a_locked_out_colleague(client, as_admin, people, post, db_session, audit_entries):
    erik = db_session.get(User, people["erik"].id)
    erik.failed_logins, erik.locked_until = 7, utcnow() + timedelta(hours=1)
    db_session.commit()
    assert "locked out" in _page(client, erik)

    page = _press(client, post, erik, "unlock")

    assert "Erik Ermittler is unlocked and can log in again." in page and "locked out" not in page
    erik = db_session.get(User, erik.id)
    assert (erik.failed_logins, erik.locked_until) == (0, None)
    [entry] = audit_entries("user.unlocked")
    assert entry.detail["changes"]["failed_logins"] == [7, 0]
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    assert _login_form(client, erik.email, PASSWORD).status_code == 302


def test_unlocking_someone_who_is_not_locked_says_so(client, as_admin, people, post, audit_entries):
    page = _press(client, post, people["erik"], "unlock")
    assert "Erik Ermittler is not locked out." in page
    assert audit_entries("user.unlocked") == []


# --- second factor ---------------------------------------------------------------------------------------------
def test_resetting_the_second_factor_sends_them_to_enrolment_at_the_next_login(
        client, as_admin, people, post, browser, db_session, audit_entries):
    paavo = people["paavo"]
    his_browser = browser(paavo)
    db_session.add_all(RecoveryCode(user_id=paavo.id, code_hash=f"{n:064x}") for n in range(3))
    db_session.commit()

    page = _press(client, post, paavo, "reset-totp")

    assert "second factor is reset and 1 session(s) ended; they enrol a new authenticator" in page
    assert his_browser.get("/home").status_code == 302
    paavo = db_session.get(User, paavo.id)
    assert paavo.totp_secret is None and paavo.totp_last_timecode is None
    client.post("/logout", data={"csrf_token": csrf_from(page)})
    resp = _login_form(client, paavo.email, PASSWORD)
    assert resp.headers["Location"].endswith("/login/totp/setup")
    [entry] = audit_entries("user.totp_reset")
    assert entry.detail["changes"] == {"totp_enrolled": [True, False]} and entry.detail["enrol_at_next_login"]
    assert entry.detail["recovery_codes_deleted"] == 3  # they backed up the factor that is gone
    assert db_session.scalar(select(RecoveryCode).where(RecoveryCode.user_id == paavo.id)) is None
    assert "JBSWY3DPEHPK3PXP" not in json.dumps(entry.detail)


# --- temporary password ----------------------------------------------------------------------------------------
def test_a_temporary_password_is_policy_checked(client, as_admin, people, post):
    erik = people["erik"]
    resp = post(f"/admin/users/{erik.id}/password", page=f"/admin/users/{erik.id}", password="passwordpassword",
                repeat="passwordpassword")
    assert resp.status_code == 400
    assert 'id="password-err">This password is too common' in resp.get_data(as_text=True)
    resp = post(f"/admin/users/{erik.id}/password", page=f"/admin/users/{erik.id}", password="short", repeat="short")
    assert 'id="password-err">Use at least 12 characters.' in resp.get_data(as_text=True)
    resp = post(f"/admin/users/{erik.id}/password", page=f"/admin/users/{erik.id}", password="x" * 20,
                repeat="y" * 20)
    assert 'id="repeat-err">The two entries differ.' in resp.get_data(as_text=True)


def test_a_temporary_password_replaces_the_old_one_and_ends_their_sessions(
        client, as_admin, people, post, browser, db_session, audit_entries):
    erik = people["erik"]
    his_browser = browser(erik)
    temporary = "temporary but long enough"

    page = _press(client, post, erik, "password", password=temporary, repeat=temporary)

    assert "Temporary password set for Erik Ermittler; 1 session(s) ended." in page
    assert his_browser.get("/home").status_code == 302
    assert check_password(db_session.get(User, erik.id).password_hash, temporary, "cheapest")[0]
    assert db_session.get(User, erik.id).must_change_password  # he replaces it at his next login
    assert "temporary: they choose their own at the next login" in page
    [entry] = audit_entries("user.password_set")
    assert temporary not in json.dumps(entry.detail) and entry.detail["sessions_ended"] == 1
    assert entry.detail["changes"]["must_change_password"] == [False, True]


# --- guards ----------------------------------------------------------------------------------------------------
def test_an_admin_cannot_deactivate_or_demote_themselves(client, as_admin, people, post, factory, db_session,
                                                         audit_entries):
    factory.user("admin", units=[])  # not the last admin: the refusal is about acting on oneself
    me = as_admin
    page = _press(client, post, me, "deactivate")
    assert "You cannot deactivate your own account; ask another admin." in page
    resp = post(f"/admin/users/{me.id}", page=f"/admin/users/{me.id}", name=me.name, role="investigator",
                authority_type="", units=["HEL"], active="y")
    assert resp.status_code == 400
    assert 'id="role-err">You cannot change your own role; ask another admin' in resp.get_data(as_text=True)
    me = db_session.get(User, me.id)
    assert (me.role, me.active) == ("admin", True)
    assert audit_entries("user.updated") == audit_entries("user.deactivated") == []


def test_another_admin_may_demote_an_admin_while_one_stays(client, login, people, factory, post, db_session,
                                                           audit_entries):
    aino = people["admin"]
    login(factory.user("admin", name="Berta Backup", units=[]))
    resp = post(f"/admin/users/{aino.id}", page=f"/admin/users/{aino.id}", name=aino.name, role="liaison_officer",
                authority_type="", units=["HEL"], active="y")
    assert resp.status_code == 302
    assert db_session.get(User, aino.id).role == "liaison_officer"
    assert audit_entries("user.updated")[-1].detail["changes"]["role"] == ["admin", "liaison_officer"]


@pytest.mark.parametrize("change", ["demote", "deactivate"])
def test_the_last_active_admin_is_kept_even_when_two_admins_race(app_ctx, people, factory, db_session, change):
    """Through the pages an admin never meets the last admin but themselves (refused as "own account"); the guard
    is for the race: Aino and Berta, the only active admins, demote each other at the same moment. Berta's change
    commits first; Aino's request had already passed the role gate, so the service must see that Berta is now the
    last active admin (on PostgreSQL the admins' rows are locked while it counts)."""
    aino, berta = people["admin"], factory.user("admin", name="Berta Backup", units=[])
    factory.user("admin", name="Dora Dormant", units=[], active=False)  # a deactivated admin does not count
    db_session.get(User, aino.id).role = "liaison_officer"  # Berta's change, committed first
    db_session.commit()
    ctx = services.Ctx(actor=db_session.get(User, aino.id), audit_key=b"k", cfg=app_ctx.config)
    berta = db_session.get(User, berta.id)
    with pytest.raises(UserError, match="Berta Backup is the last active admin; make someone else an admin first"):
        if change == "demote":
            services.update_user(db_session, ctx, berta, name=berta.name, role="investigator", authority_type=None,
                                 unit_codes=[], active=True)
        else:
            services.deactivate_user(db_session, ctx, berta)
    assert (berta.role, berta.active) == ("admin", True)


def test_the_only_admin_is_told_to_make_another_admin_first(client, as_admin, people, post, db_session):
    me = as_admin
    resp = post(f"/admin/users/{me.id}", page=f"/admin/users/{me.id}", name=me.name, role="admin",
                authority_type="", units=["HEL"])  # "active" unticked on one's own account
    assert resp.status_code == 400
    assert ('id="active-err">You cannot deactivate your own account, and you are the last active admin: make '
            'someone else an admin first, then ask them') in resp.get_data(as_text=True)
    page = _press(client, post, me, "deactivate")
    assert "you are the last active admin" in page
    assert db_session.get(User, me.id).active


def test_own_second_factor_and_password_are_not_reset_here(client, as_admin, post, db_session):
    me = db_session.get(User, as_admin.id)
    me.totp_secret = "JBSWY3DPEHPK3PXP"
    db_session.commit()
    page = _press(client, post, me, "reset-totp")
    assert "You cannot reset your own second factor; ask another admin." in page
    resp = post(f"/admin/users/{me.id}/password", page=f"/admin/users/{me.id}", password="another long password",
                repeat="another long password")
    assert resp.status_code == 400
    assert "Change your own password on your account page" in resp.get_data(as_text=True)
    assert db_session.get(User, me.id).totp_secret == "JBSWY3DPEHPK3PXP"
