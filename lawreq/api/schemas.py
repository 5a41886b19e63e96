"""Every API body and response, written once as JSON Schema (2020-12) dicts.

The views validate request bodies and query strings against these dicts (``validate``), and ``openapi.py`` puts
the same dicts into ``components.schemas``, so the published document cannot drift from what the code checks.
References use ``#/components/schemas/<Name>``; ``validate`` resolves them against ``SCHEMAS`` through a
``referencing`` registry, so the dicts are usable as-is in both places.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import datetime, timezone
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from lawreq.api.errors import ApiError
from lawreq.api_tokens.services import SCOPES
from lawreq.board.queries import MAX_PAGE, SORTS, STATE_GROUPS
from lawreq.legal_requests.details import MAX_KEYS as DETAILS_MAX_KEYS
from lawreq.legal_requests.details import RESERVED_KEYS, RESERVED_PREFIXES
from lawreq.legal_requests.identifiers import TYPES as IDENTIFIER_TYPES
from lawreq.rules.schema import AUTHORITIES, DATA_CATEGORIES
from lawreq.pdf.forms.eu import IMPOSSIBILITY_REASONS
from lawreq.workflow.states import ACTIONS, REFUSAL_REASONS, STATES

MAX_ID = 2**31 - 1


def ref(name: str) -> dict[str, str]:
    return {"$ref": f"#/components/schemas/{name}"}


def _nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"anyOf": [dict(schema), {"type": "null"}]}


def _obj(properties: Mapping[str, Any], required: tuple[str, ...] = (), *, closed: bool = True) -> dict[str, Any]:
    schema: dict[str, Any] = {"type": "object", "properties": dict(properties), "required": list(required)}
    if closed:
        schema["additionalProperties"] = False
    return schema


COUNTRY = {"type": "string", "pattern": "^[A-Z]{2}$", "description": "ISO 3166-1 alpha-2, upper case"}
TEXT_ID = {"type": "string", "minLength": 1, "maxLength": 120, "pattern": "^[a-z0-9][a-z0-9_.-]*$"}
TIMESTAMP = {"type": "string", "format": "date-time"}
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
VERSION = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
CITATION = _obj({"instrument": {"type": "string"}, "article": {"type": "string"}, "url": {"type": "string"}},
                ("instrument", "article", "url"), closed=False)
FACT = _nullable(_obj({"value": {}, "confidence": {"type": "string"}, "cite": {"type": "array", "items": ref("Citation")},
                       "note": {"type": "string"}}, ("value", "confidence")))

_FACT_FIELDS: dict[str, Any] = {
    "issuing_country": COUNTRY,
    "provider": {"type": "string", "minLength": 1, "maxLength": 100},
    "data_categories": {"type": "array", "items": {"enum": list(DATA_CATEGORIES)}, "minItems": 1,
                        "uniqueItems": True},
    "offence": {"type": "string", "minLength": 1, "maxLength": 100},
    "issuer": {"enum": list(AUTHORITIES)},
    "max_penalty_years": _nullable({"type": "number", "minimum": 0, "maximum": 1000}),
    "committed_online": {"type": "boolean"},
    "emergency": {"type": "boolean"},
    "target_resides_in": _nullable(COUNTRY),
    "offence_committed_in": _nullable(COUNTRY),
    "service": _nullable({"type": "string", "minLength": 1, "maxLength": 100}),
    "date": {"type": "string", "format": "date"},
}
#: A draft's facts: the issuing country is the unit's and the date is the day the route is chosen.
_DRAFT_FACTS = {k: v for k, v in _FACT_FIELDS.items() if k not in ("issuing_country", "date")}

_REQUEST: dict[str, Any] = {
    "id": ID, "reference": {"type": "string"}, "case_id": ID, "unit_id": ID, "parent_id": _nullable(ID),
    "state": {"enum": list(STATES)}, "route_id": _nullable({"type": "string"}),
    "route_kind": _nullable({"type": "string"}), "form_id": _nullable({"type": "string"}),
    "provider_id": _nullable({"type": "string"}), "addressee_country": _nullable({"type": "string"}),
    "issuing_country": {"type": "string"}, "emergency": {"type": "boolean"},
    "approval_authority": _nullable({"type": "string"}), "validation_authority": _nullable({"type": "string"}),
    "next_deadline_at": _nullable(TIMESTAMP), "overdue": {"type": "boolean"}, "version": VERSION, "created_at": TIMESTAMP, "updated_at": TIMESTAMP,
    "submitted_at": _nullable(TIMESTAMP), "sent_at": _nullable(TIMESTAMP), "closed_at": _nullable(TIMESTAMP)}
_REQUEST_REQUIRED = ("id", "reference", "case_id", "state", "version", "overdue")
#: A request as read one at a time: the summary plus its content and the actions the caller may take now.
_REQUEST_DETAIL: dict[str, Any] = {
    "facts": {"type": "object"}, "details": {"type": "object"},
    "identifiers": {"type": "array", "items": {"type": "object"}}, "outcome": {"type": "object"},
    "provider_reference": _nullable({"type": "string"}), "decision_note": _nullable({"type": "string"}),
    "wizard_step": {"type": "string"}, "actions": {"type": "array", "items": {"type": "string"}},
    "issued_document": _nullable(_obj({
        "sha256": {"type": "string", "pattern": "^[0-9a-f]{64}$",
                   "description": "of the exact bytes GET …/document.pdf returns (and the provider receives)"},
        "status": {"enum": ["issued", "superseded", "withdrawn"]}, "form": {"type": "string"},
        "lang": {"type": "string"}, "signed": {"type": "boolean"},
        "signature_level": _nullable({"enum": ["B-B", "B-T"]}), "signer": _nullable({"type": "string"}),
        "approved_at": TIMESTAMP, "approved_by": _nullable({"type": "string"})},
        ("sha256", "status", "signed", "approved_at")))}

SCHEMAS: dict[str, dict[str, Any]] = {
    "Error": _obj({"error": _obj({
        "code": {"type": "string"}, "message": {"type": "string"},
        "details": {"description": "For validation errors: {\"fields\": [{\"path\", \"message\"}]}"}},
        ("code", "message", "details"))}, ("error",)),
    "Citation": CITATION,
    "TokenExchange": _obj({"scopes": {"type": "array", "items": {"enum": list(SCOPES)}, "minItems": 1,
                                      "uniqueItems": True}}),
    "AccessToken": _obj({"access_token": {"type": "string"}, "token_type": {"const": "Bearer"},
                         "expires_in": {"type": "integer", "minimum": 1, "maximum": 900},
                         "expires_at": TIMESTAMP, "scopes": {"type": "array", "items": {"enum": list(SCOPES)}}},
                        ("access_token", "token_type", "expires_in", "expires_at", "scopes")),
    "Facts": _obj(_FACT_FIELDS, ("issuing_country", "provider", "data_categories", "offence")),
    "Route": _obj({"id": {"type": "string"}, "kind": {"type": "string"}, "instrument": {"type": "string"},
                   "title": {"type": "string"}, "available": {"type": "boolean"},
                   "reasons": {"type": "array", "items": {"type": "string"}},
                   "addressee": {"type": "object"}, "deadlines": {"type": "array", "items": {"type": "object"}},
                   "confidence": {"type": "string"}, "citations": {"type": "array", "items": ref("Citation")}},
                  ("id", "kind", "instrument", "available", "reasons"), closed=False),
    "RoutesResult": _obj({"facts": {"type": "object"}, "rules_version": {"type": "string"},
                          "routes": {"type": "array", "items": ref("Route")},
                          "recommendations": {"type": "array", "items": _obj({
                              "route": {"type": "string"}, "expected_days": {"type": "number"},
                              "basis": {"type": "string", "enum": ["unit", "instance", "rules"]},
                              "reason": {"type": "string"},
                              "preserve_first": {"type": "array", "items": {"type": "string"}}},
                              ("route", "expected_days", "basis", "reason", "preserve_first"))}},
                         ("facts", "rules_version", "routes", "recommendations")),
    "Provider": _obj({"id": {"type": "string"}, "name": {"type": "string"}, "kind": {"type": "string"},
                      "hq_country": {"type": "string"}, "aliases": {"type": "array", "items": {"type": "string"}},
                      "services": {"type": "array", "items": {"type": "string"}},
                      "confidence": {"type": "string"}, "last_reviewed": {"type": "string", "format": "date"}},
                     ("id", "name", "kind", "hq_country", "confidence"), closed=False),
    "ProviderDetail": {"allOf": [ref("Provider"), _obj({
        "entities": {"type": "array", "items": {"type": "object"}},
        "le_portal": FACT, "request_languages": FACT, "preservation": FACT, "emergency": FACT,
        "user_notification": FACT, "voluntary_disclosure_non_content": FACT,
        "identifier_formats": {"type": "array", "items": {"type": "object"}},
        "sources": {"type": "array", "items": ref("Citation")}},
        ("entities", "identifier_formats", "sources"), closed=False)]},
    "Jurisdiction": _obj({"code": {"type": "string"}, "name": {"type": "string"}, "timezone": {"type": "string"},
                          "official_languages": {"type": "array", "items": {"type": "string"}},
                          "memberships": {"type": "object", "additionalProperties": {"type": "array"}},
                          "detail_level": {"type": "string"}, "last_reviewed": {"type": "string", "format": "date"}},
                         ("code", "name", "timezone", "memberships"), closed=False),
    "JurisdictionDetail": {"allOf": [ref("Jurisdiction"), _obj({
        "request_languages": FACT, "eevidence_languages": FACT,
        "contacts": {"type": "object", "additionalProperties": FACT},
        "domestic_procedures": {"type": "array", "items": {"type": "object"}}},
        ("contacts", "domestic_procedures"), closed=False)]},
    "ProviderList": _obj({"items": {"type": "array", "items": ref("Provider")}}, ("items",)),
    "JurisdictionList": _obj({"items": {"type": "array", "items": ref("Jurisdiction")}}, ("items",)),
    "Case": _obj({"id": ID, "reference": {"type": "string"}, "unit_id": ID, "offence": {"type": "string"},
                  "max_penalty_years": _nullable({"type": "number"}), "summary": {"type": "string"},
                  "offence_country": _nullable({"type": "string"}), "committed_online": {"type": "boolean"},
                  "created_at": TIMESTAMP, "updated_at": TIMESTAMP},
                 ("id", "reference", "unit_id", "offence", "created_at")),
    "CaseList": _obj({"items": {"type": "array", "items": ref("Case")}, "page": {"type": "integer"},
                      "per_page": {"type": "integer"}, "has_next": {"type": "boolean"}},
                     ("items", "page", "per_page", "has_next")),
    "Request": _obj(_REQUEST, _REQUEST_REQUIRED),
    "RequestDetail": _obj(_REQUEST | _REQUEST_DETAIL, (*_REQUEST_REQUIRED, "facts", "details", "identifiers", "actions")),
    "RequestList": _obj({"items": {"type": "array", "items": ref("Request")}, "page": {"type": "integer"},
                         "per_page": {"type": "integer"}, "has_next": {"type": "boolean"},
                         "total": {"type": "integer"}, "total_capped": {"type": "boolean"}},
                        ("items", "page", "per_page", "has_next", "total", "total_capped")),
    "Identifier": _obj({"type": {"enum": list(IDENTIFIER_TYPES)},
                        "value": {"type": "string", "minLength": 1, "maxLength": 500},
                        "port": _nullable({"type": "integer", "minimum": 1, "maximum": 65535}),
                        "timestamp": _nullable({"type": "string", "format": "date-time",
                                                "description": "When an IP address was used, with its offset"})},
                       ("type", "value")),
    "DraftCreate": _obj({"facts": _obj(_DRAFT_FACTS),
                         "identifiers": {"type": "array", "items": ref("Identifier"), "maxItems": 50}}),
    # The API checks the body's shape here and the route's own schema in services.save_draft (the same schema as
    # the wizard's); the OpenAPI document replaces this entry with the generated one (openapi.details_schemas).
    "Details": {"type": "object", "maxProperties": DETAILS_MAX_KEYS,
                "description": "The route's form fields (see Details.<route id>). Never accepted, whatever the "
                               "route: " + ", ".join(sorted(RESERVED_KEYS)) + " and keys starting "
                               + ", ".join(RESERVED_PREFIXES) + " (the workflow writes them)."},
    "DraftUpdate": _obj({"version": VERSION, "facts": _obj(_DRAFT_FACTS),
                         "details": ref("Details"),
                         "identifiers": {"type": "array", "items": ref("Identifier"), "maxItems": 50},
                         "route_id": {"type": "string", "minLength": 1, "maxLength": 120}}),
    "Transition": _obj({"action": {"enum": [*ACTIONS, "extend_preservation"]}, "version": VERSION,
                        "note": {"type": "string", "maxLength": 4000},
                        "totp_code": {"type": "string", "pattern": "^[0-9 ]{6,8}$",
                                      "description": "approve only: a fresh code of the approver's second factor "
                                                     "(a step-up, even with a valid token); it issues and signs "
                                                     "the document"},
                        "data": _obj({"channel": {"type": "string", "maxLength": 120},
                                      "provider_reference": {"type": "string", "maxLength": 120},
                                      "reason": {"enum": list(REFUSAL_REASONS)},
                                      "received": {"type": "string", "maxLength": 2000},
                                      "received_at": TIMESTAMP,
                                      "impossibility_reasons": {"type": "array", "uniqueItems": True, "maxItems": 10,
                                                                "items": {"enum": list(IMPOSSIBILITY_REASONS)}}})},
                       ("action",)),
    "Event": _obj({"id": ID, "at": TIMESTAMP, "action": {"type": "string"}, "from_state": _nullable({"type": "string"}),
                   "to_state": _nullable({"type": "string"}), "note": _nullable({"type": "string"}),
                   "actor": _nullable(_obj({"id": ID, "name": {"type": "string"}}, ("id", "name"))),
                   "data": {"type": "object"}}, ("id", "at", "action", "actor")),
    "EventList": _obj({"items": {"type": "array", "items": ref("Event")}}, ("items",)),
    "Deadline": _obj({"id": ID, "request_id": ID, "request_reference": {"type": "string"}, "kind": {"type": "string"},
                      "due_at": TIMESTAMP, "alert_at": TIMESTAMP, "conservative_at": _nullable(TIMESTAMP),
                      "period": {"type": "string"}, "counting": {"type": "string"}, "timezone": {"type": "string"},
                      "satisfied_at": _nullable(TIMESTAMP), "overdue": {"type": "boolean"},
                      "explanation": {"type": "array", "items": {"type": "string"}},
                      "cite": {"type": "array"}, "stale_reason": _nullable({"type": "string"})},
                     ("id", "request_id", "kind", "due_at", "alert_at", "overdue")),
    "DeadlineList": _obj({"items": {"type": "array", "items": ref("Deadline")}}, ("items",)),
    "Statistics": _obj({"total": {"type": "integer", "minimum": 0},
                        "counts_by_state": _obj({s: {"type": "integer", "minimum": 0} for s in STATES}, STATES),
                        "median_days": _obj({"submitted_to_sent": _nullable({"type": "number"}),
                                             "sent_to_first_answer": _nullable({"type": "number"}),
                                             "sent_to_closed": _nullable({"type": "number"})},
                                            ("submitted_to_sent", "sent_to_first_answer", "sent_to_closed"))},
                       ("total", "counts_by_state", "median_days")),
}

_BOOL_PARAM = {"type": "boolean"}
#: Query strings, one schema per list endpoint (values are coerced from text before validation).
QUERIES: dict[str, dict[str, Any]] = {
    "requests": _obj({
        "state": {"enum": [*STATES, *STATE_GROUPS]}, "provider": TEXT_ID, "country": COUNTRY, "route": TEXT_ID,
        "overdue": _BOOL_PARAM, "due_within_days": {"type": "integer", "minimum": 0, "maximum": 3650},
        "emergency": _BOOL_PARAM, "q": {"type": "string", "minLength": 1, "maxLength": 200},
        "case_id": ID, "sort": {"enum": list(SORTS)}, "order": {"enum": ["asc", "desc"]},
        "page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
        "per_page": {"type": "integer", "minimum": 1, "maximum": 100}}),
    "cases": _obj({"page": {"type": "integer", "minimum": 1, "maximum": MAX_PAGE},
                   "per_page": {"type": "integer", "minimum": 1, "maximum": 100},
                   "q": {"type": "string", "minLength": 1, "maxLength": 200}}),
    "deadlines": _obj({"request_id": ID, "overdue": _BOOL_PARAM,
                       "due_within_days": {"type": "integer", "minimum": 0, "maximum": 3650},
                       "include_satisfied": _BOOL_PARAM}),
    "providers": _obj({"q": {"type": "string", "minLength": 1, "maxLength": 100}}),
    "document": _obj({"lang": {"type": "string", "pattern": "^[a-z]{2}$"},
                      "form": {"enum": ["annex_iii", "annex_v", "annex_vi"],
                               "description": "a follow-on document instead of the request's own form"}}),
}

_REGISTRY = Registry().with_resource(
    "urn:lawreq:api", Resource.from_contents({"components": {"schemas": SCHEMAS}}, default_specification=DRAFT202012))
_FORMATS = FormatChecker()


_RFC3339 = re.compile(r"\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,6})?([Zz]|[+-]\d{2}:\d{2})")


@_FORMATS.checks("date-time", raises=(ValueError, OverflowError))
def _is_datetime(value: object) -> bool:
    """RFC 3339 with an offset (jsonschema checks date-time only with an optional package; this needs none)."""
    return not isinstance(value, str) or parse_timestamp(value) is not None


def parse_timestamp(value: str) -> datetime:
    """An aware UTC datetime from an RFC 3339 string; ValueError names the problem."""
    if not _RFC3339.fullmatch(value):
        raise ValueError(f"{value!r} is not an RFC 3339 date-time with an offset (2026-11-20T12:03:22Z)")
    moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    try:
        return moment.astimezone(timezone.utc)
    except OverflowError:
        raise ValueError(f"{value!r} is out of range") from None


def _validator(schema: Mapping[str, Any]) -> Draft202012Validator:
    return Draft202012Validator(_rebase(schema), registry=_REGISTRY, format_checker=_FORMATS)


def _rebase(schema: Any) -> Any:
    """Point local ``#/components/...`` references at the registry resource holding every component."""
    if isinstance(schema, dict):
        return {k: ("urn:lawreq:api" + v if k == "$ref" and isinstance(v, str) and v.startswith("#/") else _rebase(v))
                for k, v in schema.items()}
    if isinstance(schema, list):
        return [_rebase(v) for v in schema]
    return schema


_VALIDATORS: dict[str, Draft202012Validator] = {}


def validate(name: str, instance: Any, *, schema: Mapping[str, Any] | None = None) -> None:
    """Raise a 422 ApiError listing every problem with its field path (``facts.provider``, ``identifiers[0]``)."""
    if name not in _VALIDATORS:
        _VALIDATORS[name] = _validator(schema if schema is not None else SCHEMAS[name])
    errors = sorted(_VALIDATORS[name].iter_errors(instance), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        fields = [{"path": field_path(e.absolute_path), "message": _message(e)} for e in errors]
        raise ApiError(422, f"{fields[0]['path'] or 'body'}: {fields[0]['message']}", {"fields": fields})


def field_path(parts: Any) -> str:
    out = ""
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def _message(error: Any) -> str:
    if error.validator == "additionalProperties" and isinstance(error.instance, dict):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"unknown field(s): {', '.join(extra)}"
    if error.validator == "enum":
        return f"{error.instance!r} is not one of {', '.join(map(str, error.validator_value))}"
    return error.message
