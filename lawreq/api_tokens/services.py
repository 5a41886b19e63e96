"""The life of an API token, with no Flask in it: create (shown once), revoke, exchange, authenticate.

A personal token is a signed JWT whose ``jti`` has a row in ``api_tokens``; the row is the source of truth for
revocation, expiry, owner and scopes. An access token carries its parent's jti (``pjt``), so every API call
re-reads that row and the user: revoking the personal token, deactivating the user or changing their role stops
access at once, and unit membership is re-read on every call because the user is loaded afresh.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.audit.services import record
from lawreq.auth.models import ApiToken, User
from lawreq.core.clock import utcnow
from lawreq.security.tokens import Claims, TokenError, TokenKeys, issue, new_jti, verify
from lawreq.core.text import N_

#: Scope → what it lets a caller do (shown on the settings page and in the OpenAPI document).
SCOPES = {
    "requests:read": N_("Read cases, requests, their history, statistics and documents"),
    "requests:write": N_("Create and edit drafts and move requests through their workflow"),
    "deadlines:read": N_("Read deadlines and the iCalendar feed"),
    "routes:read": N_("Ask the rules engine for routes; read providers and jurisdictions"),
}
#: Roles that may hold API tokens. Approvers sign with a second factor on the web pages; an API token would
#: bypass it, so they get none (nor do rules maintainers, who have nothing to fetch).
API_ROLES = frozenset({"investigator", "liaison_officer", "admin"})
MAX_DAYS = 90
ACCESS_TTL = timedelta(minutes=15)
NAME_MAX = 100


class TokenRefused(Exception):
    """A token is well-formed but not (or no longer) good for anything; the message is safe to show."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class Principal:
    """Who is calling the API, with what scopes, on behalf of which personal token."""

    user: User
    scopes: frozenset[str]
    token: ApiToken


def check_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(dict.fromkeys(scopes))
    unknown = [s for s in chosen if s not in SCOPES]
    if unknown:
        raise ValueError(f"unknown scope {unknown[0]!r} (known: {', '.join(SCOPES)})")
    if not chosen:
        raise ValueError("choose at least one scope")
    return chosen


def create_personal_token(db: Session, keys: TokenKeys, audit_key: bytes, user: User, *, name: str,
                          scopes: Iterable[str], days: int, now: datetime | None = None) -> tuple[ApiToken, str]:
    """Store the row and return it with the token string, which is never stored and shown only once."""
    if user.role not in API_ROLES or not user.active:
        raise TokenRefused("role", f"the {user.role} role cannot hold API tokens")
    if user.must_change_password:  # the settings page is behind the same gate; this holds for any other caller
        raise TokenRefused("password", "choose your own password first: this one was set by an administrator")
    name = name.strip()
    if not name or len(name) > NAME_MAX:
        raise ValueError(f"name: between 1 and {NAME_MAX} characters")
    if not 1 <= days <= MAX_DAYS:
        raise ValueError(f"expiry: between 1 and {MAX_DAYS} days")
    chosen = check_scopes(scopes)
    at = (now or utcnow()).replace(microsecond=0)
    jti = new_jti()
    token, claims = issue(keys, "personal", str(user.id), timedelta(days=days), jti=jti, now=at,
                          extra={"scopes": chosen})
    row = ApiToken(user_id=user.id, name=name, scopes=chosen, jti=jti, created_at=at, expires_at=claims.expires_at)
    db.add(row)
    db.flush()
    record(db, audit_key, actor=user, action="api_token.created", obj=row,
           detail={"name": name, "scopes": chosen, "expires_at": claims.expires_at.isoformat()})
    return row, token


def revoke_personal_token(db: Session, audit_key: bytes, actor: User, row: ApiToken,
                          now: datetime | None = None) -> None:
    """Revoke by jti; the access tokens derived from it die with it (they are checked against this row)."""
    if row.revoked_at is None:
        row.revoked_at = now or utcnow()
        db.flush()
        record(db, audit_key, actor=actor, action="api_token.revoked", obj=row, detail={"name": row.name})


def tokens_of(db: Session, user: User) -> list[ApiToken]:
    return list(db.scalars(select(ApiToken).where(ApiToken.user_id == user.id).order_by(ApiToken.created_at.desc())))


def exchange(db: Session, keys: TokenKeys, audit_key: bytes, personal: str, *, scopes: Iterable[str] | None = None,
             now: datetime | None = None) -> tuple[str, Claims, Principal]:
    """Trade a personal token for an access token of at most 15 minutes (never outliving its parent)."""
    at = (now or utcnow()).replace(microsecond=0)
    claims = _verify(keys, personal, "personal")
    principal = _principal(db, claims.jti, claims.subject, at)
    granted = principal.scopes if scopes is None else frozenset(check_scopes(scopes))
    if not granted <= principal.scopes:
        raise TokenRefused("scope", f"the personal token does not grant {sorted(granted - principal.scopes)[0]!r}")
    ttl = min(ACCESS_TTL, principal.token.expires_at - at)
    token, access = issue(keys, "access", claims.subject, ttl, now=at,
                          extra={"scopes": sorted(granted), "pjt": principal.token.jti})
    principal.token.last_used_at = at
    db.flush()
    record(db, audit_key, actor=principal.user, action="api_token.exchanged", obj=principal.token,
           detail={"scopes": sorted(granted), "expires_at": access.expires_at.isoformat()})
    return token, access, Principal(principal.user, granted, principal.token)


def authenticate(db: Session, keys: TokenKeys, access: str, now: datetime | None = None) -> Principal:
    """The caller behind an access token, re-checked against the database on every call."""
    claims = _verify(keys, access, "access")
    parent = claims.extra.get("pjt")
    scopes = claims.extra.get("scopes")
    if not isinstance(parent, str) or not isinstance(scopes, list) or not all(isinstance(s, str) for s in scopes):
        raise TokenRefused("claims", "access token lacks its parent token or scopes")
    principal = _principal(db, parent, claims.subject, now or utcnow())
    return Principal(principal.user, principal.scopes & frozenset(scopes), principal.token)


def _verify(keys: TokenKeys, token: str, purpose: str) -> Claims:
    try:
        return verify(keys, token, purpose)
    except TokenError as exc:
        raise TokenRefused(exc.reason, str(exc)) from None


def _principal(db: Session, jti: str, subject: str, at: datetime) -> Principal:
    row = db.scalar(select(ApiToken).where(ApiToken.jti == jti))
    if row is None or str(row.user_id) != subject:
        raise TokenRefused("unknown", "token unknown (never issued here, or deleted)")
    if row.revoked_at is not None:
        raise TokenRefused("revoked", "token revoked")
    if row.expires_at <= at:
        raise TokenRefused("expired", "token expired")
    user = db.get(User, row.user_id)
    if user is None or not user.active:
        raise TokenRefused("user", "the token's user is deactivated")
    if user.role not in API_ROLES:
        raise TokenRefused("role", f"the {user.role} role cannot use the API")
    return Principal(user, frozenset(row.scopes or ()), row)
