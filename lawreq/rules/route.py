"""A route as evaluated for one set of facts: what the UI, API, CLI and PDFs show."""

from __future__ import annotations

from dataclasses import MISSING, dataclass, fields
from typing import Any, NamedTuple

from lawreq.rules.model import Citation, DeadlineRule, FieldSpec


@dataclass(frozen=True)
class Addressee:
    """Who receives the request and through which channel."""

    provider: str
    entity: str
    country: str
    role: str
    channel: str
    channel_kind: str
    #: the provider's service the entity was chosen for (None: the provider lists no services)
    service: str | None = None

    def to_dict(self) -> dict[str, str | None]:
        """JSON form."""
        return {"provider": self.provider, "entity": self.entity, "country": self.country, "role": self.role,
                "channel": self.channel, "channel_kind": self.channel_kind, "service": self.service}


def _summary(rules: tuple[DeadlineRule, ...]) -> list[dict[str, str]]:
    """DESIGN §5 ``deadlines``: one entry per kind with its normal and emergency periods."""
    out: dict[str, dict[str, str]] = {}
    for rule in rules:
        entry = out.setdefault(rule.kind, {"kind": rule.kind})
        key = "emergency_period" if rule.applies == "emergency" else "period"
        entry.setdefault(key, rule.period)
    return list(out.values())


class Finding(NamedTuple):
    """One requirement as evaluated: its words, how sure the rule is, and ``met`` or the closure kind."""

    text: str
    confidence: str
    kind: str

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return {"text": self.text, "confidence": self.confidence, "kind": self.kind}


@dataclass(frozen=True)
class Route:
    """One legal route, open or closed, with the reasons in plain words."""

    id: str
    kind: str
    instrument: str
    title: str
    available: bool
    reasons: tuple[str, ...]
    addressee: Addressee
    issuing_authorities: tuple[str, ...]
    validation_by: tuple[str, ...]
    needs_approval: bool
    data_categories: tuple[str, ...]
    notification_required: bool
    deadline_rules: tuple[DeadlineRule, ...]
    preservation_period: str | None
    form: str
    languages: tuple[str, ...]
    confidence: str
    citations: tuple[Citation, ...]
    fields: tuple[FieldSpec, ...]
    expected_days: float
    warnings: tuple[str, ...]
    #: why a closed route is closed, in the law's own terms (schema.CLOSED_KINDS); None when open
    closed_kind: str | None = None
    #: the sentence that says so (also the first of ``reasons``)
    closed_reason: str | None = None
    #: the requirements with their confidence: on an open route every one met (with its words), on a closed route
    #: every one that fails (with its closure kind)
    findings: tuple[Finding, ...] = ()
    expected_days_confidence: str = "unverified"
    entity_confidence: str = "unverified"
    #: the confidence of the fact the languages come from, or "official languages" / "default" for a proxy
    languages_confidence: str = "default"

    @classmethod
    def fast(cls, **values: Any) -> Route:
        """Build a route without the frozen dataclass ``__init__`` (one ``object.__setattr__`` per field): the engine
        builds every route of every evaluation, closed ones included, and this halves the cost. Same object, still
        frozen; every field must be given or have a default."""
        route = object.__new__(cls)
        state = {**_ROUTE_DEFAULTS, **values}
        if len(state) != len(_ROUTE_FIELDS):
            missing = set(_ROUTE_FIELDS) - set(state)
            unknown = set(state) - set(_ROUTE_FIELDS)
            raise TypeError(f"Route.fast: missing {sorted(missing)}, unknown {sorted(unknown)}")
        route.__dict__.update(state)
        return route

    def deadline(self, kind: str, emergency: bool = False) -> DeadlineRule | None:
        """The deadline rule of ``kind`` that applies in a normal or an emergency case."""
        wanted = ("always", "emergency") if emergency else ("always", "normal")
        return next((r for r in self.deadline_rules if r.kind == kind and r.applies in wanted), None)

    def to_dict(self) -> dict[str, Any]:
        """The JSON object of DESIGN.md §5, plus title, fields, deadline_rules, expected_days, warnings."""
        return {
            "id": self.id, "kind": self.kind, "instrument": self.instrument, "title": self.title,
            "available": self.available, "reasons": list(self.reasons), "addressee": self.addressee.to_dict(),
            "issuing_authorities": list(self.issuing_authorities), "validation_by": list(self.validation_by),
            "needs_approval": self.needs_approval, "data_categories": list(self.data_categories),
            "notification_required": self.notification_required, "deadlines": _summary(self.deadline_rules),
            "deadline_rules": [r.to_dict() for r in self.deadline_rules],
            "preservation_period": self.preservation_period, "form": self.form, "languages": list(self.languages),
            "confidence": self.confidence, "citations": [c.to_dict() for c in self.citations],
            "fields": [f.to_dict() for f in self.fields], "expected_days": self.expected_days,
            "warnings": list(self.warnings), "closed_kind": self.closed_kind, "closed_reason": self.closed_reason,
            "findings": [f.to_dict() for f in self.findings], "expected_days_confidence": self.expected_days_confidence,
            "addressee_confidence": self.entity_confidence, "languages_confidence": self.languages_confidence,
        }


_ROUTE_FIELDS = tuple(f.name for f in fields(Route))
_ROUTE_DEFAULTS = {f.name: f.default for f in fields(Route) if f.default is not MISSING}
