"""Token exchange and the read-only reference data: the rules engine, providers, jurisdictions."""

from __future__ import annotations

from flask import current_app, jsonify

from lawreq import db
from lawreq.api import serializers
from lawreq.api.auth import bearer, throttle, token_keys, unauthorized
from lawreq.api.blueprint import Operation, operation
from lawreq.api.errors import ApiError
from lawreq.api_tokens.services import TokenRefused, exchange
from lawreq.core.clock import utcnow
from lawreq.rules import Facts, FactsError, addressing, evaluate
from lawreq.security.tokens import TokenError, verify


def rules():
    return current_app.extensions["lawreq.rules"]


@operation("/token", "POST", Operation(
    "Exchange a personal token for an access token", "tokens", body="TokenExchange", response="AccessToken",
    public=True, errors=(401, 403, 415, 422, 429), preflight=bearer,
    description="Send the personal token as bearer. The access token lives at most 15 minutes and never "
                "outlives its personal token; optionally narrow its scopes."))
def token(body: dict):
    try:
        personal = bearer()
        throttle("x:" + verify(token_keys(), personal, "personal").jti)
        access, claims, principal = exchange(db.session, token_keys(), current_app.config["AUDIT_KEY"].encode(),
                                             personal, scopes=body.get("scopes"))
    except TokenRefused as exc:
        if exc.reason == "scope":
            raise ApiError(403, str(exc)) from None
        raise unauthorized(exc.reason, str(exc)) from None
    except TokenError as exc:
        raise unauthorized(exc.reason, str(exc)) from None
    db.session.commit()
    return jsonify({"access_token": access, "token_type": "Bearer",
                    "expires_in": int((claims.expires_at - utcnow()).total_seconds()) or 1,
                    "expires_at": claims.expires_at.isoformat(), "scopes": sorted(principal.scopes)})


@operation("/routes", "POST", Operation(
    "Every legal route for a set of facts", "reference", scopes=("routes:read",), body="Facts",
    response="RoutesResult", errors=(401, 403, 422, 429),
    description="The same JSON as `lawreq routes --format json`."))
def routes(body: dict):
    ruleset = rules()
    mapping = dict(body)
    matches = ruleset.find_providers(mapping["provider"])
    if len(matches) == 1:
        mapping["provider"] = matches[0].id
        named = addressing.named_service(matches[0], body["provider"])
        if named is not None and not mapping.get("service"):
            mapping["service"] = named.id  # "Instagram" names Meta's Instagram service
    mapping.setdefault("date", utcnow().date().isoformat())  # the app clock, as the wizard and deadlines use
    try:
        facts = Facts.from_mapping(mapping, rules=ruleset)
    except FactsError as exc:
        raise ApiError(422, str(exc), {"fields": [{"path": exc.fact, "message": exc.message}],
                                       "suggestions": list(exc.suggestions)}) from None
    result = evaluate(facts, ruleset)
    return jsonify({"facts": serializers.plain(facts.to_dict()), "rules_version": ruleset.version,
                    "routes": [serializers.plain(r.to_dict()) for r in result],
                    "recommendations": [rec.to_dict() for rec in _recommend(result, facts.provider, ruleset)]})


def _recommend(result, provider_id: str, ruleset) -> list:
    """The route step's ranking and reasons, with the figures of the caller's (first) unit and of the instance."""
    from lawreq.api.auth import caller
    from lawreq.legal_requests.history import route_figures
    from lawreq.rules.recommend import recommend

    units = getattr(caller().user, "units", None) or []
    figures = route_figures(db.session, unit_id=units[0].id if units else -1, provider_id=provider_id,
                            route_ids=[r.id for r in result if r.available])
    provider = ruleset.providers.get(provider_id)
    return recommend(result, figures, provider.name if provider else provider_id)


@operation("/providers", "GET", Operation(
    "Providers known to the rules", "reference", scopes=("routes:read",), query="providers",
    response="ProviderList", errors=(401, 403, 422, 429)))
def providers(args: dict):
    ruleset = rules()
    found = ruleset.find_providers(args["q"]) if "q" in args else sorted(ruleset.providers.values(),
                                                                          key=lambda p: p.id)
    return jsonify({"items": [serializers.provider(p) for p in found]})


@operation("/providers/<string(maxlength=64):provider_id>", "GET", Operation(
    "One provider: entities, channels, languages, retention, with citations", "reference",
    scopes=("routes:read",), response="ProviderDetail", errors=(401, 403, 404, 429)))
def provider(provider_id: str):
    found = rules().providers.get(provider_id)
    if found is None:
        raise ApiError(404, f"no provider {provider_id!r}")
    return jsonify(serializers.provider(found, detail=True))


@operation("/jurisdictions", "GET", Operation(
    "Countries covered by the rules", "reference", scopes=("routes:read",), response="JurisdictionList",
    errors=(401, 403, 429)))
def jurisdictions():
    return jsonify({"items": [serializers.jurisdiction(c) for _, c in sorted(rules().countries.items())]})


@operation("/jurisdictions/<string(length=2):code>", "GET", Operation(
    "One country: memberships, contacts, domestic procedures", "reference", scopes=("routes:read",),
    response="JurisdictionDetail", errors=(401, 403, 404, 429)))
def jurisdiction(code: str):
    found = rules().countries.get(code.upper())
    if found is None:
        raise ApiError(404, f"no jurisdiction {code!r}")
    return jsonify(serializers.jurisdiction(found, detail=True))
