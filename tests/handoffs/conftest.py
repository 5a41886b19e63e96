"""A unit with everyone who acts on a request, a real SMTP server, and a clock pinned at a Monday morning."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from lawreq.deadlines.mail import SmtpSender, SmtpSettings
from lawreq.legal_requests import services
from tests.deadlines.test_mail import smtp_server  # noqa: F401 - the real aiosmtpd fixture

PRODUCTION = {"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
              "offence": "fraud", "date": "2026-11-23", "issuer": "police"}
SUBMITTED = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)


@pytest.fixture
def crew(factory):
    unit = factory.unit(country="FI", timezone="Europe/Helsinki")
    other = factory.unit(country="SE", timezone="Europe/Stockholm")
    return {
        "unit": unit,
        "investigator": factory.user("investigator", units=[unit], name="Ida Investigator"),
        "prosecutor": factory.user("approver", units=[unit], authority="prosecutor", name="Pia Prosecutor"),
        "judge": factory.user("approver", units=[unit], authority="judge", name="Jon Judge"),
        "officer": factory.user("liaison_officer", units=[unit], name="Leo Liaison"),
        "stranger": factory.user("approver", units=[other], authority="prosecutor"),
        "admin": factory.user("admin", units=[]),
    }


@pytest.fixture
def draft(factory, crew):
    def make(*, emergency: bool = False, reference: str | None = None):
        case = factory.case(crew["unit"], created_by=crew["investigator"], summary="Secret suspect: Jane Roe")
        return factory.request(case, crew["investigator"], state="draft", route_id="eu-epoc", route_kind="epoc",
                               approval_authority="prosecutor", emergency=emergency, provider_id="meta",
                               addressee_country="IE", issuing_country="FI",
                               facts={**PRODUCTION, "emergency": emergency},
                               **({"reference": reference} if reference else {}))
    return make


@pytest.fixture
def act(db_session, app, rules):
    def do(user, req, action, at, note=None, data=None):
        ctx = services.Ctx(actor=user, audit_key=app.config["AUDIT_KEY"].encode(), rules=rules, now=at)
        services.transition(db_session, ctx, req, action, note=note, data=data)
        db_session.commit()
    return do


@pytest.fixture
def mailer(app, smtp_server):  # noqa: F811
    controller, captured = smtp_server
    config = {**app.config, "SMTP_HOST": "127.0.0.1", "SMTP_PORT": controller.port, "SMTP_SECURITY": "none",
              "SMTP_FROM": "Lawreq <notify@lawreq.test>"}
    with SmtpSender(SmtpSettings.from_config(config)) as sender:
        yield sender, captured
