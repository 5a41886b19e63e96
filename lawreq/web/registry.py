"""The list of area blueprints, in one place so ``create_app`` stays a short list of steps."""

from __future__ import annotations

from typing import Any


def blueprints() -> list[Any]:
    from lawreq.legal_requests.views import bp as legal_requests

    return [legal_requests]
