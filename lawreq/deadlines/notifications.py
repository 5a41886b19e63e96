"""In-app notifications: rows a user sees behind the badge on the home page until marked read."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawreq.deadlines.models import Notification


def notify(db: Session, user_ids: Iterable[int], *, kind: str, message: str,
           request_id: int | None = None) -> list[Notification]:
    """Add one notification per user (duplicates in ``user_ids`` are ignored)."""
    rows = [Notification(user_id=uid, kind=kind, message=message, request_id=request_id)
            for uid in dict.fromkeys(user_ids)]
    db.add_all(rows)
    db.flush()
    return rows


def recent(db: Session, user_id: int, limit: int = 100) -> list[Notification]:
    return list(db.scalars(select(Notification).where(Notification.user_id == user_id)
                           .order_by(Notification.read_at.is_not(None), Notification.urgent.desc(),
                                     Notification.id.desc()).limit(limit)))


def mark_read(db: Session, user_id: int, at: datetime, notification_id: int | None = None) -> int:
    """Mark one (or, without an id, every) unread notification of the user read; a stranger's id matches nothing."""
    stmt = update(Notification).where(Notification.user_id == user_id, Notification.read_at.is_(None))
    if notification_id is not None:
        stmt = stmt.where(Notification.id == notification_id)
    return db.execute(stmt.values(read_at=at)).rowcount
