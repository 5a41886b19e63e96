"""The request wizard (blueprint ``wizard``): one URL per step, the draft row as the only state.

Every step: load the draft (scoped 404) → refuse if it is no longer editable → build the step's form with its
context → on a valid POST save through ``services.save_draft`` with the form's ``version`` (a colleague's save in
between is a conflict, shown with the user's input kept) → redirect to the next (or previous) step.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import Any

from flask import Blueprint, abort, current_app, flash, jsonify, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError
from werkzeug.datastructures import MultiDict
from werkzeug.wrappers import Response

from lawreq import db
from lawreq.auth.decorators import roles_required
from lawreq.core.clock import utcnow
from lawreq.i18n import _
from lawreq.legal_requests import deconfliction, history, permissions, review, services, wizard
from lawreq.legal_requests.details import DetailsError, readable
from lawreq.rules.recommend import ordered_routes, recommend
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.queries import request_for, request_or_404
from lawreq.legal_requests.views import ctx
from lawreq.legal_requests.wizard_forms import (
    DataForm,
    DetailsForm,
    FollowUpForm,
    ReviewForm,
    RouteForm,
    TargetForm,
    UrgencyForm,
)
from lawreq.rules import FACT_KEYS, Facts, FactsError, evaluate, find_route
from lawreq.workflow.states import TransitionError
from lawreq.core.text import N_
from lawreq.i18n import _
from lawreq.web.formatting import tr
from lawreq.web.terms import term

bp = Blueprint("wizard", __name__)
EDITORS = ("investigator", "admin")
CONFLICT = N_("Someone else saved this draft while you were editing it; their version is now stored. Your answers "
            "below are not saved yet: check them and save again to replace theirs.")
#: Follow-ups: a preservation leads to production; an answer (data received) to the next provider.
PRESERVATION_KINDS = ("preservation_order", "preservation_request")
FOLLOW_FROM_PRESERVATION = ("approved", "sent", "acknowledged", "partially_fulfilled", "fulfilled")
FOLLOW_FROM_ANSWER = ("partially_fulfilled", "fulfilled")


def _rules() -> Any:
    return current_app.extensions["lawreq.rules"]


def _today() -> date:
    return utcnow().date()


def _zones() -> list[str]:
    return sorted({"UTC", *(c.timezone for c in _rules().countries.values())})


def _unit_zone(req: LegalRequest) -> str:
    return req.unit.timezone if req.unit and req.unit.timezone else "UTC"


def evaluate_routes(req: LegalRequest) -> tuple[list[Any], str | None]:
    """The engine's routes for the draft's facts under the current rules, or the fact that stops evaluation."""
    try:
        return evaluate(Facts.from_request(req.facts, rules=_rules(), today=_today()), _rules()), None
    except FactsError as exc:
        return [], str(exc)


def chosen_route(req: LegalRequest) -> Any:
    """The draft's chosen route for its current facts (:func:`lawreq.rules.find_route`); None if there is none."""
    if not req.route_id:
        return None
    try:
        return find_route(req.facts, _rules(), req.route_id, today=_today())
    except FactsError:
        return None


@bp.route("/requests/<int:request_id>/wizard/<step>", methods=["GET", "POST"])
@roles_required(*EDITORS)
def step(request_id: int, step: str) -> Any:
    if step not in wizard.STEP_IDS:
        abort(404)
    req = request_or_404(db.session, current_user, request_id)
    if not permissions.can_edit(current_user, req):
        flash(_("%(reference)s is %(state)s: it can no longer be edited.", reference=req.reference, state=term(req.state)), "info")
        return redirect(url_for("legal_requests.detail", request_id=req.id))
    blocked = wizard.first_blocked(step, req.facts, req.route_id)
    if blocked:
        flash(_("Complete “%(step)s” first.", step=tr(wizard.STEPS[wizard.index(blocked)].label)), "info")
        return redirect(url_for(".step", request_id=req.id, step=blocked))
    return _STEP_VIEWS[step](req)


# --- shared ----------------------------------------------------------------------------------------------------
def _page(req: LegalRequest, step_id: str, form: Any, conflict: str | None = None, **context: Any) -> str:
    rules = _rules()
    return render_template(
        f"legal_requests/wizard/{step_id}.html", req=req, form=form, step=step_id, steps=wizard.STEPS,
        reachable=wizard.reachable(req.facts, req.route_id), conflict=conflict,
        rules_changed=bool(req.rules_version and req.rules_version != rules.version),
        rules_version=rules.version, provider=rules.providers.get(req.provider_id or ""), **context)


def _save(req: LegalRequest, step_id: str, form: Any, **changes: Any) -> Response | None:
    """Save and redirect (None on a version conflict: the caller re-renders with the user's input)."""
    target = wizard.previous_step(step_id) if form.back.data else wizard.next_step(step_id)
    try:
        services.save_draft(db.session, ctx(), req, expected_version=_version(form), step=target, **changes)
        db.session.commit()
    except (services.ConflictError, StaleDataError):
        db.session.rollback()
        form.version.data = str(db.session.get(LegalRequest, req.id).version)
        return None
    except DetailsError as exc:  # the schema refused: nothing was saved, the page shows the input and why
        db.session.rollback()
        for problem in exc.problems:
            name = problem.path.removeprefix("details.").split(".")[0].split("[")[0]
            if name in form:
                form[name].errors = [*form[name].errors, problem.message]
            else:
                flash(f"{problem.path}: {problem.message}", "error")
        return REFUSED
    return redirect(url_for(".step", request_id=req.id, step=target))


class _Refused:
    """What ``_save`` returns when the details schema refused the step's answers (falsy, like a conflict)."""

    def __bool__(self) -> bool:
        return False


REFUSED = _Refused()


def _version(form: Any) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1


def _handle(req: LegalRequest, step_id: str, form: Any, changes: Callable[[], dict[str, Any]],
            render: Callable[[str | None], str], stash: Callable[[], bool] | None = None) -> Any:
    """The POST half every step shares: valid → save and move; Back on an invalid form → move without saving
    (a step with ``stash`` keeps what was typed as unsaved text first, so neither an error nor Back loses it)."""
    if form.is_submitted():
        if form.validate():
            response = _save(req, step_id, form, **changes())
            if response is REFUSED:
                return render(None)
            if response is not None:
                for warning in getattr(form, "warnings", []):
                    flash(tr(warning), "warning")
                return response
            return render(tr(CONFLICT))
        kept = stash() if stash is not None else False
        if form.back.data:
            flash(_("Your changes on that step were incomplete: they are kept as unsaved text and shown again when "
                    "you come back.") if kept else _("Your changes on that step were incomplete and were not saved."),
                  "warning")
            return redirect(url_for(".step", request_id=req.id, step=wizard.previous_step(step_id)))
    return render(None)


# --- unsaved text (details step): kept on a failed save, autosaved by static/js/autosave.js -------------------
UNSAVED = "unsaved"
#: Longest value kept of what was typed (the longest text a details field accepts).
UNSAVED_TEXT_MAX = 20_000


def typed_text(form: Any) -> dict[str, Any]:
    """What the user typed into the route's own fields, as posted (only those field names, bounded)."""
    out: dict[str, Any] = {}
    for name in form.specs:
        if name not in request.form:
            continue
        values = [v[:UNSAVED_TEXT_MAX] for v in request.form.getlist(name)[:50]]
        out[name] = values if len(values) > 1 or form.specs[name].type == "multiselect" else values[0]
    return out


def stash_typed(req: LegalRequest, step_id: str, form: Any) -> bool:
    """Keep the typed text in ``details["unsaved"]`` without validating it or moving the step; the draft's
    answers stay as they were. False (nothing kept) on a version conflict: the page says so."""
    typed = typed_text(form)
    current = (req.details.get(UNSAVED) or {})
    if current.get("step") == step_id and current.get("fields") == typed:
        return True
    try:
        services.save_draft(db.session, ctx(), req, expected_version=_version(form), details={
            UNSAVED: {"step": step_id, "fields": typed, "at": utcnow().isoformat(timespec="seconds")}})
        db.session.commit()
    except (services.ConflictError, StaleDataError):
        db.session.rollback()
        return False
    form.version.data = str(req.version)
    return True


def restore_typed(req: LegalRequest, step_id: str, form: Any) -> str | None:
    """Put unsaved text back into the form (as if just posted); returns when it was kept, or None."""
    unsaved = req.details.get(UNSAVED) or {}
    if unsaved.get("step") != step_id or not unsaved.get("fields"):
        return None
    for name, value in unsaved["fields"].items():
        if name in form.specs:
            form[name].process(MultiDict([(name, v) for v in (value if isinstance(value, list) else [value])]))
    return unsaved.get("at")


def autosave(req: LegalRequest, step_id: str, form: Any) -> Any:
    """The script's periodic POST: keep the typed text, answer with the draft's new version (the page's form
    carries it, so the user's next real save is not taken for a colleague's)."""
    if not form.validate_on_submit() and form.csrf_token.errors:
        return jsonify(saved=False, error=_("Your session expired: reload the page.")), 400
    if not stash_typed(req, step_id, form):
        return jsonify(saved=False, error=_("Someone else saved this draft: reload to see their version.")), 409
    return jsonify(saved=True, version=req.version, at=(req.details.get(UNSAVED) or {}).get("at"))


def duplicates_of(req: LegalRequest) -> list[deconfliction.Match]:
    return deconfliction.matches(db.session, current_user, req.identifiers, exclude_id=req.id)


# --- steps -----------------------------------------------------------------------------------------------------
def _target(req: LegalRequest) -> Any:
    rules = _rules()
    form = TargetForm(rules=rules, zones=_zones(), categories=req.facts.get("data_categories") or [],
                      today=_today(), version=str(req.version))
    if not form.is_submitted():
        form.load(req.facts, _readable(req), req.identifiers)
    if form.add_identifier.data:
        form.identifiers.append_entry()
        form.identifiers[-1].form.zone.choices = form.identifiers[0].form.zone.choices
        return _page(req, "target", form, duplicates=duplicates_of(req))

    def changes() -> dict[str, Any]:
        if req.route_id and (req.provider_id != form.found.id or req.facts.get("service") != form.service_id
                             or req.facts.get("target_resides_in") != (form.target_resides_in.data or None)):
            flash(_("You changed the provider, its service or where the account holder lives: choose the route "
                    "again."), "warning")
        period = {"start": _iso(form.period_start.data), "end": _iso(form.period_end.data)}
        identifiers = [i.to_dict() for i in form.normalised]
        form.warnings += [f"Already requested: {m.value} is in open request {m.reference}. Coordinate before "
                          "sending a duplicate." for m in deconfliction.matches(db.session, current_user, identifiers,
                                                                              exclude_id=req.id)]
        return {"facts": {"provider": form.found.id, "service": form.service_id,
                          "target_resides_in": form.target_resides_in.data or None}, "details": {"period": period},
                "identifiers": identifiers}

    return _handle(req, "target", form, changes,
                   lambda conflict: _page(req, "target", form, conflict, duplicates=duplicates_of(req)))


def _readable(req: LegalRequest, route: Any = None) -> dict[str, Any]:
    """The draft's details as its schema reads them: a value an older version stored that the schema refuses is
    left out, so the page shows the rest instead of failing (the user types it again)."""
    return readable(req.details or {}, services.schema_for_details(req, route, _rules()))


def _iso(value: date | None) -> str | None:
    return value.isoformat() if value else None


def _data(req: LegalRequest) -> Any:
    rules = _rules()
    period = (_readable(req).get("period") or {}).get("start")
    form = DataForm(rules=rules, provider=rules.providers.get(req.provider_id or ""),
                    period_start=date.fromisoformat(period) if period else None, today=_today(),
                    version=str(req.version))
    if not form.is_submitted():
        form.data_categories.data = list(req.facts.get("data_categories") or [])
    return _handle(req, "data", form, lambda: {"facts": {"data_categories": form.data_categories.data}},
                   lambda conflict: _page(req, "data", form, conflict, categories=wizard.DATA_CATEGORIES,
                                          cite_url=wizard.CATEGORY_CITE_URL))


def _urgency(req: LegalRequest) -> Any:
    form = UrgencyForm(version=str(req.version))
    if not form.is_submitted():
        form.emergency.data = bool(req.facts.get("emergency"))
        details = _readable(req)
        form.emergency_justification.data = details.get("emergency_justification", "")
        form.without_prior_validation.data = details.get("without_prior_validation") is True

    def changes() -> dict[str, Any]:
        text = form.emergency_justification.data.strip() if form.emergency.data else ""
        return {"facts": {"emergency": bool(form.emergency.data)},
                "details": {"emergency_justification": text,
                            "without_prior_validation": bool(form.emergency.data and form.without_prior_validation.data)}}

    return _handle(req, "urgency", form, changes, lambda conflict: _page(req, "urgency", form, conflict))


def _route(req: LegalRequest) -> Any:
    rules = _rules()
    routes, problem = evaluate_routes(req)
    measured = history.measured_medians(db.session, unit_id=req.unit_id, provider_id=req.provider_id or "",
                                        route_ids=[r.id for r in routes if r.available])
    figures = history.route_figures(db.session, unit_id=req.unit_id, provider_id=req.provider_id or "",
                                    route_ids=[r.id for r in routes if r.available])
    provider = rules.providers.get(req.provider_id or "")
    recommendations = recommend(routes, figures, provider.name if provider else (req.provider_id or ""))
    routes = ordered_routes(routes, recommendations)
    form = RouteForm(routes=routes, version=str(req.version))
    if not form.is_submitted() and req.route_id in form.open_ids:
        form.route.data = req.route_id
    notes = review.retention_notes(rules.providers.get(req.provider_id or ""), rules.countries,
                                   req.facts.get("data_categories") or [], _period_start(req), _today())
    by_id = {r.id: r for r in routes}
    return _handle(req, "route", form, lambda: {"route": by_id[form.route.data]},
                   lambda conflict: _page(req, "route", form, conflict, routes=routes, problem=problem,
                                          measured=measured, retention=notes, recommendations=recommendations,
                                          approval_group=lambda r, _issuer: services.approval_group(req, r)))


def _period_start(req: LegalRequest) -> date | None:
    start = (_readable(req).get("period") or {}).get("start")
    return date.fromisoformat(start) if start else None


def _details(req: LegalRequest) -> Any:
    route = chosen_route(req)
    if route is None or not route.available:
        flash(_("The chosen route is not open for the draft's current facts: choose a route again."), "warning")
        return redirect(url_for(".step", request_id=req.id, step="route"))
    form = DetailsForm.for_route(route, emergency=req.emergency, zone=_unit_zone(req), version=str(req.version))
    if form.is_submitted() and request.form.get("autosave"):
        return autosave(req, "details", form)
    restored = None
    if not form.is_submitted():
        form.load(_readable(req, route), defaults=case_defaults(req))
        restored = restore_typed(req, "details", form)
    return _handle(req, "details", form, lambda: {"details": {**form.answers(), UNSAVED: None}},
                   lambda conflict: _page(req, "details", form, conflict, route=route, zone=_unit_zone(req),
                                          restored=restored),
                   stash=lambda: stash_typed(req, "details", form))


def case_defaults(req: LegalRequest) -> dict[str, str]:
    """What the case already says, for the details step's empty fields: its summary, and its offence with the
    maximum penalty as the start of "offence, statutory provisions and maximum penalty" (the provisions are the
    investigator's to add). Never overrides an answer of the draft."""
    case = req.case
    offence = _rules().offences.get(case.offence)
    label = offence.label if offence is not None else case.offence.replace("_", " ")
    penalty = (f"; maximum penalty {case.max_penalty_years:g} years" if case.max_penalty_years is not None else "")
    return {"facts_summary": case.summary or "", "legal_provisions": f"{label}{penalty}"}


def _review(req: LegalRequest) -> Any:
    route = chosen_route(req)
    duplicates = duplicates_of(req)
    risks = review_risks(req, route, duplicates)
    form = ReviewForm.for_risks(risks, needs_approval=bool(req.approval_authority), version=str(req.version))
    if not form.is_submitted():
        form.load(_readable(req).get("accepted_risks") or {})

    def render(conflict: str | None) -> str:
        return _page(req, "review", form, conflict, route=route, risks=risks, duplicates=duplicates)

    if form.is_submitted() and form.validate():
        if form.back.data or form.unresolved():
            if not form.back.data:
                flash(_("Fix or accept each risk before submitting: %(risks)s.",
                        risks="; ".join(tr(r.title) for r in form.unresolved())), "error")
            return _save(req, "review", form, details={"accepted_risks": form.accepted()}) or render(tr(CONFLICT))
        return _submit(req, form)
    if form.is_submitted() and form.back.data:
        flash(_("Your changes on that step were incomplete and were not saved."), "warning")
        return redirect(url_for(".step", request_id=req.id, step="details"))
    return render(None)


def review_risks(req: LegalRequest, route: Any, duplicates: list[deconfliction.Match]) -> list[review.Risk]:
    """The pre-submission risks of the draft (shown to the investigator and to the approver)."""
    rules = _rules()
    risks = review.check(facts=req.facts, details=_readable(req, route), identifiers=req.identifiers, route=route,
                         provider=rules.providers.get(req.provider_id or ""), rules=rules,
                         rules_version=req.rules_version, today=_today(),
                         duplicates=[(m.reference, m.value) for m in duplicates])
    if route is not None:
        for spec in route.fields:
            wanted = spec.applies == "always" or (spec.applies == "emergency") == bool(req.emergency)
            if wanted and spec.required and spec.type != "boolean" and req.details.get(spec.name) in (None, "", []):
                risks.append(review.Risk(f"details_missing_{spec.name}", "form_defect",
                                         f"“{spec.label}” is not answered", "Open the details step and answer it.",
                                         "details", acceptable=False))
    if route is not None and (services.approval_group(req, route) != req.approval_authority
                              or route.addressee.country != req.addressee_country):
        risks.insert(0, review.Risk("route_stale", "other", "The facts changed since the route was chosen",
                                    "Open the route step and choose the route again.", "route", acceptable=False))
    return risks


def _submit(req: LegalRequest, form: ReviewForm) -> Any:
    try:
        services.save_draft(db.session, ctx(), req, expected_version=_version(form),
                            details={"accepted_risks": form.accepted()})
        services.transition(db.session, ctx(), req, "submit")
        db.session.commit()
    except (services.ConflictError, StaleDataError):
        db.session.rollback()
        flash(tr(CONFLICT), "error")
        return redirect(url_for(".step", request_id=req.id, step="review"))
    except (TransitionError, services.NotPermitted) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".step", request_id=req.id, step="review"))
    if req.state == "awaiting_approval":
        flash(_("%(reference)s was sent for approval to the %(authority)s.", reference=req.reference,
                authority=term(req.approval_authority)), "success")
    else:
        flash(_("%(reference)s is approved: your authority may issue it without further approval.",
                reference=req.reference), "success")
    return redirect(url_for("legal_requests.detail", request_id=req.id))


_STEP_VIEWS: dict[str, Callable[[LegalRequest], Any]] = {
    "target": _target, "data": _data, "urgency": _urgency, "route": _route, "details": _details, "review": _review,
}


# --- follow-ups ------------------------------------------------------------------------------------------------
def follow_up_kind(req: LegalRequest) -> str | None:
    """"preservation" (→ production order), "answer" (→ next provider) or None when no follow-up fits yet."""
    if req.route_kind in PRESERVATION_KINDS and req.state in FOLLOW_FROM_PRESERVATION:
        return "preservation"
    if req.state in FOLLOW_FROM_ANSWER:
        return "answer"
    return None


@bp.app_context_processor
def detail_links() -> dict[str, Any]:
    """The request page's "Start a follow-up request" link (``legal_requests/detail.html`` renders ``detail_links``)."""
    if request.endpoint != "legal_requests.detail" or not current_user.is_authenticated \
            or current_user.role not in EDITORS:
        return {}
    req = request_for(db.session, current_user, (request.view_args or {}).get("request_id", 0))
    if req is None or follow_up_kind(req) is None:
        return {}
    return {"detail_links": [{"url": url_for("wizard.follow_up", request_id=req.id),
                              "label": "Start a follow-up request"}]}


@bp.route("/requests/<int:request_id>/follow-up", methods=["GET", "POST"])
@roles_required(*EDITORS)
def follow_up(request_id: int) -> Any:
    parent = request_or_404(db.session, current_user, request_id)
    kind = follow_up_kind(parent)
    if kind is None:
        flash(_("A follow-up starts from a preservation in force or from an answer with data."), "info")
        return redirect(url_for("legal_requests.detail", request_id=parent.id))
    form = FollowUpForm(from_preservation=kind == "preservation", rules=_rules(), zones=_zones())
    if not form.validate_on_submit():
        return render_template("legal_requests/wizard/follow_up.html", parent=parent, form=form, kind=kind)
    child = _start_follow_up(parent, kind, form)
    db.session.commit()
    flash(_("%(child)s started as a follow-up to %(parent)s.", child=child.reference, parent=parent.reference), "success")
    return redirect(url_for(".step", request_id=child.id, step=child.wizard_step))


def _start_follow_up(parent: LegalRequest, kind: str, form: FollowUpForm) -> LegalRequest:
    engine = {k: v for k, v in parent.facts.items() if k in FACT_KEYS}
    details: dict[str, Any] = {"follows": parent.reference}
    if kind == "preservation":
        facts = {**engine, "emergency": False}
        identifiers = list(parent.identifiers)
        carried = _readable(parent)  # only what the schema accepts travels to the child
        details.update(period=carried.get("period") or {}, preservation_reference=parent.reference,
                       facts_summary=carried.get("facts_summary") or "")
        step_id = "route"
    else:
        facts = {k: v for k, v in engine.items() if k != "provider"} | {"emergency": False}
        if form.identifier.type == "ip":
            facts["data_categories"] = ["identification_data"]
        if form.found is not None:
            facts["provider"] = form.found.id
        identifiers = [form.identifier.to_dict()]
        day = (form.identifier.timestamp_utc or "")[:10]
        details.update(period={"start": day, "end": day} if day else {})
        step_id = "target"
    child = services.start_request(db.session, ctx(), parent.case, parent=parent, identifiers=identifiers)
    return services.save_draft(db.session, ctx(), child, expected_version=child.version, step=step_id,
                               facts=facts, details=details)
