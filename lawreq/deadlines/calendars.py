"""Working-day calendars: which dates are Saturdays, Sundays or public holidays of a State.

Regulation 1182/71 Art. 2(1) takes the public holidays of the State "where the action is to
be taken", so each deadline names its State (``IE``) or State and subdivision (``DE-BY``).
The holiday data comes from the ``holidays`` package, whose releases add and move holidays;
the calendar therefore labels itself with the package version so a stored deadline can be
audited against the data it was computed with. Names are pinned to ``en_US`` because the
package otherwise follows the process locale (an unset ``LANG`` gives Lithuanian names for LT).
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache

import holidays as holidays_package

from lawreq.deadlines.periods import DeadlineInputError

LANGUAGE = "en_US"
_WEEKEND = {5: "Saturday", 6: "Sunday"}


class CalendarError(DeadlineInputError):
    """The holiday calendar code names no country or subdivision the holiday data knows."""

    field = "holidays"


class HolidayCalendar:
    """Working days of one State (or of no State: weekends only).

    Not a dataclass because it wraps the package's mutable, year-expanding holiday table;
    instances are shared through :func:`calendar_for` and never changed by callers.
    """

    def __init__(self, code: str | None) -> None:
        self.code = code
        self._table: holidays_package.HolidayBase | None = None
        self._language: str | None = None
        if code is not None:
            country, _, subdiv = code.partition("-")
            try:
                probe = holidays_package.country_holidays(country, subdiv=subdiv or None)
            except NotImplementedError as error:
                raise CalendarError(_unknown_code_message(code, country, subdiv)) from error
            languages = probe.supported_languages or ()
            self._language = LANGUAGE if LANGUAGE in languages else None
            self._table = holidays_package.country_holidays(
                country, subdiv=subdiv or None, language=self._language
            )

    @property
    def label(self) -> str:
        """Name the data a deadline was computed with, for the audit trail."""
        if self.code is None:
            return "weekends only (no public-holiday calendar)"
        language = self._language or "default language"
        return f"holidays {holidays_package.__version__} {self.code}, {language}"

    def working_day_note(self) -> str:
        """Finish the sentence "<day> is …" for a day that ends a period."""
        if self.code is None:
            return "a weekday (no public-holiday calendar was named, so holidays are not considered)"
        return f"a working day in {self.code} (not a Saturday, Sunday or public holiday)"

    def skipping(self) -> str:
        """Say which days a working-day count leaves out."""
        if self.code is None:
            return "skipping Saturdays and Sundays (no public-holiday calendar was named)"
        return f"skipping Saturdays, Sundays and public holidays in {self.code}"

    def holiday_name(self, day: date) -> str | None:
        """Return the public holiday on ``day`` (several joined by "; "), or None."""
        if self._table is None:
            return None
        return self._table.get(day)

    def is_working_day(self, day: date) -> bool:
        """Art. 2(2): every day other than a public holiday, a Saturday or a Sunday."""
        return day.weekday() not in _WEEKEND and self.holiday_name(day) is None

    def why_not_working(self, day: date) -> str:
        """Say why ``day`` is not a working day ("a Saturday and Saint Stephen's Day in IE")."""
        reasons = []
        if day.weekday() in _WEEKEND:
            reasons.append(f"a {_WEEKEND[day.weekday()]}")
        name = self.holiday_name(day)
        if name is not None:
            reasons.append(f"{name} (public holiday in {self.code})")
        if not reasons:
            raise ValueError(f"{day.isoformat()} is a working day, so nothing explains skipping it")
        return " and ".join(reasons)

    def working_days_between(self, first: date, last: date) -> int:
        """Count the working days from ``first`` to ``last``, both included."""
        count = 0
        day = first
        while day <= last:
            count += self.is_working_day(day)
            day = date.fromordinal(day.toordinal() + 1)
        return count


@lru_cache(maxsize=64)
def calendar_for(code: str | None) -> HolidayCalendar:
    """Return the shared calendar for ``IE``, ``DE-BY`` (upper-cased) or None (weekends only)."""
    if code is None:
        return HolidayCalendar(None)
    if not isinstance(code, str) or not code.strip().partition("-")[0]:
        raise CalendarError(f"holiday calendar {code!r} is not a country code: give one such as IE or DE-BY")
    normalised = _normalise(code.strip())
    if normalised != code:
        return calendar_for(normalised)
    return HolidayCalendar(normalised)


def _normalise(code: str) -> str:
    """Upper-case the country and match the subdivision's spelling case-insensitively ("de-by" → "DE-BY")."""
    country, _, subdiv = code.partition("-")
    country = country.upper()
    if not subdiv:
        return country
    known = holidays_package.list_supported_countries().get(country, [])
    spelled = next((name for name in known if name.casefold() == subdiv.casefold()), subdiv)
    return f"{country}-{spelled}"


def _unknown_code_message(code: str, country: str, subdiv: str) -> str:
    supported = holidays_package.list_supported_countries()
    if country not in supported:
        return (
            f"holiday calendar {code!r}: unknown country {country!r}; "
            "use an ISO 3166-1 alpha-2 code such as IE, FI or DE"
        )
    known = ", ".join(supported[country]) or "none"
    return f"holiday calendar {code!r}: {country} has no subdivision {subdiv!r} (known: {known})"
