"""What can happen to cases and requests. Every change goes through here: state transitions write a RequestEvent
and an audit entry, and tell the deadline service; the caller (view, API, CLI) commits once.

The actor is passed explicitly (no Flask globals), so the API, the CLI and jobs use the same functions.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from lawreq.audit.services import record
from lawreq.auth.models import Unit, User
from lawreq.core.clock import utcnow
from lawreq.deadlines.services import awaits_recognition, on_transition
from lawreq.legal_requests import details as details_schema
from lawreq.handoffs import services as handoffs
from lawreq.legal_requests import permissions
from lawreq.legal_requests.models import Case, LegalRequest, RequestEvent
from lawreq.workflow.states import ACTIONS, EDITABLE, TransitionError, apply


class NotPermitted(Exception):
    """The actor may not do this to this object (views answer 403/404)."""


class ConflictError(Exception):
    """Someone else saved the request since the actor loaded it (optimistic lock)."""


@dataclass(frozen=True)
class Ctx:
    """What a service needs besides the session: who acts, the audit key, the rules, the time."""

    actor: User
    audit_key: bytes
    rules: Any = None
    now: datetime | None = None
    #: The units' signing keys (``lawreq.signing.SigningKeys``); None: documents are issued unsigned.
    signing: Any = None

    @property
    def at(self) -> datetime:
        return self.now or utcnow()


def snapshot(req: LegalRequest) -> dict[str, Any]:
    """The audited state of a request (its digest goes into the audit log, not its content)."""
    return {"state": req.state, "route_id": req.route_id, "provider_id": req.provider_id, "facts": req.facts,
            "details": req.details, "identifiers": req.identifiers, "version": req.version,
            "wizard_step": req.wizard_step}


# --- cases -----------------------------------------------------------------------------------------------------
def create_case(db: Session, ctx: Ctx, unit: Unit, *, reference: str, offence: str,
                max_penalty_years: float | None, summary: str, offence_country: str | None,
                committed_online: bool = True, title: str | None = None) -> Case:
    if not permissions.can_create_case(ctx.actor) or (ctx.actor.role != "admin" and unit.id not in ctx.actor.unit_ids):
        raise NotPermitted("cannot create a case in this unit")
    case = Case(unit_id=unit.id, reference=reference.strip(), title=(title or "").strip() or None,
                offence=offence, max_penalty_years=max_penalty_years,
                summary=summary, offence_country=offence_country, committed_online=committed_online,
                created_by_id=ctx.actor.id)
    db.add(case)
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="case.created", obj=case, after={"reference": case.reference})
    return case


#: What a case's unit may change after opening it (the unit itself never: scoping follows it).
CASE_FIELDS = ("reference", "title", "summary", "offence", "max_penalty_years", "offence_country", "committed_online")


def update_case(db: Session, ctx: Ctx, case: Case, **changes: Any) -> list[str]:
    """Apply the changes that differ; audit the changed field names (values as digests). Returns those names.

    Requests already started keep the facts they were built with: the rules' answer for a request in flight
    must not change under it (the same reason a request pins its rules version).
    """
    if not permissions.can_view_case(ctx.actor, case) or ctx.actor.role not in ("investigator", "admin"):
        raise NotPermitted("cannot edit this case")
    unknown = set(changes) - set(CASE_FIELDS)
    if unknown:
        raise ValueError(f"not a case field: {', '.join(sorted(unknown))}")
    changed = [k for k in CASE_FIELDS if k in changes and getattr(case, k) != changes[k]]
    if not changed:
        return []
    before = {k: getattr(case, k) for k in changed}
    for key in changed:
        setattr(case, key, changes[key])
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="case.updated", obj=case, before=before,
           after={k: changes[k] for k in changed}, detail={"changed": changed})
    return changed


# --- requests --------------------------------------------------------------------------------------------------
def next_reference(db: Session, unit: Unit, at: datetime) -> str:
    """``<UNIT>-<YEAR>-<NNNNN>``, counted per unit and year.

    The unit's row is locked first (``FOR UPDATE``; SQLite's ``BEGIN IMMEDIATE`` already serialises writers), so
    parallel creates in one unit count one after the other instead of all taking the same number and failing on
    the unique index.
    """
    db.execute(select(Unit.id).where(Unit.id == unit.id).with_for_update())
    prefix = f"{unit.code}-{at.year}-"
    count = db.scalar(select(func.count()).select_from(LegalRequest).where(LegalRequest.reference.like(prefix + "%")))
    return f"{prefix}{(count or 0) + 1:05d}"


def start_request(db: Session, ctx: Ctx, case: Case, *, parent: LegalRequest | None = None,
                  facts: Mapping[str, Any] | None = None, identifiers: list[dict] | None = None) -> LegalRequest:
    if not permissions.can_view_case(ctx.actor, case) or ctx.actor.role not in ("investigator", "admin"):
        raise NotPermitted("cannot start a request in this case")
    unit = db.get(Unit, case.unit_id)
    base_facts = {"issuing_country": unit.country, "issuer": "police", "offence": case.offence,
                  "max_penalty_years": case.max_penalty_years, "committed_online": case.committed_online,
                  "offence_committed_in": case.offence_country or unit.country, "emergency": False,
                  "data_categories": ["subscriber_data"]}
    base_facts.update(facts or {})
    req = LegalRequest(case_id=case.id, unit_id=case.unit_id, created_by_id=ctx.actor.id,
                       reference=next_reference(db, unit, ctx.at), state="draft", wizard_step="target",
                       issuing_country=unit.country, facts=base_facts, details={}, identifiers=identifiers or [],
                       parent_id=parent.id if parent else None, emergency=False)
    req.search_text = search_text(case, req.identifiers)
    db.add(req)
    db.flush()
    _event(db, ctx, req, "created", None, "draft", note=f"chained from {parent.reference}" if parent else None)
    record(db, ctx.audit_key, actor=ctx.actor, action="request.created", obj=req, after=snapshot(req),
           detail={"parent": parent.reference if parent else None})
    return req


def search_text(case: Case, identifiers: list[dict]) -> str:
    values = [case.reference] + [str(i.get("value", "")) for i in identifiers or []]
    return " ".join(v.strip().lower() for v in values if v)


def save_draft(db: Session, ctx: Ctx, req: LegalRequest, *, expected_version: int, step: str | None = None,
               facts: Mapping[str, Any] | None = None, details: Mapping[str, Any] | None = None,
               identifiers: list[dict] | None = None, route: Any = None) -> LegalRequest:
    """Merge one wizard step's answers into the draft. Later answers are kept (Back never loses them)."""
    if not permissions.can_edit(ctx.actor, req):
        raise NotPermitted("this request cannot be edited now")
    if req.version != expected_version:
        raise ConflictError(f"{req.reference} was saved by someone else (version {req.version}, "
                            f"you had {expected_version})")
    if details is not None:  # checked before anything changes: a refused change changes nothing
        details = details_schema.check(details, schema_for_details(req, route, ctx.rules, facts))
    if req.state == "approved":
        _reopen(db, ctx, req)
    _note_contributor(db, ctx, req)
    before = snapshot(req)
    if facts:
        req.facts = {**req.facts, **facts}
        req.emergency = bool(req.facts.get("emergency"))
        if "provider" in facts:
            req.provider_id = facts["provider"]
    if details:
        req.details = {**req.details, **details}
    if identifiers is not None:
        req.identifiers = identifiers
        req.search_text = search_text(req.case, identifiers)
    if route is not None:
        apply_route(req, route, ctx.rules)
    if step:
        req.wizard_step = step
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="request.draft_saved", obj=req, before=before,
           after=snapshot(req), detail={"step": step})
    return req


def schema_for_details(req: LegalRequest, route: Any = None, rules: Any = None,
                       facts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The details schema of the request's route (the one being chosen, else the stored one); the union of every
    route's fields when the route cannot be evaluated, and the wizard's own keys before any route is chosen."""
    if route is None and req.route_id and rules is not None:
        from lawreq.rules import FactsError, find_route

        try:
            route = find_route({**(req.facts or {}), **(facts or {})}, rules, req.route_id, today=utcnow().date())
        except FactsError:
            route = None
        if route is None:
            return details_schema.union_schema(rules.routes)
    return details_schema.route_schema(route)


def _reopen(db: Session, ctx: Ctx, req: LegalRequest) -> None:
    """A change to an approved request voids its approval and its issued document: it goes back to draft, and
    only a new submission and approval issue it again (what was approved is what is sent)."""
    from lawreq.legal_requests import issuance

    before = snapshot(req)
    req.details = {k: v for k, v in req.details.items() if k != "signature"}
    req.decided_by_id = req.decided_at = None
    voided = issuance.reopen(db, req, ctx.at)
    _event(db, ctx, req, "reopened", "approved", "draft", note="changed after approval: a new approval is needed")
    on_transition(db, req, "reopened", ctx.at, ctx.rules)
    req.state = "draft"
    record(db, ctx.audit_key, actor=ctx.actor, action="request.reopened", obj=req, before=before,
           after=snapshot(req), detail={"documents_superseded": voided})


def _note_contributor(db: Session, ctx: Ctx, req: LegalRequest) -> None:
    """The first change a person makes to a request puts them in its history (an ``edited`` event), so the
    four-eyes rule can keep everyone who shaped the request from approving it."""
    if ctx.actor.id not in permissions.contributors(req):
        _event(db, ctx, req, "edited", req.state, req.state)


#: The investigator's own authority never needs approval for routes police may issue; otherwise the route's
#: issuing (or validating) authority decides which approver group the request is routed to.
_GROUP_FOR_AUTHORITY = {"prosecutor": "prosecutor", "investigating_judge": "judge", "judge": "judge",
                        "police": "senior_officer"}


def approval_group_for(route: Any, issuer: str = "police", *, without_prior_validation: bool = False) -> str | None:
    """None if ``issuer`` may issue alone; else the approver group that must issue or validate.

    ``without_prior_validation``: the investigator chose to issue first in a validly established emergency; that is
    honoured only where the route itself waives prior validation (Reg. (EU) 2023/1543 Art. 4(5): subscriber and
    identification data, and preservation), and the 48-hour validation clock then starts when the order is sent.
    """
    issuing = list(getattr(route, "issuing_authorities", ()) or ())
    if without_prior_validation and issuer not in issuing and getattr(route, "needs_approval", True) is False:
        return None
    validation = list(getattr(route, "validation_by", ()) or ())
    if issuer in issuing and not validation:
        return None
    if issuer in ("prosecutor", "investigating_judge", "judge") and issuer in issuing:
        # A judicial authority issues on its own (Art. 4(1)(a), 4(3)(a)): its own approver signs as the issuer,
        # nobody else validates.
        return _GROUP_FOR_AUTHORITY[issuer]
    candidates = validation if issuer in issuing else [a for a in issuing if a != issuer]
    for authority in ("prosecutor", "investigating_judge", "judge"):
        if authority in candidates:
            return _GROUP_FOR_AUTHORITY[authority]
    return "senior_officer" if candidates else None


def apply_route(req: LegalRequest, route: Any, rules: Any) -> None:
    req.route_id = route.id
    req.route_kind = route.kind
    req.form_id = getattr(route, "form", None)
    addressee = getattr(route, "addressee", None)
    req.addressee_country = getattr(addressee, "country", None) if addressee is not None else None
    req.rules_version = getattr(rules, "version", None)
    req.approval_authority = approval_group(req, route)
    req.validation_authority = validation_group(req, route)


def approval_group(req: LegalRequest, route: Any) -> str | None:
    """:func:`approval_group_for` with the draft's own issuer and its Art. 4(5) choice."""
    return approval_group_for(route, req.facts.get("issuer", "police"),
                              without_prior_validation=bool(req.emergency)
                              and (req.details or {}).get("without_prior_validation") is True)


def validation_group(req: LegalRequest, route: Any) -> str | None:
    """The approver group that validates after the fact an order issued without prior validation: the group that
    would have validated it beforehand (Reg. (EU) 2023/1543 Art. 4(5)); None for every other request."""
    if req.approval_authority is not None or not (bool(req.emergency)
                                                  and (req.details or {}).get("without_prior_validation") is True):
        return None
    issuer = req.facts.get("issuer", "police")
    if issuer in ("judge", "investigating_judge", "prosecutor"):
        return None
    return approval_group_for(route, issuer)


issued_without_prior_validation = permissions.issued_without_prior_validation
#: Actions that need a fresh second factor: the web form of the request page cannot take them.
STEP_UP_ACTIONS = ("approve", "validate", "refuse_validation")


def available_actions(db: Session, user: Any, req: LegalRequest, rules: Any) -> list[Any]:
    """The workflow actions this user can take on this request now — the page's buttons and the API's list."""
    return [a for a in ACTIONS.values() if permissions.can_act(user, req, a)
            and (a.name != "record_recognition" or awaits_recognition(db, req, rules))]


def transition(db: Session, ctx: Ctx, req: LegalRequest, action: str, *, note: str | None = None,
               data: Mapping[str, Any] | None = None, expected_version: int | None = None,
               prepared: Any = None, issue: bool = True) -> RequestEvent:
    """Move a request through its lifecycle; refuse what the table or the permissions do not allow.

    Approving (or submitting what needs no approval) issues the document: ``prepared`` is the one the approver
    read (``issuance.prepare``), otherwise it is rendered now; ``issue=False`` only for drawing one up. A document
    that cannot be produced or signed stops the transition (TransitionError / SigningError), so nothing is issued.
    """
    data = dict(data or {})
    if expected_version is not None and req.version != expected_version:
        raise ConflictError(f"{req.reference} changed since you opened it")
    if action == "extend_preservation":
        return _extend_preservation(db, ctx, req, note, data)
    spec = ACTIONS.get(action)
    if (action in permissions.EX_POST and permissions.can_view(ctx.actor, req)
            and not permissions.awaits_validation(req)):
        raise TransitionError("this order awaits no ex-post validation: it was issued with prior validation, is "
                              "withdrawn, or its validation was already decided")
    if spec is None or not permissions.can_act(ctx.actor, req, spec):
        if spec is not None and permissions.can_view(ctx.actor, req) and req.state not in spec.sources:
            raise TransitionError(f"cannot {spec.label.lower()} a request in state {req.state!r}")
        raise NotPermitted(f"{ctx.actor.role} may not {action} this request")
    if action in ("submit", "submit_for_approval"):
        action = "submit_for_approval" if req.approval_authority else "submit"
        spec = ACTIONS[action]
        if req.route_id is None:
            raise TransitionError("choose a route before submitting")
    if action == "record_recognition" and not awaits_recognition(db, req, ctx.rules):
        raise TransitionError("this request's route has no recognition step, or the recognition is already recorded")
    if action in ("return", "reject") and not (note or "").strip():
        raise TransitionError("say why: a comment is required to return or reject a request")
    if action == "refuse_validation" and not (note or "").strip():
        raise TransitionError("say why: a reason is required to refuse validation")
    if action == "mark_sent" and issued_without_prior_validation(req) and permissions.ex_post_decision(req) is None:
        # Art. 4(5): the 48-hour clock runs from the issue (started then; here if it was not), unless the order was
        # validated before it was sent
        data.setdefault("without_prior_validation", True)
        data.setdefault("issued_at", req.decided_at or ctx.at)
    if action == "submit" and issued_without_prior_validation(req):  # issued now, without prior validation
        data.setdefault("without_prior_validation", True)
        data.setdefault("issued_at", ctx.at)
    before = snapshot(req)
    old = req.state
    new = apply(old, action, ctx.actor.role)
    at = ctx.at
    _stamp(req, action, ctx, at, note, data)
    req.state = new
    event = _event(db, ctx, req, action, old, new, note=note, data=data)
    record(db, ctx.audit_key, actor=ctx.actor, action=f"request.{action}", obj=req, before=before,
           after=snapshot(req), detail=_audit_detail(ctx, action, data))
    on_transition(db, req, action, at, ctx.rules, data=data)
    handoffs.on_transition(db, req, action, ctx.actor, at, note)
    db.flush()
    _documents(db, ctx, req, action, prepared if issue else False)
    return event


def _documents(db: Session, ctx: Ctx, req: LegalRequest, action: str, prepared: Any) -> None:
    from lawreq.legal_requests import issuance
    from lawreq.pdf import FormError

    if action in ("withdraw", "refuse_validation"):
        issuance.withdraw(db, req, ctx.at)
    elif action == "validate" and issuance.has_document(req) and issuance.current(db, req) is not None:
        # Section J now names the validator: a new version, signed like the first, supersedes the one sent.
        try:
            issuance.issue(db, ctx, req)
        except FormError as exc:
            raise TransitionError(f"the document cannot be issued: {exc}") from exc
    elif action in issuance.ISSUING_ACTIONS and prepared is not False and issuance.has_document(req):
        try:
            issuance.issue(db, ctx, req, prepared)
        except FormError as exc:
            raise TransitionError(f"the document cannot be issued: {exc}") from exc


def _stamp(req: LegalRequest, action: str, ctx: Ctx, at: datetime, note: str | None, data: dict) -> None:
    if action in ("submit", "submit_for_approval"):
        req.submitted_at = at
        if action == "submit":  # no approval needed: the investigator's own authority issues it
            req.decided_by_id, req.decided_at = ctx.actor.id, at
    elif action in ("approve", "return", "reject"):
        req.decided_by_id, req.decided_at, req.decision_note = ctx.actor.id, at, note
        if action == "approve":
            req.details = {**req.details, "signature": {
                "name": ctx.actor.name, "authority": ctx.actor.authority_type, "signed_at": at.isoformat(),
                "user_id": ctx.actor.id}}
        if action == "reject":
            req.outcome = {**req.outcome, "refused_by": "approver", "reason": note}
    elif action == "validate":
        req.updated_at = at  # the row changes, so its version does: a second, concurrent decision is refused
    elif action == "refuse_validation":
        # Art. 4(5) [V2, legal_brief.md §2.4]: validation refused -> the order is withdrawn, and the data obtained are
        # deleted or their use restricted as national law provides (the app says so; it deletes nothing itself).
        req.outcome = {**req.outcome, "withdrawn_because": "validation_refused", "reason": note,
                       "data_obtained": "delete_or_restrict", "at": at.isoformat()}
        req.closed_at = at
    elif action == "mark_sent":
        req.sent_at = data.get("sent_at") or at
        req.sent_channel = data.get("channel")
        req.provider_reference = data.get("provider_reference")
    elif action == "acknowledge":
        req.acknowledged_at = data.get("received_at") or at
        req.provider_reference = data.get("provider_reference") or req.provider_reference
    elif action in ("fulfil", "partially_fulfil", "refuse", "withdraw", "lapse"):
        outcome = {k: v for k, v in data.items()
                   if k in ("reason", "received", "data_categories", "note", "impossibility_reasons")}
        if action == "refuse":
            outcome["refused_by"] = "addressee"
        req.outcome = {**req.outcome, **outcome, "at": at.isoformat()}
        if action != "partially_fulfil":
            req.closed_at = at


def _audit_detail(ctx: Ctx, action: str, data: dict) -> dict[str, Any]:
    detail = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in data.items()
              if k in ("channel", "provider_reference", "reason")}
    if action == "approve":
        detail["signed_by"] = {"name": ctx.actor.name, "authority": ctx.actor.authority_type}
    if action in ("validate", "refuse_validation"):
        detail["validated_by" if action == "validate" else "validation_refused_by"] = {
            "name": ctx.actor.name, "authority": ctx.actor.authority_type}
    return detail


def _extend_preservation(db: Session, ctx: Ctx, req: LegalRequest, note: str | None, data: dict) -> RequestEvent:
    if not permissions.can_view(ctx.actor, req) or ctx.actor.role not in ("investigator", "liaison_officer", "admin"):
        raise NotPermitted("may not extend this preservation")
    if req.state not in ("sent", "acknowledged", "partially_fulfilled"):
        raise TransitionError("only a preservation in force can be extended")
    before = snapshot(req)
    on_transition(db, req, "extend_preservation", ctx.at, ctx.rules, data=data)
    event = _event(db, ctx, req, "extend_preservation", req.state, req.state, note=note, data=data)
    record(db, ctx.audit_key, actor=ctx.actor, action="request.extend_preservation", obj=req, before=before,
           after=snapshot(req))
    return event


def log_follow_up(db: Session, ctx: Ctx, req: LegalRequest, note: str) -> RequestEvent:
    return transition(db, ctx, req, "follow_up", note=note)


def _event(db: Session, ctx: Ctx, req: LegalRequest, action: str, old: str | None, new: str | None, *,
           note: str | None = None, data: Mapping[str, Any] | None = None) -> RequestEvent:
    clean = {k: (v.isoformat() if isinstance(v, datetime) else v) for k, v in (data or {}).items()}
    event = RequestEvent(request_id=req.id, actor_id=ctx.actor.id, at=ctx.at, action=action, from_state=old,
                         to_state=new, note=note, data=clean)
    db.add(event)
    if "events" in req.__dict__:  # reload a loaded history when next read (the four-eyes rule reads it)
        db.expire(req, ["events"])
    return event


def editable(req: LegalRequest) -> bool:
    return req.state in EDITABLE
