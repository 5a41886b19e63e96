"""An admin ends every session of someone whose laptop was lost: they are logged out everywhere, audited."""

from __future__ import annotations

from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.auth.models import AuthSession
from tests.conftest import csrf_from


def test_an_admin_ends_all_sessions_of_an_investigator(client, login, factory, db_session):
    unit = factory.unit()
    admin = factory.user("admin", units=[unit])
    erik = factory.user("investigator", units=[unit], name="Erik")
    for _ in range(2):
        db_session.add(AuthSession(id=f"erik-{_}-" + "x" * 30, user_id=erik.id, mfa_passed=True))
    db_session.commit()
    login(admin)
    page = client.get(f"/admin/users/{erik.id}").get_data(as_text=True)
    assert "End all sessions" in page
    resp = client.post(f"/admin/users/{erik.id}/end-sessions", data={"csrf_token": csrf_from(page)})
    assert resp.status_code == 302
    open_rows = db_session.scalars(select(AuthSession).where(AuthSession.user_id == erik.id,
                                                             AuthSession.revoked_at.is_(None))).all()
    assert open_rows == []
    entry = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "user.sessions_ended")).one()
    assert entry.detail["sessions_ended"] == 2 and entry.actor == admin.email
    assert "2 session(s) ended" in client.get(f"/admin/users/{erik.id}").get_data(as_text=True)


def test_the_button_is_refused_for_ones_own_account(client, login, factory, db_session):
    admin = factory.user("admin")
    login(admin)
    page = client.get(f"/admin/users/{admin.id}").get_data(as_text=True)
    assert "End all sessions" not in page
    client.post(f"/admin/users/{admin.id}/end-sessions", data={"csrf_token": csrf_from(page)})
    assert db_session.scalars(select(AuthSession).where(AuthSession.user_id == admin.id,
                                                        AuthSession.revoked_at.is_(None))).all()
