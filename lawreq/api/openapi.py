"""The OpenAPI 3.1 document, generated from the routes' ``Operation`` declarations and ``schemas.SCHEMAS``."""

from __future__ import annotations

import re
from typing import Any

from flask import Flask

from lawreq.api.errors import CODES
from lawreq.api.schemas import QUERIES, SCHEMAS, ref
from lawreq.api_tokens.services import SCOPES
from lawreq.legal_requests import details

_ARG = re.compile(r"<(?:(\w+)(?:\([^)]*\))?:)?(\w+)>")
_PATH_SCHEMAS = {"int": {"type": "integer", "minimum": 1, "maximum": 2**31 - 1}, "string": {"type": "string"}}


def _path(rule: str) -> tuple[str, list[dict[str, Any]]]:
    params = []
    for converter, name in _ARG.findall(rule):
        schema = dict(_PATH_SCHEMAS.get(converter or "string", {"type": "string"}))
        if name == "code":
            schema = {"type": "string", "pattern": "^[A-Z]{2}$"}
        elif converter == "string" or not converter:
            schema = {"type": "string", "minLength": 1, "maxLength": 64, "pattern": "^[a-z0-9_-]+$"}
        params.append({"name": name, "in": "path", "required": True, "schema": schema})
    return _ARG.sub(lambda m: "{" + m.group(2) + "}", rule), params


def _operation(endpoint: str, op: Any, path_params: list[dict[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {"operationId": endpoint.removeprefix("api."), "summary": op.summary, "tags": [op.tag]}
    if op.description:
        out["description"] = op.description
    params = list(path_params)
    if op.query:
        params += [{"name": k, "in": "query", "required": False, "schema": v}
                   for k, v in QUERIES[op.query]["properties"].items()]
    if params:
        out["parameters"] = params
    if op.body:
        out["requestBody"] = {"required": False, "content": {"application/json": {"schema": ref(op.body)}}}
    if op.media == "application/json":
        content = {"application/json": {"schema": ref(op.response)}} if op.response else {}
    else:
        content = {op.media: {"schema": {"type": "string", "format": "binary"}}}
    error = {"content": {"application/json": {"schema": ref("Error")}}}
    responses: dict[str, Any] = {str(op.status): {"description": "OK", "content": content}}
    for status in op.errors:
        responses[str(status)] = {"description": CODES.get(status, "error"), **error}
    responses["default"] = {"description": "Any other error, in the same envelope", **error}
    out["responses"] = responses
    if op.scopes:
        out["security"] = [{"bearer": list(op.scopes)}]
    else:  # the exchange takes a personal token; the document and its page are public
        out["security"] = [{"personal": []}] if op.preflight is not None else []
    return out


def details_schemas(app: Flask) -> dict[str, Any]:
    """``Details`` (every route's fields) and ``Details.<route id>``, generated from the loaded rules by the same
    function the wizard and ``services.save_draft`` use, so the document shows exactly what is accepted."""
    rules = app.extensions.get("lawreq.rules")
    if rules is None:
        return {}
    out: dict[str, Any] = {}
    union = details.union_schema(rules.routes)
    union.pop("$schema", None)
    union["description"] = SCHEMAS["Details"]["description"]
    out["Details"] = union
    for route in rules.routes:
        one = details.route_schema(route)
        one.pop("$schema", None)
        out[f"Details.{route.id}"] = one
    return out


def build_document(app: Flask) -> dict[str, Any]:
    paths: dict[str, dict[str, Any]] = {}
    for rule in sorted(app.url_map.iter_rules(), key=lambda r: r.rule):
        view = app.view_functions.get(rule.endpoint)
        op = getattr(view, "_api_operation", None)
        if op is None or not rule.endpoint.startswith("api."):
            continue
        path, params = _path(rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            paths.setdefault(path, {})[method.lower()] = _operation(rule.endpoint, op, params)
    return {
        "openapi": "3.1.0",
        "info": {"title": "lawreq API", "version": "1",
                 "description": "Cases, requests, deadlines and the rules engine for case-management systems. "
                                "Create a personal token on the API tokens page, exchange it at POST /api/v1/token "
                                "for an access token (15 minutes), and send that as a bearer token."},
        "servers": [{"url": "/"}],
        "paths": paths,
        "components": {"schemas": {**SCHEMAS, **details_schemas(app)}, "securitySchemes": {
            "bearer": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                       "description": "Access token; scopes: " + "; ".join(f"{k}: {v}" for k, v in SCOPES.items())},
            "personal": {"type": "http", "scheme": "bearer", "bearerFormat": "JWT",
                         "description": "Personal token (only for POST /api/v1/token)"}}},
    }
