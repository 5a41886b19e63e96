"""Access-matrix rows of the area blueprints, merged into ``tests/test_access_matrix.py``.

Each helper adds only its own block. Roles: anon, investigator, approver, liaison_officer, rules_maintainer, admin,
other_unit (an investigator of another unit). Expected: a status, "ok" (< 400) or "login".
"""

ROWS: dict[str, tuple[str, dict[str, object]]] = {}

# legal_requests
ROWS.update({
    "legal_requests.cases": ("GET", {"anon": "login", "investigator": 200, "liaison_officer": 200, "admin": 200,
                                     "approver": 403, "rules_maintainer": 403, "other_unit": 200}),
    "legal_requests.new_case": ("GET", {"anon": "login", "investigator": 200, "admin": 200, "liaison_officer": 403,
                                        "approver": 403, "other_unit": 200}),
    "legal_requests.case": ("GET", {"anon": "login", "investigator": 200, "liaison_officer": 200, "admin": 200,
                                    "approver": 403, "rules_maintainer": 403, "other_unit": 404}),
    "legal_requests.start_request": ("POST", {"anon": "login", "investigator": 302, "other_unit": 404,
                                              "liaison_officer": 403, "approver": 403}),
    "legal_requests.detail": ("GET", {"anon": "login", "investigator": 200, "approver": 200, "liaison_officer": 200,
                                      "admin": 200, "rules_maintainer": 404, "other_unit": 404}),
    "legal_requests.act": ("POST", {"anon": "login", "other_unit": 404, "rules_maintainer": 404, "investigator": 302}),
    "legal_requests.document": ("GET", {"anon": "login", "other_unit": 404, "rules_maintainer": 404}),
})

# deadlines
_ANY_USER = {"anon": "login", "investigator": 200, "approver": 200, "liaison_officer": 200, "rules_maintainer": 200,
             "admin": 200, "other_unit": 200}
ROWS.update({
    "deadlines.notifications": ("GET", _ANY_USER),
    "deadlines.mark_read": ("POST", {"anon": "login", "investigator": 404, "approver": 404, "admin": 404,
                                     "other_unit": 404}),
    "deadlines.mark_all_read": ("POST", {"anon": "login", "investigator": "ok", "rules_maintainer": "ok"}),
    "deadlines.settings": ("GET", _ANY_USER),
    "deadlines.create_calendar_token": ("POST", {"anon": "login", "investigator": 200, "approver": 200}),
    "deadlines.revoke_calendar_token": ("POST", {"anon": "login", "investigator": "ok", "admin": "ok"}),
    "deadlines.ical_feed": ("GET", {"anon": 404, "investigator": 404}),
    "deadlines.preservations": ("GET", {"anon": "login", "investigator": 200, "liaison_officer": 200, "admin": 200,
                                        "approver": 403, "rules_maintainer": 403, "other_unit": 200}),
    "deadlines.extend_preservation": ("POST", {"anon": "login", "investigator": "ok", "liaison_officer": "ok",
                                               "admin": "ok", "approver": 403, "rules_maintainer": 403,
                                               "other_unit": 404}),
})

# board and rules browser
_BOARD = {"anon": "login", "investigator": 200, "liaison_officer": 200, "admin": 200, "approver": 403,
          "rules_maintainer": 403, "other_unit": 200}
_STATS = {"anon": "login", "liaison_officer": 200, "admin": 200, "investigator": 403, "approver": 403,
          "rules_maintainer": 403, "other_unit": 403}
_EVERYONE = {"anon": "login", "investigator": 200, "approver": 200, "liaison_officer": 200, "rules_maintainer": 200,
             "admin": 200, "other_unit": 200}
ROWS.update({
    "board.index": ("GET", _BOARD),
    "board.export": ("GET", _BOARD),
    "board.statistics": ("GET", _STATS),
    "board.statistics_short": ("GET", _STATS),
    "board.statistics_csv": ("GET", _STATS),
    "rules_browser.index": ("GET", _EVERYONE),
    "rules_browser.country": ("GET", _EVERYONE),
    "rules_browser.provider": ("GET", _EVERYONE),
    "rules_browser.compare": ("GET", _EVERYONE),
})

# wizard and approvals (the world's request awaits approval: not editable, no follow-up yet)
ROWS.update({
    "wizard.step": ("GET", {"anon": "login", "investigator": 302, "admin": 302, "approver": 403,
                            "liaison_officer": 403, "rules_maintainer": 403, "other_unit": 404}),
    "wizard.follow_up": ("POST", {"anon": "login", "investigator": 302, "admin": 302, "approver": 403,
                                  "liaison_officer": 403, "rules_maintainer": 403, "other_unit": 404}),
    "approvals.queue": ("GET", {"anon": "login", "approver": 200, "investigator": 403, "liaison_officer": 403,
                                "admin": 403, "rules_maintainer": 403, "other_unit": 403}),
    "approvals.review": ("GET", {"anon": "login", "approver": 200, "investigator": 403, "liaison_officer": 403,
                                 "admin": 403, "rules_maintainer": 403, "other_unit": 403}),
})

# api (bearer tokens only: a logged-in browser session gets 401 on every data endpoint; tests/api/ has the
# per-role × per-endpoint table with real tokens)
_NO_COOKIE_AUTH = {r: 401 for r in ("anon", "investigator", "approver", "liaison_officer", "rules_maintainer",
                                    "admin", "other_unit")}
ROWS.update({f"api.{name}": (method, _NO_COOKIE_AUTH) for name, method in (
    ("token", "POST"), ("routes", "POST"), ("providers", "GET"), ("provider", "GET"), ("jurisdictions", "GET"),
    ("jurisdiction", "GET"), ("cases", "GET"), ("case", "GET"), ("requests_list", "GET"), ("request_detail", "GET"),
    ("create_draft", "POST"), ("transition", "POST"), ("events", "GET"),
    ("document", "GET"), ("deadlines", "GET"), ("deadlines_ical", "GET"), ("statistics", "GET"))})
ROWS.update({
    # the matrix sends POST; this route is PATCH-only, so the envelope's 405 is what proves it stays JSON
    "api.update_draft": ("PATCH", {"anon": 405, "investigator": 405}),
    "api.openapi": ("GET", {"anon": 200, "investigator": 200}),
    "api.docs": ("GET", {"anon": 200, "investigator": 200}),
})

# api_tokens
ROWS.update({
    "api_tokens.index": ("GET", {"anon": "login", "investigator": 200, "liaison_officer": 200, "admin": 200,
                                 "approver": 403, "rules_maintainer": 403, "other_unit": 200}),
    "api_tokens.create": ("POST", {"anon": "login", "investigator": 400, "approver": 403, "rules_maintainer": 403}),
    "api_tokens.revoke": ("POST", {"anon": "login", "investigator": 404, "admin": 404, "approver": 403}),
})

# admin (accounts and units: admins only; the user_id is the world's investigator, the unit_id unit A)
_ADMIN_ONLY = {"anon": "login", "admin": 200, "investigator": 403, "approver": 403, "liaison_officer": 403,
               "rules_maintainer": 403, "other_unit": 403}
ROWS.update({f"admin.{name}": ("GET", _ADMIN_ONLY) for name in (
    "users", "new_user", "edit_user", "units", "new_unit", "edit_unit")})
ROWS.update({f"admin.{name}": ("POST", _ADMIN_ONLY | {"admin": "ok"}) for name in (
    "deactivate_user", "reactivate_user", "unlock_user", "reset_totp", "end_sessions")})
# an empty temporary-password form is refused with its field errors
ROWS["admin.set_password"] = ("POST", _ADMIN_ONLY | {"admin": 400})

# issued documents: signing (approvers only; the world has nothing prepared) and the public verification page
_APPROVERS_ONLY = {"anon": "login", "investigator": 403, "liaison_officer": 403, "admin": 403,
                   "rules_maintainer": 403, "other_unit": 403}
ROWS.update({
    "approvals.sign": ("POST", _APPROVERS_ONLY | {"approver": 404}),
    "approvals.prepared_pdf": ("GET", _APPROVERS_ONLY | {"approver": 404}),
    # ex-post validation (Art. 4(5)): the world's request awaits prior approval, so it has nothing to validate
    "approvals.validate": ("GET", _APPROVERS_ONLY | {"approver": 404}),
    "verify.index": ("GET", {"anon": 200, "investigator": 200, "approver": 200, "liaison_officer": 200,
                             "rules_maintainer": 200, "admin": 200, "other_unit": 200}),
})

# answers (the provider's answer on file)
ROWS.update({
    "answers.upload": ("POST", {"anon": "login", "investigator": 403, "approver": 403, "rules_maintainer": 403,
                                "other_unit": 403, "liaison_officer": "ok", "admin": "ok"}),
    # no file 1 on the world's request: 404 for everyone who may ask (tests/answers has the real downloads)
    "answers.download": ("GET", {"anon": "login", "investigator": 404, "approver": 404, "liaison_officer": 404,
                                 "rules_maintainer": 404, "other_unit": 404, "admin": 404}),
    "answers.outcomes": ("POST", {"anon": "login", "investigator": 403, "approver": 403, "rules_maintainer": 403,
                                  "other_unit": 403, "liaison_officer": "ok", "admin": "ok"}),
})

# cases can be edited by their unit
ROWS.update({
    "legal_requests.edit_case": ("GET", {"anon": "login", "investigator": 200, "admin": 200, "liaison_officer": 403,
                                         "approver": 403, "rules_maintainer": 403, "other_unit": 404}),
})

# the audit page (admins only)
_ADMIN_ONLY = {"anon": "login", "admin": 200, "investigator": 403, "approver": 403, "liaison_officer": 403,
               "rules_maintainer": 403, "other_unit": 403}
ROWS.update({
    "audit_admin.index": ("GET", _ADMIN_ONLY),
    "audit_admin.export": ("GET", _ADMIN_ONLY),
    "audit_admin.verify": ("POST", _ADMIN_ONLY),
})

# the provider's answer over the API: a session cookie opens nothing (the matrix posts; the PUT route says 405)
ROWS.update({
    "api.answer": ("GET", _NO_COOKIE_AUTH),
    "api.record_outcomes": ("PUT", {"anon": 405, "investigator": 405, "liaison_officer": 405}),
})

# operations: /metrics for admins or the configured scraper networks (the test client is not on one: 404)
ROWS["ops.metrics"] = ("GET", {"anon": 404, "investigator": 404, "approver": 404, "liaison_officer": 404,
                               "rules_maintainer": 404, "other_unit": 404, "admin": 200})
