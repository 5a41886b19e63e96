"""An admin's world: two units, an admin (second factor passed) and the colleagues they look after.

``post(url, **form)`` sends a form with a real CSRF token; ``browser(user)`` is a second, separate browser logged in
as someone else, so a test can watch that person's session end; ``api_headers(user)`` mints a personal API token
and exchanges it, as a unit's system would.
"""

from __future__ import annotations

import secrets

import pytest
from sqlalchemy import select

from lawreq.api_tokens.services import create_personal_token, exchange
from lawreq.audit.models import AuditEntry
from lawreq.auth.models import AuthSession
from lawreq.security.tokens import TokenKeys
from tests.conftest import csrf_from


@pytest.fixture
def people(factory, db_session):
    helsinki = factory.unit(code="HEL", name="Helsinki CSA", country="FI", timezone="Europe/Helsinki")
    berlin = factory.unit(code="BER", name="Berlin cyber", country="DE", timezone="Europe/Berlin")
    return {
        "helsinki": helsinki, "berlin": berlin,
        "admin": factory.user("admin", name="Aino Admin", email="aino@test.lawreq", units=[helsinki]),
        "ilona": factory.user("investigator", name="Ilona Investigator", email="ilona@test.lawreq", units=[helsinki]),
        "paavo": factory.user("approver", name="Paavo Prosecutor", email="paavo@test.lawreq", units=[helsinki],
                              authority="prosecutor", totp_secret="JBSWY3DPEHPK3PXP"),
        "erik": factory.user("investigator", name="Erik Ermittler", email="erik@test.lawreq", units=[berlin]),
    }


@pytest.fixture
def as_admin(login, people):
    login(people["admin"])
    return people["admin"]


@pytest.fixture
def post(client):
    def send(url, page="/account", **form):
        token = csrf_from(client.get(page).get_data(as_text=True))
        return client.post(url, data={"csrf_token": token, **form})

    return send


class Browser:
    """Another person's browser. Each request runs in a fresh app context: the admin's ``client`` keeps its last
    context pushed (``with app.test_client()``), and a request would otherwise reuse its ``g`` and its user."""

    def __init__(self, app, client) -> None:
        self.app, self.client = app, client

    def get(self, url, **kwargs):
        with self.app.app_context():
            return self.client.get(url, **kwargs)


@pytest.fixture
def browser(app, db_session):
    """A separate browser with a live, second-factor-passed session of ``user``."""

    def open_for(user):
        row = AuthSession(id=secrets.token_urlsafe(32), user_id=user.id, mfa_passed=True)
        db_session.add(row)
        db_session.commit()
        other = app.test_client()
        with app.app_context(), other.session_transaction() as sess:
            sess["sid"] = row.id
        return Browser(app, other)

    return open_for


@pytest.fixture
def api_headers(app, db_session):
    cfg = app.config
    keys = TokenKeys(secret=cfg["JWT_SECRET"], issuer=cfg["JWT_ISSUER"], audience=cfg["JWT_AUDIENCE"])
    audit = cfg["AUDIT_KEY"].encode()

    def mint(user):
        _row, personal = create_personal_token(db_session, keys, audit, user, name="CMS", scopes=["requests:read"],
                                               days=30)
        access, _claims, _principal = exchange(db_session, keys, audit, personal)
        db_session.commit()
        return personal, {"Authorization": f"Bearer {access}"}

    return mint


@pytest.fixture
def audit_entries(db_session):
    def entries(action):
        return list(db_session.scalars(select(AuditEntry).where(AuditEntry.action == action)
                                       .order_by(AuditEntry.seq)))

    return entries
