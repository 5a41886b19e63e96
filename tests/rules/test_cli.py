from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lawreq.rules.__main__ import main
from lawreq.rules.cli import routes_command, rules_group
from tests.rules.conftest import BROKEN, VALID
from tests.rules.test_loader import PLANTED


@pytest.fixture()
def runner() -> CliRunner:
    return CliRunner()


def test_check_passes_on_valid_rules(runner: CliRunner) -> None:
    result = runner.invoke(rules_group, ["check", str(VALID)])
    assert result.exit_code == 0, result.output
    assert result.output.startswith(
        "OK: 5 countries, 2 providers, 3 route rules (3 routes with domestic procedures), 1 cases"
    )


def test_check_lists_every_error_and_exits_1(runner: CliRunner) -> None:
    result = runner.invoke(rules_group, ["check", str(BROKEN)])
    assert result.exit_code == 1
    for line in PLANTED:
        assert line in result.output.replace(f"{BROKEN}/", "")
    assert "7 problem(s) in the rules data; refusing to run." in result.output


def test_rules_test_runs_the_cases(runner: CliRunner) -> None:
    result = runner.invoke(rules_group, ["test", str(VALID), "-v"])
    assert result.exit_code == 0, result.output
    assert "ok   fixture-fi-acme" in result.output
    assert "1 passed, 0 failed" in result.output


def test_diff_shows_not_encoded_and_not_applicable_apart(runner: CliRunner) -> None:
    result = runner.invoke(rules_group, ["diff", "FI", "NO", "--format", "json", "--rules", str(VALID),
                                         "--on", "2026-11-23"])
    assert result.exit_code == 0, result.output
    rows = {row["aspect"]: (row["a"], row["b"]) for row in json.loads(result.output)["rows"]}
    assert rows["eevidence_languages"] == ("not encoded", "not applicable")
    assert rows["membership.eu_eevidence"] == ("yes, since 2026-08-18 (secondary)", "not encoded")
    assert rows["domestic.subscriber_data"][0] == "fi-police-request: police, no court (secondary)"
    assert rows["retention.identification_data"] == ("P9M (unverified)", "not encoded")


def test_diff_text_marks_differences(runner: CliRunner) -> None:
    result = runner.invoke(rules_group, ["diff", "fi", "de", "--rules", str(VALID), "--on", "2026-11-23"])
    assert result.exit_code == 0, result.output
    assert "*name" in result.output
    assert " membership.eu_eevidence" in result.output


def test_diff_unknown_country_exits_2_with_nearest(runner: CliRunner) -> None:
    result = runner.invoke(rules_group, ["diff", "FI", "DJ", "--rules", str(VALID)])
    assert result.exit_code == 2
    assert "Unknown country 'DJ'. Nearest known: D" in result.output


def test_routes_json_is_the_design_object(runner: CliRunner) -> None:
    result = runner.invoke(routes_command, ["--from", "FI", "--provider", "Acmegram", "--data", "subscriber_data",
                                            "--offence", "fraud", "--on", "2026-11-23", "--format", "json",
                                            "--rules", str(VALID)])
    assert result.exit_code == 0, result.output
    payload = json.loads(result.output)
    assert set(payload) == {"facts", "rules_version", "routes", "recommendations"}
    best = payload["recommendations"][0]
    assert best["route"] == "test-production" and best["basis"] == "rules" and best["reason"]
    assert payload["facts"]["provider"] == "acme"
    assert payload["facts"]["offence_committed_in"] == "FI"
    assert payload["routes"][0]["id"] == "test-production"
    assert payload["routes"][0]["addressee"]["country"] == "DE"


def test_routes_text_with_every_option(runner: CliRunner) -> None:
    result = runner.invoke(routes_command, ["--from", "FI", "--provider", "acme", "--data", "traffic_data",
                                            "--data", "subscriber_data", "--offence", "child_sexual_abuse",
                                            "--max-penalty-years", "2", "--emergency", "--target-resides-in", "FI",
                                            "--offence-committed-in", "FI", "--offline", "--issuer", "judge",
                                            "--on", "2026-11-23", "--rules", str(VALID)])
    assert result.exit_code == 0, result.output
    assert "[closed] test-production" in result.output
    assert "Threshold not met." in result.output


def test_routes_text_says_why_a_route_is_closed_and_how_sure_each_line_is(runner: CliRunner) -> None:
    result = runner.invoke(routes_command, ["--from", "DK", "--provider", "acme", "--data", "subscriber_data",
                                            "--offence", "fraud", "--on", "2026-11-23", "--rules", str(VALID)])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("[closed] test-production"))
    assert lines[header].endswith("(not bound)")
    assert lines[header + 1].endswith("; confidence: verified")
    assert "         - Denmark is not bound. [verified]" in lines
    opened = runner.invoke(routes_command, ["--from", "FI", "--provider", "acme", "--data", "subscriber_data",
                                            "--offence", "fraud", "--on", "2026-11-23", "--rules", str(VALID)])
    text = opened.output
    assert "         - Addressee in Germany. [verified]" in text
    assert "(DE, eu_designated_establishment" in text and "[unverified]" in text  # the entity's own confidence
    assert "deadline response: P10D (normal, from received) [verified]" in text
    as_json = json.loads(runner.invoke(routes_command, ["--from", "DK", "--provider", "acme", "--data",
                                                        "subscriber_data", "--offence", "fraud", "--on",
                                                        "2026-11-23", "--format", "json", "--rules",
                                                        str(VALID)]).output)
    closed = next(r for r in as_json["routes"] if r["id"] == "test-production")
    assert closed["closed_kind"] == "not_bound" and closed["closed_reason"] == closed["reasons"][0]
    assert {"text": "Denmark is not bound.", "confidence": "verified", "kind": "not_bound"} in closed["findings"]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--provider", "acmme"], "unknown provider 'acmme'; did you mean acme?"),
        (["--from", "FJ"], "unknown issuing country 'FJ'; did you mean FI?"),
        (["--offence", "fruad"], "unknown offence 'fruad'; did you mean fraud?"),
    ],
)
def test_routes_unknown_ids_exit_2_with_nearest(runner: CliRunner, args: list[str], message: str) -> None:
    base = {"--from": "FI", "--provider": "acme", "--offence": "fraud"}
    base.update(dict(zip(args[::2], args[1::2])))
    argv = [item for pair in base.items() for item in pair] + ["--data", "subscriber_data", "--rules", str(VALID)]
    result = runner.invoke(routes_command, argv)
    assert result.exit_code == 2
    assert message in result.output


def test_python_dash_m_offers_rules_commands_and_routes(runner: CliRunner) -> None:
    result = runner.invoke(main, ["routes", "--from", "FI", "--provider", "acme", "--data", "subscriber_data",
                                  "--offence", "fraud", "--on", "2026-11-23", "--rules", str(VALID)])
    assert result.exit_code == 0, result.output
    assert sorted(main.commands) == ["check", "coverage", "diff", "routes", "stale", "stats", "test"]
    assert "routes" not in rules_group.commands


def test_routes_refuse_to_run_on_invalid_rules(runner: CliRunner) -> None:
    result = runner.invoke(routes_command, ["--from", "FI", "--provider", "acme", "--data", "subscriber_data",
                                            "--offence", "fraud", "--rules", str(BROKEN)])
    assert result.exit_code == 1
    assert "refusing to run" in result.output
