"""Which open route gets the data soonest and most surely, and why — pure (no Flask, no SQL).

The engine evaluates routes from the law; this module orders the open production routes by the expected time to
data: the measured median of the unit (when it has at least ``MIN_SAMPLES`` answered requests for that provider and
route), else the whole instance's, else the rule's own expectation, stretched by the measured refusal rate (a
refused request has to be sent again, so 1 / (1 − refusal rate) attempts are expected). A route whose facts are
unverified, or whose addressee is not a confirmed entity, counts as less sure. Preservation routes are not ranked
against production: each production route carries the open preservation routes that protect the data until it is
answered ("preserve first, then …").

The reason is a :class:`lawreq.core.text.Msg`: English for the CLI and the API, translated by the web layer.
Parameters ending in ``_period`` are ISO 8601 periods and ``_days`` numbers of days, so each reader formats them
in its own language.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

from lawreq.core.text import Msg, T
from lawreq.rules.route import Route

#: Fewer answered requests than this say nothing about a provider and route.
MIN_SAMPLES = 5
PRESERVATION_KINDS = frozenset({"preservation_order", "preservation_request"})
#: Factor on the expected days of a route that rests on unverified facts: slower is less bad than refused.
UNVERIFIED_PENALTY = 1.25


@dataclass(frozen=True)
class RouteFigures:
    """What happened to requests on one route to one provider: sent, answered with data, refused by it."""

    sent: int = 0
    answered: int = 0
    refused: int = 0
    median_days: float | None = None

    @property
    def refusal_rate(self) -> float:
        decided = self.answered + self.refused
        return self.refused / decided if decided else 0.0


@dataclass(frozen=True)
class Stats:
    """Figures per route id, for the requesting unit and for the whole instance (the Flask layer reads them)."""

    unit: Mapping[str, RouteFigures] = field(default_factory=dict)
    instance: Mapping[str, RouteFigures] = field(default_factory=dict)


NO_STATS = Stats()


@dataclass(frozen=True)
class Recommendation:
    route: Route
    expected_days: float
    basis: str  # "unit", "instance" or "rules"
    reason: Msg
    preserve_first: tuple[Route, ...] = ()

    def to_dict(self) -> dict[str, object]:
        return {"route": self.route.id, "expected_days": round(self.expected_days, 1), "basis": self.basis,
                "reason": str(self.reason), "preserve_first": [r.id for r in self.preserve_first]}


def _legal_period(route: Route) -> str | None:
    for rule in route.deadline_rules:
        if rule.kind == "response" and rule.applies != "emergency":
            return rule.period
    return None


def _figures(route: Route, stats: Stats) -> tuple[str, RouteFigures | None]:
    mine = stats.unit.get(route.id)
    if mine is not None and mine.answered >= MIN_SAMPLES and mine.median_days is not None:
        return "unit", mine
    everyone = stats.instance.get(route.id)
    if everyone is not None and everyone.answered >= MIN_SAMPLES and everyone.median_days is not None:
        return "instance", everyone
    return "rules", None


def _expected(route: Route, basis: str, figures: RouteFigures | None) -> float:
    days = figures.median_days if figures is not None and figures.median_days is not None else route.expected_days
    if figures is not None and figures.refusal_rate < 1:
        days = days / (1 - figures.refusal_rate)
    elif figures is not None:
        days = float("inf")
    if route.confidence == "unverified":
        days *= UNVERIFIED_PENALTY
    return days


def _short_name(route: Route) -> str:
    return {"epoc": "EPOC", "epoc_pr": "EPOC-PR", "eio_annex_a": "EIO"}.get(route.form, route.title)


def _reason(route: Route, basis: str, figures: RouteFigures | None, provider_name: str) -> Msg:
    name = _short_name(route)
    period = _legal_period(route)
    if figures is not None:
        whose = T("from this unit") if basis == "unit" else T("from all units of this instance")
        if period:
            return T("%(route)s: legal deadline %(legal_period)s; %(provider)s answered %(answered)s of %(sent)s "
                     "%(route)s requests %(whose)s in a median of %(median_days)s.", route=name,
                     legal_period=period, provider=provider_name, answered=figures.answered,
                     sent=figures.sent, whose=whose, median_days=figures.median_days)
        return T("%(route)s: no legal deadline; %(provider)s answered %(answered)s of %(sent)s %(route)s requests "
                 "%(whose)s in a median of %(median_days)s.", route=name, provider=provider_name,
                 answered=figures.answered, sent=figures.sent, whose=whose, median_days=figures.median_days)
    if period:
        return T("%(route)s: legal deadline %(legal_period)s; too few answered requests to measure %(provider)s "
                 "yet.", route=name, legal_period=period, provider=provider_name)
    return T("%(route)s: no legal deadline; the rules expect about %(expected_days)s.", route=name,
             expected_days=route.expected_days)


def _protectors(route: Route, preservations: Sequence[Route]) -> tuple[Route, ...]:
    """Preservation routes for the same instrument first (EPOC-PR before an EPOC), then any other open one."""
    same = [p for p in preservations if p.instrument == route.instrument]
    return tuple(same or preservations)


def recommend(routes: Sequence[Route], stats: Stats = NO_STATS, provider_name: str = "") -> list[Recommendation]:
    """The open production routes, best first, each with its reason and the preservation routes beside it.

    Ties keep the engine's order (its own fastest-first), so the ranking is stable and explainable.
    """
    open_routes = [r for r in routes if r.available]
    preservations = [r for r in open_routes if r.kind in PRESERVATION_KINDS]
    production = [r for r in open_routes if r.kind not in PRESERVATION_KINDS] or preservations
    ranked = []
    for position, route in enumerate(production):
        basis, figures = _figures(route, stats)
        ranked.append((_expected(route, basis, figures), position, Recommendation(
            route, _expected(route, basis, figures), basis, _reason(route, basis, figures, provider_name),
            () if route.kind in PRESERVATION_KINDS else _protectors(route, preservations))))
    ranked.sort(key=lambda item: (item[0], item[1]))
    return [item[2] for item in ranked]


def ordered_routes(routes: Sequence[Route], recommendations: Sequence[Recommendation]) -> list[Route]:
    """Every route in display order: each production route followed by its preservation routes, then closed."""
    shown: list[Route] = []
    for rec in recommendations:
        shown.append(rec.route)
    shown += [r for r in routes if r.available and r not in shown]
    shown += [r for r in routes if not r.available]
    return shown
