"""Who is told what when a request changes hands, called by ``legal_requests.services.transition``.

The in-app notification is written in the transition's own transaction (so it exists exactly when the state
change does); the e-mail is an outbox row (:class:`WorkflowMessage`) that the sweep claims and delivers like a
reminder. An emergency waiting for approval also writes its escalation rows, due 30 minutes after submission,
for every approver of the unit and every admin; a decision cancels them, and the sweep delivers them only while
the request still waits. Each user may switch either channel off (``User.preferences["handoffs"]``), except for
emergencies: those always arrive on both.

A message names the request reference, what happened and what to do next; the approver's comment appears in-app
only, since e-mail leaves the controlled system (the same rule as the reminder mails).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from lawreq.auth.models import User, memberships
from lawreq.deadlines.models import Notification
from lawreq.handoffs.at_once import mark_urgent
from lawreq.handoffs.models import WorkflowMessage
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import approval_group

CHANNELS = ("email", "in_app")
#: An emergency nobody has decided on by then goes to every approver of the unit and to the admins.
ESCALATE_AFTER = timedelta(minutes=30)
#: Decisions (and withdrawal) that end the wait for approval: pending escalations are cancelled.
_DECIDED = frozenset({"approve", "return", "reject", "withdraw", "submit"})


@dataclass(frozen=True)
class Handoff:
    kind: str
    subject: str
    text: str


def channels_of(user: User) -> tuple[str, ...]:
    """The user's chosen channels for hand-offs (both unless switched off on the settings page)."""
    raw = ((user.preferences or {}).get("handoffs") or {}).get("channels")
    return tuple(c for c in CHANNELS if c in raw) if isinstance(raw, list) else CHANNELS


def set_channels(user: User, channels: Iterable[str]) -> None:
    chosen = [c for c in CHANNELS if c in set(channels)]
    user.preferences = {**(user.preferences or {}), "handoffs": {"channels": chosen}}


# --- who ------------------------------------------------------------------------------------------------------
def _members(db: Session, unit_id: int, role: str) -> list[User]:
    return list(db.scalars(select(User).join(memberships).where(
        memberships.c.unit_id == unit_id, User.role == role, User.active.is_(True)).order_by(User.id)))


def approvers(db: Session, req: LegalRequest) -> list[User]:
    """The approvers the request is routed to: its unit's, of the authority the route requires."""
    return [u for u in _members(db, req.unit_id, "approver")
            if req.approval_authority and approval_group(u.authority_type) == req.approval_authority]


def validators(db: Session, req: LegalRequest) -> list[User]:
    """The approvers who validate after the fact an order issued without prior validation (its unit's, of the group
    that would have validated it beforehand: Reg. (EU) 2023/1543 Art. 4(5))."""
    return [u for u in _members(db, req.unit_id, "approver")
            if req.validation_authority and approval_group(u.authority_type) == req.validation_authority]


def liaison_officers(db: Session, req: LegalRequest) -> list[User]:
    return _members(db, req.unit_id, "liaison_officer")


def author(db: Session, req: LegalRequest) -> list[User]:
    user = db.get(User, req.created_by_id)
    return [user] if user is not None and user.active else []


def escalation_recipients(db: Session, req: LegalRequest) -> list[User]:
    """Every approver of the unit (whatever their authority) and every admin."""
    admins = db.scalars(select(User).where(User.role == "admin", User.active.is_(True)).order_by(User.id))
    people = {u.id: u for u in [*_members(db, req.unit_id, "approver"), *admins]}
    return list(people.values())


# --- what -----------------------------------------------------------------------------------------------------
def _messages(req: LegalRequest, action: str, note: str | None) -> list[tuple[str, Handoff]]:
    """(audience, message) pairs for one action; audiences are resolved by :func:`_audience`."""
    ref, urgent = req.reference, "EMERGENCY: " if req.emergency else ""
    reason = f" Reason: {note}" if note else ""
    ready = Handoff("ready_to_send", f"{urgent}{ref} is approved and ready to send",
                    f"{urgent}{ref} is approved: send it to the addressee and mark it sent.")
    plan = {
        "submit_for_approval": [("approvers", Handoff(
            "submitted", f"{urgent}{ref} waits for your approval",
            f"{urgent}{ref} was submitted and waits for your approval."
            + (" Emergency: decide at once." if req.emergency else "")))],
        "submit": [("officers", ready)] + ([("validators", Handoff(
            "validation_due", f"{urgent}{ref} was issued without prior validation: validate it within 48 hours",
            f"{urgent}{ref} was issued in an emergency without prior validation: validate it, or refuse to, at the "
            "latest within 48 hours of its issue (Reg. (EU) 2023/1543 Art. 4(5))."))]
            if req.validation_authority else []),
        "validate": [("author_officers", Handoff(
            "validated", f"{ref} was validated", f"{ref} was validated after the fact; its document now names the "
            "validating authority (a new version: send it to the addressee if it asks for the current one)."))],
        "refuse_validation": [("author_officers", Handoff(
            "validation_refused", f"{urgent}{ref}: validation refused, the order is withdrawn",
            f"{urgent}{ref}: the validating authority refused validation, so the order is withdrawn. Delete the data "
            "obtained with it or restrict their use, as national law provides (Reg. (EU) 2023/1543 Art. 4(5))."
            + reason))],
        "approve": [("author", Handoff("approved", f"{ref} was approved",
                                       f"{ref} was approved; the liaison officers send it.")),
                    ("officers", ready)],
        "return": [("author", Handoff("returned", f"{urgent}{ref} was returned to you",
                                      f"{urgent}{ref} was returned with comments: change it and submit again."
                                      + reason))],
        "reject": [("author", Handoff("rejected", f"{ref} was rejected by the approver",
                                      f"{ref} was rejected by the approver." + reason))],
        "refuse": [("author_officers", Handoff("refused", f"{ref} was refused by the addressee",
                                               f"{ref} was refused by the addressee: decide what to do next."))],
        "partially_fulfil": [("author_officers", Handoff(
            "partly_answered", f"{ref} was answered in part",
            f"{ref} was answered in part by the addressee: check what is missing."))],
    }
    return plan.get(action, [])


def _audience(db: Session, req: LegalRequest, name: str) -> list[User]:
    if name == "approvers":
        return approvers(db, req)
    if name == "validators":
        return validators(db, req)
    if name == "officers":
        return liaison_officers(db, req)
    if name == "author":
        return author(db, req)
    return [*author(db, req), *liaison_officers(db, req)]


def _mail_text(handoff: Handoff) -> str:
    """The e-mail body: without the approver's comment (see the module docstring)."""
    return handoff.text.split(" Reason: ", 1)[0] + (
        " The reason is shown in lawreq." if " Reason: " in handoff.text else "")


# --- the hook -------------------------------------------------------------------------------------------------
def on_transition(db: Session, req: LegalRequest, action: str, actor: User, at: datetime,
                  note: str | None = None) -> list[WorkflowMessage]:
    """Tell the people who act next; return the outbox rows written (e-mail now, escalations later)."""
    if action in _DECIDED:
        db.execute(update(WorkflowMessage).where(
            WorkflowMessage.request_id == req.id, WorkflowMessage.kind == "escalation",
            WorkflowMessage.status == "pending").values(status="cancelled"))
    urgent = bool(req.emergency) and action in ("submit_for_approval", "submit", "approve", "return",
                                                "refuse_validation")
    rows: list[WorkflowMessage] = []
    told: set[tuple[int, str]] = set()
    for audience, handoff in _messages(req, action, note):
        for user in _audience(db, req, audience):
            if user.id == actor.id or (user.id, handoff.kind) in told:
                continue
            told.add((user.id, handoff.kind))
            channels = CHANNELS if urgent else channels_of(user)
            if "in_app" in channels:
                db.add(Notification(user_id=user.id, request_id=req.id, kind=f"handoff_{handoff.kind}",
                                    message=handoff.text, urgent=urgent, created_at=at))
            if "email" in channels:
                rows.append(WorkflowMessage(user_id=user.id, request_id=req.id, kind=handoff.kind, channel="email",
                                            urgent=urgent, subject=handoff.subject, body=_mail_text(handoff),
                                            due_at=at, status="pending", attempts=0, created_at=at))
    if action == "submit_for_approval" and req.emergency:
        rows.extend(_escalation_rows(db, req, at))
    if urgent and any(r.kind != "escalation" for r in rows):
        mark_urgent(db)
    db.add_all(rows)
    db.flush()
    return rows


def _escalation_rows(db: Session, req: LegalRequest, at: datetime) -> list[WorkflowMessage]:
    minutes = int(ESCALATE_AFTER.total_seconds() // 60)
    subject = f"ESCALATED EMERGENCY: {req.reference} waits for approval for {minutes} minutes"
    body = (f"ESCALATED EMERGENCY: {req.reference} was submitted {minutes} minutes ago and nobody has decided on "
            "it. Every approver of the unit and the admins are told: make sure someone decides now.")
    return [WorkflowMessage(user_id=user.id, request_id=req.id, kind="escalation", channel=channel, urgent=True,
                            subject=subject, body=body, due_at=at + ESCALATE_AFTER, status="pending", attempts=0,
                            created_at=at)
            for user in escalation_recipients(db, req) for channel in CHANNELS]
