"""The one module that touches python-jose (ENGINEERING.md §2.4): every JWT lawreq issues or accepts passes here.

python-jose trusts the header's ``alg`` when ``algorithms`` is omitted, ignores ``crit``, and accepts tokens without
``exp``/``aud`` unless told otherwise. So this wrapper pins HS256, requires every registered claim we rely on, reads
the header *before* verifying to refuse extension headers and JWE-shaped input, caps the length, and checks the
purpose claim and the lifetime itself. Swapping to PyJWT or joserfc means rewriting this file only.

No Flask here: the secret, issuer and audience come in a ``TokenKeys`` so the CLI and tests use it directly.
"""

from __future__ import annotations

import re
import secrets
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from jose import jwt
from jose.exceptions import JOSEError

from lawreq.core.clock import utcnow

ALGORITHM = "HS256"
LEEWAY_SECONDS = 30
MAX_TOKEN_LENGTH = 4096
#: Purposes and the longest lifetime each may have; the purpose travels in the ``typ`` claim.
MAX_TTL = {"personal": timedelta(days=90), "access": timedelta(minutes=15)}
#: Headers that let a token point at its own key or demand extensions we do not implement (RFC 7515 §4.1).
FORBIDDEN_HEADERS = ("crit", "jku", "jwk", "x5u", "x5c", "x5t", "x5t#S256", "kid", "zip", "enc", "cty")
_ALLOWED_HEADERS = frozenset({"alg", "typ"})
_JWS_COMPACT = re.compile(r"[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+")
_RESERVED = frozenset({"iss", "aud", "sub", "iat", "nbf", "exp", "jti", "typ"})
_REQUIRED = ("exp", "iat", "nbf", "iss", "aud", "jti", "sub")


class TokenError(ValueError):
    """The token is refused; ``reason`` is a stable code for logs and tests, the message is safe to show."""

    def __init__(self, reason: str, message: str) -> None:
        self.reason = reason
        super().__init__(message)


@dataclass(frozen=True)
class TokenKeys:
    """What signing and verifying need: a dedicated HS256 secret (not ``SECRET_KEY``), issuer and audience."""

    secret: str
    issuer: str
    audience: str

    def __post_init__(self) -> None:
        if len(self.secret) < 32:
            raise ValueError("JWT secret: at least 32 characters are required for HS256")


@dataclass(frozen=True)
class Claims:
    """A verified token's claims; ``extra`` holds the application claims (scopes, parent jti)."""

    subject: str
    purpose: str
    jti: str
    issued_at: datetime
    expires_at: datetime
    extra: Mapping[str, Any]


def new_jti() -> str:
    return secrets.token_urlsafe(24)


def issue(keys: TokenKeys, purpose: str, subject: str, ttl: timedelta, *, jti: str | None = None,
          extra: Mapping[str, Any] | None = None, now: datetime | None = None) -> tuple[str, Claims]:
    """Sign a token for ``purpose``; refuses a lifetime longer than the purpose allows."""
    if purpose not in MAX_TTL:
        raise ValueError(f"token purpose {purpose!r} is not one of {', '.join(MAX_TTL)}")
    if ttl <= timedelta(0) or ttl > MAX_TTL[purpose]:
        raise ValueError(f"{purpose} token lifetime {ttl} is outside (0, {MAX_TTL[purpose]}]")
    clash = _RESERVED & set(extra or {})
    if clash:
        raise ValueError(f"extra claims may not set registered claims: {', '.join(sorted(clash))}")
    at = (now or utcnow()).replace(microsecond=0)
    claims = Claims(subject=subject, purpose=purpose, jti=jti or new_jti(), issued_at=at, expires_at=at + ttl,
                    extra=dict(extra or {}))
    payload = {**claims.extra, "iss": keys.issuer, "aud": keys.audience, "sub": subject, "typ": purpose,
               "jti": claims.jti, "iat": int(at.timestamp()), "nbf": int(at.timestamp()),
               "exp": int(claims.expires_at.timestamp())}
    return jwt.encode(payload, keys.secret, algorithm=ALGORITHM, headers={"typ": "JWT"}), claims


def verify(keys: TokenKeys, token: str, purpose: str) -> Claims:
    """Return the claims of a valid token of ``purpose``; raise TokenError naming the first thing wrong."""
    _check_shape(token)
    _check_header(token)
    try:
        payload = jwt.decode(
            token, keys.secret, algorithms=[ALGORITHM], audience=keys.audience, issuer=keys.issuer,
            options={f"require_{c}": True for c in _REQUIRED} | {"leeway": LEEWAY_SECONDS})
    except JOSEError as exc:
        raise TokenError(_reason(exc), f"token refused: {exc}") from None
    return _claims(payload, purpose)


def _check_shape(token: str) -> None:
    if not isinstance(token, str) or not token:
        raise TokenError("missing", "no token")
    if len(token) > MAX_TOKEN_LENGTH:
        raise TokenError("too_long", f"token longer than {MAX_TOKEN_LENGTH} characters")
    if token.count(".") == 4:
        raise TokenError("jwe", "encrypted (JWE) tokens are not accepted")
    if not _JWS_COMPACT.fullmatch(token):
        raise TokenError("malformed", "token is not a compact JWS (three base64url segments)")


def _check_header(token: str) -> None:
    try:
        header = jwt.get_unverified_header(token)
    except JOSEError:
        raise TokenError("malformed", "token header is not valid JSON") from None
    if not isinstance(header, dict):
        raise TokenError("malformed", "token header is not a JSON object")
    present = [h for h in FORBIDDEN_HEADERS if h in header]
    if present:
        raise TokenError("forbidden_header", f"token header {present[0]!r} is not accepted")
    unknown = sorted(set(header) - _ALLOWED_HEADERS)
    if unknown:
        raise TokenError("forbidden_header", f"token header {unknown[0]!r} is not accepted")
    if header.get("alg") != ALGORITHM:
        raise TokenError("algorithm", f"algorithm {header.get('alg')!r} is not accepted; only {ALGORITHM}")


def _reason(exc: JOSEError) -> str:
    text = str(exc).lower()
    for word, reason in (("expired", "expired"), ("not yet valid", "not_yet_valid"), ("audience", "audience"),
                         ("issuer", "issuer"), ("signature", "signature"), ("missing", "missing_claim")):
        if word in text:
            return reason
    return "invalid"


def _claims(payload: Mapping[str, Any], purpose: str) -> Claims:
    if payload.get("typ") != purpose:
        raise TokenError("purpose", f"a {payload.get('typ')!r} token cannot be used as a {purpose} token")
    subject, jti = payload.get("sub"), payload.get("jti")
    if not isinstance(subject, str) or not subject or not isinstance(jti, str) or not jti:
        raise TokenError("missing_claim", "token subject or jti is empty")
    iat, exp = payload["iat"], payload["exp"]
    if not all(isinstance(v, int) and not isinstance(v, bool) for v in (iat, exp, payload["nbf"])):
        raise TokenError("invalid", "token times must be integers")
    if exp - iat > MAX_TTL[purpose].total_seconds():
        raise TokenError("lifetime", f"{purpose} token lives longer than {MAX_TTL[purpose]}")
    if iat > utcnow().timestamp() + LEEWAY_SECONDS:
        raise TokenError("not_yet_valid", "token issued in the future")
    extra = {k: v for k, v in payload.items() if k not in _RESERVED}
    return Claims(subject=subject, purpose=purpose, jti=jti, issued_at=datetime.fromtimestamp(iat, utcnow().tzinfo),
                  expires_at=datetime.fromtimestamp(exp, utcnow().tzinfo), extra=extra)
