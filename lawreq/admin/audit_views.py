"""The audit page for admins (blueprint ``audit_admin`` under ``/admin``): filter the log by user, request,
action and date; export what is filtered as CSV (cells a spreadsheet cannot run, like the board's export); and
verify the whole hash chain on demand, showing "intact" or the first broken entry (``lawreq.audit.chain``).

Every export and every verification is itself audited: who took the log out, and when it was checked.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context
from flask_login import current_user
from flask_wtf import FlaskForm
from wtforms import DateField, StringField
from wtforms.validators import Length, Optional

from lawreq import db
from lawreq.audit import queries
from lawreq.audit.services import record, verify_log
from lawreq.auth.decorators import roles_required
from lawreq.board import csv
from lawreq.core.clock import utcnow
from lawreq.i18n import lazy_gettext as _l

bp = Blueprint("audit_admin", __name__, url_prefix="/admin")
CSV_HEADER = ["seq", "at_utc", "actor", "action", "object_type", "object_id", "detail", "before_digest",
              "after_digest", "hash"]


class AuditFilterForm(FlaskForm):
    class Meta:
        csrf = False  # a GET filter changes nothing

    user = StringField(_l("User (e-mail)"), validators=[Optional(), Length(max=320)])
    request = StringField(_l("Request (reference or id)"), validators=[Optional(), Length(max=40)])
    action = StringField(_l("Action"), validators=[Optional(), Length(max=60)],
                         description=_l("Exact, or a prefix ending in a dot: request."))
    since = DateField(_l("From (UTC)"), validators=[Optional()])
    until = DateField(_l("Until (UTC, inclusive)"), validators=[Optional()])

    def filters(self, before_seq: int | None = None) -> queries.AuditFilters:
        return queries.AuditFilters(user=self.user.data or "", request=self.request.data or "",
                                    action=self.action.data or "", since=self.since.data, until=self.until.data,
                                    before_seq=before_seq)


def _form() -> AuditFilterForm:
    return AuditFilterForm(formdata=request.args)


def _before() -> int | None:
    raw = request.args.get("before", "")
    return int(raw) if raw.isdigit() else None


@bp.route("/audit", methods=["GET"])
@roles_required("admin")
def index() -> Any:
    form = _form()
    valid = form.validate()
    rows = queries.page(db.session, form.filters(_before())) if valid else []
    return render_template("admin/audit.html", form=form, rows=rows, describe=queries.describe,
                           actions=queries.actions(db.session), args=form.filters().query_args() if valid else {},
                           verification=None, active="audit")


@bp.route("/audit/export.csv")
@roles_required("admin")
def export() -> Any:
    form = _form()
    if not form.validate():
        errors = "; ".join(e for field_errors in form.errors.values() for e in field_errors)
        return Response(f"Cannot export: {errors}\n", status=400, mimetype="text/plain")
    filters = form.filters()
    now = utcnow()
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=current_user._get_current_object(),
           action="audit.exported", object_type="audit_entries", detail={"filters": filters.query_args()})
    db.session.commit()

    def rows():
        yield CSV_HEADER
        for e in queries.all_matching(db.session, filters):
            yield [e.seq, e.at.isoformat(timespec="seconds"), e.actor, e.action, e.object_type, e.object_id,
                   queries.describe(e), e.before_digest, e.after_digest, e.hash]

    return Response(stream_with_context(csv.stream(rows())), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=lawreq-audit-{now:%Y%m%d-%H%M}.csv",
                             "X-Content-Type-Options": "nosniff"})


@bp.route("/audit/verify", methods=["POST"])
@roles_required("admin")
def verify() -> Any:
    """Walk the whole chain now; the result is shown on the page (and recorded, after the check)."""
    key = current_app.config["AUDIT_KEY"].encode()
    count, broken = verify_log(db.session, key)
    record(db.session, key, actor=current_user._get_current_object(), action="audit.verified",
           object_type="audit_entries", detail={"entries": count, "intact": broken is None,
                                                "first_broken_seq": broken.seq if broken else None})
    db.session.commit()
    form = AuditFilterForm(formdata=None)
    first = None
    if broken is not None:
        from lawreq.audit.models import AuditEntry

        first = db.session.get(AuditEntry, broken.seq)
    return render_template("admin/audit.html", form=form, rows=queries.page(db.session, form.filters()),
                           describe=queries.describe, actions=queries.actions(db.session), args={},
                           verification={"count": count, "broken": broken, "entry": first}, active="audit")


@bp.app_context_processor
def _request_audit() -> dict[str, Any]:
    """``request_audit(req)`` for the request page: its audit trail, for whoever may see the request (the page
    itself is scoped; this adds no access of its own)."""
    def request_audit(req: Any) -> list[tuple[Any, str]]:
        return [(e, queries.describe(e)) for e in queries.for_request(db.session, req)]
    return {"request_audit": request_audit}
