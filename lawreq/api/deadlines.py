"""Deadlines of the requests the caller may see, as JSON or as an iCalendar file."""

from __future__ import annotations

from datetime import timedelta

from flask import Response, current_app, jsonify
from sqlalchemy import select
from sqlalchemy.orm import joinedload

from lawreq import db
from lawreq.api import serializers
from lawreq.api.auth import caller
from lawreq.api.blueprint import Operation, operation
from lawreq.audit.services import record
from lawreq.core.clock import utcnow
from lawreq.deadlines.ical import CalendarEvent, build_calendar
from lawreq.deadlines.models import Deadline
from lawreq.deadlines.services import alert_at
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests

LIMIT = 2000


def _deadlines(args: dict) -> list[Deadline]:
    now = utcnow()
    stmt = (select(Deadline).join(LegalRequest, LegalRequest.id == Deadline.request_id)
            .options(joinedload(Deadline.request)).where(visible_requests(caller().user)))
    if not args.get("include_satisfied"):
        stmt = stmt.where(Deadline.satisfied_at.is_(None))
    if "request_id" in args:
        stmt = stmt.where(Deadline.request_id == args["request_id"])
    if args.get("overdue"):
        stmt = stmt.where(Deadline.due_at < now, Deadline.satisfied_at.is_(None))
    if "due_within_days" in args:
        stmt = stmt.where(Deadline.due_at >= now, Deadline.due_at <= now + timedelta(days=args["due_within_days"]))
    return list(db.session.scalars(stmt.order_by(Deadline.due_at, Deadline.id).limit(LIMIT)))


@operation("/deadlines", "GET", Operation(
    "Deadlines of visible requests, soonest first", "deadlines", scopes=("deadlines:read",), query="deadlines",
    response="DeadlineList", errors=(401, 403, 422, 429)))
def deadlines(args: dict):
    now = utcnow()
    return jsonify({"items": [serializers.deadline(d, now) for d in _deadlines(args)]})


@operation("/deadlines.ics", "GET", Operation(
    "The same deadlines as an iCalendar file (audited)", "deadlines", scopes=("deadlines:read",),
    query="deadlines", media="text/calendar", errors=(401, 403, 422, 429)))
def deadlines_ical(args: dict):
    user = caller().user
    base = current_app.config["BASE_URL"].rstrip("/")
    rows = _deadlines(args)
    events = [CalendarEvent(uid=f"deadline-{d.id}@lawreq", start=alert_at(d), end=alert_at(d),
                            summary=f"{d.request.reference}: {d.kind.replace('_', ' ')} due",
                            description="\n".join(str(x) for x in d.explanation or []),
                            url=f"{base}/requests/{d.request_id}") for d in rows]
    body = build_calendar(events, f"lawreq deadlines: {user.name}", now=utcnow())
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=user, action="deadlines.ical_downloaded",
           detail={"via": "api", "events": len(events)})
    db.session.commit()
    return Response(body, mimetype="text/calendar",
                    headers={"Content-Disposition": 'attachment; filename="lawreq-deadlines.ics"'})
