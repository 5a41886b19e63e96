"""Deadline arithmetic: when does a legal period that starts at an event end?

The legal answer depends on how the rule counts (``counting``):

``eu_1182_71``
    Regulation (EEC, Euratom) No 1182/71. Days, weeks and months start the day after the
    event and end at 24:00 local time of their last day, rolled forward past Saturdays,
    Sundays and public holidays of the State concerned (Art. 3(4)); a period of two days or
    more holds at least two working days (Art. 3(5)). Hours start at the beginning of the
    hour after the event (Art. 3(1)), run exactly in UTC and never roll over; the
    conservative instant ``event + N hours`` is returned too, because providers may read the
    period that way and the UI must warn at the earlier of the two.
``calendar``
    Plain calendar arithmetic from the event: days, weeks and months on the local calendar
    (the wall-clock time is kept across DST changes), hours exactly in UTC, no rollover.
``working_days``
    N working days after the event day; the period ends at 24:00 local of the Nth.
``exact``
    The event plus a fixed duration, exactly, in UTC.

Days are counted on the local calendar of ``tz`` (the State whose holidays apply) and every
result is an aware UTC instant; "24:00" of a day is 00:00 of the next local day, so a DST
change never shifts the end of a day. Each deadline carries plain sentences that explain
the count to a liaison officer, including the holiday that caused any rollover.
"""

from __future__ import annotations

import calendar as month_calendar
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from lawreq.deadlines.calendars import HolidayCalendar, calendar_for
from lawreq.deadlines.periods import DeadlineInputError, Period, PeriodError, parse_period

__all__ = [
    "COUNTINGS",
    "CountingError",
    "Deadline",
    "DeadlineInputError",
    "EventError",
    "PeriodError",
    "TimeZoneError",
    "compute_deadline",
    "extend_deadline",
]

COUNTINGS = ("eu_1182_71", "calendar", "working_days", "exact")
ONE_DAY = timedelta(days=1)
ONE_HOUR = timedelta(hours=1)


class CountingError(DeadlineInputError):
    """The counting mode is not one of :data:`COUNTINGS`."""

    field = "counting"


class TimeZoneError(DeadlineInputError):
    """The time zone is not an IANA name that zoneinfo knows."""

    field = "tz"


class EventError(DeadlineInputError):
    """The event is not an aware datetime, so the instant it happened is unknown."""

    field = "event"


@dataclass(frozen=True)
class Deadline:
    """A computed deadline with the reasoning behind it.

    ``due_at`` is the legal end (store this one). ``conservative_at`` is set for hour periods
    under Reg. 1182/71 and is earlier: warn at it. ``nominal_at`` is the end before any
    weekend/holiday rollover or Art. 3(5) extension, and ``nominal_last_day`` its local date
    when the period ends at 24:00; extensions count from them.
    """

    event: datetime
    period: str
    counting: str
    tz: str
    holidays: str | None
    calendar: str
    due_at: datetime
    due_local: datetime
    conservative_at: datetime | None
    nominal_at: datetime
    nominal_last_day: date | None
    explanation: tuple[str, ...]

    @property
    def alert_at(self) -> datetime:
        """Return the earliest instant anyone could consider the period over."""
        return min(self.due_at, self.conservative_at or self.due_at)

    def to_dict(self) -> dict[str, object]:
        """Return JSON-ready data (ISO 8601 texts) for storage, the API and the CLI."""
        return {
            "event": self.event.isoformat(),
            "period": self.period,
            "counting": self.counting,
            "tz": self.tz,
            "holidays": self.holidays,
            "calendar": self.calendar,
            "due_at": self.due_at.isoformat(),
            "due_local": self.due_local.isoformat(),
            "conservative_at": self.conservative_at.isoformat() if self.conservative_at else None,
            "nominal_at": self.nominal_at.isoformat(),
            "explanation": list(self.explanation),
        }


@dataclass(frozen=True)
class _Outcome:
    due_at: datetime
    nominal_at: datetime
    nominal_last_day: date | None = None
    conservative_at: datetime | None = None


@dataclass(frozen=True)
class _Start:
    """Where a period starts: the day not counted, and the instant for exact arithmetic."""

    day: date
    instant: datetime
    floor_hour: bool


@dataclass(frozen=True)
class _Context:
    period: Period
    calendar: HolidayCalendar
    zone: ZoneInfo
    lines: list[str]


def compute_deadline(
    event: datetime,
    period: str,
    *,
    counting: str = "eu_1182_71",
    holidays: str | None = None,
    tz: str = "UTC",
    event_label: str = "received",
) -> Deadline:
    """Compute the end of ``period`` after ``event`` under the ``counting`` rule.

    ``holidays`` names the State whose public holidays apply (``IE``, ``DE-BY``; None means
    weekends only) and ``tz`` its IANA time zone, in which days are counted. ``event_label``
    opens the first sentence of the explanation ("received", "issued").
    """
    zone = _zone(tz)
    _check_event(event)
    parsed = parse_period(period)
    _check_counting(counting, parsed)
    cal = calendar_for(holidays)
    local_event = event.astimezone(zone)
    lines = [f"{event_label} {_local_text(local_event)}{_utc_suffix(local_event, zone)}"]
    start = _Start(day=local_event.date(), instant=event.astimezone(timezone.utc), floor_hour=True)
    outcome = _COUNTERS[counting](start, _Context(parsed, cal, zone, lines))
    return _deadline(event, parsed, counting, tz, cal, zone, outcome, lines)


def extend_deadline(original: Deadline, period: str, *, counting: str | None = None) -> Deadline:
    """Extend ``original`` by ``period``, counted from its nominal (un-rolled) end.

    Whether an extension (e.g. of a preservation order) runs from the rolled-over end of the
    original period or from its nominal last day is not settled; counting from the nominal
    day gives the earlier, conservative end, so that is the reading used here.
    """
    counting = counting or original.counting
    parsed = parse_period(period)
    _check_counting(counting, parsed)
    zone = _zone(original.tz)
    cal = calendar_for(original.holidays)
    nominal_local = original.nominal_at.astimezone(zone)
    if original.nominal_last_day is not None:
        anchor_day = original.nominal_last_day
        nominal_text = f"{_day_text(anchor_day)} 24:00 {original.tz}"
    else:
        anchor_day = nominal_local.date()
        nominal_text = _local_text(nominal_local)
    lines = [
        f"extends the {original.period} period from {_local_text(original.event.astimezone(zone))}, "
        f"due {_end_text(original.due_local)}",
        f"the extension of {parsed.describe()} is counted from the nominal end of that period "
        f"({nominal_text}), not from any rolled-over end: the conservative reading, "
        "because which end an extension runs from is not settled",
    ]
    start = _Start(day=anchor_day, instant=original.nominal_at, floor_hour=False)
    outcome = _COUNTERS[counting](start, _Context(parsed, cal, zone, lines))
    return _deadline(original.event, parsed, counting, original.tz, cal, zone, outcome, lines)


def _deadline(
    event: datetime,
    period: Period,
    counting: str,
    tz: str,
    cal: HolidayCalendar,
    zone: ZoneInfo,
    outcome: _Outcome,
    lines: list[str],
) -> Deadline:
    return Deadline(
        event=event,
        period=period.iso,
        counting=counting,
        tz=tz,
        holidays=cal.code,
        calendar=cal.label,
        due_at=outcome.due_at,
        due_local=outcome.due_at.astimezone(zone),
        conservative_at=outcome.conservative_at,
        nominal_at=outcome.nominal_at,
        nominal_last_day=outcome.nominal_last_day,
        explanation=tuple(lines),
    )


# --- counting modes ---------------------------------------------------------------------


def _count_eu_1182_71(start: _Start, ctx: _Context) -> _Outcome:
    if ctx.period.is_hours:
        return _eu_hours(start, ctx)
    cal, lines = ctx.calendar, ctx.lines
    nominal_last = _add_calendar(start.day, ctx.period)
    lines.append(f"+{ctx.period.describe()} ({_eu_counting_rule(ctx.period)}) = {_day_text(nominal_last)}")
    if ctx.period.unit == "months" and nominal_last.day != start.day.day:
        lines.append(
            f"{_month_name(nominal_last)} has no day {start.day.day}, so the period ends on its last day "
            "(Art. 3(2)(c))"
        )
    last = nominal_last
    while not cal.is_working_day(last):
        lines.append(
            f"{_day_text(last)} is {cal.why_not_working(last)} → next working day (Reg. 1182/71 Art. 3(4))"
        )
        last += ONE_DAY
    lines.append(f"{_day_text(last)} is {cal.working_day_note()}")
    if ctx.period.unit != "days" or ctx.period.amount >= 2:
        last = _at_least_two_working_days(start.day + ONE_DAY, last, cal, lines)
    return _Outcome(
        due_at=_end_of_day_line(last, ctx),
        nominal_at=_end_of_day(nominal_last, ctx.zone),
        nominal_last_day=nominal_last,
    )


def _eu_hours(start: _Start, ctx: _Context) -> _Outcome:
    hours = timedelta(hours=ctx.period.amount)
    conservative = start.instant + hours
    if start.floor_hour:
        local = start.instant.astimezone(ctx.zone)
        floor = local.replace(minute=0, second=0, microsecond=0).astimezone(timezone.utc)
        first = floor + ONE_HOUR
        ctx.lines.append(
            f"Reg. 1182/71 Art. 3(1): the hour in which the event occurs ({_clock(floor, ctx.zone)}–"
            f"{_clock(first, ctx.zone)}) is not counted, so the period starts at "
            f"{_clock(first, ctx.zone)} {first.astimezone(ctx.zone).tzname()}"
        )
    else:
        first = start.instant
    due = first + hours
    ctx.lines.append(
        f"+{ctx.period.describe()}, counted exactly in UTC = {_local_text(due.astimezone(ctx.zone))}; "
        "a period in hours does not roll over weekends or public holidays"
    )
    if conservative != due:
        ctx.lines.append(
            f"conservative reading (event + {ctx.period.describe()} exactly): "
            f"{_local_text(conservative.astimezone(ctx.zone))}; warn at this earlier time"
        )
    _due_line(due, ctx)
    return _Outcome(
        due_at=due, nominal_at=due, conservative_at=conservative if conservative != due else None
    )


def _count_calendar(start: _Start, ctx: _Context) -> _Outcome:
    if ctx.period.is_hours:
        due = start.instant + timedelta(hours=ctx.period.amount)
        ctx.lines.append(
            f"+{ctx.period.describe()}, counted exactly in UTC = {_local_text(due.astimezone(ctx.zone))}"
        )
    else:
        local = start.instant.astimezone(ctx.zone)
        target = _add_calendar(local.date(), ctx.period)
        wall = datetime.combine(target, local.timetz().replace(tzinfo=None), tzinfo=ctx.zone)
        due = wall.astimezone(timezone.utc)
        ctx.lines.append(
            f"+{ctx.period.describe()} on the local calendar, same wall-clock time, no rollover "
            f"= {_day_text(target)} {wall.strftime('%H:%M')}"
        )
        _note_dst_anomaly(wall, due, ctx)
    _due_line(due, ctx)
    return _Outcome(due_at=due, nominal_at=due)


def _count_working_days(start: _Start, ctx: _Context) -> _Outcome:
    cal, wanted = ctx.calendar, ctx.period.amount
    day, counted_days = start.day, []
    while len(counted_days) < wanted:
        day += ONE_DAY
        if cal.is_working_day(day):
            counted_days.append(day)
        elif cal.holiday_name(day) is not None:
            ctx.lines.append(f"{_day_text(day)} is not counted: {cal.why_not_working(day)}")
    if wanted <= 10:
        listed = ", ".join(f"{_WEEKDAYS[d.weekday()]} {d.day}" for d in counted_days)
        plural = "s" if wanted > 1 else ""
        ctx.lines.append(f"{wanted} working day{plural} after the event day, {cal.skipping()}: {listed}")
    else:
        ctx.lines.append(f"working day {wanted} after the event day, {cal.skipping()}, is {_day_text(day)}")
    due = _end_of_day_line(day, ctx)
    return _Outcome(due_at=due, nominal_at=due, nominal_last_day=day)


def _count_exact(start: _Start, ctx: _Context) -> _Outcome:
    hours = ctx.period.amount * {"hours": 1, "days": 24, "weeks": 168}[ctx.period.unit]
    due = start.instant + timedelta(hours=hours)
    ctx.lines.append(
        f"+{ctx.period.describe()} = exactly {hours} hours in UTC (no calendar or holiday rules) "
        f"= {_local_text(due.astimezone(ctx.zone))}"
    )
    _due_line(due, ctx)
    return _Outcome(due_at=due, nominal_at=due)


_COUNTERS: dict[str, Callable[[_Start, _Context], _Outcome]] = {
    "eu_1182_71": _count_eu_1182_71,
    "calendar": _count_calendar,
    "working_days": _count_working_days,
    "exact": _count_exact,
}


# --- rules shared by the modes ----------------------------------------------------------


def _at_least_two_working_days(first: date, last: date, cal: HolidayCalendar, lines: list[str]) -> date:
    """Art. 3(5): any period of two days or more includes at least two working days."""
    found = cal.working_days_between(first, last)
    if found >= 2:
        return last
    extended, count = last, found
    while count < 2:
        extended += ONE_DAY
        count += cal.is_working_day(extended)
    lines.append(
        f"the period {_day_text(first)} – {_day_text(last)} holds only {found} working day"
        f"{'' if found == 1 else 's'}; Reg. 1182/71 Art. 3(5) requires at least two "
        f"→ extended to {_day_text(extended)}"
    )
    return extended


def _add_calendar(day: date, period: Period) -> date:
    """Art. 3(2)(c): weeks end on the same weekday, months on the same day number (or the month's last day)."""
    if period.unit == "days":
        return day + timedelta(days=period.amount)
    if period.unit == "weeks":
        return day + timedelta(weeks=period.amount)
    months = day.year * 12 + day.month - 1 + period.amount
    year, month = divmod(months, 12)
    month += 1
    return date(year, month, min(day.day, month_calendar.monthrange(year, month)[1]))


def _eu_counting_rule(period: Period) -> str:
    if period.unit == "days":
        return "Reg. 1182/71 Art. 3(1): the day of the event is not counted"
    name = "weekday" if period.unit == "weeks" else "day number"
    return f"Reg. 1182/71 Art. 3(2)(c): ends on the same {name} as the day of the event"


def _end_of_day(day: date, zone: ZoneInfo) -> datetime:
    """Return 24:00 local of ``day`` in UTC: 00:00 of the next local day.

    With fold=0 a midnight that falls in a DST gap or overlap resolves to the first instant of
    the next day, which is exactly when the day ends.
    """
    return datetime.combine(day + ONE_DAY, time(0), tzinfo=zone).astimezone(timezone.utc)


def _end_of_day_line(day: date, ctx: _Context) -> datetime:
    due = _end_of_day(day, ctx.zone)
    ctx.lines.append(f"→ due {day.isoformat()} 24:00 {ctx.zone.key} ({_utc_text(due)})")
    return due


def _due_line(due: datetime, ctx: _Context) -> None:
    local = due.astimezone(ctx.zone)
    ctx.lines.append(f"→ due {local.strftime('%Y-%m-%d %H:%M')} {ctx.zone.key} ({_utc_text(due)})")


def _note_dst_anomaly(wall: datetime, due: datetime, ctx: _Context) -> None:
    resolved = due.astimezone(ctx.zone)
    if resolved.replace(tzinfo=None) != wall.replace(tzinfo=None):
        ctx.lines.append(
            f"{wall.strftime('%H:%M')} does not exist on {wall.date().isoformat()} in {ctx.zone.key} "
            f"(clocks go forward); read with the offset before the change it is "
            f"{resolved.strftime('%H:%M %Z')}"
        )
    elif wall.replace(fold=1).utcoffset() != wall.utcoffset():
        ctx.lines.append(
            f"{wall.strftime('%H:%M')} occurs twice on {wall.date().isoformat()} in {ctx.zone.key} "
            f"(clocks go back); the earlier one, {wall.strftime('%H:%M %Z')}, is taken"
        )


# --- input checks -----------------------------------------------------------------------


def _zone(tz: str) -> ZoneInfo:
    if not isinstance(tz, str) or not tz.strip():
        raise TimeZoneError(f"time zone must be an IANA name such as 'Europe/Dublin', not {tz!r}")
    try:
        return ZoneInfo(tz.strip())
    except (ZoneInfoNotFoundError, ValueError) as error:
        raise TimeZoneError(
            f"unknown time zone {tz!r}: use an IANA name such as 'Europe/Dublin' or 'UTC'"
        ) from error


def _check_event(event: datetime) -> None:
    if not isinstance(event, datetime):
        raise EventError(f"event must be a datetime with a time zone, not {type(event).__name__}")
    if event.tzinfo is None or event.utcoffset() is None:
        raise EventError(
            f"event time {event.isoformat()} has no time zone; give an aware time such as "
            f"{event.isoformat()}+01:00, so the instant is unambiguous"
        )


def _check_counting(counting: str, period: Period) -> None:
    if counting not in _COUNTERS:
        raise CountingError(f"unknown counting {counting!r}: use one of {', '.join(COUNTINGS)}")
    if counting == "working_days" and period.unit != "days":
        raise PeriodError(
            f"counting 'working_days' needs a period in days such as P5D, not {period.iso}"
        )
    if counting == "exact" and period.unit == "months":
        raise PeriodError(
            f"counting 'exact' needs a fixed length (hours, days or weeks); {period.iso} varies in length"
        )


# --- wording ----------------------------------------------------------------------------


_WEEKDAYS = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")


def _day_text(day: date) -> str:
    """Spell the weekday ourselves: strftime's %a follows the process locale."""
    return f"{_WEEKDAYS[day.weekday()]} {day.isoformat()}"


def _local_text(moment: datetime) -> str:
    clock = moment.strftime("%H:%M:%S" if moment.second or moment.microsecond else "%H:%M")
    return f"{_day_text(moment.date())} {clock} {moment.tzname()}"


def _end_text(moment: datetime) -> str:
    """Show a local midnight as 24:00 of the day before: that is how a period's end reads."""
    if moment.time() == time(0):
        return f"{_day_text(moment.date() - ONE_DAY)} 24:00 {moment.tzname()}"
    return _local_text(moment)


def _utc_text(moment: datetime) -> str:
    utc = moment.astimezone(timezone.utc)
    return utc.strftime("%Y-%m-%d %H:%M:%S UTC" if utc.second else "%Y-%m-%d %H:%M UTC")


def _utc_suffix(local: datetime, zone: ZoneInfo) -> str:
    return "" if zone.key == "UTC" else f" ({_utc_text(local)})"


def _clock(moment: datetime, zone: ZoneInfo) -> str:
    return moment.astimezone(zone).strftime("%H:%M")


_MONTHS = (
    "January", "February", "March", "April", "May", "June",
    "July", "August", "September", "October", "November", "December",
)


def _month_name(day: date) -> str:
    return f"{_MONTHS[day.month - 1]} {day.year}"
