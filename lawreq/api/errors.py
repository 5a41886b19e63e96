"""One JSON envelope for every API error: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from typing import Any

from flask import Response, jsonify
from werkzeug.http import HTTP_STATUS_CODES

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         409: "conflict", 413: "too_large", 415: "unsupported_media_type", 422: "validation_failed",
         429: "rate_limited", 500: "server_error"}


def error_response(status: int, message: str | None = None, details: Any = None) -> tuple[Response, int]:
    body = {"error": {"code": CODES.get(status, "error"),
                      "message": message or HTTP_STATUS_CODES.get(status, "Error"),
                      "details": details if details is not None else {}}}
    return jsonify(body), status
