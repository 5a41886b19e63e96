"""Transitions start, move and stop deadline clocks, and every watcher gets reminders at the right times."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

from lawreq.deadlines import calc
from lawreq.deadlines.models import Notification, Reminder
from lawreq.deadlines.services import (
    DeadlineSetupError,
    on_transition,
    parse_preferences,
    recompute_open_deadlines,
)
from tests.deadlines.conftest import SENT

UTC = timezone.utc
DAY = 86400


def _reminders(db, deadline):
    return list(db.scalars(select(Reminder).where(Reminder.deadline_id == deadline.id)))


def test_sending_a_production_order_starts_the_ten_day_clock_under_irish_holidays(db_session, rules, team,
                                                                                  make_request):
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)

    assert (deadline.kind, deadline.period, deadline.counting) == ("response", "P10D", "eu_1182_71")
    # Counted from 24 Nov, the tenth day is Thursday 3 Dec; the period ends at 24:00 Dublin time (= UTC in winter).
    assert deadline.due_at == datetime(2026, 12, 4, 0, 0, tzinfo=UTC)
    assert (deadline.calendar, deadline.timezone) == ("IE", "Europe/Dublin")
    assert deadline.rules_version == rules.version
    assert any("2023/1543" in c["instrument"] for c in deadline.cite)
    assert req.next_deadline_at == deadline.due_at


def test_the_author_and_the_units_liaison_officers_are_reminded_by_both_channels(db_session, rules, team,
                                                                                make_request):
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    rows = _reminders(db_session, deadline)

    assert {r.user_id for r in rows} == {team["investigator"].id, team["officer"].id}
    mine = sorted((r.offset_seconds, r.channel, r.escalation) for r in rows if r.user_id == team["officer"].id)
    assert mine == [(-3 * DAY, "email", False), (-3 * DAY, "in_app", False),
                    (-DAY, "email", False), (-DAY, "in_app", False),
                    (0, "email", False), (0, "in_app", False),
                    (DAY, "email", True), (DAY, "in_app", True)]
    assert all(r.due_at == deadline.due_at + timedelta(seconds=r.offset_seconds) for r in rows)
    assert all(r.status == "pending" for r in rows)


def test_an_emergency_order_gets_eight_hours_and_hour_reminders(db_session, rules, team, make_request):
    req = make_request(emergency=True)
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)

    assert (deadline.period, deadline.due_at) == ("PT8H", SENT + timedelta(hours=8))
    offsets = sorted({r.offset_seconds for r in _reminders(db_session, deadline)})
    assert offsets == [-2 * 3600, 0, 3600]


def test_an_emergency_order_issued_without_prior_validation_gets_the_48_hour_validation_clock(
        db_session, rules, team, make_request):
    req = make_request(emergency=True, facts={"issuer": "police"})
    issued = SENT - timedelta(hours=1)
    rows = on_transition(db_session, req, "mark_sent", SENT, rules,
                         data={"without_prior_validation": True, "issued_at": issued})

    validation = next(r for r in rows if r.kind == "ex_post_validation")
    assert validation.event_at == issued
    assert validation.due_at == issued + timedelta(hours=48)


def test_without_that_flag_no_validation_clock_runs(db_session, rules, team, make_request):
    req = make_request(emergency=True, facts={"issuer": "police"})
    kinds = [r.kind for r in on_transition(db_session, req, "mark_sent", SENT, rules)]
    assert kinds == ["response"]


def test_the_acknowledged_receipt_time_moves_the_clock_and_its_reminders(db_session, rules, team, make_request):
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    received = datetime(2026, 11, 25, 15, 0, tzinfo=UTC)

    [moved] = on_transition(db_session, req, "acknowledge", received, rules, data={"received_at": received})

    expected = calc.compute_deadline(received, "P10D", holidays="IE", tz="Europe/Dublin")
    assert moved.id == deadline.id and moved.event_at == received
    assert moved.due_at == expected.due_at == datetime(2026, 12, 8, 0, 0, tzinfo=UTC)  # 5 Dec is a Saturday
    pending = [r for r in _reminders(db_session, moved) if r.status == "pending"]
    assert pending and all(r.due_at == moved.due_at + timedelta(seconds=r.offset_seconds) for r in pending)
    assert req.next_deadline_at == moved.due_at


def test_an_eu_preservation_can_be_extended_once_by_thirty_days(db_session, rules, team, make_request):
    req = make_request("eu-epoc-pr")
    [expiry] = on_transition(db_session, req, "mark_sent", SENT, rules)
    assert expiry.kind == "preservation_expiry"

    later = SENT + timedelta(days=40)
    [extended] = on_transition(db_session, req, "extend_preservation", later, rules)

    original = calc.compute_deadline(SENT, "P60D", holidays="IE", tz="Europe/Dublin")
    assert extended.due_at == calc.extend_deadline(original, "P30D").due_at > expiry.due_at
    assert expiry.satisfied_at == later and extended.satisfied_at is None
    assert all(r.status == "cancelled" for r in _reminders(db_session, expiry))
    assert req.next_deadline_at == extended.due_at
    with pytest.raises(DeadlineSetupError, match="allows 1 extension"):
        on_transition(db_session, req, "extend_preservation", later + timedelta(days=1), rules)


def test_a_us_preservation_gets_ninety_more_days_on_renewal(db_session, rules, team, make_request):
    req = make_request("us-preservation", addressee="US")
    [expiry] = on_transition(db_session, req, "mark_sent", SENT, rules)
    [extended] = on_transition(db_session, req, "extend_preservation", SENT + timedelta(days=80), rules)
    new_york = ZoneInfo("America/New_York")
    # Calendar days keep the wall-clock time (05:00 in New York) across the change to summer time.
    assert expiry.due_at.astimezone(new_york).replace(tzinfo=None) == datetime(2027, 2, 21, 5, 0)
    assert extended.due_at.astimezone(new_york).replace(tzinfo=None) == datetime(2027, 5, 22, 5, 0)


def test_a_route_without_extension_refuses_one(db_session, rules, team, make_request):
    req = make_request("budapest-29-preservation", addressee="US")
    on_transition(db_session, req, "mark_sent", SENT, rules)
    with pytest.raises(DeadlineSetupError, match="budapest-29-preservation allows no extension"):
        on_transition(db_session, req, "extend_preservation", SENT + timedelta(days=10), rules)


@pytest.mark.parametrize("action", ["fulfil", "refuse", "withdraw", "lapse"])
def test_closing_a_request_stops_its_clocks_and_reminders(db_session, rules, team, make_request, action):
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    closed_at = SENT + timedelta(days=2)

    on_transition(db_session, req, action, closed_at, rules)

    assert deadline.satisfied_at == closed_at
    assert {r.status for r in _reminders(db_session, deadline)} == {"cancelled"}
    assert req.next_deadline_at is None


def test_a_users_preferences_choose_channels_and_offsets_but_not_the_escalation(db_session, rules, team,
                                                                               make_request):
    team["officer"].preferences = {"reminders": {"channels": ["in_app"], "day_offsets": ["-P2D"]}}
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    mine = sorted((r.offset_seconds, r.channel) for r in _reminders(db_session, deadline)
                  if r.user_id == team["officer"].id)
    assert mine == [(-2 * DAY, "in_app"), (DAY, "in_app")]


def test_bad_preferences_name_what_is_wrong():
    with pytest.raises(ValueError, match="unknown reminder channel 'sms'"):
        parse_preferences({"channels": ["sms"]})
    with pytest.raises(ValueError, match="'three days' is not understood"):
        parse_preferences({"day_offsets": ["three days"]})


def test_a_request_on_an_unknown_route_gets_a_clear_error(db_session, rules, team, make_request):
    req = make_request("no-such-route")
    with pytest.raises(DeadlineSetupError, match="route 'no-such-route' is not in rules"):
        on_transition(db_session, req, "mark_sent", SENT, rules)


def test_invalid_facts_stop_the_deadlines_with_the_fact_named(db_session, rules, team, make_request):
    req = make_request(facts={"provider": "no-such-provider"})
    with pytest.raises(DeadlineSetupError, match="facts are not valid for deadlines: provider"):
        on_transition(db_session, req, "mark_sent", SENT, rules)


def test_the_deadlines_read_stored_facts_as_the_wizard_does(db_session, rules, team, make_request):
    # a draft stores unanswered facts as None and more than the engine reads; neither stops the clock
    req = make_request(facts={"max_penalty_years": None, "target_resides_in": None, "committed_online": None,
                              "emergency_justification": "not an engine fact"})
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    assert deadline.kind == "response"


def test_changed_holiday_data_flags_the_open_deadline_and_tells_its_watchers_once(db_session, rules, team,
                                                                                 make_request):
    changed, unchanged = make_request(), make_request()
    [stale] = on_transition(db_session, changed, "mark_sent", SENT, rules)
    [fine] = on_transition(db_session, unchanged, "mark_sent", SENT, rules)
    stored = stale.due_at
    stale.due_at = stored - timedelta(days=1)  # as computed when a holiday was missing from the data
    db_session.flush()

    flagged = recompute_open_deadlines(db_session, rules, SENT + timedelta(days=1))

    assert flagged == [stale] and fine.stale_reason is None
    assert f"{stored:%Y-%m-%d %H:%M} UTC" in stale.stale_reason
    assert stale.due_at == stored - timedelta(days=1), "a person decides; the stored clock is not moved"
    told = db_session.scalars(select(Notification.user_id).where(Notification.kind == "deadline_stale")).all()
    assert sorted(told) == sorted([team["investigator"].id, team["officer"].id])
    assert recompute_open_deadlines(db_session, rules, SENT + timedelta(days=2)) == []


def test_the_recompute_command_flags_a_changed_deadline(app, db_session, rules, team, make_request, monkeypatch):
    from click.testing import CliRunner

    from lawreq.deadlines.cli import deadlines_group

    req = make_request()
    [row] = on_transition(db_session, req, "mark_sent", SENT, rules)
    row.due_at -= timedelta(days=1)
    db_session.commit()
    monkeypatch.setattr("lawreq.app.create_app", lambda: app)

    result = CliRunner().invoke(deadlines_group, ["recompute"])

    assert result.exit_code == 0, result.output
    assert f"{req.reference} response: rules {rules.version}" in result.output
    assert result.output.strip().endswith("1 open deadline(s) flagged")


def test_recording_the_recognition_of_an_eio_meets_its_deadline_and_starts_the_90_days(db_session, rules, make_request):
    from lawreq.deadlines.services import awaits_recognition, open_deadlines

    req = make_request("eu-eio", facts={"provider": "deutsche-telekom"}, addressee="DE")
    started = on_transition(db_session, req, "mark_sent", SENT, rules)
    assert {d.kind for d in started} == {"acknowledgement", "recognition"}
    assert awaits_recognition(db_session, req, rules)

    recognised = SENT + timedelta(days=12)
    touched = on_transition(db_session, req, "record_recognition", SENT, rules, data={"received_at": recognised})
    by_kind = {d.kind: d for d in touched}
    assert by_kind["recognition"].satisfied_at == recognised
    execution = by_kind["execution"]
    assert (execution.event_at, execution.period) == (recognised, "P90D")
    assert execution.due_at - recognised >= timedelta(days=90)
    assert {d.kind for d in open_deadlines(db_session, req)} == {"acknowledgement", "execution"}
    assert not awaits_recognition(db_session, req, rules)
    with pytest.raises(DeadlineSetupError, match="no recognition step, or it was recorded"):
        on_transition(db_session, req, "record_recognition", SENT, rules)


def test_a_production_order_has_no_recognition_step(db_session, rules, make_request):
    from lawreq.deadlines.services import awaits_recognition

    req = make_request()
    on_transition(db_session, req, "mark_sent", SENT, rules)
    assert not awaits_recognition(db_session, req, rules)
