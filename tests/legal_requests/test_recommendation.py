"""The route step recommends the route that gets the data soonest and most surely, and says why: with no
history the rules decide; the unit's answered requests (five or more) move a route up, its refusals move it down;
the whole instance's figures count when the unit has too few."""

from __future__ import annotations

import re
from datetime import timedelta

from lawreq.core.clock import utcnow
from tests.legal_requests.conftest import TARGET

#: An account holder in the US: Meta serves them from Meta Platforms, Inc., so the US voluntary route is open (for a
#: holder in the EU, or not known, Meta Platforms Ireland answers and the US routes are closed by provider policy).
US_TARGET = {**TARGET, "target_resides_in": "US"}


def _history(factory, case, user, route_id, *, answered=0, refused=0, days=1.0, provider="meta"):
    sent = utcnow() - timedelta(days=60)
    for _ in range(answered):
        factory.request(case, user, state="fulfilled", provider_id=provider, route_id=route_id, sent_at=sent,
                        closed_at=sent + timedelta(days=days))
    for _ in range(refused):
        factory.request(case, user, state="refused", provider_id=provider, route_id=route_id, sent_at=sent,
                        closed_at=sent + timedelta(days=days), outcome={"refused_by": "addressee"})


def _recommended(html: str) -> tuple[str, str]:
    block = html[html.index('class="route recommended"'):]
    route = re.search(r'name="route" id="route-([^"]+)"', block).group(1)
    reason = re.search(r'<p class="recommendation-reason">(.*?)</p>', block, re.S).group(1)
    return route, " ".join(reason.split())


def test_without_history_the_rules_recommend_the_epoc_and_say_so(start):
    wiz = start()
    wiz.post("target", TARGET)
    route, reason = _recommended(wiz.page("route").get_data(as_text=True))
    assert route == "eu-epoc"
    assert reason == "EPOC: legal deadline 10 days; too few answered requests to measure Meta Platforms yet."


def test_the_units_answered_requests_change_the_recommendation(start, factory, case, investigator):
    _history(factory, case, investigator, "us-voluntary-disclosure", answered=5, days=0.5)
    _history(factory, case, investigator, "eu-epoc", answered=14, refused=1, days=6)
    wiz = start()
    wiz.post("target", US_TARGET)
    html = wiz.page("route").get_data(as_text=True)
    route, reason = _recommended(html)
    assert route == "us-voluntary-disclosure"
    assert "Meta Platforms answered 5 of 5" in reason and "from this unit in a median of 12 hours" in reason
    epoc = html[html.index('id="route-eu-epoc"'):]
    epoc_reason = " ".join(re.search(r'<p class="recommendation-reason">(.*?)</p>', epoc, re.S).group(1).split())
    assert epoc_reason == ("EPOC: legal deadline 10 days; Meta Platforms answered 14 of 15 EPOC requests from this "
                           "unit in a median of 6 days.")


def test_refusals_push_a_fast_route_down(start, factory, case, investigator):
    # 5 answers in 3 days but 20 refusals: 3 days / (1 - 0.8) = 15 expected days, beyond the EPOC's 10
    _history(factory, case, investigator, "us-voluntary-disclosure", answered=5, refused=20, days=3)
    wiz = start()
    wiz.post("target", US_TARGET)
    route, _ = _recommended(wiz.page("route").get_data(as_text=True))
    assert route == "eu-epoc"


def test_other_units_figures_count_when_this_unit_has_too_few(start, factory, investigator, case):
    other = factory.unit(code="OTHER")
    colleague = factory.user("investigator", units=[other])
    _history(factory, factory.case(other, created_by=colleague), colleague, "us-voluntary-disclosure",
             answered=6, days=0.25)
    wiz = start()
    wiz.post("target", US_TARGET)
    route, reason = _recommended(wiz.page("route").get_data(as_text=True))
    assert route == "us-voluntary-disclosure" and "from all units of this instance" in reason


def test_preservation_routes_sit_under_the_order_they_protect(start):
    wiz = start()
    wiz.post("target", TARGET)
    html = wiz.page("route").get_data(as_text=True)
    first_route = re.search(r'name="route" id="route-([^"]+)"', html).group(1)
    assert first_route == "eu-epoc"
    assert html.index('id="route-eu-epoc"') < html.index('id="route-eu-epoc-pr"')
    assert "Preserve first, then" in html[html.index('id="route-eu-epoc-pr"') - 300:]


def test_our_own_approvers_refusals_do_not_count_against_the_route(start, factory, case, investigator):
    """A refusal by the unit's own prosecutor says nothing about the provider: 14 answered of 14 decided, not 15."""
    _history(factory, case, investigator, "eu-epoc", answered=14, days=6)
    sent = utcnow() - timedelta(days=60)
    factory.request(case, investigator, state="refused", provider_id="meta", route_id="eu-epoc", sent_at=sent,
                    closed_at=sent + timedelta(days=1), outcome={"refused_by": "approver"})
    wiz = start()
    wiz.post("target", TARGET)
    _, reason = _recommended(wiz.page("route").get_data(as_text=True))
    assert "Meta Platforms answered 14 of 14 EPOC requests from this unit in a median of 6 days" in reason
