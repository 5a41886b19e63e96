"""Bearer authentication for the API: the only way in (no cookies, so no CSRF surface and no session riding)."""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import current_app, g, request

from lawreq import db
from lawreq.api.errors import ApiError
from lawreq.api_tokens.services import Principal, TokenRefused, authenticate
from lawreq.security.tokens import TokenKeys

F = TypeVar("F", bound=Callable[..., Any])
DEFAULT_RATE_PER_MINUTE = 120


def token_keys() -> TokenKeys:
    cfg = current_app.config
    return TokenKeys(secret=str(cfg["JWT_SECRET"]), issuer=str(cfg["JWT_ISSUER"]), audience=str(cfg["JWT_AUDIENCE"]))


def bearer() -> str:
    """The token from ``Authorization: Bearer …``; 401 naming what is wrong otherwise."""
    header = request.headers.get("Authorization", "")
    scheme, _, token = header.partition(" ")
    if not header:
        raise unauthorized("missing_token", "send an access token: Authorization: Bearer <token>")
    if scheme.lower() != "bearer" or not token.strip():
        raise unauthorized("invalid_request", "the Authorization header must be 'Bearer <token>'")
    return token.strip()


def unauthorized(code: str, message: str) -> ApiError:
    error = "invalid_request" if code in ("missing_token", "invalid_request") else "invalid_token"
    return ApiError(401, message, {"reason": code},
                    headers={"WWW-Authenticate": f'Bearer realm="lawreq", error="{error}"'})


def throttle(key: str) -> None:
    """``API_RATE_PER_MINUTE`` calls per token, counted in the database so all workers share one limit."""
    from lawreq.ops.limits import hit

    wait = hit(db.session, f"api-token:{key}",
               int(current_app.config.get("API_RATE_PER_MINUTE", DEFAULT_RATE_PER_MINUTE)))
    if wait is not None:
        raise ApiError(429, f"too many calls with this token; retry in {math.ceil(wait)} s",
                       {"retry_after": math.ceil(wait)}, headers={"Retry-After": str(math.ceil(wait))})


def token_required(*scopes: str) -> Callable[[F], F]:
    """Authenticate the access token, check scopes and the rate limit, and put the caller in ``g.api``."""
    needed = frozenset(scopes)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            try:
                principal = authenticate(db.session, token_keys(), bearer())
            except TokenRefused as exc:
                raise unauthorized(exc.reason, str(exc)) from None
            throttle(principal.token.jti)
            missing = sorted(needed - principal.scopes)
            if missing:
                raise ApiError(403, f"this token lacks the scope {missing[0]!r}", {"required": sorted(needed)},
                               headers={"WWW-Authenticate": f'Bearer error="insufficient_scope", '
                                                            f'scope="{" ".join(sorted(needed))}"'})
            g.api = principal
            return view(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return decorate


def caller() -> Principal:
    return g.api
