"""Cases and requests: list, create, read, and the workflow actions. Views load → authorise → form → service →
commit → redirect; everything else lives in services, queries and permissions."""

from __future__ import annotations

import hashlib
import re
from datetime import datetime
from io import BytesIO
from zoneinfo import ZoneInfo

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from lawreq import db
from lawreq.auth.decorators import require, roles_required
from lawreq.auth.models import Unit
from lawreq.core.clock import utcnow
from lawreq.deadlines.models import Deadline
from lawreq.audit.services import record
from lawreq.legal_requests import issuance, permissions, services
from lawreq.legal_requests.documents import FOLLOW_ON, FormUnavailable, follow_on_forms, issuance as issued_by
from lawreq.legal_requests.documents import _route as route_of
from lawreq.legal_requests.forms import ActionForm, CaseForm
from lawreq.legal_requests.models import Case, LegalRequest
from lawreq.legal_requests.queries import case_or_404, request_or_404
from lawreq.pdf import FormError, FormSpec, form_spec
from lawreq.web.jinja import viewer_zone
from lawreq.workflow.states import ACTIONS, TransitionError
from lawreq.i18n import _
from lawreq.web.terms import term

bp = Blueprint("legal_requests", __name__)
UNIT_ROLES = ("investigator", "liaison_officer", "admin")


def ctx() -> services.Ctx:
    return services.Ctx(actor=current_user._get_current_object(), audit_key=current_app.config["AUDIT_KEY"].encode(),
                        rules=current_app.extensions["lawreq.rules"],
                        signing=current_app.extensions.get("lawreq.signing"))


def _units() -> list[Unit]:
    if current_user.role == "admin":
        return list(db.session.scalars(select(Unit).order_by(Unit.name)))
    return list(current_user.units)


@bp.route("/cases")
@roles_required(*UNIT_ROLES)
def cases():
    rows = db.session.scalars(select(Case).where(permissions.visible_cases(current_user))
                              .order_by(Case.updated_at.desc()).limit(200))
    return render_template("legal_requests/cases.html", cases=list(rows))


@bp.route("/cases/new", methods=["GET", "POST"])
@roles_required("investigator", "admin")
def new_case():
    units = _units()
    require(bool(units), 403)
    form = CaseForm(rules=current_app.extensions["lawreq.rules"], units=units)
    if form.validate_on_submit():
        unit = next((u for u in units if u.id == form.unit.data), None)
        require(unit is not None)
        try:
            case = services.create_case(
                db.session, ctx(), unit, reference=form.reference.data, offence=form.offence.data,
                max_penalty_years=float(form.max_penalty_years.data) if form.max_penalty_years.data is not None else None,
                summary=form.summary.data, offence_country=form.offence_country.data,
                committed_online=form.committed_online.data, title=form.title.data)
            db.session.commit()
        except IntegrityError:
            db.session.rollback()
            form.reference.errors.append(_("Your unit already has a case with this reference."))
        else:
            flash(_("Case %(reference)s created.", reference=case.reference), "success")
            return redirect(url_for("legal_requests.case", case_id=case.id))
    return render_template("legal_requests/case_form.html", form=form)


@bp.route("/cases/<int:case_id>")
@roles_required(*UNIT_ROLES)
def case(case_id: int):
    case = case_or_404(db.session, current_user, case_id)
    rows = db.session.scalars(select(LegalRequest).where(LegalRequest.case_id == case.id,
                                                         permissions.visible_requests(current_user))
                              .order_by(LegalRequest.created_at.desc()))
    return render_template("legal_requests/case.html", case=case, requests=list(rows),
                           offence=current_app.extensions["lawreq.rules"].offences.get(case.offence),
                           start_form=ActionForm(), can_start=current_user.role in ("investigator", "admin"))


@bp.route("/cases/<int:case_id>/edit", methods=["GET", "POST"])
@roles_required("investigator", "admin")
def edit_case(case_id: int):
    """Correct a case after opening it; the unit's own members only (another unit's case is a 404)."""
    case = case_or_404(db.session, current_user, case_id)
    form = CaseForm(obj=case if request.method == "GET" else None, rules=current_app.extensions["lawreq.rules"],
                    units=[case.unit])
    del form.unit
    if request.method == "GET" and case.offence_country:
        form.offence_country.data = case.offence_country
    if form.validate_on_submit():
        penalty = float(form.max_penalty_years.data) if form.max_penalty_years.data is not None else None
        try:
            changed = services.update_case(
                db.session, ctx(), case, reference=form.reference.data.strip(),
                title=(form.title.data or "").strip() or None, summary=form.summary.data, offence=form.offence.data,
                max_penalty_years=penalty, offence_country=form.offence_country.data,
                committed_online=form.committed_online.data)
            db.session.commit()
        except services.NotPermitted:
            db.session.rollback()
            abort(403)
        except IntegrityError:
            db.session.rollback()
            form.reference.errors.append(_("Your unit already has a case with this reference."))
        else:
            flash(_("Case %(reference)s saved (%(fields)s changed).", reference=case.reference,
                    fields=", ".join(term(c) for c in changed)) if changed else _("Nothing was changed."),
                  "success" if changed else "info")
            return redirect(url_for("legal_requests.case", case_id=case.id))
    return render_template("legal_requests/case_form.html", form=form, case=case)


@bp.route("/cases/<int:case_id>/requests", methods=["POST"])
@roles_required("investigator", "admin")
def start_request(case_id: int):
    case = case_or_404(db.session, current_user, case_id)
    req = services.start_request(db.session, ctx(), case)
    db.session.commit()
    return redirect(_wizard_url(req))


def _wizard_url(req: LegalRequest) -> str:
    if "wizard.step" in current_app.view_functions:
        return url_for("wizard.step", request_id=req.id, step=req.wizard_step)
    return url_for("legal_requests.detail", request_id=req.id)


@bp.route("/requests/<int:request_id>")
@roles_required()
def detail(request_id: int):
    req = request_or_404(db.session, current_user, request_id)
    deadlines = list(db.session.scalars(select(Deadline).where(Deadline.request_id == req.id)
                                        .order_by(Deadline.due_at)))
    rules = current_app.extensions["lawreq.rules"]
    # Approving and validating need a fresh second factor: their own pages take them, not this page's forms.
    actions = [a for a in services.available_actions(db.session, current_user, req, rules)
               if a.name not in services.STEP_UP_ACTIONS]
    form = ActionForm(version=str(req.version))
    return render_template("legal_requests/detail.html", req=req, deadlines=deadlines, actions=actions, form=form,
                           provider=rules.providers.get(req.provider_id or ""), wizard_url=_wizard_url(req),
                           addressee_zone=_addressee_zone(req, rules), form_info=_form_spec(req),
                           follow_on=follow_on_forms(db.session, req), follow_on_labels=FOLLOW_ON,
                           issued=issuance.history(db.session, req), decisions=_decisions(req),
                           signed=issued_by(req, route_of(req, rules)),
                           can_validate=permissions.can_validate(current_user, req),
                           signing_state=issuance.keys_status(current_app.extensions.get("lawreq.signing"),
                                                              req.unit, utcnow())[0],
                           children=list(db.session.scalars(select(LegalRequest).where(
                               LegalRequest.parent_id == req.id, permissions.visible_requests(current_user)))))


#: History entries the request page lists as decisions about the document.
_DECISIONS = ("submit", "submit_for_approval", "approve", "return", "reject", "reopened", "withdraw", "validate",
              "refuse_validation")


def _decisions(req: LegalRequest) -> list:
    return [e for e in req.events if e.action in _DECISIONS]


def _form_spec(req: LegalRequest) -> FormSpec | None:
    """The request's form with its languages and how official its wording is, for the download control."""
    try:
        return form_spec(req.form_id or "cover_sheet")
    except FormError:
        return None


def _addressee_zone(req: LegalRequest, rules) -> str:
    country = rules.countries.get(req.addressee_country or "")
    return country.timezone if country else "UTC"


@bp.route("/requests/<int:request_id>/actions/<action>", methods=["POST"])
@roles_required()
def act(request_id: int, action: str):
    req = request_or_404(db.session, current_user, request_id)
    form = ActionForm()
    if action not in ACTIONS and action != "extend_preservation":
        abort(404)
    if action in services.STEP_UP_ACTIONS:  # a deliberate act with a fresh second factor, on its own page
        if action == "approve" and permissions.can_approve(current_user, req):
            return redirect(url_for("approvals.review", request_id=req.id))
        if action != "approve" and permissions.can_validate(current_user, req):
            return redirect(url_for("approvals.validate", request_id=req.id))
        abort(403)
    if not form.validate_on_submit():
        flash(_("The form was incomplete: %(errors)s", errors="; ".join(f"{k}: {' '.join(str(e) for e in v)}"
                                                                   for k, v in form.errors.items())), "error")
        return redirect(url_for("legal_requests.detail", request_id=req.id))
    data = {k: v for k, v in {
        "channel": form.channel.data, "provider_reference": form.provider_reference.data,
        "reason": form.reason.data, "received": form.received.data,
        "received_at": _local_to_utc(form.received_at.data),
        "impossibility_reasons": form.impossibility_reasons.data,
    }.items() if v}
    try:
        services.transition(db.session, ctx(), req, action, note=form.note.data or None, data=data,
                            expected_version=int(form.version.data))
        db.session.commit()
    except services.NotPermitted:
        db.session.rollback()
        abort(403)
    except (TransitionError, services.ConflictError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(_("%(reference)s: %(done)s.", reference=req.reference,
                done=term(action) if action in ACTIONS else _("Preservation extended")), "success")
    return redirect(url_for("legal_requests.detail", request_id=request_id))


def _local_to_utc(value: datetime | None) -> datetime | None:
    """The form's local wall time, read in the viewer's zone, stored in UTC."""
    if value is None:
        return None
    return value.replace(tzinfo=viewer_zone()).astimezone(ZoneInfo("UTC"))


@bp.route("/requests/<int:request_id>/document.pdf")
@roles_required()
def document(request_id: int):
    """The request's form as PDF (cover sheet first), in the addressee's language or ``?lang=xx``; audited."""
    req = request_or_404(db.session, current_user, request_id)
    require(permissions.can_download(current_user, req) and req.route_id is not None)
    lang = request.args.get("lang") or None
    if lang is not None and not re.fullmatch(r"[a-z]{2}", lang):
        abort(404)
    form = request.args.get("form") or None
    try:
        filename, pdf, issued = issuance.download(db.session, req, current_app.extensions["lawreq.rules"], lang=lang,
                                                  form=form, invariant=current_app.config["PDF_INVARIANT"])
    except FormUnavailable:
        abort(404)
    except (FormError, issuance.OtherLanguage) as exc:
        flash(_("The document cannot be produced: %(reason)s", reason=exc), "error")
        return redirect(url_for("legal_requests.detail", request_id=req.id))
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=current_user._get_current_object(),
           action="document.downloaded", obj=req,
           detail={"form": form or req.form_id, "lang": lang, "sha256": hashlib.sha256(pdf).hexdigest(),
                   "issued_document": issued.id if issued else None})
    db.session.commit()
    return send_file(BytesIO(pdf), mimetype="application/pdf", download_name=filename, as_attachment=True)
