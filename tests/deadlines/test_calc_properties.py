"""Properties that must hold for any event, in any season, in the zones we serve."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from hypothesis import given, settings
from hypothesis import strategies as st

from lawreq.deadlines.calc import compute_deadline
from lawreq.deadlines.calendars import calendar_for

STATES = {"IE": "Europe/Dublin", "FI": "Europe/Helsinki", "DE": "Europe/Berlin", "LT": "Europe/Vilnius"}

states = st.sampled_from(sorted(STATES))
events = st.datetimes(
    min_value=datetime(2026, 1, 1), max_value=datetime(2029, 12, 31),
    timezones=st.sampled_from([ZoneInfo(name) for name in STATES.values()] + [timezone.utc]),
)


@settings(max_examples=150, deadline=None, database=None)
@given(event=events, state=states, days=st.integers(min_value=1, max_value=120),
       unit=st.sampled_from(["D", "W", "M"]))
def test_eu_day_deadline_ends_24h00_local_on_a_working_day_after_the_event(event, state, days, unit):
    amount = days if unit == "D" else max(1, days // 20)
    deadline = compute_deadline(event, f"P{amount}{unit}", holidays=state, tz=STATES[state])

    local_end = deadline.due_local
    last_day = (local_end - timedelta(hours=12)).date()
    assert local_end.hour == local_end.minute == 0
    assert local_end.date() == last_day + timedelta(days=1)
    assert calendar_for(state).is_working_day(last_day)
    assert last_day > event.astimezone(ZoneInfo(STATES[state])).date()
    assert deadline.due_at > event


@settings(max_examples=150, deadline=None, database=None)
@given(event=events, hours=st.integers(min_value=1, max_value=200))
def test_exact_hour_deadline_is_n_hours_after_the_event_in_utc(event, hours):
    deadline = compute_deadline(event, f"PT{hours}H", counting="exact", tz="Europe/Helsinki")

    assert deadline.due_at - event.astimezone(timezone.utc) == timedelta(hours=hours)


@settings(max_examples=150, deadline=None, database=None)
@given(event=events, hours=st.integers(min_value=1, max_value=200))
def test_eu_hour_deadline_starts_at_the_next_full_hour_and_never_precedes_the_conservative_one(event, hours):
    deadline = compute_deadline(event, f"PT{hours}H", tz="Europe/Dublin")

    conservative = event.astimezone(timezone.utc) + timedelta(hours=hours)
    assert deadline.due_at.minute == deadline.due_at.second == deadline.due_at.microsecond == 0
    assert timedelta(0) < deadline.due_at - conservative <= timedelta(hours=1)
    assert deadline.alert_at == (deadline.conservative_at or deadline.due_at) == conservative


@settings(max_examples=100, deadline=None, database=None)
@given(event=events, state=states, count=st.integers(min_value=1, max_value=30))
def test_working_day_period_holds_exactly_n_working_days(event, state, count):
    deadline = compute_deadline(event, f"P{count}D", counting="working_days", holidays=state, tz=STATES[state])

    calendar = calendar_for(state)
    first = event.astimezone(ZoneInfo(STATES[state])).date() + timedelta(days=1)
    last = (deadline.due_local - timedelta(hours=12)).date()
    assert calendar.is_working_day(last)
    assert calendar.working_days_between(first, last) == count
