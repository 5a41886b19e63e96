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
