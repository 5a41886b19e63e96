"""Who may see and do what with a case or a request — one place, used by HTML views, the API and templates.

Each predicate has a twin that expresses the same rule as a SQL clause, so list pages and object lookups put the
scope into the query (a miss is a 404, never a leak). Approvers see what is routed to them: submitted requests of
their units whose required authority is theirs.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import and_, exists, false, or_, true
from sqlalchemy.sql.elements import ColumnElement

from lawreq.auth.models import User
from lawreq.legal_requests.models import Case, LegalRequest, RequestEvent
from lawreq.workflow.states import EDITABLE, VALIDATABLE

#: The approval group an approver belongs to (judge and investigating judge decide the same things).
APPROVAL_GROUP = {"prosecutor": "prosecutor", "judge": "judge", "investigating_judge": "judge",
                  "senior_officer": "senior_officer"}


def approval_group(authority: str | None) -> str | None:
    return APPROVAL_GROUP.get(authority or "")


def _in_units(user: User, unit_id: int) -> bool:
    return unit_id in user.unit_ids


def can_view_case(user: User, case: Case) -> bool:
    return user.role == "admin" or (user.role in ("investigator", "liaison_officer") and _in_units(user, case.unit_id))


def can_create_case(user: User) -> bool:
    return user.role in ("investigator", "admin") and (user.role == "admin" or bool(user.unit_ids))


def can_view(user: User, req: LegalRequest) -> bool:
    if user.role == "admin":
        return True
    if user.role in ("investigator", "liaison_officer"):
        return _in_units(user, req.unit_id)
    if user.role == "approver":
        group = approval_group(user.authority_type)
        return (_in_units(user, req.unit_id) and req.submitted_at is not None and group is not None
                and group in (req.approval_authority, req.validation_authority))
    return False


#: History entries that decide an order's ex-post validation (Reg. (EU) 2023/1543 Art. 4(5)).
EX_POST = frozenset({"validate", "refuse_validation"})
#: Authorities that issue on their own: an order they issue is never "without prior validation".
_JUDICIAL = ("judge", "investigating_judge", "prosecutor")


def issued_without_prior_validation(req: LegalRequest) -> bool:
    """The order was issued by the investigator's authority alone although its route normally wants validation."""
    return bool(req.emergency) and (req.details or {}).get("without_prior_validation") is True \
        and req.approval_authority is None and (req.facts or {}).get("issuer", "police") not in _JUDICIAL


def ex_post_decision(req: LegalRequest) -> Any:
    """The ``validate`` / ``refuse_validation`` event of the order as last issued, if its validating authority
    decided: a validation of an earlier version (changed and submitted again since) does not count."""
    for event in reversed(req.events):
        if event.action in EX_POST:
            return event
        if event.action in ("submit", "reopened"):
            return None
    return None


def awaits_validation(req: LegalRequest) -> bool:
    """Issued without prior validation, not withdrawn, and nobody has validated it (or refused to) yet."""
    return (req.validation_authority is not None and req.state in VALIDATABLE
            and issued_without_prior_validation(req) and ex_post_decision(req) is None)


def can_validate(user: User, req: LegalRequest) -> bool:
    """Art. 4(5): an approver of the group that would have validated beforehand, who did not shape the order."""
    return (user.role == "approver" and awaits_validation(req) and can_view(user, req)
            and approval_group(user.authority_type) == req.validation_authority
            and user.id not in contributors(req))


#: An approved request not yet sent may still be changed; the change sends it back to draft and a new approval.
REOPENABLE = frozenset({"approved"})
#: History entries that make their actor one of the people who shaped the request.
CONTRIBUTING = frozenset({"created", "edited", "submit", "submit_for_approval", "reopened"})


def can_edit(user: User, req: LegalRequest) -> bool:
    return ((req.state in EDITABLE or req.state in REOPENABLE) and user.role in ("investigator", "admin")
            and can_view(user, req))


def contributors(req: LegalRequest) -> set[int]:
    """Everyone who created, edited or submitted the request, from its history (and its author)."""
    people = {e.actor_id for e in req.events if e.action in CONTRIBUTING and e.actor_id is not None}
    people.add(req.created_by_id)
    return people


def can_approve(user: User, req: LegalRequest) -> bool:
    """Four eyes: an approver of the right authority who did not create, edit or submit the request."""
    return (user.role == "approver" and req.state == "awaiting_approval" and can_view(user, req)
            and user.id not in contributors(req))


def can_act(user: User, req: LegalRequest, action: Any) -> bool:
    """May the user take this workflow action (an ``Action`` from workflow.states) on this request?"""
    if user.role not in action.roles or req.state not in action.sources:
        return False
    if action.name in ("approve", "return", "reject"):
        return can_approve(user, req)
    if action.name in EX_POST:
        return can_validate(user, req)
    return can_view(user, req)


def can_download(user: User, req: LegalRequest) -> bool:
    return can_view(user, req)


def visible_requests(user: User) -> ColumnElement[bool]:
    """``can_view`` as a WHERE clause."""
    if user.role == "admin":
        return true()
    ids = user.unit_ids
    if not ids:
        return false()
    if user.role in ("investigator", "liaison_officer"):
        return LegalRequest.unit_id.in_(ids)
    if user.role == "approver" and approval_group(user.authority_type):
        group = approval_group(user.authority_type)
        return and_(LegalRequest.unit_id.in_(ids), LegalRequest.submitted_at.is_not(None),
                    or_(LegalRequest.approval_authority == group, LegalRequest.validation_authority == group))
    return false()


def awaiting_validation_clause(user: User) -> ColumnElement[bool]:
    """The requests whose ex-post validation falls to ``user``'s group and is not decided yet (a WHERE clause)."""
    group = approval_group(user.authority_type)
    if user.role != "approver" or group is None:
        return false()
    decided = exists().where(RequestEvent.request_id == LegalRequest.id, RequestEvent.action.in_(EX_POST),
                             RequestEvent.at >= LegalRequest.submitted_at)  # of the order as last submitted
    return and_(visible_requests(user), LegalRequest.validation_authority == group,
                LegalRequest.state.in_(VALIDATABLE), ~decided)


def visible_cases(user: User) -> ColumnElement[bool]:
    if user.role == "admin":
        return true()
    if user.role in ("investigator", "liaison_officer") and user.unit_ids:
        return Case.unit_id.in_(user.unit_ids)
    return false()
