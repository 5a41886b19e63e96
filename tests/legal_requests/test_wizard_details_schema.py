"""The wizard writes details through the same schema as the API: the residence question feeds the engine, the
Art. 4(5) choice changes who must approve, and a refused answer keeps what the user typed."""

from __future__ import annotations

from lawreq.legal_requests.models import LegalRequest
from tests.legal_requests.conftest import DETAILS, TARGET


def test_where_the_person_resides_is_asked_once_and_becomes_the_engine_fact(start, db_session):
    wiz = start()
    page = wiz.page("target").get_data(as_text=True)
    assert "Where the account holder (the person whose data are sought) is believed to live" in page
    assert "Not known (presumed: your country)" in page
    resp = wiz.post("target", {**TARGET, "target_resides_in": "FI"})
    assert resp.status_code == 302
    assert db_session.get(LegalRequest, wiz.id).facts["target_resides_in"] == "FI"
    assert "believed to live" not in wiz.page("data").get_data(as_text=True)  # asked once, not again
    resp = wiz.post("target", {**TARGET, "target_resides_in": ""})
    assert resp.status_code == 302
    db_session.expire_all()
    assert db_session.get(LegalRequest, wiz.id).facts["target_resides_in"] is None  # the engine's "unknown"
    bad = wiz.post("target", {**TARGET, "target_resides_in": "XX"})
    assert bad.status_code == 200 and "Choose a country from the list" in bad.get_data(as_text=True)


def test_an_emergency_issued_without_prior_validation_needs_no_approver_first(start, walk, db_session):
    wiz = start()
    wiz.post("target", TARGET)
    wiz.post("data", {"data_categories": "subscriber_data"})
    resp = wiz.post("urgency", {"emergency": "y", "emergency_justification": "A child is at imminent risk.",
                                "without_prior_validation": "y"})
    assert resp.status_code == 302
    wiz.post("route", {"route": "eu-epoc"})
    req = db_session.get(LegalRequest, wiz.id)
    assert req.details["without_prior_validation"] is True and req.approval_authority is None
    not_emergency = wiz.post("urgency", {"without_prior_validation": "y"})
    assert not_emergency.status_code == 200
    assert "Only an emergency may be issued without prior validation" in not_emergency.get_data(as_text=True)


def test_an_answer_the_schema_refuses_is_shown_again_with_the_reason_and_nothing_is_saved(start, walk, db_session):
    wiz = walk(start())
    before = dict(db_session.get(LegalRequest, wiz.id).details)
    long = "x" * 20_001
    resp = wiz.post("details", {**DETAILS, "facts_summary": long})
    html = resp.get_data(as_text=True)
    assert resp.status_code == 200 and long in html  # the typed text is still in the form
    assert "20000" in html
    db_session.expire_all()
    after = dict(db_session.get(LegalRequest, wiz.id).details)
    kept = after.pop("unsaved")  # the text as typed is kept aside for the form, not as an answer
    before.pop("unsaved", None)
    assert after == before
    assert kept["step"] == "details" and kept["fields"]["facts_summary"] == long[:20_000]


def test_details_an_older_version_stored_wrongly_do_not_break_the_wizard(start, walk, db_session):
    wiz = walk(start())
    row = db_session.get(LegalRequest, wiz.id)
    row.details = {**row.details, "period": ["not", "a", "period"], "time_range_start": {"nested": "x"},
                   "accepted_risks": "nonsense", "facts_summary": "Still readable"}
    db_session.commit()
    for step in ("target", "data", "urgency", "details", "review"):
        page = wiz.page(step)
        assert page.status_code == 200, step
    assert "Still readable" in wiz.page("details").get_data(as_text=True)
