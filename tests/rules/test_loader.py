from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml

from lawreq.rules import RuleSet, RulesError, check_rules, default_rules_path, load_rules
from tests.rules.conftest import BROKEN, VALID

#: every planted error of tests/data/jurisdictions/broken, exactly as `rules check` prints it
PLANTED = [
    "de.yaml:4:1: capital: unknown key 'capital' (known keys: code, contacts, detail_level, domestic_procedures, "
    "eevidence_languages, holidays, last_reviewed, memberships, name, note, official_languages, request_languages, "
    "retention, reviewed_by, timezone)",
    "dk.yaml:2:1: last_reviewed: required key is missing",
    "fi.yaml:14:7: memberships.budapest[1]: overlapping dates: from 2009-06-01 overlaps entry [0] "
    "(from 2007-09-01 to 2010-01-01)",
    "no.yaml:7:14: memberships.budapest[0].cite: missing citation (required unless confidence is unverified)",
    "providers/acme.yaml:7:13: hq_country: unknown country 'XX' (no xx.yaml)",
    "se.yaml:4:14: (file): YAML syntax error: "
    + ("did not find expected ',' or ']'" if yaml.__with_libyaml__ else "expected ',' or ']', but got ':'"),
    "us.yaml:5:21: official_languages: expected a list, got string 'en'",
]


def test_the_valid_fixture_tree_loads(fixture_rules: RuleSet) -> None:
    assert sorted(fixture_rules.countries) == ["DE", "DK", "FI", "NO", "US"]
    assert sorted(fixture_rules.providers) == ["acme", "nordnet"]
    assert len(fixture_rules.cases) == 1


def test_norway_stays_the_string_no(fixture_rules: RuleSet) -> None:
    assert fixture_rules.countries["NO"].official_languages == ("no",)
    assert "NO" in fixture_rules.countries


def test_every_planted_error_is_reported_at_once_with_file_line_and_field() -> None:
    rules, problems = check_rules(BROKEN)
    assert rules is None
    assert [str(p).replace(f"{BROKEN}/", "") for p in problems] == PLANTED


def test_load_rules_refuses_invalid_rules_and_carries_every_problem() -> None:
    with pytest.raises(RulesError) as caught:
        load_rules(BROKEN)
    assert len(caught.value.errors) == len(PLANTED)
    assert "7 problem(s)" in str(caught.value)


def test_version_is_a_content_hash(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(VALID, copy)
    first = load_rules(copy).version
    assert first == load_rules(VALID).version
    with (copy / "de.yaml").open("a", encoding="utf-8") as handle:
        handle.write("# reviewed again\n")
    assert load_rules(copy).version != first
    assert len(first) == 16


def test_a_route_without_a_case_is_an_error(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(VALID, copy)
    (copy / "cases" / "cases.yaml").write_text(
        (copy / "cases" / "cases.yaml").read_text(encoding="utf-8").replace("test-slow-request", "test-production"),
        encoding="utf-8",
    )
    _, problems = check_rules(copy)
    assert [p.message for p in problems] == ["route 'test-slow-request' has no rule case in cases/"]


def test_a_case_naming_an_unknown_route_or_provider_is_an_error(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(VALID, copy)
    case_file = copy / "cases" / "cases.yaml"
    text = case_file.read_text(encoding="utf-8").replace("closed: [fi-police-request]", "closed: [fi-nothing]")
    case_file.write_text(text.replace("provider: acme", "provider: acmee"), encoding="utf-8")
    _, problems = check_rules(copy)
    messages = [f"{p.field}: {p.message}" for p in problems]
    assert "cases[0].facts.provider: unknown provider 'acmee'" in messages
    assert "cases[0].expect.closed[0]: unknown route 'fi-nothing'" in messages


def test_unknown_files_are_reported(tmp_path: Path) -> None:
    copy = tmp_path / "rules"
    shutil.copytree(VALID, copy)
    (copy / "finland.yaml").write_text("code: FI\n", encoding="utf-8")
    _, problems = check_rules(copy)
    assert [p.message.split(":")[0] for p in problems] == ["unexpected file"]


def test_default_path_comes_from_the_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("LAWREQ_JURISDICTIONS_DIR", str(VALID))
    assert default_rules_path() == VALID
    monkeypatch.delenv("LAWREQ_JURISDICTIONS_DIR")
    assert default_rules_path().name == "jurisdictions"
    assert (default_rules_path().parent / "lawreq" / "__init__.py").exists()


@pytest.mark.parametrize(("query", "expected"), [("Acmegram", ["acme"]), ("acmebook", ["acme"]),
                                                 ("ACME SOCIAL", ["acme"]), ("nord", ["nordnet"]), ("zz", [])])
def test_find_providers_by_name_alias_or_service(fixture_rules: RuleSet, query: str, expected: list[str]) -> None:
    assert [p.id for p in fixture_rules.find_providers(query)] == expected
