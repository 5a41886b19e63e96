"""A provider's staff member checks a received PDF at /verify without an account: genuine or not, who issued it,
when, withdrawn or not — and nothing of the content. One changed byte makes it not genuine."""

from __future__ import annotations

import io
from datetime import datetime, timezone

import pytest
import time_machine
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.legal_requests import services
from lawreq.legal_requests.issued import IssuedDocument
from tests.conftest import TEST_CONFIG, csrf_from
from tests.legal_requests.test_approvals import submitted  # noqa: F401  (fixture)


WITHDRAWN_AT = datetime(2026, 12, 7, 9, 30, tzinfo=timezone.utc)
REISSUED_AT = datetime(2026, 12, 8, 14, 0, tzinfo=timezone.utc)


def _ctx(user, app):
    return services.Ctx(user, TEST_CONFIG["AUDIT_KEY"].encode(), app.extensions["lawreq.rules"],
                        signing=app.extensions.get("lawreq.signing"))


@pytest.fixture
def issued(app, db_session, prosecutor, submitted, signing_keys):  # noqa: F811
    signing_keys("FIPOL")
    req = submitted()
    services.transition(db_session, _ctx(prosecutor, app), req, "approve")
    db_session.commit()
    return db_session.scalar(select(IssuedDocument).where(IssuedDocument.request_id == req.id))


def _check(client, *, pdf: bytes | None = None, checksum: str = ""):
    token = csrf_from(client.get("/verify").get_data(as_text=True))
    data = {"csrf_token": token, "checksum": checksum, "submit": "x"}
    if pdf is not None:
        data["document"] = (io.BytesIO(pdf), "received.pdf")
    return client.post("/verify", data=data, content_type="multipart/form-data")


def test_the_received_file_is_genuine_and_says_who_issued_it(client, issued):
    resp = _check(client, pdf=issued.pdf)
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "Genuine" in html and "Not genuine" not in html
    assert "Test Police Department, Finland" in html and "withdrawn" not in html.split('id="verdict"')[1][:600]
    # nothing of the content: no reference, no identifiers, no facts
    req_ref = issued.input["reference"]
    assert req_ref not in html and "jane.doe" not in html and "Grooming" not in html


def test_one_changed_byte_is_not_genuine(client, issued):
    tampered = bytearray(issued.pdf)
    tampered[len(tampered) // 3] ^= 0x01
    html = _check(client, pdf=bytes(tampered)).get_data(as_text=True)
    assert "Not genuine" in html and "Test Police Department" not in html


def test_a_pasted_checksum_is_enough(client, issued):
    assert "Genuine" in _check(client, checksum=issued.sha256.upper()).get_data(as_text=True)
    assert "Not genuine" in _check(client, checksum="0" * 64).get_data(as_text=True)
    bad = _check(client, checksum="not-a-checksum")
    assert bad.status_code == 422 and "64 hexadecimal characters" in bad.get_data(as_text=True)
    assert 'value="not-a-checksum"' in bad.get_data(as_text=True)  # what was typed stays


def test_an_empty_form_says_what_to_give(client, issued):
    resp = _check(client)
    assert resp.status_code == 422 and "Choose the PDF file or paste its checksum" in resp.get_data(as_text=True)


def _verdict(html: str) -> str:
    return html.split('id="verdict"')[1].split("</section>")[0]


def test_a_withdrawn_request_is_reported_as_withdrawn_with_the_date(app, client, db_session, investigator, issued):
    from lawreq.legal_requests.models import LegalRequest

    req = db_session.get(LegalRequest, issued.request_id)
    with time_machine.travel(WITHDRAWN_AT, tick=False):
        services.transition(db_session, _ctx(investigator, app), req, "withdraw", note="Identified otherwise.")
        db_session.commit()
    reference = req.reference
    verdict = _verdict(_check(client, pdf=issued.pdf).get_data(as_text=True))
    assert "Genuine" in verdict and "Genuine, but withdrawn on Dec 7, 2026 09:30 UTC: do not act on it." in verdict
    assert "Identified otherwise" not in verdict and reference not in verdict  # nothing of the content


def test_a_superseded_document_names_the_date_of_the_later_version(app, client, db_session, investigator,
                                                                   prosecutor, issued):
    """A provider holding an older version learns it is genuine, that a later one exists and since when."""
    from lawreq.legal_requests.models import LegalRequest

    req = db_session.get(LegalRequest, issued.request_id)
    services.save_draft(db_session, _ctx(investigator, app), req, expected_version=req.version,
                        details={"facts_summary": "Grooming of a 12-year-old, with the new chat logs."})
    db_session.commit()
    pending = _verdict(_check(client, pdf=issued.pdf).get_data(as_text=True))
    assert "Genuine, but superseded: the issuer is changing it and no later version has been issued yet" in pending
    req = db_session.get(LegalRequest, issued.request_id)  # the page's request ended the session's objects
    reference = req.reference
    with time_machine.travel(REISSUED_AT, tick=False):
        services.transition(db_session, _ctx(investigator, app), req, "submit")
        services.transition(db_session, _ctx(prosecutor, app), req, "approve")
        db_session.commit()
    verdict = _verdict(_check(client, pdf=issued.pdf).get_data(as_text=True))
    assert ("Genuine, but superseded by a later version issued on Dec 8, 2026 14:00 UTC: ask the issuer for the "
            "current one.") in verdict
    assert "new chat logs" not in verdict and reference not in verdict
    current = db_session.scalar(select(IssuedDocument).where(IssuedDocument.request_id == issued.request_id,
                                                             IssuedDocument.status == "issued"))
    fresh = _verdict(_check(client, pdf=current.pdf).get_data(as_text=True))
    assert "Genuine" in fresh and "superseded" not in fresh and "withdrawn" not in fresh


def test_a_prepared_but_unsigned_draft_is_not_genuine(client, login, prosecutor, submitted, db_session):  # noqa: F811
    import re

    req = submitted()
    login(prosecutor)
    page = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post(f"/approvals/{req.id}", data={"csrf_token": csrf_from(page), "version": version, "approve": "x"})
    prepared = db_session.scalar(select(IssuedDocument).where(IssuedDocument.request_id == req.id))
    assert prepared.status == "prepared"
    client.post("/logout", data={"csrf_token": csrf_from(client.get("/account").get_data(as_text=True))})
    assert "Not genuine" in _check(client, pdf=prepared.pdf).get_data(as_text=True)


def test_checks_are_audited_and_rate_limited(app, client, issued, db_session, monkeypatch):
    from lawreq.auth.services import IpThrottle
    from lawreq.verify import limits

    monkeypatch.setattr(limits, "_window", IpThrottle())
    monkeypatch.setitem(app.config, "VERIFY_PER_MINUTE", 2)
    assert _check(client, checksum=issued.sha256).status_code == 200
    assert _check(client, checksum="1" * 64).status_code == 200
    limited = _check(client, checksum=issued.sha256)
    assert limited.status_code == 429 and "Too many checks" in limited.get_data(as_text=True)
    entries = list(db_session.scalars(select(AuditEntry).where(AuditEntry.action.like("verify.%"))
                                      .order_by(AuditEntry.seq)))
    assert [e.action for e in entries] == ["verify.checked", "verify.checked", "verify.throttled"]
    assert entries[0].detail["genuine"] is True and entries[1].detail["genuine"] is False
    assert entries[0].detail["sha256"] == issued.sha256 and entries[0].detail["ip"] == "127.0.0.1"


def test_the_form_needs_its_csrf_token(client, issued):
    resp = client.post("/verify", data={"checksum": issued.sha256})
    assert resp.status_code == 400
