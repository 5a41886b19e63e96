"""``lawreq rules check|test|diff`` and ``lawreq routes``: plain click, pure code, no app or database."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import click

from lawreq.rules import addressing
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


_KIND_WORDS = {"not_bound": "not bound", "not_yet_applicable": "not yet applicable", "not_a_party": "not a Party",
               "not_in_force": "not in force", "condition_unmet": "condition unmet", "policy": "provider policy"}


def _route_text(route: Route) -> list[str]:
    """One route as text: state, closure kind, every reason with the confidence of the rule behind it."""
    state = "OPEN  " if route.available else "closed"
    kind = f" ({_KIND_WORDS.get(route.closed_kind, route.closed_kind)})" if route.closed_kind else ""
    lines = [f"[{state}] {route.id}: {route.title}{kind}",
             f"         {route.kind}, {route.instrument}; confidence: {route.confidence}"]
    confidence = {f.text: f.confidence for f in route.findings}
    for reason in route.reasons:
        level = confidence.get(reason)
        lines.append(f"         - {reason}" + (f" [{level}]" if level else ""))
    if route.available:
        service = f", for service {route.addressee.service}" if route.addressee.service else ""
        lines.append(f"         addressee: {route.addressee.entity} ({route.addressee.country}, "
                     f"{route.addressee.role}{service}) via {route.addressee.channel} [{route.entity_confidence}]")
        lines.append(f"         issued by: {', '.join(route.issuing_authorities) or 'as national law provides'}"
                     + ("  (needs approval)" if route.needs_approval else ""))
        if route.notification_required:
            lines.append("         the enforcing State must be notified")
        for rule in route.deadline_rules:
            lines.append(f"         deadline {rule.kind}: {rule.period} ({rule.applies}, from {rule.trigger}) "
                         f"[{rule.confidence}]")
        lines.append(f"         expected: ~{route.expected_days:g} days [{route.expected_days_confidence}]")
        lines.append(f"         form: {route.form}; languages: {', '.join(route.languages)} "
                     f"[{route.languages_confidence}]")
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
@click.option("--service", default=None,
              help="The provider's service (id or name, e.g. whatsapp). Default: the service named in --provider, "
                   "else the provider's main service.")
@click.option("--offence-committed-in", default=None, help="Default: the issuing country.")
@click.option("--offline", is_flag=True, help="The offence was not committed by means of an information system.")
@click.option("--issuer", type=click.Choice(AUTHORITIES), default="police", show_default=True)
@click.option("--on", "on", type=click.DateTime(formats=["%Y-%m-%d"]), default=None, help="Date (default today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("--rules", "rules_path", type=_PATH, default=None, help="Rules directory.")
def routes_command(issuing_country: str, provider: str, data_categories: tuple[str, ...], offence: str,
                   max_penalty_years: float | None, emergency: bool, target_resides_in: str | None,
                   service: str | None, offence_committed_in: str | None, offline: bool, issuer: str, on: Any,
                   fmt: str, rules_path: Path | None) -> None:
    """List every legal route for a request, open or closed, fastest first."""
    rules = _load(rules_path)
    matches = rules.find_providers(provider)
    provider_id = matches[0].id if len(matches) == 1 else provider
    if service is None and len(matches) == 1:
        named = addressing.named_service(matches[0], provider)
        service = named.id if named is not None else None
    mapping = {
        "issuing_country": issuing_country, "provider": provider_id, "data_categories": list(data_categories),
        "offence": offence, "max_penalty_years": max_penalty_years, "emergency": emergency,
        "target_resides_in": target_resides_in, "offence_committed_in": offence_committed_in,
        "committed_online": not offline, "issuer": issuer, "date": on.date() if on else date.today(),
        "service": service,
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


_DATE = click.DateTime(formats=["%Y-%m-%d"])


@rules_group.command("stale")
@click.argument("path", required=False, type=_PATH)
@click.option("--months", type=click.IntRange(min=0), default=12, show_default=True,
              help="A fact is stale when its review is older than this.")
@click.option("--today", "today", type=_DATE, default=None, help="Reference date (default today).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stale_command(path: Path | None, months: int, today: Any, fmt: str) -> None:
    """List the facts whose review (their own `reviewed.on`, else the file's last_reviewed) is past, by file."""
    from lawreq.rules.provenance import months_before, stale

    rules = _load(path)
    day = today.date() if today else date.today()
    grouped = stale(rules.facts, day, months)
    if fmt == "json":
        click.echo(json.dumps({
            "today": day.isoformat(), "months": months, "reviewed_before": months_before(day, months).isoformat(),
            "files": {name: [{"line": f.line, "path": f.path, "confidence": f.confidence,
                              "reviewed_by": f.reviewed_by, "reviewed_on": f.reviewed_on.isoformat()}
                             for f in facts] for name, facts in grouped.items()},
        }, indent=2))
        return
    total = sum(len(v) for v in grouped.values())
    click.echo(f"{total} fact(s) not reviewed since {months_before(day, months).isoformat()} "
               f"({months} months before {day.isoformat()}), in {len(grouped)} file(s)")
    for name, facts in grouped.items():
        click.echo(f"{name}: {len(facts)}")
        for fact in facts:
            click.echo(f"  {name}:{fact.line}: {fact.path} [{fact.confidence}] reviewed by {fact.reviewed_by} "
                       f"on {fact.reviewed_on.isoformat()}")


@rules_group.command("stats")
@click.argument("path", required=False, type=_PATH)
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def stats_command(path: Path | None, fmt: str) -> None:
    """Count the facts by confidence: overall, by kind of file and by country."""
    from lawreq.rules.provenance import CONFIDENCE_LEVELS, stats

    rules = _load(path)
    result = stats(rules.facts)
    if fmt == "json":
        click.echo(json.dumps(result.to_dict(), indent=2))
        return

    def row(label: str, counts: dict[str, int]) -> str:
        cells = "  ".join(f"{counts[level]:>5}" for level in CONFIDENCE_LEVELS)
        return f"{label:<14} {cells}  {sum(counts.values()):>6}"

    click.echo(f"{'':<14} " + "  ".join(f"{level[:5]:>5}" for level in CONFIDENCE_LEVELS) + "   total")
    click.echo(row("all facts", result.by_confidence))
    for kind, counts in result.by_file_kind.items():
        click.echo(row(f"  {kind}", counts))
    click.echo("by country:")
    for code, counts in result.by_country.items():
        click.echo(row(f"  {code}", counts))


@rules_group.command("coverage")
@click.argument("path", required=False, type=_PATH)
@click.option("--on", "dates", type=_DATE, multiple=True,
              help="Date to check (repeatable). Default: 2026-08-01 (before the e-Evidence date), today, and the "
                   "day of the next known change in the rules.")
@click.option("--today", "today", type=_DATE, default=None, help="Reference date for the defaults (default today).")
@click.option("--country", "countries", multiple=True, help="Restrict both sides to these countries (repeatable).")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text", show_default=True)
def coverage_command(path: Path | None, dates: tuple[Any, ...], today: Any, countries: tuple[str, ...],
                     fmt: str) -> None:
    """Every ordered pair of countries with no open route on each date; exit 1 if one has no stated reason."""
    from lawreq.rules.coverage import check_pairs, gaps, next_change, unexplained

    rules = _load(path)
    day = today.date() if today else date.today()
    chosen = [d.date() for d in dates]
    why = {}
    if not chosen:
        chosen = [date(2026, 8, 1), day]
        why = {date(2026, 8, 1): "before the e-Evidence date (18 Aug 2026)", day: "today"}
        change = next_change(rules, day)
        if change is not None:
            chosen.append(change[0])
            why[change[0]] = f"next known change: {change[1]}"
    codes = [c.upper() for c in countries] or None
    report = []
    failed = False
    for when in chosen:
        results = check_pairs(rules, when, codes)
        missing = gaps(results)
        silent = unexplained(results)
        failed = failed or bool(silent)
        report.append({"date": when.isoformat(), "why": why.get(when, "requested"), "pairs": len(results),
                       "no_open_route": [{"from": r.issuing, "to": r.requested,
                                          "reasons": {k: {"closed_kind": v[0], "reason": v[1]}
                                                      for k, v in r.closed.items()}} for r in missing],
                       "no_stated_reason": [f"{r.issuing}->{r.requested}" for r in silent]})
    if fmt == "json":
        click.echo(json.dumps({"rules_version": rules.version, "dates": report}, indent=2, ensure_ascii=False))
    else:
        for entry in report:
            click.echo(f"{entry['date']} ({entry['why']}): {entry['pairs']} ordered pairs, "
                       f"{len(entry['no_open_route'])} with no open route, "
                       f"{len(entry['no_stated_reason'])} of them with no stated reason")
            for gap in entry["no_open_route"]:
                kinds = sorted({v["closed_kind"] or "NO REASON" for v in gap["reasons"].values()})
                click.echo(f"  {gap['from']} -> {gap['to']}: closed ({', '.join(kinds)})")
    if failed:
        raise click.exceptions.Exit(1)
