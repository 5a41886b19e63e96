"""Response times and outcomes per provider, route and country — the unit's own history, in plain numbers.

Pure (no Flask, no SQLAlchemy): the view turns rows into :class:`Outcome` records and this module groups them.

Definitions (so the figures can be explained to whoever reads them):
- *time to acknowledgement*: ``acknowledged_at - sent_at``; *time to data*: from ``sent_at`` to the fulfilment
  (``closed_at``) or, for a request still partially fulfilled, to the recorded partial answer (``outcome.at``).
  Both in days, computed by the query (``queries.outcomes``) so thousands of rows need no datetime objects.
- *answered*: requests the addressee has disposed of — fulfilled, partially fulfilled, refused by the addressee, or
  lapsed. Withdrawn requests and refusals by our own approvers say nothing about the provider and are left out.
- fulfilment rate = (fulfilled + partially fulfilled) / answered; refusal rate = refused by addressee / answered.
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

#: Dimensions the statistics are grouped by, with their labels.
DIMENSIONS = {"provider": "Provider", "route": "Route", "country": "Country"}
FULFILLED = frozenset({"fulfilled", "partially_fulfilled"})
ANSWERED = FULFILLED | {"refused", "lapsed"}


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks (numpy's default, Excel's
    PERCENTILE.INC); None for no values, because "no data" must not read as zero days."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {p}")
    if not values:
        return None
    ordered = sorted(values)
    rank = (len(ordered) - 1) * p / 100
    low, high = math.floor(rank), math.ceil(rank)
    return ordered[low] + (ordered[high] - ordered[low]) * (rank - low)


class Outcome(NamedTuple):
    """What one sent request tells about its addressee; durations in days since it was sent.

    A NamedTuple rather than a frozen dataclass: the statistics build tens of thousands of these per page view
    and a tuple is several times cheaper to construct, while staying immutable.
    """

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
