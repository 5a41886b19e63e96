"""The approval queue (blueprint ``approvals``): requests routed to the approver's authority and units, emergencies
first with their clocks; a review page with everything the approver must check; approve, return or reject.

Scope comes from ``permissions.visible_requests`` (authority group + unit); four eyes from ``can_approve``; the
signature (name, authority, time) is written by ``services.transition`` into the request and the audit log.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select
from sqlalchemy.orm.exc import StaleDataError
from wtforms import HiddenField, SubmitField, TextAreaField
from wtforms.validators import DataRequired, Length

from lawreq import db
from lawreq.auth.decorators import roles_required
from lawreq.legal_requests import permissions, services
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.queries import request_or_404
from lawreq.legal_requests.views import ctx
from lawreq.legal_requests.wizard_views import chosen_route, duplicates_of, review_risks
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
    approve = SubmitField(_l("Approve and sign"))
    send_back = SubmitField(_l("Return with comments"))
    reject = SubmitField(_l("Reject"))

    def decision(self) -> str | None:
        return "approve" if self.approve.data else "return" if self.send_back.data else \
            "reject" if self.reject.data else None

    def validate(self, extra_validators: Any = None) -> bool:
        valid = super().validate(extra_validators)
        if self.decision() is None:
            self.comment.errors.append("Choose a decision: approve, return or reject.")
            return False
        if self.decision() in ("return", "reject") and not (self.comment.data or "").strip():
            self.comment.errors.append("Say why: a comment is required to return or reject a request.")
            return False
        return valid


def queue_query(user: Any) -> Any:
    """Awaiting approval, routed to ``user``: emergencies first, then the longest waiting."""
    return (select(LegalRequest)
            .where(permissions.visible_requests(user), LegalRequest.state == "awaiting_approval")
            .order_by(LegalRequest.emergency.desc(), LegalRequest.submitted_at.asc(), LegalRequest.id.asc()))


@bp.route("/approvals")
@roles_required("approver")
def queue() -> Any:
    rows = list(db.session.scalars(queue_query(current_user).limit(500)))
    return render_template("approvals/queue.html", rows=rows, response=EMERGENCY_RESPONSE,
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
            return _decide(req, form)
    route = chosen_route(req)
    return render_template("approvals/review.html", req=req, form=form, route=route,
                           risks=review_risks(req, route, duplicates_of(req)) if req.state == "awaiting_approval" else [],
                           accepted=req.details.get("accepted_risks") or {},
                           can_decide=permissions.can_approve(current_user, req),
                           response=EMERGENCY_RESPONSE, validation=EX_POST_VALIDATION, cites=CLOCK_CITES)


def _version(form: DecisionForm) -> int:
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
    words = {"approve": _("%(reference)s approved and signed."), "return": _("%(reference)s returned to the investigator."),
             "reject": _("%(reference)s rejected.")}
    flash(words[action] % {"reference": req.reference}, "success")
    return redirect(url_for(".queue"))
