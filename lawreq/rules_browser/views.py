"""The rules browser: every fact with its citation, confidence and review date, for everyone logged in.

The comparison is the same as ``lawreq rules diff`` (``lawreq.rules.diff``), so the page and the CLI never
disagree about what differs or about "not encoded" versus "not applicable".
"""

from __future__ import annotations

from datetime import date

from flask import Blueprint, abort, current_app, render_template, request

from lawreq.auth.decorators import roles_required
from lawreq.core.clock import utcnow
from lawreq.rules.diff import NOT_APPLICABLE, NOT_ENCODED, diff_countries
from lawreq.rules.engine import EU_ADDRESSEE_ROLES
from lawreq.rules.provenance import CONFIDENCE_LEVELS, months_before, stale, stats
from lawreq.rules.schema import DATA_CATEGORIES
from lawreq.rules_browser.sources import aspect_sources

bp = Blueprint("rules_browser", __name__, url_prefix="/rules")


def _rules():
    return current_app.extensions["lawreq.rules"]


def _today() -> date:
    return utcnow().date()


@bp.route("")
@roles_required()
def index():
    rules = _rules()
    today = _today()
    return render_template("rules_browser/index.html", rules=rules,
                           countries=sorted(rules.countries.values(), key=lambda c: c.name),
                           providers=sorted(rules.providers.values(), key=lambda p: p.name.casefold()),
                           fact_stats=stats(rules.facts), confidence_levels=CONFIDENCE_LEVELS,
                           stale_count=sum(len(v) for v in stale(rules.facts, today, 12).values()),
                           stale_limit=months_before(today, 12))


@bp.route("/countries/<code>")
@roles_required()
def country(code: str):
    found = _rules().countries.get(code.upper())
    if found is None:
        abort(404)
    return render_template("rules_browser/country.html", country=found, today=_today(),
                           categories=DATA_CATEGORIES, rules=_rules())


@bp.route("/providers/<provider_id>")
@roles_required()
def provider(provider_id: str):
    rules = _rules()
    found = rules.providers.get(provider_id)
    if found is None:
        abort(404)
    eu_addressees = [e for e in found.entities if e.role in EU_ADDRESSEE_ROLES]
    return render_template("rules_browser/provider.html", provider=found, eu_addressees=eu_addressees,
                           today=_today(), countries=rules.countries, rules=rules)


@bp.route("/compare")
@roles_required()
def compare():
    """Two countries side by side (``?a=FI&b=DE``, optionally ``&date=2026-01-01``)."""
    rules = _rules()
    a, b = request.args.get("a", "").strip().upper(), request.args.get("b", "").strip().upper()
    errors: list[str] = []
    day = _today()
    if request.args.get("date"):
        try:
            day = date.fromisoformat(request.args["date"])
        except ValueError:
            errors.append(f"Date {request.args['date']!r} is not a date (use YYYY-MM-DD).")
    for label, code in (("First country", a), ("Second country", b)):
        if code and code not in rules.countries:
            errors.append(f"{label}: unknown country code {code!r}.")
    diff = None
    if a and b and not errors:
        diff = diff_countries(rules.countries[a], rules.countries[b], day)
        for row in diff["rows"]:
            row["sources_a"] = aspect_sources(rules.countries[a], row["aspect"], day)
            row["sources_b"] = aspect_sources(rules.countries[b], row["aspect"], day)
    return render_template("rules_browser/compare.html", rules=rules, diff=diff, a=a, b=b, day=day, errors=errors,
                           countries=sorted(rules.countries.values(), key=lambda c: c.name),
                           not_applicable=NOT_APPLICABLE, not_encoded=NOT_ENCODED), 400 if errors else 200
