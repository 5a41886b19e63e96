"""The sweep, driven by a fixed clock: due reminders go out once, failures retry, crashes recover."""

from __future__ import annotations

from datetime import timedelta

import pytest
from sqlalchemy import select, update

from lawreq.deadlines.jobs import BACKOFF, LEASE, SweepResult, sweep_due_reminders
from lawreq.deadlines.mail import SKIPPED_NO_SMTP, PermanentDeliveryError
from lawreq.deadlines.models import Notification, Reminder
from lawreq.deadlines.services import on_transition
from tests.deadlines.conftest import SENT

DAY = timedelta(days=1)


class Outbox:
    """A sender that records what it was asked to deliver, or fails as told."""

    def __init__(self, fail_with: Exception | None = None, fail_for: set[str] | None = None) -> None:
        self.sent: list = []
        self.fail_with = fail_with
        self.fail_for = fail_for

    def __call__(self, delivery) -> None:
        if self.fail_with is not None and (self.fail_for is None or delivery.email in self.fail_for):
            raise self.fail_with
        self.sent.append(delivery)


@pytest.fixture
def sent_request(db_session, rules, team, make_request):
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    db_session.commit()
    return req, deadline


def _sweep(db_session, now, sender, **kw):
    return sweep_due_reminders(db_session, now, sender, worker_id="test", **kw)


def _statuses(db_session):
    return dict(db_session.execute(select(Reminder.id, Reminder.status)).all())


def test_nothing_goes_out_before_its_time(db_session, sent_request):
    req, deadline = sent_request
    outbox = Outbox()
    result = _sweep(db_session, deadline.due_at - 3 * DAY - timedelta(seconds=1), outbox)
    assert (result.claimed, outbox.sent) == (0, [])


def test_the_three_day_reminders_go_out_once_each(db_session, sent_request, team):
    req, deadline = sent_request
    outbox = Outbox()
    now = deadline.due_at - 3 * DAY

    result = _sweep(db_session, now, outbox)
    again = _sweep(db_session, now + timedelta(minutes=1), outbox)

    assert (result.claimed, result.sent, again.claimed) == (4, 4, 0)
    assert sorted(d.email for d in outbox.sent) == sorted([team["investigator"].email, team["officer"].email])
    assert {d.reference for d in outbox.sent} == {req.reference}
    notes = db_session.scalars(select(Notification).where(Notification.kind == "reminder")).all()
    assert sorted(n.user_id for n in notes) == sorted([team["investigator"].id, team["officer"].id])
    assert all(req.reference in n.message and "due in 3 days" in n.message for n in notes)


def test_a_scheduler_that_was_down_delivers_everything_that_became_due_once(db_session, sent_request):
    req, deadline = sent_request
    outbox = Outbox()
    result = _sweep(db_session, deadline.due_at + 2 * DAY, outbox, batch=3)
    assert result.claimed == result.sent == 16
    ids = [i for digest in outbox.sent for i in digest.reminder_ids]
    assert len(set(ids)) == len(ids) == 8
    assert set(_statuses(db_session).values()) == {"sent"}
    assert _sweep(db_session, deadline.due_at + 3 * DAY, outbox).claimed == 0


def test_a_failed_delivery_is_retried_with_back_off_and_never_blocks_the_others(db_session, sent_request, team):
    req, deadline = sent_request
    outbox = Outbox(fail_with=OSError("connection refused"), fail_for={team["officer"].email})
    now = deadline.due_at - 3 * DAY

    result = _sweep(db_session, now, outbox)

    assert (result.sent, result.retried) == (3, 1)
    [waiting] = db_session.scalars(select(Reminder).where(Reminder.status == "pending",
                                                          Reminder.due_at <= now)).all()
    assert (waiting.attempts, waiting.claimed_until) == (1, now + BACKOFF[0])
    assert "connection refused" in waiting.last_error
    assert _sweep(db_session, now + BACKOFF[0] - timedelta(seconds=1), outbox).claimed == 0

    outbox.fail_with = None
    later = _sweep(db_session, now + BACKOFF[0], outbox)
    assert (later.claimed, later.sent) == (1, 1)
    assert db_session.get(Reminder, waiting.id).status == "sent"


def test_after_the_last_attempt_the_reminder_is_dead_and_admins_are_told(db_session, sent_request, team):
    req, deadline = sent_request
    outbox = Outbox(fail_with=TimeoutError("timed out"), fail_for={team["officer"].email})
    now = deadline.due_at - 3 * DAY
    for _ in range(3):
        _sweep(db_session, now, outbox, max_attempts=3)
        now += timedelta(hours=3)

    dead = db_session.scalars(select(Reminder).where(Reminder.status == "dead")).all()
    assert [(r.attempts, r.user_id) for r in dead] == [(3, team["officer"].id)]
    [alert] = db_session.scalars(select(Notification).where(Notification.kind == "reminder_dead")).all()
    assert alert.user_id == team["admin"].id and team["officer"].email in alert.message


def test_a_refused_recipient_fails_at_once_without_retry(db_session, sent_request, team):
    req, deadline = sent_request
    outbox = Outbox(fail_with=PermanentDeliveryError("550 no such user"), fail_for={team["officer"].email})
    result = _sweep(db_session, deadline.due_at - 3 * DAY, outbox)
    assert (result.failed, result.retried, result.sent) == (1, 0, 3)
    assert db_session.scalar(select(Notification.user_id).where(Notification.kind == "reminder_failed")) \
        == team["admin"].id


def test_a_reminder_stuck_in_sending_after_a_crash_goes_out_once_its_lease_ends(db_session, sent_request):
    req, deadline = sent_request
    now = deadline.due_at - 3 * DAY
    email = db_session.scalar(select(Reminder.id).where(Reminder.due_at == now, Reminder.channel == "email")
                              .limit(1))
    db_session.execute(update(Reminder).where(Reminder.due_at == now).values(
        status="sending", claimed_by="crashed:1", claimed_until=now + LEASE, attempts=1))
    db_session.commit()
    outbox = Outbox()

    assert _sweep(db_session, now + LEASE - timedelta(seconds=1), outbox).claimed == 0
    result = _sweep(db_session, now + LEASE, outbox)

    assert (result.recovered, result.sent) == (4, 4)
    assert email in {i for d in outbox.sent for i in d.reminder_ids}
    assert db_session.get(Reminder, email).attempts == 2


def test_reminders_of_a_fulfilled_request_never_go_out(db_session, rules, sent_request):
    req, deadline = sent_request
    on_transition(db_session, req, "fulfil", SENT + DAY, rules)
    db_session.commit()
    outbox = Outbox()
    assert _sweep(db_session, deadline.due_at + 5 * DAY, outbox).claimed == 0


# --- no SMTP on this instance (sender None): e-mail is skipped, not failed -------------------------------------
def test_without_smtp_email_is_skipped_in_app_still_goes_out_and_no_admin_is_told(db_session, sent_request, team):
    _, deadline = sent_request
    now = deadline.due_at - 3 * DAY

    result = _sweep(db_session, now, None)

    assert (result.claimed, result.sent, result.skipped, result.failed, result.retried) == (4, 2, 2, 0, 0)
    rows = db_session.scalars(select(Reminder).where(Reminder.due_at == now)).all()
    assert {(r.channel, r.status) for r in rows} == {("in_app", "sent"), ("email", "skipped")}
    assert {r.last_error for r in rows if r.channel == "email"} == {SKIPPED_NO_SMTP}
    notes = db_session.scalars(select(Notification)).all()
    assert sorted((n.kind, n.user_id) for n in notes) == sorted(
        [("reminder", team["investigator"].id), ("reminder", team["officer"].id)])  # one each, none for admins
    assert _sweep(db_session, now + timedelta(minutes=1), None).claimed == 0  # skipped is final


def test_without_smtp_someone_who_chose_email_only_is_told_in_app_instead(db_session, rules, team, make_request):
    officer = team["officer"]
    officer.preferences = {"reminders": {"channels": ["email"]}}
    req = make_request()
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    db_session.commit()
    now = deadline.due_at - 3 * DAY

    _sweep(db_session, now, None)

    [skipped] = db_session.scalars(select(Reminder).where(Reminder.user_id == officer.id,
                                                          Reminder.due_at == now)).all()
    assert (skipped.channel, skipped.status) == ("email", "skipped")
    assert skipped.last_error == f"{SKIPPED_NO_SMTP}; told in-app instead"
    [note] = db_session.scalars(select(Notification).where(Notification.user_id == officer.id)).all()
    assert note.kind == "reminder" and req.reference in note.message and "due in 3 days" in note.message


def test_the_summary_mentions_skipped_mail_only_when_there_was_some():
    assert "skipped" not in SweepResult(claimed=2, sent=2).summary()
    assert SweepResult(claimed=2, sent=1, skipped=1).summary().endswith(", 1 e-mail skipped (no SMTP)")
