from __future__ import annotations

from datetime import date

import pytest

from lawreq.rules.conditions import CONDITION_SPEC, compile_condition
from lawreq.rules.validate import Issues
from lawreq.rules.yamlio import parse_yaml

CTX = {
    "max_penalty_years": 3.0, "issuing_country": "FI", "offence_committed_in": "FI", "target_resides_in": None,
    "offence.lists": frozenset({"dir_2011_93"}), "data_categories": frozenset({"subscriber_data"}),
    "date": date(2026, 8, 18), "emergency": False,
}


def _compile(text: str):  # type: ignore[no-untyped-def]
    data, _ = parse_yaml(text)
    issues = Issues()
    node = CONDITION_SPEC.check(data, "when", (1, 1), issues)
    assert issues.items == []
    return compile_condition(node)


@pytest.mark.parametrize(
    ("condition", "expected"),
    [
        ("{fact: max_penalty_years, gte: 3}", True),
        ("{fact: max_penalty_years, gt: 3}", False),
        ("{fact: max_penalty_years, lt: 3}", False),
        ("{fact: max_penalty_years, lte: 3}", True),
        ("{fact: target_resides_in, gte: 3}", False),
        ("{fact: issuing_country, in: [FI, SE]}", True),
        ("{fact: issuing_country, not_in: [FI, SE]}", False),
        ("{fact: issuing_country, eq: FI}", True),
        ("{fact: issuing_country, ne: FI}", False),
        ("{fact: offence.lists, contains: dir_2011_93}", True),
        ("{fact: offence.lists, contains_any: [dir_2013_40, dir_2019_713]}", False),
        ("{fact: data_categories, subset_of: [subscriber_data, identification_data]}", True),
        ("{fact: target_resides_in, present: false}", True),
        ("{fact: offence_committed_in, eq_fact: issuing_country}", True),
        ("{fact: target_resides_in, eq_fact: issuing_country}", False),
        ("{fact: date, gte: 2026-08-18}", True),
        ("{fact: date, lt: 2026-08-18}", False),
        ("{all: [{fact: emergency, eq: false}, {fact: issuing_country, eq: FI}]}", True),
        ("{any: [{fact: emergency, eq: true}, {fact: issuing_country, eq: SE}]}", False),
        ("{not: {fact: emergency, eq: true}}", True),
    ],
)
def test_operators_over_the_fact_context(condition: str, expected: bool) -> None:
    assert _compile(condition)(CTX) is expected


@pytest.mark.parametrize(
    ("condition", "message"),
    [
        ("{fact: shoe_size, eq: 3}", "unknown fact 'shoe_size'"),
        ("{fact: issuing_country, like: FI}", "unknown operator 'like'"),
        ("{fact: issuing_country}", "a condition needs exactly one operator"),
        ("{fact: issuing_country, eq_fact: moon_phase}", "unknown fact 'moon_phase'"),
        ("{all: []}", "expected at least 1 item(s), got 0"),
        ("{fact: issuing_country, in: FI}", "'in' needs a list, got 'FI'"),
        ("{fact: issuing_country, eq: [FI]}", "'eq' needs a single value, got ('FI',)"),
        ("{fact: date, gte: '2026-08-18'}", "compare 'date' with a date YYYY-MM-DD, got '2026-08-18'"),
        ("{fact: target_resides_in, present: FI}", "'present' needs true or false, got 'FI'"),
    ],
)
def test_conditions_outside_the_closed_vocabulary_are_rejected(condition: str, message: str) -> None:
    data, _ = parse_yaml(condition)
    issues = Issues()
    CONDITION_SPEC.check(data, "when", (1, 1), issues)
    assert any(message in text for _, _, text in issues.items), issues.items
