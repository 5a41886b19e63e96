"""Workflow messages waiting for delivery: an outbox swept like the reminders (pending → sending → sent)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Index, Integer, String, Text, text
from sqlalchemy.orm import Mapped, mapped_column

from lawreq.core.clock import utcnow
from lawreq.db import Base, UTCDateTime


class WorkflowMessage(Base):
    """One hand-off message for one user on one channel.

    Transitions write e-mail rows due at once (their in-app twin is written in the transition's own transaction);
    an emergency's escalation writes rows of both channels due 30 minutes after submission, which the sweep
    delivers only while the request still waits for approval. ``status`` moves like ``Reminder.status``.
    """

    __tablename__ = "workflow_messages"
    __table_args__ = (
        Index("ix_workflow_messages_due_pending", "due_at", postgresql_where=text("status = 'pending'"),
              sqlite_where=text("status = 'pending'")),
        Index("ix_workflow_messages_sending_lease", "claimed_until", postgresql_where=text("status = 'sending'"),
              sqlite_where=text("status = 'sending'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    #: submitted | returned | approved | ready_to_send | rejected | refused | partly_answered | escalation
    kind: Mapped[str] = mapped_column(String(40))
    channel: Mapped[str] = mapped_column(String(16))
    urgent: Mapped[bool] = mapped_column(Boolean, default=False)
    subject: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    claimed_by: Mapped[str | None] = mapped_column(String(64))
    claimed_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_error: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<WorkflowMessage {self.id} {self.kind} {self.channel} {self.status}>"
