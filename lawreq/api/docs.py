"""The OpenAPI document and its readable, server-rendered reference page (no Swagger UI, nothing from a CDN)."""

from __future__ import annotations

import json

from flask import current_app, jsonify, render_template

from lawreq.api.blueprint import Operation, operation
from lawreq.api.openapi import build_document


def document() -> dict:
    ext = current_app.extensions
    if "lawreq.openapi" not in ext:
        ext["lawreq.openapi"] = build_document(current_app)
    return ext["lawreq.openapi"]


@operation("/openapi.json", "GET", Operation("This document (OpenAPI 3.1)", "docs", public=True))
def openapi():
    return jsonify(document())


@operation("/docs", "GET", Operation("The readable reference page", "docs", public=True, media="text/html"))
def docs():
    doc = document()
    return render_template("api/docs.html", doc=doc, schemas=doc["components"]["schemas"],
                           as_json=lambda v: json.dumps(v, indent=2, ensure_ascii=False))
