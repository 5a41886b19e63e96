"""Each hand-off tells the people who act next, in-app at once and by e-mail through the sweep; an emergency nobody
decides on escalates once, after 30 minutes, to every approver of the unit and the admins."""

from __future__ import annotations

import email
from datetime import timedelta
from email import policy

import time_machine
from sqlalchemy import select

from lawreq.deadlines.models import Notification
from lawreq.handoffs.jobs import sweep_due_handoffs
from lawreq.handoffs.models import WorkflowMessage
from lawreq.handoffs.services import set_channels
from tests.handoffs.conftest import SUBMITTED


def _notes(db_session, user):
    return db_session.scalars(select(Notification).where(Notification.user_id == user.id)
                              .order_by(Notification.id)).all()


def _mails(captured):
    return [(rcpts[0], email.message_from_bytes(raw, policy=policy.default)) for _, rcpts, raw in captured.messages]


def _sweep(db_session, now, sender):
    return sweep_due_handoffs(db_session, now, sender.handoff if sender else None, worker_id="test")


def test_an_emergency_reaches_its_prosecutor_at_once_urgent_in_app_and_by_mail(db_session, crew, draft, act, mailer):
    sender, captured = mailer
    req = draft(emergency=True, reference="LR-FI-2026-00007")
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)

    [note] = _notes(db_session, crew["prosecutor"])
    assert note.urgent and note.kind == "handoff_submitted" and note.request_id == req.id
    assert "EMERGENCY" in note.message and req.reference in note.message
    assert _notes(db_session, crew["judge"]) == []  # not routed to a judge
    assert _notes(db_session, crew["stranger"]) == []  # another unit's prosecutor
    assert _notes(db_session, crew["investigator"]) == []  # nobody is told what they did themselves

    result = _sweep(db_session, SUBMITTED, sender)
    assert result.sent == 1
    [(rcpt, msg)] = _mails(captured)
    assert rcpt == crew["prosecutor"].email
    assert msg["Subject"] == "EMERGENCY: LR-FI-2026-00007 waits for your approval"
    assert msg["Importance"] == "high"
    body = msg.get_body(("plain",)).get_content()
    assert f"http://lawreq.test/requests/{req.id}" in body and "Jane Roe" not in body


def test_the_escalation_fires_once_thirty_minutes_after_submission(db_session, crew, draft, act, mailer):
    sender, captured = mailer
    req = draft(emergency=True)
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    _sweep(db_session, SUBMITTED, sender)
    captured.messages.clear()

    with time_machine.travel(SUBMITTED + timedelta(minutes=29, seconds=59), tick=False):
        assert _sweep(db_session, SUBMITTED + timedelta(minutes=29, seconds=59), sender).claimed == 0
    at = SUBMITTED + timedelta(minutes=30)
    with time_machine.travel(at, tick=False):
        first = _sweep(db_session, at, sender)
        again = _sweep(db_session, at + timedelta(minutes=5), sender)

    everyone = {crew["prosecutor"].email, crew["judge"].email, crew["admin"].email}
    assert (first.sent, again.claimed) == (6, 0)  # 3 people x (in-app, e-mail), and never again
    assert sorted(rcpt for rcpt, _ in _mails(captured)) == sorted(everyone)
    assert all(m["Subject"].startswith("ESCALATED EMERGENCY") for _, m in _mails(captured))
    for who in ("prosecutor", "judge", "admin"):
        escalations = [n for n in _notes(db_session, crew[who]) if n.kind == "handoff_escalation"]
        assert len(escalations) == 1 and escalations[0].urgent
    assert _notes(db_session, crew["stranger"]) == []


def test_a_decision_within_thirty_minutes_cancels_the_escalation(db_session, crew, draft, act, mailer):
    sender, captured = mailer
    req = draft(emergency=True)
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    act(crew["prosecutor"], req, "approve", SUBMITTED + timedelta(minutes=12))
    _sweep(db_session, SUBMITTED + timedelta(hours=2), sender)
    assert not any(m["Subject"].startswith("ESCALATED") for _, m in _mails(captured))
    assert set(db_session.scalars(select(WorkflowMessage.status).where(WorkflowMessage.kind == "escalation"))) \
        == {"cancelled"}


def test_an_ordinary_request_never_escalates(db_session, crew, draft, act):
    req = draft()
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    assert db_session.scalars(select(WorkflowMessage.kind).where(WorkflowMessage.request_id == req.id)).all() \
        == ["submitted"]
    [note] = _notes(db_session, crew["prosecutor"])
    assert not note.urgent


def test_returned_tells_the_author_why_in_app_but_keeps_the_reason_out_of_the_mail(db_session, crew, draft, act,
                                                                                  mailer):
    sender, captured = mailer
    req = draft()
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    act(crew["prosecutor"], req, "return", SUBMITTED + timedelta(hours=1), note="The period is too broad for Jane Roe")
    _sweep(db_session, SUBMITTED + timedelta(hours=1), sender)

    [note] = _notes(db_session, crew["investigator"])
    assert note.kind == "handoff_returned" and "The period is too broad" in note.message
    [(rcpt, msg)] = [(r, m) for r, m in _mails(captured) if r == crew["investigator"].email]
    body = msg.get_body(("plain",)).get_content()
    assert "returned" in body and "The reason is shown in lawreq" in body and "Jane Roe" not in body


def test_approved_tells_the_author_and_the_liaison_officers_it_is_ready_to_send(db_session, crew, draft, act):
    req = draft()
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    act(crew["prosecutor"], req, "approve", SUBMITTED + timedelta(hours=1))
    assert [n.kind for n in _notes(db_session, crew["investigator"])] == ["handoff_approved"]
    [ready] = _notes(db_session, crew["officer"])
    assert ready.kind == "handoff_ready_to_send" and "send it" in ready.message


def test_refused_or_partly_answered_tells_the_author_and_the_officers(db_session, crew, draft, act, factory):
    second = factory.user("liaison_officer", units=[crew["unit"]])
    partly, refused = draft(), draft()
    for req in (partly, refused):
        act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
        act(crew["prosecutor"], req, "approve", SUBMITTED + timedelta(hours=1))
        act(crew["officer"], req, "mark_sent", SUBMITTED + timedelta(hours=2))
    act(crew["officer"], partly, "follow_up", SUBMITTED + timedelta(days=2), note="Called the provider")
    act(crew["officer"], partly, "partially_fulfil", SUBMITTED + timedelta(days=3))
    act(crew["officer"], refused, "refuse", SUBMITTED + timedelta(days=4), data={"reason": "no_data"})

    for who in (crew["investigator"], second):
        kinds = [(n.kind, n.request_id) for n in _notes(db_session, who)]
        assert ("handoff_partly_answered", partly.id) in kinds and ("handoff_refused", refused.id) in kinds
    # the officer who recorded it is not told what they did; a follow-up is no hand-off
    assert not [n for n in _notes(db_session, crew["officer"]) if n.kind in ("handoff_refused", "handoff_partly_answered")]
    assert not [n for n in _notes(db_session, second) if "follow" in n.kind]


def test_a_user_can_switch_a_channel_off_but_not_for_an_emergency(db_session, crew, draft, act):
    set_channels(crew["prosecutor"], ["in_app"])
    db_session.commit()
    quiet = draft()
    act(crew["investigator"], quiet, "submit_for_approval", SUBMITTED)
    assert db_session.scalars(select(WorkflowMessage).where(WorkflowMessage.request_id == quiet.id)).all() == []
    urgent = draft(emergency=True)
    act(crew["investigator"], urgent, "submit_for_approval", SUBMITTED)
    assert db_session.scalars(select(WorkflowMessage.user_id).where(
        WorkflowMessage.request_id == urgent.id, WorkflowMessage.kind == "submitted")).all() \
        == [crew["prosecutor"].id]


def test_without_smtp_the_mail_is_skipped_and_nobody_is_alerted(db_session, crew, draft, act):
    req = draft()
    act(crew["investigator"], req, "submit_for_approval", SUBMITTED)
    result = _sweep(db_session, SUBMITTED, None)
    assert (result.skipped, result.failed) == (1, 0)
    assert _notes(db_session, crew["admin"]) == []


def test_an_urgent_hand_off_starts_a_sweep_right_after_its_commit(db_session, crew, draft, act, app, monkeypatch):
    from lawreq.handoffs import at_once

    started = []

    class Thread:
        def __init__(self, target, args, **kw):
            self.call = (target, args)

        def start(self):
            started.append(self.call)

    monkeypatch.setattr(at_once.threading, "Thread", Thread)
    monkeypatch.setitem(app.config, "HANDOFFS_AT_ONCE", True)
    with app.app_context():
        act(crew["investigator"], draft(), "submit_for_approval", SUBMITTED)
        assert started == []  # an ordinary request waits for the scheduler's tick
        act(crew["investigator"], draft(emergency=True), "submit_for_approval", SUBMITTED)
    assert [(target.__name__, args[0]) for target, args in started] == [("sweep_now", app)]
