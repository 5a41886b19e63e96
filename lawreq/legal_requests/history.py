"""The unit's own measured response times, fed back into route ranking (DESIGN.md §1 job 6): a rule deadline says
what the law promises, the median of the unit's past requests says what actually happens.

Response time = sent → data received (``closed_at`` of a fulfilled request; the outcome's time for a partial answer).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from dataclasses import dataclass
from datetime import datetime, timezone
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.legal_requests.models import ANSWERED_STATES, DECIDED_STATES, LegalRequest

#: Fewer answered requests than this say nothing about a route.
MIN_SAMPLES = 3
#: the states ix_legal_requests_unit_provider_answered covers
_ANSWERED = ANSWERED_STATES


@dataclass(frozen=True)
class Measured:
    route_id: str
    median_days: float
    samples: int


def measured_medians(db: Session, *, unit_id: int, provider_id: str, route_ids: Iterable[str],
                     recent: int = 500) -> dict[str, Measured]:
    """``{route id: Measured}`` for the routes with at least ``MIN_SAMPLES`` answered requests of the unit."""
    ids = list(route_ids)
    if not ids:
        return {}
    rows = db.execute(
        select(LegalRequest.route_id, LegalRequest.sent_at, LegalRequest.closed_at, _OUTCOME_AT)
        .where(LegalRequest.unit_id == unit_id, LegalRequest.provider_id == provider_id,
               LegalRequest.route_id.in_(ids), LegalRequest.state.in_(_ANSWERED),
               LegalRequest.sent_at.is_not(None))
        .order_by(LegalRequest.sent_at.desc()).limit(recent))
    days: dict[str, list[float]] = {}
    for route_id, sent_at, closed_at, outcome_at in rows:
        answered = closed_at or _outcome_time(outcome_at)
        if answered is not None and answered >= sent_at:
            days.setdefault(route_id, []).append((answered - sent_at).total_seconds() / 86400)
    return {rid: Measured(rid, round(median(values), 1), len(values))
            for rid, values in days.items() if len(values) >= MIN_SAMPLES}


#: The two things the figures need of a request's outcome, read by the database: decoding the whole outcome of
#: each of 2 000 rows in Python cost a wizard step about 16 ms at national scale.
_OUTCOME_AT = LegalRequest.outcome["at"].as_string()
_REFUSED_BY = LegalRequest.outcome["refused_by"].as_string()


def _outcome_time(at: str | None) -> datetime | None:
    """The time of a recorded (partial) answer, ``outcome.at``; None when absent or not a time."""
    try:
        moment = datetime.fromisoformat(at or "")
    except (TypeError, ValueError):
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def rank(routes: list, measured: dict[str, Measured]) -> list:
    """Open routes first, fastest first (measured median where known, else the rule's expected days)."""
    def key(route) -> tuple[bool, float]:
        found = measured.get(route.id)
        return (not route.available, found.median_days if found else route.expected_days)

    return sorted(routes, key=key)


#: the states ix_legal_requests_provider_decided covers: the queries below must filter on exactly these or a subset
_DECIDED = DECIDED_STATES


def route_figures(db: Session, *, unit_id: int, provider_id: str, route_ids: Iterable[str],
                  recent: int = 2000) -> Any:
    """The figures the route recommendation weighs (lawreq.rules.recommend): per route, for the unit and for the
    whole instance — requests sent and decided, answered with data (and in what median time), refused by the
    addressee. An approver's refusal is the issuer's own and does not count against the route."""
    from lawreq.rules.recommend import RouteFigures, Stats

    ids = list(route_ids)
    if not ids or not provider_id:
        return Stats()
    rows = db.execute(
        select(LegalRequest.unit_id, LegalRequest.route_id, LegalRequest.state, LegalRequest.sent_at,
               LegalRequest.closed_at, _OUTCOME_AT, _REFUSED_BY)
        .where(LegalRequest.provider_id == provider_id, LegalRequest.route_id.in_(ids),
               LegalRequest.state.in_(_DECIDED), LegalRequest.sent_at.is_not(None))
        .order_by(LegalRequest.sent_at.desc()).limit(recent))
    tallies: dict[tuple[str, str], dict[str, Any]] = {}
    for row_unit, route_id, state, sent_at, closed_at, outcome_at, refused_by in rows:
        if state == "refused" and refused_by == "approver":
            continue
        for scope in (("unit",) if row_unit == unit_id else ()) + ("instance",):
            tally = tallies.setdefault((scope, route_id), {"sent": 0, "refused": 0, "days": []})
            tally["sent"] += 1
            if state == "refused":
                tally["refused"] += 1
            elif state in _ANSWERED:
                answered = closed_at or _outcome_time(outcome_at)
                if answered is not None and answered >= sent_at:
                    tally["days"].append((answered - sent_at).total_seconds() / 86400)
    figures: dict[str, dict[str, RouteFigures]] = {"unit": {}, "instance": {}}
    for (scope, route_id), tally in tallies.items():
        figures[scope][route_id] = RouteFigures(
            sent=tally["sent"], answered=len(tally["days"]), refused=tally["refused"],
            median_days=round(median(tally["days"]), 1) if tally["days"] else None)
    return Stats(unit=figures["unit"], instance=figures["instance"])
