"""Zero-route check: for every ordered pair of covered countries (A asks, the data sit in B), is there at least
one open formal route on a date, and if not, does every route say why it is closed?

The data side is a stand-in provider established only in B (one headquarters entity, no services, no policies,
no portal), so the check measures what the law offers between the two States, not what one real provider
happens to publish. Same-country pairs are left out: domestic procedures are outside the instruments and are
encoded only for the detailed country files.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from datetime import date, timedelta
from typing import Any

from lawreq.rules import build
from lawreq.rules.engine import PRESERVATION_KINDS, evaluate
from lawreq.rules.facts import Facts
from lawreq.rules.ruleset import RuleSet

#: the facts every pair is checked with: identifying data for a listed child sexual abuse offence, the request
#: most investigators in this project make; an open route for them is the minimum the rules must offer
BASE_FACTS: dict[str, Any] = {"data_categories": ["subscriber_data"], "offence": "child_sexual_abuse_material",
                              "max_penalty_years": 10}


@dataclass(frozen=True)
class PairResult:
    """One ordered pair on one date: the open routes that deliver data, and every closed route's reason."""

    issuing: str
    requested: str
    day: date
    open_routes: tuple[str, ...]
    #: route id -> (closed_kind, reason) for the closed routes
    closed: dict[str, tuple[str | None, str]] = field(default_factory=dict)

    @property
    def explained(self) -> bool:
        """No open route, but every closed route states a closure kind and a reason."""
        return all(kind and reason for kind, reason in self.closed.values())


def _stand_in(rules: RuleSet, code: str, day: date) -> Any:
    country = rules.countries[code]
    node = {
        "id": f"coverage-{code.lower()}", "name": f"A provider established only in {country.name}",
        "kind": "online_service", "hq_country": code, "last_reviewed": day,
        "entities": [{"name": f"Provider Ltd ({country.name})", "country": code, "role": "headquarters",
                      "confidence": "unverified"}],
        "confidence": "unverified",
    }
    return build.provider(node)


def next_change(rules: RuleSet, after: date) -> tuple[date, str] | None:
    """The first date after ``after`` on which a membership or an instrument's entry into force changes."""
    found: list[tuple[date, str]] = []
    for country in rules.countries.values():
        for key, intervals in country.memberships.items():
            for interval in intervals:
                for when, what in ((interval.start, "from"), (interval.end, "to")):
                    if when is not None and when > after:
                        found.append((when, f"{country.code} {key} {what} {when.isoformat()}"))
    for rule in rules.routes:
        eif = rule.entry_into_force
        if eif is not None and eif.value is not None and eif.value > after:
            found.append((eif.value, f"{eif.instrument} enters into force {eif.value.isoformat()}"))
        until = eif.open_for_signature_until if eif is not None else None
        if until is not None and until >= after:
            closes = until + timedelta(days=1)
            found.append((closes, f"{eif.instrument} closes for signature after {until.isoformat()} "
                                  f"(accession only from {closes.isoformat()})"))
    return min(found) if found else None


def check_pairs(rules: RuleSet, day: date, countries: list[str] | None = None) -> list[PairResult]:
    """Every ordered pair of distinct countries on ``day`` (``countries`` restricts both sides)."""
    codes = sorted(countries or rules.countries)
    stand_ins = {code: _stand_in(rules, code, day) for code in codes}
    extended = replace(rules, providers={**rules.providers, **{p.id: p for p in stand_ins.values()}})
    results: list[PairResult] = []
    for issuing in codes:
        for requested in codes:
            if issuing == requested:
                continue
            facts = Facts.from_mapping({**BASE_FACTS, "issuing_country": issuing,
                                        "provider": stand_ins[requested].id, "date": day})
            routes = evaluate(facts, extended)
            delivering = tuple(r.id for r in routes if r.available and r.kind not in PRESERVATION_KINDS)
            closed = {r.id: (r.closed_kind, r.closed_reason or "") for r in routes if not r.available}
            results.append(PairResult(issuing, requested, day, delivering, closed))
    return results


def gaps(results: list[PairResult]) -> list[PairResult]:
    """The pairs with no open route that delivers data."""
    return [r for r in results if not r.open_routes]


def unexplained(results: list[PairResult]) -> list[PairResult]:
    """The pairs with no open route and a closed route without a stated reason (what the check must never find)."""
    return [r for r in gaps(results) if not r.explained]
