"""The provider model follows the service and the user: each service names the entity controlling its data for
which users, and every route addresses the entity of the service asked about (issue 12).

The stories run on the small fixture tree plus one provider written here, so each expectation is visible in the
test itself: Multichat runs "photos" from Denmark (outside the e-Evidence Regulation) and "chat" from Germany.
"""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

import pytest

from lawreq.rules import FactsError, check_rules, evaluate, load_rules
from lawreq.rules.facts import Facts

from tests.rules.conftest import VALID

CITE = '[{instrument: "Fixture", article: "LE guide", url: "https://example.org/multi"}]'
MULTI = f"""
id: multi
name: Multichat
kind: online_service
hq_country: US
last_reviewed: 2026-11-01
reviewed_by: lawreq-core
entities:
  - {{id: multi-us, name: "Multichat, Inc.", country: US, role: headquarters, confidence: verified, cite: {CITE}}}
  - {{id: multi-de, name: "Multichat GmbH", country: DE, role: establishment, confidence: verified, cite: {CITE}}}
  - {{id: multi-dk, name: "Multichat ApS", country: DK, role: establishment, confidence: verified, cite: {CITE}}}
  - {{id: multi-rep, name: "Rep SPRL", country: DE, role: dsa_legal_representative, confidence: verified,
      cite: {CITE}}}
services:
  - id: photos
    name: Multiphotos
    entities:
      - {{users: [EU], entity: multi-dk, confidence: verified, cite: {CITE}}}
      - {{users: [any], entity: multi-us, confidence: verified, cite: {CITE}}}
  - id: chat
    name: Multichat Messenger
    aliases: [MC]
    entities:
      - {{users: [EEA], entity: multi-de, from: 2026-01-01, confidence: verified, cite: {CITE}}}
      - {{users: [any], entity: multi-us, confidence: verified, cite: {CITE}}}
policies:
  - id: multi-chat-own-country
    effect: close
    text: "Chat data only on an order of the entity's own country."
    channels: [provider_portal]
    services: [chat]
    when: {{fact: hq.country, ne_fact: issuing_country}}
    confidence: verified
    cite: {CITE}
  - id: multi-no-logs
    effect: warn
    text: "Multichat keeps no IP logs."
    when: {{fact: data_categories, contains: identification_data}}
    confidence: secondary
    cite: {CITE}
sources: {CITE}
confidence: verified
"""
LONE = f"""
id: lone
name: Lone Rep
kind: online_service
hq_country: US
last_reviewed: 2026-11-01
reviewed_by: lawreq-core
entities:
  - {{id: lone-us, name: "Lone, Inc.", country: US, role: headquarters, confidence: verified, cite: {CITE}}}
  - {{id: lone-rep, name: "Lone DSA Rep", country: DE, role: dsa_legal_representative, confidence: verified,
      cite: {CITE}}}
services:
  - {{id: lone, name: Lone, entities: [{{users: [any], entity: lone-us, confidence: verified, cite: {CITE}}}]}}
sources: {CITE}
confidence: verified
"""
DAY = date(2026, 12, 4)


def _tree(tmp_path: Path, **providers: str) -> Path:
    root = tmp_path / "jurisdictions"
    shutil.copytree(VALID, root)
    for name, text in providers.items():
        (root / "providers" / f"{name}.yaml").write_text(text, encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def rules(tmp_path_factory: pytest.TempPathFactory):
    return load_rules(_tree(tmp_path_factory.mktemp("addressing"), multi=MULTI, lone=LONE))


def _routes(rules, **facts):
    data = {"issuing_country": "FI", "provider": "multi", "data_categories": ["subscriber_data"],
            "offence": "fraud", "max_penalty_years": 4, "date": DAY, **facts}
    return {r.id: r for r in evaluate(Facts.from_mapping(data, rules=rules), rules)}


def test_a_chat_order_for_a_finnish_user_goes_to_the_german_entity_of_that_service(rules):
    routes = _routes(rules, service="chat", target_resides_in="FI")
    assert (routes["test-production"].addressee.entity, routes["test-production"].addressee.country) == \
        ("Multichat GmbH", "DE")
    assert routes["test-production"].addressee.service == "chat"
    assert routes["test-slow-request"].addressee.entity == "Multichat GmbH"


def test_the_photos_service_is_danish_so_the_slow_request_goes_to_denmark(rules):
    routes = _routes(rules, service="photos", target_resides_in="FI")
    assert routes["test-slow-request"].addressee.country == "DK"
    # Denmark is outside the Regulation: the order falls back to the provider's entity in a bound State,
    # never to its DSA representative
    assert routes["test-production"].addressee.entity == "Multichat GmbH"


def test_a_user_outside_the_eea_is_served_by_the_headquarters(rules):
    routes = _routes(rules, service="chat", target_resides_in="US")
    assert routes["test-slow-request"].addressee.entity == "Multichat, Inc."


def test_eea_covers_norway_but_eu_does_not(rules):
    assert _routes(rules, service="chat", target_resides_in="NO")["test-slow-request"].addressee.country == "DE"
    assert _routes(rules, service="photos", target_resides_in="NO")["test-slow-request"].addressee.country == "US"


def test_a_dated_service_entity_serves_its_users_only_from_its_date(rules):
    before = _routes(rules, service="chat", target_resides_in="FI", date=date(2025, 12, 31))
    assert before["test-slow-request"].addressee.entity == "Multichat, Inc."


def test_without_a_service_the_first_listed_is_the_main_one(rules):
    assert _routes(rules, target_resides_in="FI")["test-slow-request"].addressee.service == "photos"


def test_a_service_can_be_named_by_its_name_or_alias_and_is_stored_by_id(rules):
    facts = Facts.from_mapping({"issuing_country": "FI", "provider": "multi", "data_categories": ["subscriber_data"],
                                "offence": "fraud", "service": "mc", "date": DAY}, rules=rules)
    assert facts.service == "chat"


def test_an_unknown_service_is_refused_with_the_providers_services(rules):
    with pytest.raises(FactsError) as caught:
        _routes(rules, service="videos")
    assert caught.value.fact == "service" and "photos, chat" in caught.value.message


def test_an_unknown_residence_is_presumed_and_said_so(rules):
    presumed = _routes(rules, service="chat")["test-slow-request"]
    assert presumed.addressee.entity == "Multichat GmbH"
    assert any("presumed to live in Finland" in w and "Multichat, Inc." in w for w in presumed.warnings)
    told = _routes(rules, service="chat", target_resides_in="FI")["test-slow-request"]
    assert not any("presumed" in w for w in told.warnings)


def test_a_dsa_representative_is_never_an_addressee(rules):
    routes = _routes(rules, provider="lone")
    assert not routes["test-production"].available
    assert "No addressee in a bound State." in routes["test-production"].reasons
    assert routes["test-production"].addressee.entity == "Lone, Inc."


def test_a_provider_policy_closes_the_direct_route_of_its_service_and_cites_its_source(rules):
    route = _routes(rules, service="chat", target_resides_in="FI")["test-production"]
    assert not route.available and route.closed_kind == "policy"
    assert any("Chat data only on an order of the entity's own country." in r for r in route.reasons)
    assert "https://example.org/multi" in {c.url for c in route.citations}


def test_a_policy_scoped_to_one_service_leaves_the_others_alone(rules):
    route = _routes(rules, service="photos", target_resides_in="FI")["test-production"]
    assert route.available, route.reasons


def test_a_policy_does_not_close_the_entitys_own_country(rules):
    route = _routes(rules, issuing_country="DE", service="chat", target_resides_in="FI")["test-production"]
    assert route.closed_kind != "policy" and not any("own country" in r for r in route.reasons)


def test_a_warning_policy_is_shown_with_its_confidence_only_when_its_condition_holds(rules):
    ip = _routes(rules, service="photos", target_resides_in="FI", data_categories=["identification_data"])
    assert any("keeps no IP logs" in w and "secondary" in w for w in ip["test-slow-request"].warnings)
    plain = _routes(rules, service="photos", target_resides_in="FI")
    assert not any("IP logs" in w for w in plain["test-slow-request"].warnings)


@pytest.mark.parametrize(("bad", "good", "field", "message"), [
    ("entity: multi-dk, confidence", "entity: multi-xx, confidence", "services[0].entities[0].entity",
     "unknown entity 'multi-xx'"),
    ("users: [EU]", "users: [ZZ]", "services[0].entities[0].users[0]", "unknown country 'ZZ'"),
    ("services: [chat]", "services: [video]", "policies[0].services[0]", "unknown service 'video'"),
    ("channels: [provider_portal]", "routes: [no-such-route]", "policies[0].routes[0]", "unknown route"),
    ("effect: close", "effect: shut", "policies[0].effect", "shut"),
])
def test_a_broken_provider_file_names_file_line_and_field(tmp_path, bad, good, field, message):
    root = _tree(tmp_path, multi=MULTI.replace(bad, good, 1))
    rules, problems = check_rules(root)
    assert rules is None
    found = [p for p in problems if p.field == field]
    assert found and message in found[0].message, [str(p) for p in problems]
    assert found[0].path.endswith("multi.yaml") and found[0].line > 1
