"""The closed schema of every rules file (country, provider, instrument, offences, cases).

Country and provider files follow the shared data contract (/work/briefs/rules_contract.md): keys may
be added here as OPTIONAL, never renamed or removed.
"""

from __future__ import annotations

import re
from lawreq.rules.conditions import CONDITION_SPEC, MEMBERSHIPS
from lawreq.rules.validate import (
    COUNTRY,
    DURATION,
    HANDLE,
    ID,
    LANGUAGE,
    URL_SPEC,
    Bool,
    Date,
    Issues,
    ListOf,
    MapOf,
    Nullable,
    Num,
    OneOf,
    Record,
    Spec,
    Str,
    join,
)
from lawreq.rules.yamlio import Mark, MarkedDict

DATA_CATEGORIES = ("subscriber_data", "identification_data", "traffic_data", "content_data")
AUTHORITIES = ("police", "prosecutor", "investigating_judge", "judge", "central_authority", "other")
ROUTE_KINDS = ("domestic_order", "production_order", "preservation_order", "voluntary_request",
               "emergency_request", "mla_request", "preservation_request")
OFFENCES = ("child_sexual_abuse", "child_sexual_exploitation", "child_sexual_abuse_material",
            "solicitation_of_children", "sextortion", "attack_on_information_systems",
            "non_cash_payment_fraud", "terrorism", "fraud", "other")
FORMS = ("epoc", "epoc_pr", "annex_iii", "annex_v", "annex_vi", "budapest_29", "mla_letter", "eio_annex_a",
         "us_voluntary_disclosure", "us_preservation", "us_emergency_disclosure", "domestic_order_draft",
         "cover_sheet")
CONFIDENCES = ("verified", "secondary", "unverified")
DEADLINE_KINDS = ("response", "review_window", "preservation_expiry", "preservation_extension",
                  "ex_post_validation", "recognition", "execution", "acknowledgement", "provisional_measures")
COUNTINGS = ("eu_1182_71", "calendar", "working_days", "exact")
TRIGGERS = ("sent", "received", "acknowledged", "issued", "recognised")
HOLIDAYS_OF = ("addressee", "issuing", "none")
APPLIES = ("always", "emergency", "normal")
FIELD_TYPES = ("text", "textarea", "date", "datetime", "select", "multiselect", "boolean", "language")
ADDRESSEE_MODES = ("eu_addressee", "eu_establishment", "hq", "domestic")
CHANNELS = ("eevidence_system", "provider_portal", "network_24_7", "central_authority", "judicial_authority",
            "diplomatic_channel")
LANGUAGE_SOURCES = ("provider.request_languages", "addressee_country.eevidence_languages",
                    "addressee_country.request_languages", "addressee_country.official_languages",
                    "issuing_country.official_languages")

CLOSED_KINDS = ("not_bound", "not_yet_applicable", "not_a_party", "not_in_force", "condition_unmet", "policy")

CONFIDENCE = Str(choices=CONFIDENCES)
#: who reviewed one fact and when, overriding the file's ``reviewed_by`` / ``last_reviewed``
REVIEWED = Record({"by": HANDLE, "on": Date()}, required=frozenset({"by", "on"}))
#: the keys every fact (a mapping with ``confidence``) carries besides its own
FACT_KEYS = {"confidence": CONFIDENCE, "note": Str(), "reviewed": REVIEWED}
CITE = Record(
    {"instrument": Str(), "article": Str(), "url": URL_SPEC},
    required=frozenset({"instrument", "article", "url"}),
)
CITES = ListOf(CITE, min_items=1)


def _needs_cite(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    """`cite` may be omitted only for unverified facts, and then `note` must say why."""
    confidence = value.get("confidence")
    if "cite" in value or confidence is None:
        return
    if confidence != "unverified":
        issues.add(mark, join(path, "cite"), "missing citation (required unless confidence is unverified)")
    elif not value.get("note"):
        issues.add(mark, join(path, "note"), "an unverified fact without cite needs a note saying why")


def fact(value: Spec, **more: Spec) -> Record:
    """A cited fact ``{value, confidence, cite, note}``."""
    return Record(
        {"value": value, "cite": CITES, **FACT_KEYS, **more},
        required=frozenset({"value", "confidence"}),
        extra=_needs_cite,
    )


def _from_before_to(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    _needs_cite(value, path, mark, issues)
    start, end = value.get("from"), value.get("to")
    if start is not None and end is not None and end <= start:
        issues.add(value.value_mark("to"), join(path, "to"), f"'to' ({end}) must be after 'from' ({start})")


def _membership_interval(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    """An interval is in force ``from`` a date; ``signed`` alone records a signature not (yet) in force."""
    _from_before_to(value, path, mark, issues)
    start, signed = value.get("from"), value.get("signed")
    if "from" not in value and "signed" not in value:
        issues.add(mark, join(path, "from"), "required key is missing (or give 'signed' for a signature not in force)")
    if "to" in value and "from" not in value:
        issues.add(value.value_mark("to"), join(path, "to"), "'to' needs a 'from'")
    if start is not None and signed is not None and signed > start:
        issues.add(value.value_mark("signed"), join(path, "signed"),
                   f"'signed' ({signed}) must not be after 'from' ({start})")


DATED = Record(
    {"from": Date(), "to": Date(), "signed": Date(), "cite": CITES, **FACT_KEYS},
    required=frozenset({"confidence"}),
    extra=_membership_interval,
)
CATEGORY = Str(choices=DATA_CATEGORIES)
AUTHORITY = Str(choices=AUTHORITIES)
LANGUAGES = ListOf(LANGUAGE, min_items=1)

def _procedure_checks(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    _from_before_to(value, path, mark, issues)


#: A domestic procedure (rules-data, issue 12): dated (``from``/``to``: the law's own dates, a procedure closes
#: outside them), with ``requires`` shaped like a route's requirements (offence thresholds such as
#: ``{fact: max_penalty_years, gte: 3}``: each unmet one closes the procedure with its own words) and an
#: optional ``validation_by`` for authorisations that are not a court's (the UK's OCDA, a prosecutor's consent).
PROCEDURE = Record(
    {
        "id": ID, "title": Str(), "data_categories": ListOf(CATEGORY, min_items=1),
        "issuing_authorities": ListOf(AUTHORITY, min_items=1), "court_required": Bool(),
        "validation_by": ListOf(AUTHORITY),
        "from": Date(), "to": Date(), "requires": ListOf(Record(
            {"when": CONDITION_SPEC, "met": Str(), "unmet": Str(), "cite": CITES, "note": Str(), **FACT_KEYS},
            required=frozenset({"when", "unmet", "confidence"}), extra=_needs_cite,
        )),
        "legal_basis": fact(Str()), "description": Str(), "cite": CITES, **FACT_KEYS,
    },
    required=frozenset({"id", "title", "data_categories", "issuing_authorities", "court_required", "confidence"}),
    extra=_procedure_checks,
)

COUNTRY_FILE = Record(
    {
        "code": COUNTRY, "name": Str(), "last_reviewed": Date(), "reviewed_by": HANDLE, "timezone": Str(pattern=r"^[A-Za-z_]+(/[A-Za-z_+-]+)+$|^UTC$", what="an IANA time zone"),
        "holidays": Str(pattern=r"^[A-Z]{2}(-[A-Z0-9]+)?$", what="a holidays-package code such as FI or ES-MD"),
        "official_languages": LANGUAGES, "request_languages": fact(LANGUAGES),
        "eevidence_languages": fact(LANGUAGES),
        "memberships": Record({m: ListOf(DATED) for m in MEMBERSHIPS}),
        "contacts": Record({"network_24_7": fact(Str()), "central_authority": fact(Str())}),
        "domestic_procedures": ListOf(PROCEDURE),
        "retention": MapOf(CATEGORY, fact(DURATION)),
        "detail_level": Str(choices=("detailed", "generic")),
        "note": Str(),
    },
    required=frozenset({"code", "name", "last_reviewed", "reviewed_by", "official_languages", "memberships"}),
)


def _regex_compiles(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    pattern = value.get("pattern")
    if isinstance(pattern, str):
        try:
            re.compile(pattern)
        except re.error as exc:
            issues.add(value.value_mark("pattern"), join(path, "pattern"), f"invalid regular expression: {exc}")


def _provider_sources(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    """A provider file is a fact too: ``sources`` may be left out only when it is unverified, with a note."""
    if "sources" in value or value.get("confidence") in (None, "unverified") and value.get("note"):
        return
    issues.add(mark, join(path, "sources"), "missing sources (required unless confidence is unverified, "
               "and then 'note' says why)")


#: roles an entity may hold; the last two are recorded for information and are never addressed by the engine
ENTITY_ROLES = ("headquarters", "eu_designated_establishment", "eu_legal_representative", "establishment",
                "gdpr_representative", "dsa_legal_representative")
NON_ADDRESSEE_ROLES = frozenset({"gdpr_representative", "dsa_legal_representative"})
#: who a service entity serves: region tokens or ISO codes (EU: a Member State on the date; EEA: EU + IS, LI, NO)
USER_REGIONS = ("EU", "EEA", "any")
POLICY_EFFECTS = ("warn", "close")

ENTITY = Record(
    {
        "id": ID, "name": Str(), "country": COUNTRY,
        "role": Str(choices=ENTITY_ROLES),
        "from": Date(), "to": Date(), "cite": CITES, **FACT_KEYS,
    },
    required=frozenset({"name", "country", "role", "confidence"}),
    extra=_from_before_to,
)

SERVICE_ENTITY = Record(
    {"users": ListOf(Str(pattern=r"^([A-Z]{2}|EU|EEA|any)$", what="EU, EEA, any or an ISO country code"),
                     min_items=1),
     "entity": ID, "from": Date(), "to": Date(), "cite": CITES, **FACT_KEYS},
    required=frozenset({"users", "entity", "confidence"}),
    extra=_from_before_to,
)
SERVICE = Record(
    {"id": ID, "name": Str(), "aliases": ListOf(Str()), "entities": ListOf(SERVICE_ENTITY, min_items=1),
     "note": Str()},
    required=frozenset({"id", "name", "entities"}),
)
#: a bare name is a service with no entity of its own (the provider's headquarters and establishments answer)
SERVICE_OR_NAME = OneOf(((lambda v: isinstance(v, str), Str()), (lambda v: isinstance(v, dict), SERVICE)),
                        what="a service {id, name, entities} or a service name")
POLICY = Record(
    {"id": ID, "effect": Str(choices=POLICY_EFFECTS), "text": Str(), "when": CONDITION_SPEC,
     "kinds": ListOf(Str(choices=ROUTE_KINDS), min_items=1), "channels": ListOf(Str(choices=CHANNELS), min_items=1),
     "routes": ListOf(ID, min_items=1), "services": ListOf(ID, min_items=1), "cite": CITES, **FACT_KEYS},
    required=frozenset({"id", "effect", "text", "confidence", "cite"}),
)

PROVIDER_FILE = Record(
    {
        "id": ID, "name": Str(), "kind": Str(choices=("online_service", "telecom", "hosting")),
        "aliases": ListOf(Str()), "services": ListOf(SERVICE_OR_NAME, min_items=1), "hq_country": COUNTRY,
        "last_reviewed": Date(), "reviewed_by": HANDLE,
        "entities": ListOf(ENTITY, min_items=1), "le_portal": fact(Str()), "request_languages": fact(LANGUAGES),
        "preservation": fact(Record({"period": DURATION, "renewable": Bool()}, required=frozenset({"period"}))),
        "emergency": fact(Str()), "user_notification": fact(Str()),
        "voluntary_disclosure_non_content": fact(Bool()),
        "identifier_formats": ListOf(Record(
            {"type": Str(choices=("numeric_id", "username", "email", "phone", "url", "ip")), "label": Str(),
             "pattern": Str(), "example": Str()},
            required=frozenset({"type", "label"}), extra=_regex_compiles,
        )),
        "retention": MapOf(CATEGORY, fact(DURATION)),
        "policies": ListOf(POLICY),
        "sources": CITES, **FACT_KEYS,
    },
    required=frozenset({"id", "name", "kind", "hq_country", "last_reviewed", "reviewed_by", "entities",
                        "confidence"}),
    extra=_provider_sources,
)

CHOICE = Record(
    {"when": CONDITION_SPEC, "value": ListOf(AUTHORITY, min_items=1), "cite": CITES, **FACT_KEYS},
    required=frozenset({"value", "cite"}),
)
FIELD = Record(
    {"label": Str(), "type": Str(choices=FIELD_TYPES), "required": Bool(), "help": Str(),
     "choices": ListOf(Str()), "applies": Str(choices=APPLIES), "cite": CITES},
    required=frozenset({"label", "type", "help"}),
)
DEADLINE = Record(
    {"kind": Str(choices=DEADLINE_KINDS), "period": DURATION, "counting": Str(choices=COUNTINGS),
     "trigger": Str(choices=TRIGGERS), "holidays_of": Str(choices=HOLIDAYS_OF), "applies": Str(choices=APPLIES),
     "when": CONDITION_SPEC, "cite": CITES, **FACT_KEYS},
    required=frozenset({"kind", "period", "counting", "trigger", "holidays_of", "applies", "confidence", "cite"}),
)
REQUIREMENT = Record(
    {"when": CONDITION_SPEC, "met": Str(), "unmet": Str(), "cite": CITES, "closed_kind": Str(choices=CLOSED_KINDS),
     **FACT_KEYS},
    required=frozenset({"when", "unmet", "cite"}),
)
ROUTE = Record(
    {
        "id": ID, "kind": Str(choices=ROUTE_KINDS), "title": Str(), "summary": Str(),
        "template": Str(choices=("domestic_procedures",)),
        "addressee": Str(choices=ADDRESSEE_MODES), "channel": Str(choices=CHANNELS), "form": Str(choices=FORMS),
        "data_categories": ListOf(CATEGORY, min_items=1), "requires": ListOf(REQUIREMENT),
        "issuing_authorities": ListOf(CHOICE), "validation_by": ListOf(CHOICE),
        "prior_validation_waived": Record({"when": CONDITION_SPEC, "cite": CITES, "note": Str()},
                                          required=frozenset({"when", "cite"})),
        "notification": Record({"when": CONDITION_SPEC, "cite": CITES, "note": Str()},
                               required=frozenset({"when", "cite"})),
        "deadlines": ListOf(DEADLINE), "preservation_period": fact(DURATION),
        "preservation_from_provider": Bool(),
        "languages": ListOf(Str(choices=LANGUAGE_SOURCES)), "languages_default": LANGUAGES,
        "expected_days": fact(Num(minimum=0)),
        "warnings": ListOf(Record({"when": CONDITION_SPEC, "text": Str(), "cite": CITES},
                                  required=frozenset({"text"}))),
        "fields": ListOf(ID), "cite": CITES, **FACT_KEYS,
    },
    required=frozenset({"id", "kind", "title", "summary", "addressee", "channel", "form", "data_categories",
                        "issuing_authorities", "confidence", "cite", "expected_days"}),
)
#: what a membership key means, for the closure reasons in the law's own terms
MEMBERSHIP_DECL = Record(
    {"title": Str(), "party": Str(choices=("Party", "Member State", "State")), "among": Str(choices=MEMBERSHIPS),
     "note": Str()},
    required=frozenset({"title"}),
)
#: whether the instrument itself is in force; ``value: null`` = not in force (with the dated ratification count)
ENTRY_INTO_FORCE = fact(Nullable(Date()), ratifications=Num(minimum=0), ratifications_required=Num(minimum=1),
                        counted_on=Date(), open_for_signature_until=Date())
INSTRUMENT_FILE = Record(
    {"id": ID, "instrument": Str(), "title": Str(), "last_reviewed": Date(), "reviewed_by": HANDLE,
     "sources": CITES, "memberships": MapOf(Str(choices=MEMBERSHIPS), MEMBERSHIP_DECL),
     "entry_into_force": ENTRY_INTO_FORCE,
     "fields": MapOf(ID, FIELD), "routes": ListOf(ROUTE, min_items=1), "note": Str()},
    required=frozenset({"id", "instrument", "title", "last_reviewed", "reviewed_by", "sources", "routes"}),
)

OFFENCES_FILE = Record(
    {
        "last_reviewed": Date(), "reviewed_by": HANDLE,
        "lists": MapOf(ID, Record({"title": Str(), "cite": CITES, **FACT_KEYS},
                                  required=frozenset({"title", "confidence"}), extra=_needs_cite)),
        "offences": ListOf(Record(
            {"id": Str(choices=OFFENCES), "label": Str(), "lists": ListOf(ID), "cite": CITES, **FACT_KEYS},
            required=frozenset({"id", "label", "lists", "confidence"}), extra=_needs_cite,
        ), min_items=1),
    },
    required=frozenset({"last_reviewed", "reviewed_by", "lists", "offences"}),
)

_ROUTE_EXPECT = Record({
    "available": Bool(), "addressee_country": COUNTRY, "addressee_entity": Str(), "addressee_role": Str(),
    "notification_required": Bool(), "issuing_authorities": ListOf(AUTHORITY), "validation_by": ListOf(AUTHORITY),
    "needs_approval": Bool(), "form": Str(choices=FORMS), "deadlines": MapOf(Str(choices=DEADLINE_KINDS), Nullable(DURATION)),
    "preservation_period": DURATION, "languages": ListOf(LANGUAGE), "reason_contains": Str(),
    "warning_contains": Str(), "closed_kind": Str(choices=CLOSED_KINDS), "confidence": CONFIDENCE,
})
CASE = Record(
    {
        "id": ID, "description": Str(),
        "facts": Record({
            "issuing_country": Str(), "provider": Str(), "data_categories": ListOf(Str(), min_items=1),
            "offence": Str(), "max_penalty_years": Num(), "emergency": Bool(), "committed_online": Bool(),
            "target_resides_in": Str(), "offence_committed_in": Str(), "issuer": Str(), "date": Date(),
            "service": Str(),
        }, required=frozenset({"issuing_country", "provider", "data_categories", "offence", "date"})),
        "expect": Record({
            "available": ListOf(ID), "closed": ListOf(ID), "first": ID, "routes": MapOf(ID, _ROUTE_EXPECT),
        }),
    },
    required=frozenset({"id", "description", "facts", "expect"}),
)
CASES_FILE = Record(
    {"last_reviewed": Date(), "reviewed_by": HANDLE, "cases": ListOf(CASE, min_items=1), "note": Str()},
    required=frozenset({"last_reviewed", "reviewed_by", "cases"}),
)

KIND_SPECS: dict[str, Spec] = {
    "country": COUNTRY_FILE, "provider": PROVIDER_FILE, "instrument": INSTRUMENT_FILE,
    "offences": OFFENCES_FILE, "cases": CASES_FILE,
}


def file_kind(relative: str) -> str | None:
    """Which schema a file under the rules root follows, from where it sits."""
    parts = relative.split("/")
    if len(parts) == 1:
        if parts[0] == "offences.yaml":
            return "offences"
        return "country" if re.match(r"^[a-z]{2}\.yaml$", parts[0]) else None
    return {"providers": "provider", "instruments": "instrument", "cases": "cases"}.get(parts[0])

