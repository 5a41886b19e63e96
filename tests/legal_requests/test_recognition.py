"""A liaison officer records that the executing authority recognised an EIO; the 90 days to execute start."""

from __future__ import annotations

from datetime import datetime, timezone

from sqlalchemy import select

from lawreq.deadlines.models import Deadline
from lawreq.deadlines.services import on_transition
from tests.conftest import csrf_from

FACTS = {"issuing_country": "FI", "issuer": "prosecutor", "offence": "fraud", "emergency": False,
         "provider": "deutsche-telekom", "data_categories": ["subscriber_data"], "date": "2026-11-23"}


def test_the_officer_records_the_recognition_once_and_the_execution_clock_starts(
        client, login, factory, unit, case, investigator, rules, db_session):
    officer = factory.user("liaison_officer", units=[unit])
    eio = factory.request(case, investigator, state="sent", route_id="eu-eio", route_kind="mla_request",
                          form_id="eio_annex_a", facts=dict(FACTS), provider_id="deutsche-telekom",
                          addressee_country="DE", issuing_country="FI")
    on_transition(db_session, eio, "mark_sent", datetime(2026, 11, 23, 10, tzinfo=timezone.utc), rules)
    db_session.commit()
    login(officer)
    page = client.get(f"/requests/{eio.id}").get_data(as_text=True)
    assert f"/requests/{eio.id}/actions/record_recognition" in page
    resp = client.post(f"/requests/{eio.id}/actions/record_recognition", data={
        "csrf_token": csrf_from(page), "version": str(eio.version), "received_at": "2026-12-04T09:30"})
    assert resp.status_code == 302
    kinds = {d.kind: d for d in db_session.scalars(select(Deadline).where(Deadline.request_id == eio.id))}
    assert kinds["recognition"].satisfied_at is not None and kinds["execution"].satisfied_at is None
    page = client.get(f"/requests/{eio.id}").get_data(as_text=True)
    assert "Recognised by the executing authority." in page  # the confirmation
    assert f"/requests/{eio.id}/actions/record_recognition" not in page  # recorded once, not offered again


def test_an_epoc_offers_no_recognition_and_refuses_it(client, login, factory, unit, case, investigator, rules,
                                                      db_session):
    officer = factory.user("liaison_officer", units=[unit])
    epoc = factory.request(case, investigator, state="sent", route_id="eu-epoc", route_kind="production_order",
                           form_id="epoc", facts={**FACTS, "provider": "meta"}, provider_id="meta",
                           addressee_country="IE", issuing_country="FI")
    login(officer)
    page = client.get(f"/requests/{epoc.id}").get_data(as_text=True)
    assert f"/requests/{epoc.id}/actions/record_recognition" not in page
    resp = client.post(f"/requests/{epoc.id}/actions/record_recognition", data={
        "csrf_token": csrf_from(page), "version": str(epoc.version)}, follow_redirects=True)
    assert "no recognition step" in resp.get_data(as_text=True)
