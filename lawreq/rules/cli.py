"""``lawreq rules check|test|diff`` and ``lawreq routes``: plain click, pure code, no app or database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from lawreq.rules.recommend import NO_STATS, recommend
from lawreq.rules.cases import run_cases
from lawreq.rules.diff import diff_countries
from lawreq.rules.engine import evaluate
from lawreq.rules.facts import Facts, FactsError
from lawreq.rules.loader import check_rules, default_rules_path
from lawreq.rules.route import Route
from lawreq.rules.ruleset import RuleSet, nearest
from lawreq.rules.schema import AUTHORITIES, DATA_CATEGORIES

_PATH = click.Path(file_okay=False, path_type=Path)


def _load(path: Path | None) -> RuleSet:
    """Load the rules or stop with exit status 1, printing every problem."""
    rules, problems = check_rules(path)
    if rules is None:
        for problem in problems:
            click.echo(str(problem), err=True)
        click.echo(f"{len(problems)} problem(s) in the rules data; refusing to run.", err=True)
        raise click.exceptions.Exit(1)
    return rules


@click.group("rules")
def rules_group() -> None:
    """Validate, test and compare the rules data (jurisdictions/)."""


@rules_group.command("check")
@click.argument("path", required=False, type=_PATH)
def check_command(path: Path | None) -> None:
    """Validate every rules file; list every problem as file:line:col: field: message."""
    rules = _load(path)
    click.echo(
        f"OK: {len(rules.countries)} countries, {len(rules.providers)} providers, {len(rules.routes)} route rules "
        f"({len(rules.route_ids())} routes with domestic procedures), {len(rules.cases)} cases "
        f"(rules_version {rules.version}) in {rules.root}"
    )


@rules_group.command("test")
@click.argument("path", required=False, type=_PATH)
@click.option("-v", "--verbose", is_flag=True, help="Also list the cases that pass.")
def test_command(path: Path | None, verbose: bool) -> None:
    """Run the rule cases (cases/*.yaml): facts in, expected routes out."""
    rules = _load(path)
    results = run_cases(rules)
    failed = [(case, failures) for case, failures in results if failures]
    for case, failures in results:
        if failures:
            click.echo(f"FAIL {case.id} ({case.source}): {case.description}")
            for failure in failures:
                click.echo(f"     - {failure}")
        elif verbose:
            click.echo(f"ok   {case.id}")
    click.echo(f"{len(results) - len(failed)} passed, {len(failed)} failed")
    if failed:
        raise click.exceptions.Exit(1)


def _country_or_exit(rules: RuleSet, code: str) -> Any:
    country = rules.countries.get(code.upper())
    if country is None:
        close = nearest(code.upper(), list(rules.countries))
        click.echo(f"Unknown country {code!r}." + (f" Nearest known: {', '.join(close)}" if close else ""), err=True)
        raise click.exceptions.Exit(2)
    return country


@rules_group.command("diff")
@click.argument("a")
@click.argument("b")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date (default today).")
@click.option("--rules", "rules_path", type=_PATH, default=None, help="Rules directory.")
def diff_command(a: str, b: str, fmt: str, on: Any, rules_path: Path | None) -> None:
    """Compare two countries' procedures, memberships, contacts and retention side by side."""
    rules = _load(rules_path)
    result = diff_countries(_country_or_exit(rules, a), _country_or_exit(rules, b), on.date() if on else date.today())
    if fmt == "json":
        click.echo(json.dumps(result, indent=2, ensure_ascii=False))
        return
    width = max(len(row["aspect"]) for row in result["rows"])
    click.echo(f"{'aspect':<{width}}  {result['a']}  |  {result['b']}   (on {result['date']})")
    for row in result["rows"]:
        marker = " " if row["same"] else "*"
        click.echo(f"{marker}{row['aspect']:<{width}} {row['a']}  |  {row['b']}")


def _route_text(route: Route) -> list[str]:
    state = "OPEN  " if route.available else "closed"
    lines = [f"[{state}] {route.id}: {route.title}", f"         {route.kind}, {route.instrument}"]
    for reason in route.reasons:
        lines.append(f"         - {reason}")
    if route.available:
        lines.append(f"         addressee: {route.addressee.entity} ({route.addressee.country}) "
                     f"via {route.addressee.channel}")
        lines.append(f"         issued by: {', '.join(route.issuing_authorities) or 'as national law provides'}"
                     + ("  (needs approval)" if route.needs_approval else ""))
        if route.notification_required:
            lines.append("         the enforcing State must be notified")
        for rule in route.deadline_rules:
            lines.append(f"         deadline {rule.kind}: {rule.period} ({rule.applies}, from {rule.trigger})")
        lines.append(f"         form: {route.form}; languages: {', '.join(route.languages)}; "
                     f"confidence: {route.confidence}")
        for warning in route.warnings:
            lines.append(f"         ! {warning}")
    return lines


@click.command("routes")
@click.option("--from", "issuing_country", required=True, help="Issuing country (ISO code).")
@click.option("--provider", required=True, help="Provider id, name, alias or service (e.g. meta, Instagram).")
@click.option("--data", "data_categories", multiple=True, required=True, type=click.Choice(DATA_CATEGORIES))
@click.option("--offence", required=True, help="Offence id (offences.yaml).")
@click.option("--max-penalty-years", type=float, default=None)
@click.option("--emergency", is_flag=True, help="Imminent threat to life or physical integrity.")
@click.option("--target-resides-in", default=None)
@click.option("--offence-committed-in", default=None, help="Default: the issuing country.")
@click.option("--offline", is_flag=True, help="The offence was not committed by means of an information system.")
@click.option("--issuer", type=click.Choice(AUTHORITIES), default="police", show_default=True)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date (default today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_path", type=_PATH, default=None, help="Rules directory.")
def routes_command(issuing_country: str, provider: str, data_categories: tuple[str, ...], offence: str,
                   max_penalty_years: float | None, emergency: bool, target_resides_in: str | None,
                   offence_committed_in: str | None, offline: bool, issuer: str, on: Any, fmt: str,
                   rules_path: Path | None) -> None:
    """List every legal route for a request, open or closed, fastest first."""
    rules = _load(rules_path)
    matches = rules.find_providers(provider)
    provider_id = matches[0].id if len(matches) == 1 else provider
    mapping = {
        "issuing_country": issuing_country, "provider": provider_id, "data_categories": list(data_categories),
        "offence": offence, "max_penalty_years": max_penalty_years, "emergency": emergency,
        "target_resides_in": target_resides_in, "offence_committed_in": offence_committed_in,
        "committed_online": not offline, "issuer": issuer, "date": on.date() if on else date.today(),
    }
    try:
        facts = Facts.from_mapping(mapping, rules=rules)
    except FactsError as exc:
        if exc.fact == "provider" and len(matches) > 1:
            exc = FactsError("provider", f"{provider!r} matches several providers", tuple(m.id for m in matches))
        hint = f" Nearest known: {', '.join(exc.suggestions)}." if exc.suggestions and exc.fact == "provider" \
            and len(matches) > 1 else ""
        click.echo(f"Error: {exc.fact}: {exc.message}.{hint}", err=True)
        raise click.exceptions.Exit(2) from None
    routes = evaluate(facts, rules)
    found = rules.providers.get(facts.provider)
    # no database here: the rules alone rank (the web page and the API add the measured figures)
    recommendations = recommend(routes, NO_STATS, found.name if found else facts.provider)
    if fmt == "json":
        payload = {"facts": facts.to_dict(), "rules_version": rules.version, "routes": [r.to_dict() for r in routes],
                   "recommendations": [rec.to_dict() for rec in recommendations]}
        click.echo(json.dumps(payload, indent=2, ensure_ascii=False))
        return
    click.echo(f"{len([r for r in routes if r.available])} open of {len(routes)} routes "
               f"(rules_version {rules.version})")
    if recommendations:
        best = recommendations[0]
        preserve = f" (preserve first: {', '.join(r.id for r in best.preserve_first)})" if best.preserve_first else ""
        click.echo(f"Recommended: {best.route.id}{preserve} — {best.reason}")
    for route in routes:
        click.echo("\n".join(_route_text(route)))
