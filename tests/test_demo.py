"""The demo seed's accounts open with the documented fixed password, straight to the home page: unlike a password
an admin types, the demo password is never a temporary one."""

from sqlalchemy import select

from lawreq.auth.models import User
from lawreq.demo import DEMO_PASSWORD, USERS, seed
from tests.conftest import csrf_from


def test_demo_accounts_log_in_with_the_demo_password_without_a_forced_change(app, client, db_session):
    seed(db_session, app)
    db_session.commit()
    emails = [spec[0] for spec in USERS]
    assert db_session.scalars(select(User.email).where(User.email.in_(emails), User.must_change_password)).all() == []
    token = csrf_from(client.get("/login").get_data(as_text=True))
    resp = client.post("/login", data={"email": "investigator@demo.lawreq", "password": DEMO_PASSWORD,
                                       "csrf_token": token})
    assert resp.status_code == 302 and resp.headers["Location"].endswith("/home")
