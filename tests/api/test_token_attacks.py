"""Every forged, stale, misdirected or over-reaching token is refused with a 401/403 envelope — never data.

Tokens are forged by hand (base64url + HMAC), so these tests do not trust the library they are testing.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import time

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa

from lawreq.auth.models import ApiToken, User
from lawreq.security.tokens import TokenError, issue, verify
from datetime import timedelta


def b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def forge(header: dict, payload: dict, key: bytes | None) -> str:
    signing = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(payload).encode())}"
    sig = b64(hmac.new(key, signing.encode(), hashlib.sha256).digest()) if key is not None else ""
    return f"{signing}.{sig}"


def claims_of(token: str) -> dict:
    part = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(part + "=" * (-len(part) % 4)))


@pytest.fixture
def valid(app, api_world, tokens):
    """A real access token of unit A's investigator and its decoded claims."""
    token = tokens.access_token(api_world["users"]["investigator"])
    return token, claims_of(token)


def call(client, token, path="/api/v1/requests"):
    return client.get(path, headers={"Authorization": f"Bearer {token}"})


def refused(resp, status=401):
    assert resp.status_code == status, resp.get_data(as_text=True)[:300]
    assert resp.is_json and resp.json["error"]["code"] in ("unauthorized", "forbidden")
    assert "items" not in resp.json
    return resp.json["error"]


def test_the_valid_token_works(client, valid):
    assert call(client, valid[0]).status_code == 200


def test_alg_none_is_refused(client, app, valid):
    unsigned = forge({"alg": "none", "typ": "JWT"}, valid[1], None)
    assert refused(call(client, unsigned))["details"]["reason"] == "malformed"
    assert refused(call(client, unsigned + "c2ln"))["details"]["reason"] == "algorithm"


def test_hs256_signed_with_the_rs256_public_key_is_refused(client, valid):
    private = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    public_pem = private.public_key().public_bytes(serialization.Encoding.PEM,
                                                   serialization.PublicFormat.SubjectPublicKeyInfo)
    refused(call(client, forge({"alg": "HS256", "typ": "JWT"}, valid[1], public_pem)))
    error = refused(call(client, forge({"alg": "RS256", "typ": "JWT"}, valid[1], public_pem)))
    assert error["details"]["reason"] == "algorithm"


def test_hs512_is_refused_even_with_the_right_secret(client, app, valid):
    header = {"alg": "HS512", "typ": "JWT"}
    signing = f"{b64(json.dumps(header).encode())}.{b64(json.dumps(valid[1]).encode())}"
    sig = b64(hmac.new(app.config["JWT_SECRET"].encode(), signing.encode(), hashlib.sha512).digest())
    assert refused(call(client, f"{signing}.{sig}"))["details"]["reason"] == "algorithm"


@pytest.mark.parametrize("change,reason", [
    ({"exp": -3600, "iat": -4000, "nbf": -4000}, "expired"),
    ({"nbf": 3600, "iat": 3600, "exp": 3900}, "not_yet_valid"),
])
def test_expired_and_not_yet_valid_tokens_are_refused(client, app, valid, change, reason):
    now = int(time.time())
    payload = {**valid[1], **{k: now + v for k, v in change.items()}}
    error = refused(call(client, forge({"alg": "HS256", "typ": "JWT"}, payload, app.config["JWT_SECRET"].encode())))
    assert error["details"]["reason"] == reason


def test_expiry_within_the_30_second_leeway_is_tolerated(client, app, valid):
    now = int(time.time())
    payload = {**valid[1], "iat": now - 300, "nbf": now - 300, "exp": now - 10}
    assert call(client, forge({"alg": "HS256", "typ": "JWT"}, payload, app.config["JWT_SECRET"].encode())).status_code == 200


@pytest.mark.parametrize("claim,value,reason", [("aud", "someone-else", "audience"), ("iss", "evil", "issuer")])
def test_wrong_audience_or_issuer_is_refused(client, app, valid, claim, value, reason):
    payload = {**valid[1], claim: value}
    error = refused(call(client, forge({"alg": "HS256", "typ": "JWT"}, payload, app.config["JWT_SECRET"].encode())))
    assert error["details"]["reason"] == reason


@pytest.mark.parametrize("claim", ["exp", "iat", "nbf", "aud", "iss", "jti", "sub"])
def test_a_missing_required_claim_is_refused(client, app, valid, claim):
    payload = {k: v for k, v in valid[1].items() if k != claim}
    refused(call(client, forge({"alg": "HS256", "typ": "JWT"}, payload, app.config["JWT_SECRET"].encode())))


def test_unknown_parent_jti_is_refused(client, app, valid):
    payload = {**valid[1], "pjt": "never-issued"}
    error = refused(call(client, forge({"alg": "HS256", "typ": "JWT"}, payload, app.config["JWT_SECRET"].encode())))
    assert error["details"]["reason"] == "unknown"


def test_revoking_the_personal_token_kills_its_access_tokens(client, db_session, valid):
    row = db_session.query(ApiToken).filter_by(jti=valid[1]["pjt"]).one()
    from lawreq.api_tokens.services import revoke_personal_token
    revoke_personal_token(db_session, b"k" * 32, row.user, row)
    db_session.commit()
    assert refused(call(client, valid[0]))["details"]["reason"] == "revoked"


def test_tampered_payload_is_refused(client, valid):
    head, _payload, sig = valid[0].split(".")
    evil = b64(json.dumps({**valid[1], "scopes": ["requests:read", "requests:write"], "sub": "1"}).encode())
    assert refused(call(client, f"{head}.{evil}.{sig}"))["details"]["reason"] == "signature"


def test_a_user_removed_from_the_unit_loses_access_at_once(client, db_session, api_world, tokens):
    user = api_world["users"]["investigator"]
    headers = tokens.access(user)
    path = f"/api/v1/requests/{api_world['draft'].id}"
    assert client.get(path, headers=headers).status_code == 200
    fresh = db_session.get(User, user.id)
    fresh.units = []
    db_session.commit()
    assert client.get(path, headers=headers).status_code == 404


def test_a_deactivated_user_is_refused(client, db_session, api_world, tokens):
    user = api_world["users"]["investigator"]
    headers = tokens.access(user)
    db_session.get(User, user.id).active = False
    db_session.commit()
    assert refused(client.get("/api/v1/requests", headers=headers))["details"]["reason"] == "user"


def test_a_missing_scope_is_refused_with_403(client, api_world, tokens):
    headers = tokens.access(api_world["users"]["investigator"], scopes=("routes:read",))
    error = refused(client.get("/api/v1/requests", headers=headers), 403)
    assert error["details"]["required"] == ["requests:read"]


@pytest.mark.parametrize("header", [{"crit": ["exp"]}, {"jku": "https://evil.test/k"}, {"jwk": {"kty": "oct"}},
                                    {"x5u": "https://evil.test/c"}, {"kid": "../../dev/null"}])
def test_extension_headers_are_refused(client, app, valid, header):
    token = forge({"alg": "HS256", "typ": "JWT", **header}, valid[1], app.config["JWT_SECRET"].encode())
    assert refused(call(client, token))["details"]["reason"] == "forbidden_header"


def test_an_oversized_token_is_refused(client, app, valid):
    payload = {**valid[1], "pad": "x" * 5000}
    token = forge({"alg": "HS256", "typ": "JWT"}, payload, app.config["JWT_SECRET"].encode())
    assert refused(call(client, token))["details"]["reason"] == "too_long"


def test_a_jwe_shaped_token_is_refused(client):
    assert refused(call(client, "eyJhbGciOiJkaXIiLCJlbmMiOiJBMTI4R0NNIn0..aaaa.bbbb.cccc"))["details"]["reason"] == "jwe"


def test_a_personal_token_is_not_an_access_token(client, api_world, tokens):
    personal = tokens.personal(api_world["users"]["investigator"])
    assert refused(call(client, personal))["details"]["reason"] == "purpose"


def test_an_access_token_cannot_be_exchanged(client, valid):
    resp = client.post("/api/v1/token", headers={"Authorization": f"Bearer {valid[0]}"})
    assert refused(resp)["details"]["reason"] == "purpose"


def test_no_cookie_auth_on_the_api(client, login, api_world):
    login(api_world["users"]["investigator"])
    refused(client.get("/api/v1/requests"))


def test_the_wrapper_refuses_lifetimes_longer_than_the_purpose_allows(keys):
    with pytest.raises(ValueError, match="lifetime"):
        issue(keys, "access", "1", timedelta(minutes=16))
    payload_token, _ = issue(keys, "personal", "1", timedelta(days=90))
    with pytest.raises(TokenError, match="cannot be used as a access"):
        verify(keys, payload_token, "access")
