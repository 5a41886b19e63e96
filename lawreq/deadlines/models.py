"""Deadlines, their reminders and in-app notifications, as rows: the scheduler only sweeps what is due."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, UniqueConstraint, false, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawreq.core.clock import utcnow
from lawreq.db import Base, JSONType, UTCDateTime
from lawreq.legal_requests.models import LegalRequest


class Deadline(Base):
    """A legal clock computed from the request's rule; keeps how it was computed so users can check it."""

    __tablename__ = "deadlines"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    kind: Mapped[str] = mapped_column(String(40))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime, index=True)
    conservative_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    event_at: Mapped[datetime] = mapped_column(UTCDateTime)
    period: Mapped[str] = mapped_column(String(20))
    counting: Mapped[str] = mapped_column(String(20))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    calendar: Mapped[str | None] = mapped_column(String(120))
    explanation: Mapped[list] = mapped_column(JSONType, default=list)
    cite: Mapped[list] = mapped_column(JSONType, default=list)
    rules_version: Mapped[str | None] = mapped_column(String(64))
    satisfied_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    #: Set when the rules version or a holiday changed under an open deadline and the recomputation differs.
    stale_reason: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    request: Mapped[LegalRequest] = relationship()
    reminders: Mapped[list[Reminder]] = relationship(back_populates="deadline", cascade="all, delete-orphan")

    def __repr__(self) -> str:
        return f"<Deadline {self.id} {self.kind}>"


class Reminder(Base):
    """One delivery before/at/after a deadline. ``status`` moves pending → sending → sent (or failed/dead)."""

    __tablename__ = "reminders"
    __table_args__ = (
        UniqueConstraint("deadline_id", "user_id", "offset_seconds", "channel"),
        Index("ix_reminders_due_pending", "due_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        Index("ix_reminders_sending_lease", "claimed_until", postgresql_where=text("status = 'sending'"),
              sqlite_where=text("status = 'sending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deadline_id: Mapped[int] = mapped_column(ForeignKey("deadlines.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    offset_seconds: Mapped[int] = mapped_column(Integer)
    escalation: Mapped[bool] = mapped_column(Boolean, default=False)
    channel: Mapped[str] = mapped_column(String(16))
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)

    deadline: Mapped[Deadline] = relationship(back_populates="reminders")

    def __repr__(self) -> str:
        return f"<Reminder {self.id} {self.status}>"


class Notification(Base):
    """An in-app message (the badge counts the unread ones)."""

    __tablename__ = "notifications"
    __table_args__ = (Index("ix_notifications_user_unread", "user_id", "read_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    request_id: Mapped[int | None] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(String(40))
    message: Mapped[str] = mapped_column(Text)
    #: An emergency waiting for someone: shown first and marked urgent.
    urgent: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<Notification {self.id} {self.kind}>"
