"""Cases and the requests built for them, with their state history and attachments."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, Float, ForeignKey, Index, Integer, LargeBinary, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawreq.auth.models import Unit, User
from lawreq.core.clock import utcnow
from lawreq.db import Base, JSONType, UTCDateTime


class Case(Base):
    """An investigation file; requests inherit its unit, so unit scoping follows the case."""

    __tablename__ = "cases"
    __table_args__ = (UniqueConstraint("unit_id", "reference"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"), index=True)
    reference: Mapped[str] = mapped_column(String(80))
    #: A short name colleagues recognise the case by (the reference is the file number).
    title: Mapped[str | None] = mapped_column(String(200))
    offence: Mapped[str] = mapped_column(String(64))
    max_penalty_years: Mapped[float | None] = mapped_column(Float)
    summary: Mapped[str] = mapped_column(Text, default="")
    offence_country: Mapped[str | None] = mapped_column(String(2))
    committed_online: Mapped[bool] = mapped_column(Boolean, default=True)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    unit: Mapped[Unit] = relationship()
    requests: Mapped[list[LegalRequest]] = relationship(back_populates="case")

    def __repr__(self) -> str:
        return f"<Case {self.id} {self.reference}>"


#: Requests the addressee has disposed of, with a sending time: what the route recommendation learns from.
DECIDED_STATES = ("fulfilled", "partially_fulfilled", "refused", "lapsed")
DECIDED_PREDICATE = ("sent_at IS NOT NULL AND state IN ("
                     + ", ".join(f"'{state}'" for state in DECIDED_STATES) + ")")
#: Of those, the ones answered with data.
ANSWERED_STATES = ("fulfilled", "partially_fulfilled")
ANSWERED_PREDICATE = ("sent_at IS NOT NULL AND state IN ("
                      + ", ".join(f"'{state}'" for state in ANSWERED_STATES) + ")")


class LegalRequest(Base):
    """One request to one addressee on one route.

    ``facts`` are the engine inputs and ``details`` the wizard's answers; ``rules_version`` pins the rule set the
    route was chosen under, so a later YAML edit never silently changes a request in flight. ``version`` is the
    optimistic lock: two people saving the same draft get a conflict, not a silent overwrite.
    """

    __tablename__ = "legal_requests"
    __table_args__ = (
        Index("ix_legal_requests_unit_state", "unit_id", "state"),
        Index("ix_legal_requests_unit_updated", "unit_id", "updated_at"),
        #: The statistics page's query reads these columns only: on PostgreSQL it never visits the table.
        Index("ix_legal_requests_unit_sent", "unit_id", "sent_at",
              postgresql_include=["state", "provider_id", "route_id", "addressee_country", "acknowledged_at",
                                  "closed_at"]),
        #: The route recommendation reads a provider's latest decided requests (``history.route_figures``,
        #: ``measured_medians``): this walks exactly those, newest first, and stops at the query's limit, instead of
        #: visiting every request ever sent to the provider (1 M requests: 14 000 heap pages per wizard step).
        Index("ix_legal_requests_provider_decided", "provider_id", "sent_at",
              postgresql_where=text(DECIDED_PREDICATE), sqlite_where=text(DECIDED_PREDICATE)),
        #: The same for one unit's answered requests ("your unit's median" on the route step).
        Index("ix_legal_requests_unit_provider_answered", "unit_id", "provider_id", "sent_at",
              postgresql_where=text(ANSWERED_PREDICATE), sqlite_where=text(ANSWERED_PREDICATE)),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("units.id"))
    created_by_id: Mapped[int] = mapped_column(ForeignKey("users.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(ForeignKey("legal_requests.id"), index=True)
    reference: Mapped[str] = mapped_column(String(40), unique=True)
    state: Mapped[str] = mapped_column(String(32), default="draft")
    wizard_step: Mapped[str] = mapped_column(String(32), default="target")
    route_id: Mapped[str | None] = mapped_column(String(120), index=True)
    route_kind: Mapped[str | None] = mapped_column(String(40))
    form_id: Mapped[str | None] = mapped_column(String(40))
    provider_id: Mapped[str | None] = mapped_column(String(64), index=True)
    addressee_country: Mapped[str | None] = mapped_column(String(2), index=True)
    issuing_country: Mapped[str] = mapped_column(String(2))
    emergency: Mapped[bool] = mapped_column(Boolean, default=False, index=True)
    #: Authority that must issue or validate before sending (None: the investigator's authority suffices).
    approval_authority: Mapped[str | None] = mapped_column(String(32))
    #: Approver group that validates after the fact an order issued without prior validation (Reg. (EU) 2023/1543
    #: Art. 4(5)); None for every other request.
    validation_authority: Mapped[str | None] = mapped_column(String(32))
    rules_version: Mapped[str | None] = mapped_column(String(64))
    facts: Mapped[dict] = mapped_column(JSONType, default=dict)
    details: Mapped[dict] = mapped_column(JSONType, default=dict)
    identifiers: Mapped[list] = mapped_column(JSONType, default=list)
    #: Lower-cased case reference + identifier values, for the board's search (trigram-indexable on PostgreSQL).
    search_text: Mapped[str] = mapped_column(Text, default="")
    submitted_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decided_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    decided_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    decision_note: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    sent_channel: Mapped[str | None] = mapped_column(String(120))
    provider_reference: Mapped[str | None] = mapped_column(String(120))
    acknowledged_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    outcome: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: Earliest open deadline, denormalised so the board sorts and filters on an index.
    next_deadline_at: Mapped[datetime | None] = mapped_column(UTCDateTime, index=True)
    version: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow, onupdate=utcnow)

    __mapper_args__ = {"version_id_col": version}

    case: Mapped[Case] = relationship(back_populates="requests")
    unit: Mapped[Unit] = relationship()
    created_by: Mapped[User] = relationship(foreign_keys=[created_by_id])
    decided_by: Mapped[User | None] = relationship(foreign_keys=[decided_by_id])
    parent: Mapped[LegalRequest | None] = relationship(remote_side=[id])
    events: Mapped[list[RequestEvent]] = relationship(back_populates="request", order_by="RequestEvent.id")

    def __repr__(self) -> str:
        return f"<LegalRequest {self.id} {self.state}>"


class RequestEvent(Base):
    """One transition or logged action: the request's own history (the audit log holds the tamper-evident copy)."""

    __tablename__ = "request_events"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    actor_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    action: Mapped[str] = mapped_column(String(40))
    from_state: Mapped[str | None] = mapped_column(String(32))
    to_state: Mapped[str | None] = mapped_column(String(32))
    note: Mapped[str | None] = mapped_column(Text)
    data: Mapped[dict] = mapped_column(JSONType, default=dict)

    request: Mapped[LegalRequest] = relationship(back_populates="events")
    actor: Mapped[User | None] = relationship()

    def __repr__(self) -> str:
        return f"<RequestEvent {self.id} {self.action}>"


class Attachment(Base):
    __tablename__ = "attachments"

    id: Mapped[int] = mapped_column(primary_key=True)
    request_id: Mapped[int] = mapped_column(ForeignKey("legal_requests.id", ondelete="CASCADE"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    size: Mapped[int] = mapped_column(Integer)
    sha256: Mapped[str] = mapped_column(String(64))
    data: Mapped[bytes] = mapped_column(LargeBinary)
    uploaded_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    def __repr__(self) -> str:
        return f"<Attachment {self.id} {self.filename}>"
