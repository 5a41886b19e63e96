"""The reminder sweep: claim what is due, deliver after commit, record the outcome.

Any number of sweepers may run at once (several scheduler processes, a manual ``lawreq scheduler --once``):
the claim is one conditional UPDATE over a ``FOR UPDATE SKIP LOCKED`` subquery on PostgreSQL, and under
``BEGIN IMMEDIATE`` on SQLite, so each due reminder is claimed by exactly one sweeper. Delivery happens after
the claim is committed, over one SMTP connection; each e-mail sent is recorded at once by a cheap commit
(:class:`_SentLog`), which also renews the claim's lease while a slow server is still taking the batch. A crash
loses nothing (rows stuck in ``sending`` go back to ``pending`` once their lease ends) and can resend at most the
one message that was in flight, which its deterministic Message-ID makes recognisable. In-app reminders are written in the same
transaction that marks them sent: exactly once. What one sweeper claims for one user on one channel goes out as
one :class:`Digest` (one mail, one in-app notification listing every item due), never one message per clock
(a sweep claims in batches of ``batch``; only a user with more items than that in one sweep gets more than one).
Without SMTP (no sender), e-mail reminders are marked ``skipped``: no attempt and no admin alert, since nothing
failed.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import Connection, and_, func, insert, or_, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session, aliased

from lawreq.auth.models import Unit, User
from lawreq.deadlines.mail import SKIPPED_NO_SMTP, Delivery, Digest, PermanentDeliveryError
from lawreq.deadlines.models import Deadline, Notification, Reminder
from lawreq.legal_requests.models import LegalRequest

log = logging.getLogger(__name__)

LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 5
#: Wait before the next try after the n-th failed attempt (the last value repeats).
BACKOFF = (timedelta(minutes=1), timedelta(minutes=5), timedelta(minutes=30), timedelta(hours=2))

Sender = Callable[[Digest], None]


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
        sent = _SentLog(db_factory, now, token, lease)
        try:
            for digest in group(deliveries):
                result += _deliver(db_factory, now, token, digest, sender, max_attempts, sent)
        finally:
            sent.close()
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


def group(deliveries: list[Delivery]) -> list[Digest]:
    """One digest per (user, channel), items in due order, digests in the order of their first item."""
    groups: dict[tuple[int, str], list[Delivery]] = {}
    for delivery in deliveries:
        groups.setdefault((delivery.user_id, delivery.channel), []).append(delivery)
    return [Digest(tuple(items)) for items in groups.values()]


class _SentLog:
    """Records each e-mail the server accepted as sent before the next one can be accepted, and renews the lease
    on what this sweeper still holds, so a batch delivered to a slow server never outlives its claim (another
    sweeper would take it back and send it again).

    Each record is its own short transaction, so a sweeper killed at any point re-sends at most the one message
    in flight. A sender that says so (``overlaps_records``, :class:`lawreq.deadlines.mail.SmtpSender`) gets
    :meth:`flush` as its ``ready`` callback: the record of message k is then committed once the first command of
    message k+1 is on the wire, while the server works on it, and before k+1 can be accepted; any other sender's
    message is recorded at once.

    What makes a commit per message affordable at a mail server's pace:

    * one connection of its own for the whole sweep, not a Session and a pool checkout per record;
    * on PostgreSQL that connection is in autocommit mode (one statement, one round trip: no BEGIN, no COMMIT)
      and does not wait for the WAL to reach the disk (``synchronous_commit = off``, set for this connection only
      and reset before it goes back to the pool). A killed sweeper loses nothing by that: the commit is done once
      the server has answered, and the server keeps it whatever happens to the client. Only a crash of the
      database server itself could forget the last few hundred milliseconds of "sent" marks, and those messages
      would then go out once more under the same deterministic Message-ID;
    * on SQLite each record is still a ``BEGIN IMMEDIATE`` transaction (the engine's ``begin`` hook), so the
      write lock is taken up front and released at once.

    A session bound to a connection rather than an engine (the test suite's outer transaction) gets a
    :func:`_transaction` per record, as before.
    """

    def __init__(self, db_factory: Callable[[], Session], now: datetime, token: str, lease: timedelta) -> None:
        self.db_factory, self.now, self.token, self.lease = db_factory, now, token, lease
        self.started = self.renewed = time.monotonic()
        self._pending: tuple[int, ...] = ()
        self._conn: Connection | None = None
        self._opened = False

    def add(self, digest: Digest, *, defer: bool = False) -> None:
        """Record ``digest`` as sent; with ``defer``, at the next :meth:`flush` (at the latest before the next
        message can be accepted)."""
        self._pending += digest.reminder_ids
        if not defer:
            self.flush()

    def flush(self) -> None:
        """Commit the pending record, if any (idempotent: the sender's ``ready`` and the sweep both call it)."""
        if self._pending:
            self._record(self._pending)
            self._pending = ()

    def renew_if_due(self) -> None:
        """Renew the lease once half of it has passed since the last renewal (a slow server, few messages)."""
        if time.monotonic() - self.renewed >= self.lease.total_seconds() / 2:
            self.flush()
            self._record(())

    def close(self) -> None:
        """Commit what is pending and give the connection back (its session settings reset)."""
        try:
            self.flush()
        finally:
            conn, self._conn = self._conn, None
            if conn is not None:
                try:
                    if conn.dialect.name == "postgresql":
                        conn.exec_driver_sql("RESET synchronous_commit")
                finally:
                    conn.close()

    def _record(self, ids: tuple[int, ...]) -> None:
        mine = and_(Reminder.claimed_by == self.token, Reminder.status == "sending")
        renew = not ids or time.monotonic() - self.renewed >= self.lease.total_seconds() / 4
        statements = []
        if ids:
            statements.append(update(Reminder).where(mine, Reminder.id.in_(ids))
                              .values(status="sent", sent_at=self.now, last_error=None))
        if renew:
            elapsed = timedelta(seconds=time.monotonic() - self.started)
            statements.append(update(Reminder).where(mine).values(claimed_until=self.now + elapsed + self.lease))
        conn = self._connection()
        if conn is None:
            with _transaction(self.db_factory) as tx:
                if tx.dialect.name == "postgresql":
                    tx.exec_driver_sql("SET LOCAL synchronous_commit TO OFF")
                for statement in statements:
                    tx.execute(statement)
        elif conn.dialect.name == "postgresql":  # autocommit: each statement is its own transaction
            for statement in statements:
                conn.execute(statement)
        else:
            with conn.begin():
                for statement in statements:
                    conn.execute(statement)
        if renew:
            self.renewed = time.monotonic()

    def _connection(self) -> Connection | None:
        """The sweep's own connection, opened on first use; None when the session is bound to a connection."""
        if not self._opened:
            self._opened = True
            db = self.db_factory()
            bind = db.get_bind()
            if isinstance(bind, Engine):
                conn = bind.connect()
                if conn.dialect.name == "postgresql":
                    conn = conn.execution_options(isolation_level="AUTOCOMMIT")
                    conn.exec_driver_sql("SET synchronous_commit TO OFF")
                self._conn = conn
        return self._conn


def _mine(digest: Digest, token: str):
    return and_(Reminder.id.in_(digest.reminder_ids), Reminder.claimed_by == token, Reminder.status == "sending")


def _deliver(db_factory: Callable[[], Session], now: datetime, token: str, digest: Digest,
             sender: Sender | None, max_attempts: int, sent: _SentLog) -> SweepResult:
    n = len(digest.items)
    overlaps = digest.channel == "email" and getattr(sender, "overlaps_records", False)
    if not overlaps:
        sent.flush()
    if digest.channel == "in_app":
        with _transaction(db_factory) as conn:
            if conn.execute(update(Reminder).where(_mine(digest, token))
                            .values(status="sent", sent_at=now, last_error=None)).rowcount:
                conn.execute(insert(Notification).values(user_id=digest.user_id, request_id=digest.request_id,
                                                         kind="reminder", message=digest.summary(), created_at=now))
        return SweepResult(sent=n)
    if sender is None:
        return _skip(db_factory, now, token, digest)
    sent.renew_if_due()
    try:
        if overlaps:
            sender(digest, ready=sent.flush)  # type: ignore[call-arg]
        else:
            sender(digest)
    except PermanentDeliveryError as exc:
        sent.flush()  # the message before was delivered whatever became of this one; a database error ends the sweep
        log.warning("reminders %s refused for good: %s", digest.reminder_ids, exc)
        _give_up(db_factory, now, token, digest, "failed", str(exc))
        return SweepResult(failed=n)
    except Exception as exc:  # noqa: BLE001 - any other failure is temporary: retry, never block the others
        sent.flush()
        log.warning("reminders %s not delivered (will retry): %r", digest.reminder_ids, exc)
        return _retry(db_factory, now, token, digest, repr(exc), max_attempts)
    sent.add(digest, defer=overlaps)
    return SweepResult(sent=n)


def _skip(db_factory: Callable[[], Session], now: datetime, token: str, digest: Digest) -> SweepResult:
    """No e-mail on this instance: mark the e-mail reminders ``skipped``; not a failure, so no admin is alerted.

    Items of someone who chose e-mail only (no in-app reminder for the same offset) are told in-app instead, in
    one notification: a legal deadline must not pass unannounced because the instance has no mail server.
    """
    this, twin = aliased(Reminder), aliased(Reminder)
    untold = []
    with _transaction(db_factory) as conn:
        for item in digest.items:
            in_app_twin = (select(twin.id).where(this.id == item.reminder_id, twin.channel == "in_app",
                                                 twin.deadline_id == this.deadline_id, twin.user_id == this.user_id,
                                                 twin.offset_seconds == this.offset_seconds).limit(1))
            told_in_app = conn.scalar(in_app_twin) is not None
            note = SKIPPED_NO_SMTP if told_in_app else f"{SKIPPED_NO_SMTP}; told in-app instead"
            if conn.execute(update(Reminder).where(_mine(Digest((item,)), token))
                            .values(status="skipped", last_error=note)).rowcount and not told_in_app:
                untold.append(item)
        if untold:
            rest = Digest(tuple(untold))
            conn.execute(insert(Notification).values(user_id=rest.user_id, request_id=rest.request_id,
                                                     kind="reminder", message=rest.summary(), created_at=now))
    return SweepResult(skipped=len(digest.items))


def _retry(db_factory: Callable[[], Session], now: datetime, token: str, digest: Digest, error: str,
           max_attempts: int) -> SweepResult:
    n = len(digest.items)
    with _transaction(db_factory) as conn:
        attempts = conn.scalar(select(func.max(Reminder.attempts))
                               .where(Reminder.id.in_(digest.reminder_ids))) or 0
        if attempts < max_attempts:
            wait = BACKOFF[min(attempts, len(BACKOFF)) - 1]
            conn.execute(update(Reminder).where(_mine(digest, token)).values(
                status="pending", claimed_by=None, claimed_until=now + wait, last_error=error[:2000]))
            return SweepResult(retried=n)
    _give_up(db_factory, now, token, digest, "dead", f"gave up after {attempts} attempts: {error}")
    return SweepResult(failed=n)


def _give_up(db_factory: Callable[[], Session], now: datetime, token: str, delivery: Digest, status: str,
             error: str) -> None:
    """Mark the reminder failed/dead and tell the admins in-app, since its recipient will never hear of it."""
    with _transaction(db_factory) as conn:
        if not conn.execute(update(Reminder).where(_mine(delivery, token))
                            .values(status=status, last_error=error[:2000])).rowcount:
            return
        message = (f"A reminder e-mail to {delivery.email} about {delivery.reference} "
                   f"({', '.join(d.kind_words for d in delivery.items)}) could not be delivered ({status}): "
                   f"{error[:300]}")
        admins = conn.scalars(select(User.id).where(User.role == "admin", User.active.is_(True))).all()
        if admins:
            conn.execute(insert(Notification), [
                {"user_id": uid, "request_id": delivery.request_id, "kind": "reminder_" + status,
                 "message": message, "created_at": now} for uid in admins])
