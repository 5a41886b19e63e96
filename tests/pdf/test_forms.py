"""Every form id the rules name renders from its shipped example, with its sections in order and the request's
values in it — as an investigator previewing `lawreq forms render` would check by eye."""

from __future__ import annotations

import pytest

from lawreq.pdf import list_forms, render
from lawreq.pdf.render import example
from tests.pdf.conftest import pdf_text

FORM_IDS = (
    "epoc", "epoc_pr", "annex_iii", "annex_v", "annex_vi", "budapest_29", "mla_letter", "eio_annex_a",
    "us_voluntary_disclosure", "us_preservation", "us_emergency_disclosure", "domestic_order_draft", "cover_sheet",
)


def in_order(text: str, *parts: str) -> bool:
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def test_the_registry_offers_exactly_the_form_ids_the_rules_name():
    assert tuple(spec.id for spec in list_forms()) == FORM_IDS
    for spec in list_forms():
        assert spec.title and spec.instrument and "reference" in spec.required_fields
        assert "en" in spec.languages


@pytest.mark.parametrize("form_id", FORM_IDS)
def test_every_example_renders_with_its_reference_and_cover_sheet(form_id):
    data = example(form_id)
    pdf = render(form_id, data, invariant=True)
    text = pdf_text(pdf)
    assert pdf.startswith(b"%PDF")
    assert "COVER SHEET" in text
    assert data["reference"] in text
    assert "page 1 of" in text


def test_epoc_follows_annex_i_section_order_with_the_request_values():
    data = example("epoc")
    text = pdf_text(render("epoc", data))
    assert in_order(
        text,
        "COVER SHEET",
        "EUROPEAN PRODUCTION ORDER CERTIFICATE (EPOC) FOR THE PRODUCTION OF ELECTRONIC EVIDENCE",
        "SECTION A: Issuing/validating authority",
        "SECTION B: Addressee",
        "SECTION C: Deadlines",
        "SECTION D: Relation to previous production/preservation request",
        "SECTION E: Identification of the data / user sought",
        "SECTION F: Electronic evidence to be produced",
        "SECTION G: Information on the underlying conditions",
        "SECTION H: Information to the person whose data are sought",
        "SECTION I: Details of the issuing authority",
        "SECTION J: Details of the validating authority",
        "SECTION K: Notification to the enforcing authority",
        "SECTION L: Transfer of data",
    )
    for value in (
        "Meta Platforms Ireland Limited",
        "Helsingin poliisilaitos",
        "Etelä-Suomen syyttäjäalue",
        "instagram.com/sunny.ella_2011",
        "84.248.17.203",
        "Europe/Helsinki",
        "Rikoslaki (39/1889) 20 luku 8 b §",
        "Rikoskomisario Aino Mäkelä",
        "30 November 2026",
    ):
        assert value in text, value
    assert "☒ Designated establishment" in text
    assert "☐ Legal representative" in text
    assert "☒ subscriber data" in text and "☐ content data" in text


def test_emergency_epoc_ticks_the_eight_hour_deadline(request_data):
    request_data["emergency"] = True
    request_data["emergency_justification"] = "The child is to meet the suspect tonight."
    text = pdf_text(render("epoc", request_data))
    assert "☒ without undue delay and at the latest within 8 hours" in text
    assert "☐ as soon as possible and at the latest within 10 days" in text
    assert "The child is to meet the suspect tonight." in text


def test_epoc_pr_has_sections_a_to_g_and_no_deadline_section():
    text = pdf_text(render("epoc_pr", example("epoc_pr")))
    assert in_order(
        text, "EUROPEAN PRESERVATION ORDER CERTIFICATE (EPOC-PR)", "SECTION A:", "SECTION B:", "SECTION C: Data to be preserved",
        "SECTION D:", "SECTION E:", "SECTION F: Details of the issuing authority", "SECTION G: Details of the validating",
    )
    assert "SECTION C: Deadlines" not in text
    assert "Sections F and G" in text


def test_annex_iii_lets_a_liaison_officer_read_what_the_provider_returned():
    data = example("annex_iii")
    text = pdf_text(render("annex_iii", data))
    assert "INFORMATION ON THE INABILITY TO EXECUTE AN EPOC/EPOC-PR" in text
    assert "☒ the European Production Order Certificate (EPOC)" in text
    assert "☒ it does not contain sufficient information" in text
    assert "☐ it is incomplete" in text
    assert "please confirm the time zone" in text
    assert "Law Enforcement Response Team" in text


def test_annex_v_and_vi_name_the_preservation_order_they_follow_up():
    v = pdf_text(render("annex_v", example("annex_v")))
    assert "☒ European Production Order" in v and "R 26/8812-EPO" in v and "5500/R/41233/26-PR" in v
    vi = pdf_text(render("annex_vi", example("annex_vi")))
    assert "extended by an additional 30 days" in vi and "19 January 2027" in vi


def test_budapest_request_lists_every_element_of_article_29_2():
    text = pdf_text(render("budapest_29", example("budapest_29")))
    assert in_order(
        text,
        "(a) The authority seeking the preservation",
        "(b) The offence that is the subject of a criminal investigation",
        "(c) The stored computer data to be preserved and its relationship to the offence",
        "(d) Any available information identifying the custodian",
        "(e) The necessity of the preservation",
        "(f) Intended request for mutual assistance",
    )
    assert "☒ The requesting Party intends to submit a request for mutual assistance" in text
    assert "CCIPS" in text


def test_us_emergency_letter_carries_the_facts_of_the_emergency():
    data = example("us_emergency_disclosure")
    text = pdf_text(render("us_emergency_disclosure", data))
    assert "18 U.S.C. § 2702(b)(8)" in text and "§ 2702(c)(4)" in text
    assert "danger of death or serious physical injury" in text
    for key in ("threat", "persons_at_risk", "imminence", "how_data_helps"):
        assert data["emergency_facts"][key] in text


def test_us_voluntary_letter_asks_for_non_content_only():
    text = pdf_text(render("us_voluntary_disclosure", example("us_voluntary_disclosure")))
    assert "18 U.S.C. § 2702(c)(6)" in text
    assert "Meta Platforms, Inc." in text
    assert "We do not request the contents of any communication" in text


def test_domestic_order_is_marked_as_a_draft_with_an_empty_signature_block():
    data = example("domestic_order_draft")
    text = pdf_text(render("domestic_order_draft", data))
    assert "DRAFT" in text and "Not an order until signed" in text
    assert "Helsingin käräjäoikeus" in text
    assert "Decision of the competent authority" in text


def test_mla_letter_and_eio_name_the_requested_authority_and_legal_basis():
    mla = pdf_text(render("mla_letter", example("mla_letter")))
    assert "Office of International Affairs" in mla and "Art. 31" in mla
    assert "☒ Follow-up to previous request" in mla
    eio = pdf_text(render("eio_annex_a", example("eio_annex_a")))
    assert "EUROPEAN INVESTIGATION ORDER (EIO)" in eio and "SECTION B: Urgency" in eio
    assert "☒ evidence being tampered with or deleted" in eio


def _ticked(text: str, label: str) -> bool:
    """Whether the tick-box right before ``label`` is checked (text is whitespace-collapsed)."""
    at = text.find(label)
    assert at > 0, f"{label!r} not printed"
    box = text.rfind("☒", 0, at), text.rfind("☐", 0, at)
    return box[0] > box[1]


def test_epoc_section_f_ticks_the_data_items_under_their_categories(request_data):
    text = pdf_text(render("epoc", request_data))
    assert in_order(text, "SECTION F", "subscriber data", "profile information (e.g. user name, screen name",
                    "data requested for the sole purpose of identifying the user", "IP connection records",
                    "traffic data", "(i) for (mobile) telephony:", "call attempt(s)", "(iv) other:",
                    "purchase history", "content data", "(web)mailbox dump", "contact list", "SECTION G")
    assert _ticked(text, "profile information (e.g. user name")
    assert not _ticked(text, "debit or credit card information")
    assert not _ticked(text, "call attempt(s)")
    assert "IP addresses and source ports of every login" in text


def test_a_data_item_outside_the_requested_categories_is_refused_by_name(request_data):
    from lawreq.pdf import InvalidFieldError

    request_data["data_items"] = ["traffic.internet.routing"]
    with pytest.raises(InvalidFieldError, match=r"data_items.*traffic_data, which data_categories does not request"):
        render("epoc", request_data)
    request_data["data_items"] = ["subscriber.shoe_size"]
    with pytest.raises(InvalidFieldError, match=r"'subscriber.shoe_size' is not a data item"):
        render("epoc", request_data)


def test_epoc_g_ticks_the_article_5_4_ground_that_lets_traffic_data_be_ordered(request_data):
    request_data["data_categories"] = ["subscriber_data", "traffic_data"]
    request_data["data_items"] = ["traffic.internet.routing"]
    request_data.pop("data_item_details")
    text = pdf_text(render("epoc", request_data))
    # solicitation: 1 year maximum, but a Directive 2011/93/EU offence committed online
    assert not _ticked(text, "the offence is punishable in the issuing State by a custodial sentence of a maximum")
    assert _ticked(text, "one of the following offences, where wholly or partly committed by means of an information")
    assert _ticked(text, "offences as defined in Articles 3 to 7 of Directive 2011/93/EU")
    assert not _ticked(text, "offences as defined in Articles 3 to 8 of Directive 2013/40/EU")
    assert _ticked(text, "routing information (source IP address")
    request_data["offence"]["committed_online"] = False
    text = pdf_text(render("epoc", request_data))
    assert not _ticked(text, "offences as defined in Articles 3 to 7 of Directive 2011/93/EU")


def test_epoc_g_says_whether_the_order_goes_to_the_controller_or_a_processor(request_data):
    text = pdf_text(render("epoc", request_data))
    assert _ticked(text, "the order is addressed to the service provider acting as controller")
    request_data["controller"] = {"addressed_to": "processor", "reason": "detrimental", "processor_informs": False}
    text = pdf_text(render("epoc", request_data))
    assert _ticked(text, "storing or processing the data on behalf of the controller")
    assert _ticked(text, "addressing the controller might be detrimental to the investigation")
    assert _ticked(text, "the service provider shall not inform the controller")
    assert not _ticked(text, "the controller cannot be identified despite reasonable efforts")


def test_epoc_k_carries_the_annex_iv_category_and_i_the_contact_point(request_data):
    request_data["contact_authority"] = {"name": "Keskusrikospoliisi, SPOC", "email": "spoc@example.invalid"}
    request_data["notification"] = {"required": True, "enforcing_state": "IE", "enforcing_authority": "Garda",
                                    "additional_information": "Victim resides in FI."}
    text = pdf_text(render("epoc", request_data))
    assert in_order(text, "SECTION I", "Keskusrikospoliisi, SPOC", "SECTION J", "SECTION K", "Garda",
                    "sexual exploitation of children and child pornography", "Victim resides in FI.", "SECTION L")


def test_eio_has_sections_d_h_and_j():
    text = pdf_text(render("eio_annex_a", example("eio_annex_a")))
    assert in_order(text, "SECTION C", "SECTION D: Relationship to an earlier EIO", "SECTION E", "SECTION G",
                    "SECTION H: Additional requirements for certain measures", "Not applicable", "SECTION I",
                    "SECTION J: Legal remedies", "Etelä-Suomen syyttäjäalue", "SECTION K")
    assert "predates its publication in the Official Journal" in text
