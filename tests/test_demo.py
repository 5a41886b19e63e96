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


def test_the_demo_tells_a_true_story_dates_in_order_addressees_the_rules_give_and_a_history(app, db_session, rules):
    from datetime import timedelta

    from lawreq.answers.models import IdentifierOutcome
    from lawreq.board.queries import statistics_cells
    from lawreq.board.statistics import summarise
    from lawreq.core.clock import utcnow
    from lawreq.legal_requests import history
    from lawreq.legal_requests.models import LegalRequest

    seed(db_session, app)
    db_session.commit()
    requests = db_session.scalars(select(LegalRequest)).all()
    for req in requests:
        assert req.case.created_at <= req.created_at, req.reference
        for later in (req.submitted_at, req.decided_at, req.sent_at, req.acknowledged_at, req.closed_at):
            assert later is None or req.created_at <= later, req.reference
        assert req.sent_at is None or req.acknowledged_at is None or req.sent_at <= req.acknowledged_at
        if (req.route_id or "").startswith("eu-"):
            addressee = rules.countries[req.addressee_country]
            assert addressee.member("eu", req.created_at.date()), f"{req.reference}: to {req.addressee_country}"
    assert not [r for r in requests if (r.route_id or "").startswith("eu-epoc") and r.addressee_country == "US"]

    officer = db_session.scalar(select(User).where(User.email == "liaison@demo.lawreq"))
    by_route = {s.key: s for s in summarise(statistics_cells(db_session, officer, utcnow() - timedelta(days=365)),
                                            "route")}
    assert by_route["eu-epoc"].answered >= 8 and by_route["eu-epoc"].median_data_days is not None
    assert by_route["us-voluntary-disclosure"].refusals_by_reason
    measured = history.measured_medians(db_session, unit_id=officer.units[0].id, provider_id="meta",
                                        route_ids=["eu-epoc", "us-voluntary-disclosure"])
    assert set(measured) == {"eu-epoc", "us-voluntary-disclosure"}
    assert measured["eu-epoc"].median_days < measured["us-voluntary-disclosure"].median_days
    assert db_session.scalars(select(IdentifierOutcome)).all()
