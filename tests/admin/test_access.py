"""Only an admin who has passed the second factor reaches the admin pages; the navigation shows them to admins only.
(Every endpoint × every role is in tests/access_rows.py; these are the stories around it.)"""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from lawreq.auth.models import User


@pytest.mark.parametrize("role", ["investigator", "approver", "liaison_officer", "rules_maintainer"])
def test_other_roles_are_refused_and_change_nothing(client, login, factory, people, post, db_session, role):
    login(factory.user(role, units=[people["helsinki"]]))
    ilona = people["ilona"]
    assert client.get("/admin/users/").status_code == 403
    assert client.get("/admin/units/new").status_code == 403
    assert post(f"/admin/users/{ilona.id}/deactivate").status_code == 403
    assert post("/admin/users/new", email="x@test.lawreq", name="X", role="admin",
                password="a long enough password").status_code == 403
    assert db_session.get(User, ilona.id).active
    assert db_session.scalar(select(func.count()).select_from(User).where(User.email == "x@test.lawreq")) == 0


def test_an_admin_with_the_second_factor_pending_is_sent_to_log_in(client, login, people):
    login(people["admin"], mfa_passed=False)
    resp = client.get("/admin/users/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_nobody_logged_in_is_sent_to_log_in(client, people):
    resp = client.get("/admin/units/")
    assert resp.status_code == 302 and "/login" in resp.headers["Location"]


def test_the_navigation_links_the_admin_pages_for_admins_only(client, login, people):
    login(people["admin"])
    html = client.get("/home").get_data(as_text=True)
    assert '<a href="/admin/users/">Users</a>' in html and '<a href="/admin/units/">Units</a>' in html
    login(people["ilona"])
    html = client.get("/home").get_data(as_text=True)
    assert "/admin/" not in html
