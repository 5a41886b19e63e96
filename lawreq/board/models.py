"""The statistics page's precomputed figures (see ``board.snapshots``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lawreq.db import Base, JSONType, UTCDateTime


class StatisticsSnapshot(Base):
    """What the statistics of one scope (every unit, or one set of units) over one period came to at
    ``computed_at``: the page's figures, ready to show, so that a view costs one row and not a scan."""

    __tablename__ = "statistics_snapshots"

    #: ``all`` (an admin's view) or ``units:<id>,<id>…`` (sorted), see ``snapshots.scope_key``.
    scope: Mapped[str] = mapped_column(String(512), primary_key=True)
    days: Mapped[int] = mapped_column(Integer, primary_key=True)
    computed_at: Mapped[datetime] = mapped_column(UTCDateTime)
    #: Milliseconds the computation took (shown to admins, and what a refresh costs the scheduler).
    cost_ms: Mapped[int] = mapped_column(Integer, default=0)
    #: ``{dimension: [group, …]}`` as written by ``snapshots.to_json``.
    figures: Mapped[dict] = mapped_column(JSONType)

    def __repr__(self) -> str:
        return f"<StatisticsSnapshot {self.scope} {self.days}d {self.computed_at:%Y-%m-%d %H:%M}>"
