"""Route evaluation: facts + rules → every route, open or closed, with reasons, ranked by speed.

The engine holds no legal knowledge of its own: requirements, authorities, deadlines and their words
come from the instrument files. It only resolves the parties (issuing State, the provider's EU
addressee, HQ, local entity), builds the fact context the conditions read, and assembles routes.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import date
from functools import lru_cache
from typing import Any

from lawreq.rules import addressing, policies
from lawreq.rules.conditions import MEMBERSHIPS
from lawreq.rules.facts import Facts
from lawreq.rules.model import DomesticProcedure, Entity, Requirement, RouteRule
from lawreq.rules.route import Addressee, Finding, Route
from lawreq.rules.ruleset import RuleSet

IDENTIFYING = frozenset({"subscriber_data", "identification_data"})
EU_ADDRESSEE_ROLES = addressing.EU_ADDRESSEE_ROLES
_CATEGORY_WORDS = {"subscriber_data": "subscriber data", "identification_data": "identification data (IP logs)",
                   "traffic_data": "traffic data", "content_data": "content data"}
_DURATION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$")


@lru_cache(maxsize=256)
def duration_days(period: str) -> float:
    """Approximate length of an ISO 8601 duration in days (months = 30 days), for ranking only."""
    match = _DURATION.match(period)
    if not match:
        raise ValueError(f"not an ISO 8601 duration: {period!r}")
    y, mo, w, d, h, mi, s = (int(g) if g else 0 for g in match.groups())
    return y * 365 + mo * 30 + w * 7 + d + h / 24 + mi / 1440 + s / 86400


def _duration_words(period: str) -> str:
    days = duration_days(period)
    if days >= 30 and days % 30 == 0:
        return f"{int(days // 30)} months"
    return f"{days:g} days" if days >= 1 else f"{days * 24:g} hours"


#: which closure reason is "the" reason of a closed route when several requirements fail: the instrument not in
#: force first, then the issuing State's own position (and the file's own words such as a date of application),
#: then the other parties', then plain conditions. Within a group: not bound, not a Party, not yet applicable.
_KIND_ORDER = {"not_in_force": 0, "not_bound": 1, "not_a_party": 2, "not_yet_applicable": 3, "policy": 4,
               "condition_unmet": 5}


#: the context keys of each party's memberships, in MEMBERSHIPS order (built once)
_PARTY_KEYS = {prefix: tuple(f"{prefix}.{m}" for m in MEMBERSHIPS) for prefix in ("eu_addressee", "eu_establishment",
                                                                                   "hq")}


def _closure_rank(kind: str, group: int) -> tuple[int, int]:
    return (0 if kind == "not_in_force" else group, _KIND_ORDER[kind])


class _Evaluation:
    """The per-request state: parties, fact context and words for reason templates."""

    def __init__(self, facts: Facts, rules: RuleSet) -> None:
        self.facts = facts
        self.rules = rules
        day = facts.date
        self.provider = provider = rules.providers[facts.provider]
        self.issuing = issuing = rules.countries[facts.issuing_country]
        #: the service asked about and the entities it addresses (lawreq/rules/addressing.py)
        self.service = provider.service(facts.service)
        self.resolved = addressing.resolve(provider, self.service, issuing, facts.target_resides_in, rules, day)
        #: addressee mode -> entity; "domestic" only when the provider has an entity in the issuing State
        self.parties: dict[str, Entity] = self.resolved.as_modes()
        domestic = self.resolved.domestic
        self.residence_note = addressing.residence_note(provider, self.resolved, rules, day)
        offence = rules.offences[facts.offence]
        categories = frozenset(facts.data_categories)
        voluntary = provider.voluntary_disclosure_non_content
        ctx: dict[str, Any] = {
            "date": day, "issuing_country": issuing.code, "issuer": facts.issuer, "emergency": facts.emergency,
            "committed_online": facts.committed_online, "max_penalty_years": facts.max_penalty_years,
            "offence": offence.id, "offence.lists": offence.lists, "data_categories": categories,
            "data.identifying_only": categories <= IDENTIFYING, "data.has_content": "content_data" in categories,
            "target_resides_in": facts.target_resides_in, "offence_committed_in": facts.committed_in,
            "provider.id": provider.id, "provider.kind": provider.kind, "provider.hq_country": provider.hq_country,
            "provider.voluntary_disclosure_non_content": bool(voluntary and voluntary.value),
            "domestic.present": domestic is not None,
            "service": self.service.id if self.service else None, "user_country": self.resolved.user_country,
        }
        bound: dict[str, tuple[bool, ...]] = {}  # the parties often share a country: compute each once

        def memberships_of(code: str) -> tuple[bool, ...]:
            found = bound.get(code)
            if found is None:
                country = rules.countries.get(code)
                found = bound[code] = tuple(bool(country and country.member(m, day)) for m in MEMBERSHIPS)
            return found

        for membership, value in zip(MEMBERSHIPS, memberships_of(issuing.code)):
            ctx[f"issuing.{membership}"] = value
        for prefix in ("eu_addressee", "eu_establishment", "hq"):
            entity = self.parties[prefix]
            ctx[f"{prefix}.country"] = entity.country
            ctx[f"{prefix}.role"] = entity.role
            for key, value in zip(_PARTY_KEYS[prefix], memberships_of(entity.country)):
                ctx[key] = value
        self.ctx = ctx
        self.words = {
            "issuing_country": issuing.code, "issuing_name": issuing.name, "provider": provider.name,
            "date": day.isoformat(), "offence": offence.label, "issuer": facts.issuer.replace("_", " "),
            "categories": ", ".join(_CATEGORY_WORDS[c] for c in facts.data_categories),
            "hq_country": self.parties["hq"].country,
        }
        self._word_cache: dict[str, dict[str, str]] = {}
        self._membership_cache: dict[tuple[str, str], tuple[str, str]] = {}
        self._dormant: dict[str, str] = {}
        self._channels: dict[tuple[str, str], str] = {}
        self._languages: dict[tuple[Any, ...], tuple[tuple[str, ...], str]] = {}

    def _party_words(self, party: str, country_name: str) -> str:
        if party == "issuing":
            return country_name
        if party == "hq":
            return f"The requested State, {country_name},"
        if party == "eu_addressee":
            return f"The addressee's State, {country_name},"
        return f"The executing State, {country_name},"

    def membership_closure(self, party: str, key: str) -> tuple[str, str]:
        """(closed_kind, sentence): why ``party`` is not bound by membership ``key`` on the date, in the law's
        own terms: outside it by its own choice, bound but not yet applicable, no longer bound, not a Party."""
        cached = self._membership_cache.get((party, key))
        if cached is not None:
            return cached
        day = self.facts.date
        code = self.issuing.code if party == "issuing" else self.parties[party].country
        country = self.rules.countries.get(code)
        name = country.name if country else code
        who = self._party_words(party, name)
        decl = self.rules.membership_titles.get(key)
        title = decl.title if decl else f"`{key}`"
        party_word = decl.party if decl else "Party"
        intervals = country.memberships.get(key) if country else None
        if intervals is None:
            found = ("not_a_party", f"{who} is not recorded in the rules as bound by {title} (not researched): "
                                    f"treated as not a {party_word}.")
        elif any(i.start > day for i in intervals):
            start = min(i.start for i in intervals if i.start > day)
            found = ("not_yet_applicable", f"{who} is bound by {title}, but it applies to {name} only from "
                                           f"{start.isoformat()} (request date {day.isoformat()}).")
        elif intervals and all(i.end is not None and i.end <= day for i in intervals):
            end = max(i.end for i in intervals if i.end is not None)
            found = ("not_a_party", f"{who} is no longer bound by {title}: it ceased to apply to {name} on "
                                    f"{end.isoformat()}.")
        elif country is not None and key in country.signatures and country.signatures[key] <= day:
            found = ("not_a_party", f"{who} signed {title} on {country.signatures[key].isoformat()} but is not "
                                    f"bound by it on {day.isoformat()} (signature without ratification).")
        elif decl is not None and decl.among and country is not None and country.member(decl.among, day):
            among = self.rules.membership_titles.get(decl.among)
            found = ("not_bound", f"{who} is not bound by {title}: "
                                  f"it is a {among.party if among else 'member'} of {among.title if among else decl.among} "
                                  f"that stays outside it by its own choice.")
        elif decl is not None and decl.among:
            among = self.rules.membership_titles.get(decl.among)
            found = ("not_a_party", f"{who} is not bound by {title}: it binds only "
                                    f"{(among.party + 's of ' + among.title) if among else decl.among}.")
        else:
            found = ("not_a_party", f"{who} is not a {party_word} to {title} on {day.isoformat()}.")
        self._membership_cache[(party, key)] = found
        return found

    def closure(self, requirement: Requirement) -> tuple[str, str | None, tuple[int, int]]:
        """(closed_kind, the law's-own-terms sentence or None, rank) of a failing requirement."""
        if requirement.membership is not None:
            party, key = requirement.membership
            kind, sentence = self.membership_closure(party, key)
            return kind, sentence, _closure_rank(kind, 1 if party == "issuing" else 2)
        kind = requirement.closed_kind or "condition_unmet"
        return kind, None, _closure_rank(kind, 1 if requirement.closed_kind else 3)

    def _check(self, requirements: tuple[Requirement, ...], default_confidence: str, ctx: dict[str, Any],
               words: dict[str, str], closed: list[str], findings: list[Finding], met: list[tuple[str, str]],
               primary: tuple[tuple[int, int], str, str] | None) -> tuple[tuple[int, int], str, str] | None:
        """Check a route's or a procedure's requirements alike: each unmet one closes the route (the lowest-ranked
        gives the primary reason), each met one with words is kept to explain an open route; returns the primary."""
        for requirement in requirements:
            confidence = requirement.confidence or default_confidence
            if not requirement.when(ctx):
                text = requirement.unmet.format_map(words)
                kind, sentence, rank = self.closure(requirement)
                closed.append(text)
                findings.append(Finding(text, confidence, kind))
                if primary is None or rank < primary[0]:
                    primary = (rank, kind, sentence or text)
            elif requirement.met:
                met.append((requirement.met, confidence))
        return primary

    def words_for(self, mode: str) -> dict[str, str]:
        if mode not in self._word_cache:
            entity = self.parties.get(mode, self.parties["hq"])
            country = self.rules.countries.get(entity.country)
            self._word_cache[mode] = {**self.words, "addressee_country": entity.country,
                                      "addressee_name": country.name if country else entity.country,
                                      "entity": entity.name}
        return self._word_cache[mode]

    def channel(self, kind: str, country_code: str) -> str:
        key = (kind, country_code)
        found = self._channels.get(key)
        if found is None:
            found = self._channels[key] = self._channel(kind, country_code)
        return found

    def _channel(self, kind: str, country_code: str) -> str:
        country = self.rules.countries.get(country_code)
        name = country.name if country else country_code
        if kind == "provider_portal":
            portal = self.provider.le_portal
            return portal.value if portal else f"{self.provider.name}'s law-enforcement contact (no portal recorded)"
        if kind == "eevidence_system":
            return "Decentralised IT system of Regulation (EU) 2023/1543 (Art. 19), to the provider's addressee"
        if kind == "judicial_authority":
            central = country.contacts.get("central_authority") if country else None
            return (f"Directly to the competent judicial authority of {name} (the authority with territorial "
                    f"competence; where it is not known, through the central authority: "
                    f"{central.value if central else 'not recorded in the rules'})")
        if kind == "diplomatic_channel":
            return (f"Diplomatic channel: from {self.issuing.name}'s Ministry of Foreign Affairs (or embassy) to "
                    f"{name}'s, for its competent authority")
        contact = country.contacts.get(kind) if country else None
        label = "24/7 network point of contact" if kind == "network_24_7" else "Central authority"
        return f"{label} of {name}: {contact.value if contact else 'not recorded in the rules'}"

    def languages(self, rule: RouteRule, entity: Entity) -> tuple[tuple[str, ...], str]:
        """The languages to write in, and how sure that is: the confidence of the fact they come from, or
        ``official languages`` / ``default`` when they are only a proxy."""
        key = (rule.languages, rule.languages_default, entity.country)
        cached = self._languages.get(key)
        if cached is None:
            cached = self._languages[key] = self._languages_of(rule, entity)
        return cached

    def _languages_of(self, rule: RouteRule, entity: Entity) -> tuple[tuple[str, ...], str]:
        country = self.rules.countries.get(entity.country)
        for source in rule.languages:
            found: Any = None
            basis = "official languages"
            if source == "provider.request_languages" and self.provider.request_languages:
                found, basis = self.provider.request_languages.value, self.provider.request_languages.confidence
            elif source == "issuing_country.official_languages":
                found = self.issuing.official_languages
            elif country is not None and source == "addressee_country.official_languages":
                found = country.official_languages
            elif country is not None and source == "addressee_country.request_languages" and country.request_languages:
                found, basis = country.request_languages.value, country.request_languages.confidence
            elif country is not None and source == "addressee_country.eevidence_languages" \
                    and country.eevidence_languages:
                found, basis = country.eevidence_languages.value, country.eevidence_languages.confidence
            if found:
                return tuple(found), basis
        return rule.languages_default, "default"

    def warnings(self, rule: RouteRule, ctx: dict[str, Any], words: dict[str, str]) -> tuple[str, ...]:
        out = [w.text.format_map(words) for w in rule.warnings if w.when(ctx)]
        if self.residence_note and rule.addressee != "domestic":
            out.append(self.residence_note)
        if rule.kind not in ("preservation_order", "preservation_request"):
            for category in self.facts.data_categories:
                retention = self.provider.retention.get(category)
                if retention is not None:
                    note = "" if retention.confidence == "verified" else f" ({retention.confidence})"
                    out.append(f"Preserve first: {self.provider.name} keeps {_CATEGORY_WORDS[category]} only "
                               f"~{_duration_words(retention.value)}{note}")
        return tuple(out)

    @staticmethod
    def _citations(rule: RouteRule, procedure: DomesticProcedure | None, extra: tuple[Any, ...]) -> tuple[Any, ...]:
        found = rule.citations + procedure.cite if procedure is not None else rule.citations
        return tuple(dict.fromkeys(found + extra)) if extra else found

    def route(self, rule: RouteRule, procedure: DomesticProcedure | None = None) -> Route:
        ctx = self.ctx
        if procedure is not None:
            ctx = {**ctx, "procedure.covers_data": set(self.facts.data_categories) <= procedure.data_categories}
        words = self.words_for(rule.addressee)
        closed: list[str] = []
        #: the met requirements' words, formatted only if the route ends up open (a closed route shows why it is closed)
        met: list[tuple[str, str]] = []
        findings: list[Finding] = []
        #: (rank, kind, sentence): the primary closure reason is the lowest rank
        primary: tuple[tuple[int, int], str, str] | None = None
        in_force = rule.entry_into_force
        dormant = in_force is not None and not in_force.in_force(self.facts.date)
        if dormant:
            assert in_force is not None
            sentence = self._dormant.get(in_force.instrument)
            if sentence is None:
                sentence = self._dormant[in_force.instrument] = _not_in_force(in_force, self.facts.date)
            primary = ((0, 0), "not_in_force", sentence)
            closed.append(sentence)
            findings.append(Finding(sentence, in_force.confidence, "not_in_force"))
        allowed = procedure.data_categories if procedure is not None else rule.data_categories
        missing = [c for c in self.facts.data_categories if c not in allowed]
        if missing:
            text = "This route cannot obtain " + ", ".join(_CATEGORY_WORDS[c] for c in missing) + "."
            closed.append(text)
            findings.append(Finding(text, rule.confidence, "condition_unmet"))
            if primary is None:
                primary = (_closure_rank("condition_unmet", 3), "condition_unmet", text)
        primary = self._check(rule.requires, rule.confidence, ctx, words, closed, findings, met, primary)
        if procedure is not None:
            dated = _procedure_dates(procedure, self.facts.date)
            if dated is not None:
                kind, text = dated
                closed.append(text)
                findings.append(Finding(text, procedure.confidence, kind))
                if primary is None or _closure_rank(kind, 1) < primary[0]:
                    primary = (_closure_rank(kind, 1), kind, text)
            primary = self._check(procedure.requires, procedure.confidence, ctx, words, closed, findings, met,
                                  primary)
            authorities = procedure.issuing_authorities
            validation: tuple[str, ...] = (
                procedure.validation_by if procedure.validation_by is not None
                else ("judge",) if procedure.court_required else ())
        else:
            choice = next((c for c in rule.issuing_authorities if c.when(ctx)), None)
            authorities = choice.value if choice else ()
            v_choice = next((c for c in rule.validation_by if c.when(ctx)), None)
            validation = v_choice.value if v_choice else ()
        waived = rule.prior_validation_waived is not None and rule.prior_validation_waived.when(ctx)
        notify = rule.notification is not None and rule.notification.when(ctx)
        deadlines = tuple(d.rule for d in rule.deadlines if d.when(ctx))
        entity = self.parties.get(rule.addressee, self.parties["hq"])
        route_id = procedure.id if procedure is not None else rule.id
        policy_closed, policy_warnings, policy_cites = policies.applicable(
            self.provider, rule, route_id, self.service.id if self.service else None, ctx)
        for text in policy_closed:
            closed.append(text)
            findings.append(Finding(text, rule.confidence, "policy"))
            # the law's own reasons come first: a policy is the primary reason only when nothing else closes
            if primary is None:
                primary = (_closure_rank("policy", 4), "policy", text)
        available = not closed
        if available:
            summary = procedure.title if procedure is not None else rule.summary.format_map(words)
            opened = [template.format_map(words) for template, _ in met]
            findings.extend(Finding(text, confidence, "met") for text, (_, confidence) in zip(opened, met))
            reasons = (summary, *opened)
            closed_kind = closed_reason = None
        else:
            assert primary is not None
            _, closed_kind, closed_reason = primary
            reasons = tuple(dict.fromkeys((closed_reason, *closed)))
        languages, languages_basis = self.languages(rule, entity)
        response = next((d for d in deadlines if d.kind == "response"
                         and d.applies in ("always", "emergency" if self.facts.emergency else "normal")), None)
        preservation = rule.preservation_period
        if rule.preservation_from_provider and self.provider.preservation is not None:
            preservation = self.provider.preservation.value.get("period", preservation)
        return Route.fast(
            id=procedure.id if procedure is not None else rule.id,
            kind=rule.kind, instrument=rule.instrument,
            title=f"{rule.title}: {procedure.title}" if procedure is not None else rule.title,
            available=available, reasons=reasons,
            addressee=Addressee(self.provider.id, entity.name, entity.country, entity.role,
                                self.channel(rule.channel, entity.country), rule.channel,
                                self.service.id if self.service else None),
            issuing_authorities=authorities, validation_by=validation,
            needs_approval=self.facts.issuer not in authorities and not waived,
            data_categories=self.facts.data_categories, notification_required=notify,
            deadline_rules=deadlines, preservation_period=preservation, form=rule.form,
            languages=languages, languages_confidence=languages_basis,
            confidence=procedure.confidence if procedure is not None else rule.confidence,
            citations=self._citations(rule, procedure, policy_cites),
            fields=rule.fields,
            expected_days=duration_days(response.period) if response else rule.expected_days,
            warnings=(*self.warnings(rule, ctx, words), *policy_warnings) if available else (),
            closed_kind=closed_kind, closed_reason=closed_reason, findings=tuple(findings),
            expected_days_confidence=response.confidence if response else rule.expected_days_confidence,
            entity_confidence=entity.confidence,
        )


def _not_in_force(eif: Any, day: date) -> str:
    """The sentence for an instrument not in force on ``day``, with its dated ratification count."""
    if eif.value is not None:
        return f"{eif.instrument} enters into force only on {eif.value.isoformat()} (request date {day.isoformat()})."
    counted = f", as counted on {eif.counted_on.isoformat()}" if eif.counted_on else ""
    needed = f" of the {eif.ratifications_required:g} needed" if eif.ratifications_required else ""
    if eif.ratifications is None:
        required = f" ({eif.ratifications_required:g} needed)" if eif.ratifications_required else ""
        return (f"{eif.instrument} is not in force on {day.isoformat()}: no ratification count is recorded"
                f"{required}{counted}.")
    return (f"{eif.instrument} is not in force on {day.isoformat()}: {eif.ratifications:g} "
            f"ratification(s){needed}{counted}.")


def _procedure_dates(procedure: DomesticProcedure, day: date) -> tuple[str, str] | None:
    """(closed_kind, sentence) when a domestic procedure does not exist on ``day`` by its law's own dates: not yet
    applicable before its start, not in force from its end; None while it applies."""
    if procedure.start is not None and day < procedure.start:
        return ("not_yet_applicable", f"{procedure.title} applies only from {procedure.start.isoformat()}; the "
                f"request date is {day.isoformat()}.")
    if procedure.end is not None and day >= procedure.end:
        return ("not_in_force", f"{procedure.title} ceased to apply on {procedure.end.isoformat()}; the request "
                f"date is {day.isoformat()}.")
    return None


def evaluate(facts: Facts, rules: RuleSet) -> list[Route]:
    """Every route for ``facts`` under the rules in force on ``facts.date``: open ones first, fastest first.

    :raises FactsError: when the facts name an unknown provider, country or offence.
    """
    facts.check_ids(rules)
    evaluation = _Evaluation(facts, rules)
    routes: list[Route] = []
    for rule in rules.routes:
        if rule.template == "domestic_procedures":
            routes.extend(evaluation.route(rule, p) for p in evaluation.issuing.domestic_procedures)
        else:
            routes.append(evaluation.route(rule))
    order = {id(r): i for i, r in enumerate(routes)}
    return sorted(routes, key=lambda r: (not r.available, r.kind in PRESERVATION_KINDS,
                                         r.expected_days if r.available else 0, order[id(r)]))


def find_route(facts: Facts | Mapping[str, Any], rules: RuleSet, route_id: str, *,
               today: date | None = None) -> Route | None:
    """The route ``route_id`` as :func:`evaluate` describes it for ``facts`` (open or closed), or None when the
    rules give these facts no such route (a route id from older rules, or a procedure of another country).

    This is the one definition of "the request's route": the wizard, the API, the deadlines and the PDF seam all
    look a request's route up here, so they can never disagree about its addressee, deadlines or form. Each
    caller keeps its own answer to "not found" and "not open" (a 422, a setup error, a wizard redirect).

    :param facts: validated :class:`Facts`, or a request's stored facts (read with :meth:`Facts.from_request`:
        keys the engine does not read and unanswered facts are ignored).
    :param today: the date stored facts describe when they carry none; required with a mapping, so every caller
        says which clock it reads instead of each falling back to a different one.
    :raises FactsError: when the facts are invalid or name an unknown provider, country or offence.
    """
    if not isinstance(facts, Facts):
        if today is None:
            raise TypeError("find_route needs today= to read stored facts")
        facts = Facts.from_request(facts, today=today, rules=rules)
    return next((route for route in evaluate(facts, rules) if route.id == route_id), None)


#: Preservation keeps data but delivers none: among open routes they rank after every route that produces the
#: data asked for, so "fastest" means fastest to the data (the wizard shows them as "preserve first" advice).
PRESERVATION_KINDS = frozenset({"preservation_order", "preservation_request"})
