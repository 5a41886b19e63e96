"""The liaison officers' board, its CSV export and the statistics page.

Views only read: every change goes through ``legal_requests.act`` (the quick-action forms post there), so the
services' permission checks, optimistic lock and audit apply unchanged.
"""

from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Response, current_app, render_template, request, stream_with_context, url_for
from flask_login import current_user
from markupsafe import Markup

from lawreq import db
from lawreq.audit.services import record
from lawreq.auth.decorators import roles_required
from lawreq.board import charts, csv, queries, snapshots
from lawreq.board.forms import BoardFilterForm
from lawreq.board.statistics import DIMENSIONS, GroupStats, rows_for_csv
from lawreq.core.clock import utcnow
from lawreq.i18n import _
from lawreq.i18n import lazy_gettext as _l
from lawreq.web.formatting import stat_key, tr
from lawreq.web.jinja import viewer_zone
from lawreq.workflow.states import ACTIONS, REFUSAL_REASONS, STATES

bp = Blueprint("board", __name__, url_prefix="/board")
BOARD_ROLES = ("investigator", "liaison_officer", "admin")
STATS_ROLES = snapshots.STATS_ROLES
#: Periods the statistics can cover, in days (query string ``days``).
PERIODS = {90: _l("last 90 days"), 365: _l("last 12 months"), 1825: _l("last 5 years")}
assert tuple(PERIODS) == snapshots.PERIOD_DAYS, "the scheduler precomputes exactly the periods the page offers"
QUICK = ("mark_sent", "acknowledge")
CHART_ROWS = 12


def _form() -> BoardFilterForm:
    """The filters from the query string; the option lists are kept per locale with the app (this process's
    rules, see ``forms.filter_choices``)."""
    return BoardFilterForm(request.args, rules=current_app.extensions["lawreq.rules"],
                           cache=current_app.extensions.setdefault("lawreq.board_choices", {}))


def _quick_actions(role: str) -> dict[str, list[str]]:
    """State -> the common next steps this role may take from it (rows are already in the user's scope)."""
    return {state: [name for name in QUICK if state in ACTIONS[name].sources and role in ACTIONS[name].roles]
            for state in STATES}


def _query_without(*keys: str) -> dict[str, str]:
    """The current filters minus ``keys``, for links that change one thing (sort, page) and keep the rest."""
    return {k: v for k, v in request.args.items() if k not in keys and v}


#: A request id no real row has, put into a link once to find where a row's id goes.
_MARKER = 2_147_483_647


def _row_url(endpoint: str, **values: str) -> tuple[str, str]:
    """A per-row link as (text before the id, text after it): ``url_for`` once per page instead of once per row
    and action (~5 µs each, a hundred per page); ``prefix + str(id) + suffix`` is what ``url_for`` would give."""
    before, after = url_for(endpoint, request_id=_MARKER, **values).split(str(_MARKER))
    return before, after


def _row_urls() -> dict[str, tuple[str, str]]:
    return {"detail": _row_url("legal_requests.detail"),
            **{action: _row_url("legal_requests.act", action=action) for action in QUICK}}


@bp.route("")
@roles_required(*BOARD_ROLES)
def index():
    form = _form()
    now = utcnow()
    page = None
    if form.validate():
        page = queries.board_page(db.session, current_user, form.filters(), now)
    return render_template("board/index.html", form=form, page=page, now_utc=now,
                           quick_actions=_quick_actions(current_user.role), zone=viewer_zone().key,
                           args=_query_without("page"), sort_args=_query_without("page", "sort", "dir"),
                           providers=current_app.extensions["lawreq.rules"].providers,
                           max_page=queries.MAX_PAGE, row_urls=_row_urls()), 200 if page else 400


CSV_HEADER = ["reference", "case", "state", "provider", "route", "addressee_country", "emergency", "created_at_utc",
              "sent_at_utc", "acknowledged_at_utc", "next_deadline_utc", "provider_reference", "channel"]


def _iso(value) -> str:
    return value.isoformat(timespec="seconds") if value else ""


@bp.route("/export.csv")
@roles_required(*BOARD_ROLES)
def export():
    """The filtered board as CSV, streamed; the export itself is audited (who took which rows out)."""
    form = _form()
    if not form.validate():
        errors = "; ".join(e for field_errors in form.errors.values() for e in field_errors)
        return Response(f"Cannot export: {errors}\n", status=400, mimetype="text/plain")
    filters = form.filters()
    now = utcnow()
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=current_user._get_current_object(),
           action="board.exported", object_type="legal_requests",
           detail={"filters": {k: v for k, v in request.args.items() if v}})
    db.session.commit()

    def rows():
        yield CSV_HEADER
        for r in queries.board_rows(db.session, current_user, filters, now):
            yield [r.reference, r.case_reference, r.state, r.provider_id, r.route_id, r.addressee_country,
                   "yes" if r.emergency else "no", _iso(r.created_at), _iso(r.sent_at), _iso(r.acknowledged_at),
                   _iso(r.next_deadline_at), r.provider_reference, r.sent_channel]

    return Response(stream_with_context(csv.stream(rows())), mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=lawreq-board-{now:%Y%m%d-%H%M}.csv"})


def _period() -> int:
    try:
        days = int(request.args.get("days", 365))
    except ValueError:
        days = 0
    return days if days in PERIODS else 365


def _figures(days: int) -> snapshots.Figures:
    """The scheduler's snapshot for the viewer's scope when it is recent enough (one row read), else computed now
    where that is cheap (``board.snapshots``)."""
    config = current_app.config
    max_age = timedelta(seconds=int(config["STATISTICS_MAX_AGE_SECONDS"]))
    return snapshots.figures(db.session, current_user, days, utcnow(), max_age,
                             live_budget_ms=int(config["STATISTICS_LIVE_BUDGET_MS"]))


def _charts(dimension: str, stats: list[GroupStats]) -> list[dict[str, object]]:
    """Three charts per dimension (the busiest ``CHART_ROWS`` groups; the table beside them has all)."""
    shown = stats[:CHART_ROWS]
    labels = [stat_key(s.key, dimension) for s in shown]
    name = tr(DIMENSIONS[dimension]).lower()

    def series(label: str, attr: str) -> charts.Series:
        return charts.Series(label, tuple(getattr(s, attr) for s in shown))

    specs = [
        ("ack", _("Days to acknowledgement by %(dimension)s", dimension=name),
         [series(_("median"), "median_ack_days"), series(_("p90"), "p90_ack_days")], "d"),
        ("data", _("Days to data by %(dimension)s", dimension=name),
         [series(_("median"), "median_data_days"), series(_("p90"), "p90_data_days")], "d"),
        ("rates", _("Fulfilment and refusal rates by %(dimension)s", dimension=name),
         [series(_("fulfilled"), "fulfilment_rate"), series(_("refused"), "refusal_rate")], "%"),
    ]
    return [{"title": title, "svg": Markup(charts.bar_chart(f"{dimension}-{key}", title, labels, data, unit=unit))}
            for key, title, data, unit in specs]


@bp.route("/statistics")
@roles_required(*STATS_ROLES)
def statistics():
    """Also at ``/statistics`` (``statistics_short``): people type the short address."""
    days = _period()
    figures = _figures(days)
    stats = figures.stats
    return render_template("board/statistics.html", stats=stats, dimensions=DIMENSIONS, periods=PERIODS, days=days,
                           charts={d: _charts(d, s) for d, s in stats.items()}, reasons=REFUSAL_REASONS,
                           chart_rows=CHART_ROWS, figures=figures)


@bp.route("/statistics.csv")
@roles_required(*STATS_ROLES)
def statistics_csv():
    days = _period()
    figures = _figures(days)
    if figures.pending:  # an empty file would read as "no requests"; the scheduler has them within minutes
        retry = int(current_app.config["STATISTICS_REFRESH_SECONDS"])
        return Response(_("The figures are being prepared; try again in a few minutes."), status=503,
                        mimetype="text/plain", headers={"Retry-After": str(retry)})
    body = "".join(csv.stream(rows_for_csv(figures.stats, lambda r: REFUSAL_REASONS.get(r, r))))
    return Response(body, mimetype="text/csv",
                    headers={"Content-Disposition": f"attachment; filename=lawreq-statistics-{days}d.csv"})



@roles_required(*STATS_ROLES)
def statistics_short():
    return statistics()


# ``/statistics`` as well as ``/board/statistics``: the same page, the same gate, the query string kept.
bp.record_once(lambda state: state.app.add_url_rule("/statistics", endpoint="board.statistics_short",
                                                    view_func=statistics_short))
