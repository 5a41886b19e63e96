"""A client can write a draft's details only as the route's form allows: hostile or oversized details are refused
with the field named, and the request reads back exactly as it was."""

from __future__ import annotations

import pytest

from lawreq.legal_requests.details import RESERVED_KEYS, RESERVED_PREFIXES
from lawreq.legal_requests.models import LegalRequest


@pytest.fixture
def inv(tokens, api_world):
    return tokens.access(api_world["users"]["investigator"])


@pytest.fixture
def draft_on_epoc(client, inv, api_world):
    """A draft on the EPOC route, with a legal basis already typed."""
    rid = api_world["draft"].id
    chosen = client.patch(f"/api/v1/requests/{rid}", headers=inv, json={
        "version": 1, "route_id": "eu-epoc", "details": {"legal_provisions": "Criminal Code 20:8b"}})
    assert chosen.status_code == 200, chosen.json
    return rid


def _read(client, inv, rid):
    resp = client.get(f"/api/v1/requests/{rid}", headers=inv)
    return resp.json, resp.headers["ETag"]


def _refused(client, inv, rid, details):
    before, etag = _read(client, inv, rid)
    resp = client.patch(f"/api/v1/requests/{rid}", headers={**inv, "If-Match": etag}, json={"details": details})
    after, etag_after = _read(client, inv, rid)
    assert 400 <= resp.status_code < 500, resp.json
    assert after == before and etag_after == etag  # nothing changed, not even the version
    return resp


@pytest.mark.parametrize("key", sorted(RESERVED_KEYS) + [f"{p}x" for p in RESERVED_PREFIXES])
def test_every_key_only_the_workflow_writes_is_refused_by_name(client, inv, draft_on_epoc, key):
    resp = _refused(client, inv, draft_on_epoc, {key: {"name": "Prosecutor Forged", "signed_at": "2026-12-01"}})
    assert resp.status_code == 422
    assert {"path": f"details.{key}", "message": resp.json["error"]["details"]["fields"][0]["message"]} \
        in resp.json["error"]["details"]["fields"]
    assert "workflow" in resp.json["error"]["message"]


def test_a_reserved_key_next_to_valid_answers_saves_none_of_them(client, inv, draft_on_epoc):
    _refused(client, inv, draft_on_epoc, {"facts_summary": "typed", "signature": {"name": "X"}})


def test_a_nesting_of_a_thousand_levels_is_refused(client, inv, draft_on_epoc):
    before, etag = _read(client, inv, draft_on_epoc)
    body = '{"details": {"facts_summary": ' + '{"a": ' * 1000 + '"x"' + "}" * 1000 + "}}"
    resp = client.patch(f"/api/v1/requests/{draft_on_epoc}", headers={**inv, "If-Match": etag},
                        data=body, content_type="application/json")
    # refused before the parser recurses (the API's depth guard), so no field can be named: the envelope says why
    assert resp.status_code == 400 and "nested deeper than" in resp.json["error"]["message"]
    assert _read(client, inv, draft_on_epoc) == (before, etag)


def test_a_two_megabyte_text_is_refused_naming_the_field(client, inv, draft_on_epoc):
    resp = _refused(client, inv, draft_on_epoc, {"facts_summary": "A" * (2 * 1024 * 1024)})
    assert resp.status_code == 422
    paths = [f["path"] for f in resp.json["error"]["details"]["fields"]]
    assert paths == ["details"] or "details.facts_summary" in paths


def test_a_long_text_within_the_body_limit_is_refused_by_its_field_length(client, inv, draft_on_epoc):
    resp = _refused(client, inv, draft_on_epoc, {"facts_summary": "A" * 20_001})
    assert resp.json["error"]["details"]["fields"] == [
        {"path": "details.facts_summary", "message": "too long: 20001 characters, at most 20000"}]


def test_the_thirtieth_of_february_is_not_a_date(client, inv, draft_on_epoc):
    resp = _refused(client, inv, draft_on_epoc, {"time_range_start": "2026-02-30T10:00:00Z"})
    assert resp.status_code == 422
    assert resp.json["error"]["details"]["fields"][0]["path"] == "details.time_range_start"
    resp = _refused(client, inv, draft_on_epoc, {"period": {"start": "2026-02-30"}})
    assert resp.json["error"]["details"]["fields"][0]["path"] == "details.period.start"


def test_a_language_the_addressee_does_not_accept_and_an_unknown_field_are_refused(client, inv, draft_on_epoc):
    resp = _refused(client, inv, draft_on_epoc, {"language": "xx"})
    assert resp.json["error"]["details"]["fields"][0]["path"] == "details.language"
    resp = _refused(client, inv, draft_on_epoc, {"prosecutor_note": "approved by phone"})
    assert resp.json["error"]["details"]["fields"] == [
        {"path": "details.prosecutor_note", "message": "not a field of this form"}]


def test_valid_answers_are_stored(client, inv, draft_on_epoc, db_session):
    _before, etag = _read(client, inv, draft_on_epoc)
    resp = client.patch(f"/api/v1/requests/{draft_on_epoc}", headers={**inv, "If-Match": etag}, json={"details": {
        "facts_summary": "Contact with a child", "time_range_start": "2026-02-28T10:00:00Z", "language": "en"}})
    assert resp.status_code == 200, resp.json
    stored = db_session.get(LegalRequest, draft_on_epoc).details
    assert stored["time_range_start"] == "2026-02-28T10:00:00Z" and stored["legal_provisions"] == "Criminal Code 20:8b"
