"""Cited, dated rules over YAML (``jurisdictions/``) and the route engine. Pure: no Flask, no SQLAlchemy."""

from __future__ import annotations

from lawreq.rules.engine import evaluate, find_route
from lawreq.rules.facts import FACT_KEYS, Facts, FactsError
from lawreq.rules.loader import RulesError, check_rules, default_rules_path, load_rules
from lawreq.rules.model import (
    Citation,
    Country,
    DeadlineRule,
    DomesticProcedure,
    Entity,
    Fact,
    FieldSpec,
    Offence,
    Provider,
    RuleProblem,
)
from lawreq.rules.route import Addressee, Route
from lawreq.rules.ruleset import RuleSet

__all__ = [
    "FACT_KEYS", "Addressee", "Citation", "Country", "DeadlineRule", "DomesticProcedure", "Entity", "Fact", "Facts",
    "FactsError", "FieldSpec", "Offence", "Provider", "Route", "RuleProblem", "RuleSet", "RulesError",
    "check_rules", "default_rules_path", "evaluate", "find_route", "load_rules",
]
