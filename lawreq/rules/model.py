"""Frozen dataclasses for the loaded rules: plain data the engine, the wizard and the PDFs read."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import date
from typing import Any

from lawreq.rules.conditions import Predicate


@dataclass(frozen=True)
class Citation:
    """Where a rule or value comes from."""

    instrument: str
    article: str
    url: str

    def to_dict(self) -> dict[str, str]:
        """JSON form."""
        return asdict(self)


@dataclass(frozen=True)
class Fact:
    """A value with its confidence and sources; ``note`` says why it is unverified."""

    value: Any
    confidence: str
    cite: tuple[Citation, ...] = ()
    note: str = ""


@dataclass(frozen=True)
class Interval:
    """A dated membership: in force from ``start`` (inclusive) to ``end`` (exclusive, open if None)."""

    start: date
    end: date | None
    confidence: str
    cite: tuple[Citation, ...] = ()
    #: the State signed before it was bound (``signed:`` on the interval), when a source gives the date
    signed: date | None = None

    def covers(self, day: date) -> bool:
        """Whether the interval is in force on ``day``."""
        return self.start <= day and (self.end is None or day < self.end)


@dataclass(frozen=True)
class DomesticProcedure:
    """How a country's own authorities obtain data from a provider in its territory."""

    id: str
    country: str
    title: str
    data_categories: frozenset[str]
    issuing_authorities: tuple[str, ...]
    court_required: bool
    legal_basis: Fact | None
    description: str
    confidence: str
    cite: tuple[Citation, ...]
    #: the law's own dates: the procedure exists on [start, end)
    start: date | None = None
    end: date | None = None
    #: offence thresholds and other conditions, each closing the procedure with its own words when unmet
    requires: tuple["Requirement", ...] = ()
    #: who authorises when that is not a court (None: a judge when court_required, else nobody)
    validation_by: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Country:
    """One jurisdiction: memberships by date, contacts, languages, domestic procedures."""

    code: str
    name: str
    timezone: str
    holidays: str
    official_languages: tuple[str, ...]
    request_languages: Fact | None
    eevidence_languages: Fact | None
    memberships: dict[str, tuple[Interval, ...]]
    contacts: dict[str, Fact]
    domestic_procedures: tuple[DomesticProcedure, ...]
    retention: dict[str, Fact]
    detail_level: str
    last_reviewed: date
    #: membership -> date signed, for signatures not (yet) followed by being bound (an interval with only ``signed``)
    signatures: dict[str, date] = field(default_factory=dict)

    def member(self, membership: str, day: date) -> bool:
        """Whether the country is bound by ``membership`` on ``day``."""
        return any(interval.covers(day) for interval in self.memberships.get(membership, ()))


@dataclass(frozen=True)
class Entity:
    """A legal entity of a provider that receives requests."""

    name: str
    country: str
    role: str
    start: date | None
    end: date | None
    confidence: str
    #: the entity's id in its provider file (services refer to it); "" for the engine's stand-in headquarters
    id: str = ""
    cite: tuple[Citation, ...] = ()
    note: str = ""

    def in_force(self, day: date) -> bool:
        """Whether the entity holds its role on ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class ServiceEntity:
    """Which entity controls a service's data for which users (``users``: EU, EEA, any, or country codes)."""

    users: tuple[str, ...]
    entity: str
    confidence: str
    cite: tuple[Citation, ...] = ()
    note: str = ""
    #: the entity serves these users from ``start`` (inclusive) to ``end`` (exclusive); None: open
    start: date | None = None
    end: date | None = None

    def in_force(self, day: date) -> bool:
        """Whether the entity serves these users on ``day``."""
        return (self.start is None or self.start <= day) and (self.end is None or day < self.end)


@dataclass(frozen=True)
class Service:
    """One service of a provider (Instagram, WhatsApp, Xbox): its entity depends on where the user lives."""

    id: str
    name: str
    aliases: tuple[str, ...]
    entities: tuple[ServiceEntity, ...]
    note: str = ""

    def __str__(self) -> str:
        return self.name


@dataclass(frozen=True)
class ProviderPolicy:
    """A provider's published policy limiting whom it answers: warns on, or closes, the routes it selects.

    A route is selected when it matches every selector given (``kinds``, ``channels``, ``routes``, ``services``;
    an empty selector matches all) and ``when`` holds for the request's facts.
    """

    id: str
    effect: str
    text: str
    when: Predicate
    kinds: frozenset[str]
    channels: frozenset[str]
    routes: frozenset[str]
    services: frozenset[str]
    confidence: str
    cite: tuple[Citation, ...]


@dataclass(frozen=True)
class IdentifierFormat:
    """An identifier the wizard can validate (e.g. a numeric user id)."""

    type: str
    label: str
    pattern: str
    example: str


@dataclass(frozen=True)
class Provider:
    """An online provider, its entities and its published practices."""

    id: str
    name: str
    kind: str
    aliases: tuple[str, ...]
    services: tuple[Service, ...]
    hq_country: str
    entities: tuple[Entity, ...]
    le_portal: Fact | None
    request_languages: Fact | None
    preservation: Fact | None
    emergency: Fact | None
    user_notification: Fact | None
    voluntary_disclosure_non_content: Fact | None
    identifier_formats: tuple[IdentifierFormat, ...]
    retention: dict[str, Fact]
    sources: tuple[Citation, ...]
    confidence: str
    last_reviewed: date
    policies: tuple[ProviderPolicy, ...] = ()

    @property
    def main_service(self) -> Service | None:
        """The service a request addresses when it names none: the first one listed."""
        return self.services[0] if self.services else None

    def service(self, key: str | None) -> Service | None:
        """The service with id, name or alias ``key`` (case-insensitive); the main service for None."""
        if key is None:
            return self.main_service
        wanted = key.strip().casefold()
        return next((s for s in self.services
                     if wanted in (s.id, s.name.casefold(), *(a.casefold() for a in s.aliases))), None)

    def entity(self, entity_id: str) -> Entity | None:
        """The entity with id ``entity_id``."""
        return next((e for e in self.entities if e.id == entity_id), None)


@dataclass(frozen=True)
class Offence:
    """An offence id and the instrument lists it belongs to (e.g. ``dir_2011_93``)."""

    id: str
    label: str
    lists: frozenset[str]
    confidence: str
    cite: tuple[Citation, ...]


@dataclass(frozen=True)
class FieldSpec:
    """A route-specific wizard field."""

    name: str
    label: str
    type: str
    required: bool
    help: str
    choices: tuple[str, ...] = ()
    cite: tuple[Citation, ...] = ()
    applies: str = "always"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["choices"] = list(self.choices)
        data["cite"] = [c.to_dict() for c in self.cite]
        return data


@dataclass(frozen=True)
class DeadlineRule:
    """How to compute one deadline of a route (the deadlines helper turns it into a due date)."""

    kind: str
    period: str
    counting: str
    trigger: str
    holidays_of: str
    applies: str
    cite: tuple[Citation, ...]
    confidence: str = "verified"

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        data = asdict(self)
        data["cite"] = [c.to_dict() for c in self.cite]
        return data


@dataclass(frozen=True)
class Requirement:
    """One condition a route needs, with the words shown when it is (not) met.

    ``membership`` is ``(party, key)`` when the condition is exactly ``{fact: <party>.<key>, eq: true}``: the
    engine then says in the law's own terms why the party is not bound (not bound by choice, not yet applicable,
    not a Party). ``closed_kind`` is the file's own word for a failing requirement (e.g. a date of application).
    """

    when: Predicate
    met: str
    unmet: str
    cite: tuple[Citation, ...]
    confidence: str = ""
    closed_kind: str | None = None
    membership: tuple[str, str] | None = None


@dataclass(frozen=True)
class MembershipTitle:
    """What a membership key means (instrument files' ``memberships:``): words for closure reasons."""

    key: str
    title: str
    party: str = "Party"
    #: the instrument binds only States that are members of this key (e.g. ``eu``): a member outside it is
    #: "not bound" (its own choice), a non-member "not a Party"
    among: str | None = None


@dataclass(frozen=True)
class EntryIntoForce:
    """Whether an instrument is in force at all (``entry_into_force:``), with the dated ratification count."""

    instrument: str
    value: date | None
    ratifications: float | None
    ratifications_required: float | None
    counted_on: date | None
    confidence: str
    cite: tuple[Citation, ...]
    #: last day the instrument is open for signature (after it, only accession), when the file says
    open_for_signature_until: date | None = None

    def in_force(self, day: date) -> bool:
        """Whether the instrument is in force on ``day``."""
        return self.value is not None and self.value <= day


@dataclass(frozen=True)
class Choice:
    """A conditional list of authorities (first matching choice wins)."""

    when: Predicate
    value: tuple[str, ...]
    cite: tuple[Citation, ...]


@dataclass(frozen=True)
class Conditional:
    """A predicate with its citations (notification duty, waived prior validation)."""

    when: Predicate
    cite: tuple[Citation, ...]


@dataclass(frozen=True)
class ConditionalDeadline:
    """A deadline rule that only applies when its condition holds (e.g. review window after notification)."""

    when: Predicate
    rule: DeadlineRule


@dataclass(frozen=True)
class RouteWarning:
    """A warning shown on the route when its condition holds."""

    when: Predicate
    text: str


@dataclass(frozen=True)
class RouteRule:
    """A route as declared in an instrument file; the engine turns it into a :class:`Route` per facts."""

    id: str
    instrument: str
    kind: str
    title: str
    summary: str
    template: str | None
    addressee: str
    channel: str
    form: str
    data_categories: frozenset[str]
    requires: tuple[Requirement, ...]
    issuing_authorities: tuple[Choice, ...]
    validation_by: tuple[Choice, ...]
    prior_validation_waived: Conditional | None
    notification: Conditional | None
    deadlines: tuple[ConditionalDeadline, ...]
    preservation_period: str | None
    preservation_from_provider: bool
    languages: tuple[str, ...]
    languages_default: tuple[str, ...]
    expected_days: float
    warnings: tuple[RouteWarning, ...]
    fields: tuple[FieldSpec, ...]
    confidence: str
    cite: tuple[Citation, ...]
    #: the instrument's own entry into force (None: the file does not say; its memberships decide)
    entry_into_force: EntryIntoForce | None = None
    #: confidence of the route's expected_days figure (a cited estimate or an unverified heuristic)
    expected_days_confidence: str = "unverified"
    #: every citation the route may show (its own, its requirements', authorities', deadlines'), deduplicated
    citations: tuple[Citation, ...] = ()


@dataclass(frozen=True)
class RuleCase:
    """A rule test case: facts in, expected routes out."""

    id: str
    description: str
    facts: dict[str, Any]
    expect: dict[str, Any]
    source: str


@dataclass(frozen=True)
class RuleProblem:
    """One problem in the rules data, printed as ``path:line:col: field.path: message``."""

    path: str
    line: int
    col: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.col}: {self.field or '(file)'}: {self.message}"

