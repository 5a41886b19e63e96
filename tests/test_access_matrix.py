"""Every route of the app × every role. A new route without a row here fails ``test_every_route_has_a_row``.

``world`` builds two units: unit A with one user of every role and a request routed to A's prosecutor, and unit B
with its own investigator (``other_unit``), who must never see A's objects — not even learn they exist (404).
Expected values: a status code, ``"ok"`` (any status below 400, e.g. a redirect after a POST), or ``"login"``
(redirect to the login page).
"""

from __future__ import annotations

import pytest
from flask import url_for

from lawreq.core.clock import utcnow
from tests.conftest import csrf_from

ROLES = ("anon", "investigator", "approver", "liaison_officer", "rules_maintainer", "admin", "other_unit")
PUBLIC = {"static", "web.health", "web.index", "web.favicon", "auth.login", "auth.totp_check", "auth.totp_setup",
          "auth.logout", "auth.recovery_check", "verify.index", "ops.metrics"}

# endpoint -> (method, {role: expected})
ALL_OK = {r: 200 for r in ROLES if r != "anon"} | {"anon": "login"}
ACCESS: dict[str, tuple[str, dict[str, object]]] = {
    "web.index": ("GET", {"anon": "login", "investigator": 302}),
    "web.health": ("GET", {"anon": 200}),
    "web.favicon": ("GET", {"anon": 301, "investigator": 301}),
    "web.home": ("GET", ALL_OK),
    "auth.login": ("GET", {"anon": 200, "investigator": 302}),
    "auth.totp_check": ("GET", {"anon": "login"}),
    "auth.totp_setup": ("GET", {"anon": "login"}),
    "auth.recovery_check": ("GET", {"anon": "login", "investigator": "login"}),
    "auth.logout": ("POST", {"anon": "login", "investigator": "login"}),
    "auth.account": ("GET", ALL_OK),
    "auth.end_other_sessions": ("POST", {"anon": "login", "investigator": "ok"}),
    # the matrix posts no language: the form answers 400 with its error (tests/i18n has the real choice)
    "auth.set_language": ("POST", {"anon": "login", "investigator": 400}),
    # the world's users have no temporary password: the page sends them home (tests/auth/test_forced_password_change.py)
    "auth.choose_password": ("GET", {r: 302 for r in ROLES if r != "anon"} | {"anon": "login"}),
    # the world's users have no second factor: nothing to back up (tests/auth/test_recovery_codes.py has the rest)
    "auth.regenerate_recovery_codes": ("POST", {"anon": "login", "investigator": 404, "approver": 404, "admin": 404}),
}
#: Rows added by the area blueprints live next to them and are merged here.
try:
    from tests.access_rows import ROWS as _EXTRA

    ACCESS.update(_EXTRA)
except ImportError:  # pragma: no cover - before any area blueprint exists
    pass


@pytest.fixture
def world(factory, db_session):
    unit_a, unit_b = factory.unit(code="A"), factory.unit(code="B", country="DE", timezone="Europe/Berlin")
    users = {
        "investigator": factory.user("investigator", units=[unit_a]),
        "approver": factory.user("approver", units=[unit_a], authority="prosecutor"),
        "liaison_officer": factory.user("liaison_officer", units=[unit_a]),
        "rules_maintainer": factory.user("rules_maintainer", units=[]),
        "admin": factory.user("admin", units=[unit_a, unit_b]),
        "other_unit": factory.user("investigator", units=[unit_b]),
    }
    case = factory.case(unit_a, created_by=users["investigator"])
    req = factory.request(case, users["investigator"], state="awaiting_approval", approval_authority="prosecutor",
                          submitted_at=utcnow(), provider_id="meta", route_id="eu-eevidence-epoc",
                          form_id="epoc")
    db_session.commit()
    return {"users": users, "case": case, "request": req, "unit": unit_a}


def _url(app, endpoint, world):
    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    values = {}
    for arg in rule.arguments:
        if arg == "filename":
            values[arg] = "css/lawreq.css"
        elif arg == "request_id":
            values[arg] = world["request"].id
        elif arg == "case_id":
            values[arg] = world["case"].id
        elif arg == "unit_id":
            values[arg] = world["unit"].id
        elif arg == "user_id":
            values[arg] = world["users"]["investigator"].id
        else:
            values[arg] = _ARGS.get(arg, 1)
    with app.test_request_context():
        return url_for(endpoint, **values)


#: Values for other URL arguments used by area blueprints (country codes, provider ids, form ids …).
_ARGS = {"code": "FI", "provider_id": "meta", "a": "FI", "b": "DE", "form_id": "epoc", "token": "x" * 43,
         "step": "target", "action": "follow_up", "deadline_id": 1, "notification_id": 1, "token_id": 1, "event_id": 1}


def test_every_route_has_a_row(app):
    endpoints = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    missing = sorted(endpoints - set(ACCESS))
    assert missing == [], f"add access-matrix rows for: {missing}"


def test_every_view_declares_its_gate(app):
    ungated = [e for e, f in app.view_functions.items()
               if e != "static" and not hasattr(f, "_lawreq_access") and not e.startswith("api.")]
    assert ungated == []
    declared_public = {e for e, f in app.view_functions.items() if getattr(f, "_lawreq_access", None) == "public"}
    assert declared_public <= PUBLIC | {e for e in declared_public if e.startswith("api.") or e.endswith(".ical_feed")}


def _cases():
    for endpoint, (method, expect) in sorted(ACCESS.items()):
        for role, expected in expect.items():
            yield pytest.param(endpoint, method, role, expected, id=f"{endpoint}-{role}")


@pytest.mark.parametrize("endpoint,method,role,expected", list(_cases()))
def test_access(app, client, login, world, endpoint, method, role, expected):
    if role != "anon":
        login(world["users"][role])
    url = _url(app, endpoint, world)
    if method == "GET":
        resp = client.get(url)
    else:
        token = csrf_from(client.get("/login" if role == "anon" else "/account").get_data(as_text=True))
        resp = client.post(url, data={"csrf_token": token})
    if expected == "login":
        assert resp.status_code == 302 and "/login" in resp.headers["Location"], resp.status_code
    elif expected == "ok":
        assert resp.status_code < 400, resp.status_code
    else:
        assert resp.status_code == expected, resp.get_data(as_text=True)[:300]


def test_state_changing_routes_refuse_a_missing_csrf_token(app, client, login, world):
    login(world["users"]["admin"])
    unsafe = [(r.endpoint, m) for r in app.url_map.iter_rules() for m in (r.methods or ())
              if m in ("POST", "PUT", "PATCH", "DELETE") and not r.endpoint.startswith("api.")]
    assert unsafe, "expected at least one form endpoint"
    for endpoint, method in unsafe:
        resp = client.open(_url(app, endpoint, world), method=method, data={})
        assert resp.status_code == 400, f"{endpoint} accepted a POST without CSRF token"


def test_no_state_changing_get_routes(app):
    """GET must be safe: endpoints that change things are POST-only (ASVS 3.5.3)."""
    for rule in app.url_map.iter_rules():
        if "GET" in (rule.methods or ()) and "POST" not in (rule.methods or ()):
            assert not any(w in rule.endpoint for w in ("delete", "approve", "reject", "send", "revoke", "logout"))


def test_a_user_with_a_temporary_password_reaches_only_the_new_password_page(app, client, login, world, db_session):
    """Every page, present and future, GET or POST with a valid CSRF token, sends them to choose a password first."""
    user = world["users"]["admin"]  # the role that reaches the most
    user.must_change_password = True
    db_session.commit()
    login(user)
    token = csrf_from(client.get("/login/new-password").get_data(as_text=True))
    allowed = {"static", "web.health", "auth.choose_password", "auth.logout"}
    for rule in app.url_map.iter_rules():
        if rule.endpoint in allowed or rule.endpoint.startswith("api."):
            continue
        url = _url(app, rule.endpoint, world)
        for method in sorted((rule.methods or set()) & {"GET", "POST"}):
            resp = client.open(url, method=method, data={"csrf_token": token} if method == "POST" else None)
            assert resp.status_code == 302 and resp.headers["Location"].endswith("/login/new-password"), \
                f"{method} {rule.endpoint}: {resp.status_code}"
