"""Chained requests: a preservation leads to its production order; an answer's IP address to the next ISP."""

from __future__ import annotations

import pytest

from lawreq.legal_requests.models import LegalRequest
from tests.conftest import csrf_from

FACTS = {"issuing_country": "FI", "issuer": "police", "offence": "solicitation_of_children", "max_penalty_years": 2.0,
         "committed_online": True, "offence_committed_in": "FI", "emergency": False, "provider": "meta",
         "data_categories": ["subscriber_data", "identification_data"]}
IDENTIFIERS = [{"type": "username", "value": "jane.doe", "entered": "@Jane.Doe"}]


@pytest.fixture
def parent(factory, case, investigator):
    def make(**kw):
        return factory.request(case, investigator, provider_id="meta", facts=dict(FACTS),
                               identifiers=list(IDENTIFIERS), details={"period": {"start": "2026-10-01"}}, **kw)

    return make


def follow(client, req_id: int, data: dict | None = None):
    token = csrf_from(client.get(f"/requests/{req_id}/follow-up").get_data(as_text=True))
    return client.post(f"/requests/{req_id}/follow-up", data={"csrf_token": token, **(data or {})})


def test_preservation_leads_to_the_production_order(client, login, investigator, parent, db_session):
    preservation = parent(state="sent", route_id="eu-epoc-pr", route_kind="preservation_order", form_id="epoc_pr")
    login(investigator)
    assert f'href="/requests/{preservation.id}/follow-up"' in client.get(
        f"/requests/{preservation.id}").get_data(as_text=True)
    assert "Start the follow-up production order" in client.get(
        f"/requests/{preservation.id}/follow-up").get_data(as_text=True)
    resp = follow(client, preservation.id)
    child = db_session.query(LegalRequest).filter_by(parent_id=preservation.id).one()
    assert resp.headers["Location"].endswith(f"/requests/{child.id}/wizard/route")
    assert (child.case_id, child.provider_id, child.identifiers) == (preservation.case_id, "meta", IDENTIFIERS)
    assert child.facts["data_categories"] == FACTS["data_categories"]
    assert child.details["preservation_reference"] == preservation.reference
    routes = client.get(resp.headers["Location"]).get_data(as_text=True)
    assert 'value="eu-epoc"' in routes  # the production order is offered


def test_an_ip_address_from_an_answer_becomes_a_request_to_the_isp(client, login, investigator, parent, db_session):
    answered = parent(state="fulfilled", route_id="eu-epoc", route_kind="production_order", form_id="epoc")
    login(investigator)
    resp = follow(client, answered.id, {"kind": "ip", "value": "192.0.2.10", "port": "51234",
                                        "timestamp": "2026-11-20 14:03:22", "zone": "Europe/Helsinki",
                                        "provider": "Telia"})
    child = db_session.query(LegalRequest).filter_by(parent_id=answered.id).one()
    assert resp.headers["Location"].endswith(f"/requests/{child.id}/wizard/target")
    assert child.provider_id == "telia-fi" and child.facts["data_categories"] == ["identification_data"]
    assert child.identifiers == [{"type": "ip", "value": "192.0.2.10", "port": 51234,
                                  "timestamp_utc": "2026-11-20T12:03:22Z", "zone": "Europe/Helsinki"}]
    assert child.details["follows"] == answered.reference


def test_an_answer_without_the_new_identifier_is_refused(client, login, investigator, parent, db_session):
    answered = parent(state="partially_fulfilled", route_id="eu-epoc", route_kind="production_order")
    login(investigator)
    resp = follow(client, answered.id, {"kind": "ip", "value": ""})
    assert resp.status_code == 200 and "Give the identifier the answer revealed." in resp.get_data(as_text=True)
    assert db_session.query(LegalRequest).filter_by(parent_id=answered.id).count() == 0


def test_no_follow_up_from_a_draft(client, login, investigator, parent, db_session):
    draft = parent(state="draft")
    login(investigator)
    assert "/follow-up" not in client.get(f"/requests/{draft.id}").get_data(as_text=True)
    resp = client.get(f"/requests/{draft.id}/follow-up")
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/requests/{draft.id}")
