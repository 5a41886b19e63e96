"""The PDF seam: what a stored request puts on its certificate beyond the wizard's answers — the request it follows,
the Art. 5(4) ground and the controller — so the addressee reads the whole story on the form."""

from __future__ import annotations

from datetime import datetime, timezone

from lawreq.legal_requests.documents import document_data, render_request_pdf
from lawreq.legal_requests.models import LegalRequest
from tests.conftest import csrf_from
from tests.pdf.conftest import pdf_text

FACTS = {"issuing_country": "FI", "issuer": "police", "offence": "solicitation_of_children", "max_penalty_years": 2.0,
         "committed_online": True, "offence_committed_in": "FI", "emergency": False, "provider": "meta",
         "data_categories": ["subscriber_data", "identification_data"]}
IDENTIFIERS = [{"type": "username", "value": "jane.doe", "entered": "@Jane.Doe"}]


def _request(factory, case, investigator, **kw):
    return factory.request(case, investigator, provider_id="meta", facts=dict(FACTS), identifiers=list(IDENTIFIERS),
                           details={"period": {"start": "2026-10-01"}, "legal_provisions": "RL 20:8 b",
                                    "necessity_proportionality": "Only way to identify the suspect."}, **kw)


def test_a_production_order_after_a_preservation_names_it_in_section_d(factory, case, investigator, rules,
                                                                        db_session):
    preservation = _request(factory, case, investigator, state="sent", route_id="eu-epoc-pr",
                            route_kind="preservation_order", form_id="epoc_pr",
                            sent_at=datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc), provider_reference="META-77")
    production = _request(factory, case, investigator, route_id="eu-epoc", route_kind="production_order",
                          form_id="epoc", parent_id=preservation.id)
    db_session.refresh(production)

    data = document_data(db_session, production, rules)
    assert data["previous_request"] == {
        "type": "preservation", "authority": data["issuing_authority"]["name"], "reference": preservation.reference,
        "issued_at": "", "transmitted_at": "2026-11-03", "addressee_file_number": "META-77"}
    text = pdf_text(render_request_pdf(db_session, production, rules, lang="en")[1])
    section_d = text[text.index("SECTION D"):text.index("SECTION E")]
    assert "☒ The requested data have been fully/partially preserved" in section_d
    assert preservation.reference in section_d and "META-77" in section_d


def test_a_request_without_a_parent_has_no_previous_request(factory, case, investigator, rules, db_session):
    req = _request(factory, case, investigator, route_id="eu-epoc", route_kind="production_order", form_id="epoc")
    assert "previous_request" not in document_data(db_session, req, rules)


def test_the_offence_lists_and_the_controller_reach_section_g(factory, case, investigator, rules, db_session):
    req = _request(factory, case, investigator, route_id="eu-epoc", route_kind="production_order", form_id="epoc")
    data = document_data(db_session, req, rules)
    assert "dir_2011_93" in data["offence"]["lists"] and data["offence"]["committed_online"] is True
    assert data["controller"] == {"addressed_to": "controller"}
    text = pdf_text(render_request_pdf(db_session, req, rules, lang="en")[1])
    assert "☒ the order is addressed to the service provider acting as controller" in text


def test_the_request_page_offers_only_the_form_languages_and_says_how_official_the_wording_is(
        client, login, factory, case, investigator):
    epoc = _request(factory, case, investigator, route_id="eu-epoc", route_kind="production_order", form_id="epoc")
    us = _request(factory, case, investigator, route_id="us-2702-voluntary", route_kind="voluntary_disclosure",
                  form_id="us_voluntary_disclosure")
    login(investigator)
    page = client.get(f"/requests/{epoc.id}").get_data(as_text=True)
    assert '<option value="pl">Polish</option>' in page
    assert "partly official wording" in page and "C onwards reconstructed" in page
    page = client.get(f"/requests/{us.id}").get_data(as_text=True)
    assert '<option value="en">English</option>' in page and '<option value="pl">Polish</option>' not in page
    assert "official wording" not in page


def test_a_running_preservation_offers_annex_vi_then_annex_v_once_production_is_issued(
        client, login, factory, case, investigator, rules, db_session):
    from lawreq.deadlines.services import on_transition
    from lawreq.legal_requests.documents import follow_on_forms

    sent = datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc)
    preservation = _request(factory, case, investigator, state="sent", route_id="eu-epoc-pr",
                            route_kind="preservation_order", form_id="epoc_pr", sent_at=sent,
                            decided_at=sent, provider_reference="META-77")
    on_transition(db_session, preservation, "mark_sent", sent, rules)
    db_session.commit()
    assert follow_on_forms(db_session, preservation) == ["annex_vi"]
    login(investigator)
    page = client.get(f"/requests/{preservation.id}").get_data(as_text=True)
    assert f"/requests/{preservation.id}/document.pdf?form=annex_vi" in page
    assert client.get(f"/requests/{preservation.id}/document.pdf?form=annex_v").status_code == 404

    resp = client.get(f"/requests/{preservation.id}/document.pdf?form=annex_vi")
    assert resp.status_code == 200, client.get(f"/requests/{preservation.id}").get_data(as_text=True)[-3000:]
    text = pdf_text(resp.data)
    assert "EXTENSION OF THE PRESERVATION OF ELECTRONIC EVIDENCE" in text
    assert preservation.reference in text and "3 November 2026" in text
    section_a = text[text.index("SECTION A"):text.index("SECTION B")]
    assert "File number of the addressee (if known) META-77" in section_a  # the provider's own reference

    production = _request(factory, case, investigator, state="approved", route_id="eu-epoc",
                          route_kind="production_order", form_id="epoc", parent_id=preservation.id, decided_at=sent)
    db_session.commit()
    assert follow_on_forms(db_session, preservation) == ["annex_vi", "annex_v"]
    text = pdf_text(client.get(f"/requests/{preservation.id}/document.pdf?form=annex_v").data)
    assert "CONFIRMATION OF ISSUANCE OF A REQUEST FOR PRODUCTION" in text and production.reference in text
    assert _ticked_before(text, "European Production Order")


def _ticked_before(text: str, label: str) -> bool:
    at = text.index(label)
    return text.rfind("☒", 0, at) > text.rfind("☐", 0, at)


def test_the_providers_annex_iii_reasons_are_logged_and_printed(client, login, factory, case, investigator,
                                                                  db_session):
    epoc = _request(factory, case, investigator, state="sent", route_id="eu-epoc", route_kind="production_order",
                    form_id="epoc", sent_at=datetime(2026, 11, 3, 9, 0, tzinfo=timezone.utc),
                    decided_at=datetime(2026, 11, 2, 15, 0, tzinfo=timezone.utc))
    reference = epoc.reference
    login(investigator)
    page = client.get(f"/requests/{epoc.id}").get_data(as_text=True)
    assert "Reasons the provider gave on its Annex III form" in page
    assert "form=annex_iii" not in page
    resp = client.post(f"/requests/{epoc.id}/actions/refuse", data={
        "csrf_token": csrf_from(page), "version": str(epoc.version), "reason": "no_data",
        "impossibility_reasons": ["DATA_NOT_STORED", "INSUFFICIENT_INFO"], "note": "Account deleted in 2025."})
    assert resp.status_code == 302
    stored = db_session.query(LegalRequest).filter_by(reference=reference).one()
    assert stored.state == "refused"
    assert stored.outcome["impossibility_reasons"] == ["DATA_NOT_STORED", "INSUFFICIENT_INFO"]
    text = pdf_text(client.get(f"/requests/{stored.id}/document.pdf?form=annex_iii").data)
    assert "INFORMATION ON THE INABILITY TO EXECUTE" in text
    assert _ticked_before(text, "it does not concern data stored by or on behalf of the service provider")
    assert not _ticked_before(text, "it contains manifest errors")
