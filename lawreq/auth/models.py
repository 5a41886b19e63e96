"""People and the units they work in. Unit membership is what scopes every request a user may see."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

from sqlalchemy import Boolean, Column, ForeignKey, Integer, String, Table, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from lawreq.core.clock import utcnow
from lawreq.db import Base, JSONType, UTCDateTime

if TYPE_CHECKING:
    pass

#: Roles (DESIGN.md users). One role per account; an approver also has an authority type.
ROLES = ("investigator", "approver", "liaison_officer", "rules_maintainer", "admin")
#: What an approver is, in the rules' authority vocabulary (``senior_officer`` maps to ``police``).
AUTHORITY_TYPES = ("prosecutor", "investigating_judge", "judge", "senior_officer")

memberships = Table(
    "memberships",
    Base.metadata,
    Column("user_id", ForeignKey("users.id", ondelete="CASCADE"), primary_key=True),
    Column("unit_id", ForeignKey("units.id", ondelete="CASCADE"), primary_key=True),
)


class Unit(Base):
    """An investigation team or a liaison office, with the country and time zone its clocks are shown in."""

    __tablename__ = "units"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(String(40), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    country: Mapped[str] = mapped_column(String(2))
    timezone: Mapped[str] = mapped_column(String(64), default="UTC")
    authority_name: Mapped[str | None] = mapped_column(String(300))
    address: Mapped[str | None] = mapped_column(Text)
    email: Mapped[str | None] = mapped_column(String(320))
    phone: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    members: Mapped[list[User]] = relationship(secondary=memberships, back_populates="units")

    def __repr__(self) -> str:
        return f"<Unit {self.id} {self.code}>"


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(String(320), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    role: Mapped[str] = mapped_column(String(32))
    authority_type: Mapped[str | None] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(255))
    password_changed_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: The password was typed by an admin (admin pages or ``lawreq users create``): its owner must replace it right
    #: after the next login, and reaches nothing else until then (``auth.views.choose_password``).
    must_change_password: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    #: Interface language chosen on the account page; None follows the browser and the instance default.
    locale: Mapped[str | None] = mapped_column(String(8), nullable=True)
    totp_secret: Mapped[str | None] = mapped_column(String(64))
    totp_last_timecode: Mapped[int | None] = mapped_column(Integer)
    failed_logins: Mapped[int] = mapped_column(Integer, default=0)
    locked_until: Mapped[datetime | None] = mapped_column(UTCDateTime)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    #: Reminder preferences: {"email": bool, "in_app": bool, "offsets": ["-P3D", ...]}.
    preferences: Mapped[dict] = mapped_column(JSONType, default=dict)
    #: sha256 of the secret in the user's iCalendar feed URL; NULL = feed off. Revoking = new token.
    ical_token_hash: Mapped[str | None] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)

    units: Mapped[list[Unit]] = relationship(secondary=memberships, back_populates="members", lazy="selectin")

    # Flask-Login protocol, spelled out instead of the UserMixin so nothing implicit decides who is logged in.
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:  # pragma: no cover - sessions use AuthSession ids, see auth.sessions
        return str(self.id)

    @property
    def unit_ids(self) -> list[int]:
        return [u.id for u in self.units]

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class AuthSession(Base):
    """Server-side session registry: the cookie holds only this id, so logout and kills are real (ASVS 7.4)."""

    __tablename__ = "auth_sessions"

    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    #: Set once the second factor is passed (or not required); until then the session reaches only /login/totp.
    mfa_passed: Mapped[bool] = mapped_column(Boolean, default=False)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    ip: Mapped[str | None] = mapped_column(String(64))
    user_agent: Mapped[str | None] = mapped_column(String(300))

    user: Mapped[User] = relationship(lazy="joined")

    def __repr__(self) -> str:
        return f"<AuthSession user={self.user_id}>"


class ApiToken(Base):
    """A personal API token (long-lived, scoped, revocable by jti) that is exchanged for short access tokens."""

    __tablename__ = "api_tokens"
    __table_args__ = (UniqueConstraint("jti"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(100))
    scopes: Mapped[list] = mapped_column(JSONType, default=list)
    jti: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime)
    revoked_at: Mapped[datetime | None] = mapped_column(UTCDateTime)
    last_used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    user: Mapped[User] = relationship()

    def __repr__(self) -> str:
        return f"<ApiToken {self.id} user={self.user_id}>"


class RecoveryCode(Base):
    """One single-use code that stands in for a TOTP code (lost phone). Only a keyed hash is stored
    (``lawreq.auth.recovery``); ``used_at`` is set once, by a compare-and-set UPDATE, and never cleared."""

    __tablename__ = "recovery_codes"
    __table_args__ = (UniqueConstraint("user_id", "code_hash"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    #: HMAC-SHA256 hex digest of the normalised code; see ``lawreq.auth.recovery`` for why not argon2.
    code_hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime)

    def __repr__(self) -> str:
        return f"<RecoveryCode {self.id} user={self.user_id} {'used' if self.used_at else 'unused'}>"
