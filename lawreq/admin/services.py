"""What an admin changes, each change with its guards and one audit entry; services flush, the view commits.

Errors are ``UserError``/``UnitError`` whose message starts with the input it is about (``"email: …"``), the
convention of ``lawreq.auth.admin``, so a page can show it on the right field. Every guard runs before anything is
changed, so a refused change leaves the session untouched. Audit entries carry the actor, the target and the changed
fields with their old and new values — never a password, a TOTP secret or a token.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from functools import cache
from typing import Any
from zoneinfo import available_timezones

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from lawreq.audit.services import record
from lawreq.auth.admin import UserError, check_role, create_user, units_by_code
from lawreq.auth.models import ApiToken, Unit, User
from lawreq.auth.services import delete_recovery_codes, set_password
from lawreq.auth.sessions import revoke_all
from lawreq.core.clock import utcnow

#: Unit fields an admin may change after creation (the code is the unit's identity in the CLI and exports).
UNIT_FIELDS = ("name", "country", "timezone", "authority_name", "address", "email", "phone")


class UnitError(ValueError):
    """The unit cannot be saved as asked; the message starts with the field it is about."""


@dataclass(frozen=True)
class Ctx:
    """Who acts, the audit key, the app config (password policy and hashing) and the time.

    ``actor`` is None for the system: ``lawreq users create`` at a terminal (audited as "system").
    """

    actor: User | None
    audit_key: bytes
    cfg: Mapping[str, Any]
    now: datetime | None = None

    @property
    def at(self) -> datetime:
        return self.now or utcnow()

    def is_self(self, user: User) -> bool:
        """True when the actor would change their own account (never for the system)."""
        return self.actor is not None and self.actor.id == user.id


def split_error(exc: ValueError) -> tuple[str, str]:
    """``"email: x already has an account"`` → ``("email", "x already has an account")``."""
    field, sep, message = str(exc).partition(": ")
    return (field, message) if sep and field.isidentifier() else ("", str(exc))


@cache
def known_timezones() -> frozenset[str]:
    return frozenset(available_timezones())


# --- users -----------------------------------------------------------------------------------------------------
def profile(user: User) -> dict[str, Any]:
    """The audited, non-secret account fields."""
    return {"name": user.name, "role": user.role, "authority_type": user.authority_type,
            "units": sorted(u.code for u in user.units), "active": user.active}


def add_user(db: Session, ctx: Ctx, *, email: str, name: str, role: str, authority_type: str | None,
             unit_codes: Iterable[str], password: str, must_change_password: bool = True) -> User:
    """Open an account with a password the admin typed, which its owner replaces at the first login (only
    ``lawreq users create --no-force-change``, for automation, opts out)."""
    user = create_user(db, ctx.cfg, email=email, name=name.strip(), role=role, authority_type=authority_type,
                       unit_codes=unit_codes, password=password, must_change_password=must_change_password)
    _audit(db, ctx, "user.created", user, fields={k: [None, v] for k, v in profile(user).items()},
           must_change_password=must_change_password)
    return user


def update_user(db: Session, ctx: Ctx, user: User, *, name: str, role: str, authority_type: str | None,
                unit_codes: Iterable[str], active: bool) -> dict[str, list[Any]]:
    """Apply the edit form; return the changed fields as ``{field: [old, new]}`` (empty: nothing changed).

    Deactivation has the side effects of ``deactivate_user``; a role change ends the person's sessions so the new
    role's login rules (a second factor for approvers and admins) apply from their next request on.
    """
    check_role(role, authority_type)
    units = units_by_code(db, unit_codes)
    if role != user.role:
        _guard_admin_loss(db, ctx, user, "role", "change your own role")
    if user.active and not active:
        _guard_admin_loss(db, ctx, user, "active", "deactivate your own account")
    before = profile(user)
    user.name, user.role, user.authority_type, user.units = name.strip(), role, authority_type or None, units
    after = profile(user)
    changes = {k: [before[k], after[k]] for k in before if before[k] != after[k]}
    if changes:
        ended = revoke_all(user.id) if "role" in changes else 0
        db.flush()
        _audit(db, ctx, "user.updated", user, fields=changes, sessions_ended=ended)
    if active != user.active:
        (deactivate_user if not active else reactivate_user)(db, ctx, user)
        changes["active"] = [not active, active]
    return changes


def deactivate_user(db: Session, ctx: Ctx, user: User) -> tuple[int, int]:
    """Deactivate, end every session and revoke every API token; return (sessions ended, tokens revoked).

    Reactivating later does not bring the tokens back: the person creates new ones.
    """
    if not user.active:
        raise UserError(f"active: {user.name} is already deactivated")
    _guard_admin_loss(db, ctx, user, "active", "deactivate your own account")
    user.active = False
    ended = revoke_all(user.id)
    revoked = db.execute(update(ApiToken).where(ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None))
                         .values(revoked_at=ctx.at)).rowcount
    db.flush()
    _audit(db, ctx, "user.deactivated", user, fields={"active": [True, False]}, sessions_ended=ended,
           api_tokens_revoked=revoked)
    return ended, revoked


def end_sessions(db: Session, ctx: Ctx, user: User) -> int:
    """End every browser session of the user (a lost laptop, a suspected stolen session); return how many.

    Their password, second factor and API tokens stay; they log in again. An admin's own sessions are ended on
    the account page instead, which keeps the one in use.
    """
    if ctx.is_self(user):
        raise UserError("sessions: end your own other sessions on your account page")
    ended = revoke_all(user.id)
    if not ended:
        raise UserError(f"sessions: {user.name} has no open session")
    db.flush()
    _audit(db, ctx, "user.sessions_ended", user, fields={}, sessions_ended=ended)
    return ended


def reactivate_user(db: Session, ctx: Ctx, user: User) -> None:
    if user.active:
        raise UserError(f"active: {user.name} is already active")
    user.active = True
    db.flush()
    _audit(db, ctx, "user.reactivated", user, fields={"active": [False, True]})


def unlock_user(db: Session, ctx: Ctx, user: User) -> None:
    """Clear the login lock-out and the failure count (the person still needs their password and factor)."""
    was_locked = user.locked_until is not None and user.locked_until > ctx.at
    if not was_locked and not user.failed_logins:
        raise UserError(f"locked: {user.name} is not locked out")
    before = {"failed_logins": user.failed_logins,
              "locked_until": user.locked_until.isoformat() if user.locked_until else None}
    user.failed_logins, user.locked_until = 0, None
    db.flush()
    _audit(db, ctx, "user.unlocked", user, fields={k: [v, None if k == "locked_until" else 0]
                                                   for k, v in before.items()})


def reset_totp(db: Session, ctx: Ctx, user: User) -> int:
    """Forget the second factor with its recovery codes (they back up that factor) and end the sessions; return
    the sessions ended. A role that must use a second factor (``TOTP_REQUIRED_ROLES``) enrols at the next login.
    """
    if ctx.is_self(user):
        raise UserError("totp: you cannot reset your own second factor; ask another admin")
    if user.totp_secret is None:
        raise UserError(f"totp: {user.name} has no second factor enrolled")
    user.totp_secret, user.totp_last_timecode = None, None
    codes = delete_recovery_codes(db, user)
    ended = revoke_all(user.id)
    db.flush()
    _audit(db, ctx, "user.totp_reset", user, fields={"totp_enrolled": [True, False]}, sessions_ended=ended,
           recovery_codes_deleted=codes, enrol_at_next_login=user.role in ctx.cfg["TOTP_REQUIRED_ROLES"])
    return ended


def set_temporary_password(db: Session, ctx: Ctx, user: User, password: str) -> int:
    """Set a policy-checked password that its owner must replace at the next login, and end the sessions;
    return the sessions ended."""
    if ctx.is_self(user):
        raise UserError("password: change your own password on your account page, which asks for the current one")
    changed_at = user.password_changed_at
    problems = set_password(user, password, ctx.cfg, ctx.at)  # type: ignore[arg-type]  # Flask config is a dict
    if problems:
        raise UserError("password: " + " ".join(problems))
    forced_before, user.must_change_password = user.must_change_password, True
    ended = revoke_all(user.id)
    db.flush()
    _audit(db, ctx, "user.password_set", user, sessions_ended=ended,
           fields={"password_changed_at": [changed_at.isoformat() if changed_at else None, ctx.at.isoformat()],
                   "must_change_password": [forced_before, True]})
    return ended


def _guard_admin_loss(db: Session, ctx: Ctx, user: User, field: str, what: str) -> None:
    """Refuse to act on oneself, and refuse to leave the app without an active admin."""
    last = user.role == "admin" and user.active and len(_active_admins(db)) <= 1
    if ctx.is_self(user):
        raise UserError(f"{field}: you cannot {what}" + (
            ", and you are the last active admin: make someone else an admin first, then ask them" if last
            else "; ask another admin"))
    if last:
        raise UserError(f"{field}: {user.name} is the last active admin; make someone else an admin first")


def _active_admins(db: Session) -> list[int]:
    """Ids of the active admins, row-locked on PostgreSQL so two admins demoting each other cannot both win."""
    return list(db.scalars(select(User.id).where(User.role == "admin", User.active.is_(True)).with_for_update()))


# --- units -----------------------------------------------------------------------------------------------------
def create_unit(db: Session, ctx: Ctx, *, code: str, **fields: Any) -> Unit:
    code = code.strip()
    if not code:
        raise UnitError("code: give the unit a code")
    if db.scalar(select(Unit.id).where(func.lower(Unit.code) == code.lower())) is not None:
        raise UnitError(f"code: a unit with code {code} already exists")
    values = _unit_values(fields)
    unit = Unit(code=code, **values)
    db.add(unit)
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="unit.created", obj=unit,
           detail={"code": code, "changes": {k: [None, v] for k, v in values.items() if v is not None}})
    return unit


def update_unit(db: Session, ctx: Ctx, unit: Unit, **fields: Any) -> dict[str, list[Any]]:
    """Change the editable fields; the code stays. Return ``{field: [old, new]}``."""
    values = _unit_values(fields)
    changes = {k: [getattr(unit, k), v] for k, v in values.items() if getattr(unit, k) != v}
    if changes:
        for key, (_old, new) in changes.items():
            setattr(unit, key, new)
        db.flush()
        record(db, ctx.audit_key, actor=ctx.actor, action="unit.updated", obj=unit,
               detail={"code": unit.code, "changes": changes})
    return changes


def _unit_values(fields: Mapping[str, Any]) -> dict[str, Any]:
    unknown = set(fields) - set(UNIT_FIELDS)
    if unknown:
        raise TypeError(f"not unit fields: {sorted(unknown)}")
    values = {k: (v.strip() or None) if isinstance(v, str) else v for k, v in fields.items()}
    if not values.get("name"):
        raise UnitError("name: give the unit a name")
    country = values.get("country") or ""
    if not (len(country) == 2 and country.isascii() and country.isalpha() and country.isupper()):
        raise UnitError("country: use the two-letter ISO code in capitals, e.g. FI")
    if values.get("timezone") not in known_timezones():
        raise UnitError(f"timezone: {values.get('timezone')!r} is not a time zone name, e.g. Europe/Helsinki")
    return values


def _audit(db: Session, ctx: Ctx, action: str, user: User, *, fields: Mapping[str, Any], **extra: Any) -> None:
    record(db, ctx.audit_key, actor=ctx.actor, action=action, obj=user,
           detail={"user": user.email, "changes": dict(fields), **extra})
