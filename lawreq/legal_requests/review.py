"""The pre-submission check: the reasons providers and authorities give for refusing requests (anchors.md §3 item 6:
wrong legal entity, identifiers that do not match, scope too broad or outside retention, missing legal basis, a data
category the route does not allow, missing translation), found before the request leaves the unit.

Each finding is a :class:`Risk` to fix (a link to the wizard step) or, when ``acceptable``, to accept with a reason
that the approver sees. Pure: it reads the draft's JSON and the rules objects, nothing else.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from dateutil.relativedelta import relativedelta

from lawreq.core.text import N_, T

from lawreq.legal_requests.identifiers import IdentifierError, normalise

#: A span longer than this is flagged as broad. A unit heuristic, not a legal limit: providers refuse "overly broad"
#: requests (anchors.md §3 item 6) without publishing a number.
BROAD_SPAN = timedelta(days=180)
_RETENTION = re.compile(r"^P(?:(\d+)Y)?(?:(\d+)M)?(?:(\d+)W)?(?:(\d+)D)?$")
_CATEGORY_WORDS = {"subscriber_data": "subscriber data", "identification_data": "identification data (IP)",
                   "traffic_data": "traffic data", "content_data": "content data"}


@dataclass(frozen=True)
class Risk:
    """One reason the request may be refused. ``code`` is stable for a given draft (accepted risks key on it)."""

    code: str
    reason: str  # a key of workflow.states.REFUSAL_REASONS
    title: str
    detail: str
    step: str  # the wizard step where it is fixed
    acceptable: bool = True


@dataclass(frozen=True)
class RetentionNote:
    """A known retention period that the requested period runs past."""

    category: str
    holder: str
    period: str
    confidence: str
    text: str


def retention_period(text: str) -> relativedelta | None:
    """``P12M`` → 12 months; None when the text is not a simple ISO period."""
    match = _RETENTION.fullmatch((text or "").strip().upper())
    if not match or not any(match.groups()):
        return None
    years, months, weeks, days = (int(g or 0) for g in match.groups())
    return relativedelta(years=years, months=months, days=days + 7 * weeks)


def retention_notes(provider: Any, countries: Mapping[str, Any], categories: Iterable[str], start: date | None,
                    today: date) -> list[RetentionNote]:
    """Where the requested period starts before what the provider (or, for a telco, its country) keeps."""
    if provider is None or start is None:
        return []
    notes = []
    for category in categories:
        for holder, fact in _retention_facts(provider, countries, category):
            period = retention_period(str(fact.value))
            if period is None:
                continue
            oldest = today - period
            word = _CATEGORY_WORDS.get(category, category)
            if period == relativedelta():
                text = (f"{holder} has no retention obligation for {word} ({fact.confidence}): the data may "
                        "already be deleted. Preserve first.")
            elif start < oldest:
                text = (f"The requested period starts {start.isoformat()}, before {holder}'s known retention of "
                        f"{word} ({fact.value}, {fact.confidence}: data older than {oldest.isoformat()} may be "
                        "gone). Narrow the period or preserve first.")
            else:
                continue
            notes.append(RetentionNote(category, holder, str(fact.value), fact.confidence, text))
    return notes


def _retention_facts(provider: Any, countries: Mapping[str, Any], category: str) -> list[tuple[str, Any]]:
    found = []
    if category in (provider.retention or {}):
        found.append((provider.name, provider.retention[category]))
    country = countries.get(provider.hq_country)
    if provider.kind == "telecom" and country is not None and category in (country.retention or {}):
        found.append((f"{country.name} (retention law for telecom providers)", country.retention[category]))
    return found


def check(*, facts: Mapping[str, Any], details: Mapping[str, Any], identifiers: list[Mapping[str, Any]],
          route: Any, provider: Any, rules: Any, rules_version: str | None, today: date,
          duplicates: Iterable[tuple[str, str]] = ()) -> list[Risk]:
    """Every risk of the draft, most serious first (those that cannot be accepted)."""
    risks: list[Risk] = []
    if route is None:
        risks.append(Risk("route_missing", "other", N_("No route chosen"),
                          N_("Choose one of the open routes before submitting."), "route", acceptable=False))
    else:
        risks.extend(_route_risks(route, facts, details, provider, rules, rules_version, today))
    risks.extend(_identifier_risks(identifiers, provider))
    risks.extend(_retention_risks(facts, details, provider, rules, today))
    risks.extend(Risk(f"duplicate:{value}", "other", N_("Identifier already in another open request"),
                      T("%(value)s is also in %(reference)s: coordinate before sending a duplicate.", value=value, reference=reference), "target")
                 for reference, value in duplicates)
    if facts.get("emergency") and not str(details.get("emergency_justification") or "").strip():
        risks.append(Risk("emergency_unjustified", "legal_basis", N_("Emergency without a stated threat"),
                          N_("State the imminent threat to life or physical integrity."), "urgency", acceptable=False))
    return sorted(risks, key=lambda r: r.acceptable)


def _route_risks(route: Any, facts: Mapping[str, Any], details: Mapping[str, Any], provider: Any, rules: Any,
                 rules_version: str | None, today: date) -> list[Risk]:
    risks = []
    if rules_version and rules_version != rules.version:
        risks.append(Risk("rules_changed", "other", N_("The rules changed since the route was chosen"),
                          T("Rules %(old)s were replaced by %(new)s: open the route step, check the "
                            "re-evaluated routes and choose again.", old=rules_version, new=rules.version), "route", acceptable=False))
    if not route.available:
        risks.append(Risk("route_closed", "legal_basis", T("%(route)s is not open for these facts", route=route.title),
                          "; ".join(route.reasons), "route", acceptable=False))
    wanted = set(facts.get("data_categories") or [])
    if wanted - set(route.data_categories):
        missing = ", ".join(_CATEGORY_WORDS.get(c, c) for c in sorted(wanted - set(route.data_categories)))
        risks.append(Risk("category_not_allowed", "category_not_allowed", N_("Data category not available on this route"),
                          T("%(route)s cannot obtain %(categories)s.", route=route.title, categories=missing), "data", acceptable=False))
    for spec in route.fields:
        if spec.required and _applies(spec, facts) and _blank(details.get(spec.name)):
            risks.append(Risk(f"field:{spec.name}", "form_defect", T("%(field)s is missing", field=spec.label),
                              T("The route requires “%(field)s”.", field=spec.label), "details", acceptable=False))
    risks.extend(_entity_risks(route, provider, today))
    risks.extend(_legal_basis_risks(route, details))
    risks.extend(_time_range_risks(details))
    risks.extend(_language_risks(route, details, rules, facts))
    return risks


def _applies(spec: Any, facts: Mapping[str, Any]) -> bool:
    emergency = bool(facts.get("emergency"))
    return spec.applies == "always" or (spec.applies == "emergency") == emergency


def _blank(value: Any) -> bool:
    return value is None or value is False or (isinstance(value, (str, list)) and not value)


def _entity_risks(route: Any, provider: Any, today: date) -> list[Risk]:
    if provider is None:
        return []
    entity = next((e for e in provider.entities if e.name == route.addressee.entity), None)
    if entity is None or not entity.in_force(today):
        return [Risk("wrong_entity", "wrong_entity", N_("Addressee is not a known entity of the provider"),
                     T("%(entity)s is not on record as an entity of %(provider)s today.", entity=route.addressee.entity, provider=provider.name), "route")]
    if entity.confidence == "unverified":
        return [Risk("entity_unverified", "wrong_entity", N_("Addressee entity unverified"),
                     T("That %(entity)s receives the requests of %(provider)s is unverified: check the provider's "
                       "law-enforcement guidelines.", entity=entity.name, provider=provider.name), "route")]
    return []


def _legal_basis_risks(route: Any, details: Mapping[str, Any]) -> list[Risk]:
    if not any(f.name == "legal_provisions" for f in route.fields):
        return []
    text = str(details.get("legal_provisions") or "")
    if text and not re.search(r"\d", text):
        return [Risk("legal_basis", "legal_basis", N_("Legal provisions cite no article or section"),
                     N_("Name the provisions of your criminal code and procedure (e.g. “Criminal Code 20:8b”)."),
                     "details")]
    return []


def _time_range_risks(details: Mapping[str, Any]) -> list[Risk]:
    start, end = _moment(details.get("time_range_start")), _moment(details.get("time_range_end"))
    if start is None:
        return []
    if end is None:
        return [Risk("time_range_open", "time_range", N_("Open-ended time range"),
                     N_("Give an end to the period: providers refuse requests whose scope is unbounded."), "details")]
    if end < start:
        return [Risk("time_range_inverted", "time_range", N_("Time range ends before it starts"),
                     N_("Swap or correct the start and end of the period."), "details", acceptable=False)]
    if end - start > BROAD_SPAN:
        return [Risk("time_range_broad", "time_range", N_("Time range may be too broad"),
                     T("The period spans %(days)s days; ask only for what the facts justify.", days=(end - start).days), "details")]
    return []


def _language_risks(route: Any, details: Mapping[str, Any], rules: Any, facts: Mapping[str, Any]) -> list[Risk]:
    if not route.languages:
        return []
    chosen = details.get("language")
    accepted = ", ".join(route.languages)
    if chosen and chosen not in route.languages:
        return [Risk("translation", "translation", N_("Language not accepted by the addressee"),
                     T("%(route)s is accepted in %(accepted)s; the request is in %(chosen)s.", route=route.title, accepted=accepted, chosen=chosen), "details")]
    if not chosen:
        issuing = rules.countries.get(facts.get("issuing_country") or "")
        own = set(issuing.official_languages) if issuing else set()
        if not own & set(route.languages):
            return [Risk("translation", "translation", N_("Translation needed"),
                         T("The addressee accepts %(accepted)s; attach a translation.", accepted=accepted), "details")]
    return []


def _identifier_risks(identifiers: list[Mapping[str, Any]], provider: Any) -> list[Risk]:
    if not identifiers:
        return [Risk("identifiers_missing", "identifier_mismatch", N_("No identifier"),
                     N_("Give at least one identifier the provider can search for."), "target", acceptable=False)]
    risks = []
    for item in identifiers:
        try:
            normalise(item.get("type", ""), item.get("entered") or item.get("value", ""), provider=provider,
                      port=item.get("port"), timestamp=item.get("timestamp_utc"), zone="UTC")
        except IdentifierError as exc:
            risks.append(Risk(f"identifier:{item.get('type')}:{item.get('value')}", "identifier_mismatch",
                              N_("Identifier does not match the provider's formats"), exc.message, "target"))
    return risks


def _retention_risks(facts: Mapping[str, Any], details: Mapping[str, Any], provider: Any, rules: Any,
                     today: date) -> list[Risk]:
    start = _moment(details.get("time_range_start")) or _moment((details.get("period") or {}).get("start"))
    notes = retention_notes(provider, rules.countries, facts.get("data_categories") or [],
                            start.date() if start else None, today)
    return [Risk(f"retention:{n.category}:{n.holder}", "time_range", N_("Outside known retention"), n.text, "target")
            for n in notes]


def _moment(value: Any) -> datetime | None:
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return None
    return moment.replace(tzinfo=None) if moment.tzinfo else moment
