"""ORM rows and rule objects → the JSON shapes in ``schemas``; the API never hands out an ORM object as-is."""

from __future__ import annotations

from dataclasses import fields, is_dataclass
from datetime import date, datetime
from typing import Any

from lawreq.deadlines.models import Deadline
from lawreq.deadlines.services import alert_at
from lawreq.legal_requests.models import Case, LegalRequest, RequestEvent
from lawreq.workflow.states import OPEN_STATES


def iso(value: datetime | date | None) -> str | None:
    return value.isoformat() if value is not None else None


def plain(value: Any) -> Any:
    """Dataclasses, tuples, sets and dates as JSON values (rule objects are frozen dataclasses)."""
    if is_dataclass(value) and not isinstance(value, type):
        return {f.name: plain(getattr(value, f.name)) for f in fields(value) if f.name != "when"}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, (set, frozenset)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    return value


def case(row: Case) -> dict[str, Any]:
    return {"id": row.id, "reference": row.reference, "unit_id": row.unit_id, "offence": row.offence,
            "max_penalty_years": row.max_penalty_years, "summary": row.summary or "",
            "offence_country": row.offence_country, "committed_online": bool(row.committed_online),
            "created_at": iso(row.created_at), "updated_at": iso(row.updated_at)}


def request_summary(row: LegalRequest, now: datetime) -> dict[str, Any]:
    return {"id": row.id, "reference": row.reference, "case_id": row.case_id, "unit_id": row.unit_id,
            "parent_id": row.parent_id, "state": row.state, "route_id": row.route_id, "route_kind": row.route_kind,
            "form_id": row.form_id, "provider_id": row.provider_id, "addressee_country": row.addressee_country,
            "issuing_country": row.issuing_country, "emergency": bool(row.emergency),
            "approval_authority": row.approval_authority, "validation_authority": row.validation_authority,
            "next_deadline_at": iso(row.next_deadline_at),
            "overdue": bool(row.state in OPEN_STATES and row.next_deadline_at is not None
                            and row.next_deadline_at < now),
            "version": row.version, "created_at": iso(row.created_at), "updated_at": iso(row.updated_at),
            "submitted_at": iso(row.submitted_at), "sent_at": iso(row.sent_at), "closed_at": iso(row.closed_at)}


def _client_details(details: dict[str, Any]) -> dict[str, Any]:
    """The details without what only the workflow writes (the signature block): who signed is the approval record's
    to say, and a value stored before the schema refused such keys must never read as a signature."""
    from lawreq.legal_requests.details import RESERVED_KEYS, RESERVED_PREFIXES

    return {k: v for k, v in details.items() if k not in RESERVED_KEYS and not k.startswith(RESERVED_PREFIXES)}


def request_detail(row: LegalRequest, now: datetime, actions: list[str], issued: Any = None) -> dict[str, Any]:
    """``actions``: what the caller may do next (``legal_requests.services.available_actions``); ``issued``: its
    current issued document (``legal_requests.issuance.current``), if any."""
    return {**request_summary(row, now), "facts": plain(row.facts or {}),
            "details": plain(_client_details(row.details or {})),
            "identifiers": plain(row.identifiers or []), "outcome": plain(row.outcome or {}),
            "provider_reference": row.provider_reference, "decision_note": row.decision_note,
            "wizard_step": row.wizard_step, "actions": actions, "issued_document": issued_document(issued)}


def issued_document(doc: Any) -> dict[str, Any] | None:
    if doc is None:
        return None
    return {"sha256": doc.sha256, "status": doc.status, "form": doc.form_id, "lang": doc.language,
            "signed": doc.signed, "signature_level": doc.signature_level, "signer": doc.signer_subject,
            "approved_at": iso(doc.approved_at), "approved_by": doc.approved_by.name if doc.approved_by else None}


def event(row: RequestEvent) -> dict[str, Any]:
    actor = {"id": row.actor.id, "name": row.actor.name} if row.actor is not None else None
    return {"id": row.id, "at": iso(row.at), "action": row.action, "from_state": row.from_state,
            "to_state": row.to_state, "note": row.note, "actor": actor, "data": plain(row.data or {})}


def deadline(row: Deadline, now: datetime) -> dict[str, Any]:
    alert = alert_at(row)
    return {"id": row.id, "request_id": row.request_id, "request_reference": row.request.reference,
            "kind": row.kind, "due_at": iso(row.due_at), "alert_at": iso(alert),
            "conservative_at": iso(row.conservative_at), "period": row.period, "counting": row.counting,
            "timezone": row.timezone, "satisfied_at": iso(row.satisfied_at),
            "overdue": row.satisfied_at is None and alert < now, "explanation": [str(x) for x in row.explanation or []],
            "cite": plain(row.cite or []), "stale_reason": row.stale_reason}


def provider(p: Any, *, detail: bool = False) -> dict[str, Any]:
    out = {"id": p.id, "name": p.name, "kind": p.kind, "hq_country": p.hq_country, "aliases": list(p.aliases),
           "services": [s.name for s in p.services], "confidence": p.confidence,
           "last_reviewed": iso(p.last_reviewed)}
    if detail:
        out |= {k: plain(getattr(p, k)) for k in (
            "entities", "le_portal", "request_languages", "preservation", "emergency", "user_notification",
            "voluntary_disclosure_non_content", "identifier_formats", "sources", "retention")}
        out["service_entities"] = [plain(s) for s in p.services]
        out["policies"] = [{"id": x.id, "effect": x.effect, "text": x.text, "confidence": x.confidence,
                            "cite": plain(x.cite)} for x in p.policies]
    return out


def jurisdiction(c: Any, *, detail: bool = False) -> dict[str, Any]:
    out = {"code": c.code, "name": c.name, "timezone": c.timezone, "official_languages": list(c.official_languages),
           "memberships": plain(c.memberships), "detail_level": c.detail_level,
           "last_reviewed": iso(c.last_reviewed)}
    if detail:
        out |= {k: plain(getattr(c, k)) for k in ("request_languages", "eevidence_languages", "contacts",
                                                   "domestic_procedures", "retention")}
    return out
