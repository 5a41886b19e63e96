"""`lawreq deadlines explain`: a maintainer checks a date from the shell and reads why."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from lawreq.deadlines.cli import deadlines_group


def run(*args: str):
    return CliRunner().invoke(deadlines_group, ["explain", *args])


def test_json_output_gives_the_due_instant_in_utc_and_in_the_addressee_zone():
    result = run("--from", "2026-12-16T14:05+01:00", "--period", "P10D", "--holidays", "IE",
                 "--tz", "Europe/Dublin", "--format", "json")

    assert result.exit_code == 0, result.output
    data = json.loads(result.stdout)
    assert data["due_at"] == "2026-12-29T00:00:00+00:00"
    assert data["due_local"] == "2026-12-29T00:00:00+00:00"
    assert "conservative_at" not in data
    assert any("Saint Stephen's Day" in line for line in data["explanation"])
    assert data["explanation"][-1] == "→ due 2026-12-28 24:00 Europe/Dublin (2026-12-29 00:00 UTC)"


def test_an_hour_period_also_reports_the_conservative_instant():
    result = run("--from", "2026-11-20T10:17+01:00", "--period", "PT8H", "--tz", "Europe/Brussels",
                 "--format", "json")

    data = json.loads(result.stdout)
    assert data["due_local"] == "2026-11-20T19:00:00+01:00"
    assert data["conservative_at"] == "2026-11-20T17:17:00+00:00"


def test_text_output_reads_as_sentences_then_the_result():
    result = run("--from", "2026-11-20T10:17Z", "--period", "P5D", "--counting", "working_days")

    assert result.exit_code == 0, result.output
    lines = result.stdout.splitlines()
    assert lines[0] == "received Fri 2026-11-20 10:17 UTC"
    assert "due_at: 2026-11-28T00:00:00+00:00" in lines
    assert "calendar: weekends only (no public-holiday calendar)" in lines


def test_a_preservation_order_can_be_extended_from_its_nominal_end():
    result = run("--from", "2026-11-20T10:17+01:00", "--period", "P60D", "--extend", "P30D",
                 "--tz", "Europe/Brussels", "--format", "json")

    data = json.loads(result.stdout)
    assert data["due_at"] == "2027-02-18T23:00:00+00:00"
    assert data["explanation"][0] == "received Fri 2026-11-20 10:17 CET (2026-11-20 09:17 UTC)"
    assert any(line.startswith("extends the P60D period") for line in data["explanation"])


@pytest.mark.parametrize(
    ("args", "option", "detail"),
    [
        (["--from", "2026-12-18T14:05", "--period", "P10D"], "--from", "no UTC offset"),
        (["--from", "18.12.2026", "--period", "P10D"], "--from", "not an ISO 8601 time"),
        (["--from", "2026-12-18T14:05Z", "--period", "10 days"], "--period", "'10 days'"),
        (["--from", "2026-12-18T14:05Z", "--period", "P10D", "--holidays", "XX"], "--holidays", "'XX'"),
        (["--from", "2026-12-18T14:05Z", "--period", "P10D", "--tz", "Europe/Atlantis"], "--tz", "'Europe/Atlantis'"),
        (["--from", "2026-12-18T14:05Z", "--period", "PT8H", "--counting", "working_days"], "--period", "PT8H"),
        (["--from", "2026-12-18T14:05Z", "--period", "P60D", "--extend", "30 days"], "--extend", "'30 days'"),
    ],
)
def test_bad_input_exits_2_with_one_line_naming_the_option(args, option, detail):
    result = run(*args)

    assert result.exit_code == 2
    assert result.stdout == ""
    message = result.stderr.strip()
    assert "\n" not in message
    assert message.startswith(f"Error: {option}: ")
    assert detail in message
