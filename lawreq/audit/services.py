"""Append to and verify the audit log. Appends run in the caller's transaction, so a rolled-back change leaves
no audit row, and a committed change always has one."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawreq.audit.chain import Break, digest, entry_hash, verify
from lawreq.audit.models import AuditEntry, AuditHead
from lawreq.core.clock import utcnow
from lawreq.core.request_id import current_request_id


def record(db: Session, key: bytes, *, actor: Any | None, action: str, obj: Any | None = None,
           object_type: str | None = None, object_id: Any | None = None, detail: Mapping[str, Any] | None = None,
           before: Any | None = None, after: Any | None = None, actor_label: str | None = None) -> AuditEntry:
    """Append one entry. ``obj`` (a model) fills object type and id; ``before``/``after`` are stored as digests."""
    # Lock the head first: on PostgreSQL this row lock, on SQLite the write lock this UPDATE takes, serialises
    # appenders so two processes never chain onto the same predecessor.
    db.execute(update(AuditHead).where(AuditHead.id == 1).values(seq=AuditHead.seq + 1))
    head = db.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
    if obj is not None:
        object_type = object_type or obj.__tablename__
        object_id = object_id if object_id is not None else getattr(obj, "id", None)
    label = actor_label or (getattr(actor, "email", None) if actor is not None else None) or "system"
    entry = AuditEntry(
        seq=head.seq, at=utcnow(), actor_id=getattr(actor, "id", None), actor=label, action=action,
        object_type=object_type, object_id=None if object_id is None else str(object_id),
        detail=dict(detail or {}), before_digest=digest(before), after_digest=digest(after), prev_hash=head.hash,
        request_id=current_request_id(),
    )
    entry.hash = entry_hash(key, entry.prev_hash, seq=entry.seq, at=entry.at, actor=entry.actor,
                            action=entry.action, object_type=entry.object_type, object_id=entry.object_id,
                            detail=entry.detail, before_digest=entry.before_digest, after_digest=entry.after_digest,
                            request_id=entry.request_id)
    db.add(entry)
    db.execute(update(AuditHead).where(AuditHead.id == 1).values(hash=entry.hash))
    db.flush()
    return entry


def _entries(db: Session, batch: int = 5000) -> Iterator[AuditEntry]:
    last = 0
    while True:
        rows = db.scalars(select(AuditEntry).where(AuditEntry.seq > last).order_by(AuditEntry.seq).limit(batch)).all()
        if not rows:
            return
        yield from rows
        last = rows[-1].seq


def verify_log(db: Session, key: bytes) -> tuple[int, Break | None]:
    """Return (entries checked, first break or None); also checks the head matches the last entry."""
    count = 0

    def counted() -> Iterator[AuditEntry]:
        nonlocal count
        for e in _entries(db):
            count += 1
            yield e

    broken = verify(key, counted())
    if broken is None:
        head = db.execute(select(AuditHead.seq, AuditHead.hash).where(AuditHead.id == 1)).one()
        if head.seq != count:
            return count, Break(count + 1 if head.seq > count else head.seq,
                                f"head says {head.seq} entries but {count} are present (tail deleted)")
    return count, broken
