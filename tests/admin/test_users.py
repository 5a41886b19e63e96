"""An admin finds colleagues, opens accounts for newcomers and edits who works where in which role."""

from __future__ import annotations

import json

from sqlalchemy import select

from lawreq.auth.models import AuthSession, User
from lawreq.auth.passwords import check_password

NEW = {"email": "Nina.Newcomer@test.lawreq", "name": "Nina Newcomer", "role": "investigator", "authority_type": "",
       "units": ["HEL"], "password": "a long enough first password"}


def test_the_list_shows_every_account_with_its_state(client, as_admin, people, db_session):
    db_session.get(User, people["erik"].id).locked_until = people["erik"].created_at.replace(year=2999)
    db_session.get(User, people["ilona"].id).active = False
    db_session.get(User, people["paavo"].id).must_change_password = True
    db_session.commit()
    html = client.get("/admin/users/").get_data(as_text=True)
    for person in ("Aino Admin", "Ilona Investigator", "Paavo Prosecutor", "Erik Ermittler"):
        assert person in html
    assert "deactivated" in html and "locked out" in html and "TOTP enrolled" in html
    assert html.count("temporary password") == 1
    assert "prosecutor" in html  # the approver's authority


def test_search_by_name_or_email_and_filter_by_role_unit_and_status(client, as_admin, people):
    def names(query):
        resp = client.get(f"/admin/users/?{query}")
        assert resp.status_code == 200
        html = resp.get_data(as_text=True)
        rows = html.split("<tbody>", 1)[1] if "<tbody>" in html else ""
        return {p for p in ("Aino", "Ilona", "Paavo", "Erik") if f">{p} " in rows}

    assert names("q=ilona") == {"Ilona"}
    assert names("q=ERIK%40test") == {"Erik"}
    assert names("q=%25") == set()  # a LIKE wildcard is searched for literally
    assert names("role=approver") == {"Paavo"}
    assert names("unit=BER") == {"Erik"}
    assert names("unit=HEL&role=investigator") == {"Ilona"}
    assert names("status=no_totp&unit=HEL") == {"Aino", "Ilona"}


def test_an_unknown_filter_value_is_named(client, as_admin, people):
    resp = client.get("/admin/users/?role=superuser")
    assert resp.status_code == 400
    assert "Unknown role &#39;superuser&#39;" in resp.get_data(as_text=True)


def test_admin_opens_an_account_and_the_audit_says_who_did_it(client, as_admin, people, post, audit_entries,
                                                               db_session):
    resp = post("/admin/users/new", page="/admin/users/new", **NEW)
    user = db_session.scalar(select(User).where(User.email == "nina.newcomer@test.lawreq"))
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/admin/users/{user.id}")
    assert "Account for Nina Newcomer" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert [u.code for u in user.units] == ["HEL"] and user.role == "investigator"
    assert check_password(user.password_hash, NEW["password"], "cheapest")[0]
    assert user.must_change_password  # the admin typed it: the newcomer chooses their own at the first login
    [entry] = audit_entries("user.created")
    assert entry.actor_id == as_admin.id and entry.object_type == "users" and entry.object_id == str(user.id)
    assert entry.detail["changes"]["role"] == [None, "investigator"]
    assert entry.detail["changes"]["units"] == [None, ["HEL"]]
    assert entry.detail["must_change_password"] is True
    assert NEW["password"] not in json.dumps(entry.detail)


def test_a_taken_email_is_refused_on_the_email_field_and_what_was_typed_stays(client, as_admin, people, post):
    resp = post("/admin/users/new", page="/admin/users/new", **{**NEW, "email": "ILONA@test.lawreq",
                                                                 "units": ["HEL", "BER"]})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert 'id="email-err">ilona@test.lawreq already has an account' in html
    assert 'value="ILONA@test.lawreq"' in html and 'value="Nina Newcomer"' in html
    assert 'value="investigator" selected' in html or '<option selected value="investigator">' in html
    assert html.count("<input checked") == 2  # both units still ticked
    assert NEW["password"] not in html  # a password is never sent back to the browser


def test_an_approver_needs_an_authority(client, as_admin, people, post, db_session):
    resp = post("/admin/users/new", page="/admin/users/new", **{**NEW, "role": "approver"})
    assert resp.status_code == 400
    assert 'id="authority_type-err">An approver needs one of prosecutor' in resp.get_data(as_text=True)
    assert db_session.scalar(select(User).where(User.email == "nina.newcomer@test.lawreq")) is None


def test_a_weak_first_password_is_refused_on_the_password_field(client, as_admin, people, post):
    resp = post("/admin/users/new", page="/admin/users/new", **{**NEW, "password": "short"})
    assert resp.status_code == 400
    assert 'id="password-err">Use at least 12 characters.' in resp.get_data(as_text=True)


def test_admin_moves_an_investigator_to_another_unit_and_makes_them_an_approver(
        client, as_admin, people, post, browser, audit_entries, db_session):
    ilona = people["ilona"]
    her_browser = browser(ilona)
    resp = post(f"/admin/users/{ilona.id}", page=f"/admin/users/{ilona.id}", name="Ilona Investigator-Approver",
                role="approver", authority_type="judge", units=["BER"], active="y")
    assert resp.status_code == 302
    assert "changed name, role, authority_type, units" in client.get(resp.headers["Location"]).get_data(as_text=True)
    ilona = db_session.get(User, ilona.id)
    assert (ilona.role, ilona.authority_type, [u.code for u in ilona.units]) == ("approver", "judge", ["BER"])
    # a new role brings its own login rules (approvers need a second factor): her open session is ended
    assert her_browser.get("/home").status_code == 302
    [entry] = audit_entries("user.updated")
    assert entry.actor_id == as_admin.id and entry.object_id == str(ilona.id)
    assert entry.detail["changes"] == {"name": ["Ilona Investigator", "Ilona Investigator-Approver"],
                                       "role": ["investigator", "approver"], "authority_type": [None, "judge"],
                                       "units": [["HEL"], ["BER"]]}
    assert entry.detail["sessions_ended"] == 1


def test_a_rename_leaves_the_sessions_alone(client, as_admin, people, post, browser, db_session):
    erik = people["erik"]
    his_browser = browser(erik)
    post(f"/admin/users/{erik.id}", page=f"/admin/users/{erik.id}", name="Erik E. Ermittler", role="investigator",
         authority_type="", units=["BER"], active="y")
    assert his_browser.get("/home").status_code == 200
    assert db_session.scalar(select(AuthSession).where(AuthSession.user_id == erik.id)).revoked_at is None


def test_saving_an_unchanged_form_changes_nothing(client, as_admin, people, post, audit_entries):
    erik = people["erik"]
    resp = post(f"/admin/users/{erik.id}", page=f"/admin/users/{erik.id}", name="Erik Ermittler",
                role="investigator", authority_type="", units=["BER"], active="y")
    assert "Nothing changed." in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert audit_entries("user.updated") == []


def test_the_edit_form_keeps_what_was_typed_when_refused(client, as_admin, people, post):
    erik = people["erik"]
    resp = post(f"/admin/users/{erik.id}", page=f"/admin/users/{erik.id}", name="Erik Renamed",
                role="investigator", authority_type="judge", units=["BER"], active="y")
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert "Only approvers have an authority type" in html and 'value="Erik Renamed"' in html


def test_an_unknown_account_is_404(client, as_admin, people):
    assert client.get("/admin/users/999999").status_code == 404

