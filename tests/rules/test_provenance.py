"""A rules maintainer asks which facts are overdue for review, how sure the data are, and whether any pair of
countries is left without a route: `lawreq rules stale | stats | coverage`."""

from __future__ import annotations

import json
import shutil
from datetime import date
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from lawreq.rules import load_rules
from lawreq.rules.cli import rules_group
from lawreq.rules.coverage import PairResult, check_pairs, gaps, next_change, unexplained
from lawreq.rules.provenance import months_before, stale, stats
from tests.rules.conftest import VALID


@pytest.fixture()
def tree(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(VALID, root)
    fi = root / "fi.yaml"
    text = fi.read_text(encoding="utf-8")
    # one fact reviewed long ago, one reviewed more recently than its (old) file
    text = text.replace('network_24_7: {value: "Fixture bureau", confidence: unverified, note: "fixture"}',
                        'network_24_7: {value: "Fixture bureau", confidence: unverified, note: "fixture", '
                        'reviewed: {by: old-hand, on: 2024-05-01}}')
    fi.write_text(text, encoding="utf-8")
    instrument = root / "instruments" / "test-orders.yaml"  # one fact written once, used twice (a YAML alias)
    text = instrument.read_text(encoding="utf-8")
    text = text.replace('expected_days: {value: 100, confidence: unverified, note: "fixture heuristic"}',
                        'expected_days: &heuristic {value: 100, confidence: unverified, note: "fixture heuristic"}')
    text = text.replace('expected_days: {value: 5, confidence: unverified, note: "fixture heuristic"}',
                        "expected_days: *heuristic")
    assert text.count("*heuristic") == 1
    instrument.write_text(text, encoding="utf-8")
    de = root / "de.yaml"
    de.write_text(de.read_text(encoding="utf-8").replace("last_reviewed: 2026-11-01", "last_reviewed: 2025-01-15"),
                  encoding="utf-8")
    return root


def _independent_count(root: Path) -> dict[str, int]:
    counts = {"verified": 0, "secondary": 0, "unverified": 0}
    seen: set[int] = set()  # a YAML alias is the same object: one fact written once

    def walk(node: object) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("confidence"), str) and id(node) not in seen:
                seen.add(id(node))
                counts[node["confidence"]] += 1
            for key, value in node.items():
                if key != "reviewed":
                    walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for path in root.rglob("*.yaml"):
        if "cases" not in path.parts:
            seen.clear()  # per file: a freed tree's ids are reused by the next one
            walk(yaml.load(path.read_text(encoding="utf-8"), Loader=yaml.BaseLoader))
    return counts


def test_months_before_clamps_to_the_end_of_a_shorter_month() -> None:
    assert months_before(date(2026, 3, 31), 1) == date(2026, 2, 28)
    assert months_before(date(2026, 12, 4), 12) == date(2025, 12, 4)


def test_a_fact_uses_its_own_review_date_over_its_files(tree: Path) -> None:
    rules = load_rules(tree)
    overdue = stale(rules.facts, date(2026, 12, 4), 12)
    assert sorted(overdue) == ["de.yaml", "fi.yaml"]
    (contact,) = overdue["fi.yaml"]
    assert (contact.path, contact.reviewed_by, contact.reviewed_on) == \
        ("contacts.network_24_7", "old-hand", date(2024, 5, 1))
    assert all(f.reviewed_on == date(2025, 1, 15) and f.reviewed_by == "lawreq-core" for f in overdue["de.yaml"])
    assert stale(rules.facts, date(2026, 12, 4), 36) == {}


def test_rules_stale_lists_them_by_file_with_line_numbers(tree: Path) -> None:
    result = CliRunner().invoke(rules_group, ["stale", str(tree), "--today", "2026-12-04"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert lines[0].startswith(f"{1 + len(stale(load_rules(tree).facts, date(2026, 12, 4))['de.yaml'])} fact(s) "
                               "not reviewed since 2025-12-04")
    assert "fi.yaml: 1" in lines
    assert "  fi.yaml:15: contacts.network_24_7 [unverified] reviewed by old-hand on 2024-05-01" in lines
    as_json = json.loads(CliRunner().invoke(rules_group, ["stale", str(tree), "--today", "2026-12-04", "--months",
                                                          "6", "--format", "json"]).output)
    assert as_json["reviewed_before"] == "2026-06-04"
    assert set(as_json["files"]) == {"de.yaml", "fi.yaml"}


def test_rules_stats_counts_every_fact_by_confidence_and_country(tree: Path) -> None:
    result = CliRunner().invoke(rules_group, ["stats", str(tree), "--format", "json"])
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert data["by_confidence"] == _independent_count(tree)  # the aliased expected_days counts once
    assert data["by_file_kind"]["instrument"]["unverified"] == sum(
        1 for f in load_rules(VALID).facts if f.file_kind == "instrument" and f.confidence == "unverified") - 1
    assert data["total"] == sum(data["by_confidence"].values())
    assert sum(sum(c.values()) for c in data["by_file_kind"].values()) == data["total"]
    assert set(data["by_country"]) == {"DE", "DK", "FI", "NO", "US"}
    assert data["by_country"]["FI"] == stats(f for f in load_rules(tree).facts if f.country == "FI").by_confidence
    text = CliRunner().invoke(rules_group, ["stats", str(tree)]).output
    assert text.splitlines()[1].split()[:4] == ["all", "facts", str(data["by_confidence"]["verified"]),
                                                str(data["by_confidence"]["secondary"])]


def test_coverage_reports_pairs_without_a_route_and_why(tree: Path) -> None:
    """In the fixture only Denmark (outside the Test Regulation, no Budapest membership) is left without a route."""
    rules = load_rules(tree)
    results = check_pairs(rules, date(2026, 12, 4))
    assert len(results) == 5 * 4
    missing = {(r.issuing, r.requested) for r in gaps(results)}
    assert missing == {("DK", "DE"), ("DK", "FI"), ("DK", "NO"), ("DK", "US")}
    assert unexplained(results) == []
    dk_de = next(r for r in results if (r.issuing, r.requested) == ("DK", "DE"))
    assert dk_de.closed["test-production"][0] == "not_bound"
    result = CliRunner().invoke(rules_group, ["coverage", str(tree), "--on", "2026-12-04"])
    assert result.exit_code == 0, result.output
    assert f"2026-12-04 (requested): 20 ordered pairs, {len(missing)} with no open route, 0 of them" in result.output
    assert "  DK -> DE: closed (" in result.output and "NO -> US" not in result.output


def test_a_pair_whose_closed_route_states_no_reason_is_what_coverage_fails_on() -> None:
    silent = PairResult("AA", "BB", date(2026, 12, 4), (), {"x": (None, "")})
    explained = PairResult("AA", "CC", date(2026, 12, 4), (), {"x": ("not_a_party", "AA is not a Party")})
    assert unexplained([silent, explained]) == [silent]


def test_the_next_known_change_comes_from_the_data(tree: Path) -> None:
    rules = load_rules(tree)
    assert next_change(rules, date(2026, 8, 1)) == (date(2026, 8, 18), "DE eu_eevidence from 2026-08-18")
    assert next_change(rules, date(2026, 12, 4)) is None


@pytest.mark.parametrize("day", [date(2026, 8, 1), date(2026, 12, 4), None], ids=["before-eevidence", "today",
                                                                                  "after-next-change"])
def test_every_ordered_pair_of_shipped_countries_has_an_open_route(day: date | None) -> None:
    """The zero-route check of issue 12 on the shipped rules: 2026-08-01 (before the e-Evidence date), 2026-12-04
    (today in this session) and the day after the next known change in the data (2027-01-01: the UN Convention
    against Cybercrime closes for signature)."""
    rules = load_rules()
    if day is None:
        change = next_change(rules, date(2026, 12, 4))
        assert change is not None
        day = change[0]
    results = check_pairs(rules, day)
    assert len(results) == len(rules.countries) * (len(rules.countries) - 1)
    assert [f"{r.issuing}->{r.requested}" for r in gaps(results)] == []
