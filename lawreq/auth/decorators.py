"""Access gates for views. Every endpoint carries one (the access-matrix test enforces it):

``@public`` — no login (login page, health); ``@roles_required(...)`` — logged in with one of the roles
(``roles_required()`` with no roles = any logged-in user). Object-level checks (unit scoping) happen in the view
through the predicates in ``legal_requests.permissions``, with queries that put the scope into the SQL.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

from flask import abort, redirect, request, url_for
from flask_login import current_user

F = TypeVar("F", bound=Callable[..., Any])


def public(view: F) -> F:
    view._lawreq_access = "public"  # type: ignore[attr-defined]
    return view


def roles_required(*roles: str) -> Callable[[F], F]:
    allowed = frozenset(roles)

    def decorate(view: F) -> F:
        @wraps(view)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            if not current_user.is_authenticated:
                return redirect(url_for("auth.login", next=request.full_path if request.method == "GET" else None))
            if allowed and current_user.role not in allowed:
                abort(403)
            return view(*args, **kwargs)

        wrapper._lawreq_access = ("roles", tuple(sorted(allowed)))  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorate


def require(condition: bool, status: int = 404) -> None:
    """Refuse when a predicate fails; 404 by default so a forbidden object is indistinguishable from a missing one."""
    if not condition:
        abort(status)
