"""Cases, the request page and workflow actions: the investigator's and liaison officer's everyday clicks."""

import pytest
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.core.clock import utcnow
from lawreq.legal_requests import services
from lawreq.legal_requests.models import Case, LegalRequest, RequestEvent
from lawreq.workflow.states import TransitionError
from tests.conftest import TEST_CONFIG, csrf_from

KEY = TEST_CONFIG["AUDIT_KEY"].encode()


@pytest.fixture
def team(factory):
    unit = factory.unit(code="FI-T", country="FI")
    return {
        "unit": unit,
        "investigator": factory.user("investigator", units=[unit]),
        "colleague": factory.user("investigator", units=[unit]),
        "prosecutor": factory.user("approver", units=[unit], authority="prosecutor"),
        "liaison": factory.user("liaison_officer", units=[unit]),
        "stranger": factory.user("investigator"),
    }


def _case_form(client):
    return csrf_from(client.get("/cases/new").get_data(as_text=True))


def test_investigator_creates_a_case(client, login, team, db_session):
    login(team["investigator"])
    resp = client.post("/cases/new", data={
        "csrf_token": _case_form(client), "reference": "2026/CSA/0412", "unit": team["unit"].id,
        "offence": "solicitation_of_children", "max_penalty_years": "4", "offence_country": "FI",
        "committed_online": "y", "summary": "Grooming through direct messages."})
    assert resp.status_code == 302
    case = db_session.scalar(select(Case).where(Case.reference == "2026/CSA/0412"))
    assert case.unit_id == team["unit"].id and case.max_penalty_years == 4
    assert "case.created" in [e.action for e in db_session.scalars(select(AuditEntry))]


@pytest.mark.parametrize("field,value,message", [
    ("reference", "", "This field is required."),
    ("max_penalty_years", "-1", "Number must be between 0 and 99."),
    ("offence", "teleportation", "Not a valid choice."),
    ("summary", "", "This field is required."),
])
def test_case_form_errors_keep_what_was_typed(client, login, team, field, value, message):
    login(team["investigator"])
    data = {"csrf_token": _case_form(client), "reference": "KEEP-ME-123", "unit": team["unit"].id,
            "offence": "sextortion", "max_penalty_years": "6", "offence_country": "FI", "summary": "kept summary"}
    data[field] = value
    resp = client.post("/cases/new", data=data)
    body = resp.get_data(as_text=True)
    assert resp.status_code == 200 and message in body
    if field != "reference":
        assert 'value="KEEP-ME-123"' in body


def test_duplicate_case_reference_in_the_unit_is_explained(client, login, team, factory):
    factory.case(team["unit"], reference="DUP-1")
    login(team["investigator"])
    resp = client.post("/cases/new", data={
        "csrf_token": _case_form(client), "reference": "DUP-1", "unit": team["unit"].id, "offence": "fraud",
        "max_penalty_years": "2", "offence_country": "FI", "summary": "x"})
    assert "already has a case with this reference" in resp.get_data(as_text=True)


def test_starting_a_request_creates_a_draft_with_the_case_facts(client, login, team, factory, db_session):
    case = factory.case(team["unit"], offence="sextortion", max_penalty_years=6)
    login(team["investigator"])
    token = csrf_from(client.get(f"/cases/{case.id}").get_data(as_text=True))
    resp = client.post(f"/cases/{case.id}/requests", data={"csrf_token": token})
    assert resp.status_code == 302
    req = db_session.scalar(select(LegalRequest).where(LegalRequest.case_id == case.id))
    assert req.state == "draft" and req.reference.startswith("FI-T-")
    assert req.facts["offence"] == "sextortion" and req.facts["max_penalty_years"] == 6
    assert req.facts["issuing_country"] == "FI"


def _ctx(user, app, now=None):
    return services.Ctx(user, KEY, app.extensions["lawreq.rules"], now=now)


def _draft_with_route(db_session, app, team, route_id="eu-epoc"):
    from lawreq.rules import Facts, evaluate

    case = Case(unit_id=team["unit"].id, reference=f"C-{route_id}", offence="solicitation_of_children",
                max_penalty_years=4, summary="s")
    db_session.add(case)
    db_session.flush()
    ctx = _ctx(team["investigator"], app)
    req = services.start_request(db_session, ctx, case, facts={"provider": "meta"},
                                 identifiers=[{"type": "numeric_id", "value": "100004567890123"}])
    route = next(r for r in evaluate(Facts.from_mapping(req.facts), app.extensions["lawreq.rules"])
                 if r.id == route_id)
    # Complete enough for its form: approving issues the document, and an incomplete one cannot be issued.
    services.save_draft(db_session, ctx, req, expected_version=req.version, route=route, facts={"provider": "meta"},
                        details={"legal_provisions": "Criminal Code (39/1889) chapter 20 section 8b",
                                 "necessity_proportionality": "Only the subscriber data can identify the suspect."})
    db_session.commit()
    return req


def test_epoc_for_subscriber_data_is_routed_to_a_prosecutor(app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    assert req.approval_authority == "prosecutor"
    services.transition(db_session, _ctx(team["investigator"], app), req, "submit")
    assert req.state == "awaiting_approval" and req.submitted_at is not None


def test_nobody_approves_their_own_request(app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    services.transition(db_session, _ctx(team["investigator"], app), req, "submit")
    req.created_by_id = team["prosecutor"].id  # the prosecutor drafted it
    with pytest.raises(services.NotPermitted):
        services.transition(db_session, _ctx(team["prosecutor"], app), req, "approve")


def test_approval_is_signed_and_audited(app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    services.transition(db_session, _ctx(team["investigator"], app), req, "submit")
    services.transition(db_session, _ctx(team["prosecutor"], app), req, "approve", note="ok")
    assert req.state == "approved"
    assert req.details["signature"]["name"] == team["prosecutor"].name
    assert req.details["signature"]["authority"] == "prosecutor"
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "request.approve"))
    assert entry.detail["signed_by"]["authority"] == "prosecutor"


def test_return_and_reject_need_a_comment(app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    services.transition(db_session, _ctx(team["investigator"], app), req, "submit")
    for action in ("return", "reject"):
        with pytest.raises(TransitionError, match="comment is required"):
            services.transition(db_session, _ctx(team["prosecutor"], app), req, action, note="  ")


def test_two_people_saving_the_same_draft_conflict(app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    seen = req.version
    services.save_draft(db_session, _ctx(team["investigator"], app), req, expected_version=seen,
                        details={"facts_summary": "first"})
    db_session.commit()
    with pytest.raises(services.ConflictError, match="saved by someone else"):
        services.save_draft(db_session, _ctx(team["colleague"], app), req, expected_version=seen,
                            details={"facts_summary": "second"})
    assert req.details["facts_summary"] == "first"


def test_sending_writes_history_and_starts_the_response_clock(app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    services.transition(db_session, _ctx(team["investigator"], app), req, "submit")
    services.transition(db_session, _ctx(team["prosecutor"], app), req, "approve")
    services.transition(db_session, _ctx(team["liaison"], app, now=utcnow()), req, "mark_sent",
                        data={"channel": "Meta LEORS", "provider_reference": "LE-123"})
    assert req.state == "sent" and req.provider_reference == "LE-123"
    actions = [e.action for e in db_session.scalars(select(RequestEvent).where(RequestEvent.request_id == req.id))]
    assert actions == ["created", "submit_for_approval", "approve", "mark_sent"]
    assert req.next_deadline_at is not None and req.next_deadline_at > utcnow()


def test_request_page_and_actions_are_scoped_to_the_unit(client, login, app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    login(team["stranger"])
    assert client.get(f"/requests/{req.id}").status_code == 404
    token = csrf_from(client.get("/account").get_data(as_text=True))
    resp = client.post(f"/requests/{req.id}/actions/withdraw", data={"csrf_token": token, "version": req.version})
    assert resp.status_code == 404
    assert db_session.get(LegalRequest, req.id).state == "draft"


def test_liaison_marks_sent_through_the_page(client, login, app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    services.transition(db_session, _ctx(team["investigator"], app), req, "submit")
    services.transition(db_session, _ctx(team["prosecutor"], app), req, "approve")
    db_session.commit()
    login(team["liaison"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Mark sent" in page
    resp = client.post(f"/requests/{req.id}/actions/mark_sent", data={
        "csrf_token": csrf_from(page), "version": str(req.version), "channel": "portal", "provider_reference": "R-9"})
    assert resp.status_code == 302
    req = db_session.get(LegalRequest, req.id)
    assert req.state == "sent" and req.sent_channel == "portal"


def test_stale_version_on_an_action_is_refused_without_change(client, login, app, db_session, team):
    req = _draft_with_route(db_session, app, team)
    login(team["investigator"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    resp = client.post(f"/requests/{req.id}/actions/withdraw", data={
        "csrf_token": csrf_from(page), "version": str(req.version - 1)}, follow_redirects=True)
    assert "changed since you opened it" in resp.get_data(as_text=True)
    assert db_session.get(LegalRequest, req.id).state == "draft"
