"""The unit's own measured response times, fed back into route ranking (DESIGN.md §1 job 6): a rule deadline says
what the law promises, the median of the unit's past requests says what actually happens.

Response time = sent → data received (``closed_at`` of a fulfilled request; the outcome's time for a partial answer).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timezone
from statistics import median

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.legal_requests.models import LegalRequest

#: Fewer answered requests than this say nothing about a route.
MIN_SAMPLES = 3
_ANSWERED = ("fulfilled", "partially_fulfilled")


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
        select(LegalRequest.route_id, LegalRequest.sent_at, LegalRequest.closed_at, LegalRequest.outcome)
        .where(LegalRequest.unit_id == unit_id, LegalRequest.provider_id == provider_id,
               LegalRequest.route_id.in_(ids), LegalRequest.state.in_(_ANSWERED),
               LegalRequest.sent_at.is_not(None))
        .order_by(LegalRequest.sent_at.desc()).limit(recent))
    days: dict[str, list[float]] = {}
    for route_id, sent_at, closed_at, outcome in rows:
        answered = closed_at or _outcome_time(outcome)
        if answered is not None and answered >= sent_at:
            days.setdefault(route_id, []).append((answered - sent_at).total_seconds() / 86400)
    return {rid: Measured(rid, round(median(values), 1), len(values))
            for rid, values in days.items() if len(values) >= MIN_SAMPLES}


def _outcome_time(outcome: dict | None) -> datetime | None:
    try:
        moment = datetime.fromisoformat((outcome or {}).get("at") or "")
    except ValueError:
        return None
    return moment.astimezone(timezone.utc) if moment.tzinfo else moment.replace(tzinfo=timezone.utc)


def rank(routes: list, measured: dict[str, Measured]) -> list:
    """Open routes first, fastest first (measured median where known, else the rule's expected days)."""
    def key(route) -> tuple[bool, float]:
        found = measured.get(route.id)
        return (not route.available, found.median_days if found else route.expected_days)

    return sorted(routes, key=key)
