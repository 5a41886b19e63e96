"""The scheduler is a ticker: one job, run however late, never twice at once, never in a web worker."""

from __future__ import annotations

import logging
import threading
from datetime import datetime, timedelta, timezone

from apscheduler.jobstores.memory import MemoryJobStore
from apscheduler.schedulers.background import BackgroundScheduler
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import select

from lawreq import db
from lawreq.deadlines.mail import SKIPPED_NO_SMTP, SmtpSender
from lawreq.deadlines.models import Notification, Reminder
from lawreq.deadlines.scheduler import JOB_ID, STATISTICS_JOB_ID, build_scheduler, run_sweep, sender_for
from lawreq.deadlines.services import on_transition
from tests.deadlines.conftest import SENT


def test_the_one_sweep_job_runs_however_late_and_never_overlaps(app):
    scheduler = build_scheduler(app, background=True)
    jobs = {job.id: job for job in scheduler.get_jobs()}
    assert set(jobs) == {JOB_ID, STATISTICS_JOB_ID}
    job = jobs[JOB_ID]
    assert isinstance(scheduler, BackgroundScheduler) and not scheduler.running
    assert job.id == JOB_ID == "sweep-reminders"
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    assert isinstance(scheduler._jobstores["default"], MemoryJobStore)
    assert job.trigger.interval == timedelta(seconds=app.config["SCHEDULER_INTERVAL_SECONDS"])
    start = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
    assert job.trigger.get_next_fire_time(start, start + timedelta(seconds=1)) == start + job.trigger.interval


def test_the_statistics_refresh_runs_however_late_and_never_overlaps(app):
    job = {job.id: job for job in build_scheduler(app, background=True).get_jobs()}[STATISTICS_JOB_ID]
    assert (job.coalesce, job.max_instances, job.misfire_grace_time) == (True, 1, None)
    # ticks at least every minute, so a snapshot is never much older than STATISTICS_REFRESH_SECONDS
    assert job.trigger.interval == timedelta(seconds=min(app.config["STATISTICS_REFRESH_SECONDS"], 60))


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


def _no_smtp_connection(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("no SMTP connection may be attempted without SMTP_HOST")
    monkeypatch.setattr("smtplib.SMTP", refuse)
    monkeypatch.setattr("smtplib.SMTP_SSL", refuse)


def test_one_sweep_from_the_cli_reports_what_it_did(app, db_session, rules, make_request, monkeypatch, caplog):
    req = make_request()
    on_transition(db_session, req, "mark_sent", SENT - timedelta(days=30), rules)
    db_session.commit()
    monkeypatch.setattr("lawreq.deadlines.scheduler.utcnow", lambda: SENT)
    _no_smtp_connection(monkeypatch)
    assert not app.config["SMTP_HOST"]

    with caplog.at_level(logging.WARNING):
        summary = run_sweep(app)

    # no SMTP host in the tests: e-mail is skipped quietly, the in-app reminders go out, no admin is told
    assert summary == ("reminders: 16 claimed, 8 sent, 0 to retry, 0 failed, 0 recovered from a crashed sweep, "
                       "8 e-mail skipped (no SMTP)")
    assert set(db_session.scalars(select(Reminder.status))) == {"sent", "skipped"}
    assert set(db_session.scalars(select(Reminder.last_error).where(Reminder.channel == "email"))) \
        == {SKIPPED_NO_SMTP}
    kinds = set(db_session.scalars(select(Notification.kind)))
    assert kinds == {"reminder"}  # no reminder_failed / reminder_dead for the admins
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []  # nothing per reminder


def test_without_smtp_the_scheduler_warns_once_at_start(app, caplog):
    assert sender_for(app.config) is None
    with caplog.at_level(logging.WARNING, logger="lawreq.deadlines.scheduler"):
        build_scheduler(app, background=True)
    [warning] = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert "SMTP_HOST is not set: e-mail reminders will be skipped" in warning.getMessage()


def test_with_smtp_the_scheduler_sends_mail_and_does_not_warn(app, monkeypatch, caplog):
    monkeypatch.setitem(app.config, "SMTP_HOST", "mail.lawreq.test")
    assert isinstance(sender_for(app.config), SmtpSender)
    with caplog.at_level(logging.WARNING, logger="lawreq.deadlines.scheduler"):
        build_scheduler(app, background=True)
    assert [r for r in caplog.records if r.levelno >= logging.WARNING] == []
