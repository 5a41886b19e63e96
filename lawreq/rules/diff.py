"""Two countries side by side, aspect by aspect (``lawreq rules diff FI DE``).

"not encoded" (the data do not say) is kept apart from "not applicable" (the aspect cannot apply,
e.g. EPOC languages for a State outside the EU) and from "none" (the data say there is none).
"""

from __future__ import annotations

from datetime import date
from typing import Any

from lawreq.rules.conditions import MEMBERSHIPS
from lawreq.rules.model import Country, Fact
from lawreq.rules.schema import DATA_CATEGORIES

NOT_ENCODED = "not encoded"
NOT_APPLICABLE = "not applicable"


def _fact(fact: Fact | None) -> str:
    if fact is None:
        return NOT_ENCODED
    value = fact.value
    shown = ", ".join(map(str, value)) if isinstance(value, (list, tuple)) else str(value)
    return f"{shown} ({fact.confidence})"


def _membership(country: Country, name: str, day: date) -> str:
    intervals = country.memberships.get(name)
    if intervals is None:
        return NOT_ENCODED
    if not intervals:
        return "no"
    current = next((i for i in intervals if i.covers(day)), None)
    if current is not None:
        return f"yes, since {current.start} ({current.confidence})"
    future = next((i for i in intervals if i.start > day), None)
    return f"not yet: from {future.start}" if future else f"no longer (until {intervals[-1].end})"


def _procedures(country: Country, category: str) -> str:
    found = [p for p in country.domestic_procedures if category in p.data_categories]
    if not found:
        return NOT_ENCODED if country.detail_level == "generic" or not country.domestic_procedures else "none"
    return "; ".join(
        f"{p.id}: {', '.join(p.issuing_authorities)}{', court' if p.court_required else ', no court'} ({p.confidence})"
        for p in found
    )


def _eevidence_languages(country: Country, day: date) -> str:
    if not country.member("eu", day):
        return NOT_APPLICABLE
    return _fact(country.eevidence_languages)


def _retention(country: Country, category: str) -> str:
    if category in country.retention:
        return _fact(country.retention[category])
    return NOT_ENCODED


def _contact(country: Country, key: str) -> str:
    return _fact(country.contacts.get(key))


def aspects(country: Country, day: date) -> list[tuple[str, str]]:
    """Every compared aspect of one country, in a fixed order."""
    rows: list[tuple[str, str]] = [
        ("name", country.name), ("detail_level", country.detail_level), ("timezone", country.timezone),
        ("holidays", country.holidays), ("official_languages", ", ".join(country.official_languages)),
        ("request_languages", _fact(country.request_languages)),
        ("eevidence_languages", _eevidence_languages(country, day)),
    ]
    rows += [(f"membership.{m}", _membership(country, m, day)) for m in MEMBERSHIPS]
    rows += [("contact.network_24_7", _contact(country, "network_24_7")),
             ("contact.central_authority", _contact(country, "central_authority"))]
    rows += [(f"domestic.{c}", _procedures(country, c)) for c in DATA_CATEGORIES]
    rows += [(f"retention.{c}", _retention(country, c)) for c in DATA_CATEGORIES]
    return rows


def diff_countries(a: Country, b: Country, day: date) -> dict[str, Any]:
    """Both countries' aspects side by side, flagging the rows that differ."""
    rows_a, rows_b = aspects(a, day), aspects(b, day)
    return {
        "a": a.code, "b": b.code, "date": day.isoformat(),
        "rows": [{"aspect": name, "a": va, "b": vb, "same": va == vb}
                 for (name, va), (_, vb) in zip(rows_a, rows_b)],
    }
