"""Dates and periods as a reader of the form's language writes them, with the time zone they are meant in.

Requests store moments as ISO 8601 in UTC; a provider's staff should read "4 December 2026, 15:38 (UTC+01:00,
Europe/Helsinki)" in English or "4. Dezember 2026, 15:38 …" in German, never ``2026-12-04T14:38:14.999159+00:00``.
Babel's CLDR data decides the words and order; the zone is the issuing authority's (``data["timezone"]``). Periods
print as the law states them ("10 days from receipt") until the document is sent and the clock has a date.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timezone
from functools import cache, lru_cache
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from babel import Locale
from babel.dates import format_date, format_time

#: The CLDR locale each form language is printed in (an EU reader's English is the Irish/British style).
_LOCALES = {"en": "en_IE"}
_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_MOMENT = re.compile(r"^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}")
_PERIOD = re.compile(r"^P(?:(\d+)D|T(\d+)H)$")


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse(_LOCALES.get(lang, lang))


@cache
def _zone(name: str) -> ZoneInfo:
    try:
        return ZoneInfo(name or "UTC")
    except (ZoneInfoNotFoundError, ValueError):
        return ZoneInfo("UTC")


@lru_cache(maxsize=2048)
def _long_date(day: date, lang: str) -> str:
    """Babel's long date: a CLDR pattern walk per call, and an identifier table repeats the same few days."""
    return format_date(day, "long", locale=_locale(lang))


@lru_cache(maxsize=2048)
def _clock(hour: int, minute: int, lang: str) -> str:
    """Hours and minutes in the language's digits; only those two fields reach the "HH:mm" pattern."""
    return format_time(time(hour, minute), "HH:mm", locale=_locale(lang))


def _offset(moment: datetime) -> str:
    delta = moment.utcoffset()
    minutes = int(delta.total_seconds() // 60) if delta else 0
    sign = "+" if minutes >= 0 else "-"
    return f"UTC{sign}{abs(minutes) // 60:02d}:{abs(minutes) % 60:02d}"


def format_moment(raw: Any, lang: str, zone: str = "UTC") -> str:
    """A date or a moment in the language's style; a moment carries its offset and zone. Anything that is not an
    ISO date is returned as given (free text typed by a user stays what it was)."""
    if isinstance(raw, datetime):
        moment = raw
    elif isinstance(raw, date):
        return _long_date(raw, lang)
    elif isinstance(raw, str) and _DATE.match(raw.strip()):
        try:
            return _long_date(date.fromisoformat(raw.strip()), lang)
        except ValueError:
            return raw
    elif isinstance(raw, str) and _MOMENT.match(raw.strip()):
        try:
            moment = datetime.fromisoformat(raw.strip().replace("Z", "+00:00").replace("z", "+00:00"))
        except ValueError:
            return raw
    else:
        return "" if raw is None else str(raw)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    tz = _zone(zone)
    local = moment.astimezone(tz)
    day = _long_date(local.date(), lang)
    clock = _clock(local.hour, local.minute, lang)
    return f"{day}, {clock} ({_offset(local)}, {tz.key})"


def period_parts(period: str) -> tuple[int, str] | None:
    """``P10D`` → (10, "days"), ``PT8H`` → (8, "hours"); None for anything else."""
    match = _PERIOD.match(period or "")
    if not match:
        return None
    days, hours = match.groups()
    return (int(days), "days") if days else (int(hours), "hours")
