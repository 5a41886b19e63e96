"""The provider's answer through the API: the outcome per identifier, validated like the page, settling the request."""

from __future__ import annotations

from lawreq.core.clock import utcnow

IDENTIFIERS = [{"type": "username", "value": "@jane"}, {"type": "email", "value": "jane@example.org"}]


def test_an_officer_records_outcomes_over_the_api_and_the_request_is_settled(client, api_world, tokens, factory):
    req = factory.request(api_world["case"], api_world["users"]["investigator"], state="sent", route_id="eu-epoc",
                          provider_id="meta", sent_at=utcnow(), identifiers=IDENTIFIERS,
                          facts={"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
                                 "offence": "fraud", "issuer": "prosecutor"})
    rid = req.id
    officer = tokens.access(api_world["users"]["liaison_officer"])
    reader = tokens.access(api_world["users"]["investigator"])
    outsider = tokens.access(api_world["users"]["other_unit"])
    url = f"/api/v1/requests/{rid}/answer/outcomes"

    bad = client.put(url, headers=officer, json={"items": [{"position": 1, "outcome": "refused"}]})
    assert bad.status_code == 422 and bad.json["error"]["details"]["fields"][0]["path"] == "items[1].reason"
    unknown = client.put(url, headers=officer, json={"items": [{"position": 0, "outcome": "maybe"}]})
    assert unknown.status_code == 422

    ok = client.put(url, headers=officer, json={"items": [
        {"position": 0, "outcome": "data_produced"},
        {"position": 1, "outcome": "refused", "reason": "DATA_NOT_STORED", "note": "retention expired"}]})
    assert ok.status_code == 200, ok.json
    assert ok.json["state"] == "partially_fulfilled"
    assert [(o["position"], o["outcome"], o["reason"]) for o in ok.json["outcomes"]] == [
        (0, "data_produced", None), (1, "refused", "DATA_NOT_STORED")]
    read = client.get(f"/api/v1/requests/{rid}/answer", headers=reader)
    assert read.status_code == 200 and read.json["outcomes"] == ok.json["outcomes"] and read.json["files"] == []
    stranger = client.get(f"/api/v1/requests/{rid}/answer", headers=outsider)
    assert stranger.status_code == 404
