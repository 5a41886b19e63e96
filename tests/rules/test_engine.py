from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from lawreq.rules import Facts, FactsError, RuleSet, evaluate, find_route
from lawreq.rules.route import Route

DAY = date(2026, 11, 23)


BASE_FACTS = {"issuing_country": "FI", "provider": "acme", "data_categories": ["subscriber_data"], "offence": "fraud"}


def _routes(rules: RuleSet, **facts: Any) -> dict[str, Route]:
    mapping = {**BASE_FACTS, "date": DAY, **facts}
    return {r.id: r for r in evaluate(Facts.from_mapping(mapping, rules=rules), rules)}


def test_the_designated_establishment_is_the_addressee_once_in_force(fixture_rules: RuleSet) -> None:
    route = _routes(fixture_rules)["test-production"]
    assert route.available
    assert (route.addressee.entity, route.addressee.country) == ("Acme Social GmbH", "DE")
    assert route.addressee.channel == "https://le.acme.example"


@pytest.mark.parametrize(("day", "open_"), [(date(2026, 8, 17), False), (date(2026, 8, 18), True)])
def test_the_rules_in_force_on_the_date_apply(fixture_rules: RuleSet, day: date, open_: bool) -> None:
    route = _routes(fixture_rules, date=day)["test-production"]
    assert route.available is open_
    if not open_:
        assert "Not before 18 August 2026 (request date 2026-08-17)." in route.reasons


def test_before_the_designation_the_addressee_is_headquarters(fixture_rules: RuleSet) -> None:
    route = _routes(fixture_rules, date=date(2026, 8, 1))["test-production"]
    assert route.addressee.country == "US"


def test_closed_routes_say_every_reason_in_words(fixture_rules: RuleSet) -> None:
    route = _routes(fixture_rules, issuing_country="DK", data_categories=["content_data"])["test-production"]
    assert not route.available
    assert route.closed_kind == "not_bound"
    assert route.reasons == (
        "Denmark is not bound by the Test Regulation: it is a Member State of the Union that stays outside it by its "
        "own choice.",
        "This route cannot obtain content data.", "Denmark is not bound.", "No addressee in a bound State.",
        "Threshold not met.",
    )
    assert route.closed_reason == route.reasons[0]
    assert route.warnings == ()


@pytest.mark.parametrize(
    ("facts", "kind", "words"),
    [
        ({"issuing_country": "DK"}, "not_bound", "Denmark is not bound by the Test Regulation"),
        ({"issuing_country": "FI", "date": date(2026, 8, 1)}, "not_yet_applicable",
         "Finland is bound by the Test Regulation, but it applies to Finland only from 2026-08-18 "
         "(request date 2026-08-01)."),
        ({"issuing_country": "NO"}, "not_a_party", "Norway is not bound by the Test Regulation: it binds only "
         "Member States of the Union."),
        ({"issuing_country": "US"}, "not_a_party", "United States is not recorded in the rules as bound by the Test "
         "Regulation (not researched)"),
    ],
)
def test_a_closed_route_says_why_in_the_laws_own_terms(fixture_rules: RuleSet, facts: dict, kind: str,
                                                       words: str) -> None:
    """Not bound (a Member State outside by choice), bound but not yet applicable, and not a Party differ."""
    from dataclasses import replace

    norway = fixture_rules.countries["NO"]
    known_outside = replace(norway, memberships={**norway.memberships, "eu": (), "eu_eevidence": ()})
    rules = replace(fixture_rules, countries={**fixture_rules.countries, "NO": known_outside})
    route = _routes(rules, **facts)["test-production"]
    assert (route.available, route.closed_kind) == (False, kind)
    assert route.closed_reason.startswith(words), route.closed_reason
    assert route.to_dict()["closed_kind"] == kind


def test_an_instrument_not_in_force_closes_every_route_with_the_dated_count(fixture_rules: RuleSet) -> None:
    from dataclasses import replace

    from lawreq.rules.model import EntryIntoForce

    eif = EntryIntoForce("The Test Convention", None, 3, 5, date(2026, 11, 22), "verified", ())
    rule = replace(next(r for r in fixture_rules.routes if r.id == "test-production"), entry_into_force=eif)
    rules = replace(fixture_rules, routes=(rule,))
    route = _routes(rules)["test-production"]
    assert route.closed_kind == "not_in_force"
    assert route.closed_reason == ("The Test Convention is not in force on 2026-11-23: 3 ratification(s) of the 5 "
                                   "needed, as counted on 2026-11-22.")
    in_force = replace(rule, entry_into_force=replace(eif, value=date(2026, 1, 1)))
    assert _routes(replace(fixture_rules, routes=(in_force,)))["test-production"].closed_kind is None


@pytest.mark.parametrize(
    ("facts", "notify"),
    [
        ({"target_resides_in": "FI"}, False),
        ({"target_resides_in": "DE"}, True),
        ({"target_resides_in": "FI", "offence_committed_in": "DE"}, True),
        ({}, True),
    ],
)
def test_notification_exception_needs_offence_and_residence_in_the_issuing_state(
    fixture_rules: RuleSet, facts: dict, notify: bool
) -> None:
    route = _routes(fixture_rules, data_categories=["traffic_data"], max_penalty_years=5, **facts)["test-production"]
    assert route.available
    assert route.notification_required is notify


@pytest.mark.parametrize(
    ("facts", "open_"),
    [
        ({"offence": "child_sexual_abuse"}, True),
        ({"offence": "child_sexual_abuse", "committed_online": False}, False),
        ({"max_penalty_years": 3}, True),
        ({"max_penalty_years": 2.5}, False),
    ],
)
def test_thresholds_for_traffic_data(fixture_rules: RuleSet, facts: dict, open_: bool) -> None:
    route = _routes(fixture_rules, data_categories=["traffic_data"], **facts)["test-production"]
    assert route.available is open_


@pytest.mark.parametrize(
    ("issuer", "categories", "emergency", "needs_approval"),
    [
        ("prosecutor", ["subscriber_data"], False, False),
        ("police", ["subscriber_data"], False, True),
        ("police", ["subscriber_data"], True, False),
        ("police", ["traffic_data"], True, True),
        ("prosecutor", ["traffic_data"], False, True),
        ("judge", ["traffic_data"], False, False),
    ],
)
def test_who_may_issue_alone(fixture_rules: RuleSet, issuer: str, categories: list[str], emergency: bool,
                             needs_approval: bool) -> None:
    route = _routes(fixture_rules, issuer=issuer, data_categories=categories, emergency=emergency,
                    max_penalty_years=5)["test-production"]
    assert route.needs_approval is needs_approval


def test_emergency_changes_the_response_deadline_and_ranking(fixture_rules: RuleSet) -> None:
    normal = _routes(fixture_rules)["test-production"]
    urgent = _routes(fixture_rules, emergency=True)["test-production"]
    assert normal.deadline("response").period == "P10D"
    assert urgent.deadline("response", emergency=True).period == "PT8H"
    assert (normal.expected_days, urgent.expected_days) == (10, pytest.approx(1 / 3))
    assert urgent.warnings[0] == "Emergency for Acme Social."


def test_open_routes_come_first_fastest_first(fixture_rules: RuleSet) -> None:
    ranked = evaluate(Facts.from_mapping({"issuing_country": "FI", "provider": "nordnet",
                                          "data_categories": ["subscriber_data"], "offence": "fraud",
                                          "date": DAY}, rules=fixture_rules), fixture_rules)
    assert [(r.id, r.available) for r in ranked] == [
        ("fi-police-request", True), ("test-slow-request", True), ("test-production", False),
    ]


def test_domestic_procedures_expand_per_issuing_country(fixture_rules: RuleSet) -> None:
    route = _routes(fixture_rules, provider="nordnet", data_categories=["identification_data"])["fi-police-request"]
    assert route.available
    assert route.kind == "domestic_order"
    assert route.issuing_authorities == ("police",)
    assert route.addressee.entity == "Nordnet Oy"
    assert route.title == "Domestic: Police request"


def test_short_provider_retention_warns_to_preserve_first(fixture_rules: RuleSet) -> None:
    route = _routes(fixture_rules, data_categories=["identification_data"])["test-production"]
    assert "Preserve first: Acme Social keeps identification data (IP logs) only ~3 months (unverified)" \
        in route.warnings


def test_route_json_has_the_design_keys(fixture_rules: RuleSet) -> None:
    data = _routes(fixture_rules, emergency=True)["test-production"].to_dict()
    design_keys = {"id", "kind", "instrument", "available", "reasons", "addressee", "issuing_authorities",
                   "validation_by", "data_categories", "notification_required", "deadlines", "preservation_period",
                   "form", "languages", "confidence", "citations"}
    assert design_keys <= set(data)
    assert data["addressee"]["provider"] == "acme"
    assert data["deadlines"] == [{"kind": "response", "period": "P10D", "emergency_period": "PT8H"}]
    assert data["languages"] == ["de"]
    assert [f["name"] for f in data["fields"]] == ["facts_summary", "emergency_justification"]
    assert data["citations"][0] == {"instrument": "Test Regulation", "article": "Art. 1",
                                    "url": "https://example.org/test"}


# --- find_route: the one lookup of "the request's route" ------------------------------------------------------
#: A request's stored facts: the draft keeps more than the engine reads, and unanswered facts as None.
STORED = {"issuing_country": "FI", "provider": "acme", "data_categories": ["subscriber_data"], "offence": "fraud",
          "max_penalty_years": None, "target_resides_in": None, "emergency_justification": "not an engine fact"}


def test_find_route_returns_the_route_evaluate_gives_for_stored_facts(fixture_rules: RuleSet) -> None:
    route = find_route(STORED, fixture_rules, "test-production", today=DAY)
    assert route == _routes(fixture_rules)["test-production"]
    assert route is not None and route.available


def test_find_route_takes_validated_facts_as_they_are(fixture_rules: RuleSet) -> None:
    facts = Facts.from_mapping({**BASE_FACTS, "date": date(2026, 8, 17)}, rules=fixture_rules)
    route = find_route(facts, fixture_rules, "test-production")
    assert route is not None and not route.available  # closed routes are found too: the caller decides


@pytest.mark.parametrize(("day", "open_"), [(date(2026, 8, 17), False), (date(2026, 8, 18), True)])
def test_find_route_reads_stored_facts_on_the_day_the_caller_says(fixture_rules: RuleSet, day: date,
                                                                    open_: bool) -> None:
    route = find_route(STORED, fixture_rules, "test-production", today=day)
    assert route is not None and route.available is open_
    dated = find_route({**STORED, "date": "2026-08-18"}, fixture_rules, "test-production", today=date(2026, 8, 17))
    assert dated is not None and dated.available  # a stored date wins over today


@pytest.mark.parametrize("route_id", ["no-such-route", "fi-police-request"])
def test_find_route_is_none_for_a_route_the_rules_do_not_give_these_facts(fixture_rules: RuleSet,
                                                                           route_id: str) -> None:
    # fi-police-request exists, but only for requests issued in Finland
    assert find_route({**STORED, "issuing_country": "DE"}, fixture_rules, route_id, today=DAY) is None


@pytest.mark.parametrize(("change", "fact"), [({"provider": "acne"}, "provider"),
                                              ({"provider": None}, "provider"),
                                              ({"emergency": "yes"}, "emergency")])
def test_find_route_raises_facts_error_naming_the_invalid_fact(fixture_rules: RuleSet, change: dict,
                                                               fact: str) -> None:
    with pytest.raises(FactsError) as caught:
        find_route({**STORED, **change}, fixture_rules, "test-production", today=DAY)
    assert caught.value.fact == fact


def test_find_route_needs_a_date_for_stored_facts(fixture_rules: RuleSet) -> None:
    with pytest.raises(TypeError, match="today="):
        find_route(STORED, fixture_rules, "test-production")


def test_fast_routes_are_the_same_frozen_objects_as_the_dataclass_builds(fixture_rules: RuleSet) -> None:
    from dataclasses import FrozenInstanceError, asdict, fields

    route = _routes(fixture_rules)["test-production"]
    rebuilt = Route(**{f.name: getattr(route, f.name) for f in fields(Route)})
    assert rebuilt == route and asdict(rebuilt) == asdict(route)
    with pytest.raises(FrozenInstanceError):
        route.available = False  # type: ignore[misc]
    with pytest.raises(TypeError, match="missing"):
        Route.fast(id="x")
