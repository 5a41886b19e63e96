"""A hostile body gets a clean envelope before the parser recurses or reads it all: too deep is 400, too large 413,
and the request it aimed at is unchanged."""

from __future__ import annotations

import json

import pytest

from lawreq.api.blueprint import MAX_JSON_DEPTH, json_depth_exceeds


@pytest.fixture
def world(api_world):
    return api_world


def _post(client, url, data, headers):
    return client.post(url, data=data, headers={**headers, "Content-Type": "application/json"})


def test_a_body_nested_fifty_thousand_levels_is_refused_with_a_400_envelope(client, tokens, world):
    headers = tokens.access(world["users"]["investigator"])
    body = "[" * 50_000 + "]" * 50_000
    resp = _post(client, f"/api/v1/cases/{world['case'].id}/requests", body, headers)
    assert resp.status_code == 400
    assert "nested deeper than 32" in resp.get_json()["error"]["message"]


def test_brackets_inside_strings_do_not_count_towards_the_depth():
    text = json.dumps({"note": "[" * 1000, "facts": {"a": [[1]]}}).encode()
    assert not json_depth_exceeds(text)
    assert json_depth_exceeds(("[" * (MAX_JSON_DEPTH + 1) + "]" * (MAX_JSON_DEPTH + 1)).encode())
    assert not json_depth_exceeds(("[" * MAX_JSON_DEPTH + "]" * MAX_JSON_DEPTH).encode())


def test_a_body_larger_than_the_configured_limit_is_refused_with_a_413_envelope(app, client, tokens, world):
    headers = tokens.access(world["users"]["investigator"])
    old = app.config["MAX_CONTENT_LENGTH"]
    app.config["MAX_CONTENT_LENGTH"] = 1024
    try:
        resp = _post(client, f"/api/v1/cases/{world['case'].id}/requests",
                     json.dumps({"facts": {"provider": "x" * 5000}}), headers)
    finally:
        app.config["MAX_CONTENT_LENGTH"] = old
    assert resp.status_code == 413
    assert resp.get_json()["error"]["code"]
