"""Rule test cases (``jurisdictions/cases/*.yaml``): facts in, expected routes out."""

from __future__ import annotations

from typing import Any

from lawreq.rules.engine import evaluate
from lawreq.rules.facts import Facts, FactsError
from lawreq.rules.model import RuleCase
from lawreq.rules.route import Route
from lawreq.rules.ruleset import RuleSet


def _check_route(route: Route, expected: dict[str, Any], emergency: bool) -> list[str]:
    failures: list[str] = []

    def differ(name: str, actual: Any, wanted: Any) -> None:
        if actual != wanted:
            failures.append(f"{route.id}.{name}: expected {wanted!r}, got {actual!r}")

    simple = {
        "available": route.available, "addressee_country": route.addressee.country,
        "addressee_entity": route.addressee.entity, "addressee_role": route.addressee.role,
        "notification_required": route.notification_required,
        "needs_approval": route.needs_approval, "form": route.form, "preservation_period": route.preservation_period,
        "closed_kind": route.closed_kind, "confidence": route.confidence,
    }
    for key, actual in simple.items():
        if key in expected:
            differ(key, actual, expected[key])
    for key in ("issuing_authorities", "validation_by", "languages"):
        if key in expected:
            differ(key, sorted(getattr(route, key)), sorted(expected[key]))
    for kind, period in (expected.get("deadlines") or {}).items():
        rule = route.deadline(kind, emergency)
        differ(f"deadlines.{kind}", rule.period if rule else None, period)
    for key, texts in (("reason_contains", route.reasons), ("warning_contains", route.warnings)):
        if key in expected and not any(expected[key].lower() in text.lower() for text in texts):
            failures.append(f"{route.id}: no {key.split('_')[0]} contains {expected[key]!r}; got {list(texts)!r}")
    return failures


def run_case(case: RuleCase, rules: RuleSet) -> list[str]:
    """Every way the engine's answer differs from the case's expectation (empty: the case passes)."""
    try:
        facts = Facts.from_mapping(case.facts, rules=rules)
    except FactsError as exc:
        return [f"facts: {exc}"]
    routes = {route.id: route for route in evaluate(facts, rules)}
    ranked = list(routes)
    failures: list[str] = []
    expect = case.expect
    for rid in expect.get("available") or ():
        if rid not in routes or not routes[rid].available:
            why = "; ".join(routes[rid].reasons) if rid in routes else "no such route for these facts"
            failures.append(f"{rid}: expected open, but closed: {why}")
    for rid in expect.get("closed") or ():
        if rid not in routes or routes[rid].available:
            failures.append(f"{rid}: expected closed, but {'open' if rid in routes else 'absent'}")
    if "first" in expect and (not ranked or ranked[0] != expect["first"]):
        failures.append(f"first route: expected {expect['first']!r}, got {ranked[0] if ranked else None!r}")
    for rid, expected in (expect.get("routes") or {}).items():
        if rid not in routes:
            failures.append(f"{rid}: no such route for these facts")
        else:
            failures.extend(_check_route(routes[rid], expected, facts.emergency))
    return failures


def run_cases(rules: RuleSet) -> list[tuple[RuleCase, list[str]]]:
    """Run every case of the rule set; return each with its failures."""
    return [(case, run_case(case, rules)) for case in rules.cases]
