"""The shipped jurisdictions/ tree: it validates, and every rule case passes (one test per case)."""

from __future__ import annotations

import subprocess
import sys

import pytest

from lawreq.rules import RuleSet, check_rules, default_rules_path
from lawreq.rules.cases import run_case

_RULES, _PROBLEMS = check_rules(default_rules_path())


def test_shipped_rules_are_valid() -> None:
    assert [str(p) for p in _PROBLEMS] == []


def test_there_are_at_least_60_cases_covering_every_instrument() -> None:
    assert _RULES is not None
    assert len(_RULES.cases) >= 60
    named = {rid for case in _RULES.cases for key in ("available", "closed")
             for rid in case.expect.get(key) or ()} | {rid for case in _RULES.cases
                                                       for rid in case.expect.get("routes") or {}}
    uncovered = {r.instrument for r in _RULES.routes if r.template is None} \
        - {r.instrument for r in _RULES.routes if r.id in named}
    assert uncovered == set()
    assert {"coe-mla-letter-rogatory", "eu-mla-2000-direct", "eu-us-mla-request", "uncc-42-preservation",
            "letters-rogatory-reciprocity"} <= named


@pytest.mark.parametrize("case", _RULES.cases if _RULES else (), ids=lambda case: case.id)
def test_rule_case(case) -> None:  # type: ignore[no-untyped-def]
    assert isinstance(_RULES, RuleSet)
    assert run_case(case, _RULES) == []


def test_the_rules_package_imports_neither_flask_nor_sqlalchemy() -> None:
    code = ("import sys, lawreq.rules, lawreq.rules.cli; "
            "print(sorted(m for m in sys.modules if m.split('.')[0] in ('flask', 'sqlalchemy')))")
    output = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert output.strip() == "[]"


@pytest.mark.parametrize(("typed", "provider"), [("Instagram", "meta"), ("WhatsApp", "meta"), ("elisa", "elisa")])
def test_investigators_find_providers_by_the_name_they_know(typed: str, provider: str) -> None:
    assert _RULES is not None
    assert [p.id for p in _RULES.find_providers(typed)] == [provider]
