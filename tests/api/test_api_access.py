"""Every API endpoint × every role, with real tokens (all scopes); ids of another unit answer 404 (no IDOR)."""

from __future__ import annotations

import pytest

ROLES = ("investigator", "approver", "liaison_officer", "rules_maintainer", "admin", "other_unit")
NO_API = {"approver": 401, "rules_maintainer": 401}  # these roles hold no API tokens (approvers sign with TOTP)
READ = {"investigator": 200, "liaison_officer": 200, "admin": 200, "other_unit": 200, **NO_API}
OWN = {"investigator": 200, "liaison_officer": 200, "admin": 200, "other_unit": 404, **NO_API}

#: endpoint -> (method, path template, json body, {role: status})
TABLE = {
    "api.openapi": ("GET", "/api/v1/openapi.json", None, {r: 200 for r in ROLES}),
    "api.docs": ("GET", "/api/v1/docs", None, {r: 200 for r in ROLES}),
    "api.token": ("POST", "/api/v1/token", None, {r: 401 for r in ROLES}),  # an access token cannot be exchanged
    "api.routes": ("POST", "/api/v1/routes", {"issuing_country": "FI", "provider": "meta", "offence": "fraud",
                                              "data_categories": ["subscriber_data"]}, READ),
    "api.providers": ("GET", "/api/v1/providers", None, READ),
    "api.provider": ("GET", "/api/v1/providers/meta", None, READ),
    "api.jurisdictions": ("GET", "/api/v1/jurisdictions", None, READ),
    "api.jurisdiction": ("GET", "/api/v1/jurisdictions/FI", None, READ),
    "api.cases": ("GET", "/api/v1/cases", None, READ),
    "api.case": ("GET", "/api/v1/cases/{case}", None, OWN),
    "api.requests_list": ("GET", "/api/v1/requests", None, READ),
    "api.request_detail": ("GET", "/api/v1/requests/{draft}", None, OWN),
    "api.events": ("GET", "/api/v1/requests/{draft}/events", None, OWN),
    "api.document": ("GET", "/api/v1/requests/{draft}/document.pdf", None,
                     {**OWN, "investigator": 409, "liaison_officer": 409, "admin": 409}),  # no route chosen yet
    "api.create_draft": ("POST", "/api/v1/cases/{case}/requests", {}, {
        "investigator": 201, "admin": 201, "liaison_officer": 403, "other_unit": 404, **NO_API}),
    "api.update_draft": ("PATCH", "/api/v1/requests/{draft}", {"version": 1, "details": {"data_details": "x"}}, {
        "investigator": 200, "admin": 200, "liaison_officer": 403, "other_unit": 404, **NO_API}),
    "api.transition": ("POST", "/api/v1/requests/{waiting}/transitions", {"action": "withdraw", "note": "dup"}, {
        "investigator": 200, "liaison_officer": 200, "admin": 200, "other_unit": 404, **NO_API}),
    "api.deadlines": ("GET", "/api/v1/deadlines", None, READ),
    "api.deadlines_ical": ("GET", "/api/v1/deadlines.ics", None, READ),
    "api.statistics": ("GET", "/api/v1/statistics", None, READ),
    "api.answer": ("GET", "/api/v1/requests/{draft}/answer", None, OWN),
    # the draft is not sent: the unit's officer (and admin) are told so; an investigator may not record at all
    "api.record_outcomes": ("PUT", "/api/v1/requests/{draft}/answer/outcomes",
                            {"items": [{"position": 0, "outcome": "no_data"}]},
                            {"investigator": 403, "liaison_officer": 409, "admin": 409, "other_unit": 404, **NO_API}),
}


def test_every_api_endpoint_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules() if r.endpoint.startswith("api.")}
    assert endpoints and sorted(endpoints - set(TABLE)) == []
    for endpoint, (_m, _p, _b, expect) in TABLE.items():
        assert set(expect) == set(ROLES), f"{endpoint}: a row per role"


def _cases():
    for endpoint, (method, path, body, expect) in sorted(TABLE.items()):
        for role in ROLES:
            yield pytest.param(method, path, body, role, expect[role], id=f"{endpoint}-{role}")


@pytest.mark.parametrize("method,path,body,role,expected", list(_cases()))
def test_api_access(client, api_world, tokens, method, path, body, role, expected):
    from lawreq.api_tokens.services import API_ROLES

    user = api_world["users"][role]
    if user.role in API_ROLES:
        headers = tokens.access(user)
    else:
        with pytest.raises(Exception, match="cannot hold API tokens"):
            tokens.access(user)
        headers = {"Authorization": "Bearer " + "e30.e30.e30"}  # what such a user could at most send
    url = path.format(case=api_world["case"].id, draft=api_world["draft"].id, waiting=api_world["waiting"].id)
    secret = api_world["case"].reference
    resp = client.open(url, method=method, json=body, headers=headers)
    assert resp.status_code == expected, resp.get_data(as_text=True)[:300]
    if expected >= 400:
        assert resp.is_json and set(resp.json["error"]) == {"code", "message", "details"}
    if expected == 404:
        assert secret not in resp.get_data(as_text=True)


def test_ids_of_another_unit_are_invisible_in_lists_too(client, api_world, tokens):
    headers = tokens.access(api_world["users"]["other_unit"])
    assert client.get("/api/v1/requests", headers=headers).json["items"] == []
    assert client.get("/api/v1/cases", headers=headers).json["items"] == []
    assert client.get(f"/api/v1/deadlines?request_id={api_world['draft'].id}", headers=headers).json["items"] == []
    assert client.get("/api/v1/statistics", headers=headers).json["total"] == 0
