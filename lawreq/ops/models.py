"""Tables that belong to operating the service rather than to the requests themselves (migration 0008)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from lawreq.db import Base, UTCDateTime


class RateLimitHit(Base):
    """Hits of one limit key in one fixed window (``window_start`` in epoch seconds)."""

    __tablename__ = "rate_limit_hits"

    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    hits: Mapped[int] = mapped_column(Integer)


class SchedulerSweep(Base):
    """When a scheduler process last finished a sweep (one row per process: host:pid)."""

    __tablename__ = "scheduler_sweeps"

    worker: Mapped[str] = mapped_column(String(120), primary_key=True)
    finished_at: Mapped[datetime] = mapped_column(UTCDateTime)
    summary: Mapped[str] = mapped_column(String(400))
