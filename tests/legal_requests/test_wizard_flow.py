"""An investigator builds a request step by step; drafts survive Back, logout and colleagues."""

from __future__ import annotations

import re

from lawreq.legal_requests.models import LegalRequest
from tests.legal_requests.conftest import DETAILS, TARGET, version_from


def test_happy_path_from_case_to_awaiting_approval_by_a_prosecutor(start, walk, db_session, client):
    wiz = start()
    assert '<label for="provider">Provider or service</label>' in wiz.page("target").get_data(as_text=True)
    walk(wiz)
    req = db_session.get(LegalRequest, wiz.id)
    assert req.provider_id == "meta"
    assert req.identifiers == [{"type": "username", "value": "jane.doe", "entered": "@Jane.Doe"}]
    assert req.route_id == "eu-epoc" and req.form_id == "epoc" and req.approval_authority == "prosecutor"
    assert req.details["time_range_start"] == "2026-09-30T21:00:00Z"  # Helsinki midnight in UTC
    review = wiz.page("review").get_data(as_text=True)
    assert "Submit for approval" in review and "No known refusal risk found." in review
    resp = wiz.post("review", {})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/requests/{wiz.id}")
    req = db_session.get(LegalRequest, wiz.id)
    assert req.state == "awaiting_approval" and req.submitted_at is not None
    assert "sent for approval to the prosecutor" in client.get(resp.headers["Location"]).get_data(as_text=True)


def test_back_keeps_later_answers(start, walk, db_session):
    wiz = walk(start())
    resp = wiz.post("details", DETAILS, button="back")
    assert resp.headers["Location"].endswith("/wizard/route")
    resp = wiz.post("route", {"route": "eu-epoc"}, button="back")
    assert resp.headers["Location"].endswith("/wizard/urgency")
    req = db_session.get(LegalRequest, wiz.id)
    assert req.wizard_step == "urgency" and req.route_id == "eu-epoc"
    assert req.details["necessity_proportionality"] == DETAILS["necessity_proportionality"]
    page = wiz.page("details").get_data(as_text=True)
    assert DETAILS["necessity_proportionality"] in page and '<option selected value="en">' in page


def test_back_on_an_incomplete_step_moves_without_saving(start, walk, db_session):
    wiz = walk(start())
    resp = wiz.post("details", {**DETAILS, "necessity_proportionality": ""}, button="back")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/wizard/route")
    assert db_session.get(LegalRequest, wiz.id).details["necessity_proportionality"]


def test_leave_and_resume_after_logout(start, walk, client, login, investigator, db_session):
    wiz = start()
    wiz.post("target", TARGET)
    wiz.post("data", {"data_categories": "subscriber_data"})
    token = _csrf(client.get("/account").get_data(as_text=True))
    client.post("/logout", data={"csrf_token": token})
    assert client.get(wiz.url("target")).status_code == 302  # logged out: to the login page
    login(investigator)
    detail = client.get(f"/requests/{wiz.id}").get_data(as_text=True)
    assert f"/requests/{wiz.id}/wizard/urgency" in detail  # "Continue editing" resumes where it was left
    page = wiz.page("target").get_data(as_text=True)
    assert 'value="Meta Platforms"' in page and 'value="@Jane.Doe"' in page


def test_steps_after_an_unfinished_one_redirect_back(start):
    wiz = start()
    resp = wiz.page("details")
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/wizard/target")


def test_two_people_editing_the_same_draft_get_a_conflict(start, db_session):
    wiz = start()
    wiz.post("target", TARGET)
    stale = "1"  # the version the second editor loaded before the first one saved
    resp = wiz.post("data", {"data_categories": "content_data"}, version=stale)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Someone else saved this draft" in html
    assert re.search(r'<input checked [^>]*value="content_data"', html)  # the user's input is kept
    assert db_session.get(LegalRequest, wiz.id).facts["data_categories"] == ["subscriber_data"]
    assert wiz.client.post(wiz.url("data"), data={"csrf_token": _csrf(html), "version": version_from(html),
                                                  "data_categories": "content_data", "save": "x"}).status_code == 302
    assert db_session.get(LegalRequest, wiz.id).facts["data_categories"] == ["content_data"]


def _csrf(html: str) -> str:
    from tests.conftest import csrf_from

    return csrf_from(html)


def test_rules_changed_since_the_route_was_chosen(start, walk, db_session):
    wiz = walk(start())
    req = db_session.get(LegalRequest, wiz.id)
    req.rules_version = "0ld"
    db_session.commit()
    review = wiz.page("review").get_data(as_text=True)
    assert "The rules changed since this draft" in review and "The rules changed since the route was chosen" in review
    resp = wiz.post("review", {})
    assert db_session.get(LegalRequest, wiz.id).state == "draft"
    wiz.post("route", {"route": "eu-epoc"})  # re-evaluated and chosen again under the current rules
    assert db_session.get(LegalRequest, wiz.id).rules_version != "0ld"
    assert resp.status_code == 302


def test_an_unaccepted_risk_blocks_submission_until_accepted_with_a_reason(start, walk, db_session, client):
    wiz = walk(start(), details={**DETAILS, "time_range_end": ""})
    review = wiz.page("review").get_data(as_text=True)
    assert "Open-ended time range" in review
    resp = wiz.post("review", {})
    assert "Fix or accept each risk" in client.get(resp.headers["Location"]).get_data(as_text=True)
    assert db_session.get(LegalRequest, wiz.id).state == "draft"
    resp = wiz.post("review", {"accept_0": "y", "reason_0": "The contact continues; the order covers it."})
    req = db_session.get(LegalRequest, wiz.id)
    assert req.state == "awaiting_approval"
    assert req.details["accepted_risks"] == {"time_range_open": "The contact continues; the order covers it."}


def test_a_route_police_may_issue_goes_straight_to_approved(start, walk, db_session):
    # the account holder lives in the US, so Meta Platforms, Inc. (not Meta Platforms Ireland) holds the data
    wiz = walk(start(), route="us-voluntary-disclosure", target={**TARGET, "target_resides_in": "US"},
               details={"facts_summary": "Grooming via Instagram.", "legal_provisions": "Criminal Code 20:8b",
                        "time_range_start": "2026-10-01T00:00", "time_range_end": "2026-11-01T00:00",
                        "language": "en"})
    assert 'value="Submit"' in wiz.page("review").get_data(as_text=True)  # not "Submit for approval"
    wiz.post("review", {})
    req = db_session.get(LegalRequest, wiz.id)
    assert req.approval_authority is None and req.state == "approved"


def test_deconfliction_warns_before_a_duplicate(start, walk, factory, db_session, case, investigator):
    other = factory.request(case, investigator, state="sent", reference="FIPOL-2026-09999",
                            identifiers=[{"type": "username", "value": "jane.doe"}], search_text="jane.doe")
    wiz = start()
    saved = wiz.post("target", TARGET)
    next_page = wiz.client.get(saved.headers["Location"]).get_data(as_text=True)
    assert f"Already requested: jane.doe is in open request {other.reference}" in next_page
    page = wiz.page("target").get_data(as_text=True)
    assert "Already requested" in page and other.reference in page
    walk(wiz)
    review = wiz.page("review").get_data(as_text=True)
    assert "Identifier already in another open request" in review and other.reference in review


def test_emergency_request_carries_the_threat_to_the_route_fields_and_the_queue(start, db_session, client, login,
                                                                               prosecutor):
    wiz = start()
    wiz.post("target", TARGET)
    wiz.post("data", {"data_categories": "subscriber_data"})
    refused = wiz.post("urgency", {"emergency": "y"})
    assert refused.status_code == 200 and "Describe the imminent threat" in refused.get_data(as_text=True)
    threat = "The child agreed to meet the suspect tonight."
    wiz.post("urgency", {"emergency": "y", "emergency_justification": threat})
    wiz.post("route", {"route": "eu-epoc"})
    details = wiz.page("details").get_data(as_text=True)
    assert threat in details  # the urgency step's answer pre-fills the route's own field
    wiz.post("details", {**DETAILS, "emergency_justification": threat})
    wiz.post("review", {})
    req = db_session.get(LegalRequest, wiz.id)
    assert req.emergency and req.state == "awaiting_approval"
    login(prosecutor)
    assert "8-h response" in client.get("/approvals").get_data(as_text=True)


def test_ip_time_needs_an_explicit_zone_and_is_shown_in_utc(start, db_session):
    wiz = start()
    ip = {"identifiers-0-kind": "ip", "identifiers-0-value": "192.0.2.10", "identifiers-0-port": "51234",
          "identifiers-0-timestamp": "2026-11-20 14:03:22"}
    refused = wiz.post("target", {**TARGET, **ip})
    html = refused.get_data(as_text=True)
    assert refused.status_code == 200 and "Give the time zone of" in html and 'value="192.0.2.10"' in html
    wiz.post("target", {**TARGET, **ip, "identifiers-0-zone": "Europe/Helsinki"})
    saved = db_session.get(LegalRequest, wiz.id).identifiers
    assert saved == [{"type": "ip", "value": "192.0.2.10", "port": 51234, "timestamp_utc": "2026-11-20T12:03:22Z",
                      "zone": "Europe/Helsinki"}]
    assert "192.0.2.10:51234</code>" in wiz.page("target").get_data(as_text=True)


def test_the_route_step_shows_why_each_closed_route_is_closed_and_how_sure_each_reason_is(start, walk):
    """The investigator sees the closure in the law's own terms (e.g. the UN Convention is not in force) and a
    confidence badge beside every reason, not only beside the route."""
    wiz = walk(start())
    html = wiz.page("route").get_data(as_text=True)
    assert 'data-closed-kind="not_in_force"' in html and ">not in force</span>" in html
    assert re.search(r"is not in force on [0-9-]+: 3 ratification\(s\) of the 40 needed.*?"
                     r'<span class="badge badge-secondary"', html, re.S)
    open_part = html.split("Closed routes")[0]
    assert 'class="badge badge-' in open_part.split('<ul class="reasons muted">', 1)[1]


def test_an_ip_time_in_the_local_day_first_style_keeps_its_zone_and_is_shown_back_in_it(start, db_session):
    wiz = start()
    wiz.post("target", {**TARGET, "identifiers-0-kind": "ip", "identifiers-0-value": "192.0.2.10",
                        "identifiers-0-port": "51234", "identifiers-0-timestamp": "20.11.2026 21:14",
                        "identifiers-0-zone": "Europe/Berlin"})
    saved = db_session.get(LegalRequest, wiz.id).identifiers
    assert saved[0]["timestamp_utc"] == "2026-11-20T20:14:00Z" and saved[0]["zone"] == "Europe/Berlin"
    page = wiz.page("target").get_data(as_text=True)
    assert 'value="2026-11-20 21:14:00"' in page and '<option selected value="Europe/Berlin">' in page
    assert "Nov 20, 2026 21:14 CET (Nov 20, 2026 20:14 UTC)" in page
