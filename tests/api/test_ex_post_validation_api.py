"""The API shows an order issued without prior validation (Reg. (EU) 2023/1543 Art. 4(5)) with the group that must
validate it; approvers hold no API tokens, so validating is done on the web page with its step-up, and nobody the
API serves can validate or refuse. The details never carry the workflow's signature block."""

from __future__ import annotations

from datetime import timedelta

import pytest
import time_machine

from lawreq.api_tokens.services import TokenRefused
from lawreq.legal_requests.models import LegalRequest
from tests.legal_requests.test_ex_post_validation import (  # noqa: F401  (fixture)
    NOW, issue_unvalidated, world)


def test_the_api_names_the_validating_group_and_cannot_validate(app, client, tokens, db_session, rules,
                                                                world):  # noqa: F811
    req = issue_unvalidated(app, db_session, rules, world)
    row = db_session.get(LegalRequest, req.id)
    # stored before the details had a schema: the API must never hand it out as if it were a signature
    row.details = {**row.details, "signature": {"name": "Forged Prosecutor", "authority": "prosecutor"}}
    db_session.commit()
    url = f"/api/v1/requests/{req.id}"
    with time_machine.travel(NOW + timedelta(hours=1), tick=False):
        with pytest.raises(TokenRefused):
            tokens.access(world["prosecutor"])
        for who in ("investigator", "liaison"):
            headers = tokens.access(world[who])
            seen = client.get(url, headers=headers).json
            assert seen["validation_authority"] == "prosecutor" and "signature" not in seen["details"]
            assert not {"validate", "refuse_validation"} & set(seen["actions"])
            for action in ("validate", "refuse_validation"):
                resp = client.post(f"{url}/transitions", headers=headers,
                                   json={"action": action, "note": "x", "totp_code": "123456"})
                assert resp.status_code in (403, 422) and resp.is_json, resp.json
    assert [e.action for e in db_session.get(LegalRequest, req.id).events][-1] == "submit"  # nothing changed
