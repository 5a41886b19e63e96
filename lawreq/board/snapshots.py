"""The statistics page reads figures the scheduler computed, so that a view costs a worker one row, not a scan.

Why not a per-month summary table: the page's medians and 90th percentiles are taken over every duration of a
provider, route or country across the viewer's units, over a rolling period. Counts add up across months; exact
percentiles do not, and a mergeable per-(unit, provider, route, country, month) histogram fine enough for the
0.1 day the page shows has about as many rows as there are requests when requests are spread over many providers
and units. Measured at 1 000 000 requests in ``benchmarks/web.py`` (10 units x 71 providers x 7 routes x 24
months): 859 670 sent requests fall into 121 371 cell-months, and their 859 327 durations into 828 589 histogram
rows; merging those rows for the provider dimension alone took 290-330 ms, against a 150 ms target for the whole
page. What is small is the answer: one row per (scope, period), a few hundred groups (page p95 9 ms, same run).

So the figures are computed exactly as before (``queries.statistics_cells`` + ``statistics.summarise``) for
each scope that may view them (every unit for the admins; each liaison officer's set of units) and each period,
by the scheduler (``refresh``, every ``STATISTICS_REFRESH_SECONDS``) or ``lawreq stats rebuild``, and stored with
the time they were computed. The page shows a snapshot younger than ``STATISTICS_MAX_AGE_SECONDS`` and says as of
when. Without one (a new officer before the next tick, a scheduler that is behind or not running) it computes the
figures in the request and stores them for the next viewer, but only where that is cheap: when the costliest
snapshot of the period on record took at most ``STATISTICS_LIVE_BUDGET_MS`` (a unit's own instance, the demo, a
first view with nothing recorded yet). Where it is not (a national instance, where a live five-year view scans a
million requests for over a second), the page never holds a worker for it: it shows the last snapshot, however
old, saying so, or, with none yet, that the scheduler is preparing the figures (it computes every active viewer's
scope at its next tick). A period is counted back from the snapshot's time: "the last 12 months" means the 12
months before ``computed_at``.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterable
from itertools import chain
from dataclasses import asdict, dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, func, select
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.board import queries
from lawreq.board.models import StatisticsSnapshot
from lawreq.board.statistics import DIMENSIONS, GroupStats, summarise

log = logging.getLogger(__name__)

#: Periods the page offers, in days.
PERIOD_DAYS = (90, 365, 1825)
#: Roles that see the statistics page.
STATS_ROLES = ("liaison_officer", "admin")


@dataclass(frozen=True)
class Scope:
    """Whose requests a set of figures covers: what ``permissions.visible_requests`` reads of a user (role and
    units), so the scheduler can compute an officer's figures without the officer."""

    role: str
    unit_ids: tuple[int, ...] = ()

    @property
    def key(self) -> str:
        return "all" if self.role == "admin" else "units:" + ",".join(map(str, self.unit_ids))


def scope_of(user: User) -> Scope:
    if user.role == "admin":
        return Scope("admin")
    return Scope(user.role, tuple(sorted(user.unit_ids)))


@dataclass(frozen=True)
class Figures:
    stats: dict[str, list[GroupStats]]
    computed_at: datetime
    #: True when computed in this request (no usable snapshot).
    live: bool
    #: True when the snapshot is older than the page's maximum age but computing it now would cost too much.
    stale: bool = False
    #: True when there is no snapshot yet and computing it now would cost too much: ``stats`` is empty.
    pending: bool = False


def compute(db: Session, scope: Scope, days: int, now: datetime) -> dict[str, list[GroupStats]]:
    """The exact figures, from the requests themselves."""
    cells = queries.statistics_cells(db, scope, now - timedelta(days=days))  # type: ignore[arg-type]
    return {dimension: summarise(cells, dimension) for dimension in DIMENSIONS}


def to_json(stats: dict[str, list[GroupStats]]) -> dict:
    """JSON that reads back as equal GroupStats: the refusals as pairs, since JSONB does not keep key order
    (floats survive exactly: JSON numbers are written as the shortest decimal that reads back as the same float)."""
    return {dimension: [{**asdict(s), "refusals_by_reason": list(map(list, s.refusals_by_reason.items()))}
                        for s in groups]
            for dimension, groups in stats.items()}


def from_json(figures: dict) -> dict[str, list[GroupStats]]:
    """The GroupStats back, dimensions in the page's order (JSONB keeps an object's keys in an order of its own)."""
    return {dimension: [GroupStats(**{**g, "refusals_by_reason": {r: n for r, n in g["refusals_by_reason"]}})
                        for g in figures[dimension]]
            for dimension in DIMENSIONS if dimension in figures}


def store(db: Session, scope: Scope, days: int, now: datetime) -> dict[str, list[GroupStats]]:
    """Compute and write one snapshot."""
    started = time.perf_counter()
    stats = compute(db, scope, days, now)
    _write(db, scope, days, now, stats, round((time.perf_counter() - started) * 1000))
    return stats


def _write(db: Session, scope: Scope, days: int, now: datetime, stats: dict[str, list[GroupStats]],
           cost_ms: int) -> None:
    """An upsert: two schedulers, or a scheduler and a page, may race for the same snapshot."""
    values = {"scope": scope.key, "days": days, "computed_at": now, "figures": to_json(stats), "cost_ms": cost_ms}
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(StatisticsSnapshot).values(**values)
    db.execute(stmt.on_conflict_do_update(index_elements=["scope", "days"],
                                          set_={k: stmt.excluded[k] for k in ("computed_at", "figures", "cost_ms")}))


def figures(db: Session, user: User, days: int, now: datetime, max_age: timedelta,
            live_budget_ms: int | None = None) -> Figures:
    """What the page shows: the stored snapshot if it is recent enough; else the figures computed now (and stored,
    so the next viewer of the same scope does not pay again) when that is cheap on this instance (see the module's
    docstring; ``live_budget_ms`` None: always); else the old snapshot flagged ``stale``, or none, ``pending``."""
    scope = scope_of(user)
    row = db.get(StatisticsSnapshot, (scope.key, days))
    if row is not None and now - max_age <= row.computed_at <= now:
        return Figures(from_json(row.figures), row.computed_at, live=False)
    if live_budget_ms is not None and not live_is_cheap(db, days, live_budget_ms):
        if row is not None:
            return Figures(from_json(row.figures), row.computed_at, live=False, stale=True)
        return Figures({dimension: [] for dimension in DIMENSIONS}, now, live=False, pending=True)
    started = time.perf_counter()
    stats = compute(db, scope, days, now)
    try:
        _write(db, scope, days, now, stats, round((time.perf_counter() - started) * 1000))
        db.commit()
    except SQLAlchemyError:  # the viewer still gets the exact figures; the scheduler stores them next time
        db.rollback()
        log.exception("could not store the statistics snapshot of %s over %s days", scope.key, days)
    return Figures(stats, now, live=True)


def live_is_cheap(db: Session, days: int, budget_ms: int) -> bool:
    """Whether computing a period's figures in a request stays within ``budget_ms``, judged by the costliest
    snapshot of that period on record (the admins' one covers every unit, so it bounds any officer's); with none
    on record the cost is unknown and the first computation, which records it, is allowed."""
    costliest = db.scalar(select(func.max(StatisticsSnapshot.cost_ms)).where(StatisticsSnapshot.days == days))
    return costliest is None or costliest <= budget_ms


def wanted_scopes(db: Session) -> set[Scope]:
    """Every scope someone may view now: the admins' one, and each active liaison officer's set of units."""
    users = db.scalars(select(User).where(User.active.is_(True), User.role.in_(STATS_ROLES))).all()
    return {scope_of(u) for u in users}


@dataclass(frozen=True)
class RefreshSummary:
    computed: int
    kept: int
    dropped: int
    cost_ms: int

    def line(self) -> str:
        return (f"statistics: {self.computed} snapshots computed in {self.cost_ms} ms, {self.kept} still fresh, "
                f"{self.dropped} of scopes nobody views any more dropped")


def refresh(db: Session, now: datetime, older_than: timedelta, scopes: Iterable[Scope] | None = None,
            periods: Iterable[int] = PERIOD_DAYS) -> RefreshSummary:
    """Recompute every wanted snapshot older than ``older_than`` (all of them with ``timedelta(0)``), one short
    transaction each, and drop the snapshots of scopes no active user has any more.

    When several scopes of a period are due, one scan adds up the requests per unit and each scope's figures are
    put together from its units' cells (``queries.statistics_cells_by_unit``): the cost of a refresh is then about
    that of the admins' view, however many officers' scopes there are."""
    wanted = sorted(set(wanted_scopes(db) if scopes is None else scopes), key=lambda s: s.key)
    have = {(r.scope, r.days): r.computed_at for r in db.scalars(select(StatisticsSnapshot))}
    computed = kept = 0
    started = time.perf_counter()
    for days in periods:
        due = []
        for scope in wanted:
            at = have.get((scope.key, days))
            if at is not None and now - older_than < at <= now:
                kept += 1
            else:
                due.append(scope)
        if len(due) == 1:
            store(db, due[0], days, now)
            db.commit()
        elif due:
            began = time.perf_counter()
            everyone: Any = Scope("admin")
            by_unit = queries.statistics_cells_by_unit(db, everyone, now - timedelta(days=days))
            for scope in due:
                cells = list(chain.from_iterable(by_unit.values() if scope.role == "admin"
                                                 else (by_unit.get(u, ()) for u in scope.unit_ids)))
                stats = {dimension: summarise(cells, dimension) for dimension in DIMENSIONS}
                _write(db, scope, days, now, stats, round((time.perf_counter() - began) * 1000))
                db.commit()
        computed += len(due)
    dropped = 0
    if scopes is None:
        gone = {key for key, _ in have} - {s.key for s in wanted}
        if gone:
            dropped = db.execute(delete(StatisticsSnapshot).where(StatisticsSnapshot.scope.in_(sorted(gone)))).rowcount
            db.commit()
    return RefreshSummary(computed, kept, dropped, round((time.perf_counter() - started) * 1000))
