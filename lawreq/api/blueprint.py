"""The ``/api/v1`` blueprint, its JSON-only error handling, and ``operation``: one decorator that routes a view,
gates it by token scope, validates its body and query string against ``schemas``, and records what the OpenAPI
document says about it (so the document is generated from the same declarations the code runs)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from flask import Blueprint, current_app, request
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.exceptions import HTTPException

from lawreq import db
from lawreq.api.auth import token_required
from lawreq.api.errors import ApiError, error_response
from lawreq.api.schemas import QUERIES, validate
from lawreq.extensions import csrf

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)  # bearer tokens only: no cookie is ever read here, so there is no cross-site request to forge


@dataclass(frozen=True)
class Operation:
    summary: str
    tag: str
    scopes: tuple[str, ...] = ()
    body: str | None = None
    response: str | None = None
    status: int = 200
    query: str | None = None
    media: str = "application/json"
    public: bool = False
    errors: tuple[int, ...] = field(default=())
    description: str = ""
    #: Runs before the query string and body are read (the token exchange checks its bearer first, like the rest).
    preflight: Callable[[], Any] | None = None


_TRUE, _FALSE = {"true", "1", "yes"}, {"false", "0", "no"}


def _coerce(value: str, schema: dict[str, Any]) -> Any:
    kind = schema.get("type")
    if kind == "boolean":
        return True if value.lower() in _TRUE else False if value.lower() in _FALSE else value
    if kind == "integer" and len(value) < 12 and value.lstrip("-").isdigit() and value.isascii():
        return int(value)
    return value


def query_args(name: str) -> dict[str, Any]:
    """The query string as typed values, validated (unknown or repeated parameters are refused by name)."""
    schema = QUERIES[name]
    props = schema["properties"]
    args: dict[str, Any] = {}
    for key in request.args:
        values = request.args.getlist(key)
        if len(values) > 1:
            raise ApiError(422, f"{key}: give this parameter once", {"fields": [{"path": key, "message": "repeated"}]})
        args[key] = _coerce(values[0], props.get(key, {}))
    validate(f"query:{name}", args, schema=schema)
    return args


#: Deepest nesting of arrays and objects a body may have; lawreq's own schemas need fewer than ten levels.
MAX_JSON_DEPTH = 32


def json_depth_exceeds(raw: bytes, limit: int = MAX_JSON_DEPTH) -> bool:
    """Scan the bytes for bracket depth (outside strings) before ``json.loads`` recurses: a body nested 50,000
    levels deep would otherwise end in a RecursionError, i.e. a 500."""
    depth, in_string, escaped = 0, False, False
    for byte in raw:
        if in_string:
            if escaped:
                escaped = False
            elif byte == 0x5C:  # backslash
                escaped = True
            elif byte == 0x22:  # quote
                in_string = False
        elif byte == 0x22:
            in_string = True
        elif byte in (0x5B, 0x7B):  # [ {
            depth += 1
            if depth > limit:
                return True
        elif byte in (0x5D, 0x7D):
            depth -= 1
    return False


def json_body(name: str) -> dict[str, Any]:
    limit = current_app.config.get("MAX_CONTENT_LENGTH")
    if limit and (request.content_length or 0) > limit:
        raise ApiError(413, f"the body is larger than {limit} bytes")
    raw = request.get_data(cache=True)  # werkzeug refuses a body over MAX_CONTENT_LENGTH (413) while reading
    if not raw:
        body: Any = {}
    else:
        if not request.is_json:
            raise ApiError(415, "send the body as application/json")
        if json_depth_exceeds(raw):
            raise ApiError(400, f"the body is nested deeper than {MAX_JSON_DEPTH} levels")
        try:
            body = request.get_json(silent=True)
        except RecursionError:  # belt and braces: never a 500 for a body
            body = None
        if body is None:
            raise ApiError(400, "the body is not valid JSON")
    try:
        validate(name, body)
    except RecursionError:
        raise ApiError(422, "body: nested too deeply", {"fields": [{"path": "body",
                                                                  "message": "nested too deeply"}]}) from None
    return body


def operation(rule: str, method: str, op: Operation) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    def decorate(view: Callable[..., Any]) -> Callable[..., Any]:
        def run(**kwargs: Any) -> Any:
            if op.preflight is not None:
                op.preflight()
            if op.query:
                kwargs["args"] = query_args(op.query)
            if op.body:
                kwargs["body"] = json_body(op.body)
            return view(**kwargs)

        run.__name__ = view.__name__
        run.__doc__ = view.__doc__
        gated = run if op.public else token_required(*op.scopes)(run)
        gated._lawreq_access = "public" if op.public else ("api", op.scopes)  # type: ignore[attr-defined]
        gated._api_operation = op  # type: ignore[attr-defined]
        bp.add_url_rule(rule, endpoint=view.__name__, view_func=gated, methods=[method])
        return gated

    return decorate


@bp.errorhandler(ApiError)
def _api_error(exc: ApiError):
    db.session.rollback()
    return exc.response()


@bp.errorhandler(HTTPException)
def _http_error(exc: HTTPException):
    db.session.rollback()
    return error_response(exc.code or 500, exc.description if exc.code not in (404, 500) else None)


@bp.errorhandler(StaleDataError)
def _stale(exc: StaleDataError):
    # Two clients changed the same request at once and this one lost the optimistic lock at flush or commit:
    # the same clean 409 as a stale version sent by the client (the catch-all below would make it a 500).
    db.session.rollback()
    return error_response(409, "the request was changed by someone else meanwhile; read it again and retry")


@bp.errorhandler(Exception)
def _unexpected(exc: Exception):
    db.session.rollback()
    from flask import current_app

    current_app.logger.exception("API error")
    return error_response(500, "something went wrong; nothing was changed")
