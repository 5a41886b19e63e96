"""The admins' audit page: filters, a CSV a spreadsheet cannot execute, the chain checked on demand; and the
request page's own audit trail for everyone who can see the request."""

from __future__ import annotations

import csv
import io

from sqlalchemy import text

from lawreq.audit.services import record
from tests.audit.test_audit import _disable_triggers
from tests.conftest import csrf_from


def _table(resp) -> str:
    return resp.get_data(as_text=True).split("<tbody>", 1)[1]


def _seed(db_session, app, factory):
    key = app.config["AUDIT_KEY"].encode()
    unit = factory.unit(code="AUD")
    investigator = factory.user("investigator", units=[unit], email="ida@audit.test")
    officer = factory.user("liaison_officer", units=[unit], email="leo@audit.test")
    case = factory.case(unit, created_by=investigator)
    req = factory.request(case, investigator, reference="LR-AUD-2026-00001", state="sent")
    other = factory.request(case, investigator, reference="LR-AUD-2026-00002", state="sent")
    record(db_session, key, actor=investigator, action="request.draft_saved", obj=req, detail={"step": "target"})
    record(db_session, key, actor=officer, action="answer.uploaded", obj=req,
           detail={"filename": "=HYPERLINK(\"http://evil\")", "sha256": "ab" * 32})
    record(db_session, key, actor=officer, action="request.mark_sent", obj=other)
    db_session.commit()
    return {"req": req, "other": other, "investigator": investigator, "officer": officer,
            "admin": factory.user("admin", units=[unit])}


def test_admins_filter_the_log_by_user_request_action_and_date(client, login, db_session, app, factory):
    w = _seed(db_session, app, factory)
    login(w["admin"])
    page = _table(client.get("/admin/audit?user=leo@audit&request=LR-AUD-2026-00001"))
    assert "answer.uploaded" in page and "request.mark_sent" not in page and "request.draft_saved" not in page
    page = _table(client.get("/admin/audit?action=request."))
    assert "request.mark_sent" in page and "request.draft_saved" in page and "answer.uploaded" not in page
    page = client.get("/admin/audit?action=request.mark_sent&since=2000-01-01&until=2000-01-02")
    assert "No entry matches" in page.get_data(as_text=True)
    bad = client.get("/admin/audit?since=yesterday").get_data(as_text=True)
    assert "Not a valid date value" in bad


def test_the_csv_export_is_filtered_formula_safe_and_itself_audited(client, login, db_session, app, factory):
    w = _seed(db_session, app, factory)
    login(w["admin"])
    resp = client.get("/admin/audit/export.csv?request=LR-AUD-2026-00001")
    assert resp.status_code == 200 and resp.headers["Content-Disposition"].startswith("attachment;")
    rows = list(csv.reader(io.StringIO(resp.get_data(as_text=True))))
    assert rows[0][:4] == ["seq", "at_utc", "actor", "action"]
    assert {r[3] for r in rows[1:]} == {"request.draft_saved", "answer.uploaded"}
    detail = next(r[6] for r in rows[1:] if r[3] == "answer.uploaded")
    assert "HYPERLINK" in detail and not detail.startswith("=")
    assert all(not cell.startswith(("=", "+", "-", "@")) for r in rows for cell in r)
    assert "audit.exported" in _table(client.get("/admin/audit?action=audit.exported"))


def test_the_chain_is_verified_on_demand_intact_or_the_first_broken_entry(client, login, db_session, app, factory):
    w = _seed(db_session, app, factory)
    login(w["admin"])
    token = csrf_from(client.get("/admin/audit").get_data(as_text=True))
    page = client.post("/admin/audit/verify", data={"csrf_token": token}).get_data(as_text=True)
    assert "Intact" in page and "entries chain correctly" in page

    seq = db_session.execute(text("SELECT seq FROM audit_entries WHERE action = 'answer.uploaded'")).scalar_one()
    _disable_triggers(db_session)  # someone with DBA rights edits a row
    db_session.execute(text("UPDATE audit_entries SET actor = 'someone@else' WHERE seq = :s"), {"s": seq})
    db_session.commit()
    page = client.post("/admin/audit/verify", data={"csrf_token": token}).get_data(as_text=True)
    assert "Broken" in page and f"first broken entry is {seq}" in page and "edited" in page


def test_the_request_page_shows_its_audit_trail_to_those_who_see_the_request(client, login, db_session, app,
                                                                           factory):
    w = _seed(db_session, app, factory)
    login(w["investigator"])
    page = client.get(f"/requests/{w['req'].id}").get_data(as_text=True)
    assert "Full audit trail" in page and "answer.uploaded" in page and "leo@audit.test" in page
    assert "request.mark_sent" not in page  # that one is the other request's
    stranger = factory.user("investigator", units=[factory.unit(code="ELSE")])
    login(stranger)
    assert client.get(f"/requests/{w['req'].id}").status_code == 404
    login(w["officer"])
    assert client.get("/admin/audit").status_code == 403
