"""The PDF seam: what a stored request puts on its certificate beyond the wizard's answers — the request it follows,
the Art. 5(4) ground and the controller — so the addressee reads the whole story on the form."""

from __future__ import annotations

from datetime import datetime, timezone

from lawreq.legal_requests.documents import document_data, render_request_pdf
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
    assert '<option value="pl">PL</option>' in page
    assert "partly official wording" in page and "C onwards reconstructed" in page
    page = client.get(f"/requests/{us.id}").get_data(as_text=True)
    assert '<option value="en">EN</option>' in page and '<option value="pl">PL</option>' not in page
    assert "official wording" not in page
