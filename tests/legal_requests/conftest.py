"""The wizard's story fixtures: a Finnish unit, its investigator, a prosecutor who approves, a case."""

from __future__ import annotations

import re

import pytest

from tests.conftest import csrf_from


@pytest.fixture
def unit(factory):
    # A unit with the contact details every form prints: approving issues the document, so it must be complete.
    return factory.unit(code="FIPOL", country="FI", timezone="Europe/Helsinki", email="csa@fipol.test",
                        authority_name="Test Police Department, Finland")


@pytest.fixture
def investigator(factory, unit):
    return factory.user("investigator", units=[unit], name="Ilona Investigator")


PROSECUTOR_TOTP = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP"


@pytest.fixture
def prosecutor(factory, unit):
    return factory.user("approver", units=[unit], authority="prosecutor", name="Pekka Prosecutor",
                        totp_secret=PROSECUTOR_TOTP)


def fresh_code(user, db_session) -> str:
    """The approver's next unused TOTP code (the step after the last one accepted, so replay protection passes)."""
    import pyotp

    from lawreq.auth.models import User
    from lawreq.core.clock import utcnow

    user = db_session.get(User, user.id)
    totp = pyotp.TOTP(user.totp_secret)
    step = max(totp.timecode(utcnow()), (user.totp_last_timecode or 0) + 1)
    return totp.generate_otp(step)


def approve_and_sign(client, db_session, approver, request_id: int, *, code: str | None = None,
                     confirm: bool = True):
    """Approve as the page does: "Approve and sign…" on the review, then the code and the confirmation."""
    page = client.get(f"/approvals/{request_id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    sign_page = client.post(f"/approvals/{request_id}", data={"csrf_token": csrf_from(page), "version": version,
                                                              "approve": "x"})
    assert sign_page.status_code == 200, sign_page.get_data(as_text=True)[:2000]
    html = sign_page.get_data(as_text=True)
    prepared = re.search(r'name="prepared" type="hidden" value="(\d+|none)"', html).group(1)
    data = {"csrf_token": csrf_from(html), "version": version, "prepared": prepared, "sign": "x",
            "code": code if code is not None else fresh_code(approver, db_session)}
    if confirm:
        data["confirm"] = "y"
    return client.post(f"/approvals/{request_id}/sign", data=data), html


@pytest.fixture
def case(factory, unit, investigator):
    return factory.case(unit, created_by=investigator, offence="solicitation_of_children", max_penalty_years=2,
                        reference="2026/CSA/0412")


def version_from(html: str) -> str:
    m = re.search(r'name="version"[^>]*value="(\d+)"|value="(\d+)"[^>]*name="version"', html)
    assert m, "no version field in the page"
    return m.group(1) or m.group(2)


class Wizard:
    """Drives the wizard like a browser: read the page (CSRF token, version), post the step's fields."""

    def __init__(self, client, request_id: int) -> None:
        self.client = client
        self.id = request_id

    def url(self, step: str) -> str:
        return f"/requests/{self.id}/wizard/{step}"

    def page(self, step: str):
        return self.client.get(self.url(step))

    def post(self, step: str, data: dict, *, button: str = "save", version: str | None = None):
        html = self.page(step).get_data(as_text=True)
        form = {"csrf_token": csrf_from(html), "version": version or version_from(html), button: "x", **data}
        return self.client.post(self.url(step), data=form)


@pytest.fixture
def start(client, login, investigator, case):
    """Log the investigator in, start a request in the case the way the case page does, return a Wizard."""

    def do(user=None, in_case=None):
        login(user or investigator)
        target = in_case or case
        token = csrf_from(client.get(f"/cases/{target.id}").get_data(as_text=True))
        resp = client.post(f"/cases/{target.id}/requests", data={"csrf_token": token})
        assert resp.status_code == 302 and "/wizard/target" in resp.headers["Location"], resp.headers.get("Location")
        request_id = int(re.search(r"/requests/(\d+)/", resp.headers["Location"]).group(1))
        return Wizard(client, request_id)

    return do


TARGET = {"provider": "Instagram", "identifiers-0-kind": "username", "identifiers-0-value": "@Jane.Doe",
          "period_start": "2026-10-01", "period_end": "2026-11-01"}
DETAILS = {"facts_summary": "An adult contacted a 12-year-old through Instagram and proposed a meeting.",
           "legal_provisions": "Criminal Code (39/1889) chapter 20 section 8b",
           "necessity_proportionality": "Only the subscriber data can identify the suspect; no other means.",
           "time_range_start": "2026-10-01T00:00", "time_range_end": "2026-11-01T00:00", "language": "en"}


@pytest.fixture
def walk():
    """Take a started wizard through every step up to review with the happy-path answers."""

    def do(wiz: Wizard, route: str = "eu-epoc", target: dict | None = None, details: dict | None = None):
        for step, data in (("target", target or TARGET), ("data", {"data_categories": "subscriber_data"}),
                           ("urgency", {}), ("route", {"route": route}), ("details", details or DETAILS)):
            resp = wiz.post(step, data)
            assert resp.status_code == 302, step
        return wiz

    return do
