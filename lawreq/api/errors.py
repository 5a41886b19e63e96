"""One JSON envelope for every API error: ``{"error": {"code", "message", "details"}}``."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Response, jsonify
from werkzeug.http import HTTP_STATUS_CODES

CODES = {400: "bad_request", 401: "unauthorized", 403: "forbidden", 404: "not_found", 405: "method_not_allowed",
         406: "not_acceptable", 409: "conflict", 413: "too_large", 415: "unsupported_media_type",
         422: "validation_failed", 428: "precondition_required", 429: "rate_limited", 500: "server_error"}


def error_response(status: int, message: str | None = None, details: Any = None,
                   headers: Mapping[str, str] | None = None) -> tuple[Response, int]:
    body = {"error": {"code": CODES.get(status, "error"),
                      "message": message or HTTP_STATUS_CODES.get(status, "Error"),
                      "details": details if details is not None else {}}}
    resp = jsonify(body)
    resp.headers.update(dict(headers or {}))
    return resp, status


class ApiError(Exception):
    """Raised anywhere under an API view; the blueprint's handler turns it into the envelope."""

    def __init__(self, status: int, message: str, details: Any = None,
                 headers: Mapping[str, str] | None = None) -> None:
        self.status = status
        self.message = message
        self.details = details
        self.headers = dict(headers or {})
        super().__init__(message)

    def response(self) -> tuple[Response, int]:
        return error_response(self.status, self.message, self.details, self.headers)
