"""Assemble ``/api/v1``: importing the view modules registers their operations on the blueprint."""

from __future__ import annotations

from lawreq.api import answers, deadlines, docs, reference, requests, statistics  # noqa: F401  (registration)
from lawreq.api.blueprint import bp

__all__ = ["bp"]
