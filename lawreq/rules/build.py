"""Turn validated YAML trees into the frozen model (conditions compiled once, here)."""

from __future__ import annotations

import re
from dataclasses import replace
from typing import Any, Mapping

from lawreq.rules.conditions import MEMBERSHIPS, PARTY_PREFIXES, always, compile_condition
from lawreq.rules.model import (
    Choice,
    Citation,
    Conditional,
    ConditionalDeadline,
    Country,
    DeadlineRule,
    DomesticProcedure,
    Entity,
    EntryIntoForce,
    Fact,
    FieldSpec,
    IdentifierFormat,
    Interval,
    MembershipTitle,
    Offence,
    Provider,
    ProviderPolicy,
    Requirement,
    RouteRule,
    RouteWarning,
    Service,
    ServiceEntity,
)


def cites(items: Any) -> tuple[Citation, ...]:
    """Citations from a validated ``cite`` list (absent: none)."""
    return tuple(Citation(c["instrument"], c["article"], c["url"]) for c in items or ())


def fact(node: Mapping[str, Any] | None) -> Fact | None:
    """A :class:`Fact` from a validated fact mapping."""
    if node is None:
        return None
    value = node["value"]
    if isinstance(value, list):
        value = tuple(value)
    return Fact(value, node["confidence"], cites(node.get("cite")), node.get("note", ""))


def _predicate(node: Mapping[str, Any] | None):  # type: ignore[no-untyped-def]
    return always if node is None else compile_condition(node)


def country(node: Mapping[str, Any]) -> Country:
    """Build a :class:`Country`."""
    code = node["code"]
    memberships = {
        name: tuple(
            sorted((Interval(i["from"], i.get("to"), i["confidence"], cites(i.get("cite")), i.get("signed"))
                    for i in intervals if i.get("from") is not None),
                   key=lambda interval: interval.start)
        )
        for name, intervals in node["memberships"].items()
    }
    signatures = {name: i["signed"] for name, intervals in node["memberships"].items() for i in intervals
                  if i.get("from") is None and i.get("signed") is not None}
    procedures = tuple(
        DomesticProcedure(
            id=p["id"], country=code, title=p["title"], data_categories=frozenset(p["data_categories"]),
            issuing_authorities=tuple(p["issuing_authorities"]), court_required=p["court_required"],
            legal_basis=fact(p.get("legal_basis")), description=p.get("description", ""),
            confidence=p["confidence"],
            cite=tuple(dict.fromkeys(cites(p.get("cite")) + tuple(c for r in p.get("requires", ())
                                                                  for c in cites(r.get("cite"))))),
            start=p.get("from"), end=p.get("to"),
            requires=tuple(_requirement(r) for r in p.get("requires", ())),
            validation_by=tuple(p["validation_by"]) if "validation_by" in p else None,
        )
        for p in node.get("domestic_procedures", ())
    )
    return Country(
        code=code, name=node["name"], timezone=node.get("timezone", "UTC"), holidays=node.get("holidays", code),
        official_languages=tuple(node["official_languages"]), request_languages=fact(node.get("request_languages")),
        eevidence_languages=fact(node.get("eevidence_languages")), memberships=memberships,
        contacts={k: f for k, v in node.get("contacts", {}).items() if (f := fact(v)) is not None},
        domestic_procedures=procedures,
        retention={k: f for k, v in node.get("retention", {}).items() if (f := fact(v)) is not None},
        detail_level=node.get("detail_level", "generic"), last_reviewed=node["last_reviewed"],
        signatures=signatures,
    )


def provider(node: Mapping[str, Any]) -> Provider:
    """Build a :class:`Provider` with its services and policies."""
    entities = tuple(
        Entity(e["name"], e["country"], e["role"], e.get("from"), e.get("to"), e["confidence"], e.get("id", ""),
               cites(e.get("cite")), e.get("note", ""))
        for e in node["entities"]
    )
    formats = tuple(
        IdentifierFormat(f["type"], f["label"], f.get("pattern", ""), f.get("example", ""))
        for f in node.get("identifier_formats", ())
    )
    services = tuple(
        Service(re.sub(r"[^a-z0-9]+", "-", s.casefold()).strip("-") or "service", s, (), ()) if isinstance(s, str)
        else Service(s["id"], s["name"], tuple(s.get("aliases", ())), tuple(
            ServiceEntity(tuple(r["users"]), r["entity"], r["confidence"], cites(r.get("cite")), r.get("note", ""),
                          r.get("from"), r.get("to"))
            for r in s["entities"]), s.get("note", ""))
        for s in node.get("services", ())
    )
    policies = tuple(
        ProviderPolicy(
            id=p["id"], effect=p["effect"], text=p["text"], when=_predicate(p.get("when")),
            kinds=frozenset(p.get("kinds", ())), channels=frozenset(p.get("channels", ())),
            routes=frozenset(p.get("routes", ())), services=frozenset(p.get("services", ())),
            confidence=p["confidence"], cite=cites(p.get("cite")),
        )
        for p in node.get("policies", ())
    )
    return Provider(
        id=node["id"], name=node["name"], kind=node["kind"], aliases=tuple(node.get("aliases", ())),
        services=services, hq_country=node["hq_country"], entities=entities,
        le_portal=fact(node.get("le_portal")), request_languages=fact(node.get("request_languages")),
        preservation=fact(node.get("preservation")), emergency=fact(node.get("emergency")),
        user_notification=fact(node.get("user_notification")),
        voluntary_disclosure_non_content=fact(node.get("voluntary_disclosure_non_content")),
        identifier_formats=formats,
        retention={k: f for k, v in node.get("retention", {}).items() if (f := fact(v)) is not None},
        sources=cites(node.get("sources")), confidence=node["confidence"], last_reviewed=node["last_reviewed"],
        policies=policies,
    )


def offences(node: Mapping[str, Any]) -> dict[str, Offence]:
    """Build the offence vocabulary."""
    return {
        o["id"]: Offence(o["id"], o["label"], frozenset(o["lists"]), o["confidence"], cites(o.get("cite")))
        for o in node["offences"]
    }


def _choices(items: Any) -> tuple[Choice, ...]:
    return tuple(Choice(_predicate(c.get("when")), tuple(c["value"]), cites(c.get("cite"))) for c in items or ())


def _conditional(node: Mapping[str, Any] | None) -> Conditional | None:
    return None if node is None else Conditional(_predicate(node["when"]), cites(node["cite"]))


def _field(name: str, node: Mapping[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=name, label=node["label"], type=node["type"], required=node.get("required", False), help=node["help"],
        choices=tuple(node.get("choices", ())), cite=cites(node.get("cite")), applies=node.get("applies", "always"),
    )


def _deadline(node: Mapping[str, Any]) -> ConditionalDeadline:
    rule = DeadlineRule(
        kind=node["kind"], period=node["period"], counting=node["counting"], trigger=node["trigger"],
        holidays_of=node["holidays_of"], applies=node["applies"], cite=cites(node["cite"]),
        confidence=node["confidence"],
    )
    return ConditionalDeadline(_predicate(node.get("when")), rule)


def _membership_leaf(condition: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(party, key)`` when a condition is exactly ``{fact: <party>.<key>, eq: true}``."""
    if set(condition) != {"fact", "eq"} or condition["eq"] is not True:
        return None
    party, _, key = str(condition["fact"]).partition(".")
    return (party, key) if party in PARTY_PREFIXES and key in MEMBERSHIPS else None


def _requirement(node: Mapping[str, Any]) -> Requirement:
    return Requirement(_predicate(node["when"]), node.get("met", ""), node["unmet"], cites(node.get("cite")),
                       node.get("confidence", ""), node.get("closed_kind"), _membership_leaf(node["when"]))


def memberships(node: Mapping[str, Any]) -> dict[str, MembershipTitle]:
    """The membership words an instrument file declares."""
    return {key: MembershipTitle(key, d["title"], d.get("party", "Party"), d.get("among"))
            for key, d in (node.get("memberships") or {}).items()}


def entry_into_force(node: Mapping[str, Any]) -> EntryIntoForce | None:
    """An instrument file's ``entry_into_force``."""
    eif = node.get("entry_into_force")
    if eif is None:
        return None
    return EntryIntoForce(node["instrument"], eif["value"], eif.get("ratifications"), eif.get("ratifications_required"),
                          eif.get("counted_on"), eif["confidence"], cites(eif.get("cite")),
                          eif.get("open_for_signature_until"))


def route(node: Mapping[str, Any], instrument: str, fields: Mapping[str, Any],
          in_force: EntryIntoForce | None = None) -> RouteRule:
    """Build one :class:`RouteRule` of an instrument file."""
    preservation = node.get("preservation_period")
    return _with_citations(RouteRule(
        id=node["id"], instrument=instrument, kind=node["kind"], title=node["title"], summary=node["summary"],
        template=node.get("template"), addressee=node["addressee"], channel=node["channel"], form=node["form"],
        data_categories=frozenset(node["data_categories"]),
        requires=tuple(_requirement(r) for r in node.get("requires", ())),
        issuing_authorities=_choices(node["issuing_authorities"]), validation_by=_choices(node.get("validation_by")),
        prior_validation_waived=_conditional(node.get("prior_validation_waived")),
        notification=_conditional(node.get("notification")),
        deadlines=tuple(_deadline(d) for d in node.get("deadlines", ())),
        preservation_period=preservation["value"] if preservation else None,
        preservation_from_provider=node.get("preservation_from_provider", False),
        languages=tuple(node.get("languages", ())), languages_default=tuple(node.get("languages_default", ("en",))),
        expected_days=float(node["expected_days"]["value"]),
        warnings=tuple(RouteWarning(_predicate(w.get("when")), w["text"]) for w in node.get("warnings", ())),
        fields=tuple(_field(name, fields[name]) for name in node.get("fields", ()) if name in fields),
        confidence=node["confidence"], cite=cites(node["cite"]), entry_into_force=in_force,
        expected_days_confidence=node["expected_days"]["confidence"],
    ))


def _with_citations(rule: RouteRule) -> RouteRule:
    """Collect the route's citations once at load time, so evaluation never hashes them."""
    found = list(rule.cite)
    for requirement in rule.requires:
        found.extend(requirement.cite)
    for choice in rule.issuing_authorities:
        found.extend(choice.cite)
    for conditional in (rule.prior_validation_waived, rule.notification):
        found.extend(conditional.cite if conditional else ())
    for deadline in rule.deadlines:
        found.extend(deadline.rule.cite)
    if rule.entry_into_force is not None:
        found.extend(rule.entry_into_force.cite)
    return replace(rule, citations=tuple(dict.fromkeys(found)))
