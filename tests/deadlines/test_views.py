"""The pages: notifications with mark-as-read, reminder settings, the secret calendar feed, the ledger."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from lawreq.auth.models import User
from lawreq.deadlines.models import Deadline, Notification
from lawreq.deadlines.notifications import notify
from lawreq.deadlines.services import on_transition, preferences_of
from lawreq.core.clock import utcnow
from tests.conftest import csrf_from


def _post(client, page, url, data=None):
    token = csrf_from(client.get(page).get_data(as_text=True))
    return client.post(url, data={"csrf_token": token, **(data or {})})


@pytest.fixture
def sent_now(db_session, rules, make_request):
    def send(route_id="eu-epoc", **kw):
        req = make_request(route_id, **kw)
        on_transition(db_session, req, "mark_sent", utcnow() - timedelta(days=1), rules)
        db_session.commit()
        return req
    return send


def test_a_user_reads_and_clears_only_their_own_notifications(client, login, db_session, team):
    me, other = team["investigator"], team["officer"]
    [mine] = notify(db_session, [me.id], kind="reminder", message="LR-1: response due in 3 days")
    [theirs] = notify(db_session, [other.id], kind="reminder", message="LR-2: someone else's")
    db_session.commit()
    login(me)

    page = client.get("/notifications").get_data(as_text=True)
    assert "LR-1: response due in 3 days" in page and "someone else" not in page
    assert "1 unread notification" in client.get("/home").get_data(as_text=True)

    assert _post(client, "/notifications", f"/notifications/{theirs.id}/read").status_code == 404
    assert _post(client, "/notifications", f"/notifications/{mine.id}/read").status_code == 302
    assert "unread notification" not in client.get("/home").get_data(as_text=True)
    assert db_session.get(Notification, theirs.id).read_at is None


def test_reminder_settings_are_saved_and_bad_offsets_are_named(client, login, db_session, team):
    me = team["officer"]
    login(me)
    resp = _post(client, "/settings/reminders", "/settings/reminders",
                 {"in_app": "y", "day_offsets": ["-P3D", "-P1D"], "hour_offsets": "-PT4H"})
    assert resp.status_code == 302
    prefs = preferences_of(db_session.get(User, me.id))
    assert prefs.channels == ("in_app",)
    assert prefs.day_offsets == (-timedelta(days=3), -timedelta(days=1))
    assert prefs.hour_offsets == (-timedelta(hours=4),)
    page = client.get("/settings/reminders").get_data(as_text=True)
    assert "3 days before" in page and "4 hours before" in page and "at the deadline" in page
    assert re.search(r'checked[^>]*value="-P3D"|value="-P3D"[^>]*checked', page)
    assert "-P3D" not in re.sub(r'value="[^"]*"', "", page)  # values are ISO, the words are not

    bad = _post(client, "/settings/reminders", "/settings/reminders", {"in_app": "y", "day_offsets": "-3 days"})
    assert bad.status_code == 200 and "&#39;-3 days&#39; is not understood" in bad.get_data(as_text=True)
    none = _post(client, "/settings/reminders", "/settings/reminders", {"day_offsets": "-P1D"})
    assert "Choose at least one channel" in none.get_data(as_text=True)


@pytest.mark.parametrize(("smtp_host", "notice"), [(None, True), ("mail.lawreq.test", False)])
def test_the_settings_page_says_when_email_is_off_on_this_instance(client, login, app, team, monkeypatch,
                                                                   smtp_host, notice):
    monkeypatch.setitem(app.config, "SMTP_HOST", smtp_host)
    login(team["officer"])
    page = client.get("/settings/reminders").get_data(as_text=True)
    assert ("E-mail is off on this instance" in page) is notice
    # the page after creating a calendar address shows it too
    after = _post(client, "/settings/reminders", "/settings/calendar-token").get_data(as_text=True)
    assert ("E-mail is off on this instance" in after) is notice


def test_the_calendar_feed_lists_visible_deadlines_at_a_secret_address_until_revoked(
        client, login, db_session, team, factory, sent_now):
    mine = sent_now()
    stranger_case = factory.case(factory.unit(code="ELSEWHERE"), summary="x")
    strangers = factory.request(stranger_case, team["stranger"], state="sent", route_id="eu-epoc",
                                reference="LR-NOT-MINE")
    db_session.add(Deadline(request_id=strangers.id, kind="response", due_at=utcnow(), event_at=utcnow(),
                            period="P10D", counting="eu_1182_71"))
    db_session.commit()
    me = team["officer"]
    login(me)

    page = _post(client, "/settings/reminders", "/settings/calendar-token").get_data(as_text=True)
    url = re.search(r"http://lawreq\.test(/calendar/[A-Za-z0-9_-]{43}\.ics)", page).group(1)
    token = url.split("/")[-1].removesuffix(".ics")
    assert db_session.get(User, me.id).ical_token_hash == hashlib.sha256(token.encode()).hexdigest()

    client.post("/logout", data={"csrf_token": csrf_from(client.get("/home").get_data(as_text=True))})
    feed = client.get(url)
    body = feed.get_data(as_text=True)
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    assert f"SUMMARY:{mine.reference}: response due" in body
    assert "LR-NOT-MINE" not in body and "Jane Roe" not in body
    assert client.get("/calendar/" + "y" * 43 + ".ics").status_code == 404

    login(me)
    _post(client, "/settings/reminders", "/settings/calendar-token/revoke")
    assert client.get(url).status_code == 404


@pytest.fixture
def on_a_plain_tuesday(time_machine):
    """Set up before the users and the session. Sent "yesterday" (Monday 16 November 2026), the EU preservation
    ends 60 days later on Friday 15 January 2027, a working day that nothing shifts; on the real clock the end
    falls on a weekend on some days and moves to the Monday (Regulation 1182/71), which made this test fail then."""
    time_machine.move_to(datetime(2026, 11, 17, 10, 0, tzinfo=timezone.utc), tick=False)


def test_the_ledger_shows_each_running_preservation_and_extends_it_once(on_a_plain_tuesday, client, login,
                                                                         db_session, team, sent_now):
    eu = sent_now("eu-epoc-pr")
    us = sent_now("us-preservation", addressee="US", facts={"target_resides_in": "US"})  # Meta Platforms, Inc.
    login(team["investigator"])

    page = client.get("/preservations").get_data(as_text=True)
    assert eu.reference in page and us.reference in page
    assert "30 days more (1 left)" in page and "90 days more" in page
    assert f"/requests/{eu.id}/follow-up" in page
    assert 'class="days-left">59<' in page  # 60 days from yesterday

    before = db_session.scalar(select(Deadline.due_at).where(Deadline.request_id == eu.id))
    assert _post(client, "/preservations", f"/preservations/{eu.id}/extend").status_code == 302
    expiries = db_session.scalars(select(Deadline).where(Deadline.request_id == eu.id)
                                  .order_by(Deadline.id)).all()
    assert len(expiries) == 2 and expiries[1].due_at > before and expiries[0].satisfied_at is not None

    again = _post(client, "/preservations", f"/preservations/{eu.id}/extend")
    assert again.status_code == 302
    assert "already extended" in client.get("/preservations").get_data(as_text=True)
    assert len(db_session.scalars(select(Deadline).where(Deadline.request_id == eu.id)).all()) == 2


def test_another_units_preservations_are_invisible(client, login, db_session, team, factory, sent_now):
    eu = sent_now("eu-epoc-pr")
    outsider = factory.user("investigator", units=[factory.unit()])
    login(outsider)
    assert eu.reference not in client.get("/preservations").get_data(as_text=True)
    assert _post(client, "/preservations", f"/preservations/{eu.id}/extend").status_code == 404
