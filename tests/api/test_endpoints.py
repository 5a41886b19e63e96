"""What a case-management system sees: errors in one envelope, filters, drafts with optimistic locking,
transitions, the engine, deadlines as iCal, and an audit entry for every write and download."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.legal_requests.models import LegalRequest


@pytest.fixture
def inv(api_world, tokens):
    return tokens.access(api_world["users"]["investigator"])


def audit_actions(db_session):
    return [a for (a,) in db_session.execute(select(AuditEntry.action).order_by(AuditEntry.seq))]


def test_unknown_api_paths_and_methods_answer_json_never_html(client, inv):
    for resp, status in ((client.get("/api/v1/nowhere", headers=inv), 404), (client.get("/api/v2/x"), 404),
                         (client.delete("/api/v1/requests", headers=inv), 405),
                         (client.get("/api/v1/requests/99999999", headers=inv), 404)):
        assert resp.status_code == status and resp.is_json
        assert resp.json["error"]["code"] in ("not_found", "method_not_allowed")
        assert "<html" not in resp.get_data(as_text=True).lower()


def test_validation_errors_name_the_field_path(client, inv, api_world):
    resp = client.post(f"/api/v1/cases/{api_world['case'].id}/requests", headers=inv,
                       json={"facts": {"data_categories": ["gossip"]}, "identifiers": [{"type": "email"}], "x": 1})
    assert resp.status_code == 422 and resp.json["error"]["code"] == "validation_failed"
    paths = {f["path"] for f in resp.json["error"]["details"]["fields"]}
    assert {"facts.data_categories[0]", "identifiers[0]", ""} <= paths


def test_unknown_query_parameters_and_bad_values_are_refused_by_name(client, inv):
    resp = client.get("/api/v1/requests?colour=red", headers=inv)
    assert resp.status_code == 422 and "colour" in resp.json["error"]["message"]
    resp = client.get("/api/v1/requests?page=0", headers=inv)
    assert resp.status_code == 422 and resp.json["error"]["details"]["fields"][0]["path"] == "page"


def test_non_json_body_is_415_and_broken_json_is_400(client, inv):
    assert client.post("/api/v1/routes", headers=inv, data="a=b",
                       content_type="application/x-www-form-urlencoded").status_code == 415
    assert client.post("/api/v1/routes", headers=inv, data="{", content_type="application/json").status_code == 400


def test_request_list_filters_like_the_board(client, inv, api_world):
    everything = client.get("/api/v1/requests", headers=inv).json
    assert {r["id"] for r in everything["items"]} == {api_world["draft"].id, api_world["waiting"].id}
    only = client.get("/api/v1/requests?state=awaiting_approval", headers=inv).json["items"]
    assert [r["id"] for r in only] == [api_world["waiting"].id]
    page = client.get("/api/v1/requests?per_page=1&sort=reference", headers=inv).json
    assert len(page["items"]) == 1 and page["has_next"] and page["total"] == 2


def test_engine_answers_what_the_cli_prints(client, inv, app):
    from lawreq.rules.cli import routes_command

    facts = {"issuing_country": "FI", "provider": "meta", "offence": "fraud", "data_categories": ["subscriber_data"],
             "date": "2026-11-20"}
    api = client.post("/api/v1/routes", headers=inv, json=facts).json
    cli = CliRunner().invoke(routes_command, ["--from", "FI", "--provider", "meta", "--data", "subscriber_data",
                                              "--offence", "fraud", "--on", "2026-11-20", "--format", "json"])
    assert api == json.loads(cli.output)
    bad = client.post("/api/v1/routes", headers=inv, json={**facts, "provider": "no-such-provider"})
    assert bad.status_code == 422 and bad.json["error"]["details"]["fields"][0]["path"] == "provider"


def test_routes_address_the_entity_of_the_service_asked_about(client, inv, app):
    from lawreq.rules.cli import routes_command

    facts = {"issuing_country": "FI", "provider": "WhatsApp", "offence": "fraud", "issuer": "prosecutor",
             "data_categories": ["subscriber_data"], "target_resides_in": "FI", "date": "2026-12-04"}
    api = client.post("/api/v1/routes", headers=inv, json=facts).json
    assert api["facts"]["service"] == "whatsapp"  # the service named as provider
    epoc = next(r for r in api["routes"] if r["id"] == "eu-epoc")
    assert epoc["addressee"]["entity"] == "WhatsApp Ireland Limited" and epoc["addressee"]["service"] == "whatsapp"
    cli = CliRunner().invoke(routes_command, ["--from", "FI", "--provider", "meta", "--service", "whatsapp",
                                              "--issuer", "prosecutor", "--target-resides-in", "FI", "--data",
                                              "subscriber_data", "--offence", "fraud", "--on", "2026-12-04",
                                              "--format", "json"])
    assert json.loads(cli.output)["routes"] == api["routes"]
    explicit = client.post("/api/v1/routes", headers=inv, json={**facts, "provider": "meta", "service": "instagram"})
    assert next(r for r in explicit.json["routes"] if r["id"] == "eu-epoc")["addressee"]["entity"] == \
        "Meta Platforms Ireland Ltd."
    bad = client.post("/api/v1/routes", headers=inv, json={**facts, "provider": "meta", "service": "gmail"})
    assert bad.status_code == 422 and bad.json["error"]["details"]["fields"][0]["path"] == "service"


def test_create_then_edit_a_draft_with_if_match_and_lose_a_race_with_409(client, inv, api_world, db_session):
    created = client.post(f"/api/v1/cases/{api_world['case'].id}/requests", headers=inv, json={
        "facts": {"provider": "meta", "data_categories": ["subscriber_data"]},
        "identifiers": [{"type": "email", "value": " Someone@Example.org "}]})
    assert created.status_code == 201, created.json
    rid, etag = created.json["id"], created.headers["ETag"]
    assert created.json["provider_id"] == "meta" and created.json["state"] == "draft"
    first = client.patch(f"/api/v1/requests/{rid}", headers={**inv, "If-Match": etag},
                         json={"details": {"facts_summary": "the account"}})
    assert first.status_code == 200 and first.json["details"]["facts_summary"] == "the account"
    stale = client.patch(f"/api/v1/requests/{rid}", headers={**inv, "If-Match": etag},
                         json={"details": {"data_details": "y"}})
    assert stale.status_code == 409 and stale.json["error"]["code"] == "conflict"
    assert client.patch(f"/api/v1/requests/{rid}", headers=inv, json={"details": {}}).status_code == 428
    req = db_session.get(LegalRequest, rid)
    assert "data_details" not in req.details and req.details["facts_summary"] == "the account"
    assert {"request.created", "request.draft_saved"} <= set(audit_actions(db_session))


def test_choosing_a_closed_or_unknown_route_is_a_422_naming_route_id(client, inv, api_world):
    resp = client.patch(f"/api/v1/requests/{api_world['draft'].id}", headers=inv,
                        json={"version": 1, "route_id": "no-such-route"})
    assert resp.status_code == 422 and resp.json["error"]["details"]["fields"][0]["path"] == "route_id"


def test_transitions_go_through_the_workflow(client, inv, api_world, db_session):
    wid = api_world["waiting"].id
    wrong = client.post(f"/api/v1/requests/{wid}/transitions", headers=inv, json={"action": "mark_sent"})
    assert wrong.status_code in (403, 409) and wrong.is_json
    done = client.post(f"/api/v1/requests/{wid}/transitions", headers=inv,
                       json={"action": "withdraw", "note": "duplicate"})
    assert done.status_code == 200 and done.json["state"] == "withdrawn"
    events = client.get(f"/api/v1/requests/{wid}/events", headers=inv).json["items"]
    assert events[-1]["action"] == "withdraw" and events[-1]["note"] == "duplicate"
    assert "request.withdraw" in audit_actions(db_session)


def test_deadlines_as_json_and_ical_and_the_download_is_audited(client, inv, db_session):
    assert client.get("/api/v1/deadlines", headers=inv).json == {"items": []}
    ics = client.get("/api/v1/deadlines.ics", headers=inv)
    assert ics.status_code == 200 and ics.mimetype == "text/calendar" and ics.data.startswith(b"BEGIN:VCALENDAR")
    assert "deadlines.ical_downloaded" in audit_actions(db_session)


def test_statistics_count_by_state(client, inv):
    stats = client.get("/api/v1/statistics", headers=inv).json
    assert stats["total"] == 2 and stats["counts_by_state"]["draft"] == 1
    assert stats["counts_by_state"]["awaiting_approval"] == 1


def test_exchange_narrows_scopes_and_refuses_widening(client, api_world, tokens):
    personal = tokens.personal(api_world["users"]["investigator"], scopes=("requests:read", "routes:read"))
    bearer = {"Authorization": f"Bearer {personal}"}
    narrowed = client.post("/api/v1/token", headers=bearer, json={"scopes": ["routes:read"]})
    assert narrowed.status_code == 200 and narrowed.json["scopes"] == ["routes:read"]
    assert narrowed.json["expires_in"] <= 900
    access = {"Authorization": f"Bearer {narrowed.json['access_token']}"}
    assert client.get("/api/v1/requests", headers=access).status_code == 403
    assert client.post("/api/v1/token", headers=bearer, json={"scopes": ["requests:write"]}).status_code == 403


def test_rate_limit_per_token_answers_429_with_retry_after(client, app, inv):
    old = app.config.get("API_RATE_PER_MINUTE")
    app.config["API_RATE_PER_MINUTE"] = 3
    try:
        statuses = [client.get("/api/v1/jurisdictions", headers=inv).status_code for _ in range(4)]
        resp = client.get("/api/v1/jurisdictions", headers=inv)
    finally:
        app.config["API_RATE_PER_MINUTE"] = old
    assert statuses == [200, 200, 200, 429]
    assert resp.json["error"]["code"] == "rate_limited" and int(resp.headers["Retry-After"]) >= 1


def test_openapi_document_lists_every_api_route_and_the_docs_page_renders_it(client, app):
    doc = client.get("/api/v1/openapi.json").json
    assert doc["openapi"].startswith("3.1")
    operations = {op["operationId"] for ops in doc["paths"].values() for op in ops.values()}
    endpoints = {r.endpoint.removeprefix("api.") for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert operations == endpoints
    from lawreq.api.schemas import SCHEMAS
    components = doc["components"]["schemas"]
    assert components is not SCHEMAS
    assert {k: v for k, v in components.items() if k in SCHEMAS and k != "Details"} == \
        json.loads(json.dumps({k: v for k, v in SCHEMAS.items() if k != "Details"}))
    # the details schema is generated from the rules: one per route, closed, the reserved keys never among them
    epoc = components["Details.eu-epoc"]
    assert epoc["additionalProperties"] is False and "legal_provisions" in epoc["properties"]
    assert "signature" not in components["Details"]["properties"] and "signature" in components["Details"]["description"]
    page = client.get("/api/v1/docs")
    assert page.status_code == 200 and "POST /api/v1/token" in page.get_data(as_text=True)
    html = page.get_data(as_text=True)
    assert "<script>" not in html and "swagger" not in html.lower()  # no inline script, no Swagger UI from a CDN


def test_a_draft_on_a_chosen_route_downloads_as_pdf_and_the_download_is_audited(client, inv, api_world, db_session):
    from lawreq.auth.models import Unit

    db_session.get(Unit, api_world["unit"].id).email = "unit@police.example"
    db_session.commit()
    created = client.post(f"/api/v1/cases/{api_world['case'].id}/requests", headers=inv, json={
        "facts": {"provider": "meta", "data_categories": ["subscriber_data"], "target_resides_in": "US"}}).json
    routes = client.post("/api/v1/routes", headers=inv, json=created["facts"]).json["routes"]
    route = next(r for r in routes if r["id"] == "us-voluntary-disclosure" and r["available"])
    chosen = client.patch(f"/api/v1/requests/{created['id']}", headers=inv,
                          json={"version": created["version"], "route_id": route["id"]})
    assert chosen.status_code == 200, chosen.json
    assert chosen.json["route_id"] == route["id"]
    early = client.get(f"/api/v1/requests/{created['id']}/document.pdf", headers=inv)
    assert early.status_code == 409 and "identifiers" in early.json["error"]["message"], early.json
    filled = client.patch(f"/api/v1/requests/{created['id']}", headers={**inv, "If-Match": chosen.headers["ETag"]},
                          json={"identifiers": [{"type": "email", "value": "suspect@example.org"}],
                                "details": {"legal_provisions": "Criminal Code 17:8a"}})
    assert filled.status_code == 200, filled.json
    pdf = client.get(f"/api/v1/requests/{created['id']}/document.pdf", headers=inv)
    assert pdf.status_code == 200, pdf.json
    assert pdf.mimetype == "application/pdf" and pdf.data.startswith(b"%PDF")
    assert "document.downloaded" in audit_actions(db_session)


def test_an_if_match_that_is_not_a_version_is_a_conflict_not_a_crash(client, inv, api_world):
    rid = api_world["draft"].id
    for tag in ('"abc"', '"\u00b2"', '"1", "2"'):
        resp = client.patch(f"/api/v1/requests/{rid}", headers={**inv, "If-Match": tag},
                            json={"details": {}})
        assert resp.status_code == 409 and resp.json["error"]["details"]["current_version"] == 1


def test_the_eio_recognition_is_offered_through_the_api_only_where_the_route_has_that_step(
        client, tokens, api_world, factory, db_session, rules):
    from lawreq.core.clock import utcnow
    from lawreq.deadlines.services import on_transition

    officer = api_world["users"]["liaison_officer"]
    facts = {"issuing_country": "FI", "issuer": "prosecutor", "offence": "fraud", "emergency": False,
             "data_categories": ["subscriber_data"], "date": "2026-11-23"}
    eio = factory.request(api_world["case"], officer, state="sent", route_id="eu-eio", form_id="eio_annex_a",
                          facts={**facts, "provider": "deutsche-telekom"}, provider_id="deutsche-telekom",
                          addressee_country="DE")
    epoc = factory.request(api_world["case"], officer, state="sent", route_id="eu-epoc", form_id="epoc",
                           facts={**facts, "provider": "meta"}, provider_id="meta", addressee_country="IE")
    on_transition(db_session, eio, "mark_sent", utcnow(), rules)
    db_session.commit()
    headers = tokens.access(officer)
    assert "record_recognition" in client.get(f"/api/v1/requests/{eio.id}", headers=headers).json["actions"]
    assert "record_recognition" not in client.get(f"/api/v1/requests/{epoc.id}", headers=headers).json["actions"]
    done = client.post(f"/api/v1/requests/{eio.id}/transitions", headers=headers,
                       json={"action": "record_recognition", "data": {"received_at": "2026-12-04T08:30:00Z"}})
    assert done.status_code == 200, done.json
    assert "record_recognition" not in done.json["actions"]


def test_follow_on_documents_are_available_through_the_api_only_when_they_apply(client, tokens, api_world, factory,
                                                                               db_session):
    officer = api_world["users"]["liaison_officer"]
    epoc = factory.request(api_world["case"], officer, state="sent", route_id="eu-epoc", form_id="epoc",
                           route_kind="production_order", provider_id="meta", addressee_country="IE",
                           facts={"issuing_country": "FI", "issuer": "prosecutor", "offence": "fraud",
                                  "emergency": False, "data_categories": ["subscriber_data"], "provider": "meta"})
    db_session.commit()
    epoc_id = epoc.id
    headers = tokens.access(officer)
    resp = client.get(f"/api/v1/requests/{epoc_id}/document.pdf?form=annex_iii", headers=headers)
    assert resp.status_code == 409 and "available: none" in resp.json["error"]["message"]
    bad = client.get(f"/api/v1/requests/{epoc_id}/document.pdf?form=epoc_pr", headers=headers)
    assert bad.status_code == 422


def test_routes_recommend_with_the_callers_unit_figures_as_the_route_step_does(client, inv, api_world, factory,
                                                                              db_session):
    from datetime import timedelta

    from lawreq.core.clock import utcnow

    sent = utcnow() - timedelta(days=30)
    for _ in range(5):
        factory.request(api_world["case"], api_world["users"]["investigator"], state="fulfilled",
                        provider_id="meta", route_id="us-voluntary-disclosure", sent_at=sent,
                        closed_at=sent + timedelta(hours=12))
    db_session.commit()
    # an account holder in the US: Meta Platforms, Inc. answers them, so the US voluntary route is open
    facts = {"issuing_country": "FI", "provider": "meta", "offence": "fraud", "data_categories": ["subscriber_data"],
             "date": "2026-11-20", "target_resides_in": "US"}
    best = client.post("/api/v1/routes", headers=inv, json=facts).json["recommendations"][0]
    assert best["route"] == "us-voluntary-disclosure" and best["basis"] == "unit"
    assert "Meta Platforms answered 5 of 5" in best["reason"]
    assert best["reason"].endswith("requests from this unit in a median of 12 hours.")
