"""Account administration shared by the CLI, the demo seed and the admin pages."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawreq.auth.models import AUTHORITY_TYPES, ROLES, Unit, User
from lawreq.auth.passwords import hash_password, policy_problems


class UserError(ValueError):
    """The account cannot be created as asked; the message says which input is wrong."""


def create_user(db: Session, cfg: Mapping[str, Any], *, email: str, name: str, role: str,
                authority_type: str | None = None, unit_codes: Iterable[str] = (), password: str,
                totp_secret: str | None = None, must_change_password: bool = False) -> User:
    """Create an account (flushed, not committed). ``must_change_password``: the password was typed by an admin,
    so its owner must replace it at the next login (the admin pages and ``lawreq users create`` set it)."""
    email = email.strip().lower()
    check_role(role, authority_type)
    if db.scalar(select(User).where(func.lower(User.email) == email)):
        raise UserError(f"email: {email} already has an account")
    problems = policy_problems(password, cfg["PASSWORD_MIN_LENGTH"], email)
    if problems:
        raise UserError("password: " + " ".join(problems))
    units = units_by_code(db, unit_codes)
    user = User(email=email, name=name, role=role, authority_type=authority_type,
                password_hash=hash_password(password, cfg["PASSWORD_HASH_PROFILE"]), totp_secret=totp_secret,
                must_change_password=must_change_password, preferences={}, units=units)
    db.add(user)
    db.flush()
    return user


def check_role(role: str, authority_type: str | None) -> None:
    """Refuse an unknown role, an approver without an authority type, or an authority type on anyone else."""
    if role not in ROLES:
        raise UserError(f"role: {role!r} is not one of {', '.join(ROLES)}")
    if role == "approver" and authority_type not in AUTHORITY_TYPES:
        raise UserError(f"authority: an approver needs one of {', '.join(AUTHORITY_TYPES)}")
    if role != "approver" and authority_type:
        raise UserError("authority: only approvers have an authority type")


def units_by_code(db: Session, unit_codes: Iterable[str]) -> list[Unit]:
    """The units named by their codes, in that order; an unknown code is a ``unit:`` error."""
    units = []
    for code in unit_codes:
        unit = db.scalar(select(Unit).where(Unit.code == code))
        if unit is None:
            raise UserError(f"unit: no unit with code {code!r}")
        units.append(unit)
    return units
