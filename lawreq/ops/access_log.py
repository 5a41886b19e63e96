"""One structured line per HTTP request, the request id sent back as ``X-Request-ID``, and per-process counters.

The line is JSON (``lawreq.access`` logger, stderr unless the operator configures logging): time, request id,
user id, method, path (no query string: it may carry search terms about a case), status and duration. The same
request id is written into every audit entry the request causes (``lawreq.core.request_id``).
"""

from __future__ import annotations

import json
import logging
import threading
import time
from collections import defaultdict
from datetime import datetime, timezone
from typing import Any

from flask import Flask, Response, g, request

from lawreq.core import request_id as rid

log = logging.getLogger("lawreq.access")

#: Latency buckets of the request histogram (seconds), Prometheus-style upper bounds.
BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)


class RequestStats:
    """Request counts and latency per (endpoint, method, status) in this process."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.count: dict[tuple[str, str, str], int] = defaultdict(int)
        self.latency: dict[tuple[str, str], list[float]] = {}

    def add(self, endpoint: str, method: str, status: int, seconds: float) -> None:
        with self.lock:
            self.count[(endpoint, method, str(status))] += 1
            row = self.latency.setdefault((endpoint, method), [0.0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            row[-2] += 1  # +Inf / count
            row[-1] += seconds  # sum


def _configure_logger() -> None:
    if not log.handlers and not logging.getLogger().handlers:
        handler = logging.StreamHandler()
        handler.setFormatter(logging.Formatter("%(message)s"))
        log.addHandler(handler)
        log.propagate = False  # a root handler configured later (lawreq serve's) must not print each line twice
    if log.level == logging.NOTSET:
        log.setLevel(logging.INFO)


def _user_id() -> int | None:
    api = g.get("api")
    if api is not None:
        return getattr(getattr(api, "user", None), "id", None)
    row = g.get("_lawreq_session_row")
    if row is not None:
        return row.user_id
    try:
        from flask_login import current_user

        return current_user.get_id() and int(current_user.get_id()) if current_user.is_authenticated else None
    except Exception:  # noqa: BLE001 - never let logging break a response (e.g. the database is down)
        return None


def register_access_log(app: Flask) -> None:
    _configure_logger()
    stats = app.extensions.setdefault("lawreq.request_stats", RequestStats())

    @app.before_request
    def _start() -> None:
        g.request_id, g._rid_token = rid.begin(request.headers.get("X-Request-ID"))
        g.request_started = time.perf_counter()

    @app.after_request
    def _finish(response: Response) -> Response:
        started = g.get("request_started")
        seconds = time.perf_counter() - started if started is not None else 0.0
        response.headers["X-Request-ID"] = g.get("request_id") or ""
        endpoint = request.endpoint or "unmatched"
        stats.add(endpoint, request.method, response.status_code, seconds)
        log.info(json.dumps({
            "time": datetime.now(timezone.utc).isoformat(timespec="milliseconds"), "request_id": g.get("request_id"),
            "user_id": _user_id(), "method": request.method, "path": request.path, "status": response.status_code,
            "duration_ms": round(seconds * 1000, 1), "remote": request.remote_addr,
        }, separators=(",", ":")))
        return response

    @app.teardown_request
    def _clear(_exc: BaseException | None) -> None:
        token = g.pop("_rid_token", None)
        if token is not None:
            rid.end(token)
