"""Reminder e-mails, received by a real SMTP server on a free local port."""

from __future__ import annotations

import email
import socket
from datetime import timedelta
from email import policy

import pytest
from aiosmtpd.controller import Controller
from sqlalchemy import select

from lawreq.deadlines.jobs import BACKOFF, sweep_due_reminders
from lawreq.deadlines.mail import PermanentDeliveryError, SmtpSender, SmtpSettings
from lawreq.deadlines.models import Reminder
from lawreq.deadlines.services import on_transition
from tests.deadlines.conftest import SENT


class Capture:
    def __init__(self) -> None:
        self.messages: list[tuple[str, list[str], bytes]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 no such user"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.messages.append((envelope.mail_from, list(envelope.rcpt_tos), envelope.content))
        return "250 Message accepted for delivery"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def smtp_server():
    handler = Capture()
    controller = Controller(handler, hostname="127.0.0.1", port=_free_port())
    controller.start()
    try:
        yield controller, handler
    finally:
        controller.stop()


@pytest.fixture
def sender(app, smtp_server):
    controller, _ = smtp_server
    config = {**app.config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_SECURITY": "none",
              "SMTP_FROM": "Lawreq <reminders@lawreq.test>"}
    with SmtpSender(SmtpSettings.from_config(config)) as sender:
        yield sender


@pytest.fixture
def due_request(db_session, rules, team, make_request):
    req = make_request(reference="LR-2026-ÄÖ-0042")
    [deadline] = on_transition(db_session, req, "mark_sent", SENT, rules)
    db_session.commit()
    return req, deadline


def _parse(raw: bytes):
    return email.message_from_bytes(raw, policy=policy.default)


def test_the_reminder_mail_names_the_request_the_deadline_and_links_to_it_and_nothing_more(
        db_session, due_request, team, sender, smtp_server):
    req, deadline = due_request
    case_reference = req.case.reference
    _, captured = smtp_server
    now = deadline.due_at - timedelta(days=3)
    sweep_due_reminders(db_session, now, sender, worker_id="mail-test")

    assert len(captured.messages) == 2
    by_rcpt = {rcpts[0]: _parse(raw) for _, rcpts, raw in captured.messages}
    msg = by_rcpt[team["officer"].email]
    [reminder_id] = db_session.scalars(select(Reminder.id).where(
        Reminder.user_id == team["officer"].id, Reminder.due_at == now, Reminder.channel == "email")).all()
    assert msg["Message-ID"] == f"<reminder-{reminder_id}@lawreq.invalid>"
    assert msg["From"] == "Lawreq <reminders@lawreq.test>"
    assert msg["Subject"] == "Deadline: LR-2026-ÄÖ-0042 response is due in 3 days"
    text = msg.get_body(("plain",)).get_content()
    html = msg.get_body(("html",)).get_content()
    link = f"http://lawreq.test/requests/{req.id}"
    for body in (text, html):
        assert "LR-2026-ÄÖ-0042" in body and "response" in body and link in body
        assert "2026-12-04 00:00 UTC" in body
        assert "Jane Roe" not in body and case_reference not in body and "fraud" not in body


def test_an_escalation_says_it_is_overdue(db_session, due_request, team, sender, smtp_server):
    req, deadline = due_request
    _, captured = smtp_server
    sweep_due_reminders(db_session, deadline.due_at + timedelta(days=1), sender, worker_id="mail-test")
    subjects = {_parse(raw)["Subject"] for _, _, raw in captured.messages}
    assert "Overdue: LR-2026-ÄÖ-0042 response is overdue by 1 day" in subjects
    texts = [_parse(raw).get_body(("plain",)).get_content() for _, _, raw in captured.messages]
    assert any("escalated to the unit's liaison officers" in t for t in texts)


def test_a_refused_recipient_is_a_permanent_failure(db_session, due_request, team, sender, smtp_server):
    req, deadline = due_request
    _, captured = smtp_server
    captured.refuse.add(team["officer"].email)
    result = sweep_due_reminders(db_session, deadline.due_at - timedelta(days=3), sender, worker_id="mail-test")
    assert (result.sent, result.failed, result.retried) == (3, 1, 0)
    assert [rcpts for _, rcpts, _ in captured.messages] == [[team["investigator"].email]]


def test_mail_is_retried_after_the_server_was_down(db_session, due_request, team, sender, smtp_server):
    req, deadline = due_request
    controller, captured = smtp_server
    controller.stop()
    controller.stop = lambda: None  # the fixture's teardown must not stop it twice
    now = deadline.due_at - timedelta(days=3)
    down = sweep_due_reminders(db_session, now, sender, worker_id="mail-test")
    assert (down.sent, down.retried) == (2, 2)  # the in-app ones still went out

    restarted = Controller(captured, hostname="127.0.0.1", port=controller.port)
    restarted.start()
    try:
        up = sweep_due_reminders(db_session, now + BACKOFF[0], sender, worker_id="mail-test")
    finally:
        restarted.stop()
    assert (up.sent, up.retried) == (2, 0)
    assert sorted(r[0] for _, r, _ in captured.messages) == sorted([team["investigator"].email,
                                                                    team["officer"].email])


def test_settings_without_a_host_are_refused_by_name(app):
    with pytest.raises(PermanentDeliveryError, match="SMTP_HOST is not set"):
        SmtpSettings.from_config({**app.config, "SMTP_HOST": None})


def test_one_user_with_three_items_due_gets_one_message_listing_them_all(db_session, rules, team, make_request,
                                                                        sender, smtp_server):
    from lawreq.deadlines.models import Notification

    _, captured = smtp_server
    requests = [make_request(reference=f"LR-2026-GROUP-{n}") for n in (1, 2, 3)]
    due = [on_transition(db_session, req, "mark_sent", SENT, rules)[0] for req in requests]
    db_session.commit()
    now = due[0].due_at - timedelta(days=3)

    result = sweep_due_reminders(db_session, now, sender, worker_id="mail-test")

    assert result.sent == 12  # 3 deadlines x 2 people x 2 channels, every row marked
    mine = [_parse(raw) for _, rcpts, raw in captured.messages if rcpts == [team["officer"].email]]
    assert len(mine) == 1
    msg = mine[0]
    assert msg["Subject"] == "Deadline: 3 deadlines need you (LR-2026-GROUP-1, LR-2026-GROUP-2, LR-2026-GROUP-3)"
    text = msg.get_body(("plain",)).get_content()
    for req in requests:
        assert req.reference in text and f"http://lawreq.test/requests/{req.id}" in text
    assert len(captured.messages) == 2  # one for the officer, one for the investigator
    notes = db_session.scalars(select(Notification).where(Notification.user_id == team["officer"].id)).all()
    assert len(notes) == 1 and all(req.reference in notes[0].message for req in requests)
