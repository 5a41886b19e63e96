"""An API world: unit A with every role, unit B's investigator, and helpers that mint real tokens."""

from __future__ import annotations

import pytest

from lawreq.api_tokens.services import SCOPES, create_personal_token, exchange
from lawreq.core.clock import utcnow
from lawreq.security.tokens import TokenKeys

ALL_SCOPES = tuple(SCOPES)


@pytest.fixture
def keys(app) -> TokenKeys:
    cfg = app.config
    return TokenKeys(secret=cfg["JWT_SECRET"], issuer=cfg["JWT_ISSUER"], audience=cfg["JWT_AUDIENCE"])


@pytest.fixture
def tokens(app, db_session, keys):
    """``tokens.personal(user, scopes)`` → token string; ``tokens.access(user, scopes)`` → bearer headers."""
    audit = app.config["AUDIT_KEY"].encode()

    class Tokens:
        def personal(self, user, scopes=ALL_SCOPES, days=30):
            _row, token = create_personal_token(db_session, keys, audit, user, name="cms", scopes=scopes, days=days)
            db_session.commit()
            return token

        def access_token(self, user, scopes=ALL_SCOPES):
            token, _claims, _p = exchange(db_session, keys, audit, self.personal(user, scopes))
            db_session.commit()
            return token

        def access(self, user, scopes=ALL_SCOPES):
            return {"Authorization": f"Bearer {self.access_token(user, scopes)}"}

    return Tokens()


@pytest.fixture
def api_world(factory, db_session):
    unit_a, unit_b = factory.unit(code="AA"), factory.unit(code="BB", country="DE", timezone="Europe/Berlin")
    users = {
        "investigator": factory.user("investigator", units=[unit_a]),
        "approver": factory.user("approver", units=[unit_a], authority="prosecutor"),
        "liaison_officer": factory.user("liaison_officer", units=[unit_a]),
        "rules_maintainer": factory.user("rules_maintainer", units=[]),
        "admin": factory.user("admin", units=[unit_a, unit_b]),
        "other_unit": factory.user("investigator", units=[unit_b]),
    }
    case = factory.case(unit_a, created_by=users["investigator"])
    draft = factory.request(case, users["investigator"], state="draft",
                            facts={"issuing_country": "FI", "issuer": "police", "offence": "solicitation_of_children",
                                   "max_penalty_years": 4, "committed_online": True, "emergency": False,
                                   "data_categories": ["subscriber_data"], "provider": "meta"},
                            provider_id="meta")
    waiting = factory.request(case, users["investigator"], state="awaiting_approval", approval_authority="prosecutor",
                              submitted_at=utcnow(), provider_id="meta", route_id="eu-eevidence-epoc", form_id="epoc")
    db_session.commit()
    return {"users": users, "case": case, "draft": draft, "waiting": waiting, "unit": unit_a, "unit_b": unit_b}

