"""The list of area blueprints, in one place so ``create_app`` stays a short list of steps."""

from __future__ import annotations

from typing import Any


def blueprints() -> list[Any]:
    from lawreq.admin.audit_views import bp as audit_admin
    from lawreq.admin.views import bp as admin
    from lawreq.answers.views import bp as answers
    from lawreq.api.v1 import bp as api
    from lawreq.handoffs.at_once import bp as handoffs
    from lawreq.api_tokens.views import bp as api_tokens
    from lawreq.board.views import bp as board
    from lawreq.deadlines.views import bp as deadlines
    from lawreq.legal_requests.approvals import bp as approvals
    from lawreq.legal_requests.views import bp as legal_requests
    from lawreq.legal_requests.wizard_views import bp as wizard
    from lawreq.ops.views import bp as ops
    from lawreq.rules_browser.views import bp as rules_browser
    from lawreq.verify.views import bp as verify

    return [board, rules_browser, deadlines, legal_requests, wizard, approvals, api, api_tokens, admin, audit_admin,
            answers, handoffs, verify, ops]
