from __future__ import annotations

from datetime import date, datetime

import pytest

from lawreq.rules import Facts, FactsError, RuleSet

BASE = {"issuing_country": "fi", "provider": "acme", "data_categories": ["subscriber_data"], "offence": "fraud"}


def test_a_datetime_counts_as_its_date() -> None:
    facts = Facts.from_mapping({**BASE, "date": datetime(2026, 8, 18, 23, 59)})
    assert facts.date == date(2026, 8, 18)
    assert type(facts.date) is date


def test_defaults_police_online_not_emergency_today_and_committed_in_the_issuing_state() -> None:
    facts = Facts.from_mapping(BASE, today=date(2026, 11, 23))
    assert (facts.issuing_country, facts.issuer, facts.committed_online, facts.emergency) == ("FI", "police", True, False)
    assert facts.date == date(2026, 11, 23)
    assert facts.committed_in == "FI"


@pytest.mark.parametrize(
    ("change", "fact", "message"),
    [
        ({"data_categories": []}, "data_categories", "this fact is required"),
        ({"data_categories": ["dna_samples"]}, "data_categories", "unknown data category 'dna_samples'"),
        ({"max_penalty_years": -1}, "max_penalty_years", "must not be negative"),
        ({"max_penalty_years": "three"}, "max_penalty_years", "expected a number of years"),
        ({"date": "2026-13-01"}, "date", "expected a date YYYY-MM-DD"),
        ({"issuer": "sheriff"}, "issuer", "unknown authority 'sheriff'"),
        ({"issuing_country": "Finland"}, "issuing_country", "expected a two-letter country code"),
        ({"emergency": "yes"}, "emergency", "expected true or false"),
        ({"provider": None}, "provider", "this fact is required"),
        ({"colour": "red"}, "colour", "unknown fact"),
    ],
)
def test_missing_or_malformed_facts_name_the_fact(change: dict, fact: str, message: str) -> None:
    with pytest.raises(FactsError) as caught:
        Facts.from_mapping({**BASE, **change})
    assert caught.value.fact == fact
    assert message in caught.value.message


@pytest.mark.parametrize(
    ("change", "fact", "suggestion"),
    [
        ({"provider": "acmee"}, "provider", "acme"),
        ({"issuing_country": "FJ"}, "issuing_country", None),
        ({"target_resides_in": "XX"}, "target_resides_in", None),
        ({"offence": "fraudd"}, "offence", "fraud"),
    ],
)
def test_unknown_ids_are_refused_with_the_nearest_known(
    fixture_rules: RuleSet, change: dict, fact: str, suggestion: str | None
) -> None:
    with pytest.raises(FactsError) as caught:
        Facts.from_mapping({**BASE, **change}, rules=fixture_rules)
    assert caught.value.fact == fact
    if suggestion:
        assert suggestion in caught.value.suggestions
