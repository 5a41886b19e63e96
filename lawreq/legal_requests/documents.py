"""The seam between a stored request and a PDF: build the plain mapping ``lawreq.pdf`` renders.

The only module that knows both the ORM row and the PDF input shape (documented in ``lawreq/pdf/document.py``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.auth.models import Unit, User
from lawreq.deadlines.models import Deadline
from lawreq.deadlines.services import DeadlineSetupError, route_for
from lawreq.legal_requests.details import readable
from lawreq.legal_requests.models import LegalRequest, RequestEvent
from lawreq.legal_requests.permissions import ex_post_decision
from lawreq.legal_requests.services import schema_for_details
from lawreq.pdf import render
from lawreq.workflow.states import IN_FLIGHT

#: Route kinds that preserve data (EPOC-PR, Budapest Art. 29, US preservation letters).
PRESERVING = ("preservation_order", "preservation_request")
#: Forms the issuing side sends after the main one, or keeps as the record of what came back (Reg. 2023/1543).
FOLLOW_ON = {"annex_v": "Confirmation of the production request (Annex V)",
             "annex_vi": "Extension of the preservation (Annex VI)",
             "annex_iii": "Provider's report: inability to execute (Annex III)"}

#: Wizard identifier types → the form's identifier vocabulary.
_ID_TYPES = {"ip": "ip_address", "numeric_id": "account", "username": "account", "email": "email",
             "phone": "phone", "url": "service"}


#: Authorities that may issue or validate on their own under Reg. (EU) 2023/1543 Art. 4(1)-(3).
JUDICIAL = ("judge", "investigating_judge", "prosecutor")
#: States in which nobody has approved (issued or validated) the request yet.
PRE_APPROVAL = frozenset({"draft", "returned", "awaiting_approval"})


@dataclass(frozen=True)
class Issuance:
    """Who issued the order and who validated it, as the request's own history records it (never its details).

    ``draft``: nothing has been approved yet, so the document is a draft and signs nothing. A police order that a
    prosecutor or judge approved was issued by the police and validated by that approver (Art. 4(1)(b), 4(3)(b)); a
    prosecutor or judge who approves an order their own authority issues is its issuing authority; an order the
    investigator issued alone where the route asks for validation was issued without prior validation (Art. 4(5)).
    """

    draft: bool
    issuer_type: str
    signer: User | None = None
    issued_at: datetime | None = None
    office: Unit | None = None
    validator: User | None = None
    validated_at: datetime | None = None
    without_prior_validation: bool = False


def _last(events: list[RequestEvent], actions: tuple[str, ...]) -> RequestEvent | None:
    return next((e for e in reversed(events) if e.action in actions), None)


def _office(user: User | None, req: LegalRequest) -> Unit | None:
    """The approver's own authority (a unit other than the investigating one), if the approver belongs to one."""
    if user is None:
        return None
    return next((u for u in user.units if u.id != req.unit_id), None)


def issuance(req: LegalRequest, route: Any) -> Issuance:
    """:class:`Issuance` of ``req`` from its events (``approve``/``submit``), the approver and the route."""
    issuer = str((req.facts or {}).get("issuer") or "police")
    issuer = "police" if issuer == "senior_officer" else issuer
    refused_unapproved = req.state == "refused" and (req.outcome or {}).get("refused_by") == "approver"
    events = list(req.events)
    decision = _last(events, ("approve", "submit"))
    if req.state in PRE_APPROVAL or refused_unapproved or (decision is None and req.decided_at is None):
        return Issuance(draft=True, issuer_type=issuer)
    submitted = _last(events, ("submit_for_approval", "submit"))
    if decision is not None:
        action, actor, at = decision.action, decision.actor, decision.at
    else:  # an older row without its events: the decision columns are written by the same transition
        actor, at = req.decided_by, req.decided_at
        action = "approve" if actor is not None and actor.role == "approver" else "submit"
    submitter = submitted.actor if submitted is not None else req.created_by
    if action == "submit":
        needs_validation = (route is not None and bool(route.validation_by)
                            and issuer not in tuple(route.issuing_authorities))
        unvalidated = issuer not in JUDICIAL and (needs_validation if route is not None else bool(req.emergency))
        # Validated after the fact (Art. 4(5)): the box stays ticked (that is how it was issued), Section J names
        # the validator and the date of the validation.
        decided = ex_post_decision(req) if unvalidated else None
        validated = decided if decided is not None and decided.action == "validate" else None
        validator = validated.actor if validated is not None else None
        return Issuance(draft=False, issuer_type=issuer, signer=actor or submitter, issued_at=at,
                        without_prior_validation=bool(req.emergency) and unvalidated, validator=validator,
                        validated_at=validated.at if validated is not None else None,
                        office=_office(validator, req))
    approver_type = (actor.authority_type if actor is not None else None) or ""
    if issuer in JUDICIAL:
        return Issuance(draft=False, issuer_type=approver_type if approver_type in JUDICIAL else issuer,
                        signer=actor, issued_at=at, office=_office(actor, req))
    if approver_type in JUDICIAL:
        return Issuance(draft=False, issuer_type=issuer, signer=submitter,
                        issued_at=submitted.at if submitted is not None else at, validator=actor, validated_at=at,
                        office=_office(actor, req))
    return Issuance(draft=False, issuer_type=issuer, signer=actor, issued_at=at)


def _unit_authority(unit: Unit | None) -> dict[str, Any]:
    if unit is None:
        return {"name": "", "unit": "", "country": "", "address": "", "email": "", "phone": ""}
    return {"name": unit.authority_name or unit.name, "unit": unit.name, "country": unit.country,
            "address": unit.address or "", "email": unit.email or "", "phone": unit.phone or ""}


def _iso(at: datetime | None) -> str:
    return at.isoformat() if at else ""


def _authorities(req: LegalRequest, unit: Unit | None, done: Issuance) -> dict[str, Any]:
    """Sections A, I and J of the certificate from :class:`Issuance`; file numbers from the case."""
    police = _unit_authority(unit)
    out: dict[str, Any] = {"draft": done.draft, "without_prior_validation": done.without_prior_validation}
    if done.issuer_type in JUDICIAL:
        issuing = {**_unit_authority(done.office), "country": req.issuing_country or police["country"]}
        if done.office is None:
            issuing["name"] = ""  # printed as the kind of authority, never as the police unit's name
        out["contact_authority"] = {k: police[k] for k in ("name", "address", "phone", "email")}
    else:
        issuing = dict(police)
    issuing.update(authority_type=done.issuer_type, file_number=req.case.reference if req.case else "",
                   signatory="" if done.draft or done.signer is None else done.signer.name,
                   signed_at="" if done.draft else _iso(done.issued_at))
    out["issuing_authority"] = issuing
    if done.validator is not None and not done.draft:
        validating = _unit_authority(done.office) if done.office is not None else \
            {**_unit_authority(None), "country": police["country"]}
        validating.update(authority_type=done.validator.authority_type or "", file_number="",
                          signatory=done.validator.name, signed_at=_iso(done.validated_at))
        out["validating_authority"] = validating
    return out


def _identifier(raw: dict[str, Any], details: dict[str, Any], zone: str) -> dict[str, Any]:
    value = str(raw.get("value", ""))
    if raw.get("port"):
        value = f"{value} port {raw['port']}"
    return {"type": _ID_TYPES.get(str(raw.get("type")), "other"), "value": value,
            "used_at": raw.get("timestamp_utc") or "",
            "time_range_start": raw.get("time_range_start") or details.get("time_range_start") or "",
            "time_range_end": raw.get("time_range_end") or details.get("time_range_end") or "",
            "timezone": zone}


def _notification(req: LegalRequest, route: Any, rules: Any) -> dict[str, Any]:
    """Art. 8 from the facts the wizard asked: notified; not needed for subscriber/identification data (8(1)); or
    not needed because offence and residence are in the issuing State (8(2))."""
    facts = req.facts or {}
    required = bool(route.notification_required) if route is not None else False
    categories = set(facts.get("data_categories") or [])
    if required:
        basis = "notified"
    elif categories <= {"subscriber_data", "identification_data"}:
        basis = "category"
    else:
        basis = "exception"
    resides = facts.get("target_resides_in")
    country = rules.countries.get(resides) if resides else None
    return {"required": required, "basis": basis, "enforcing_state": req.addressee_country or "",
            "target_resides_in": (country.name if country is not None else resides) or ""}


#: Clocks a document names before it is sent, as the rules state them (lawreq.deadlines.services decides the rest).
_NOT_A_CLOCK = ("preservation_extension", "provisional_measures")


def _deadlines(db: Session, req: LegalRequest, route: Any, done: Issuance) -> list[dict[str, Any]]:
    """Once sent, the running clocks with their dates; before, the route's periods ("10 days from receipt")."""
    if req.sent_at is not None or route is None:
        rows = db.scalars(select(Deadline).where(Deadline.request_id == req.id).order_by(Deadline.due_at))
        return [{"kind": d.kind, "due_at": d.due_at.isoformat(), "period": d.period,
                 "explanation": " ".join(d.explanation or [])} for d in rows]
    wanted = ("always", "emergency") if req.emergency else ("always", "normal")
    out = []
    for rule in route.deadline_rules:
        if rule.applies not in wanted or rule.kind in _NOT_A_CLOCK:
            continue
        if rule.kind == "review_window" and not route.notification_required:
            continue
        if rule.kind == "ex_post_validation" and (not done.without_prior_validation or done.validator is not None):
            continue
        out.append({"kind": rule.kind, "period": rule.period, "trigger": rule.trigger, "explanation": ""})
    return out


def _validation_due(db: Session, req: LegalRequest, route: Any, done: Issuance) -> str:
    if not done.without_prior_validation or done.validator is not None:
        return ""
    row = db.scalar(select(Deadline).where(Deadline.request_id == req.id, Deadline.kind == "ex_post_validation")
                    .order_by(Deadline.due_at.desc()))
    if row is not None:
        return row.due_at.isoformat()
    rule = next((r for r in getattr(route, "deadline_rules", ()) if r.kind == "ex_post_validation"), None)
    hours = (rule.period if rule is not None else "PT48H").removeprefix("PT").removesuffix("H")
    if done.issued_at is None or not hours.isdigit():
        return ""
    return (done.issued_at + timedelta(hours=int(hours))).isoformat()


def document_data(db: Session, req: LegalRequest, rules: Any) -> dict[str, Any]:
    """Everything the request's forms print, from the request, its case, unit, route, history and deadlines.

    The signer, the validator and the Art. 4(5) box come from the request's history (:func:`issuance`), never from
    its details; the details are read through their schema, so values a past version stored that the schema
    refuses are left out instead of printed.
    """
    unit = db.get(Unit, req.unit_id)
    route = _route(req, rules)
    details = readable(req.details or {}, schema_for_details(req, route, rules))
    facts = dict(req.facts or {})
    provider = rules.providers.get(req.provider_id or "")
    offence = rules.offences.get(req.case.offence)
    done = issuance(req, route)
    zone = (unit.timezone if unit and unit.timezone else "UTC")
    addressee = route.addressee if route is not None else None
    data: dict[str, Any] = {
        "reference": req.reference,
        "rules_version": req.rules_version or rules.version,
        "timezone": zone,
        "language": details.get("language") or (unit.country.lower() if unit else "en"),
        "route": {"id": req.route_id, "title": route.title if route else req.route_id,
                  "instrument": route.instrument if route else "", "kind": req.route_kind},
        **_authorities(req, unit, done),
        "addressee": {"provider": provider.name if provider else (req.provider_id or ""),
                      "entity": addressee.entity if addressee else "", "country": req.addressee_country or "",
                      "channel": addressee.channel if addressee else "", "role": _role(addressee),
                      "file_number": req.provider_reference or ""},
        "emergency": bool(req.emergency),
        "emergency_justification": details.get("emergency_justification") or "",
        "deadlines": _deadlines(db, req, route, done),
        "ex_post_validation_due": _validation_due(db, req, route, done),
        "data_categories": list(facts.get("data_categories") or []),
        "data_details": details.get("data_details") or "",
        "identifiers": [_identifier(i, details, zone) for i in req.identifiers or []],
        "offence": {"id": req.case.offence, "label": offence.label if offence else req.case.offence,
                    "legal_provisions": details.get("legal_provisions") or "",
                    "max_penalty_years": req.case.max_penalty_years,
                    "lists": sorted(offence.lists) if offence else [],
                    "committed_online": bool(facts.get("committed_online", req.case.committed_online))},
        # The order goes to the provider of the service, the controller of its users' data (Art. 5(6)); a
        # processor is only addressed for stated reasons, which no client may set (details.RESERVED_KEYS).
        "controller": {"addressed_to": "controller"},
        "facts_summary": details.get("facts_summary") or req.case.summary,
        "necessity_proportionality": details.get("necessity_proportionality") or "",
        "notification": _notification(req, route, rules),
        "confidentiality_request": details.get("confidentiality_request") or "",
    }
    previous = _previous_request(req, rules)
    if previous:
        data["previous_request"] = previous
    if req.route_kind in PRESERVING:
        data["preservation"] = _preservation(db, req, done, rules)
    reasons = list((req.outcome or {}).get("impossibility_reasons") or [])
    if reasons:
        data["impossibility"] = {
            "certificate": "epoc_pr" if req.route_kind in PRESERVING else "epoc", "reasons": reasons,
            "issued_at": _day(done.issued_at) or _day(req.decided_at),
            "received_at": _day(req.acknowledged_at or req.sent_at),
            "explanation": (req.outcome or {}).get("reason_note") or (req.outcome or {}).get("note", ""),
            "contact": {"name": (req.outcome or {}).get("provider_contact") or data["addressee"]["entity"]
                        or data["addressee"]["provider"]}}
    if req.emergency:
        data["emergency_facts"] = {"threat": details.get("emergency_justification") or "",
                                   "persons_at_risk": details.get("persons_at_risk") or "",
                                   "imminence": details.get("imminence") or "",
                                   "how_data_helps": details.get("how_data_helps") or ""}
    return data


def _day(at: Any) -> str:
    return at.date().isoformat() if at else ""


def _preservation(db: Session, req: LegalRequest, done: Issuance, rules: Any) -> dict[str, Any]:
    """The EPOC-PR as Annexes V and VI refer to it, with the running expiry and the production request that
    followed it, if any."""
    expiry = db.scalar(select(Deadline).where(Deadline.request_id == req.id, Deadline.kind == "preservation_expiry",
                                              Deadline.satisfied_at.is_(None)).order_by(Deadline.due_at.desc()))
    block: dict[str, Any] = {
        "reference": req.reference, "issued_at": _day(done.issued_at) or _day(req.decided_at),
        "transmitted_at": _day(req.sent_at), "addressee_file_number": req.provider_reference or "",
        "expires_at": _day(expiry.due_at) if expiry else ""}
    child = _subsequent_request(db, req)
    if child is not None:
        kind = {"production_order": "epo", "mla_request": "mla"}.get(child.route_kind or "", "other")
        if child.form_id == "eio_annex_a":
            kind = "eio"
        unit = child.unit
        block["subsequent_request"] = {
            "type": kind, "reference": child.reference,
            "authority": (unit.authority_name or unit.name) if unit else "",
            "issued_at": _day(issuance(child, _route(child, rules)).issued_at) or _day(child.decided_at)}
    return block


def _subsequent_request(db: Session, req: LegalRequest) -> LegalRequest | None:
    """The latest issued request that follows this preservation (approved or further along)."""
    return db.scalar(select(LegalRequest).where(
        LegalRequest.parent_id == req.id,
        LegalRequest.state.in_(("approved", *IN_FLIGHT, "fulfilled"))).order_by(LegalRequest.id.desc()))


class FormUnavailable(ValueError):
    """The asked-for document is neither the request's form nor one of its follow-on documents now."""

    def __init__(self, form: str, available: list[str]) -> None:
        super().__init__(f"form: {form} is not available for this request now "
                         f"(available: {', '.join(available) or 'none'})")
        self.available = available


def follow_on_forms(db: Session, req: LegalRequest) -> list[str]:
    """Which follow-on documents this request can produce now.

    Annex VI while its preservation runs; Annex V once a production request that follows it has been issued;
    Annex III once the liaison officer has logged the provider's reasons for not executing an EPOC/EPOC-PR.
    """
    forms = []
    if req.form_id == "epoc_pr" and req.state in IN_FLIGHT:
        forms.append("annex_vi")
    if req.form_id == "epoc_pr" and _subsequent_request(db, req) is not None:
        forms.append("annex_v")
    if req.form_id in ("epoc", "epoc_pr") and (req.outcome or {}).get("impossibility_reasons"):
        forms.append("annex_iii")
    return forms


def _previous_request(req: LegalRequest, rules: Any) -> dict[str, Any] | None:
    """A follow-up names the request it follows (EPOC Section D): the preservation it turns into production, or the
    answered request whose data led to it."""
    parent = req.parent
    if parent is None:
        return None
    kind = "preservation" if parent.route_kind in ("preservation_order", "preservation_request") else "production"
    issued = issuance(parent, _route(parent, rules)).issued_at
    return {"type": kind, "authority": (parent.unit.authority_name or parent.unit.name) if parent.unit else "",
            "reference": parent.reference, "issued_at": _day(issued),
            "transmitted_at": parent.sent_at.date().isoformat() if parent.sent_at else "",
            "addressee_file_number": parent.provider_reference or ""}


def _role(addressee: Any) -> str:
    role = getattr(addressee, "role", "") or ""
    # An entity presumed to be the addressee (no designation on record) is printed as a designated establishment:
    # that is the capacity the EPOC addresses it in; the route's warning tells the user to confirm it.
    return {"eu_designated_establishment": "designated_establishment",
            "eu_legal_representative": "legal_representative",
            "establishment": "designated_establishment"}.get(role, "designated_establishment")


def _route(req: LegalRequest, rules: Any) -> Any:
    """The request's route as the rules describe it (addressee, title, notification), or None if it cannot be found."""
    try:
        return route_for(req, rules)
    except DeadlineSetupError:
        return None


def render_request_pdf(db: Session, req: LegalRequest, rules: Any, *, lang: str | None = None,
                       form: str | None = None, invariant: bool = False) -> tuple[str, bytes]:
    """(download name, PDF bytes) of the request's form in the addressee's language unless ``lang`` says otherwise."""
    form_id = form or req.form_id or "cover_sheet"
    if form is not None and form != req.form_id:
        available = follow_on_forms(db, req)
        if form not in available:
            raise FormUnavailable(form, available)
    data = document_data(db, req, rules)
    language = lang or _addressee_language(req, rules)
    pdf = render(form_id, data, lang=language, invariant=invariant)
    return f"{req.reference}-{form_id}-{language}.pdf", pdf


def _addressee_language(req: LegalRequest, rules: Any) -> str:
    provider = rules.providers.get(req.provider_id or "")
    accepted = list(getattr(getattr(provider, "request_languages", None), "value", None) or [])
    return "en" if not accepted or "en" in accepted else accepted[0]
