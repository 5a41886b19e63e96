"""The admin lists: accounts by search and filters, units with their member counts."""

from __future__ import annotations

from lawreq.core.text import N_
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import Select, func, or_, select
from sqlalchemy.orm import Session

from lawreq.auth.models import Unit, User, memberships

#: Account states the users list filters on: key → label.
STATUSES = {"active": N_("Active"), "inactive": N_("Deactivated"), "locked": N_("Locked out"),
            "no_totp": N_("No second factor")}
#: At most this many rows on one page; the page says when a search should be narrowed.
LIMIT = 200


@dataclass(frozen=True)
class UserFilters:
    q: str = ""
    role: str = ""
    unit: str = ""
    status: str = ""


def users(db: Session, filters: UserFilters, now: datetime, limit: int = LIMIT) -> tuple[list[User], int]:
    """Matching accounts ordered by name (at most ``limit``) and how many match in all."""
    stmt = _filtered(select(User), filters, now)
    total = db.scalar(select(func.count()).select_from(stmt.subquery())) or 0
    rows = db.scalars(stmt.order_by(func.lower(User.name), User.id).limit(limit))
    return list(rows), total


def _filtered(stmt: Select, f: UserFilters, now: datetime) -> Select:
    if f.q:
        needle = f.q.strip().lower()
        stmt = stmt.where(or_(func.lower(User.name).contains(needle, autoescape=True),
                              func.lower(User.email).contains(needle, autoescape=True)))
    if f.role:
        stmt = stmt.where(User.role == f.role)
    if f.unit:
        stmt = stmt.where(User.units.any(Unit.code == f.unit))
    if f.status == "active":
        stmt = stmt.where(User.active.is_(True))
    elif f.status == "inactive":
        stmt = stmt.where(User.active.is_(False))
    elif f.status == "locked":
        stmt = stmt.where(User.locked_until > now)
    elif f.status == "no_totp":
        stmt = stmt.where(User.totp_secret.is_(None))
    return stmt


def all_units(db: Session) -> list[Unit]:
    return list(db.scalars(select(Unit).order_by(Unit.code)))


def units_with_counts(db: Session) -> list[tuple[Unit, int]]:
    """Every unit with its number of members, by code."""
    stmt = (select(Unit, func.count(memberships.c.user_id)).outerjoin(memberships, memberships.c.unit_id == Unit.id)
            .group_by(Unit.id).order_by(Unit.code))
    return [(unit, count) for unit, count in db.execute(stmt)]
