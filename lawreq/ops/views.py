"""The health report behind ``/healthz`` (``web.health``) and ``/metrics`` for Prometheus.

``/healthz`` is public and says only ok or not (database reachable, a scheduler swept recently), nothing about
cases. ``/metrics`` is for admins (with the second factor passed) or for scrapers from ``METRICS_NETWORKS``.
Reminder figures and the scheduler lag come from the database, so every worker answers the same; request counts
and latencies are this worker's own (label ``worker``), as with any multi-process server without a shared
collector.
"""

from __future__ import annotations

import ipaddress
import os
from datetime import timedelta

from flask import Blueprint, Response, abort, current_app, request
from sqlalchemy import func, select, text

from lawreq import db
from lawreq.auth.decorators import public
from lawreq.core.clock import utcnow
from lawreq.deadlines.jobs import due_filter
from lawreq.deadlines.models import Reminder
from lawreq.ops.access_log import BUCKETS
from lawreq.ops.models import SchedulerSweep

bp = Blueprint("ops", __name__)


def last_sweep():
    return db.session.scalar(select(func.max(SchedulerSweep.finished_at)))


def health_report() -> tuple[dict, int]:
    """Database reachable, and some scheduler finished a sweep within ``HEALTH_SWEEP_MAX_AGE_SECONDS`` (a
    freshly started app gets that long before a missing scheduler counts). ``web.health`` (``/healthz``) answers
    with it: 200 when everything is ok, 503 otherwise."""
    checks: dict[str, str] = {}
    try:
        db.session.execute(text("SELECT 1"))
        checks["database"] = "ok"
        swept = last_sweep()
    except Exception:  # noqa: BLE001 - a health check reports, it does not raise
        db.session.rollback()
        return {"status": "fail", "checks": {"database": "unreachable"}}, 503
    now = utcnow()
    limit = timedelta(seconds=int(current_app.config["HEALTH_SWEEP_MAX_AGE_SECONDS"]))
    started = current_app.extensions.get("lawreq.started_at", now)
    if swept is not None and now - swept <= limit:
        checks["scheduler"] = "ok"
    elif swept is None and now - started <= limit:
        checks["scheduler"] = "no sweep yet (starting)"
    else:
        age = "never" if swept is None else f"{int((now - swept).total_seconds())} s ago"
        checks["scheduler"] = f"no recent sweep (last: {age}); is `lawreq scheduler` running?"
    healthy = not checks["scheduler"].startswith("no recent")
    return {"status": "ok" if healthy else "fail", "checks": checks}, 200 if healthy else 503


def _allowed() -> bool:
    networks = current_app.config["METRICS_NETWORKS"] or []
    try:
        addr = ipaddress.ip_address(request.remote_addr or "")
    except ValueError:
        addr = None
    if addr is not None and any(addr in ipaddress.ip_network(n, strict=False) for n in networks):
        return True
    from lawreq.auth.sessions import current

    row = current()
    return row is not None and row.user.role == "admin"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace('"', '\\"').replace("\n", " ")


@bp.route("/metrics")
@public  # access is checked below: an admin's session or a configured scraper network
def metrics():
    if not _allowed():
        abort(404)
    now = utcnow()
    worker = str(os.getpid())
    out = ["# HELP lawreq_http_requests_total HTTP requests handled by this worker.",
           "# TYPE lawreq_http_requests_total counter"]
    stats = current_app.extensions["lawreq.request_stats"]
    with stats.lock:
        counts = dict(stats.count)
        latency = {k: list(v) for k, v in stats.latency.items()}
    for (endpoint, method, status), n in sorted(counts.items()):
        out.append(f'lawreq_http_requests_total{{endpoint="{_label(endpoint)}",method="{method}",'
                   f'status="{status}",worker="{worker}"}} {n}')
    out += ["# HELP lawreq_http_request_duration_seconds Time to answer, by endpoint (this worker).",
            "# TYPE lawreq_http_request_duration_seconds histogram"]
    for (endpoint, method), row in sorted(latency.items()):
        labels = f'endpoint="{_label(endpoint)}",method="{method}",worker="{worker}"'
        for bound, n in zip(BUCKETS, row, strict=False):
            out.append(f'lawreq_http_request_duration_seconds_bucket{{{labels},le="{bound}"}} {int(n)}')
        out.append(f'lawreq_http_request_duration_seconds_bucket{{{labels},le="+Inf"}} {int(row[-2])}')
        out.append(f"lawreq_http_request_duration_seconds_count{{{labels}}} {int(row[-2])}")
        out.append(f"lawreq_http_request_duration_seconds_sum{{{labels}}} {row[-1]:.6f}")
    by_status = dict(db.session.execute(select(Reminder.status, func.count()).group_by(Reminder.status)).all())
    due = db.session.scalar(select(func.count()).select_from(Reminder).where(due_filter(now))) or 0
    oldest_due = db.session.scalar(select(func.min(Reminder.due_at)).where(due_filter(now)))
    out += ["# HELP lawreq_reminders_due Reminders due now and not yet delivered.",
            "# TYPE lawreq_reminders_due gauge", f"lawreq_reminders_due {due}",
            "# HELP lawreq_reminders Reminders by status (sent, failed, dead, skipped, pending, sending).",
            "# TYPE lawreq_reminders gauge"]
    for status in ("pending", "sending", "sent", "failed", "dead", "skipped"):
        out.append(f'lawreq_reminders{{status="{status}"}} {by_status.get(status, 0)}')
    swept = last_sweep()
    out += ["# HELP lawreq_scheduler_lag_seconds How long the oldest due reminder has waited (0: none waiting).",
            "# TYPE lawreq_scheduler_lag_seconds gauge",
            f"lawreq_scheduler_lag_seconds {max((now - oldest_due).total_seconds(), 0) if oldest_due else 0:.0f}",
            "# HELP lawreq_scheduler_last_sweep_age_seconds Seconds since any scheduler finished a sweep.",
            "# TYPE lawreq_scheduler_last_sweep_age_seconds gauge",
            f"lawreq_scheduler_last_sweep_age_seconds {(now - swept).total_seconds() if swept else -1:.0f}"]
    return Response("\n".join(out) + "\n", mimetype="text/plain; version=0.0.4; charset=utf-8")
