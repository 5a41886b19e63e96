"""A liaison officer asks "when is this due?": the arithmetic behind every deadline.

Expected instants are worked out by hand from the calendar (and, for the first block, are
the worked examples of legal_brief §10.3), then written as UTC so the test does not reuse
the code's own conversions.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from lawreq.deadlines.calc import (
    CountingError,
    DeadlineInputError,
    EventError,
    PeriodError,
    TimeZoneError,
    compute_deadline,
    extend_deadline,
)
from lawreq.deadlines.calendars import CalendarError

BRUSSELS = ZoneInfo("Europe/Brussels")
DUBLIN = ZoneInfo("Europe/Dublin")
HELSINKI = ZoneInfo("Europe/Helsinki")
BERLIN = ZoneInfo("Europe/Berlin")


def at(zone: ZoneInfo, text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=zone)


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).replace(tzinfo=timezone.utc)


# event, period, counting, holidays, tz, expected due_at (UTC)
CASES = [
    pytest.param(
        at(BRUSSELS, "2026-11-20 10:17"), "P10D", "eu_1182_71", None, "Europe/Brussels",
        "2026-11-30 23:00", id="§10.3 EPOC: day 10 is Mon 30 Nov, ends 24:00 CET",
    ),
    pytest.param(
        at(DUBLIN, "2026-12-16 11:00"), "P10D", "eu_1182_71", "IE", "Europe/Dublin",
        "2026-12-29 00:00", id="§10.3 EPOC: Sat 26 Dec St Stephen's Day rolls to Mon 28 (IE)",
    ),
    pytest.param(
        at(BERLIN, "2026-12-16 11:00"), "P10D", "eu_1182_71", "DE", "Europe/Berlin",
        "2026-12-28 23:00", id="§10.3 EPOC: Sat 26 Dec rolls to Mon 28 (DE)",
    ),
    pytest.param(
        at(BRUSSELS, "2026-11-20 10:17"), "PT8H", "eu_1182_71", None, "Europe/Brussels",
        "2026-11-20 18:00", id="§10.3 emergency EPOC: 8h from 11:00 = 19:00 CET",
    ),
    pytest.param(
        at(BRUSSELS, "2026-11-20 10:17"), "P60D", "eu_1182_71", None, "Europe/Brussels",
        "2027-01-19 23:00", id="§10.3 EPOC-PR: day 60 is Tue 19 Jan 2027",
    ),
    pytest.param(
        at(BRUSSELS, "2026-11-20 10:17"), "PT48H", "eu_1182_71", None, "Europe/Brussels",
        "2026-11-22 10:00", id="§10.3 ex-post validation: Sun 22 Nov 11:00, hours never roll",
    ),
    pytest.param(
        at(BRUSSELS, "2026-11-20 10:17"), "P5D", "working_days", None, "Europe/Brussels",
        "2026-11-27 23:00", id="§10.3 Art. 16(2): five working days end Fri 27 Nov",
    ),
    pytest.param(
        utc("2026-11-19 09:00"), "P2D", "eu_1182_71", None, "UTC",
        "2026-11-24 00:00", id="weekend: Sat 21 rolls to Mon 23, which already gives two working days",
    ),
    pytest.param(
        utc("2026-11-20 09:00"), "P2D", "eu_1182_71", None, "UTC",
        "2026-11-25 00:00", id="Art. 3(5): Sat-Mon holds one working day, so Tue 24",
    ),
    pytest.param(
        at(DUBLIN, "2026-10-23 12:00"), "P2D", "eu_1182_71", "IE", "Europe/Dublin",
        "2026-10-29 00:00", id="Art. 3(5) after a bank-holiday weekend and the October DST change",
    ),
    pytest.param(
        at(DUBLIN, "2027-03-19 09:00"), "P10D", "eu_1182_71", "IE", "Europe/Dublin",
        "2027-03-30 23:00", id="Easter Monday 2027 in IE rolls to Tue 30 Mar (IST)",
    ),
    pytest.param(
        at(BERLIN, "2027-03-16 09:00"), "P10D", "eu_1182_71", "DE", "Europe/Berlin",
        "2027-03-30 22:00", id="Good Friday + Easter Monday 2027 in DE roll to Tue 30 Mar",
    ),
    pytest.param(
        at(DUBLIN, "2027-03-16 09:00"), "P10D", "eu_1182_71", "IE", "Europe/Dublin",
        "2027-03-27 00:00", id="Good Friday is a working day in IE",
    ),
    pytest.param(
        at(BERLIN, "2026-12-21 09:00"), "P4D", "eu_1182_71", "DE", "Europe/Berlin",
        "2026-12-28 23:00", id="Christmas Day, 2nd Day of Christmas and a Sunday in DE",
    ),
    pytest.param(
        at(HELSINKI, "2026-12-23 09:00"), "P1D", "eu_1182_71", "FI", "Europe/Helsinki",
        "2026-12-28 22:00", id="FI Christmas Eve, Christmas, Boxing Day, Sunday",
    ),
    pytest.param(
        at(HELSINKI, "2026-12-21 09:00"), "P11D", "eu_1182_71", "FI", "Europe/Helsinki",
        "2027-01-04 22:00", id="New Year's Day 2027 across the year end",
    ),
    pytest.param(
        at(BERLIN, "2026-12-29 09:00"), "P8D", "eu_1182_71", "DE-BY", "Europe/Berlin",
        "2027-01-07 23:00", id="subdivision: Epiphany in Bavaria",
    ),
    pytest.param(
        at(BERLIN, "2026-12-29 09:00"), "P8D", "eu_1182_71", "DE", "Europe/Berlin",
        "2027-01-06 23:00", id="no Epiphany in national DE",
    ),
    pytest.param(
        utc("2026-11-18 09:00"), "P1W", "eu_1182_71", None, "UTC",
        "2026-11-26 00:00", id="one week ends on the same weekday (Wed)",
    ),
    pytest.param(
        utc("2026-11-21 09:00"), "P1W", "eu_1182_71", None, "UTC",
        "2026-12-01 00:00", id="one week from a Saturday rolls to Monday",
    ),
    pytest.param(
        utc("2027-01-31 09:00"), "P1M", "eu_1182_71", None, "UTC",
        "2027-03-02 00:00", id="31 Jan + 1 month = 28 Feb (a Sunday) → Mon 1 Mar",
    ),
    pytest.param(
        utc("2027-03-31 09:00"), "P1M", "eu_1182_71", None, "UTC",
        "2027-05-01 00:00", id="31 Mar + 1 month = Fri 30 Apr",
    ),
    pytest.param(
        utc("2028-01-31 09:00"), "P1M", "eu_1182_71", None, "UTC",
        "2028-03-01 00:00", id="leap year: 31 Jan 2028 + 1 month = Tue 29 Feb",
    ),
    pytest.param(
        utc("2028-02-29 09:00"), "P1M", "eu_1182_71", None, "UTC",
        "2028-03-30 00:00", id="leap day + 1 month = Wed 29 Mar",
    ),
    pytest.param(
        utc("2028-02-20 09:00"), "P10D", "eu_1182_71", None, "UTC",
        "2028-03-02 00:00", id="leap year: 20 Feb 2028 + 10 days = Wed 1 Mar",
    ),
    pytest.param(
        utc("2027-02-20 09:00"), "P10D", "eu_1182_71", None, "UTC",
        "2027-03-03 00:00", id="common year: 20 Feb 2027 + 10 days = Tue 2 Mar",
    ),
    pytest.param(
        at(HELSINKI, "2026-03-28 22:30"), "PT8H", "eu_1182_71", None, "Europe/Helsinki",
        "2026-03-29 05:00", id="hours across midnight and the March DST change (Helsinki)",
    ),
    pytest.param(
        at(HELSINKI, "2026-10-24 23:10"), "PT8H", "eu_1182_71", None, "Europe/Helsinki",
        "2026-10-25 05:00", id="hours across the October DST change (Helsinki)",
    ),
    pytest.param(
        at(BRUSSELS, "2026-11-20 20:45"), "PT8H", "eu_1182_71", None, "Europe/Brussels",
        "2026-11-21 04:00", id="hours across midnight into a Saturday",
    ),
    pytest.param(
        utc("2026-11-20 10:00"), "PT8H", "eu_1182_71", None, "UTC",
        "2026-11-20 19:00", id="event on the hour: that hour is still not counted",
    ),
    pytest.param(
        datetime.fromisoformat("2026-11-20T23:30-05:00"), "P10D", "eu_1182_71", None, "Europe/Brussels",
        "2026-12-01 23:00", id="days counted on the local calendar of tz, not the event's offset",
    ),
    pytest.param(
        at(HELSINKI, "2026-03-28 22:30"), "PT8H", "calendar", None, "Europe/Helsinki",
        "2026-03-29 04:30", id="calendar hours are exact elapsed hours",
    ),
    pytest.param(
        at(HELSINKI, "2026-03-28 10:00"), "P1D", "calendar", None, "Europe/Helsinki",
        "2026-03-29 07:00", id="calendar day across March DST keeps 10:00 wall clock (23 h)",
    ),
    pytest.param(
        at(DUBLIN, "2026-10-24 10:00"), "P1D", "calendar", None, "Europe/Dublin",
        "2026-10-25 10:00", id="calendar day across October DST keeps 10:00 wall clock (25 h)",
    ),
    pytest.param(
        utc("2026-12-16 14:00"), "P10D", "calendar", "IE", "UTC",
        "2026-12-26 14:00", id="calendar days never roll, even onto a holiday Saturday",
    ),
    pytest.param(
        at(HELSINKI, "2026-03-25 17:00"), "P10D", "calendar", None, "Europe/Helsinki",
        "2026-04-04 14:00", id="ENGINEERING §6: +10 days keeps 17:00 local",
    ),
    pytest.param(
        at(HELSINKI, "2026-03-25 17:00"), "P10D", "exact", None, "Europe/Helsinki",
        "2026-04-04 15:00", id="exact: +240 hours, 18:00 local after DST",
    ),
    pytest.param(
        at(HELSINKI, "2026-03-28 10:00"), "P1W", "exact", None, "Europe/Helsinki",
        "2026-04-04 08:00", id="exact week = 168 hours",
    ),
    pytest.param(
        at(DUBLIN, "2026-12-23 09:00"), "P5D", "working_days", "IE", "Europe/Dublin",
        "2027-01-01 00:00", id="working days skip Christmas Day in IE: Thu 31 Dec",
    ),
    pytest.param(
        at(HELSINKI, "2026-12-23 09:00"), "P5D", "working_days", "FI", "Europe/Helsinki",
        "2027-01-04 22:00", id="working days skip FI Christmas and New Year: Mon 4 Jan",
    ),
    pytest.param(
        at(ZoneInfo("Africa/Cairo"), "2026-04-22 12:00"), "P1D", "working_days", None, "Africa/Cairo",
        "2026-04-23 22:00", id="24:00 of a day whose next midnight is skipped by DST",
    ),
]


@pytest.mark.parametrize(("event", "period", "counting", "holidays", "tz", "expected"), CASES)
def test_deadline_falls_where_the_calendar_says(event, period, counting, holidays, tz, expected):
    deadline = compute_deadline(event, period, counting=counting, holidays=holidays, tz=tz)

    assert deadline.due_at == utc(expected)
    assert deadline.due_at.utcoffset() == timedelta(0)
    assert deadline.due_local == deadline.due_at
    assert deadline.due_local.tzinfo == ZoneInfo(tz)


def test_an_emergency_order_also_gives_the_earlier_reading_to_warn_at():
    deadline = compute_deadline(at(BRUSSELS, "2026-11-20 10:17"), "PT8H", tz="Europe/Brussels")

    assert deadline.conservative_at == utc("2026-11-20 17:17")  # 18:17 CET
    assert deadline.alert_at == deadline.conservative_at
    assert any("18:17" in line and "conservative" in line for line in deadline.explanation)


def test_day_periods_and_exact_hours_have_no_conservative_reading():
    days = compute_deadline(utc("2026-11-20 10:17"), "P10D")
    exact = compute_deadline(utc("2026-11-20 10:17"), "PT8H", counting="exact")

    assert days.conservative_at is None
    assert exact.conservative_at is None
    assert exact.due_at - exact.event == timedelta(hours=8)


def test_explanation_tells_the_officer_how_the_rollover_happened():
    deadline = compute_deadline(
        at(ZoneInfo("Europe/Paris"), "2026-12-16 14:05"), "P10D", holidays="IE", tz="Europe/Dublin"
    )
    text = "\n".join(deadline.explanation)

    assert deadline.explanation[0] == "received Wed 2026-12-16 13:05 GMT (2026-12-16 13:05 UTC)"
    assert "= Sat 2026-12-26" in text
    assert "Sat 2026-12-26 is a Saturday and Saint Stephen's Day (public holiday in IE)" in text
    assert "Sun 2026-12-27 is a Sunday → next working day" in text
    assert "Mon 2026-12-28 is a working day in IE" in text
    assert deadline.explanation[-1] == "→ due 2026-12-28 24:00 Europe/Dublin (2026-12-29 00:00 UTC)"


def test_explanation_names_each_easter_holiday_that_moved_the_deadline():
    deadline = compute_deadline(at(BERLIN, "2027-03-16 09:00"), "P10D", holidays="DE", tz="Europe/Berlin")
    text = "\n".join(deadline.explanation)

    assert "Fri 2027-03-26 is a Friday" not in text
    assert "Fri 2027-03-26 is Good Friday (public holiday in DE)" in text
    assert "Mon 2027-03-29 is a Monday" not in text
    assert "Mon 2027-03-29 is Easter Monday (public holiday in DE)" in text


def test_explanation_cites_art_3_5_when_it_extends_the_period():
    deadline = compute_deadline(utc("2026-11-20 09:00"), "P2D")
    text = "\n".join(deadline.explanation)

    assert "holds only 1 working day" in text
    assert "Art. 3(5)" in text
    assert "extended to Tue 2026-11-24" in text


def test_a_one_day_period_is_not_subject_to_art_3_5():
    # Fri + 1 day = Sat → rolled to Mon; the two-working-day minimum is for periods of 2+ days.
    deadline = compute_deadline(utc("2026-11-20 09:00"), "P1D")

    assert deadline.due_at == utc("2026-11-24 00:00")
    assert not any("Art. 3(5)" in line for line in deadline.explanation)


def test_working_day_count_lists_the_days_and_the_skipped_holiday():
    deadline = compute_deadline(
        at(DUBLIN, "2026-12-23 09:00"), "P5D", counting="working_days", holidays="IE", tz="Europe/Dublin"
    )
    text = "\n".join(deadline.explanation)

    assert "Fri 2026-12-25 is not counted: a Friday" not in text
    assert "Fri 2026-12-25 is not counted: Christmas Day (public holiday in IE)" in text
    assert "Thu 24, Mon 28, Tue 29, Wed 30, Thu 31" in text


def test_month_end_clamp_is_explained():
    deadline = compute_deadline(utc("2027-01-31 09:00"), "P1M")

    assert any("February 2027 has no day 31" in line for line in deadline.explanation)


def test_a_wall_clock_time_lost_to_dst_is_explained():
    deadline = compute_deadline(
        at(HELSINKI, "2026-03-28 03:30"), "P1D", counting="calendar", tz="Europe/Helsinki"
    )

    assert deadline.due_at == utc("2026-03-29 01:30")  # 04:30 EEST
    assert any("03:30 does not exist on 2026-03-29" in line for line in deadline.explanation)


def test_deadline_records_the_calendar_it_was_computed_with():
    import holidays as holiday_data

    with_holidays = compute_deadline(utc("2026-11-20 09:00"), "P10D", holidays="de-BY")
    weekends = compute_deadline(utc("2026-11-20 09:00"), "P10D")

    assert with_holidays.holidays == "DE-BY"
    assert with_holidays.calendar == f"holidays {holiday_data.__version__} DE-BY, en_US"
    assert weekends.holidays is None
    assert "weekends only" in weekends.calendar


@pytest.mark.parametrize(("code", "normalised"), [("ie", "IE"), (" de-by ", "DE-BY"), ("DE-augsburg", "DE-Augsburg")])
def test_holiday_codes_are_read_in_any_case(code, normalised):
    assert compute_deadline(utc("2026-11-20 09:00"), "P10D", holidays=code).holidays == normalised


def test_to_dict_is_plain_json_data():
    import json

    deadline = compute_deadline(at(BRUSSELS, "2026-11-20 10:17"), "PT8H", tz="Europe/Brussels")
    data = json.loads(json.dumps(deadline.to_dict()))

    assert data["due_at"] == "2026-11-20T18:00:00+00:00"
    assert data["due_local"] == "2026-11-20T19:00:00+01:00"
    assert data["conservative_at"] == "2026-11-20T17:17:00+00:00"
    assert data["period"] == "PT8H"
    assert data["explanation"] == list(deadline.explanation)


class TestPreservationExtension:
    """EPOC-PR: 60 days, then +30 days counted from the nominal day 60 (the conservative reading)."""

    def test_extension_from_day_60_gives_thursday_18_february(self):
        original = compute_deadline(at(BRUSSELS, "2026-11-20 10:17"), "P60D", tz="Europe/Brussels")

        extended = extend_deadline(original, "P30D")

        assert extended.due_at == utc("2027-02-18 23:00")
        assert any("nominal end" in line and "conservative" in line for line in extended.explanation)

    def test_extension_counts_from_the_nominal_not_the_rolled_end(self):
        # Fri 2026-11-20 + 8 days = Sat 28 Nov, rolled to Mon 30 Nov. +10 days from the nominal
        # Sat 28 gives Tue 8 Dec; from the rolled Mon 30 it would be Thu 10 Dec.
        original = compute_deadline(utc("2026-11-20 09:00"), "P8D")
        assert original.due_at == utc("2026-12-01 00:00")

        extended = extend_deadline(original, "P10D")

        assert extended.due_at == utc("2026-12-09 00:00")
        assert "Sat 2026-11-28 24:00" in extended.explanation[1]

    def test_hour_extension_continues_from_the_end_without_losing_an_hour(self):
        original = compute_deadline(utc("2026-11-20 10:17"), "PT8H")

        extended = extend_deadline(original, "PT8H")

        assert extended.due_at == utc("2026-11-20 19:00") + timedelta(hours=8)


BAD_INPUTS = [
    pytest.param(dict(event=datetime(2026, 11, 20, 10, 17), period="P10D"), EventError, "no time zone",
                 id="naive event"),
    pytest.param(dict(period="P10D", tz="Mars/Olympus_Mons"), TimeZoneError, "Mars/Olympus_Mons", id="unknown tz"),
    pytest.param(dict(period="P10D", holidays="XX"), CalendarError, "unknown country 'XX'", id="unknown country"),
    pytest.param(dict(period="P10D", holidays="DE-ZZ"), CalendarError, "no subdivision 'ZZ'", id="unknown subdivision"),
    pytest.param(dict(period="P10D", counting="business"), CountingError, "business", id="unknown counting"),
    pytest.param(dict(period="PT8H", counting="working_days"), PeriodError, "working_days", id="working hours"),
    pytest.param(dict(period="P2M", counting="exact"), PeriodError, "varies in length", id="exact months"),
] + [
    pytest.param(dict(period=text), PeriodError, repr(text), id=f"period {text!r}")
    for text in ["", "10D", "P", "P1M10D", "P1Y", "PT0H", "P0D", "P-1D", "PT1.5H", "P1DT2H", "PT30M", "P99999D"]
]


@pytest.mark.parametrize(("arguments", "error", "named"), BAD_INPUTS)
def test_bad_input_is_refused_with_an_error_naming_it(arguments, error, named):
    arguments = {"event": utc("2026-11-20 10:17"), **arguments}

    with pytest.raises(error) as raised:
        compute_deadline(arguments.pop("event"), arguments.pop("period"), **arguments)

    assert named in str(raised.value)
    assert isinstance(raised.value, DeadlineInputError)
