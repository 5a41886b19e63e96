"""Strict ISO 8601 periods for legal deadlines.

Rules state periods as ISO 8601 durations (``P10D``, ``PT8H``, ``P2M``). Legal periods are
always a single count of one unit, because Regulation 1182/71 counts each unit differently
(hours from the next hour, days from the next day, months to the same day number); a
mixed duration such as ``P1M10D`` has no agreed legal reading, so it is refused rather than
guessed at.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import ClassVar, Literal

Unit = Literal["hours", "days", "weeks", "months"]

_PATTERN = re.compile(r"P(?:(?P<days>\d+)D|(?P<weeks>\d+)W|(?P<months>\d+)M|T(?P<hours>\d+)H)")
_SINGULAR: dict[str, str] = {"hours": "hour", "days": "day", "weeks": "week", "months": "month"}
# About a century per unit: no legal period is longer, and larger counts would overflow dates.
_MAXIMUM: dict[str, int] = {"hours": 876_600, "days": 36_525, "weeks": 5_218, "months": 1_200}


class DeadlineInputError(ValueError):
    """Base of every bad-input error in deadline arithmetic.

    ``field`` names the input that is wrong, so a CLI or form can point at the right option.
    """

    field: ClassVar[str] = "input"


class PeriodError(DeadlineInputError):
    """The period is not a single positive ISO 8601 count of hours, days, weeks or months."""

    field = "period"


@dataclass(frozen=True)
class Period:
    """A parsed legal period: one positive count of one unit."""

    amount: int
    unit: Unit

    @property
    def iso(self) -> str:
        """Return the canonical ISO 8601 text, so stored periods compare equal."""
        letter = {"hours": "H", "days": "D", "weeks": "W", "months": "M"}[self.unit]
        return f"PT{self.amount}H" if self.unit == "hours" else f"P{self.amount}{letter}"

    @property
    def is_hours(self) -> bool:
        return self.unit == "hours"

    def describe(self) -> str:
        """Return the period in words ("10 days", "1 month") for explanations."""
        word = _SINGULAR[self.unit] if self.amount == 1 else self.unit
        return f"{self.amount} {word}"


def parse_period(text: str) -> Period:
    """Parse ``text`` strictly, naming what is wrong when it is not a legal period."""
    if not isinstance(text, str):
        raise PeriodError(f"period must be an ISO 8601 text such as 'P10D', not {type(text).__name__}")
    cleaned = text.strip().upper()
    match = _PATTERN.fullmatch(cleaned)
    if match is None:
        raise PeriodError(
            f"period {text!r} is not understood: use one ISO 8601 count of days, weeks, months "
            "or hours, e.g. P10D, P1W, P2M, PT8H (mixed units and years are not accepted)"
        )
    unit, value = next((name, raw) for name, raw in match.groupdict().items() if raw is not None)
    amount = int(value)
    if amount <= 0:
        raise PeriodError(f"period {text!r} must be longer than zero")
    if amount > _MAXIMUM[unit]:
        raise PeriodError(f"period {text!r} is longer than a century; no legal deadline is")
    return Period(amount=amount, unit=unit)  # type: ignore[arg-type]
