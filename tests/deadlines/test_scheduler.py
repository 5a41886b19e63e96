"""The scheduler is a ticker: one job, run however late, never twice at once, never in a web worker."""

from __future__ import annotations

import threading
from datetime import datetime, timedelta, timezone

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from lawreq import db
from lawreq.deadlines.models import Reminder
from lawreq.deadlines.scheduler import JOB_ID, build_scheduler, run_sweep
from lawreq.deadlines.services import on_transition
from tests.deadlines.conftest import SENT


def test_the_one_sweep_job_runs_however_late_and_never_overlaps(app):
    scheduler = build_scheduler(app, background=True)
    [job] = scheduler.get_jobs()
    assert isinstance(scheduler, BackgroundScheduler) and not scheduler.running
    assert job.id == JOB_ID == "sweep-reminders"
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    assert job.trigger.interval == timedelta(seconds=app.config["SCHEDULER_INTERVAL_SECONDS"])
    start = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    assert job.trigger.get_next_fire_time(start, start + timedelta(seconds=1)) == start + job.trigger.interval


def test_the_scheduler_process_blocks(app):
    assert isinstance(build_scheduler(app, background=False), BlockingScheduler)


def test_building_the_app_starts_no_scheduler_thread(tmp_path):
    from lawreq.app import create_app
    from tests.conftest import TEST_CONFIG

    bound = db.session.session_factory.kw.get("bind")
    before = {t.ident for t in threading.enumerate()}
    fresh = create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.sqlite'}"},
                       instance_path=str(tmp_path))
    started = [t for t in threading.enumerate() if t.ident not in before]
    fresh.extensions["lawreq.engine"].dispose()
    db.configure_session(bound)  # create_app rebinds the one session registry; give it back
    assert [t.name for t in started if "APScheduler" in t.name or "scheduler" in t.name.lower()] == []


def test_one_sweep_from_the_cli_reports_what_it_did(app, db_session, rules, make_request, monkeypatch):
    req = make_request()
    on_transition(db_session, req, "mark_sent", SENT - timedelta(days=30), rules)
    db_session.commit()
    monkeypatch.setattr("lawreq.deadlines.scheduler.utcnow", lambda: SENT)

    summary = run_sweep(app)

    assert summary.startswith("reminders: 16 claimed, 8 sent")
    assert "8 failed" in summary  # no SMTP host in the tests: e-mail is refused, and admins are told
    assert set(db_session.scalars(select(Reminder.status))) == {"sent", "failed"}
