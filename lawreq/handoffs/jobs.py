"""The hand-off sweep: the reminders' claim (``lawreq.deadlines.jobs``) applied to the workflow outbox.

Each due message is claimed by exactly one sweeper (one conditional UPDATE over ``FOR UPDATE SKIP LOCKED`` on
PostgreSQL, ``BEGIN IMMEDIATE`` on SQLite), delivered after the claim commits, and its outcome committed on its
own. An in-app escalation is written in the transaction that marks it sent. An escalation whose request no longer
waits for approval is cancelled instead of claimed: the decision came first.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable
from datetime import datetime, timedelta

from sqlalchemy import and_, exists, insert, or_, select, update
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.deadlines.jobs import BACKOFF, LEASE, MAX_ATTEMPTS, SweepResult, _transaction
from lawreq.deadlines.mail import SKIPPED_NO_SMTP, HandoffMail, PermanentDeliveryError
from lawreq.deadlines.models import Notification
from lawreq.handoffs.models import WorkflowMessage
from lawreq.legal_requests.models import LegalRequest

log = logging.getLogger(__name__)

HandoffSender = Callable[[HandoffMail], None]


def sweep_due_handoffs(db_factory: Callable[[], Session], now: datetime, sender: HandoffSender | None, *,
                       worker_id: str, batch: int = 200, lease: timedelta = LEASE,
                       max_attempts: int = MAX_ATTEMPTS) -> SweepResult:
    """Deliver every workflow message due at ``now`` (see the module docstring); ``sender`` None: no SMTP."""
    result = SweepResult(recovered=_recover(db_factory, now))
    _cancel_stale_escalations(db_factory)
    while True:
        token = f"{worker_id[:46]}:{secrets.token_hex(8)}"
        mails = _claim(db_factory, now, token, batch, lease)
        result += SweepResult(claimed=len(mails))
        for mail in mails:
            result += _deliver(db_factory, now, token, mail, sender, max_attempts)
        if len(mails) < batch:
            return result


def _still_waiting():
    """An escalation is due only while its request waits for approval; other messages always."""
    waiting = exists().where(LegalRequest.id == WorkflowMessage.request_id,
                             LegalRequest.state == "awaiting_approval")
    return or_(WorkflowMessage.kind != "escalation", waiting)


def _due(now: datetime):
    return and_(WorkflowMessage.status == "pending", WorkflowMessage.due_at <= now,
                or_(WorkflowMessage.claimed_until.is_(None), WorkflowMessage.claimed_until <= now))


def _recover(db_factory: Callable[[], Session], now: datetime) -> int:
    with _transaction(db_factory) as conn:
        return conn.execute(update(WorkflowMessage).where(WorkflowMessage.status == "sending",
                                                          WorkflowMessage.claimed_until <= now)
                            .values(status="pending", claimed_by=None, claimed_until=None)).rowcount


def _cancel_stale_escalations(db_factory: Callable[[], Session]) -> None:
    """Escalations of requests decided by a path that did not cancel them (a direct database edit, a crash)."""
    with _transaction(db_factory) as conn:
        conn.execute(update(WorkflowMessage).where(WorkflowMessage.status == "pending",
                                                   WorkflowMessage.kind == "escalation", ~_still_waiting())
                     .values(status="cancelled"))


def _claim(db_factory: Callable[[], Session], now: datetime, token: str, batch: int,
           lease: timedelta) -> list[HandoffMail]:
    due = (select(WorkflowMessage.id).where(_due(now), _still_waiting()).order_by(WorkflowMessage.due_at)
           .limit(batch).with_for_update(skip_locked=True))
    with _transaction(db_factory) as conn:
        conn.execute(update(WorkflowMessage).where(WorkflowMessage.id.in_(due), WorkflowMessage.status == "pending")
                     .values(status="sending", claimed_by=token, claimed_until=now + lease,
                             attempts=WorkflowMessage.attempts + 1))
        rows = conn.execute(
            select(WorkflowMessage.id, WorkflowMessage.user_id, User.email, User.name, WorkflowMessage.channel,
                   WorkflowMessage.request_id, LegalRequest.reference, WorkflowMessage.kind, WorkflowMessage.urgent,
                   WorkflowMessage.subject, WorkflowMessage.body)
            .join(User, User.id == WorkflowMessage.user_id).join(LegalRequest,
                                                                 LegalRequest.id == WorkflowMessage.request_id)
            .where(WorkflowMessage.claimed_by == token, WorkflowMessage.status == "sending")
            .order_by(WorkflowMessage.due_at, WorkflowMessage.id)).all()
    return [HandoffMail(*row) for row in rows]


def _mine(mail: HandoffMail, token: str):
    return and_(WorkflowMessage.id == mail.message_row_id, WorkflowMessage.claimed_by == token,
                WorkflowMessage.status == "sending")


def _notification(mail: HandoffMail, now: datetime) -> dict:
    return {"user_id": mail.user_id, "request_id": mail.request_id, "kind": f"handoff_{mail.kind}",
            "message": mail.body, "urgent": mail.urgent, "created_at": now}


def _deliver(db_factory: Callable[[], Session], now: datetime, token: str, mail: HandoffMail,
             sender: HandoffSender | None, max_attempts: int) -> SweepResult:
    if mail.channel == "in_app":
        with _transaction(db_factory) as conn:
            if conn.execute(update(WorkflowMessage).where(_mine(mail, token))
                            .values(status="sent", sent_at=now, last_error=None)).rowcount:
                conn.execute(insert(Notification).values(**_notification(mail, now)))
        return SweepResult(sent=1)
    if sender is None:
        with _transaction(db_factory) as conn:
            conn.execute(update(WorkflowMessage).where(_mine(mail, token))
                         .values(status="skipped", last_error=SKIPPED_NO_SMTP))
        return SweepResult(skipped=1)
    try:
        sender(mail)
    except PermanentDeliveryError as exc:
        log.warning("hand-off %s refused for good: %s", mail.message_row_id, exc)
        _give_up(db_factory, now, token, mail, "failed", str(exc))
        return SweepResult(failed=1)
    except Exception as exc:  # noqa: BLE001 - any other failure is temporary: retry, never block the others
        log.warning("hand-off %s not delivered (will retry): %r", mail.message_row_id, exc)
        with _transaction(db_factory) as conn:
            attempts = conn.scalar(select(WorkflowMessage.attempts)
                                   .where(WorkflowMessage.id == mail.message_row_id)) or 0
            if attempts < max_attempts:
                wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
                conn.execute(update(WorkflowMessage).where(_mine(mail, token)).values(
                    status="pending", claimed_by=None, claimed_until=now + wait, last_error=repr(exc)[:2000]))
                return SweepResult(retried=1)
        _give_up(db_factory, now, token, mail, "dead", f"gave up after {attempts} attempts: {exc!r}")
        return SweepResult(failed=1)
    with _transaction(db_factory) as conn:
        conn.execute(update(WorkflowMessage).where(_mine(mail, token)).values(status="sent", sent_at=now,
                                                                              last_error=None))
    return SweepResult(sent=1)


def _give_up(db_factory: Callable[[], Session], now: datetime, token: str, mail: HandoffMail, status: str,
             error: str) -> None:
    """Mark the message failed/dead and tell the admins in-app, as for a reminder that cannot be delivered."""
    with _transaction(db_factory) as conn:
        if not conn.execute(update(WorkflowMessage).where(_mine(mail, token))
                            .values(status=status, last_error=error[:2000])).rowcount:
            return
        admins = conn.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))).all()
        message = (f"A notification e-mail to {mail.email} about {mail.reference} ({mail.kind.replace('_', ' ')}) "
                   f"could not be delivered ({status}): {error[:300]}")
        if admins:
            conn.execute(insert(Notification), [
                {"user_id": uid, "request_id": mail.request_id, "kind": "handoff_" + status, "message": message,
                 "urgent": mail.urgent, "created_at": now} for uid in admins])
