"""Through the API the liaison officer gets the issued document's exact bytes and checksum; a change to an approved
request through the API sends it back to draft; another language than the issued one is refused."""

from __future__ import annotations

import hashlib

import pytest

from lawreq.legal_requests import services
from lawreq.legal_requests.issued import IssuedDocument
from tests.conftest import TEST_CONFIG


@pytest.fixture
def approved(app, db_session, api_world, signing_keys):
    from lawreq.auth.models import Unit

    signing_keys("AA")
    unit = db_session.get(Unit, api_world["unit"].id)
    unit.email, unit.authority_name = "unit@police.example", "Police Department A"
    req = api_world["waiting"]
    req.route_id, req.route_kind, req.addressee_country = "eu-epoc", "production_order", "IE"
    req.facts = {"issuing_country": "FI", "issuer": "police", "offence": "solicitation_of_children",
                 "max_penalty_years": 4, "committed_online": True, "emergency": False,
                 "data_categories": ["subscriber_data"], "provider": "meta"}
    req.identifiers = [{"type": "username", "value": "jane.doe"}]
    req.details = {"legal_provisions": "Criminal Code 20:8b", "necessity_proportionality": "Only way."}
    db_session.commit()
    ctx = services.Ctx(api_world["users"]["approver"], TEST_CONFIG["AUDIT_KEY"].encode(),
                       app.extensions["lawreq.rules"], signing=app.extensions["lawreq.signing"])
    services.transition(db_session, ctx, req, "approve")
    db_session.commit()
    return req


def test_the_api_download_is_the_issued_document(client, tokens, api_world, approved, db_session):
    headers = tokens.access(api_world["users"]["liaison_officer"])
    doc = db_session.query(IssuedDocument).filter_by(request_id=approved.id).one()
    resp = client.get(f"/api/v1/requests/{approved.id}/document.pdf", headers=headers)
    assert resp.status_code == 200 and resp.data == doc.pdf
    assert resp.headers["X-Content-SHA256"] == hashlib.sha256(resp.data).hexdigest() == doc.sha256
    assert resp.headers["X-Lawreq-Document"] == "issued" and resp.headers["X-Lawreq-Signed"] == "yes"
    detail = client.get(f"/api/v1/requests/{approved.id}", headers=headers).json
    assert detail["issued_document"]["sha256"] == doc.sha256 and detail["issued_document"]["signature_level"] == "B-B"
    other = client.get(f"/api/v1/requests/{approved.id}/document.pdf?lang=de", headers=headers)
    assert other.status_code == 409 and other.json["error"]["details"]["issued_language"] == "en"


def test_a_change_through_the_api_after_approval_needs_a_new_approval(client, tokens, api_world, approved,
                                                                      db_session):
    headers = tokens.access(api_world["users"]["investigator"])
    resp = client.patch(f"/api/v1/requests/{approved.id}", headers=headers,
                        json={"version": approved.version, "details": {"necessity_proportionality": "Changed."}})
    assert resp.status_code == 200, resp.json
    assert resp.json["state"] == "draft" and resp.json["issued_document"] is None
    assert "signature" not in resp.json["details"]
    assert db_session.query(IssuedDocument).filter_by(request_id=approved.id).one().status == "superseded"
