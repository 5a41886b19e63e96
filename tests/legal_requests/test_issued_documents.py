"""What was approved is what is sent: the prosecutor reads the document, confirms with a fresh code and signs; the
exact bytes are stored, every download returns them, a change after approval needs a new approval, a withdrawal
marks them, and nobody who shaped a request approves it."""

from __future__ import annotations

import hashlib
import re

import pyotp
import pytest
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.auth.models import User
from lawreq.core.clock import utcnow
from lawreq.legal_requests import services
from lawreq.legal_requests.issued import IssuedDocument
from lawreq.legal_requests.models import LegalRequest
from lawreq.signing.verify import check_signature
from tests.conftest import TEST_CONFIG, csrf_from
from tests.pdf.conftest import pdf_text
from tests.legal_requests.conftest import PROSECUTOR_TOTP, approve_and_sign
from tests.legal_requests.test_approvals import submitted  # noqa: F401  (fixture)


def _issued(db_session, req_id: int) -> list[IssuedDocument]:
    return list(db_session.scalars(select(IssuedDocument).where(IssuedDocument.request_id == req_id)
                                   .order_by(IssuedDocument.id)))


def test_the_signed_bytes_are_stored_and_every_download_returns_them(client, login, prosecutor, investigator,
                                                                     submitted, db_session, signing_keys):  # noqa: F811
    keys = signing_keys("FIPOL")
    req = submitted()
    login(prosecutor)
    resp, sign_page = approve_and_sign(client, db_session, prosecutor, req.id)
    preview_url = re.search(r'id="prepared-preview" href="([^"]+)"', sign_page).group(1)
    assert resp.status_code == 302
    [doc] = _issued(db_session, req.id)
    assert doc.status == "issued" and doc.signed and doc.signature_level == "B-B"
    assert doc.sha256 == hashlib.sha256(doc.pdf).hexdigest() and doc.approved_by_id == prosecutor.id
    assert doc.input["reference"] == req.reference and doc.form_id == "epoc" and doc.language == "en"
    # the document the prosecutor read is the stored one, byte for byte, with the signature appended
    assert doc.content_sha256 in sign_page
    assert check_signature(doc.pdf, keys.trust_roots).ok
    assert client.get(preview_url).status_code == 404  # nothing prepared any more: it was issued

    login(investigator)
    first = client.get(f"/requests/{req.id}/document.pdf")
    second = client.get(f"/requests/{req.id}/document.pdf")
    assert first.data == second.data == doc.pdf
    assert client.get(f"/requests/{req.id}/document.pdf?lang=de").status_code == 302  # issued in EN only
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert doc.sha256 in page and "Pekka Prosecutor" in page and "PAdES B-B" in page
    actions = [e.action for e in db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq))]
    assert "document.issued" in actions and actions.count("document.downloaded") == 2


def test_the_preview_is_exactly_the_start_of_the_stored_file(client, login, prosecutor, submitted, db_session,  # noqa: F811
                                                             signing_keys):
    signing_keys("FIPOL")
    req = submitted()
    login(prosecutor)
    page = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    html = client.post(f"/approvals/{req.id}", data={"csrf_token": csrf_from(page), "version": version,
                                                     "approve": "x"}).get_data(as_text=True)
    preview = client.get(re.search(r'id="prepared-preview" href="([^"]+)"', html).group(1))
    assert preview.mimetype == "application/pdf" and "inline" in preview.headers["Content-Disposition"]
    assert hashlib.sha256(preview.data).hexdigest() in html
    assert db_session.get(LegalRequest, req.id).state == "awaiting_approval"  # reading is not approving
    prepared = re.search(r'name="prepared" type="hidden" value="(\d+)"', html).group(1)
    code = pyotp.TOTP(PROSECUTOR_TOTP).now()
    client.post(f"/approvals/{req.id}/sign", data={"csrf_token": csrf_from(html), "version": version,
                                                   "prepared": prepared, "code": code, "confirm": "y", "sign": "x"})
    [doc] = _issued(db_session, req.id)
    assert doc.pdf.startswith(preview.data) and doc.content_sha256 == hashlib.sha256(preview.data).hexdigest()


def test_without_a_key_the_document_is_issued_unsigned_and_says_so(client, login, prosecutor, submitted,  # noqa: F811
                                                                  db_session):
    req = submitted()
    login(prosecutor)
    resp, sign_page = approve_and_sign(client, db_session, prosecutor, req.id)
    assert "no signing key" in sign_page and resp.status_code == 302
    [doc] = _issued(db_session, req.id)
    assert not doc.signed and doc.sha256 == doc.content_sha256
    assert "unsigned" in client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Unsigned: this document carries no electronic signature" in pdf_text(doc.pdf)


def test_a_signed_document_does_not_call_itself_unsigned(app, prosecutor, submitted, db_session, signing_keys):  # noqa: F811
    signing_keys("FIPOL")
    req = submitted()
    services.transition(db_session, _ctx(prosecutor, app), req, "approve")
    [doc] = _issued(db_session, req.id)
    assert doc.signed and "Unsigned" not in pdf_text(doc.pdf) and doc.input["electronic_signature"] == "pades"


@pytest.mark.parametrize("attempt", ["wrong code", "no confirmation", "replayed code"])
def test_signing_needs_a_fresh_code_and_the_confirmation(client, login, prosecutor, submitted, db_session, attempt):  # noqa: F811
    req = submitted()
    login(prosecutor)
    totp = pyotp.TOTP(PROSECUTOR_TOTP)
    code = {"wrong code": "000000" if totp.now() != "000000" else "111111"}.get(attempt)
    if attempt == "replayed code":
        user = db_session.get(User, prosecutor.id)
        user.totp_last_timecode = totp.timecode(utcnow())  # the current code was used to log in
        db_session.commit()
        code = totp.now()
    resp, _ = approve_and_sign(client, db_session, prosecutor, req.id, code=code,
                               confirm=attempt != "no confirmation")
    body = resp.get_data(as_text=True)
    assert resp.status_code == 422
    assert ("Tick the confirmation" in body) if attempt == "no confirmation" else ("That code is wrong" in body)
    assert db_session.get(LegalRequest, req.id).state == "awaiting_approval"
    assert [d.status for d in _issued(db_session, req.id)] == ["prepared"]
    failures = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "approval.step_up_failed")).all()
    assert len(failures) == (0 if attempt == "no confirmation" else 1)
    assert db_session.get(User, prosecutor.id).failed_logins == len(failures)  # counts toward the account lock


def test_a_broken_key_stops_the_approval_and_issues_nothing(client, login, prosecutor, submitted, db_session,  # noqa: F811
                                                            signing_keys):
    keys = signing_keys("FIPOL", load_with="not the password")
    assert "wrong password" in keys.problems["FIPOL"].message
    req = submitted()
    login(prosecutor)
    resp, sign_page = approve_and_sign(client, db_session, prosecutor, req.id)
    assert "cannot be used" in sign_page
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/approvals/{req.id}")
    req = db_session.get(LegalRequest, req.id)
    assert req.state == "awaiting_approval" and "signature" not in req.details
    assert not [d for d in _issued(db_session, req.id) if d.status != "prepared"]
    page = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    assert "Nothing was issued" in page and "wrong password" in page


def test_a_request_changed_after_the_document_was_drawn_up_is_not_signed(client, login, prosecutor, submitted,  # noqa: F811
                                                                        db_session):
    req = submitted()
    login(prosecutor)
    page = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    html = client.post(f"/approvals/{req.id}", data={"csrf_token": csrf_from(page), "version": version,
                                                     "approve": "x"}).get_data(as_text=True)
    stored = db_session.get(LegalRequest, req.id)
    stored.details = {**stored.details, "facts_summary": "Changed behind the approver's back."}
    db_session.commit()
    prepared = re.search(r'name="prepared" type="hidden" value="(\d+)"', html).group(1)
    resp = client.post(f"/approvals/{req.id}/sign", data={
        "csrf_token": csrf_from(html), "version": version, "prepared": prepared, "sign": "x", "confirm": "y",
        "code": pyotp.TOTP(PROSECUTOR_TOTP).now()})
    assert resp.status_code == 302
    assert "changed since the document was drawn up" in client.get(f"/approvals/{req.id}").get_data(as_text=True)
    assert db_session.get(LegalRequest, req.id).state == "awaiting_approval"


def _ctx(user, app, **kw):
    return services.Ctx(user, TEST_CONFIG["AUDIT_KEY"].encode(), app.extensions["lawreq.rules"],
                        signing=app.extensions.get("lawreq.signing"), **kw)


def test_a_change_after_approval_needs_a_new_approval(app, client, login, prosecutor, investigator, submitted,  # noqa: F811
                                                      db_session):
    req = submitted()
    services.transition(db_session, _ctx(prosecutor, app), req, "approve")
    db_session.commit()
    [doc] = _issued(db_session, req.id)
    services.save_draft(db_session, _ctx(investigator, app), req, expected_version=req.version,
                        details={"facts_summary": "Grooming of a 12-year-old; a second account found."})
    db_session.commit()
    req = db_session.get(LegalRequest, req.id)
    assert req.state == "draft" and "signature" not in req.details and req.decided_by_id is None
    assert db_session.get(IssuedDocument, doc.id).status == "superseded"
    from lawreq.legal_requests.models import RequestEvent
    events = [e.action for e in db_session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id))]
    assert events == ["approve", "reopened"], events
    login(investigator)
    draft_pdf = client.get(f"/requests/{req.id}/document.pdf").data
    assert draft_pdf != doc.pdf  # a fresh (draft) rendering, never the voided document
    req = db_session.get(LegalRequest, req.id)
    services.transition(db_session, _ctx(investigator, app), req, "submit")
    services.transition(db_session, _ctx(prosecutor, app), req, "approve")
    db_session.commit()
    assert [d.status for d in _issued(db_session, req.id)] == ["superseded", "issued"]


def test_withdrawing_marks_the_issued_document_withdrawn(app, prosecutor, investigator, submitted, db_session):  # noqa: F811
    req = submitted()
    services.transition(db_session, _ctx(prosecutor, app), req, "approve")
    services.transition(db_session, _ctx(investigator, app), req, "withdraw", note="Suspect identified otherwise.")
    db_session.commit()
    [doc] = _issued(db_session, req.id)
    assert doc.status == "withdrawn" and doc.status_changed_at is not None


def test_nobody_who_edited_the_request_approves_it(app, client, login, factory, unit, investigator, submitted,  # noqa: F811
                                                   db_session):
    colleague = factory.user("investigator", units=[unit], name="Kai Colleague", totp_secret=pyotp.random_base32())
    req = submitted()
    req.state = "draft"
    db_session.commit()
    services.save_draft(db_session, _ctx(colleague, app), req, expected_version=req.version,
                        details={"facts_summary": "Edited by a colleague."})
    services.transition(db_session, _ctx(investigator, app), req, "submit")
    db_session.commit()
    colleague = db_session.get(User, colleague.id)
    colleague.role, colleague.authority_type = "approver", "prosecutor"  # promoted since
    db_session.commit()
    login(colleague)
    html = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    assert "another approver must decide" in html and "Approve and sign" not in html
    with pytest.raises(services.NotPermitted):
        services.transition(db_session, _ctx(colleague, app), db_session.get(LegalRequest, req.id), "approve")


def test_a_returned_request_tells_its_author_what_must_change(client, login, prosecutor, investigator, submitted,  # noqa: F811
                                                              db_session):
    req = submitted()
    login(prosecutor)
    page = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    version = re.search(r'name="version" type="hidden" value="(\d+)"', page).group(1)
    client.post(f"/approvals/{req.id}", data={"csrf_token": csrf_from(page), "version": version, "send_back": "x",
                                              "comment": "Narrow the period to October."})
    login(investigator)
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert re.search(r'id="returned-reason".*What must change:.*Narrow the period to October\.', page, re.S)


def test_the_units_page_names_a_key_that_cannot_sign(client, login, factory, unit, signing_keys):
    signing_keys("FIPOL", load_with="wrong")
    other = factory.unit(code="NOKEY")
    login(factory.user("admin", units=[unit, other]))
    html = client.get("/admin/units/").get_data(as_text=True)
    section = html.split('id="signing-keys"')[1]
    assert "FIPOL" in section and "key unusable" in section and "wrong password" in section
    assert "NOKEY" in section and "documents are issued unsigned" in section


def test_editing_an_approved_request_in_the_wizard_sends_it_back(app, client, login, prosecutor, investigator,
                                                                 start, walk, db_session):
    from tests.legal_requests.conftest import DETAILS

    wiz = walk(start())
    wiz.post("review", {})
    req = db_session.get(LegalRequest, wiz.id)
    assert req.state == "awaiting_approval"
    services.transition(db_session, _ctx(prosecutor, app), req, "approve")
    db_session.commit()
    page = client.get(f"/requests/{wiz.id}").get_data(as_text=True)
    assert "voids its approval" in page and "Continue editing" in page
    resp = wiz.post("details", {**DETAILS, "facts_summary": "A second account was found."})
    assert resp.status_code == 302
    req = db_session.get(LegalRequest, wiz.id)
    assert req.state == "draft" and req.details["facts_summary"] == "A second account was found."
    assert [d.status for d in _issued(db_session, wiz.id)] == ["superseded"]


def test_a_route_without_a_form_of_its_own_is_approved_with_the_step_up_and_issues_nothing(
        client, login, prosecutor, submitted, db_session):  # noqa: F811
    req = submitted()
    stored = db_session.get(LegalRequest, req.id)
    stored.route_id, stored.form_id = "sap-7-subscriber-order", "cover_sheet"
    db_session.commit()
    login(prosecutor)
    resp, sign_page = approve_and_sign(client, db_session, prosecutor, req.id, code="000000")
    assert "no form of its own" in sign_page and resp.status_code in (403, 422)
    assert db_session.get(LegalRequest, req.id).state == "awaiting_approval"
    resp, _ = approve_and_sign(client, db_session, prosecutor, req.id)
    assert resp.status_code == 302 and db_session.get(LegalRequest, req.id).state == "approved"
    assert _issued(db_session, req.id) == []
