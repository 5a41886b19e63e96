"""A request's ``details`` as typed data: one JSON Schema per route's form, shared by the wizard, the API and the PDF.

The wizard's route step lists the fields a route asks for (``jurisdictions/**: routes[].fields``); every step also
writes a few keys of its own (the period of interest, the emergency's grounds, the accepted risks, the choice to
issue without prior validation). :func:`schema_for` turns that into one closed JSON Schema with types, lengths, real
dates and the route's languages; :func:`check` validates a change against it before anything is stored, and
:func:`readable` filters stored details (which may predate the schema) down to what is valid, so an old or hostile
row still renders instead of crashing the page or the PDF.

Keys the workflow alone writes (the approval's signature, the validation, the controller choice …) are listed once,
in :data:`RESERVED_KEYS` and :data:`RESERVED_PREFIXES`; a client that sends one is refused by name. Pure: no Flask,
no database.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from jsonschema import Draft202012Validator, FormatChecker

#: Keys only the workflow may write into ``details`` (the approval step, the validation, the signature block, the
#: Art. 5(6) controller/processor choice): never accepted from a client, whatever the route.
RESERVED_KEYS: frozenset[str] = frozenset({
    "signature", "signer", "signatory", "signed_at", "signed_by",
    "approval", "approved", "approver", "approved_at", "approved_by",
    "validation", "validated", "validator", "validated_at", "validated_by", "validating_authority",
    "issuing_authority", "issued_at", "issued_by",
    "decision", "decided_at", "decided_by", "decision_note",
    "controller", "rules_version", "route", "route_id", "state", "version",
})
#: Prefixes reserved the same way (``approved_on``, ``signature_image`` …).
RESERVED_PREFIXES: tuple[str, ...] = ("approved_", "approval_", "signature_", "signed_", "validated_", "validation_",
                                      "decided_", "issued_")

#: Limits that hold for every route: how deep, how many keys, how large the whole mapping may be.
MAX_DEPTH = 4
MAX_KEYS = 100
MAX_BYTES = 256 * 1024
TEXT_MAX = {"textarea": 20_000, "string": 500}
REASON_MAX = 2_000
RISK_CODE_MAX = 300
MAX_RISKS = 100

_FORMATS = FormatChecker()


@_FORMATS.checks("date", raises=(ValueError, TypeError))
def _is_date(value: object) -> bool:
    """A calendar date that exists (30 February does not), written YYYY-MM-DD."""
    if not isinstance(value, str):
        return True
    if len(value) != 10:
        raise ValueError(f"{value!r} is not a date (YYYY-MM-DD)")
    date.fromisoformat(value)
    return True


@_FORMATS.checks("date-time", raises=(ValueError, TypeError, OverflowError))
def _is_datetime(value: object) -> bool:
    """A moment that exists, with its offset (the wizard stores UTC: 2026-11-20T14:03:00Z)."""
    if not isinstance(value, str):
        return True
    if len(value) < 20 or len(value) > 40 or value[10] not in "Tt":
        raise ValueError(f"{value!r} is not a date-time with an offset (2026-11-20T14:03:00Z)")
    moment = datetime.fromisoformat(value.upper().replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"{value!r} has no offset")
    return True


@dataclass(frozen=True)
class DetailsProblem:
    path: str
    message: str


class DetailsError(ValueError):
    """A details change the schema refuses; ``problems`` name every field (``details.legal_provisions``)."""

    def __init__(self, problems: list[DetailsProblem]) -> None:
        self.problems = problems
        first = problems[0]
        super().__init__(f"{first.path}: {first.message}")


def is_reserved(key: str) -> bool:
    return key in RESERVED_KEYS or key.startswith(RESERVED_PREFIXES)


def _text(limit: int) -> dict[str, Any]:
    return {"type": "string", "maxLength": limit}


def _nullable(schema: Mapping[str, Any]) -> dict[str, Any]:
    return {"anyOf": [dict(schema), {"type": "null"}]}


#: The keys the wizard's own steps write, whatever the route (target, urgency, review steps).
COMMON: dict[str, Any] = {
    "period": {"type": "object", "additionalProperties": False,
               "properties": {"start": _nullable({"type": "string", "format": "date"}),
                              "end": _nullable({"type": "string", "format": "date"})}},
    "emergency_justification": _text(4_000),
    "without_prior_validation": {"type": "boolean",
                                 "description": "Art. 4(5) Reg. (EU) 2023/1543: in a validly established emergency, "
                                                "issue without prior validation (validation follows within 48 h)"},
    "accepted_risks": {"type": "object", "maxProperties": MAX_RISKS,
                       "propertyNames": {"maxLength": RISK_CODE_MAX}, "additionalProperties": _text(REASON_MAX)},
    "data_details": _text(TEXT_MAX["textarea"]),
    "persons_at_risk": _text(4_000),
    "imminence": _text(4_000),
    "how_data_helps": _text(4_000),
    # A follow-up request starts from its parent: which one, and the summary it carries over (wizard follow-ups).
    "follows": _text(40),
    "preservation_reference": _text(40),
    "facts_summary": _text(TEXT_MAX["textarea"]),
    # What the details step kept of a save that failed validation (or an autosave), to put back into the form:
    # the step, when, and the text as typed (each value bounded as the wizard bounds it). Null once saved.
    "unsaved": _nullable({"type": "object", "additionalProperties": False, "required": ["step", "fields"],
                          "properties": {"step": _text(40), "at": _text(40),
                                         "fields": {"type": "object", "maxProperties": 100,
                                                    "additionalProperties": {"anyOf": [
                                                        _text(TEXT_MAX["textarea"]),
                                                        {"type": "array", "maxItems": 50,
                                                         "items": _text(TEXT_MAX["textarea"])}]}}}}),
}


def field_schema(spec: Any, languages: Iterable[str] = ()) -> dict[str, Any]:
    """The JSON Schema of one route field (``lawreq.rules.model.FieldSpec``)."""
    kind = spec.type
    base: dict[str, Any] = {"description": spec.label}
    if kind in ("textarea", "string", "text"):  # an optional field left empty is stored as null
        return {**base, **_nullable(_text(TEXT_MAX.get(kind, TEXT_MAX["string"])))}
    if kind == "date":
        return {**base, **_nullable({"type": "string", "format": "date"})}
    if kind == "datetime":
        return {**base, **_nullable({"type": "string", "format": "date-time"})}
    if kind == "boolean":
        return {**base, "type": "boolean"}
    if kind == "select":
        return {**base, "enum": ["", *spec.choices, None]}
    if kind == "language":
        allowed = list(spec.choices or languages)
        if allowed:
            return {**base, "enum": ["", *allowed, None]}
        return {**base, **_nullable({"type": "string", "pattern": "^([a-z]{2})?$"})}
    if kind == "multiselect":
        return {**base, "type": "array", "uniqueItems": True, "maxItems": max(len(spec.choices), 1),
                "items": {"enum": list(spec.choices)}}
    return {**base, **_nullable(_text(TEXT_MAX["string"]))}


def schema_for(fields: Iterable[Any] = (), languages: Iterable[str] = ()) -> dict[str, Any]:
    """The closed schema of one route's details: the common wizard keys plus the route's own fields."""
    properties = dict(COMMON)
    for spec in fields:
        if not is_reserved(spec.name):
            properties[spec.name] = field_schema(spec, languages)
    return {"$schema": "https://json-schema.org/draft/2020-12/schema", "type": "object",
            "properties": properties, "additionalProperties": False, "maxProperties": MAX_KEYS}


def route_schema(route: Any) -> dict[str, Any]:
    """:func:`schema_for` a route (an evaluated ``Route`` or a ``RouteRule``); None gives the common keys only."""
    if route is None:
        return schema_for()
    if not hasattr(route, "available"):  # a RouteRule: its languages are still expressions, not codes
        return union_schema([route])
    return schema_for(getattr(route, "fields", ()), getattr(route, "languages", ()) or ())


def union_schema(routes: Iterable[Any]) -> dict[str, Any]:
    """Every field any route asks for (a field named alike in two instruments takes the longer limit's schema):
    the schema of details whose route is unknown, and the ``Details`` component of the OpenAPI document."""
    fields: dict[str, Any] = {}
    for route in routes:
        for spec in getattr(route, "fields", ()):
            fields.setdefault(spec.name, spec)
    schema = schema_for(fields.values())
    for name, spec in fields.items():  # a rule-set-wide language list is not known here: any ISO 639-1 code
        if spec.type == "language" and not spec.choices:
            schema["properties"][name] = {"description": spec.label,
                                          **_nullable({"type": "string", "pattern": "^([a-z]{2})?$"})}
    return schema


def _depth(value: Any, limit: int) -> bool:
    """True when ``value`` nests deeper than ``limit`` (iterative: a hostile depth cannot exhaust the stack)."""
    stack = [(value, 0)]
    while stack:
        node, depth = stack.pop()
        if isinstance(node, Mapping):
            children: Iterable[Any] = node.values()
        elif isinstance(node, (list, tuple)):
            children = node
        else:
            continue
        if depth >= limit:
            return True
        stack.extend((child, depth + 1) for child in children)
    return False


def _path(parts: Iterable[Any]) -> str:
    out = "details"
    for part in parts:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _message(error: Any) -> str:
    if error.validator == "anyOf" and error.context:  # "text or null": say what is wrong with the text
        specific = [e for e in error.context if not (e.validator == "type" and e.validator_value == "null")]
        error = (specific or list(error.context))[0]
    if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
        extra = sorted(set(error.instance) - set(error.schema.get("properties", {})))
        return f"not a field of this form: {', '.join(extra)}"
    if error.validator == "maxLength":
        return f"too long: {len(error.instance)} characters, at most {error.validator_value}"
    if error.validator == "format":
        return f"{error.instance!r} is not a valid {error.validator_value}"
    if error.validator == "enum":
        allowed = [v for v in error.validator_value if v not in ("", None)]
        return f"{error.instance!r} is not one of {', '.join(map(str, allowed))}"
    return error.message


def check(changes: Any, schema: Mapping[str, Any]) -> dict[str, Any]:
    """``changes`` if the schema accepts them; else :class:`DetailsError` naming every refused field.

    Reserved keys, depth and size are checked before the schema, so a hostile body is refused cheaply and by name.
    """
    if not isinstance(changes, Mapping):
        raise DetailsError([DetailsProblem("details", "expected an object")])
    reserved = sorted(str(k) for k in changes if is_reserved(str(k)))
    if reserved:
        raise DetailsError([DetailsProblem(f"details.{k}", "set by the workflow only (approval, validation, "
                                                           "signature): it cannot be sent") for k in reserved])
    if _depth(changes, MAX_DEPTH):
        raise DetailsError([DetailsProblem("details", f"nested deeper than {MAX_DEPTH} levels")])
    try:
        size = len(json.dumps(changes, ensure_ascii=False, default=str).encode())
    except (TypeError, ValueError, RecursionError):
        raise DetailsError([DetailsProblem("details", "not JSON data")]) from None
    if size > MAX_BYTES:
        raise DetailsError([DetailsProblem("details", f"too large: {size} bytes, at most {MAX_BYTES}")])
    validator = Draft202012Validator(schema, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(dict(changes)), key=lambda e: [str(p) for p in e.absolute_path])
    if errors:
        problems = []
        for error in errors:
            if error.validator == "additionalProperties" and isinstance(error.instance, Mapping):
                known = set(error.schema.get("properties", {}))
                problems += [DetailsProblem(_path([*error.absolute_path, key]), "not a field of this form")
                             for key in sorted(map(str, error.instance)) if key not in known]
            else:
                problems.append(DetailsProblem(_path(error.absolute_path), _message(error)))
        raise DetailsError(problems)
    return dict(changes)


def readable(details: Any, schema: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """The valid part of stored details: each top-level key that the schema (the common keys when None) accepts on
    its own. What an old row or a past bug stored never reaches a page or a PDF, and never crashes them."""
    if not isinstance(details, Mapping):
        return {}
    schema = schema or schema_for()
    properties = schema.get("properties", {})
    out: dict[str, Any] = {}
    for key, value in details.items():
        if not isinstance(key, str) or is_reserved(key) or key not in properties:
            continue
        if _depth(value, MAX_DEPTH):
            continue
        single = {"type": "object", "properties": {key: properties[key]}}
        try:
            if not Draft202012Validator(single, format_checker=_FORMATS).is_valid({key: value}):
                continue
        except RecursionError:
            continue
        out[key] = value
    return out
