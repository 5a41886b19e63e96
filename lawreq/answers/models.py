"""What a provider sent back: files kept outside the web root by their SHA-256, and the outcome per identifier."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ForeignKey, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawreq.auth.models import User
from lawreq.core.clock import utcnow
from lawreq.db import Base, UTCDateTime

#: What the provider did for one identifier.
OUTCOMES = ("data_produced", "no_data", "refused", "partly")


class AnswerFile(Base):
    """One uploaded file; the bytes live in the instance folder under ``answers/<sha256[:2]>/<sha256>``."""

    __tablename__ = "answer_files"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    #: Detected from the bytes (magic), never taken from the client: pdf | csv | zip | eml.
    file_type: Mapped[str] = mapped_column(String(16))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    uploaded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    uploaded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    uploaded_by: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<AnswerFile {self.id} {self.file_type} {self.sha256[:12]}>"


class IdentifierOutcome(Base):
    """The provider's answer for one identifier of the request (by its position in ``LegalRequest.identifiers``)."""

    __tablename__ = "identifier_outcomes"
    __table_args__ = (UniqueConstraint("request_id", "position"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(Integer)
    identifier: Mapped[str] = mapped_column(String(300))
    outcome: Mapped[str] = mapped_column(String(20))
    #: An Annex III code (``lawreq.pdf.forms.eu.IMPOSSIBILITY_REASONS``) when refused.
    reason: Mapped[str | None] = mapped_column(String(40))
    note: Mapped[str | None] = mapped_column(Text)
    recorded_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"))
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<IdentifierOutcome {self.request_id}#{self.position} {self.outcome}>"
