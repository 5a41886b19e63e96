"""Once the unit has answered requests, its measured median ranks the routes alongside the rule deadlines."""

from __future__ import annotations

from datetime import timedelta

from markupsafe import escape

from lawreq.core.clock import utcnow
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests import history
from tests.legal_requests.conftest import TARGET


def answered(factory, case, user, route_id: str, days: float, n: int = 3, provider: str = "meta"):
    sent = utcnow() - timedelta(days=40)
    for _ in range(n):
        factory.request(case, user, state="fulfilled", provider_id=provider, route_id=route_id, sent_at=sent,
                        closed_at=sent + timedelta(days=days))


def test_medians_need_enough_answers(factory, case, investigator, db_session, unit):
    answered(factory, case, investigator, "us-voluntary-disclosure", 0.5)
    answered(factory, case, investigator, "eu-epoc", 2, n=2)
    found = history.measured_medians(db_session, unit_id=unit.id, provider_id="meta",
                                     route_ids=["us-voluntary-disclosure", "eu-epoc"])
    assert set(found) == {"us-voluntary-disclosure"}
    assert (found["us-voluntary-disclosure"].median_days, found["us-voluntary-disclosure"].samples) == (0.5, 3)


def test_partial_answers_count_from_their_outcome_time(factory, case, investigator, db_session, unit):
    sent = utcnow() - timedelta(days=10)
    for _ in range(3):
        factory.request(case, investigator, state="partially_fulfilled", provider_id="meta", route_id="eu-epoc",
                        sent_at=sent, outcome={"at": (sent + timedelta(days=4)).isoformat()})
    found = history.measured_medians(db_session, unit_id=unit.id, provider_id="meta", route_ids=["eu-epoc"])
    assert found["eu-epoc"].median_days == 4.0


def evaluate_routes_for(req):
    from lawreq.legal_requests.wizard_views import evaluate_routes

    routes, problem = evaluate_routes(req)
    assert problem is None
    return routes


def test_route_step_ranks_by_the_units_median(start, factory, case, investigator, db_session, app):
    answered(factory, case, investigator, "us-voluntary-disclosure", 0.5, n=5)
    wiz = start()
    wiz.post("target", {**TARGET, "target_resides_in": "US"})  # a US user: Meta Platforms, Inc. holds the data
    html = wiz.page("route").get_data(as_text=True)
    assert "your unit's median: 12 hours" in html
    assert html.index('value="us-voluntary-disclosure"') < html.index('value="eu-epoc"')
    closed = html.index("Closed routes")
    assert html.index('value="eu-epoc"') < closed
    req = db_session.get(LegalRequest, wiz.id)
    with app.app_context():
        shut = [r for r in evaluate_routes_for(req) if not r.available]
    assert shut and all(escape(r.reasons[0]) in html[closed:] for r in shut)  # each closed route says why
