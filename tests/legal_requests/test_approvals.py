"""The prosecutor's queue: emergencies first, four eyes, comments on return and reject, a signed approval."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from sqlalchemy import select

from markupsafe import escape

from lawreq.audit.models import AuditEntry
from lawreq.core.clock import utcnow
from lawreq.legal_requests.models import LegalRequest
from lawreq.rules import Facts, evaluate
from tests.conftest import csrf_from
from tests.legal_requests.conftest import approve_and_sign
from tests.legal_requests.test_follow_ups import FACTS, IDENTIFIERS


@pytest.fixture
def submitted(factory, case, investigator):
    def make(*, hours_ago: float = 1, emergency: bool = False, created_by=None, authority: str = "prosecutor",
             reference: str | None = None):
        facts = {**FACTS, "data_categories": ["subscriber_data"], "emergency": emergency}
        named = {"reference": reference} if reference else {}
        return factory.request(case, created_by or investigator, state="awaiting_approval", provider_id="meta",
                               route_id="eu-epoc", route_kind="production_order", form_id="epoc",
                               approval_authority=authority, addressee_country="IE", emergency=emergency,
                               submitted_at=utcnow() - timedelta(hours=hours_ago), facts=facts,
                               identifiers=list(IDENTIFIERS), **named,
                               details={"necessity_proportionality": "Only way to identify the suspect.",
                                        "legal_provisions": "Criminal Code (39/1889) chapter 20 section 8b",
                                        "facts_summary": "Grooming of a 12-year-old.",
                                        "accepted_risks": {"time_range_open": "Contact is ongoing."}})

    return make


def decide(client, req_id: int, data: dict):
    page = client.get(f"/approvals/{req_id}").get_data(as_text=True)
    version = page.split('name="version" type="hidden" value="')[1].split('"')[0]
    return client.post(f"/approvals/{req_id}", data={"csrf_token": csrf_from(page), "version": version, **data})


def test_queue_puts_emergencies_first_with_their_clock(client, login, prosecutor, submitted):
    old = submitted(hours_ago=30, reference="FIPOL-2026-00001")
    urgent = submitted(hours_ago=2, emergency=True, reference="FIPOL-2026-00002")
    newer = submitted(hours_ago=1, reference="FIPOL-2026-00003")
    login(prosecutor)
    html = client.get("/approvals").get_data(as_text=True)
    positions = [html.index(r.reference) for r in (urgent, old, newer)]
    assert positions == sorted(positions)
    assert re.search(r"8-h response: in 5 hr \d+ min", html) and "48-h ex-post validation: in 1 day 2" in html


def test_queue_shows_only_what_is_routed_to_the_approver(client, login, factory, unit, submitted):
    submitted(authority="judge", reference="FIPOL-2026-00010")
    prosecutor = factory.user("approver", units=[unit], authority="prosecutor")
    login(prosecutor)
    assert "FIPOL-2026-00010" not in client.get("/approvals").get_data(as_text=True)
    assert client.get(f"/approvals/{submitted(authority='judge').id}").status_code == 404


def test_review_page_shows_what_the_approver_must_check(client, login, prosecutor, submitted, rules):
    req = submitted()
    login(prosecutor)
    html = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    for expected in ("Grooming of a 12-year-old.", "Only way to identify the suspect.", "jane.doe",
                     "Contact is ongoing.", "Approve and sign", "Return with comments", "Reject"):
        assert expected in html, expected
    epoc = next(r for r in evaluate(Facts.from_mapping({**FACTS, "data_categories": ["subscriber_data"]}), rules)
                if r.id == "eu-epoc")
    assert str(escape(epoc.addressee.entity)) in html
    assert all(str(escape(c.url)) in html for c in epoc.citations)  # the route's citations, for checking


def test_approve_signs_with_name_authority_and_time(client, login, prosecutor, submitted, db_session):
    req = submitted()
    login(prosecutor)
    resp, _ = approve_and_sign(client, db_session, prosecutor, req.id)
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/approvals")
    req = db_session.get(LegalRequest, req.id)
    assert req.state == "approved" and req.decided_by_id == prosecutor.id
    assert req.details["signature"]["name"] == "Pekka Prosecutor" and req.details["signature"]["authority"] == "prosecutor"
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "request.approve")).one()
    assert entry.detail["signed_by"] == {"name": "Pekka Prosecutor", "authority": "prosecutor"}


@pytest.mark.parametrize("button,state", [("send_back", "returned"), ("reject", "refused")])
def test_return_and_reject_need_a_comment(client, login, prosecutor, submitted, db_session, button, state):
    req = submitted()
    login(prosecutor)
    resp = decide(client, req.id, {button: "x"})
    assert resp.status_code == 200 and "a comment is required" in resp.get_data(as_text=True)
    assert db_session.get(LegalRequest, req.id).state == "awaiting_approval"
    decide(client, req.id, {button: "x", "comment": "The period is too broad."})
    req = db_session.get(LegalRequest, req.id)
    assert req.state == state and req.decision_note == "The period is too broad."


def test_returned_request_is_editable_again_and_shows_the_comment(client, login, prosecutor, investigator,
                                                                  submitted, db_session):
    req = submitted()
    login(prosecutor)
    decide(client, req.id, {"send_back": "x", "comment": "Narrow the period."})
    login(investigator)
    page = client.get(f"/requests/{req.id}/wizard/target").get_data(as_text=True)
    assert "Returned by the approver: Narrow the period." in page


def test_nobody_approves_their_own_request(client, login, factory, unit, submitted, db_session):
    author = factory.user("approver", units=[unit], authority="prosecutor")
    req = submitted(created_by=author)
    login(author)
    html = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    assert "another approver must decide" in html and "Approve and sign" not in html
    token = csrf_from(html)
    resp = client.post(f"/approvals/{req.id}", data={"csrf_token": token, "version": "1", "approve": "x"})
    assert resp.status_code == 403
    assert db_session.get(LegalRequest, req.id).state == "awaiting_approval"
