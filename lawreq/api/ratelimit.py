"""An in-process sliding window. The API's per-token limit no longer uses it: that limit is shared by every worker
through the database (``lawreq.ops.limits``); this stays for in-process guards only.

Each process keeps its own window, so with N gunicorn workers a token may make up to N times the limit; that is
acceptable for a guard against runaway scripts (not an accounting tool). A shared limit would need Redis or a
table, which embedded mode does not have.
"""

from __future__ import annotations

import threading
from collections import deque


class SlidingWindow:
    """At most ``limit`` hits per ``window`` seconds per key."""

    def __init__(self, limit: int, window: float = 60.0, max_keys: int = 10_000) -> None:
        if limit < 1 or window <= 0:
            raise ValueError("rate limit: limit must be >= 1 and window > 0")
        self.limit = limit
        self.window = window
        self.max_keys = max_keys
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str, now: float) -> float | None:
        """Count one call; return None if allowed, else the seconds until the next call would be."""
        with self._lock:
            hits = self._hits.get(key)
            if hits is None:
                if len(self._hits) >= self.max_keys:
                    self._forget_idle(now)
                hits = self._hits[key] = deque()
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                return max(hits[0] + self.window - now, 0.001)
            hits.append(now)
            return None

    def _forget_idle(self, now: float) -> None:
        for key in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
            del self._hits[key]
