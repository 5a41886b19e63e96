"""Counts by state and median durations over the requests the caller may see (kept simple on purpose)."""

from __future__ import annotations

from statistics import median

from flask import jsonify
from sqlalchemy import func, select

from lawreq import db
from lawreq.api.auth import caller
from lawreq.api.blueprint import Operation, operation
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests
from lawreq.workflow.states import STATES

SAMPLE = 20_000  # the newest requests the medians look at


def _median_days(pairs: list[tuple]) -> float | None:
    days = [(end - start).total_seconds() / 86400 for start, end in pairs if start and end and end >= start]
    return round(median(days), 2) if days else None


@operation("/statistics", "GET", Operation(
    "Counts by state; median days submitted→sent, sent→first answer, sent→closed", "statistics",
    scopes=("requests:read",), response="Statistics", errors=(401, 403, 429)))
def statistics():
    scope = visible_requests(caller().user)
    counts = dict.fromkeys(STATES, 0)
    for state, n in db.session.execute(select(LegalRequest.state, func.count()).where(scope)
                                       .group_by(LegalRequest.state)):
        counts[state] = n
    rows = list(db.session.execute(
        select(LegalRequest.submitted_at, LegalRequest.sent_at, LegalRequest.acknowledged_at, LegalRequest.closed_at)
        .where(scope).order_by(LegalRequest.id.desc()).limit(SAMPLE)))
    return jsonify({"total": sum(counts.values()), "counts_by_state": counts, "median_days": {
        "submitted_to_sent": _median_days([(r.submitted_at, r.sent_at) for r in rows]),
        "sent_to_first_answer": _median_days([(r.sent_at, r.acknowledged_at or r.closed_at) for r in rows]),
        "sent_to_closed": _median_days([(r.sent_at, r.closed_at) for r in rows])}})
