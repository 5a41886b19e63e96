"""A liaison officer puts the provider's answer on file and records what it did for each identifier; the file is
scoped, audited and never served inline, and the outcome settles the request the statistics count."""

from __future__ import annotations

from datetime import datetime, timezone
from io import BytesIO

import pytest
from sqlalchemy import select

from lawreq.answers.models import AnswerFile, IdentifierOutcome
from lawreq.audit.models import AuditEntry
from tests.answers.test_storage import EXE, PDF
from tests.conftest import csrf_from
from tests.legal_requests.conftest import version_from

SENT = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
IDENTIFIERS = [{"kind": "username", "value": "@Jane.Doe"}, {"kind": "email", "value": "jane@example.org"}]


@pytest.fixture
def office(factory, app, tmp_path, monkeypatch):
    monkeypatch.setitem(app.config, "ANSWERS_DIR", str(tmp_path / "answers"))
    unit = factory.unit(country="FI", timezone="Europe/Helsinki")
    other = factory.unit(country="SE", timezone="Europe/Stockholm")
    investigator = factory.user("investigator", units=[unit])
    case = factory.case(unit, created_by=investigator)
    req = factory.request(case, investigator, state="sent", route_id="eu-epoc", form_id="epoc", provider_id="meta",
                          addressee_country="IE", sent_at=SENT, identifiers=IDENTIFIERS,
                          facts={"issuing_country": "FI", "provider": "meta", "data_categories": ["subscriber_data"],
                                 "offence": "fraud", "date": "2026-11-23", "issuer": "prosecutor"})
    return {"req": req, "officer": factory.user("liaison_officer", units=[unit]), "investigator": investigator,
            "stranger": factory.user("liaison_officer", units=[other]), "root": tmp_path / "answers"}


def _upload(client, req, name, data):
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    return client.post(f"/requests/{req.id}/answers", data={"csrf_token": csrf_from(page),
                                                           "file": (BytesIO(data), name)},
                       content_type="multipart/form-data", follow_redirects=True)


def _audit(db_session, action):
    return db_session.scalars(select(AuditEntry).where(AuditEntry.action == action).order_by(AuditEntry.seq)).all()


def test_the_officer_puts_a_pdf_on_file_and_a_colleague_downloads_it_as_an_attachment(client, login, db_session,
                                                                                      office):
    req = office["req"]
    login(office["officer"])
    page = _upload(client, req, "meta-answer.pdf", PDF).get_data(as_text=True)
    assert "meta-answer.pdf is on file" in page
    [row] = db_session.scalars(select(AnswerFile)).all()
    assert (row.file_type, row.size, row.uploaded_by_id) == ("pdf", len(PDF), office["officer"].id)
    stored = office["root"] / row.sha256[:2] / row.sha256
    assert stored.read_bytes() == PDF
    [up] = _audit(db_session, "answer.uploaded")
    assert up.object_id == str(req.id) and up.detail["sha256"] == row.sha256

    login(office["investigator"])
    resp = client.get(f"/requests/{req.id}/answers/{row.id}")
    assert resp.status_code == 200 and resp.data == PDF
    assert resp.headers["Content-Disposition"].startswith("attachment;")
    assert resp.headers["X-Content-Type-Options"] == "nosniff"
    assert resp.headers["Content-Type"] == "application/octet-stream"
    [down] = _audit(db_session, "answer.downloaded")
    assert down.actor_id == office["investigator"].id and down.detail["file_id"] == row.id


def test_another_units_officer_gets_404_on_the_request_and_on_its_file(client, login, db_session, office):
    req = office["req"]
    login(office["officer"])
    _upload(client, req, "meta-answer.pdf", PDF)
    row = db_session.scalar(select(AnswerFile))
    login(office["stranger"])
    assert client.get(f"/requests/{req.id}/answers/{row.id}").status_code == 404
    assert client.get(f"/requests/{req.id}").status_code == 404
    token = csrf_from(client.get("/account").get_data(as_text=True))
    assert client.post(f"/requests/{req.id}/answers", data={"csrf_token": token, "file": (BytesIO(PDF), "x.pdf")},
                       content_type="multipart/form-data").status_code == 404
    assert _audit(db_session, "answer.downloaded") == []


def test_a_forged_extension_is_refused_with_the_reason_and_nothing_is_kept(client, login, db_session, office):
    login(office["officer"])
    page = _upload(client, office["req"], "answer.pdf", EXE).get_data(as_text=True)
    assert "answer.pdf was refused" in page and "its content is a Windows program" in page
    assert db_session.scalars(select(AnswerFile)).all() == []
    assert not office["root"].exists() or not any(office["root"].rglob("*"))


def test_a_configured_scanner_refuses_an_infected_file(client, login, db_session, office, app, monkeypatch):
    monkeypatch.setitem(app.config, "ANTIVIRUS_COMMAND",
                        "sh -c 'if grep -q EICAR; then echo \"stdin: Eicar FOUND\"; exit 1; fi'")
    login(office["officer"])
    page = _upload(client, office["req"], "answer.pdf", PDF + b"EICAR").get_data(as_text=True)
    assert "virus scanner found something: stdin: Eicar FOUND" in page
    assert db_session.scalars(select(AnswerFile)).all() == []
    assert "is on file" in _upload(client, office["req"], "answer.pdf", PDF).get_data(as_text=True)


def _record(client, req, fields):
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    return client.post(f"/requests/{req.id}/outcomes", data={"csrf_token": csrf_from(page),
                                                            "version": version_from(page), **fields},
                       follow_redirects=True)


def test_the_outcome_per_identifier_settles_the_request(client, login, db_session, office):
    req = office["req"]
    login(office["officer"])
    page = _record(client, req, {"outcome-0": "data_produced"}).get_data(as_text=True)
    assert "Outcome recorded for 1 identifier" in page
    assert db_session.get(type(req), req.id).state == "sent"  # one identifier still open

    page = _record(client, req, {"outcome-1": "refused", "reason-1": "DATA_NOT_STORED"}).get_data(as_text=True)
    assert "partly fulfilled" in page
    fresh = db_session.get(type(req), req.id)
    assert fresh.state == "partially_fulfilled"
    rows = {r.position: (r.outcome, r.reason) for r in db_session.scalars(select(IdentifierOutcome))}
    assert rows == {0: ("data_produced", None), 1: ("refused", "DATA_NOT_STORED")}
    assert len(_audit(db_session, "answer.outcomes_recorded")) == 2


def test_every_identifier_refused_is_a_refusal_with_the_annex_iii_reason(client, login, db_session, office):
    req = office["req"]
    login(office["officer"])
    _record(client, req, {"outcome-0": "refused", "reason-0": "THIRD_COUNTRY_CONFLICT",
                          "outcome-1": "no_data"})
    fresh = db_session.get(type(req), req.id)
    assert fresh.state == "refused" and fresh.outcome["refused_by"] == "addressee"
    assert fresh.outcome["reason"] == "conflict_of_laws"
    assert fresh.outcome["impossibility_reasons"] == ["THIRD_COUNTRY_CONFLICT"]


def test_a_refusal_without_its_reason_records_nothing(client, login, db_session, office):
    req = office["req"]
    login(office["officer"])
    page = _record(client, req, {"outcome-0": "data_produced", "outcome-1": "refused"}).get_data(as_text=True)
    assert "Nothing was recorded" in page and "Annex III reason" in page
    assert db_session.scalars(select(IdentifierOutcome)).all() == []
    assert db_session.get(type(req), req.id).state == "sent"


def test_an_investigator_sees_the_outcomes_but_cannot_record_them(client, login, db_session, office):
    req = office["req"]
    login(office["officer"])
    _record(client, req, {"outcome-0": "data_produced"})
    login(office["investigator"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Data produced" in page and 'name="outcome-0"' not in page
    token = csrf_from(page)
    assert client.post(f"/requests/{req.id}/outcomes", data={"csrf_token": token}).status_code == 403


def test_the_recorded_outcome_moves_the_response_statistics(app, rules, db_session, office):
    from lawreq.answers.services import OutcomeInput, record_outcomes
    from lawreq.legal_requests.services import Ctx
    from lawreq.board.queries import statistics_cells
    from lawreq.board.statistics import summarise

    req = office["req"]
    officer = office["officer"]

    def meta():
        [stats] = [s for s in summarise(statistics_cells(db_session, officer, datetime(2026, 1, 1,
                                                                                     tzinfo=timezone.utc)),
                                        "provider") if s.key == "meta"]
        return stats

    before = meta()
    assert (before.sent, before.answered, before.median_data_days) == (1, 0, None)
    ctx = Ctx(actor=officer, audit_key=app.config["AUDIT_KEY"].encode(), rules=rules,
              now=datetime(2026, 11, 27, 10, 0, tzinfo=timezone.utc))
    assert record_outcomes(db_session, ctx, req, [OutcomeInput(0, "data_produced"),
                                                  OutcomeInput(1, "data_produced")]) == "fulfil"
    db_session.commit()
    after = meta()
    assert db_session.get(type(req), req.id).state == "fulfilled"
    assert (after.answered, after.fulfilled, after.median_data_days) == (1, 1, 4.0)
