"""The APScheduler 3 ticker around the reminder sweep.

The scheduler is a dumb clock: one interval job in the in-memory job store (and a second one that refreshes the
statistics snapshots, ``board.snapshots``), run however late (``misfire_grace_time=None``) and never twice at once. All state lives in the reminder rows, so a
scheduler that was down simply finds everything that became due meanwhile on its next tick, and several
schedulers running by mistake are harmless. ``create_app`` never builds one: web workers must not tick.
"""

from __future__ import annotations

import logging
import os
import socket
from datetime import timedelta, timezone
from typing import Any

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.base import BaseScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from flask import Flask

from lawreq import db
from lawreq.core.clock import utcnow
from lawreq.deadlines.jobs import sweep_due_reminders
from lawreq.deadlines.mail import SmtpSender, SmtpSettings, email_enabled

log = logging.getLogger(__name__)

JOB_ID = "sweep-reminders"
STATISTICS_JOB_ID = "refresh-statistics"


def build_scheduler(app: Flask, background: bool) -> BaseScheduler:
    """Return an unstarted scheduler with the one sweep job (the caller decides when to start it)."""
    if not email_enabled(app.config):
        log.warning("SMTP_HOST is not set: e-mail reminders will be skipped (no admin alerts); in-app reminders "
                    "and the calendar feed work as usual")
    if clock_offset(app.config):
        log.warning("SCHEDULER_CLOCK_OFFSET_SECONDS is %s: reminders are sent that early (drills and tests only)",
                    app.config["SCHEDULER_CLOCK_OFFSET_SECONDS"])
    cls = BackgroundScheduler if background else BlockingScheduler
    scheduler = cls(jobstores={"default": MemoryJobStore()}, timezone=timezone.utc)
    scheduler.add_job(_tick, "interval", seconds=int(app.config["SCHEDULER_INTERVAL_SECONDS"]), args=[app],
                      id=JOB_ID, replace_existing=True, coalesce=True, max_instances=1, misfire_grace_time=None,
                      next_run_time=utcnow())
    refresh = int(app.config["STATISTICS_REFRESH_SECONDS"])
    scheduler.add_job(_refresh_statistics, "interval", seconds=max(min(refresh, 60), 1), args=[app],
                      id=STATISTICS_JOB_ID, replace_existing=True, coalesce=True, max_instances=1,
                      misfire_grace_time=None, next_run_time=utcnow())
    return scheduler


def refresh_statistics(app: Flask) -> str:
    """Recompute the statistics snapshots older than ``STATISTICS_REFRESH_SECONDS`` (board.snapshots): the
    scheduler pays for the scans so that the page's viewers do not."""
    from lawreq.board.snapshots import refresh

    with app.app_context():
        try:
            every = timedelta(seconds=int(app.config["STATISTICS_REFRESH_SECONDS"]))
            return refresh(db.session, utcnow(), every).line()
        finally:
            db.session.remove()


def _refresh_statistics(app: Flask) -> None:
    try:
        summary = refresh_statistics(app)
        if not summary.startswith("statistics: 0 "):
            log.info(summary)
    except Exception:  # the page computes live meanwhile; the next tick tries again
        log.exception("statistics refresh failed")


def run_sweep(app: Flask) -> str:
    """One sweep now, inside the app's context; returns the summary line."""
    from lawreq.handoffs.jobs import sweep_due_handoffs

    with app.app_context():
        sender = sender_for(app.config)
        now = utcnow() + clock_offset(app.config)
        try:
            result = sweep_due_reminders(db.session, now, sender, worker_id=worker_id())
            handoffs = sweep_due_handoffs(db.session, now, sender.handoff if sender else None,
                                          worker_id=worker_id())
        finally:
            if sender is not None:
                sender.close()  # one SMTP session per sweep, not one per message
        summary = result.summary()
        if handoffs.claimed or handoffs.recovered:
            summary += "; hand-offs: " + handoffs.summary().removeprefix("reminders: ")
        record_sweep(summary)
    return summary


def record_sweep(summary: str) -> None:
    """Upsert this process's last-sweep row (``/healthz``, ``/metrics``); a failure here never fails the sweep."""
    from lawreq.ops.models import SchedulerSweep

    try:
        row = db.session.get(SchedulerSweep, worker_id()) or SchedulerSweep(worker=worker_id())
        row.finished_at, row.summary = utcnow(), summary[:400]
        db.session.add(row)
        db.session.commit()
    except Exception:  # noqa: BLE001
        db.session.rollback()
        log.exception("could not record the sweep")


def _tick(app: Flask) -> None:
    try:
        log.info(run_sweep(app))
    except Exception:  # the next tick tries again; the rows keep the state
        log.exception("reminder sweep failed")


def clock_offset(config: Any) -> timedelta:
    return timedelta(seconds=float(config.get("SCHEDULER_CLOCK_OFFSET_SECONDS") or 0))


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}"


def sender_for(config: Any) -> SmtpSender | None:
    """The SMTP sender, or None without ``SMTP_HOST``: the sweep then skips e-mail (see ``sweep_due_reminders``)."""
    return SmtpSender(SmtpSettings.from_config(config)) if email_enabled(config) else None
