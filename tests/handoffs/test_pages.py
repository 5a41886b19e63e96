"""The hand-off settings and what a user sees of an urgent hand-off on the home and notifications pages."""

from __future__ import annotations

from lawreq.auth.models import User
from lawreq.handoffs.services import channels_of
from tests.conftest import csrf_from
from tests.handoffs.conftest import SUBMITTED


def test_the_settings_page_switches_hand_off_mail_off_and_back(client, login, db_session, crew):
    me = crew["prosecutor"]
    login(me)
    page = client.get("/settings/reminders").get_data(as_text=True)
    assert "Workflow notifications" in page and "Emergencies always arrive" in page
    token = csrf_from(page)
    resp = client.post("/settings/reminders", data={"csrf_token": token, "in_app": "y", "email": "y",
                                                    "handoff_in_app": "y"})
    assert resp.status_code == 302
    assert channels_of(db_session.get(User, me.id)) == ("in_app",)
    client.post("/settings/reminders", data={"csrf_token": token, "in_app": "y", "handoff_in_app": "y",
                                             "handoff_email": "y"})
    assert channels_of(db_session.get(User, me.id)) == ("email", "in_app")


def test_an_urgent_hand_off_is_shown_on_top_of_the_home_page(client, login, crew, draft, act):
    req = draft(emergency=True, reference="LR-FI-2026-00099")
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    login(crew["prosecutor"])
    home = client.get("/home").get_data(as_text=True)
    assert "Needs you now" in home and "EMERGENCY: LR-FI-2026-00099" in home
    notes = client.get("/notifications").get_data(as_text=True)
    assert "badge-urgent" in notes
    login(crew["judge"])
    assert "LR-FI-2026-00099" not in client.get("/home").get_data(as_text=True)
