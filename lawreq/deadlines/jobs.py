"""The reminder sweep: claim what is due, deliver after commit, record the outcome.

Any number of sweepers may run at once (several scheduler processes, a manual ``lawreq scheduler --once``):
the claim is one conditional UPDATE over a ``FOR UPDATE SKIP LOCKED`` subquery on PostgreSQL, and under
``BEGIN IMMEDIATE`` on SQLite, so each due reminder is claimed by exactly one sweeper. Delivery happens after
the claim is committed and each outcome is committed on its own, so a crash loses nothing (rows stuck in
``sending`` go back to ``pending`` once their lease ends) and can resend at most the one message that was in
flight, which its deterministic Message-ID makes recognisable. In-app reminders are written in the same
transaction that marks them sent: exactly once. Without SMTP (no sender), e-mail reminders are marked ``skipped``:
no attempt and no admin alert, since nothing failed.
"""

from __future__ import annotations

import logging
import secrets
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from lawreq.auth.models import Unit, User
from lawreq.deadlines.mail import SKIPPED_NO_SMTP, Delivery, PermanentDeliveryError
from lawreq.deadlines.models import Deadline, Notification, Reminder
from lawreq.legal_requests.models import LegalRequest

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
#: Wait before the next try after the n-th failed attempt (the last value repeats).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))

Sender = Callable[[Delivery], None]


@dataclass(frozen=True)
class SweepResult:
    claimed: int = 0
    sent: int = 0
    failed: int = 0
    retried: int = 0
    recovered: int = 0
    skipped: int = 0

    def __add__(self, other: SweepResult) -> SweepResult:
        return SweepResult(*(a + b for a, b in zip(self._tuple(), other._tuple(), strict=True)))

    def _tuple(self) -> tuple[int, ...]:
        return (self.claimed, self.sent, self.failed, self.retried, self.recovered, self.skipped)

    def summary(self) -> str:
        line = (f"reminders: {self.claimed} claimed, {self.sent} sent, {self.retried} to retry, "
                f"{self.failed} failed, {self.recovered} recovered from a crashed sweep")
        return line + (f", {self.skipped} e-mail skipped (no SMTP)" if self.skipped else "")


def sweep_due_reminders(db_factory: Callable[[], Session], now: datetime, sender: Sender | None, *,
                        worker_id: str, batch: int = 200, lease: timedelta = LEASE,
                        max_attempts: int = MAX_ATTEMPTS) -> SweepResult:
    """Deliver every reminder due at ``now``, batch by batch, until none is left for this sweeper.

    ``sender`` delivers e-mail; it raises :class:`PermanentDeliveryError` for a refusal that retrying cannot
    fix and any other exception for a temporary failure (retried with back-off, ``dead`` after
    ``max_attempts``). ``sender`` is None on an instance without SMTP: e-mail reminders are then skipped
    (see :func:`_skip`).
    """
    result = SweepResult(recovered=_recover(db_factory, now))
    while True:
        token = f"{worker_id[:46]}:{secrets.token_hex(8)}"
        deliveries = _claim(db_factory, now, token, batch, lease)
        result += SweepResult(claimed=len(deliveries))
        for delivery in deliveries:
            result += _deliver(db_factory, now, token, delivery, sender, max_attempts)
        if len(deliveries) < batch:
            return result


def due_filter(now: datetime):
    """Pending, due, and not waiting for a retry: the rows the partial index ``ix_reminders_due_pending`` finds."""
    return and_(Reminder.status == "pending", Reminder.due_at <= now,
                or_(Reminder.claimed_until.is_(None), Reminder.claimed_until <= now))


@contextmanager
def _transaction(db_factory: Callable[[], Session]) -> Iterator[Connection]:
    """A short write transaction; on SQLite ``BEGIN IMMEDIATE`` so the write lock is taken up front."""
    db = db_factory()
    try:
        bind = db.get_bind()
        if isinstance(bind, Engine) and bind.dialect.name == "sqlite":
            with bind.connect() as conn:
                conn.info["immediate"] = True
                try:
                    with conn.begin():
                        yield conn
                finally:
                    conn.info.pop("immediate", None)
        else:
            yield db.connection()
            db.commit()
    except BaseException:
        db.rollback()
        raise
    finally:
        db.close()


def _recover(db_factory: Callable[[], Session], now: datetime) -> int:
    with _transaction(db_factory) as conn:
        return conn.execute(update(Reminder).where(Reminder.status == "sending", Reminder.claimed_until <= now)
                            .values(status="pending", claimed_by=None, claimed_until=None)).rowcount


def _claim(db_factory: Callable[[], Session], now: datetime, token: str, batch: int,
           lease: timedelta) -> list[Delivery]:
    due = (select(Reminder.id).where(due_filter(now)).order_by(Reminder.due_at).limit(batch)
           .with_for_update(skip_locked=True))
    with _transaction(db_factory) as conn:
        conn.execute(update(Reminder).where(Reminder.id.in_(due), Reminder.status == "pending")
                     .values(status="sending", claimed_by=token, claimed_until=now + lease,
                             attempts=Reminder.attempts + 1))
        rows = conn.execute(
            select(Reminder.id, Reminder.user_id, User.email, User.name, Reminder.channel, LegalRequest.id,
                   LegalRequest.reference, Deadline.kind, Deadline.due_at, Deadline.conservative_at, Unit.timezone,
                   Reminder.offset_seconds, Reminder.escalation, User.locale)
            .join(Deadline, Deadline.id == Reminder.deadline_id).join(LegalRequest)
            .join(Unit, Unit.id == LegalRequest.unit_id).join(User, User.id == Reminder.user_id)
            .where(Reminder.claimed_by == token, Reminder.status == "sending").order_by(Reminder.due_at)).all()
    return [Delivery(reminder_id=r[0], user_id=r[1], email=r[2], name=r[3], channel=r[4], request_id=r[5],
                     reference=r[6], kind=r[7], due_at=min(r[8], r[9] or r[8]), timezone=r[10] or "UTC",
                     offset_seconds=r[11], escalation=r[12], locale=r[13] or "en") for r in rows]


def _mine(delivery: Delivery, token: str):
    return and_(Reminder.id == delivery.reminder_id, Reminder.claimed_by == token, Reminder.status == "sending")


def _deliver(db_factory: Callable[[], Session], now: datetime, token: str, delivery: Delivery,
             sender: Sender | None, max_attempts: int) -> SweepResult:
    if delivery.channel == "in_app":
        with _transaction(db_factory) as conn:
            if conn.execute(update(Reminder).where(_mine(delivery, token))
                            .values(status="sent", sent_at=now, last_error=None)).rowcount:
                conn.execute(insert(Notification).values(user_id=delivery.user_id, request_id=delivery.request_id,
                                                         kind="reminder", message=delivery.summary(), created_at=now))
        return SweepResult(sent=1)
    if sender is None:
        return _skip(db_factory, now, token, delivery)
    try:
        sender(delivery)
    except PermanentDeliveryError as exc:
        log.warning("reminder %s refused for good: %s", delivery.reminder_id, exc)
        _give_up(db_factory, now, token, delivery, "failed", str(exc))
        return SweepResult(failed=1)
    except Exception as exc:  # noqa: BLE001 - any other failure is temporary: retry, never block the others
        log.warning("reminder %s not delivered (will retry): %r", delivery.reminder_id, exc)
        return _retry(db_factory, now, token, delivery, repr(exc), max_attempts)
    with _transaction(db_factory) as conn:
        conn.execute(update(Reminder).where(_mine(delivery, token)).values(status="sent", sent_at=now,
                                                                           last_error=None))
    return SweepResult(sent=1)


def _skip(db_factory: Callable[[], Session], now: datetime, token: str, delivery: Delivery) -> SweepResult:
    """No e-mail on this instance: mark the e-mail reminder ``skipped``; not a failure, so no admin is alerted.

    Someone who chose e-mail only (no in-app reminder for the same offset) is told in-app instead: a legal
    deadline must not pass unannounced because the instance has no mail server.
    """
    this, twin = aliased(Reminder), aliased(Reminder)
    in_app_twin = (select(twin.id).where(this.id == delivery.reminder_id, twin.channel == "in_app",
                                         twin.deadline_id == this.deadline_id, twin.user_id == this.user_id,
                                         twin.offset_seconds == this.offset_seconds).limit(1))
    with _transaction(db_factory) as conn:
        told_in_app = conn.scalar(in_app_twin) is not None
        note = SKIPPED_NO_SMTP if told_in_app else f"{SKIPPED_NO_SMTP}; told in-app instead"
        if conn.execute(update(Reminder).where(_mine(delivery, token))
                        .values(status="skipped", last_error=note)).rowcount and not told_in_app:
            conn.execute(insert(Notification).values(user_id=delivery.user_id, request_id=delivery.request_id,
                                                     kind="reminder", message=delivery.summary(), created_at=now))
    return SweepResult(skipped=1)


def _retry(db_factory: Callable[[], Session], now: datetime, token: str, delivery: Delivery, error: str,
           max_attempts: int) -> SweepResult:
    with _transaction(db_factory) as conn:
        attempts = conn.scalar(select(Reminder.attempts).where(Reminder.id == delivery.reminder_id)) or 0
        if attempts < max_attempts:
            wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
            conn.execute(update(Reminder).where(_mine(delivery, token)).values(
                status="pending", claimed_by=None, claimed_until=now + wait, last_error=error[:2000]))
            return SweepResult(retried=1)
    _give_up(db_factory, now, token, delivery, "dead", f"gave up after {attempts} attempts: {error}")
    return SweepResult(failed=1)


def _give_up(db_factory: Callable[[], Session], now: datetime, token: str, delivery: Delivery, status: str,
             error: str) -> None:
    """Mark the reminder failed/dead and tell the admins in-app, since its recipient will never hear of it."""
    with _transaction(db_factory) as conn:
        if not conn.execute(update(Reminder).where(_mine(delivery, token))
                            .values(status=status, last_error=error[:2000])).rowcount:
            return
        message = (f"A reminder e-mail to {delivery.email} about {delivery.reference} "
                   f"({delivery.kind_words}) could not be delivered ({status}): {error[:300]}")
        admins = conn.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))).all()
        if admins:
            conn.execute(insert(Notification), [
                {"user_id": uid, "request_id": delivery.request_id, "kind": "reminder_" + status,
                 "message": message, "created_at": now} for uid in admins])
