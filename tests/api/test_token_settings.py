"""The settings page: a token is created with a name, scopes and an expiry ≤ 90 days, shown once, and revocable."""

from __future__ import annotations

import re

import pytest
from sqlalchemy import select

from lawreq.auth.models import ApiToken

PAGE = "/settings/api-tokens/"


def create(client, csrf, **fields):
    data = {"csrf_token": csrf(PAGE), "name": "CMS Helsinki", "scopes": ["requests:read", "routes:read"],
            "days": "30", **fields}
    return client.post(PAGE, data=data)


def test_a_token_is_shown_once_and_works_for_the_exchange(client, login, csrf, api_world, db_session):
    login(api_world["users"]["liaison_officer"])
    resp = create(client, csrf)
    assert resp.status_code == 201
    token = re.search(r'<pre class="token-value">([^<]+)</pre>', resp.get_data(as_text=True)).group(1)
    exchanged = client.post("/api/v1/token", headers={"Authorization": f"Bearer {token}"})
    assert exchanged.status_code == 200 and exchanged.json["scopes"] == ["requests:read", "routes:read"]
    again = client.get(PAGE).get_data(as_text=True)
    assert token not in again and "CMS Helsinki" in again
    row = db_session.scalar(select(ApiToken).where(ApiToken.name == "CMS Helsinki"))
    assert token not in (row.jti, str(row.scopes))


@pytest.mark.parametrize("fields,message", [
    ({"name": ""}, "Name the token after the system"),
    ({"days": "91"}, "Between 1 and 90 days."),
    ({"scopes": []}, "Choose at least one scope."),
    ({"scopes": ["admin:all"]}, "is not a valid choice for this field"),
])
def test_each_bad_field_gets_its_message_and_keeps_what_was_typed(client, login, csrf, api_world, fields, message):
    login(api_world["users"]["investigator"])
    resp = create(client, csrf, **fields)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 400 and message in html
    if fields.get("name", "x"):
        assert 'value="CMS Helsinki"' in html


def test_revoking_stops_the_token_and_is_audited(client, login, csrf, api_world, tokens, db_session):
    user = api_world["users"]["investigator"]
    headers = tokens.access(user)
    login(user)
    row = db_session.scalar(select(ApiToken).where(ApiToken.user_id == user.id))
    resp = client.post(f"{PAGE}{row.id}/revoke", data={"csrf_token": csrf(PAGE)})
    assert resp.status_code == 302
    assert client.get("/api/v1/requests", headers=headers).status_code == 401
    from lawreq.audit.models import AuditEntry
    assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "api_token.revoked")) is not None


def test_nobody_revokes_someone_elses_token(client, login, csrf, api_world, tokens, db_session):
    tokens.personal(api_world["users"]["investigator"])
    row = db_session.scalar(select(ApiToken).where(ApiToken.user_id == api_world["users"]["investigator"].id))
    login(api_world["users"]["other_unit"])
    assert client.post(f"{PAGE}{row.id}/revoke", data={"csrf_token": csrf(PAGE)}).status_code == 404
    assert db_session.get(ApiToken, row.id).revoked_at is None
