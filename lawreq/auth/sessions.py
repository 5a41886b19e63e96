"""Server-side sessions: the signed cookie carries only an opaque id; the row decides whether it is still valid."""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from flask import current_app, request, session
from sqlalchemy import select, update
from sqlalchemy.orm import joinedload

from lawreq import db
from lawreq.auth.models import AuthSession, User
from lawreq.core.clock import utcnow

SESSION_KEY = "sid"
_TOUCH_EVERY = timedelta(seconds=60)


def start(user: User, mfa_passed: bool) -> AuthSession:
    """Rotate: drop whatever the browser had and issue a fresh id (ASVS 7.2.4)."""
    session.clear()
    row = AuthSession(id=secrets.token_urlsafe(32), user_id=user.id, mfa_passed=mfa_passed,
                      ip=request.remote_addr, user_agent=(request.user_agent.string or "")[:300])
    db.session.add(row)
    session[SESSION_KEY] = row.id
    session.permanent = True
    return row


def current(now: datetime | None = None, *, require_mfa: bool = True) -> AuthSession | None:
    """The valid session of this browser, or None (missing, revoked, idle, too old, or second factor pending)."""
    sid = session.get(SESSION_KEY)
    if not sid or not isinstance(sid, str):
        return None
    # One round trip for the session, its user and the user's units (every page reads all three): the user is
    # joined already, and the units' own selectin load would be a second query on every request.
    row = db.session.scalars(select(AuthSession).where(AuthSession.id == sid)
                             .options(joinedload(AuthSession.user).joinedload(User.units))).unique().first()
    now = now or utcnow()
    cfg = current_app.config
    if row is None or row.revoked_at is not None or not row.user.active:
        return None
    if now - row.last_seen_at > timedelta(minutes=cfg["SESSION_IDLE_MINUTES"]):
        return None
    if now - row.created_at > timedelta(hours=cfg["SESSION_MAX_HOURS"]):
        return None
    if require_mfa and not row.mfa_passed:
        return None
    if now - row.last_seen_at > _TOUCH_EVERY:
        row.last_seen_at = now
        db.session.commit()
    return row


def end() -> None:
    sid = session.get(SESSION_KEY)
    if sid:
        db.session.execute(update(AuthSession).where(AuthSession.id == sid).values(revoked_at=utcnow()))
    session.clear()


def revoke_all(user_id: int, except_sid: str | None = None) -> int:
    """Kill every session of a user (password or factor change, account disabled)."""
    stmt = update(AuthSession).where(AuthSession.user_id == user_id, AuthSession.revoked_at.is_(None))
    if except_sid:
        stmt = stmt.where(AuthSession.id != except_sid)
    return db.session.execute(stmt.values(revoked_at=utcnow())).rowcount


def active_sessions(user_id: int) -> list[AuthSession]:
    return list(db.session.scalars(select(AuthSession).where(AuthSession.user_id == user_id,
                                                             AuthSession.revoked_at.is_(None))))
