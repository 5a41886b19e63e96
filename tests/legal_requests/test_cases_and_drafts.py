"""Cases can be corrected by their unit; the wizard starts from what the case says and never loses what was typed:
not on a failed save, not on Back, not between autosaves."""

from __future__ import annotations

from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.legal_requests.models import Case, LegalRequest
from tests.conftest import csrf_from
from tests.legal_requests.conftest import DETAILS, TARGET, version_from


def _edit(client, case, **changes):
    page = client.get(f"/cases/{case.id}/edit").get_data(as_text=True)
    data = {"csrf_token": csrf_from(page), "reference": case.reference, "title": case.title or "",
            "offence": case.offence, "max_penalty_years": f"{case.max_penalty_years:g}",
            "offence_country": case.offence_country or "FI", "committed_online": "y", "summary": case.summary}
    return client.post(f"/cases/{case.id}/edit", data={**data, **changes}, follow_redirects=True)


def test_the_unit_edits_its_case_and_the_audit_names_the_changed_fields(client, login, db_session, investigator,
                                                                       case):
    case.offence_country = "FI"
    db_session.commit()
    login(investigator)
    page = _edit(client, case, title="Instagram grooming", summary="Corrected: the child is 12, not 13.",
                 max_penalty_years="4").get_data(as_text=True)
    assert "title, summary, max penalty years changed" in page
    fresh = db_session.get(Case, case.id)
    assert (fresh.title, fresh.summary, fresh.max_penalty_years) == ("Instagram grooming",
                                                                    "Corrected: the child is 12, not 13.", 4)
    [entry] = db_session.scalars(select(AuditEntry).where(AuditEntry.action == "case.updated")).all()
    assert entry.detail == {"changed": ["title", "summary", "max_penalty_years"]}
    assert entry.before_digest and entry.after_digest and "12, not 13" not in str(entry.detail)


def test_another_unit_cannot_open_the_edit_page_and_a_taken_reference_is_named(client, login, factory, db_session,
                                                                              investigator, case, unit):
    stranger = factory.user("investigator", units=[factory.unit(code="SEPOL", country="SE")])
    login(stranger)
    assert client.get(f"/cases/{case.id}/edit").status_code == 404
    factory.case(unit, reference="2026/CSA/0001", created_by=investigator)
    login(investigator)
    page = _edit(client, case, reference="2026/CSA/0001", summary="typed and kept").get_data(as_text=True)
    assert "already has a case with this reference" in page and "typed and kept" in page
    assert db_session.get(Case, case.id).reference == "2026/CSA/0412"


def _to_details(wiz):
    for step, data in (("target", TARGET), ("data", {"data_categories": "subscriber_data"}), ("urgency", {}),
                       ("route", {"route": "eu-epoc"})):
        assert wiz.post(step, data).status_code == 302, step


def test_the_details_step_starts_from_the_case(start, case):
    case_summary = case.summary
    wiz = start()
    _to_details(wiz)
    page = wiz.page("details").get_data(as_text=True)
    assert case_summary in page
    assert "maximum penalty 2 years" in page


def test_a_failed_save_keeps_everything_typed_also_after_back_and_return(start, db_session):
    wiz = start()
    _to_details(wiz)
    typed = {**DETAILS, "facts_summary": "Typed summary that must survive", "necessity_proportionality": ""}
    resp = wiz.post("details", typed)
    page = resp.get_data(as_text=True)
    assert resp.status_code == 200 and "is required for this route" in page
    assert "Typed summary that must survive" in page and DETAILS["legal_provisions"] in page

    back = wiz.post("details", {**typed, "facts_summary": "Changed, then Back"}, button="back")
    assert back.status_code == 302 and "/wizard/route" in back.headers["Location"]
    page = wiz.page("details").get_data(as_text=True)
    assert "Changed, then Back" in page and "not yet saved" in page
    req = db_session.get(LegalRequest, wiz.id)
    assert "facts_summary" not in req.details  # the draft's answers are untouched until a valid save

    assert wiz.post("details", DETAILS).status_code == 302
    req = db_session.get(LegalRequest, wiz.id)
    assert req.details["facts_summary"] == DETAILS["facts_summary"] and req.details["unsaved"] is None


def test_autosave_keeps_the_text_and_hands_back_the_new_version(start, client, db_session):
    wiz = start()
    _to_details(wiz)
    html = wiz.page("details").get_data(as_text=True)
    assert 'data-autosave' in html and "js/autosave.js" in html and "<script>" not in html
    token, version = csrf_from(html), version_from(html)
    resp = client.post(wiz.url("details"), data={"csrf_token": token, "version": version, "autosave": "1",
                                                 "facts_summary": "Half a sentence"})
    assert resp.status_code == 200 and resp.json["saved"] is True
    assert resp.json["version"] == int(version) + 1
    req = db_session.get(LegalRequest, wiz.id)
    assert req.details["unsaved"]["fields"] == {"facts_summary": "Half a sentence"}
    assert req.wizard_step == "details"

    stale = client.post(wiz.url("details"), data={"csrf_token": token, "version": version, "autosave": "1",
                                                  "facts_summary": "Other text"})
    assert stale.status_code == 409 and "Someone else saved" in stale.json["error"]
    ok = client.post(wiz.url("details"), data={"csrf_token": token, "version": resp.json["version"],
                                               **DETAILS, "save": "x"})
    assert ok.status_code == 302  # the real save after an autosave is no conflict


def test_review_lists_every_unanswered_required_field_together(start, db_session):
    wiz = start()
    _to_details(wiz)
    assert wiz.post("details", DETAILS).status_code == 302
    req = db_session.get(LegalRequest, wiz.id)
    req.details = {k: v for k, v in req.details.items() if k not in ("facts_summary", "legal_provisions")}
    db_session.commit()
    page = wiz.page("review").get_data(as_text=True)
    assert "“Summary of the case” is not answered" in page
    assert "“Offence, statutory provisions and maximum penalty” is not answered" in page
