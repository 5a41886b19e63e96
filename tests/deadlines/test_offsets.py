"""Reminders: officers are warned ahead of a deadline, and liaison officers once it is missed."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from lawreq.deadlines.offsets import OffsetError, ReminderOffset, default_offsets, format_offset, parse_offset
from lawreq.deadlines.periods import PeriodError


def test_a_ten_day_order_reminds_three_days_and_one_day_ahead_then_escalates():
    offsets = default_offsets("P10D")

    assert [offset.delta for offset in offsets] == [
        timedelta(days=-3), timedelta(days=-1), timedelta(0), timedelta(days=1),
    ]
    assert [offset.escalate for offset in offsets] == [False, False, False, True]
    assert offsets[0].label == "3 days before the deadline"
    assert "liaison officers" in offsets[-1].label


def test_an_eight_hour_emergency_order_reminds_two_hours_ahead_and_escalates_after_one():
    offsets = default_offsets("PT8H")

    assert [offset.delta for offset in offsets] == [timedelta(hours=-2), timedelta(0), timedelta(hours=1)]
    assert offsets[-1].escalate
    assert offsets[0].label == "2 hours before the deadline"


@pytest.mark.parametrize(
    ("period", "earliest"),
    [("P2D", timedelta(days=-1)), ("P1D", timedelta(0)), ("PT2H", timedelta(0)), ("P1W", timedelta(days=-3))],
)
def test_short_periods_skip_reminders_that_would_fire_before_the_request_was_sent(period, earliest):
    assert default_offsets(period)[0].delta == earliest


def test_a_reminder_fires_relative_to_the_deadline():
    due = datetime(2026, 11, 30, 23, 0, tzinfo=timezone.utc)

    reminder = ReminderOffset(timedelta(days=-3), escalate=False, label="3 days before the deadline")

    assert reminder.fires_at(due) == datetime(2026, 11, 27, 23, 0, tzinfo=timezone.utc)


def test_default_offsets_refuse_a_bad_period():
    with pytest.raises(PeriodError, match="P1Y"):
        default_offsets("P1Y")


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("-P3D", timedelta(days=-3)),
        ("-PT2H", timedelta(hours=-2)),
        ("+P1D", timedelta(days=1)),
        ("P1DT12H", timedelta(days=1, hours=12)),
        ("-PT30M", timedelta(minutes=-30)),
        ("P1W", timedelta(weeks=1)),
        ("PT0S", timedelta(0)),
        ("p0d", timedelta(0)),
    ],
)
def test_user_preferences_parse_signed_iso_durations(text, expected):
    assert parse_offset(text) == expected


@pytest.mark.parametrize(
    "text", ["", "P", "-P", "3D", "-P1M", "PT", "PT5", "-PT1.5H", "P1Y", "PT10S", "P400D", "P1D2H"]
)
def test_unreadable_offsets_are_refused_with_the_text_named(text):
    with pytest.raises(OffsetError) as raised:
        parse_offset(text)

    assert repr(text) in str(raised.value)
    assert raised.value.field == "offset"


@pytest.mark.parametrize(
    ("delta", "text"),
    [
        (timedelta(days=-3), "-P3D"),
        (timedelta(hours=-2), "-PT2H"),
        (timedelta(days=1, hours=12), "P1DT12H"),
        (timedelta(minutes=-90), "-PT1H30M"),
        (timedelta(0), "PT0S"),
    ],
)
def test_offsets_are_written_canonically(delta, text):
    assert format_offset(delta) == text


def test_format_refuses_seconds():
    with pytest.raises(OffsetError, match="whole number of minutes"):
        format_offset(timedelta(seconds=-30))


@settings(max_examples=200, deadline=None, database=None)
@given(minutes=st.integers(min_value=-366 * 24 * 60, max_value=366 * 24 * 60))
def test_format_then_parse_gives_the_offset_back(minutes):
    delta = timedelta(minutes=minutes)

    assert parse_offset(format_offset(delta)) == delta
