"""The seam between a stored request and a PDF: build the plain mapping ``lawreq.pdf`` renders.

The only module that knows both the ORM row and the PDF input shape (documented in ``lawreq/pdf/document.py``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.auth.models import Unit, User
from lawreq.deadlines.models import Deadline
from lawreq.deadlines.services import DeadlineSetupError, route_for
from lawreq.legal_requests.models import LegalRequest
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


def _authority(unit: Unit | None, user: User | None, authority_type: str, signed_at: str | None) -> dict[str, Any]:
    return {"name": (unit.authority_name or unit.name) if unit else "", "unit": unit.name if unit else "",
            "country": unit.country if unit else "", "authority_type": authority_type,
            "address": (unit.address or "") if unit else "", "email": (unit.email or "") if unit else "",
            "phone": (unit.phone or "") if unit else "", "signatory": user.name if user else "",
            "signed_at": signed_at or ""}


def _identifier(raw: dict[str, Any], details: dict[str, Any]) -> dict[str, Any]:
    value = str(raw.get("value", ""))
    if raw.get("port"):
        value = f"{value} port {raw['port']}"
    if raw.get("timestamp_utc"):
        value = f"{value} at {raw['timestamp_utc']} UTC"
    return {"type": _ID_TYPES.get(str(raw.get("type")), "other"), "value": value,
            "time_range_start": raw.get("time_range_start") or details.get("time_range_start") or "",
            "time_range_end": raw.get("time_range_end") or details.get("time_range_end") or "",
            "timezone": "UTC"}


def document_data(db: Session, req: LegalRequest, rules: Any) -> dict[str, Any]:
    """Everything the request's forms print, from the request, its case, unit, route and deadlines."""
    unit = db.get(Unit, req.unit_id)
    details = dict(req.details or {})
    facts = dict(req.facts or {})
    provider = rules.providers.get(req.provider_id or "")
    offence = rules.offences.get(req.case.offence)
    route = _route(req, rules)
    signature = details.get("signature") or {}
    approver = db.get(User, signature["user_id"]) if signature.get("user_id") else None
    issuing_type = signature.get("authority") or facts.get("issuer", "police")
    deadlines = db.scalars(select(Deadline).where(Deadline.request_id == req.id).order_by(Deadline.due_at))
    addressee = route.addressee if route is not None else None
    data: dict[str, Any] = {
        "reference": req.reference,
        "rules_version": req.rules_version or rules.version,
        "language": details.get("language") or (unit.country.lower() if unit else "en"),
        "route": {"id": req.route_id, "title": route.title if route else req.route_id,
                  "instrument": route.instrument if route else "", "kind": req.route_kind},
        "issuing_authority": _authority(unit, approver or req.created_by,
                                        "police" if issuing_type == "senior_officer" else issuing_type,
                                        signature.get("signed_at")),
        "addressee": {"provider": provider.name if provider else (req.provider_id or ""),
                      "entity": addressee.entity if addressee else "", "country": req.addressee_country or "",
                      "channel": addressee.channel if addressee else "", "role": _role(addressee),
                      "file_number": req.provider_reference or ""},
        "emergency": bool(req.emergency),
        "emergency_justification": details.get("emergency_justification") or facts.get("emergency_justification", ""),
        "deadlines": [{"kind": d.kind, "due_at": d.due_at.isoformat(), "explanation": " ".join(d.explanation or [])}
                      for d in deadlines],
        "data_categories": list(facts.get("data_categories") or []),
        "data_details": details.get("data_details", ""),
        "identifiers": [_identifier(i, details) for i in req.identifiers or []],
        "offence": {"id": req.case.offence, "label": offence.label if offence else req.case.offence,
                    "legal_provisions": details.get("legal_provisions", ""),
                    "max_penalty_years": req.case.max_penalty_years,
                    "lists": sorted(offence.lists) if offence else [],
                    "committed_online": bool(facts.get("committed_online", req.case.committed_online))},
        # The order goes to the provider of the service, the controller of its users' data (Art. 5(6)); a
        # processor is only addressed for stated reasons, which the investigator records in the details.
        "controller": details.get("controller") or {"addressed_to": "controller"},
        "facts_summary": details.get("facts_summary") or req.case.summary,
        "necessity_proportionality": details.get("necessity_proportionality", ""),
        "notification": {"required": bool(route.notification_required) if route else False,
                         "enforcing_state": req.addressee_country or ""},
        "confidentiality_request": details.get("confidentiality_request", ""),
    }
    previous = _previous_request(req)
    if previous:
        data["previous_request"] = previous
    if req.route_kind in PRESERVING:
        data["preservation"] = _preservation(db, req, signature)
    reasons = list((req.outcome or {}).get("impossibility_reasons") or [])
    if reasons:
        data["impossibility"] = {
            "certificate": "epoc_pr" if req.route_kind in PRESERVING else "epoc", "reasons": reasons,
            "issued_at": signature.get("signed_at", "") or _day(req.decided_at),
            "received_at": _day(req.acknowledged_at or req.sent_at),
            "explanation": (req.outcome or {}).get("reason_note") or (req.outcome or {}).get("note", ""),
            "contact": {"name": (req.outcome or {}).get("provider_contact") or data["addressee"]["entity"]
                        or data["addressee"]["provider"]}}
    if req.emergency:
        data["emergency_facts"] = {"threat": details.get("emergency_justification", ""),
                                   "persons_at_risk": details.get("persons_at_risk", ""),
                                   "imminence": details.get("imminence", ""),
                                   "how_data_helps": details.get("how_data_helps", "")}
    return data


def _day(at: Any) -> str:
    return at.date().isoformat() if at else ""


def _preservation(db: Session, req: LegalRequest, signature: dict[str, Any]) -> dict[str, Any]:
    """The EPOC-PR as Annexes V and VI refer to it, with the running expiry and the production request that
    followed it, if any."""
    expiry = db.scalar(select(Deadline).where(Deadline.request_id == req.id, Deadline.kind == "preservation_expiry",
                                              Deadline.satisfied_at.is_(None)).order_by(Deadline.due_at.desc()))
    block: dict[str, Any] = {
        "reference": req.reference, "issued_at": signature.get("signed_at", "")[:10] or _day(req.decided_at),
        "transmitted_at": _day(req.sent_at), "addressee_file_number": req.provider_reference or "",
        "expires_at": _day(expiry.due_at) if expiry else ""}
    child = _subsequent_request(db, req)
    if child is not None:
        kind = {"production_order": "epo", "mla_request": "mla"}.get(child.route_kind or "", "other")
        if child.form_id == "eio_annex_a":
            kind = "eio"
        child_signature = (child.details or {}).get("signature") or {}
        unit = child.unit
        block["subsequent_request"] = {
            "type": kind, "reference": child.reference,
            "authority": (unit.authority_name or unit.name) if unit else "",
            "issued_at": child_signature.get("signed_at", "")[:10] or _day(child.decided_at)}
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


def _previous_request(req: LegalRequest) -> dict[str, Any] | None:
    """A follow-up names the request it follows (EPOC Section D): the preservation it turns into production, or the
    answered request whose data led to it."""
    parent = req.parent
    if parent is None:
        return None
    kind = "preservation" if parent.route_kind in ("preservation_order", "preservation_request") else "production"
    signature = (parent.details or {}).get("signature") or {}
    return {"type": kind, "authority": (parent.unit.authority_name or parent.unit.name) if parent.unit else "",
            "reference": parent.reference, "issued_at": signature.get("signed_at", ""),
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
