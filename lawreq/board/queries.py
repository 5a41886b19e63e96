"""The board's SQL: one scoped, filtered, sorted query shared by the page, the CSV export and the statistics.

Every query starts from ``visible_requests(user)``, so the unit scope is in the WHERE clause, never applied
afterwards in Python. Pages are offset-based with a hard cap (deep offsets get slow and nobody reads page 500:
past the cap the officer is asked to narrow the filters), and rows are narrow column tuples, not ORM objects
with their JSON payloads.
"""

from __future__ import annotations

from lawreq.core.text import N_
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Select, Text, and_, case, cast, func, select
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.board.statistics import FULFILLED, Cell
from lawreq.legal_requests.models import Case, LegalRequest
from lawreq.legal_requests.permissions import visible_requests
from lawreq.workflow.states import OPEN_STATES, STATES

PER_PAGE = 50
MAX_PAGE = 200
#: Counting stops here: "more than 1 000 requests" is as useful as an exact figure and costs a bounded scan.
COUNT_CAP = 1_000
#: Pseudo-states offered next to the real ones.
STATE_GROUPS = {"open": OPEN_STATES, "closed": frozenset(STATES) - OPEN_STATES}

SORTS: dict[str, tuple[str, Any]] = {
    "deadline": (N_("Next deadline"), LegalRequest.next_deadline_at),
    "age": (N_("Created"), LegalRequest.created_at),
    "updated": (N_("Last change"), LegalRequest.updated_at),
    "reference": (N_("Reference"), LegalRequest.reference),
    "state": (N_("State"), LegalRequest.state),
    "provider": (N_("Provider"), LegalRequest.provider_id),
    "route": (N_("Route"), LegalRequest.route_id),
    "country": (N_("Country"), LegalRequest.addressee_country),
}

#: Columns a board row carries (the page, the quick actions and the CSV read these).
ROW_COLUMNS = (
    LegalRequest.id, LegalRequest.reference, LegalRequest.state, LegalRequest.provider_id, LegalRequest.route_id,
    LegalRequest.addressee_country, LegalRequest.emergency, LegalRequest.created_at, LegalRequest.sent_at,
    LegalRequest.acknowledged_at, LegalRequest.next_deadline_at, LegalRequest.provider_reference,
    LegalRequest.sent_channel, LegalRequest.version, Case.reference.label("case_reference"),
)


@dataclass(frozen=True)
class BoardFilters:
    """What the officer asked for; built from the query string by ``forms.BoardFilterForm``."""

    state: str = ""
    provider: str = ""
    country: str = ""
    route: str = ""
    overdue: bool = False
    due_within: int | None = None
    emergency: bool = False
    q: str = ""
    sort: str = "deadline"
    descending: bool = False
    page: int = 1

    def __post_init__(self) -> None:
        if self.sort not in SORTS:
            raise ValueError(f"unknown sort {self.sort!r}; use one of {', '.join(SORTS)}")
        if self.state and self.state not in STATES and self.state not in STATE_GROUPS:
            raise ValueError(f"unknown state {self.state!r}")
        if not 1 <= self.page <= MAX_PAGE:
            raise ValueError(f"page must be between 1 and {MAX_PAGE}")


@dataclass(frozen=True)
class BoardPage:
    rows: list[Any]
    page: int
    has_next: bool
    total: int
    total_capped: bool


def like_pattern(text: str) -> str:
    """``%text%`` for LIKE with ``\\`` as escape, lower-cased as ``search_text`` is."""
    escaped = text.strip().lower().replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"%{escaped}%"


def conditions(user: User, f: BoardFilters, now: datetime) -> list[ColumnElement[bool]]:
    """The WHERE clause: scope first, then each filter the officer set."""
    where: list[ColumnElement[bool]] = [visible_requests(user)]
    if f.state in STATE_GROUPS:
        where.append(LegalRequest.state.in_(sorted(STATE_GROUPS[f.state])))
    elif f.state:
        where.append(LegalRequest.state == f.state)
    if f.provider:
        where.append(LegalRequest.provider_id == f.provider)
    if f.country:
        where.append(LegalRequest.addressee_country == f.country)
    if f.route:
        where.append(LegalRequest.route_id == f.route)
    if f.overdue or f.due_within is not None:
        where.append(LegalRequest.state.in_(sorted(OPEN_STATES)))
    if f.overdue:
        where.append(LegalRequest.next_deadline_at < now)
    if f.due_within is not None:
        where.append(and_(LegalRequest.next_deadline_at >= now,
                          LegalRequest.next_deadline_at <= now + timedelta(days=f.due_within)))
    if f.emergency:
        where.append(LegalRequest.emergency.is_(True))
    if f.q.strip():
        where.append(LegalRequest.search_text.like(like_pattern(f.q), escape="\\"))
    return where


def _order(f: BoardFilters) -> tuple[Any, Any]:
    """The officer's order; undated rows last whatever the direction, ties broken by id (stable pages)."""
    column = SORTS[f.sort][1]
    order = column.desc() if f.descending else column.asc()
    return order.nulls_last(), LegalRequest.id.desc() if f.descending else LegalRequest.id.asc()


def board_select(user: User, f: BoardFilters, now: datetime) -> Select:
    """Every matching row in the officer's order."""
    return (select(*ROW_COLUMNS).join(Case, Case.id == LegalRequest.case_id)
            .where(*conditions(user, f, now)).order_by(*_order(f)))


def page_select(user: User, f: BoardFilters, now: datetime, per_page: int = PER_PAGE) -> Select:
    """One page, as a deferred join: the offset walks the narrow (unit, sort key, id) index alone and only the
    page's rows are joined and fetched — a deep page costs an index scan, not thousands of joined rows."""
    page_ids = (select(LegalRequest.id).where(*conditions(user, f, now)).order_by(*_order(f))
                .offset((f.page - 1) * per_page).limit(per_page + 1).subquery())
    return (select(*ROW_COLUMNS).join(page_ids, page_ids.c.id == LegalRequest.id)
            .join(Case, Case.id == LegalRequest.case_id).order_by(*_order(f)))


def board_page(db: Session, user: User, f: BoardFilters, now: datetime, per_page: int = PER_PAGE) -> BoardPage:
    rows = list(db.execute(page_select(user, f, now, per_page)))
    counted = select(LegalRequest.id).where(*conditions(user, f, now)).limit(COUNT_CAP + 1).subquery()
    total = db.scalar(select(func.count()).select_from(counted)) or 0
    return BoardPage(rows=rows[:per_page], page=f.page, has_next=len(rows) > per_page and f.page < MAX_PAGE,
                     total=min(total, COUNT_CAP), total_capped=total > COUNT_CAP)


def board_rows(db: Session, user: User, f: BoardFilters, now: datetime) -> Iterator[Any]:
    """Every matching row, fetched in batches (for the CSV export)."""
    yield from db.execute(board_select(user, f, now).execution_options(yield_per=500))


def _days_between(start: Any, end: Any, dialect: str) -> Any:
    if dialect == "postgresql":
        return func.extract("epoch", end - start) / 86400
    return func.julianday(end) - func.julianday(start)


def _not_before(start: Any, end: Any, dialect: str) -> Any:
    """``_days_between(start, end) >= 0``, as cheaply as the backend allows: PostgreSQL's days are exact decimals
    of whole microseconds, so comparing the timestamps is the same test; SQLite's ``julianday`` difference has
    rounding of its own, so there the difference itself is tested."""
    if dialect == "postgresql":
        return end >= start
    return _days_between(start, end, dialect) >= 0


def _exact_text(days: Any, dialect: str) -> Any:
    """The number as text that reads back as the very same float: PostgreSQL prints a numeric in full; SQLite's
    own REAL-to-text keeps 15 digits only, and 17 significant digits always round-trip."""
    if dialect == "postgresql":
        return cast(days, Text)
    return func.printf("%!.17g", days)


def _floats(joined: str | None) -> list[float]:
    return list(map(float, joined.split(","))) if joined else []


def statistics_selects(user: User, since: datetime, dialect: str, by_unit: bool = False) -> tuple[Select, Select]:
    """The two queries behind :func:`statistics_cells`: totals and durations per (provider, route, country), then
    the refusals and partial answers, which only the JSON outcome records; ``by_unit`` puts the unit first in the
    key (for :func:`statistics_cells_by_unit`)."""
    sent, state = LegalRequest.sent_at, LegalRequest.state
    key: tuple[Any, ...] = (LegalRequest.provider_id, LegalRequest.route_id, LegalRequest.addressee_country)
    if by_unit:
        key = (LegalRequest.unit_id, *key)
    scope = (visible_requests(user), sent.is_not(None), sent >= since)

    def durations(end: Any, *conditions: Any) -> Any:
        # FILTER rather than CASE: the rows left out never reach the aggregate (measurably cheaper on PostgreSQL)
        return (func.aggregate_strings(_exact_text(_days_between(sent, end, dialect), dialect), ",")
                .filter(and_(*conditions, _not_before(sent, end, dialect))))

    totals = (select(*key, func.count(), func.count().filter(state.in_(sorted(FULFILLED))),
                     func.count().filter(state == "lapsed"), durations(LegalRequest.acknowledged_at),
                     durations(LegalRequest.closed_at, state == "fulfilled"))
              .where(*scope).group_by(*key))
    partial_at: Any = LegalRequest.outcome["at"].as_string()
    if dialect == "postgresql":
        partial_at = cast(partial_at, DateTime(timezone=True))
    refused = state == "refused"
    refused_by = case((refused, LegalRequest.outcome["refused_by"].as_string()))
    reason = case((refused, LegalRequest.outcome["reason"].as_string()))
    outcomes = (select(*key, state, refused_by, reason, func.count(),
                       durations(partial_at, state == "partially_fulfilled"))
                .where(*scope, state.in_(("refused", "partially_fulfilled")))
                .group_by(*key, state, refused_by, reason))
    return totals, outcomes


def statistics_cells(db: Session, user: User, since: datetime) -> list[Cell]:
    """What the requests the user may see, sent since ``since``, add up to per (provider, route, country).

    The database does the adding up and ships every non-negative duration of a cell as one comma-joined string
    (``string_agg`` / ``group_concat``) of exact decimals: a few hundred rows instead of one per request, and the
    very floats the row-by-row version computed. The first query reads only columns ``ix_legal_requests_unit_sent``
    carries (an index-only scan on PostgreSQL); the second reads the JSON outcome, for the refused and partially
    fulfilled requests alone.
    """
    return list(_cells(db, *statistics_selects(user, since, db.get_bind().dialect.name)).values())


def statistics_cells_by_unit(db: Session, viewer: User, since: datetime) -> dict[int, list[Cell]]:
    """:func:`statistics_cells` of every unit ``viewer`` may see, one scan for them all: the cells of a set of
    units, put together, make exactly the figures of that set (``summarise`` merges the durations and sorts them
    afresh), so the scheduler computes every officer's scope from one query per period."""
    by_unit: dict[int, list[Cell]] = defaultdict(list)
    for (unit, *_), cell in _cells(db, *statistics_selects(viewer, since, db.get_bind().dialect.name,
                                                           by_unit=True)).items():
        by_unit[unit].append(cell)
    return dict(by_unit)


def _cells(db: Session, totals: Select, outcomes: Select) -> dict[tuple, Cell]:
    """The rows of :func:`statistics_selects` as Cells, by their whole key (the last three parts are the cell's
    provider, route and country)."""
    width = len(totals.selected_columns) - 5
    refusals: dict[tuple, dict[tuple[object, object], int]] = defaultdict(dict)
    partial_days: dict[tuple, list[float]] = defaultdict(list)
    for row in db.execute(outcomes):
        key, (state, refused_by, reason, n, data) = tuple(row[:width]), row[width:]
        if state == "refused":
            refusals[key][(refused_by, reason)] = n
        else:
            partial_days[key].extend(_floats(data))
    cells = {}
    for row in db.execute(totals):
        key, (n, fulfilled, lapsed, acks, data) = tuple(row[:width]), row[width:]
        p, r, c = key[-3:]
        cells[key] = Cell(p, r, c, sent=n, fulfilled=fulfilled, lapsed=lapsed, refusals=refusals.get(key, {}),
                          ack_days=_floats(acks), data_days=_floats(data) + partial_days.get(key, []))
    return cells
