"""The pre-submission check finds the refusal reasons providers report, before the request leaves the unit."""

from __future__ import annotations

import ast
from dataclasses import replace
from datetime import date
from pathlib import Path

import pytest

from lawreq.legal_requests import review
from lawreq.rules import Facts, evaluate

TODAY = date(2026, 11, 23)
FACTS = {"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
         "offence": "solicitation_of_children", "max_penalty_years": 2.0, "emergency": False}
DETAILS = {"facts_summary": "Grooming.", "legal_provisions": "Criminal Code 20:8b", "necessity_proportionality": "…",
           "time_range_start": "2026-10-01T00:00:00Z", "time_range_end": "2026-11-01T00:00:00Z", "language": "en"}
IDS = [{"type": "username", "value": "jane.doe"}]


def route(rules, route_id="eu-epoc", **facts):
    found = evaluate(Facts.from_mapping({**FACTS, **facts}, today=TODAY), rules)
    return next(r for r in found if r.id == route_id)


def codes(rules, *, facts=None, details=None, identifiers=IDS, chosen="eu-epoc", version=None, **kw):
    picked = route(rules, chosen) if isinstance(chosen, str) else chosen
    risks = review.check(facts={**FACTS, **(facts or {})}, details={**DETAILS, **(details or {})},
                         identifiers=identifiers, route=picked, provider=rules.providers["meta"], rules=rules,
                         rules_version=version or rules.version, today=TODAY, **kw)
    return {r.code: r for r in risks}


def test_a_complete_draft_has_no_risk(rules):
    assert codes(rules) == {}


def test_identifier_not_in_the_providers_format(rules):
    found = codes(rules, identifiers=[{"type": "numeric_id", "value": "12"}])
    assert found["identifier:numeric_id:12"].reason == "identifier_mismatch"
    assert not codes(rules, identifiers=[])["identifiers_missing"].acceptable


def test_time_range_open_broad_and_outside_retention(rules):
    assert "time_range_open" in codes(rules, details={"time_range_end": None})
    broad = codes(rules, details={"time_range_start": "2025-01-01T00:00:00Z"})
    assert broad["time_range_broad"].reason == "time_range"
    reddit = rules.providers["reddit"]
    notes = review.retention_notes(reddit, rules.countries, ["identification_data"], date(2026, 1, 1), TODAY)
    assert notes and notes[0].period == "P100D"
    assert review.retention_notes(reddit, rules.countries, ["identification_data"], date(2026, 11, 1), TODAY) == []


def test_telecom_retention_comes_from_the_country(rules):
    telia = rules.providers["telia-fi"]
    notes = review.retention_notes(telia, rules.countries, ["traffic_data"], date(2024, 1, 1), TODAY)
    assert any("Finland" in n.holder for n in notes)


def test_missing_legal_basis_and_required_fields(rules):
    assert codes(rules, details={"legal_provisions": "our criminal code"})["legal_basis"].reason == "legal_basis"
    missing = codes(rules, details={"necessity_proportionality": ""})["field:necessity_proportionality"]
    assert not missing.acceptable and missing.step == "details"


def test_category_the_route_does_not_allow(rules):
    voluntary = route(rules, "us-voluntary-disclosure")
    narrowed = replace(voluntary, data_categories=("subscriber_data",))
    found = codes(rules, facts={"data_categories": ["subscriber_data", "content_data"]}, chosen=narrowed,
                  details={"language": "en"})
    assert found["category_not_allowed"].reason == "category_not_allowed"


def test_language_not_accepted_needs_a_translation(rules):
    assert codes(rules, details={"language": "fi"})["translation"].reason == "translation"
    assert "translation" in codes(rules, details={"language": ""})  # FI's languages are not accepted by the route


def test_wrong_or_unverified_entity(rules):
    epoc = route(rules)
    moved = replace(epoc, addressee=replace(epoc.addressee, entity="Facebook Ireland Ltd."))
    assert codes(rules, chosen=moved)["wrong_entity"].reason == "wrong_entity"
    meta = rules.providers["meta"]
    doubtful = replace(meta, entities=tuple(replace(e, confidence="unverified") for e in meta.entities))
    risks = review.check(facts=FACTS, details=DETAILS, identifiers=IDS, route=epoc, provider=doubtful, rules=rules,
                         rules_version=rules.version, today=TODAY)
    assert [r.code for r in risks] == ["entity_unverified"]


def test_rules_changed_and_closed_route_must_be_fixed(rules):
    assert not codes(rules, version="0ld")["rules_changed"].acceptable
    closed = next(r for r in evaluate(Facts.from_mapping(FACTS, today=TODAY), rules) if not r.available)
    assert not codes(rules, chosen=closed)["route_closed"].acceptable


def test_duplicates_and_emergency_without_threat(rules):
    found = codes(rules, duplicates=[("FIPOL-2026-00007", "jane.doe")])
    assert "FIPOL-2026-00007" in found["duplicate:jane.doe"].detail
    assert not codes(rules, facts={"emergency": True}, chosen=route(rules, emergency=True),
                     details={"emergency_justification": ""})["emergency_unjustified"].acceptable


def test_risks_that_must_be_fixed_come_first(rules):
    risks = list(codes(rules, identifiers=[], details={"time_range_end": None}).values())
    assert [r.acceptable for r in risks] == sorted(r.acceptable for r in risks)


@pytest.mark.parametrize("name", ["identifiers.py", "review.py", "wizard.py"])
def test_pure_modules_import_no_web_or_orm(name):
    path = Path(review.__file__).with_name(name)
    imported = {a.name for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.Import) for a in n.names}
    imported |= {n.module for n in ast.walk(ast.parse(path.read_text())) if isinstance(n, ast.ImportFrom)}
    assert not {m for m in imported if m and m.split(".")[0] in ("flask", "flask_wtf", "wtforms", "sqlalchemy")}
