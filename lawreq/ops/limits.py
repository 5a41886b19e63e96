"""Rate limits kept in the database, so every worker on every host enforces one limit together.

A fixed window per key: one atomic ``INSERT … ON CONFLICT DO UPDATE SET hits = hits + 1 RETURNING hits`` (the
same statement on PostgreSQL and SQLite ≥ 3.35) counts the hit and reads the total in one step, so two workers
can never both see "one left". The hit is committed at once, in the request's own session: it happens before the
view does any work, so nothing else is committed with it, and a view that fails afterwards still counts (on SQLite
a second connection would wait for the request's own write lock). A fixed window lets a client use up to twice the
limit across a window boundary; that is the usual trade for one row per key.
"""

from __future__ import annotations

import math
import random
import time

from sqlalchemy import delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.orm import Session

from lawreq.ops.models import RateLimitHit


def hit(db: Session, key: str, limit: int, window: int = 60, now: float | None = None) -> int | None:
    """Count one hit of ``key``; None if within ``limit`` per ``window`` seconds, else the seconds to wait."""
    now = time.time() if now is None else now
    start = int(now // window * window)
    insert = pg_insert if db.get_bind().dialect.name == "postgresql" else sqlite_insert
    stmt = insert(RateLimitHit).values(key=key[:200], window_start=start, hits=1)
    stmt = stmt.on_conflict_do_update(index_elements=["key", "window_start"],
                                      set_={"hits": RateLimitHit.hits + 1}).returning(RateLimitHit.hits)
    hits = db.execute(stmt).scalar_one()
    if random.random() < 0.01:  # noqa: S311 - housekeeping, not security: forget windows long past
        db.execute(delete(RateLimitHit).where(RateLimitHit.window_start < start - 2 * window))
    db.commit()
    if hits > limit:
        return max(math.ceil(start + window - now), 1)
    return None


class SharedThrottle:
    """``allow(key, per_minute)`` like the old per-process throttle, counted in the database."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix

    def allow(self, key: str, per_minute: int) -> bool:
        from lawreq import db

        return hit(db.session, f"{self.prefix}:{key}", per_minute) is None
