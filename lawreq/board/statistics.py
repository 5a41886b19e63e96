"""Response times and outcomes per provider, route and country — the unit's own history, in plain numbers.

Pure (no Flask, no SQLAlchemy): the query (``queries.statistics_cells``) adds the requests up per (provider, route,
country) combination — a :class:`Cell` — and this module merges the cells into the figures of each provider, route
or country.

Definitions (so the figures can be explained to whoever reads them):
- *time to acknowledgement*: ``acknowledged_at - sent_at``; *time to data*: from ``sent_at`` to the fulfilment
  (``closed_at``) or, for a request still partially fulfilled, to the recorded partial answer (``outcome.at``).
  Both in days, computed by the database. A negative time is a data-entry error (receipt recorded before sending)
  and is left out, not averaged in.
- *answered*: requests the addressee has disposed of — fulfilled, partially fulfilled, refused by the addressee, or
  lapsed. Withdrawn requests and refusals by our own approvers say nothing about the provider and are left out.
- fulfilment rate = (fulfilled + partially fulfilled) / answered; refusal rate = refused by addressee / answered.
- refusals by reason: most frequent first, ties by the reason's name; a refusal without a reason counts as "other".
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain
from types import MappingProxyType
from typing import NamedTuple

from lawreq.core.text import N_

#: Dimensions the statistics are grouped by, with their labels.
DIMENSIONS = {"provider": N_("Provider"), "route": N_("Route"), "country": N_("Country")}
FULFILLED = frozenset({"fulfilled", "partially_fulfilled"})


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks (numpy's default, Excel's
    PERCENTILE.INC); None for no values, because "no data" must not read as zero days."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {p}")
    return _at_rank(sorted(values), p)


def _at_rank(ordered: Sequence[float], p: float) -> float | None:
    """:func:`percentile` of values already in ascending order."""
    if not ordered:
        return None
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Cell(NamedTuple):
    """What the requests sent in the period to one (provider, route, country) combination add up to.

    Durations are in days and already non-negative; ``refusals`` counts refused requests by who refused them and
    why, as recorded (``refused_by`` and ``reason`` of the request's outcome, None when absent).
    """

    provider: str | None
    route: str | None
    country: str | None
    sent: int
    #: Fulfilled or partially fulfilled.
    fulfilled: int = 0
    lapsed: int = 0
    refusals: Mapping[tuple[object, object], int] = MappingProxyType({})
    ack_days: Sequence[float] = ()
    data_days: Sequence[float] = ()


@dataclass(frozen=True)
class GroupStats:
    """The figures for one provider, route or country."""

    key: str
    sent: int
    answered: int
    fulfilled: int
    refused: int
    median_ack_days: float | None
    p90_ack_days: float | None
    median_data_days: float | None
    p90_data_days: float | None
    refusals_by_reason: dict[str, int] = field(default_factory=dict)

    @property
    def fulfilment_rate(self) -> float | None:
        return self.fulfilled / self.answered if self.answered else None

    @property
    def refusal_rate(self) -> float | None:
        return self.refused / self.answered if self.answered else None


def _group(key: str, cells: list[Cell]) -> GroupStats:
    ack = sorted(chain.from_iterable(c.ack_days for c in cells))
    data = sorted(chain.from_iterable(c.data_days for c in cells))
    reasons: Counter[object] = Counter()
    for cell in cells:
        for (refused_by, reason), n in cell.refusals.items():
            if refused_by != "approver":
                reasons[reason or "other"] += n
    refused = sum(reasons.values())
    fulfilled = sum(c.fulfilled for c in cells)
    return GroupStats(
        key=key, sent=sum(c.sent for c in cells), answered=fulfilled + sum(c.lapsed for c in cells) + refused,
        fulfilled=fulfilled, refused=refused,
        median_ack_days=_at_rank(ack, 50), p90_ack_days=_at_rank(ack, 90),
        median_data_days=_at_rank(data, 50), p90_data_days=_at_rank(data, 90),
        refusals_by_reason=dict(sorted(reasons.items(), key=lambda item: (-item[1], str(item[0])))),
    )


def summarise(cells: Iterable[Cell], dimension: str) -> list[GroupStats]:
    """One :class:`GroupStats` per value of ``dimension`` (no value and an empty one are "(none)"), busiest first
    (ties by name)."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"unknown dimension {dimension!r}; use one of {', '.join(DIMENSIONS)}")
    index = Cell._fields.index(dimension)
    groups: dict[str, list[Cell]] = defaultdict(list)
    for cell in cells:
        groups[cell[index] or "(none)"].append(cell)
    stats = [_group(key, items) for key, items in groups.items()]
    return sorted(stats, key=lambda s: (-s.sent, s.key))


def rows_for_csv(stats_by_dimension: dict[str, list[GroupStats]],
                 reason_label: Callable[[str], str] = str) -> Iterable[list[object]]:
    """The statistics as flat rows (header first), the same figures the page shows."""
    yield ["dimension", "key", "sent", "answered", "fulfilled", "refused_by_addressee", "fulfilment_rate",
           "refusal_rate", "median_days_to_ack", "p90_days_to_ack", "median_days_to_data", "p90_days_to_data",
           "refusals_by_reason"]
    for dimension, stats in stats_by_dimension.items():
        for s in stats:
            yield [dimension, s.key, s.sent, s.answered, s.fulfilled, s.refused, _num(s.fulfilment_rate, 3),
                   _num(s.refusal_rate, 3), _num(s.median_ack_days), _num(s.p90_ack_days),
                   _num(s.median_data_days), _num(s.p90_data_days),
                   "; ".join(f"{reason_label(r)}: {n}" for r, n in s.refusals_by_reason.items())]


def _num(value: float | None, places: int = 1) -> str:
    return "" if value is None else f"{value:.{places}f}"
