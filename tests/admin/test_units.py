"""An admin sets up units: a code that stays, a country that issues, a time zone the deadlines are read in."""

from __future__ import annotations

from sqlalchemy import select

from lawreq.auth.models import Unit

TAMPERE = {"code": "TRE-CYB", "name": "Tampere cybercrime", "country": "FI", "timezone": "Europe/Helsinki",
           "authority_name": "Police of Western Finland", "address": "Sorinkatu 12\n33100 Tampere",
           "email": "cyber@tre.test", "phone": "+358 295 000"}


def test_the_units_list_shows_each_unit_with_its_members(client, as_admin, people):
    html = client.get("/admin/units/").get_data(as_text=True)
    assert "HEL" in html and "Helsinki CSA" in html and "Europe/Berlin" in html
    assert '<a href="/admin/users/?unit=BER">1</a>' in html


def test_admin_creates_a_unit_and_it_is_audited(client, as_admin, people, post, db_session, audit_entries):
    resp = post("/admin/units/new", page="/admin/units/new", **TAMPERE)
    assert resp.status_code == 302
    assert "Unit TRE-CYB created." in client.get(resp.headers["Location"]).get_data(as_text=True)
    unit = db_session.scalar(select(Unit).where(Unit.code == "TRE-CYB"))
    assert (unit.country, unit.timezone, unit.address) == ("FI", "Europe/Helsinki", "Sorinkatu 12\n33100 Tampere")
    [entry] = audit_entries("unit.created")
    assert (entry.actor_id, entry.object_type, entry.object_id) == (as_admin.id, "units", str(unit.id))
    assert entry.detail["changes"]["timezone"] == [None, "Europe/Helsinki"]


def test_an_unknown_time_zone_is_refused_and_the_form_is_kept(client, as_admin, people, post, db_session):
    resp = post("/admin/units/new", page="/admin/units/new", **{**TAMPERE, "timezone": "Europe/Tampere"})
    assert resp.status_code == 400
    html = resp.get_data(as_text=True)
    assert 'id="timezone-err">&#39;Europe/Tampere&#39; is not a time zone name; use one like Europe/Helsinki.' in html
    assert 'value="TRE-CYB"' in html and 'value="Tampere cybercrime"' in html
    assert db_session.scalar(select(Unit).where(Unit.code == "TRE-CYB")) is None


def test_a_path_is_not_a_time_zone(client, as_admin, people, post):
    resp = post("/admin/units/new", page="/admin/units/new", **{**TAMPERE, "timezone": "../../etc/passwd"})
    assert resp.status_code == 400 and 'id="timezone-err"' in resp.get_data(as_text=True)


def test_a_taken_code_is_refused_on_the_code_field(client, as_admin, people, post):
    resp = post("/admin/units/new", page="/admin/units/new", **{**TAMPERE, "code": "hel"})
    assert resp.status_code == 400
    assert 'id="code-err">A unit with code hel already exists' in resp.get_data(as_text=True)


def test_a_country_outside_the_rules_is_refused(client, as_admin, people, post):
    resp = post("/admin/units/new", page="/admin/units/new", **{**TAMPERE, "country": "XX"})
    assert resp.status_code == 400 and 'id="country-err"' in resp.get_data(as_text=True)


def test_editing_changes_the_fields_but_never_the_code(client, as_admin, people, post, db_session, audit_entries):
    berlin = people["berlin"]
    page = client.get(f"/admin/units/{berlin.id}").get_data(as_text=True)
    assert 'name="code"' not in page and "BER" in page
    resp = post(f"/admin/units/{berlin.id}", page=f"/admin/units/{berlin.id}", code="HACKED", name="Berlin cyber",
                country="DE", timezone="Europe/Berlin", authority_name="LKA Berlin", address="", email="",
                phone="")
    assert resp.status_code == 302
    assert "changed authority_name" in client.get(resp.headers["Location"]).get_data(as_text=True)
    unit = db_session.get(Unit, berlin.id)
    assert (unit.code, unit.authority_name) == ("BER", "LKA Berlin")
    [entry] = audit_entries("unit.updated")
    assert entry.detail == {"code": "BER", "changes": {"authority_name": [None, "LKA Berlin"]}}


def test_an_edit_with_a_bad_time_zone_changes_nothing(client, as_admin, people, post, db_session, audit_entries):
    berlin = people["berlin"]
    resp = post(f"/admin/units/{berlin.id}", page=f"/admin/units/{berlin.id}", name="Berlin cyber", country="DE",
                timezone="Berlin")
    assert resp.status_code == 400 and 'id="timezone-err"' in resp.get_data(as_text=True)
    assert db_session.get(Unit, berlin.id).timezone == "Europe/Berlin"
    assert audit_entries("unit.updated") == []
