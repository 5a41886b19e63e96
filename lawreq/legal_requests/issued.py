"""The documents a request was issued with: the exact bytes approved, never rendered again.

One row per issued form: the PDF bytes as stored (signed where the unit has a key), their SHA-256, the exact input
mapping the renderer was given, who approved it and when. Later downloads return these bytes; a provider's copy is
checked against ``sha256`` (``lawreq forms verify`` and the public ``/verify`` page).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, ForeignKey, Integer, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawreq.auth.models import Unit, User
from lawreq.core.clock import utcnow
from lawreq.db import Base, JSONType, UTCDateTime

#: ``prepared``: drawn up for an approver who has not confirmed yet (never genuine, never downloaded);
#: ``issued``: the current document of the request; ``superseded``: the request was changed after approval and
#: approved again (or is waiting for it); ``withdrawn``: the request was withdrawn after it was issued.
STATUSES = ("prepared", "issued", "superseded", "withdrawn")


class IssuedDocument(Base):
    __tablename__ = "issued_documents"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    form_id: Mapped[str] = mapped_column(String(40))
    language: Mapped[str] = mapped_column(String(8))
    filename: Mapped[str] = mapped_column(String(255))
    #: The SHA-256 (hex) of ``pdf``: what a provider's copy is compared with.
    sha256: Mapped[str] = mapped_column(String(64), index=True)
    #: The SHA-256 of the document as rendered, before the signature was appended (equal to ``sha256`` unsigned).
    content_sha256: Mapped[str] = mapped_column(String(64))
    pdf: Mapped[bytes] = mapped_column(LargeBinary)
    size: Mapped[int] = mapped_column(Integer)
    #: The exact mapping ``lawreq.pdf.render`` was given (what the approver approved, as data).
    input: Mapped[dict] = mapped_column(JSONType, default=dict)
    rules_version: Mapped[str | None] = mapped_column(String(64))
    #: The request's version the document was drawn up from: a prepared document of an older version is void.
    request_version: Mapped[int] = mapped_column(Integer)
    signed: Mapped[bool] = mapped_column(Boolean, default=False)
    #: ``B-B`` or ``B-T`` (PAdES baseline level), None when unsigned.
    signature_level: Mapped[str | None] = mapped_column(String(8))
    #: The signing certificate's subject and SHA-256 fingerprint (who the PDF says signed it).
    signer_subject: Mapped[str | None] = mapped_column(Text)
    signer_fingerprint: Mapped[str | None] = mapped_column(String(64))
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    #: When the approver confirmed (the signature's time); the form prints the time the document was drawn up.
    approved_at: Mapped[datetime] = mapped_column(UTCDateTime)
    status: Mapped[str] = mapped_column(String(16), default="issued")
    status_changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    unit: Mapped[Unit] = relationship()
    approved_by: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<IssuedDocument {self.id} {self.form_id} {self.status}>"
