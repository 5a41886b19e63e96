"""The statistics' SQL: the database counts, ranks and interpolates; Python only names the figures.

Three statements, each grouped by provider, by route and by country at once (``GROUPING SETS`` on PostgreSQL, a
``UNION ALL`` of the three groupings on SQLite), so what crosses the wire is one row per group and figure, never
one per request:

- *totals*: requests sent, fulfilled (or partially), lapsed — only columns ``ix_legal_requests_unit_sent`` carries,
  so PostgreSQL answers from the index alone;
- *quantiles*: median and p90 of the days to acknowledgement and to data. PostgreSQL's
  ``percentile_cont(ARRAY[0.5, 0.9])`` sorts each group once; SQLite has no ordered-set aggregate, so a window
  query numbers each group's durations and picks the two values either side of each rank, and
  :func:`lawreq.board.statistics.interpolate` does the one multiply-add between them. Both use the rank
  ``p × (n − 1)`` and ``low + (high − low) × fraction``, which is exactly PostgreSQL's arithmetic, so the two backends
  and the pure :func:`~lawreq.board.statistics.percentile` agree to the last bit;
- *refusals*: refused requests per (who refused, reason), read from the JSON outcome of refused requests only.

Durations of the partially fulfilled requests come from the JSON outcome too, in their own branch of the union, so
the branch over fulfilled requests and acknowledgements stays index-only.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import datetime
from typing import Any

from sqlalchemy import (DateTime, Float, Integer, Select, case, cast, func, literal, literal_column, select, tuple_,
                        union_all)
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.board.statistics import (DIMENSIONS, FULFILLED, NONE, QUANTILES, GroupStats, interpolate,
                                     order_statistic_ranks)
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests

COLUMNS = {"provider": LegalRequest.provider_id, "route": LegalRequest.route_id,
           "country": LegalRequest.addressee_country}


def _key(dimension: str) -> Any:
    """The group's name: no value and an empty one are the one group "(none)"."""
    # Literals, not bound parameters: PostgreSQL matches GROUPING(...) to a grouping expression by its text.
    return func.coalesce(func.nullif(COLUMNS[dimension], literal_column("''")), literal_column(f"'{NONE}'"))


def _days_between(start: Any, end: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return cast(func.extract("epoch", end - start) / 86400, Float)
    return func.julianday(end) - func.julianday(start)


def _not_before(start: Any, end: Any, dialect: str) -> Any:
    """``days >= 0`` as cheaply as the backend allows: PostgreSQL's day counts are exact decimals of whole
    microseconds, so comparing the timestamps is the same test; SQLite's ``julianday`` difference has rounding of
    its own, so there the difference itself is tested. A negative duration is a data-entry error (receipt recorded
    before sending): left out, not averaged in."""
    if dialect == "postgresql":
        return end >= start
    return _days_between(start, end, dialect) >= 0


def _scope(user: User, since: datetime) -> tuple[Any, ...]:
    sent = LegalRequest.sent_at
    return visible_requests(user), sent.is_not(None), sent >= since


def _partial_at(dialect: str) -> Any:
    at: Any = LegalRequest.outcome["at"].as_string()
    return cast(at, DateTime(timezone=True)) if dialect == "postgresql" else at


def _durations(user: User, since: datetime, dialect: str, keys: list[Any]) -> Select:
    """One row per non-negative duration: the grouping keys, ``metric`` (ack | data) and ``days``."""
    sent, state = LegalRequest.sent_at, LegalRequest.state

    def branch(metric: str, end: Any, *where: Any) -> Select:
        return (select(*keys, literal(metric).label("metric"), _days_between(sent, end, dialect).label("days"))
                .where(*_scope(user, since), *where, end.is_not(None), _not_before(sent, end, dialect)))

    partial = _partial_at(dialect)
    return union_all(branch("ack", LegalRequest.acknowledged_at),
                     branch("data", LegalRequest.closed_at, state == "fulfilled"),
                     branch("data", partial, state == "partially_fulfilled"))


def _grouped(dialect: str, build: Any) -> Any:
    """``build(keys, group_by)`` once per dimension, as grouping sets (PostgreSQL) or a union (SQLite); each row
    starts with the dimension's name and the group's key."""
    if dialect == "postgresql":
        keys = [_key(d).label(f"k_{d}") for d in DIMENSIONS]
        dimension = case(*((func.grouping(_key(d)) == 0, d) for d in list(DIMENSIONS)[:-1]),
                         else_=list(DIMENSIONS)[-1])
        return build(keys, lambda *extra: [func.grouping_sets(*(tuple_(_key(d), *extra) for d in DIMENSIONS))],
                     dimension, func.coalesce(*(_key(d) for d in DIMENSIONS)))
    return union_all(*(build([_key(d).label("k")], lambda *extra, d=d: [_key(d), *extra], literal(d),
                             _key(d)) for d in DIMENSIONS))


def totals_select(user: User, since: datetime, dialect: str) -> Any:
    state = LegalRequest.state

    def build(keys: list[Any], group_by: Any, dimension: Any, key: Any) -> Select:
        return (select(dimension.label("dimension"), key.label("key"), func.count(),
                       func.count().filter(state.in_(sorted(FULFILLED))), func.count().filter(state == "lapsed"))
                .where(*_scope(user, since)).group_by(*group_by()))

    return _grouped(dialect, build)


def refusals_select(user: User, since: datetime, dialect: str) -> Any:
    refused_by = LegalRequest.outcome["refused_by"].as_string()
    reason = LegalRequest.outcome["reason"].as_string()

    def build(keys: list[Any], group_by: Any, dimension: Any, key: Any) -> Select:
        return (select(dimension.label("dimension"), key.label("key"), refused_by, reason, func.count())
                .where(*_scope(user, since), LegalRequest.state == "refused")
                .group_by(*group_by(refused_by, reason)))

    return _grouped(dialect, build)


def quantiles_select(user: User, since: datetime, dialect: str) -> Any:
    """PostgreSQL: (dimension, key, metric, n, [median, p90]). SQLite: (dimension, key, metric, n, then for each
    quantile the value at its rank and the one after it)."""
    if dialect == "postgresql":
        durations = _durations(user, since, dialect, [_key(d).label(f"k_{d}") for d in DIMENSIONS]).subquery()
        keys = [durations.c[f"k_{d}"] for d in DIMENSIONS]
        dimension = case(*((func.grouping(k) == 0, d) for k, d in zip(keys[:-1], DIMENSIONS, strict=False)),
                         else_=list(DIMENSIONS)[-1])
        shares = literal_column("ARRAY[" + ", ".join(str(p / 100) for p in QUANTILES) + "]::float8[]")
        return (select(dimension, func.coalesce(*keys), durations.c.metric, func.count(),
                       func.percentile_cont(shares).within_group(durations.c.days))
                .group_by(func.grouping_sets(*(tuple_(k, durations.c.metric) for k in keys))))
    ranked_parts = []
    for d in DIMENSIONS:
        rows = _durations(user, since, dialect, [_key(d).label("k")]).subquery()
        window = {"partition_by": [rows.c.k, rows.c.metric]}
        ranked_parts.append(select(literal(d).label("dimension"), rows.c.k, rows.c.metric, rows.c.days,
                                   (func.row_number().over(order_by=rows.c.days, **window) - 1).label("i"),
                                   func.count().over(**window).label("n")))
    ranked = union_all(*ranked_parts).subquery()
    picks = []
    for p in QUANTILES:
        low = cast(p / 100 * (ranked.c.n - 1), Integer)  # the floor, the number being non-negative
        picks += [func.max(case((ranked.c.i == low, ranked.c.days))),
                  func.max(case((ranked.c.i == low + 1, ranked.c.days)))]
    return (select(ranked.c.dimension, ranked.c.k, ranked.c.metric, func.max(ranked.c.n), *picks)
            .group_by(ranked.c.dimension, ranked.c.k, ranked.c.metric))


def statistics(db: Session, user: User, since: datetime) -> dict[str, list[GroupStats]]:
    """The figures of the requests the user may see, sent since ``since``, per provider, route and country; each
    list busiest first (ties by name)."""
    dialect = db.get_bind().dialect.name
    sent: dict[tuple[str, str], tuple[int, int, int]] = {}
    for dimension, key, n, fulfilled, lapsed in db.execute(totals_select(user, since, dialect)):
        sent[(dimension, key)] = (n, fulfilled, lapsed)
    reasons: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    for dimension, key, refused_by, reason, n in db.execute(refusals_select(user, since, dialect)):
        if refused_by != "approver":  # our own approver's refusal says nothing about the provider
            reasons[(dimension, key)][reason or "other"] += n
    figures: dict[tuple[str, str, str], tuple[float | None, ...]] = {}
    for row in db.execute(quantiles_select(user, since, dialect)):
        dimension, key, metric, n = row[:4]
        if dialect == "postgresql":
            figures[(dimension, key, metric)] = tuple(row[4])
        else:
            picked = row[4:]
            figures[(dimension, key, metric)] = tuple(
                interpolate(picked[2 * i], picked[2 * i + 1], order_statistic_ranks(n, p)[1])
                for i, p in enumerate(QUANTILES))
    result: dict[str, list[GroupStats]] = {d: [] for d in DIMENSIONS}
    none = (None,) * len(QUANTILES)
    for (dimension, key), (n, fulfilled, lapsed) in sent.items():
        refusals = reasons.get((dimension, key), Counter())
        refused = sum(refusals.values())
        ack, data = figures.get((dimension, key, "ack"), none), figures.get((dimension, key, "data"), none)
        result[dimension].append(GroupStats(
            key=key, sent=n, answered=fulfilled + lapsed + refused, fulfilled=fulfilled, refused=refused,
            median_ack_days=ack[0], p90_ack_days=ack[1], median_data_days=data[0], p90_data_days=data[1],
            refusals_by_reason=dict(sorted(refusals.items(), key=lambda item: (-item[1], str(item[0]))))))
    return {d: sorted(stats, key=lambda s: (-s.sent, s.key)) for d, stats in result.items()}

