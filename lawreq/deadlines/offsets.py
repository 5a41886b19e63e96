"""When to remind people about a deadline, as offsets from it.

Offsets are kept apart from the arithmetic so the scheduler, user preferences and the UI
share one definition. The defaults follow the length of the period: three days' notice is
useless for an eight-hour emergency order, and two hours' notice is too little for ten days.
The last default offset is an escalation: once a deadline has passed, the unit's liaison
officers are told, not only the person who sent the request.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from lawreq.deadlines.periods import DeadlineInputError, Period, parse_period

_OFFSET = re.compile(
    r"(?P<sign>[+-])?P(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?=\d)(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?)?"
)
_MAX_OFFSET = timedelta(days=366)


class OffsetError(DeadlineInputError):
    """A reminder offset is not an ISO 8601 duration of weeks, days, hours and minutes."""

    field = "offset"


@dataclass(frozen=True)
class ReminderOffset:
    """A reminder at ``delta`` from the deadline (negative: before it).

    ``escalate`` marks reminders that go to the unit's liaison officers as well.
    """

    delta: timedelta
    escalate: bool
    label: str

    def fires_at(self, deadline_at: datetime) -> datetime:
        """Return when this reminder is due for a deadline at ``deadline_at``."""
        return deadline_at + self.delta


def default_offsets(period: str | Period) -> tuple[ReminderOffset, ...]:
    """Return the default reminders for a deadline of ``period``, earliest first.

    Day-based periods: 3 days and 1 day before, at the deadline, and an escalation 1 day
    after. Hour periods: 2 hours before, at the deadline, and an escalation 1 hour after.
    A reminder at least as far ahead as the period is long would fire around the time the
    request was sent, so it is left out.
    """
    parsed = period if isinstance(period, Period) else parse_period(period)
    if parsed.is_hours:
        before, after = (timedelta(hours=2),), timedelta(hours=1)
    else:
        before, after = (timedelta(days=3), timedelta(days=1)), timedelta(days=1)
    shortest = _shortest_length(parsed)
    reminders = [
        ReminderOffset(-ahead, escalate=False, label=f"{_words(ahead)} before the deadline")
        for ahead in before
        if ahead < shortest
    ]
    reminders.append(ReminderOffset(timedelta(0), escalate=False, label="at the deadline"))
    reminders.append(
        ReminderOffset(after, escalate=True, label=f"{_words(after)} overdue: escalated to liaison officers")
    )
    return tuple(reminders)


def parse_offset(text: str) -> timedelta:
    """Parse a signed ISO 8601 duration such as ``-P3D``, ``-PT2H``, ``P1DT12H`` or ``PT0S``."""
    if not isinstance(text, str):
        raise OffsetError(f"reminder offset must be a text such as '-P3D', not {type(text).__name__}")
    cleaned = text.strip().upper()
    if cleaned in {"PT0S", "-PT0S", "+PT0S"}:
        return timedelta(0)
    match = _OFFSET.fullmatch(cleaned)
    if match is None or not any(match.group(name) for name in ("weeks", "days", "hours", "minutes")):
        raise OffsetError(
            f"reminder offset {text!r} is not understood: use a signed ISO 8601 duration of weeks, "
            "days, hours and minutes, e.g. -P3D, -PT2H, P1D (months and seconds are not accepted)"
        )
    parts = {name: int(match.group(name) or 0) for name in ("weeks", "days", "hours", "minutes")}
    delta = timedelta(**parts)
    if delta > _MAX_OFFSET:
        raise OffsetError(f"reminder offset {text!r} is more than a year away from the deadline")
    return -delta if match.group("sign") == "-" else delta


def format_offset(delta: timedelta) -> str:
    """Write ``delta`` as the canonical text :func:`parse_offset` reads back."""
    if delta % timedelta(minutes=1):
        raise OffsetError(f"reminder offset {delta} is not a whole number of minutes")
    if not delta:
        return "PT0S"
    sign = "-" if delta < timedelta(0) else ""
    minutes_total = abs(delta) // timedelta(minutes=1)
    days, rest = divmod(minutes_total, 24 * 60)
    hours, minutes = divmod(rest, 60)
    text = f"{sign}P" + (f"{days}D" if days else "")
    if hours or minutes:
        text += "T" + (f"{hours}H" if hours else "") + (f"{minutes}M" if minutes else "")
    return text


def _shortest_length(period: Period) -> timedelta:
    """Return the least time a period can span, to tell which reminders make sense."""
    if period.unit == "hours":
        return timedelta(hours=period.amount)
    days_per_unit = {"days": 1, "weeks": 7, "months": 28}[period.unit]
    return timedelta(days=period.amount * days_per_unit)


def _words(delta: timedelta) -> str:
    if delta % timedelta(days=1) == timedelta(0):
        count, unit = delta.days, "day"
    else:
        count, unit = delta // timedelta(hours=1), "hour"
    return f"{count} {unit}{'' if count == 1 else 's'}"
