"""The statistics as computed before the rewrite into SQL aggregates (commit 4bb5973), kept verbatim as the oracle.

One row per sent request, grouped and counted in Python: slow at 100 000 requests, but plain to read, and the
definition the aggregated version (``queries.statistics_cells`` + ``statistics.summarise``) must agree with to the
last bit (``test_statistics_equivalence.py``).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from datetime import datetime
from typing import Any, NamedTuple

from sqlalchemy import DateTime, case, cast, func, select
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.board.statistics import DIMENSIONS, FULFILLED, GroupStats, percentile
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests

ANSWERED = FULFILLED | {"refused", "lapsed"}


class Outcome(NamedTuple):
    """What one sent request tells about its addressee; durations in days since it was sent."""

    provider: str | None
    route: str | None
    country: str | None
    state: str
    ack_days: float | None = None
    data_days: float | None = None
    refused_by: str | None = None
    reason: str | None = None

    @property
    def counts_as_answered(self) -> bool:
        if self.state == "refused":
            return self.refused_by != "approver"
        return self.state in ANSWERED


def _group(key: str, items: list[Outcome]) -> GroupStats:
    # A negative duration is a data-entry error (receipt recorded before sending): left out, not averaged in.
    ack = [o.ack_days for o in items if o.ack_days is not None and o.ack_days >= 0]
    data = [o.data_days for o in items if o.state in FULFILLED and o.data_days is not None and o.data_days >= 0]
    answered = [o for o in items if o.counts_as_answered]
    refused = [o for o in answered if o.state == "refused"]
    return GroupStats(
        key=key, sent=len(items), answered=len(answered),
        fulfilled=sum(1 for o in answered if o.state in FULFILLED), refused=len(refused),
        median_ack_days=percentile(ack, 50), p90_ack_days=percentile(ack, 90),
        median_data_days=percentile(data, 50), p90_data_days=percentile(data, 90),
        refusals_by_reason=dict(Counter(o.reason or "other" for o in refused).most_common()),
    )


def summarise(outcomes: Iterable[Outcome], dimension: str) -> list[GroupStats]:
    """One :class:`GroupStats` per value of ``dimension``, busiest first (ties by name)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; use one of {', '.join(DIMENSIONS)}")
    index = Outcome._fields.index(dimension)
    groups: dict[str, list[Outcome]] = defaultdict(list)
    for outcome in outcomes:
        groups[outcome[index] or "(none)"].append(outcome)
    stats = [_group(key, items) for key, items in groups.items()]
    return sorted(stats, key=lambda s: (-s.sent, s.key))


def _days_between(start: Any, end: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 86400
    return func.julianday(end) - func.julianday(start)


def outcomes(db: Session, user: User, since: datetime) -> list[Outcome]:
    """What the unit's requests sent since ``since`` tell about their addressees (durations computed in SQL)."""
    dialect = db.get_bind().dialect.name
    partial_at: Any = LegalRequest.outcome["at"].as_string()
    if dialect == "postgresql":
        partial_at = cast(partial_at, DateTime(timezone=True))
    sent = LegalRequest.sent_at
    data_days = case(
        (LegalRequest.state == "fulfilled", _days_between(sent, LegalRequest.closed_at, dialect)),
        (LegalRequest.state == "partially_fulfilled", _days_between(sent, partial_at, dialect)))
    refused = LegalRequest.state == "refused"
    stmt = (select(LegalRequest.provider_id, LegalRequest.route_id, LegalRequest.addressee_country,
                   LegalRequest.state, _days_between(sent, LegalRequest.acknowledged_at, dialect), data_days,
                   case((refused, LegalRequest.outcome["refused_by"].as_string())),
                   case((refused, LegalRequest.outcome["reason"].as_string())))
            .where(visible_requests(user), sent.is_not(None), sent >= since))
    return [Outcome(p, r, c, st, None if ack is None else float(ack), None if data is None else float(data), by,
                    reason)
            for p, r, c, st, ack, data, by, reason in db.execute(stmt)]


def statistics(db: Session, user: User, since: datetime) -> dict[str, list[GroupStats]]:
    rows = outcomes(db, user, since)
    return {dimension: summarise(rows, dimension) for dimension in DIMENSIONS}
