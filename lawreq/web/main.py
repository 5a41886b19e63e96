"""The home page: what needs me now, per role; plus a health check for the reverse proxy."""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, current_app, redirect, render_template, url_for
from flask_login import current_user
from sqlalchemy import func, select

from lawreq import db
from lawreq.auth.decorators import public, roles_required
from lawreq.core.clock import utcnow
from lawreq.deadlines.models import Deadline, Notification
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests
from lawreq.workflow.states import IN_FLIGHT
from lawreq.i18n import lazy_gettext as _l

bp = Blueprint("web", __name__)


@bp.route("/healthz")
@public
def health():
    from lawreq.ops.views import health_report

    report, status = health_report()
    return {**report, "rules_version": current_app.extensions["lawreq.rules"].version}, status


@bp.route("/favicon.ico")
@public
def favicon():
    """Browsers ask for /favicon.ico whatever the page links; answer with the packaged icon."""
    return redirect(url_for("static", filename="favicon.svg"), code=301)


@bp.route("/")
@public
def index():
    return redirect(url_for("web.home" if current_user.is_authenticated else "auth.login"))


def _requests(*where, order=None, limit: int = 10) -> list[LegalRequest]:
    stmt = select(LegalRequest).where(visible_requests(current_user), *where)
    stmt = stmt.order_by(*(order if order is not None else (LegalRequest.updated_at.desc(),))).limit(limit)
    return list(db.session.scalars(stmt))


@bp.route("/home")
@roles_required()
def home():
    now = utcnow()
    user = current_user
    ctx: dict = {"role": user.role}
    if user.role in ("investigator", "admin"):
        ctx["mine"] = _requests(LegalRequest.created_by_id == user.id,
                                LegalRequest.state.in_(("draft", "returned", "awaiting_approval", "approved")))
    if user.role == "approver":
        ctx["queue"] = _requests(LegalRequest.state == "awaiting_approval",
                                 order=(LegalRequest.emergency.desc(), LegalRequest.submitted_at), limit=20)
    if user.role in ("investigator", "liaison_officer", "admin"):
        ctx["overdue"] = _requests(LegalRequest.state.in_(IN_FLIGHT), LegalRequest.next_deadline_at < now,
                                   order=(LegalRequest.next_deadline_at,))
        ctx["due_soon"] = _requests(LegalRequest.state.in_(IN_FLIGHT), LegalRequest.next_deadline_at >= now,
                                    LegalRequest.next_deadline_at < now + timedelta(days=3),
                                    order=(LegalRequest.next_deadline_at,))
        ctx["to_send"] = _requests(LegalRequest.state == "approved", order=(LegalRequest.emergency.desc(),
                                                                            LegalRequest.decided_at))
    if user.role in ("rules_maintainer", "admin"):
        rules = current_app.extensions["lawreq.rules"]
        ctx["rules"] = rules
    ctx["unread"] = db.session.scalar(select(func.count()).select_from(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None)))
    ctx["urgent"] = list(db.session.scalars(select(Notification).where(
        Notification.user_id == user.id, Notification.read_at.is_(None), Notification.urgent.is_(True))
        .order_by(Notification.id.desc()).limit(10)))
    ctx["open_deadlines"] = db.session.scalar(
        select(func.count()).select_from(Deadline).join(LegalRequest).where(
            visible_requests(user), Deadline.satisfied_at.is_(None)))
    ctx["home_actions"] = _home_actions(user.role)
    return render_template("web/home.html", **ctx)


#: (endpoint, label, roles, css class) — the one or two things each role starts from.
_ACTIONS = [
    ("legal_requests.new_case", _l("New case"), {"investigator", "admin"}, "primary"),
    ("legal_requests.cases", _l("All cases"), {"investigator", "liaison_officer", "admin"}, ""),
    ("approvals.queue", _l("Open the approval queue"), {"approver"}, "primary"),
    ("board.index", _l("Open the board"), {"liaison_officer", "investigator", "admin"}, ""),
    ("rules_browser.index", _l("Browse the rules"), {"rules_maintainer", "investigator", "approver", "liaison_officer"}, ""),
]


def _home_actions(role: str) -> list[dict[str, str]]:
    return [{"url": url_for(e), "label": label, "cls": cls} for e, label, roles, cls in _ACTIONS
            if role in roles and e in current_app.view_functions]
