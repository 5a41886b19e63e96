"""Response times and outcomes per provider, route and country — the unit's own history, in plain numbers.

Pure (no Flask, no SQLAlchemy): ``statistics_queries`` has the database count, rank and interpolate; this module
holds the definitions both share (what a percentile is, what a group's figures are) and the CSV rows.

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
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field

#: Dimensions the statistics are grouped by, with their labels.
DIMENSIONS = {"provider": "Provider", "route": "Route", "country": "Country"}
FULFILLED = frozenset({"fulfilled", "partially_fulfilled"})


#: The percentiles the page shows (median and p90), in percent.
QUANTILES = (50, 90)
#: The group of requests with no provider, route or country recorded (or an empty one).
NONE = "(none)"


def order_statistic_ranks(n: int, p: float) -> tuple[int, float]:
    """Where the p-th percentile of n ordered values lies: the index below it and the fraction of the way to the
    next one. The rank is ``p/100 × (n − 1)``, computed exactly as PostgreSQL's ``percentile_cont`` does."""
    rank = p / 100 * (n - 1)
    low = math.floor(rank)
    return low, rank - low


def interpolate(low: float | None, high: float | None, fraction: float) -> float | None:
    """``low + (high − low) × fraction`` (PostgreSQL's lerp); ``high`` is unused (and may be None) at a whole rank."""
    if low is None:
        return None
    if not fraction or high is None:
        return low
    return low + (high - low) * fraction


def percentile(values: Sequence[float], p: float) -> float | None:
    """The p-th percentile (0–100) by linear interpolation between closest ranks (numpy's default, Excel's
    PERCENTILE.INC, PostgreSQL's percentile_cont); None for no values, because "no data" must not read as zero days."""
    if not 0 <= p <= 100:
        raise ValueError(f"percentile must be between 0 and 100, got {p}")
    ordered = sorted(values)
    if not ordered:
        return None
    low, fraction = order_statistic_ranks(len(ordered), p)
    return interpolate(ordered[low], ordered[min(low + 1, len(ordered) - 1)], fraction)


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
