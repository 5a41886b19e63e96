"""Blueprint ``answers``: upload what a provider sent back, download it (always as an attachment), and record the
outcome per identifier. Scoping is the request's: a request the user cannot see is a 404, and so is a file of it."""

from __future__ import annotations

from io import BytesIO
from pathlib import Path
from typing import Any

from flask import Blueprint, abort, current_app, flash, redirect, send_file, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from lawreq import db
from lawreq.answers import services, storage
from lawreq.answers.forms import OutcomesForm, UploadForm, outcome_inputs
from lawreq.auth.decorators import roles_required
from lawreq.i18n import _
from lawreq.legal_requests.queries import request_or_404
from lawreq.legal_requests.services import ConflictError, NotPermitted
from lawreq.legal_requests.views import ctx

bp = Blueprint("answers", __name__)


def answers_root() -> Path:
    """Where the files live: ``ANSWERS_DIR`` or ``<instance>/answers`` (never under ``static``)."""
    configured = current_app.config.get("ANSWERS_DIR")
    return Path(configured) if configured else Path(current_app.instance_path) / "answers"


def _back(req: Any) -> Any:
    return redirect(url_for("legal_requests.detail", request_id=req.id) + "#answer")


@bp.route("/requests/<int:request_id>/answers", methods=["POST"])
@roles_required("liaison_officer", "admin")
def upload(request_id: int) -> Any:
    req = request_or_404(db.session, current_user, request_id)
    form = UploadForm()
    if not form.validate_on_submit():
        flash(_("The file was not accepted: %(why)s",
                why="; ".join(" ".join(v) for v in form.errors.values())), "error")
        return _back(req)
    upload_file = form.file.data
    data = upload_file.read(int(current_app.config["ATTACHMENT_MAX_BYTES"]) + 1)
    try:
        row = services.upload(db.session, ctx(), req, filename=upload_file.filename or "", data=data,
                              root=answers_root(), max_bytes=int(current_app.config["ATTACHMENT_MAX_BYTES"]),
                              antivirus=current_app.config.get("ANTIVIRUS_COMMAND"))
        db.session.commit()
    except storage.UnacceptableFile as exc:
        db.session.rollback()
        flash(_("%(name)s was refused: %(why)s", name=upload_file.filename, why=str(exc)), "error")
        return _back(req)
    except NotPermitted:
        db.session.rollback()
        abort(403)
    flash(_("%(name)s is on file (SHA-256 %(digest)s).", name=row.filename, digest=row.sha256[:16] + "…"), "success")
    return _back(req)


@bp.route("/requests/<int:request_id>/answers/<int:file_id>")
@roles_required()
def download(request_id: int, file_id: int) -> Any:
    req = request_or_404(db.session, current_user, request_id)
    try:
        row, data = services.download(db.session, ctx(), req, file_id, answers_root())
    except (LookupError, FileNotFoundError):
        abort(404)
    db.session.commit()
    response = send_file(BytesIO(data), mimetype="application/octet-stream", as_attachment=True,
                         download_name=row.filename, max_age=0)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


@bp.route("/requests/<int:request_id>/outcomes", methods=["POST"])
@roles_required("liaison_officer", "admin")
def outcomes(request_id: int) -> Any:
    req = request_or_404(db.session, current_user, request_id)
    form = OutcomesForm()
    if not form.validate_on_submit():
        flash(_("The form expired; please try again."), "error")
        return _back(req)
    if int(form.version.data or -1) != req.version:
        flash(_("%(ref)s changed since you opened it: check and record again.", ref=req.reference), "error")
        return _back(req)
    items = outcome_inputs(req)
    if not items:
        flash(_("Choose an outcome for at least one identifier."), "error")
        return _back(req)
    try:
        action = services.record_outcomes(db.session, ctx(), req, items)
        db.session.commit()
    except services.OutcomeErrors as exc:
        db.session.rollback()
        flash(_("Nothing was recorded: %(why)s", why=str(exc)), "error")
        return _back(req)
    except NotPermitted:
        db.session.rollback()
        abort(403)
    except (ConflictError, StaleDataError):
        db.session.rollback()
        flash(_("%(ref)s changed since you opened it: check and record again.", ref=req.reference), "error")
        return _back(req)
    words = {"fulfil": _("the request is fulfilled"), "partially_fulfil": _("the request is partly fulfilled"),
             "refuse": _("the request is refused by the addressee")}
    flash(_("Outcome recorded for %(n)s identifier(s)", n=len(items))
          + (f"; {words[action]}." if action else "."), "success")
    return _back(req)


@bp.app_context_processor
def _answer_panel() -> dict[str, Any]:
    """``answer_panel(req)`` for the request page's partial, so that page's view needs no change."""
    def answer_panel(req: Any) -> dict[str, Any]:
        from lawreq.answers.forms import OUTCOME_LABELS
        from lawreq.pdf.forms.eu import IMPOSSIBILITY_REASONS
        from lawreq.pdf.labels import Labels

        labels = Labels("en")
        return {"files": services.files_of(db.session, req), "outcomes": services.outcomes_of(db.session, req),
                "can_handle": services.can_handle(current_user, req), "upload_form": UploadForm(),
                "outcome_form": OutcomesForm(version=str(req.version)), "outcome_labels": OUTCOME_LABELS,
                "reasons": [(c, labels.text(f"reason_{c.lower()}")) for c in IMPOSSIBILITY_REASONS],
                "max_bytes": int(current_app.config["ATTACHMENT_MAX_BYTES"])}
    return {"answer_panel": answer_panel}
