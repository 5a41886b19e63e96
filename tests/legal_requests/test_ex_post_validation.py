"""An emergency order the police issued without prior validation is validated after the fact (Reg. (EU) 2023/1543
Art. 4(5)): the prosecutor of the unit's approver group sees it in the queue, steps up with a fresh code and
validates it, which meets the 48-hour clock and issues a new version whose Section J names the validator and the
date; or refuses, which withdraws the order and says that the data obtained must be deleted or their use restricted.
PDF text is read back with pypdf; the clock is pinned with time-machine."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from lawreq.audit.models import AuditEntry
from lawreq.deadlines.models import Deadline, Notification
from lawreq.deadlines.services import open_deadlines
from lawreq.legal_requests import issuance, services
from lawreq.legal_requests.issued import IssuedDocument
from lawreq.legal_requests.models import LegalRequest
from lawreq.rules import find_route
from lawreq.workflow.states import TransitionError
from tests.conftest import csrf_from
from tests.legal_requests.conftest import PROSECUTOR_TOTP, fresh_code
from tests.pdf.conftest import page_texts

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)  # 11:00 in Helsinki
ART_4_5 = "issued in a validly established emergency case without prior validation (Article 4(5))"
PENDING = "at the latest within 48 hours"


@pytest.fixture
def world(factory):
    with time_machine.travel(NOW, tick=False):
        police = factory.unit(code="HELPOL", country="FI", timezone="Europe/Helsinki", name="Helsinki CSA team",
                              authority_name="Helsinki Police Department", email="csa@helpol.test")
        prosecutors = factory.unit(code="HELPROS", country="FI", name="Prosecution",
                                   authority_name="Southern Finland Prosecution District")
        people = {
            "investigator": factory.user("investigator", units=[police], name="Ilona Investigator"),
            "liaison": factory.user("liaison_officer", units=[police], name="Lauri Liaison"),
            "prosecutor": factory.user("approver", units=[police, prosecutors], authority="prosecutor",
                                       name="Pekka Prosecutor", totp_secret=PROSECUTOR_TOTP),
            "judge": factory.user("approver", units=[police], authority="judge", name="Jaana Judge",
                                  totp_secret=PROSECUTOR_TOTP),
        }
        case = factory.case(police, created_by=people["investigator"], offence="solicitation_of_children",
                            max_penalty_years=2, reference="2026/CSA/0412", offence_country="FI")
    return {"police": police, "case": case, **people}


def ctx(app, rules, user, **extra):
    return services.Ctx(actor=user, audit_key=app.config["AUDIT_KEY"].encode(), rules=rules, **extra)


def issue_unvalidated(app, db_session, rules, world, *, form="eu-epoc", category="subscriber_data", signing=None):
    """The investigator issues an emergency order alone, as Art. 4(5) allows, and it is stored as issued."""
    with time_machine.travel(NOW, tick=False):
        c = ctx(app, rules, world["investigator"], signing=signing)
        req = services.start_request(db_session, c, world["case"], identifiers=[
            {"type": "ip", "value": "84.248.17.203", "port": 51234, "timestamp_utc": "2026-11-14T18:03:22Z"}])
        services.save_draft(db_session, c, req, expected_version=req.version,
                            facts={"provider": "meta", "issuer": "police", "data_categories": [category],
                                   "emergency": True},
                            details={"emergency_justification": "A child is at imminent risk.",
                                     "without_prior_validation": True})
        route = find_route(req.facts, rules, form, today=NOW.date())
        assert route is not None and route.available, route and route.reasons
        fields = {"facts_summary": "An adult contacted a 12-year-old and proposed a meeting.",
                  "legal_provisions": "Criminal Code (39/1889) chapter 20 section 8b",
                  "necessity_proportionality": "Only these data can identify the suspect.", "language": "en"}
        fields.update({"follow_up_request": "European Production Order"} if form == "eu-epoc-pr" else
                      {"time_range_start": "2026-11-01T00:00:00Z", "time_range_end": "2026-11-15T23:59:00Z"})
        services.save_draft(db_session, c, req, expected_version=req.version, route=route, details=fields)
        services.transition(db_session, c, req, "submit")
        db_session.commit()
    assert req.state == "approved" and req.approval_authority is None
    assert req.validation_authority == "prosecutor"  # who would have validated it beforehand (Art. 4(1)(b))
    return req


def send(app, db_session, rules, world, req, at=NOW + timedelta(minutes=10)):
    with time_machine.travel(at, tick=False):
        services.transition(db_session, ctx(app, rules, world["liaison"]), req, "mark_sent",
                            data={"channel": "portal"})
        db_session.commit()


def validation_clock(db_session, req) -> Deadline:
    """The latest validation clock (an order changed and issued again has a new one)."""
    return db_session.scalar(select(Deadline).where(Deadline.request_id == req.id,
                                                    Deadline.kind == "ex_post_validation")
                             .order_by(Deadline.id.desc()).limit(1))


def section(pages: list[str], start: str, end: str | None) -> str:
    text = " ".join(pages[1:-1])
    return text[text.index(start):text.index(end) if end else None]


def ticked(text: str, label: str) -> bool:
    at = text.index(label)
    return text.rfind("☒", 0, at) > text.rfind("☐", 0, at)


# --- the clock ---------------------------------------------------------------------------------------------------
def test_validation_meets_the_48_hour_clock(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    send(app, db_session, rules, world, req)
    clock = validation_clock(db_session, req)
    assert clock.due_at == NOW + timedelta(hours=48) and clock.satisfied_at is None
    with time_machine.travel(NOW + timedelta(hours=47), tick=False):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
        db_session.commit()
    clock = validation_clock(db_session, req)
    assert clock.satisfied_at == NOW + timedelta(hours=47)
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):  # past the due time, yet met
        assert not [d for d in open_deadlines(db_session, req) if d.kind == "ex_post_validation"]


def test_without_validation_the_clock_is_overdue_even_after_the_provider_answered(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    send(app, db_session, rules, world, req)
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        services.transition(db_session, ctx(app, rules, world["liaison"]), req, "fulfil", data={"received": "all"})
        db_session.commit()
    with time_machine.travel(NOW + timedelta(hours=49), tick=False):
        clock = validation_clock(db_session, req)
        assert clock.satisfied_at is None and clock.due_at < datetime.now(timezone.utc)  # overdue
        response = db_session.scalar(select(Deadline).where(Deadline.request_id == req.id,
                                                            Deadline.kind == "response"))
        assert response.satisfied_at is not None  # the provider's own clock did end with its answer
        assert db_session.get(LegalRequest, req.id).next_deadline_at == clock.due_at
        # a fulfilled order can still be validated: the duty does not end with the answer
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
        db_session.commit()
        assert validation_clock(db_session, req).satisfied_at == NOW + timedelta(hours=49)


def test_the_clock_runs_from_the_issue_and_a_validation_before_sending_meets_it(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    clock = validation_clock(db_session, req)  # issued, not sent yet: the 48 hours already run
    assert clock.event_at == NOW and clock.due_at == NOW + timedelta(hours=48) and clock.satisfied_at is None
    reminded = {r.user_id for r in clock.reminders}
    assert world["prosecutor"].id in reminded and world["judge"].id not in reminded  # the validating group
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
        db_session.commit()
    send(app, db_session, rules, world, req)
    rows = list(db_session.scalars(select(Deadline).where(Deadline.request_id == req.id)))
    assert sorted(d.kind for d in rows) == ["ex_post_validation", "response"]  # no second validation clock
    assert validation_clock(db_session, req).satisfied_at == NOW + timedelta(minutes=5)
    assert {d.kind for d in open_deadlines(db_session, req)} == {"response"}


# --- the document ------------------------------------------------------------------------------------------------
def test_the_validated_document_is_a_new_version_whose_section_j_names_the_validator(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    first = issuance.current(db_session, req)
    pages = page_texts(first.pdf)
    assert ticked(section(pages, "SECTION I:", "SECTION J:"), ART_4_5)
    assert PENDING in section(pages, "SECTION J:", "SECTION K:")
    send(app, db_session, rules, world, req)
    with time_machine.travel(NOW + timedelta(hours=5), tick=False):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
        db_session.commit()
    second = issuance.current(db_session, req)
    assert second.id != first.id and second.status == "issued" and second.approved_by_id == world["prosecutor"].id
    assert db_session.get(IssuedDocument, first.id).status == "superseded"
    pages = page_texts(second.pdf)
    i, j = section(pages, "SECTION I:", "SECTION J:"), section(pages, "SECTION J:", "SECTION K:")
    assert ticked(i, ART_4_5) and "Ilona Investigator" in i  # issued so, by the police: that stays true
    assert ticked(j, "public prosecutor") and "Pekka Prosecutor" in j and "Southern Finland Prosecution District" in j
    assert "20 November 2026, 16:00 (UTC+02:00, Europe/Helsinki)" in j and PENDING not in j
    assert "Pekka Prosecutor" not in " ".join(page_texts(first.pdf))  # the first version is never rewritten


def test_the_epoc_pr_validated_after_the_fact_names_the_validator_in_section_g(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world, form="eu-epoc-pr", category="traffic_data")
    with time_machine.travel(NOW + timedelta(hours=2), tick=False):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
        db_session.commit()
    pages = page_texts(issuance.current(db_session, req).pdf)
    f, g = section(pages, "SECTION F:", "SECTION G:"), section(pages, "SECTION G:", None)
    assert ticked(f, ART_4_5) and "Pekka Prosecutor" in g and PENDING not in g
    assert "20 November 2026, 13:00 (UTC+02:00, Europe/Helsinki)" in g


# --- refusal -----------------------------------------------------------------------------------------------------
def test_refused_validation_withdraws_the_order_and_says_the_data_must_not_be_used(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    send(app, db_session, rules, world, req)
    with pytest.raises(TransitionError, match="reason is required"):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "refuse_validation")
    db_session.rollback()
    at = NOW + timedelta(hours=6)
    with time_machine.travel(at, tick=False):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "refuse_validation",
                            note="No imminent threat was established.")
        db_session.commit()
    req = db_session.get(LegalRequest, req.id)
    assert req.state == "withdrawn" and req.closed_at == at
    assert req.outcome["withdrawn_because"] == "validation_refused"
    assert req.outcome["data_obtained"] == "delete_or_restrict"
    assert issuance.current(db_session, req).status == "withdrawn"
    assert validation_clock(db_session, req).satisfied_at == at and not open_deadlines(db_session, req)
    told = {n.user_id: n.message for n in db_session.scalars(select(Notification).where(
        Notification.request_id == req.id, Notification.kind == "handoff_validation_refused"))}
    assert set(told) == {world["investigator"].id, world["liaison"].id}
    assert "Delete the data obtained with it or restrict their use" in told[world["investigator"].id]
    audit = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "request.refuse_validation"))
    assert audit is not None and audit.detail["validation_refused_by"]["name"] == "Pekka Prosecutor"


# --- who may -----------------------------------------------------------------------------------------------------
def test_only_the_validating_group_may_decide_and_only_once(app, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    for who in ("judge", "investigator", "liaison"):  # another group; the unit's own people
        with pytest.raises(services.NotPermitted):
            services.transition(db_session, ctx(app, rules, world[who]), req, "validate")
        db_session.rollback()
    services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
    db_session.commit()
    with pytest.raises(TransitionError, match="awaits no ex-post validation"):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "refuse_validation",
                            note="Changed my mind.")


def test_an_order_validated_beforehand_has_nothing_to_validate(app, db_session, rules, world, factory):
    with time_machine.travel(NOW, tick=False):
        c = ctx(app, rules, world["investigator"])
        req = services.start_request(db_session, c, world["case"], identifiers=[{"type": "username", "value": "jd"}])
        services.save_draft(db_session, c, req, expected_version=req.version,
                            facts={"provider": "meta", "issuer": "police", "data_categories": ["subscriber_data"],
                                   "emergency": True}, details={"without_prior_validation": False})
        services.save_draft(db_session, c, req, expected_version=req.version,
                            route=find_route(req.facts, rules, "eu-epoc", today=NOW.date()))
    assert req.approval_authority == "prosecutor" and req.validation_authority is None


# --- the pages ---------------------------------------------------------------------------------------------------
def _validate_form(client, req_id):
    resp = client.get(f"/approvals/{req_id}/validate")
    assert resp.status_code == 200, resp.get_data(as_text=True)[:1500]
    html = resp.get_data(as_text=True)
    return html, {"csrf_token": csrf_from(html),
                  "version": re.search(r'name="version" type="hidden" value="(\d+)"', html).group(1)}


def test_the_prosecutor_validates_from_the_queue_with_a_fresh_code(app, client, login, db_session, rules, world,
                                                                   signing_keys):
    with time_machine.travel(NOW, tick=False):  # the throw-away certificate is valid around the pinned clock
        keys = signing_keys("HELPOL")
    req = issue_unvalidated(app, db_session, rules, world, signing=keys)
    send(app, db_session, rules, world, req)
    first_sha = issuance.current(db_session, req).sha256
    told = db_session.scalar(select(Notification).where(Notification.user_id == world["prosecutor"].id,
                                                        Notification.kind == "handoff_validation_due"))
    assert told is not None and told.urgent and "within 48 hours" in told.message
    with time_machine.travel(NOW + timedelta(hours=3), tick=False):
        login(world["prosecutor"])
        queue = client.get("/approvals").get_data(as_text=True)
        assert "Orders awaiting your ex-post validation" in queue and req.reference in queue
        assert f"/approvals/{req.id}/validate" in queue
        html, form = _validate_form(client, req.id)
        assert "Open the issued document" in html and issuance.current(db_session, req).sha256 in html
        no_code = client.post(f"/approvals/{req.id}/validate", data={**form, "validate_order": "x", "confirm": "y"})
        assert no_code.status_code == 422
        wrong = client.post(f"/approvals/{req.id}/validate",
                            data={**form, "validate_order": "x", "confirm": "y", "code": "000000"})
        assert wrong.status_code == 422 and "That code is wrong" in wrong.get_data(as_text=True)
        assert db_session.scalar(select(AuditEntry).where(AuditEntry.action == "validation.step_up_failed"))
        unconfirmed = client.post(f"/approvals/{req.id}/validate",
                                  data={**form, "validate_order": "x",
                                        "code": fresh_code(world["prosecutor"], db_session)})
        assert unconfirmed.status_code == 422 and "Tick the confirmation" in unconfirmed.get_data(as_text=True)
        done = client.post(f"/approvals/{req.id}/validate",
                           data={**form, "validate_order": "x", "confirm": "y",
                                 "code": fresh_code(world["prosecutor"], db_session)})
        assert done.status_code == 302, done.get_data(as_text=True)[:1500]
        assert validation_clock(db_session, req).satisfied_at == NOW + timedelta(hours=3)
        assert "Orders awaiting your ex-post validation" not in client.get("/approvals").get_data(as_text=True)
        assert client.get(f"/approvals/{req.id}/validate").status_code == 404  # decided: nothing left to validate
    doc = issuance.current(db_session, req)
    assert doc.signed and doc.approved_by_id == world["prosecutor"].id
    assert "Pekka Prosecutor" in section(page_texts(doc.pdf), "SECTION J:", "SECTION K:")
    entry = db_session.scalar(select(AuditEntry).where(AuditEntry.action == "request.validate"))
    assert entry.detail["validated_by"]["name"] == "Pekka Prosecutor"
    # the provider holding the version sent first learns it is genuine and that a later one exists, since when
    token = csrf_from(client.get("/verify").get_data(as_text=True))
    verdict = client.post("/verify", data={"csrf_token": token, "checksum": first_sha, "submit": "x"},
                          content_type="multipart/form-data").get_data(as_text=True)
    assert ("Genuine, but superseded by a later version issued on Nov 20, 2026 12:00 UTC: ask the issuer for the "
            "current one.") in verdict
    assert req.reference not in verdict and "Pekka Prosecutor" not in verdict


def test_refusing_on_the_page_needs_a_reason_and_keeps_what_was_typed(app, client, login, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    login(world["prosecutor"])
    _, form = _validate_form(client, req.id)
    resp = client.post(f"/approvals/{req.id}/validate",
                       data={**form, "refuse": "x", "confirm": "y",
                             "code": fresh_code(world["prosecutor"], db_session)})
    assert resp.status_code == 422 and "a reason is required to refuse validation" in resp.get_data(as_text=True)
    assert db_session.get(LegalRequest, req.id).state == "approved"


def test_the_request_page_cannot_validate_without_the_step_up(app, client, login, db_session, rules, world):
    req = issue_unvalidated(app, db_session, rules, world)
    login(world["prosecutor"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert f"/requests/{req.id}/actions/validate" not in page and f"/approvals/{req.id}/validate" in page
    resp = client.post(f"/requests/{req.id}/actions/validate", data={"csrf_token": csrf_from(page),
                                                                 "version": str(req.version)})
    assert resp.status_code == 302 and resp.headers["Location"].endswith(f"/approvals/{req.id}/validate")
    assert db_session.get(LegalRequest, req.id).state == "approved"
    assert not [e for e in db_session.get(LegalRequest, req.id).events if e.action == "validate"]


def test_pages_name_the_signer_from_the_record_never_a_stored_signature(app, client, login, db_session, rules,
                                                                        world):
    req = issue_unvalidated(app, db_session, rules, world)
    row = db_session.get(LegalRequest, req.id)
    # what a probe could store before the details had a schema: it must never show as a signature
    row.details = {**row.details, "signature": {"name": "Forged Prosecutor", "authority": "prosecutor",
                                                "signed_at": "2026-11-19T10:00:00+00:00", "user_id": 1}}
    db_session.commit()
    login(world["investigator"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert "Forged Prosecutor" not in page
    assert re.search(r'id="signed-by">Ilona Investigator', page) and 'id="validation-pending"' in page
    login(world["prosecutor"])
    review = client.get(f"/approvals/{req.id}").get_data(as_text=True)
    assert "Forged Prosecutor" not in review and "Signed by Ilona Investigator" in review
    services.transition(db_session, ctx(app, rules, world["prosecutor"]), db_session.get(LegalRequest, req.id),
                        "validate")
    db_session.commit()
    login(world["investigator"])
    page = client.get(f"/requests/{req.id}").get_data(as_text=True)
    assert re.search(r'id="validated-by">Pekka Prosecutor \(prosecutor\)', page) and "Forged Prosecutor" not in page


def test_a_validation_covers_the_version_validated_not_a_later_change(app, db_session, rules, world):
    """Validated before sending, then changed: the changed order is issued again, and needs its own validation."""
    req = issue_unvalidated(app, db_session, rules, world)
    with time_machine.travel(NOW + timedelta(minutes=5), tick=False):
        services.transition(db_session, ctx(app, rules, world["prosecutor"]), req, "validate")
        db_session.commit()
    with time_machine.travel(NOW + timedelta(minutes=20), tick=False):
        c = ctx(app, rules, world["investigator"])
        services.save_draft(db_session, c, req, expected_version=req.version,
                            details={"facts_summary": "An adult contacted a 12-year-old; new messages since."})
        services.transition(db_session, c, req, "submit")
        db_session.commit()
    pages = page_texts(issuance.current(db_session, req).pdf)
    j = section(pages, "SECTION J:", "SECTION K:")
    assert "Pekka Prosecutor" not in j and PENDING in j
    from lawreq.legal_requests.approvals import validation_query

    assert [r.id for r in db_session.scalars(validation_query(world["prosecutor"]))] == [req.id]
    send(app, db_session, rules, world, req, at=NOW + timedelta(minutes=30))
    assert validation_clock(db_session, req).due_at == NOW + timedelta(minutes=20, hours=48)
    running = [d for d in open_deadlines(db_session, req) if d.kind == "ex_post_validation"]
    assert [d.id for d in running] == [validation_clock(db_session, req).id]  # one clock: the reissued order's
