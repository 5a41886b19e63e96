"""Human formatting for the interface: dates, durations, numbers, names, in the viewer's locale and zone.

Babel does the locale work (CLDR has "10 Tage", "20.11.2026"), so catalogues only carry lawreq's own sentences.
Nothing here shows an ISO duration, a raw timestamp or an id when a name exists: ids are looked up in the rules
(providers, routes) or in Babel's territory and language names.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone
from functools import lru_cache
from typing import Any
from zoneinfo import ZoneInfo

from babel import Locale
from babel.dates import format_date as _babel_date
from babel.numbers import format_decimal as _babel_decimal
from babel.units import format_unit
from flask import current_app
from flask_babel import format_datetime, format_decimal, format_percent, get_locale

from lawreq.deadlines.periods import PeriodError, parse_period
from lawreq.i18n import _
from lawreq.web.terms import CONFIDENCE_HELP, REFUSAL_REASONS, STATE_LABELS, term

_UNIT = {"hours": "duration-hour", "days": "duration-day", "weeks": "duration-week", "months": "duration-month"}


def _locale() -> Locale:
    return get_locale() or Locale("en")


def _zone(zone: str | ZoneInfo | None) -> ZoneInfo:
    from lawreq.web.jinja import viewer_zone

    if isinstance(zone, ZoneInfo):
        return zone
    try:
        return ZoneInfo(zone) if zone else viewer_zone()
    except (KeyError, ValueError):
        return ZoneInfo("UTC")


# Babel's formatting is pure (the same arguments and locale always give the same text) but slow: a unit amount
# costs ~10 µs, a date ~5 µs, and a board page asks for a few hundred of them, mostly the same few values. The
# texts are kept per process, keyed by the locale's identifier and the exact arguments (``typed``: 1 and 1.0 are
# different keys, as Babel may print them differently); nothing request- or user-specific goes in.

@lru_cache(maxsize=8192, typed=True)
def _unit_text(locale: str, value: float, unit: str, length: str) -> str:
    return format_unit(value, unit, length=length, locale=locale)


@lru_cache(maxsize=8192, typed=True)
def _date_text(locale: str, value: date, fmt: str) -> str:
    return _babel_date(value, fmt, locale=locale)


def format_date(value: date, fmt: str = "medium") -> str:
    """Flask-Babel's ``format_date`` of a plain date (no zone to rebase; lawreq sets no custom date formats),
    remembered per locale."""
    return _date_text(str(_locale()), value, fmt)


def amount(value: float, unit: str, length: str = "long") -> str:
    """``10 days`` / ``10 Tage``: CLDR's plural forms for a count of a unit."""
    return _unit_text(str(_locale()), value, unit, length)


def localtime(value: datetime | None, fmt: str | None = None, zone: str | None = None) -> str:
    """A moment in the viewer's (or the given) zone: localised date, 24-h time and the zone's name."""
    if value is None:
        return "—"
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    tz = _zone(zone)
    local = value.astimezone(tz)
    return f"{format_date(local.date(), 'medium')} {local.strftime('%H:%M')} {_zone_label(local)}"


def _zone_label(local: datetime) -> str:
    name = local.tzname() or ""
    return name if name and not name.startswith(("+", "-")) else f"UTC{local.strftime('%z')[:3]}:{local.strftime('%z')[3:]}"


def iso_datetime(value: str | None, zone: str | None = None) -> str:
    """An ISO 8601 text stored by a form (``2026-11-20T20:14:00Z``) shown as :func:`localtime` would."""
    if not value:
        return "—"
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return localtime(moment, zone=zone)


def identifier_time(identifier: Any) -> str:
    """When an IP address was used, in the zone the investigator gave (UTC when none was kept)."""
    get = identifier.get if isinstance(identifier, dict) else lambda k, d=None: getattr(identifier, k, d)
    zone = get("zone") or "UTC"
    text = iso_datetime(get("timestamp_utc"), zone=zone)
    return text if zone == "UTC" else f"{text} ({iso_datetime(get('timestamp_utc'), zone='UTC')})"


def date_text(value: date | datetime | str | None) -> str:
    if value is None or value == "":
        return "—"
    if isinstance(value, str):
        try:
            value = date.fromisoformat(value[:10])
        except ValueError:
            return value
    if isinstance(value, datetime):
        value = value.date()
    return format_date(value, "medium")


def duration(text: str | None) -> str:
    """``P60D`` → "60 days", ``PT48H`` → "48 hours"; a preservation with extension "P60D+P30D" → "60 days + 30"."""
    if not text:
        return "—"
    parts = [p for p in str(text).replace(" ", "").split("+") if p]
    zero = re.fullmatch(r"PT?0([HDWM])", parts[0]) if len(parts) == 1 else None
    if zero:  # "no retention" is written P0D; parse_period refuses zero as a legal deadline
        return amount(0, {"H": "duration-hour", "D": "duration-day", "W": "duration-week",
                          "M": "duration-month"}[zero.group(1)])
    try:
        periods = [parse_period(p) for p in parts]
    except PeriodError:
        return str(text)
    first = amount(periods[0].amount, _UNIT[periods[0].unit])
    rest = [amount(p.amount, _UNIT[p.unit]) if p.unit != periods[0].unit else format_decimal(p.amount)
            for p in periods[1:]]
    return " + ".join([first, *rest])


def days(value: float | None) -> str:
    """A number of days as a person says it: "8 hours" under a day, "10 days", "2.5 days"."""
    if value is None:
        return "—"
    value = float(value)
    if value < 1:
        return amount(max(1, round(value * 24)), "duration-hour")
    shown = round(value) if abs(value - round(value)) < 0.05 else round(value, 1)
    return amount(shown, "duration-day")


def age(delta: timedelta) -> str:
    """How long ago: days from one day on, else hours (the board's "Age" column)."""
    seconds = max(0, int(delta.total_seconds()))
    if seconds >= 86400:
        return amount(seconds // 86400, "duration-day", "short")
    if seconds >= 3600:
        return amount(seconds // 3600, "duration-hour", "short")
    return amount(seconds // 60, "duration-minute", "short")


def _span(seconds: int) -> str:
    d, rem = divmod(seconds, 86400)
    h, rem = divmod(rem, 3600)
    if d:
        return f"{amount(d, 'duration-day', 'short')} {amount(h, 'duration-hour', 'short')}"
    if h:
        return f"{amount(h, 'duration-hour', 'short')} {amount(rem // 60, 'duration-minute', 'short')}"
    return amount(rem // 60, "duration-minute", "short")


def relative(value: datetime | None) -> str:
    """"in 2 days 4 h" / "3 h overdue", the way a liaison officer scans a board."""
    from lawreq.core.clock import utcnow

    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    seconds = int((value - utcnow()).total_seconds())
    text = _span(abs(seconds))
    return _("%(time)s overdue", time=text) if seconds < 0 else _("in %(time)s", time=text)


def relative_past(value: datetime | None) -> str:
    """"3 h ago" for something that happened."""
    from lawreq.core.clock import utcnow

    if value is None:
        return ""
    if value.tzinfo is None:
        value = value.replace(tzinfo=timezone.utc)
    return _("%(time)s ago", time=_span(abs(int((utcnow() - value).total_seconds()))))


def number(value: Any) -> str:
    if value is None:
        return "—"
    return format_decimal(value)


def decimal1(value: float) -> str:
    return _babel_decimal(value, format="#,##0.0", locale=_locale())


def percent(value: float) -> str:
    return format_percent(value)


def _rules() -> Any:
    return current_app.extensions.get("lawreq.rules")


def provider_name(provider_id: str | None) -> str:
    if not provider_id:
        return "—"
    rules = _rules()
    provider = rules.providers.get(provider_id) if rules else None
    return provider.name if provider else str(provider_id)


def route_title(route_id: str | None) -> str:
    if not route_id:
        return "—"
    rules = _rules()
    for route in (rules.routes if rules else ()):
        if route.id == route_id:
            return route.title
    return str(route_id)


def country_name(code: str | None) -> str:
    """The country in the viewer's language (Babel's territory names), else the rules' name, else the code.

    In English the rules' own name wins: the rules are written in English and name a country as its official
    English short name ("Cabo Verde", "Bosnia and Herzegovina"), where Babel's may differ ("Cape Verde")."""
    if not code:
        return "—"
    text = str(code).upper()
    if text == "EU":
        return _("European Union")
    rules = _rules()
    country = rules.countries.get(text) if rules else None
    locale = _locale()
    if country is not None and locale.language == "en":
        return country.name
    name = locale.territories.get("GB" if text == "UK" else text)
    if name:
        return name
    return country.name if country else text


def language_name(code: str | None) -> str:
    if not code:
        return "—"
    name = _locale().languages.get(str(code).lower())
    return name or str(code)


def aspect_label(aspect: str) -> str:
    """A compare-page aspect id (``retention.traffic_data``) in words: each part translated."""
    words = [term(part) for part in str(aspect).split(".")]
    return ": ".join([upper_first(words[0]), *words[1:]])


def upper_first(text: str) -> str:
    """Capitalise the first letter only ("EPOC-PR" stays as written, unlike str.capitalize)."""
    text = str(text)
    return text[:1].upper() + text[1:]


def fact_scalar(value: Any) -> str:
    """A rule fact's value: ISO durations and language codes as words, anything else as written."""
    if isinstance(value, str):
        if value.startswith("P") and value[1:2].isdigit() or value.startswith("PT"):
            return duration(value)
        return value
    if value is True:
        return _("yes")
    if value is False:
        return _("no")
    return str(value)


def stat_key(key: str, dimension: str) -> str:
    if dimension == "provider":
        return provider_name(key)
    if dimension == "route":
        return route_title(key)
    if dimension == "country":
        return country_name(key)
    return key


def state_label(state: str) -> str:
    found = STATE_LABELS.get(state)
    return str(found) if found is not None else str(state).replace("_", " ").capitalize()


def refusal_reason(code: str) -> str:
    found = REFUSAL_REASONS.get(code)
    return str(found) if found is not None else code


def confidence_help(level: str) -> str:
    found = CONFIDENCE_HELP.get(level)
    return str(found) if found is not None else str(level)


def html_lang() -> str:
    return str(_locale()).replace("_", "-")


FILTERS = {
    "localtime": localtime, "relative": relative, "relative_past": relative_past, "iso_datetime": iso_datetime,
    "identifier_time": identifier_time, "date": date_text, "duration": duration, "days": days, "age": age,
    "number": number, "decimal1": decimal1, "percent": percent, "provider_name": provider_name,
    "route_title": route_title, "country_name": country_name, "language_name": language_name, "term": term,
    "action_label": term, "upper_first": upper_first, "aspect_label": aspect_label, "fact_scalar": fact_scalar, "stat_key": stat_key,
    "state_label": state_label, "refusal_reason": refusal_reason, "confidence_help": confidence_help,
}


def tr(value: Any) -> str:
    """A pure module's message (``N_``/``T``, lawreq.core.text) in the viewer's language."""
    from lawreq.core.text import Msg
    from lawreq.i18n import gettext

    if value is None or value == "":
        return ""
    if isinstance(value, Msg):
        if not value.params:
            return gettext(value.msgid)
        return gettext(value.msgid, **{name: _param(name, v) for name, v in value.params.items()})
    return gettext(str(value))


def _param(name: str, value: Any) -> Any:
    """A message parameter in the viewer's language (see lawreq.core.text.plain for the naming convention)."""
    from lawreq.core.text import Msg

    if isinstance(value, Msg):
        return tr(value)
    if name.endswith("_period") and isinstance(value, str):
        return duration(value)
    if name.endswith("_days") and isinstance(value, (int, float)):
        return days(value)
    if name == "provider" and isinstance(value, str):
        return value
    return value


FILTERS["tr"] = tr


_ISO_PERIOD = re.compile(r"\bP(?:T\d+H|\d+[DWMY])\b")
_ISO_DAY = re.compile(r"\b\d{4}-\d{2}-\d{2}\b")
_CONFIDENCE = re.compile(r"\((verified|secondary|unverified)\)")
_LANGUAGE_ASPECTS = ("official_languages", "request_languages", "eevidence_languages")


def compare_value(value: Any, aspect: str = "") -> str:
    """A compare-page cell (lawreq.rules.diff writes English prose with ids) in plain words of the viewer's
    language: periods and dates formatted, confidence words and yes/no translated, language codes named."""
    text = str(value)
    words = {"yes": _("yes"), "no": _("no"), "none": _("none"), "not encoded": _("not encoded"),
             "not applicable": _("not applicable")}
    if text in words:
        return words[text]
    since = re.fullmatch(r"yes, since (\d{4}-\d{2}-\d{2})(.*)", text)
    if since:
        text = _("yes, since %(date)s", date=date_text(since.group(1))) + since.group(2)
    if aspect in _LANGUAGE_ASPECTS:
        text = re.sub(r"\b[a-z]{2}\b(?=,|\s|$)", lambda m: language_name(m.group(0)), text)
    text = _ISO_PERIOD.sub(lambda m: duration(m.group(0)), text)
    text = _ISO_DAY.sub(lambda m: date_text(m.group(0)), text)
    return _CONFIDENCE.sub(lambda m: f"({term(m.group(1))})", text)


FILTERS["compare_value"] = compare_value
