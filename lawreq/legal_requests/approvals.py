"""The approval queue (blueprint ``approvals``): requests routed to the approver's authority and units, emergencies
first with their clocks; a review page with everything the approver must check; approve, return or reject.

Approving is a deliberate act in two steps: "Approve and sign…" draws the document up exactly as it will be
issued (``issuance.prepare``) and shows it with its checksum; signing then needs a fresh second-factor code (even
within a session), an explicit confirmation, and the same version of the request. Returning or rejecting needs a
reason, shown to the author. Scope comes from ``permissions.visible_requests`` (authority group + unit); four eyes
from ``can_approve`` (nobody who created, edited or submitted the request).
"""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta
from io import BytesIO
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, send_file, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import BooleanField, HiddenField, StringField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lawreq import db
from lawreq.audit.services import record
from lawreq.auth import totp
from lawreq.auth.decorators import roles_required
from lawreq.auth.services import count_failure
from lawreq.core.clock import utcnow
from lawreq.deadlines.models import Deadline
from lawreq.i18n import _, lazy_gettext
from lawreq.legal_requests import issuance, permissions, services
from lawreq.legal_requests.documents import Issuance
from lawreq.legal_requests.documents import issuance as issued_by
from lawreq.legal_requests.issued import IssuedDocument
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.queries import request_or_404
from lawreq.legal_requests.views import ctx
from lawreq.legal_requests.wizard_views import chosen_route, duplicates_of, review_risks
from lawreq.signing import SigningError
from lawreq.workflow.states import TransitionError
from lawreq.i18n import _
from lawreq.i18n import lazy_gettext as _l

bp = Blueprint("approvals", __name__)

#: Emergency clocks from submission (legal_brief.md §2: Reg. (EU) 2023/1543 Art. 10(4) [V], Art. 4(5) [V2]).
EMERGENCY_RESPONSE = timedelta(hours=8)
EX_POST_VALIDATION = timedelta(hours=48)
CLOCK_CITES = (("Reg. (EU) 2023/1543 Art. 10(4)", "https://gesetze.legal/eu/vo_eu_2023_1543/10"),
               ("Reg. (EU) 2023/1543 Art. 4(5)", "https://gesetze.legal/eu/vo_eu_2023_1543/4"))


class DecisionForm(FlaskForm):
    comment = TextAreaField(_l("Comment"), validators=[Length(max=4000)],
                            description=_l("Required to return or reject: say what must change or why."))
    version = HiddenField(validators=[DataRequired()])
    approve = SubmitField(_l("Approve and sign…"))
    send_back = SubmitField(_l("Return with comments"))
    reject = SubmitField(_l("Reject"))

    def decision(self) -> str | None:
        return "approve" if self.approve.data else "return" if self.send_back.data else \
            "reject" if self.reject.data else None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision() is None:
            self.comment.errors.append(_("Choose a decision: approve, return or reject."))
            return False
        if self.decision() in ("return", "reject") and not (self.comment.data or "").strip():
            self.comment.errors.append(_("Say why: a comment is required to return or reject a request."))
            return False
        return valid


class SignForm(FlaskForm):
    """The second step: the document read, a fresh code typed, the confirmation ticked."""

    prepared = HiddenField(validators=[DataRequired()])
    version = HiddenField(validators=[DataRequired()])
    code = StringField(lazy_gettext("Second-factor code"), validators=[DataRequired(), Length(min=6, max=8)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
                       description=lazy_gettext("A fresh code from your authenticator app, even if you logged in "
                                                "a minute ago."))
    confirm = BooleanField(lazy_gettext("I have read this document and issue it with my signature."),
                           validators=[DataRequired(lazy_gettext("Tick the confirmation to sign."))])
    sign = SubmitField(lazy_gettext("Sign and issue"))


class ValidationForm(FlaskForm):
    """Ex-post validation (Reg. (EU) 2023/1543 Art. 4(5)): validate or refuse, a fresh code, the confirmation."""

    version = HiddenField(validators=[DataRequired()])
    comment = TextAreaField(lazy_gettext("Reason"), validators=[Length(max=4000)],
                            description=lazy_gettext("Required to refuse validation: say why."))
    code = StringField(lazy_gettext("Second-factor code"), validators=[DataRequired(), Length(min=6, max=8)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
                       description=lazy_gettext("A fresh code from your authenticator app, even if you logged in "
                                                "a minute ago."))
    confirm = BooleanField(lazy_gettext("I have read the order as it was issued and decide on its validation."),
                           validators=[DataRequired(lazy_gettext("Tick the confirmation to decide."))])
    validate_order = SubmitField(lazy_gettext("Validate and sign"))
    refuse = SubmitField(lazy_gettext("Refuse validation (withdraws the order)"))

    def decision(self) -> str | None:
        return "validate" if self.validate_order.data else "refuse_validation" if self.refuse.data else None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision() is None:
            self.comment.errors.append(_("Choose: validate the order or refuse validation."))
            return False
        if self.decision() == "refuse_validation" and not (self.comment.data or "").strip():
            self.comment.errors.append(_("Say why: a reason is required to refuse validation."))
            return False
        return valid


def validation_query(user: Any) -> Any:
    """Orders issued without prior validation whose validation falls to ``user``'s group: the oldest first."""
    return (select(LegalRequest).where(permissions.awaiting_validation_clause(user))
            .order_by(LegalRequest.submitted_at.asc(), LegalRequest.id.asc()))


def queue_query(user: Any) -> Any:
    """Awaiting approval, routed to ``user``: emergencies first, then the longest waiting."""
    return (select(LegalRequest)
            .where(permissions.visible_requests(user), LegalRequest.state == "awaiting_approval")
            .order_by(LegalRequest.emergency.desc(), LegalRequest.submitted_at.asc(), LegalRequest.id.asc()))


@bp.route("/approvals")
@roles_required("approver")
def queue() -> Any:
    rows = list(db.session.scalars(queue_query(current_user).limit(500)))
    to_validate = list(db.session.scalars(validation_query(current_user).limit(500)))
    return render_template("approvals/queue.html", rows=rows, to_validate=to_validate, response=EMERGENCY_RESPONSE,
                           validation=EX_POST_VALIDATION, cites=CLOCK_CITES)


@bp.route("/approvals/<int:request_id>", methods=["GET", "POST"])
@roles_required("approver")
def review(request_id: int) -> Any:
    req = request_or_404(db.session, current_user, request_id)
    form = DecisionForm(version=str(req.version))
    if form.is_submitted():
        if not permissions.can_approve(current_user, req):
            abort(403)
        if form.validate():
            if form.decision() == "approve":
                return _prepare(req, form)
            return _decide(req, form)
    return _review_page(req, form)


def _review_page(req: LegalRequest, form: DecisionForm) -> Any:
    route = chosen_route(req)
    return render_template("approvals/review.html", req=req, form=form, route=route,
                           risks=review_risks(req, route, duplicates_of(req)) if req.state == "awaiting_approval" else [],
                           accepted=req.details.get("accepted_risks") or {},
                           can_decide=permissions.can_approve(current_user, req),
                           can_validate=permissions.can_validate(current_user, req), signed=_signed(req, route),
                           response=EMERGENCY_RESPONSE, validation=EX_POST_VALIDATION, cites=CLOCK_CITES)


def _signed(req: LegalRequest, route: Any) -> Issuance:
    """Who signed and who validated, from the approval record (never from the request's details)."""
    return issued_by(req, route)


@bp.route("/approvals/<int:request_id>/validate", methods=["GET", "POST"])
@roles_required("approver")
def validate(request_id: int) -> Any:
    """Ex-post validation of an order issued without prior validation (Reg. (EU) 2023/1543 Art. 4(5)): like
    signing, a deliberate act with a fresh second factor. Validating meets the 48-hour clock and issues a new
    version of the document whose Section J names the validator; refusing withdraws the order."""
    req = request_or_404(db.session, current_user, request_id)
    if not permissions.can_validate(current_user, req):
        abort(404)  # nothing of this request awaits this approver's validation
    form = ValidationForm(version=str(req.version))
    if not form.is_submitted():
        return _validation_page(req, form)
    if not form.validate():
        return _validation_page(req, form, 422)
    user = current_user._get_current_object()
    now = utcnow()
    if user.totp_secret is None:
        form.code.errors.append(_("Validating needs a second factor: enrol one on your account page first."))
        return _validation_page(req, form, 422)
    step = totp.verify(user.totp_secret, form.code.data or "", user.totp_last_timecode, now)
    if step is None or (user.locked_until is not None and user.locked_until > now):
        count_failure(db.session, user, now, current_app.config)
        record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=user, action="validation.step_up_failed",
               obj=req)
        db.session.commit()
        form.code.errors.append(_("That code is wrong, already used or too old: type the current one."))
        return _validation_page(req, form, 422)
    user.totp_last_timecode, user.failed_logins = step, 0
    action = form.decision()
    try:
        services.transition(db.session, _ctx(now=now), req, action, note=(form.comment.data or "").strip() or None,
                            expected_version=_version(form))
        db.session.commit()
    except (TransitionError, SigningError) as exc:
        db.session.rollback()
        flash(_("Nothing was recorded: %(why)s", why=str(exc)), "error")
        return redirect(url_for(".queue"))
    except (services.ConflictError, StaleDataError):
        db.session.rollback()
        flash(_("%(ref)s changed since you opened it: review it again.", ref=req.reference), "error")
        return redirect(url_for(".queue"))
    if action == "validate":
        flash(_("%(ref)s validated: the 48-hour clock is met and the document now names you in Section J.",
                ref=req.reference), "success")
    else:
        flash(_("%(ref)s: validation refused, the order is withdrawn.", ref=req.reference), "success")
    return redirect(url_for(".queue"))


def _validation_page(req: LegalRequest, form: ValidationForm, status: int = 200) -> Any:
    clock = db.session.scalar(select(Deadline).where(Deadline.request_id == req.id,
                                                      Deadline.kind == "ex_post_validation")
                              .order_by(Deadline.id.desc()).limit(1))
    return render_template("approvals/validate.html", req=req, form=form, clock=clock,
                           document=issuance.current(db.session, req), cites=CLOCK_CITES,
                           due=(req.decided_at or req.submitted_at) + EX_POST_VALIDATION,
                           has_factor=current_user.totp_secret is not None), status


def _ctx(**changes: Any) -> services.Ctx:
    return replace(ctx(), **changes) if changes else ctx()


def _prepare(req: LegalRequest, form: DecisionForm) -> Any:
    """Step one of approving: draw the document up and show it, with the checksum the signature will cover."""
    if _version(form) != req.version:
        flash(_("%(ref)s changed since you opened it: review it again.", ref=req.reference), "error")
        return redirect(url_for(".review", request_id=req.id))
    if not issuance.has_document(req):  # a route with no form of its own: the step-up still applies
        return _sign_page(req, None, SignForm(prepared=NO_DOCUMENT, version=str(req.version)))
    try:
        prepared = issuance.prepare(db.session, ctx(), req)
        db.session.commit()
    except (TransitionError, services.ConflictError, StaleDataError) as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".review", request_id=req.id))
    return _sign_page(req, prepared, SignForm(prepared=str(prepared.id), version=str(req.version)))


#: The sign form's ``prepared`` value when the route has no document of its own to issue.
NO_DOCUMENT = "none"


def _sign_page(req: LegalRequest, prepared: IssuedDocument | None, form: SignForm, status: int = 200) -> Any:
    keys = current_app.extensions.get("lawreq.signing")
    key_state, key_text = issuance.keys_status(keys, req.unit, utcnow())
    return render_template("approvals/sign.html", req=req, prepared=prepared, form=form, key_state=key_state,
                           key_text=key_text, has_factor=current_user.totp_secret is not None,
                           max_minutes=current_app.config["SIGNING_PREPARED_MINUTES"]), status


@bp.route("/approvals/<int:request_id>/sign", methods=["POST"])
@roles_required("approver")
def sign(request_id: int) -> Any:
    """Step two: a fresh second factor and the explicit confirmation, then the prepared bytes are signed and
    stored as the request's issued document."""
    req = request_or_404(db.session, current_user, request_id)
    if not permissions.can_approve(current_user, req):
        abort(403)
    form = SignForm()
    now = utcnow()
    prepared: IssuedDocument | None = None
    if not (form.prepared.data == NO_DOCUMENT and not issuance.has_document(req)):
        try:
            prepared_id = int(form.prepared.data or "")
        except ValueError:
            abort(404)
        try:
            prepared = issuance.prepared_for(db.session, req, prepared_id, current_user, now,
                                             timedelta(minutes=current_app.config["SIGNING_PREPARED_MINUTES"]))
        except issuance.PreparedInvalid as exc:
            flash(str(exc), "error")
            return redirect(url_for(".review", request_id=req.id))
    if not form.validate():
        return _sign_page(req, prepared, form, 422)
    user = current_user._get_current_object()
    if user.totp_secret is None:
        form.code.errors.append(_("Signing needs a second factor: enrol one on your account page first."))
        return _sign_page(req, prepared, form, 422)
    step = totp.verify(user.totp_secret, form.code.data or "", user.totp_last_timecode, now)
    if step is None or (user.locked_until is not None and user.locked_until > now):
        count_failure(db.session, user, now, current_app.config)
        record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=user, action="approval.step_up_failed",
               obj=req)
        db.session.commit()
        form.code.errors.append(_("That code is wrong, already used or too old: type the current one."))
        return _sign_page(req, prepared, form, 422)
    user.totp_last_timecode, user.failed_logins = step, 0
    try:
        # The approval is dated when the approver drew the document up: that is the record the document prints.
        services.transition(db.session, _ctx(now=prepared.approved_at if prepared else now), req, "approve",
                            expected_version=_version(form), prepared=prepared)
        db.session.commit()
    except (TransitionError, SigningError) as exc:
        db.session.rollback()
        flash(_("Nothing was issued: %(why)s", why=str(exc)), "error")
        return redirect(url_for(".review", request_id=req.id))
    except (services.ConflictError, StaleDataError):
        db.session.rollback()
        flash(_("%(ref)s changed since you opened it: review it again.", ref=req.reference), "error")
        return redirect(url_for(".review", request_id=req.id))
    flash(_("%(ref)s approved, signed and issued.", ref=req.reference), "success")
    return redirect(url_for(".queue"))


@bp.route("/approvals/<int:request_id>/prepared/<int:document_id>.pdf")
@roles_required("approver")
def prepared_pdf(request_id: int, document_id: int) -> Any:
    """The drawn-up document, exactly the bytes the signature will be added to; only for the approver who drew it
    up, only while it waits for the confirmation."""
    req = request_or_404(db.session, current_user, request_id)
    row = db.session.get(IssuedDocument, document_id)
    if row is None or row.request_id != req.id or row.status != "prepared" or row.approved_by_id != current_user.id:
        abort(404)
    resp = send_file(BytesIO(row.pdf), mimetype="application/pdf", download_name=row.filename,
                     as_attachment=request.args.get("download") == "1")
    # The app's page policy forbids plugins (object-src 'none'), which would also stop the browser's PDF viewer
    # from showing this one document inline; it runs no script of ours either way.
    resp.headers["Content-Security-Policy"] = "default-src 'none'; object-src 'self'; frame-ancestors 'none'"
    return resp


def _version(form: Any) -> int:
    try:
        return int(form.version.data)
    except (TypeError, ValueError):
        return -1


def _decide(req: LegalRequest, form: DecisionForm) -> Any:
    action = form.decision()
    try:
        services.transition(db.session, ctx(), req, action, note=(form.comment.data or "").strip() or None,
                            expected_version=_version(form))
        db.session.commit()
    except TransitionError as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return redirect(url_for(".review", request_id=req.id))
    except (services.ConflictError, StaleDataError):
        db.session.rollback()
        flash(_("%(reference)s changed since you opened it: review it again.", reference=req.reference), "error")
        return redirect(url_for(".review", request_id=req.id))
    words = {"return": _("%(reference)s returned to the investigator."), "reject": _("%(reference)s rejected.")}
    flash(words[action] % {"reference": req.reference}, "success")
    return redirect(url_for(".queue"))
