"""The EPOC says who issued and who validated the order exactly as the approval record does (Reg. (EU) 2023/1543
Art. 4): for every issuer × urgency × data category, the request goes through the real workflow and the PDF text
is read back with pypdf. Section I names the issuing authority, Section J the validating one, the Art. 4(5) box is
ticked only for an order issued without prior validation, Section K says why the enforcing State is or is not
notified, and the form pages carry no raw ids or ISO timestamps."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from sqlalchemy import select

from lawreq.deadlines.models import Deadline
from lawreq.legal_requests import services
from lawreq.legal_requests.documents import render_request_pdf
from lawreq.legal_requests.models import LegalRequest
from lawreq.rules import find_route
from tests.pdf.conftest import page_texts

NOW = datetime(2026, 11, 20, 9, 0, tzinfo=timezone.utc)
ISSUERS = ("police", "prosecutor", "judge")
URGENCY = ("normal", "emergency_validated_first", "emergency_without_prior_validation")
CATEGORIES = ("subscriber_data", "identification_data", "traffic_data", "content_data")
LABEL = {"judge": "judge, court or investigating judge", "prosecutor": "public prosecutor",
         "police": "other competent authority as designated by the issuing State"}
ART_4_5 = "issued in a validly established emergency case without prior validation (Article 4(5))"
ISO = re.compile(r"\d{4}-\d{2}-\d{2}(T|\b)")


@pytest.fixture
def clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def world(factory, clock):
    police = factory.unit(code="HELPOL", country="FI", timezone="Europe/Helsinki", name="Helsinki CSA team",
                          authority_name="Helsinki Police Department")
    prosecutors = factory.unit(code="HELPROS", country="FI", name="Prosecution",
                               authority_name="Southern Finland Prosecution District")
    court = factory.unit(code="HELCOURT", country="FI", name="Court", authority_name="Helsinki District Court")
    investigator = factory.user("investigator", units=[police], name="Ilona Investigator")
    approvers = {"prosecutor": factory.user("approver", units=[police, prosecutors], authority="prosecutor",
                                            name="Pekka Prosecutor"),
                 "judge": factory.user("approver", units=[police, court], authority="judge", name="Jaana Judge")}
    case = factory.case(police, created_by=investigator, offence="solicitation_of_children", max_penalty_years=2,
                        reference="2026/CSA/0412", offence_country="FI")
    return {"police": police, "investigator": investigator, "approvers": approvers, "case": case,
            "offices": {"prosecutor": prosecutors, "judge": court}}


def _ctx(app, rules, user):
    return services.Ctx(actor=user, audit_key=app.config["AUDIT_KEY"].encode(), rules=rules)


def issue(app, db_session, rules, world, *, issuer, urgency, category, resides=None, approve=True):
    """A request from the wizard's answers through submit (and approval where the route routes it)."""
    emergency = urgency != "normal"
    ctx = _ctx(app, rules, world["investigator"])
    req = services.start_request(db_session, ctx, world["case"], identifiers=[
        {"type": "ip", "value": "84.248.17.203", "port": 51234, "timestamp_utc": "2026-11-14T18:03:22Z"}])
    services.save_draft(db_session, ctx, req, expected_version=req.version,
                        facts={"provider": "meta", "issuer": issuer, "data_categories": [category],
                               "emergency": emergency, "target_resides_in": resides},
                        details={"emergency_justification": "A child is at imminent risk." if emergency else "",
                                 "without_prior_validation": urgency == "emergency_without_prior_validation"})
    route = find_route(req.facts, rules, "eu-epoc", today=NOW.date())
    assert route is not None and route.available, route and route.reasons
    services.save_draft(db_session, ctx, req, expected_version=req.version, route=route, details={
        "facts_summary": "An adult contacted a 12-year-old and proposed a meeting.",
        "legal_provisions": "Criminal Code (39/1889) chapter 20 section 8b",
        "necessity_proportionality": "Only these data can identify the suspect.",
        "time_range_start": "2026-11-01T00:00:00Z", "time_range_end": "2026-11-15T23:59:00Z", "language": "en"})
    services.transition(db_session, ctx, req, "submit")
    if approve and req.state == "awaiting_approval":
        approver = world["approvers"]["judge" if req.approval_authority == "judge" else "prosecutor"]
        services.transition(db_session, _ctx(app, rules, approver), req, "approve")
    db_session.commit()
    return req


def sections(pages: list[str]) -> dict[str, str]:
    text = " ".join(pages[1:-1])
    cut = {k: text.index(f"SECTION {k}:") for k in "IJKL"}
    return {"I": text[cut["I"]:cut["J"]], "J": text[cut["J"]:cut["K"]], "K": text[cut["K"]:cut["L"]]}


def ticked(text: str, label: str) -> bool:
    at = text.index(label)
    return text.rfind("☒", 0, at) > text.rfind("☐", 0, at)


def expected(issuer: str, urgency: str, category: str) -> dict[str, object]:
    """What Art. 4 says for this combination (the rules encode who may issue and validate)."""
    identifying = category in ("subscriber_data", "identification_data")
    judicial_needed = "prosecutor" if identifying else "judge"
    if issuer == "police":
        waived = urgency == "emergency_without_prior_validation" and identifying  # Art. 4(5)
        return {"issuer_type": "police", "issuer_name": "Helsinki Police Department",
                "signer": "Ilona Investigator", "validator": None if waived else judicial_needed,
                "art_4_5": waived}
    issuing = issuer if (identifying or issuer == "judge") else "judge"  # Art. 4(1)-(2): traffic/content → judge
    names = {"prosecutor": ("Southern Finland Prosecution District", "Pekka Prosecutor"),
             "judge": ("Helsinki District Court", "Jaana Judge")}
    return {"issuer_type": issuing, "issuer_name": names[issuing][0], "signer": names[issuing][1],
            "validator": None, "art_4_5": False}


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("urgency", URGENCY)
@pytest.mark.parametrize("issuer", ISSUERS)
def test_sections_i_j_and_the_art_4_5_box_follow_the_approval_record(app, db_session, rules, world, issuer, urgency,
                                                                     category):
    resides = "FI" if category == "content_data" else None
    req = issue(app, db_session, rules, world, issuer=issuer, urgency=urgency, category=category, resides=resides)
    want = expected(issuer, urgency, category)
    assert req.state == "approved"
    pages = page_texts(render_request_pdf(db_session, req, rules, lang="en")[1])
    part = sections(pages)

    # Section I: the issuing authority, its kind ticked, its representative as the approval record names them
    assert ticked(part["I"], LABEL[str(want["issuer_type"])])
    for other in set(LABEL) - {want["issuer_type"]}:
        assert not ticked(part["I"], LABEL[other]), other
    assert f"Name of authority {want['issuer_name']}" in part["I"]
    assert f"Name of its representative {want['signer']}" in part["I"]
    assert "File No 2026/CSA/0412" in part["I"]  # the case's file number
    assert ticked(part["I"], ART_4_5) is want["art_4_5"]
    if want["issuer_type"] != "police":
        assert "Helsinki Police Department" not in part["I"].split("Name of authority")[1].split("Name of its")[0]

    # Section J: the validating authority only when one validated
    if want["validator"] is None:
        assert "Pekka Prosecutor" not in part["J"] and "Jaana Judge" not in part["J"]
        if want["art_4_5"]:
            assert "at the latest within 48 hours" in part["J"]
            assert "22 November 2026, 11:00 (UTC+02:00, Europe/Helsinki)" in part["J"]  # issued + 48 h, local time
        else:
            assert "Not applicable" in part["J"]
    else:
        name = {"prosecutor": "Pekka Prosecutor", "judge": "Jaana Judge"}[str(want["validator"])]
        assert ticked(part["J"], LABEL[str(want["validator"])]) and f"Name of its representative {name}" in part["J"]
        assert "20 November 2026, 11:00 (UTC+02:00, Europe/Helsinki)" in part["J"]  # date of validation, local time

    # Section K: the Art. 8 statement derives from the data category, the residence asked for and the offence
    if category in ("subscriber_data", "identification_data"):
        assert ticked(part["K"], "the order concerns only subscriber data")
    elif resides == "FI":  # offence committed in FI and person resides in FI: Art. 8(2)
        assert ticked(part["K"], "No notification: the offence was, is or is likely")
        assert "believed to reside in Finland" in part["K"]
    else:
        assert ticked(part["K"], "This order is notified to the enforcing authority")
        assert "believed to reside in unknown" in part["K"]

    # no raw ids or ISO timestamps on the cover sheet or the form pages; they are on the technical annex
    for page in pages[:-1]:
        assert not ISO.search(page), ISO.search(page)
        for raw in ("eu-epoc", req.rules_version, "production_order", category, "ex_post_validation"):
            assert raw not in page, raw
    assert "TECHNICAL ANNEX" in pages[-1] and "eu-epoc" in pages[-1] and req.rules_version in pages[-1]


def test_an_order_issued_without_prior_validation_starts_the_48_hour_validation_clock_when_sent(
        app, db_session, rules, world):
    req = issue(app, db_session, rules, world, issuer="police", urgency="emergency_without_prior_validation",
                category="subscriber_data")
    assert req.approval_authority is None and req.state == "approved"
    before = page_texts(render_request_pdf(db_session, req, rules, lang="en")[1])
    assert "8 hours from receipt" in " ".join(before[:-1])  # before sending: the period as the law states it
    assert "22 November 2026, 11:00 (UTC+02:00, Europe/Helsinki)" in sections(before)["J"]  # issued + 48 h

    liaison = world["investigator"]
    services.transition(db_session, _ctx(app, rules, liaison), req, "mark_sent", data={"channel": "portal"})
    db_session.commit()
    clock = db_session.scalar(select(Deadline).where(Deadline.request_id == req.id,
                                                     Deadline.kind == "ex_post_validation"))
    assert clock is not None and clock.due_at == NOW + timedelta(hours=48)
    after = " ".join(page_texts(render_request_pdf(db_session, req, rules, lang="en")[1])[:-1])
    assert "8 hours from receipt" not in after and "20 November 2026, 19:00 (UTC+02:00, Europe/Helsinki)" in after


def test_an_emergency_validated_beforehand_has_no_validation_clock(app, db_session, rules, world):
    req = issue(app, db_session, rules, world, issuer="police", urgency="emergency_validated_first",
                category="subscriber_data")
    services.transition(db_session, _ctx(app, rules, world["investigator"]), req, "mark_sent",
                        data={"channel": "portal"})
    db_session.commit()
    kinds = set(db_session.scalars(select(Deadline.kind).where(Deadline.request_id == req.id)))
    assert kinds == {"response"}


def test_a_draft_is_marked_on_every_page_and_signs_nothing_even_with_a_forged_signature_stored(
        app, db_session, rules, world):
    req = issue(app, db_session, rules, world, issuer="police", urgency="normal", category="subscriber_data",
                approve=False)
    assert req.state == "awaiting_approval"
    # what a past probe could store through the free-form details: it must never reach the document
    row = db_session.get(LegalRequest, req.id)
    row.details = {**row.details, "signature": {"name": "Forged Prosecutor", "authority": "prosecutor",
                                                "signed_at": "2026-11-19T10:00:00+00:00", "user_id": 1},
                   "facts_summary": {"a": {"b": {"c": {"d": {"e": "too deep"}}}}}}
    db_session.commit()
    pages = page_texts(render_request_pdf(db_session, row, rules, lang="en")[1])
    assert all("DRAFT — not valid for transmission" in page and "DRAFT" in page for page in pages)
    text = " ".join(pages)
    assert "Forged Prosecutor" not in text and "Ilona Investigator" not in text and "too deep" not in text
    part = sections(pages)
    assert "Not applicable" in part["J"] and not ticked(part["I"], ART_4_5)


@pytest.mark.parametrize("category", ("subscriber_data", "traffic_data"))
@pytest.mark.parametrize("urgency", ("emergency_validated_first", "emergency_without_prior_validation"))
def test_the_epoc_pr_names_issuer_and_validator_in_sections_f_and_g(app, db_session, rules, world, urgency,
                                                                     category):
    """Art. 4(5) covers every preservation order, whatever the data: police may preserve first and validate after."""
    ctx = _ctx(app, rules, world["investigator"])
    req = services.start_request(db_session, ctx, world["case"], identifiers=[{"type": "username", "value": "jd"}])
    services.save_draft(db_session, ctx, req, expected_version=req.version,
                        facts={"provider": "meta", "issuer": "police", "data_categories": [category],
                               "emergency": True},
                        details={"emergency_justification": "A child is at imminent risk.",
                                 "without_prior_validation": urgency == "emergency_without_prior_validation"})
    route = find_route(req.facts, rules, "eu-epoc-pr", today=NOW.date())
    services.save_draft(db_session, ctx, req, expected_version=req.version, route=route, details={
        "facts_summary": "Contact with a child.", "legal_provisions": "Criminal Code 20:8b",
        "necessity_proportionality": "Data may be deleted.", "follow_up_request": "European Production Order",
        "language": "en"})
    services.transition(db_session, ctx, req, "submit")
    if req.state == "awaiting_approval":
        services.transition(db_session, _ctx(app, rules, world["approvers"]["prosecutor"]), req, "approve")
    db_session.commit()
    pages = page_texts(render_request_pdf(db_session, req, rules, lang="en")[1])
    text = " ".join(pages[1:-1])
    f, g = text[text.index("SECTION F:"):text.index("SECTION G:")], text[text.index("SECTION G:"):]
    assert ticked(f, LABEL["police"]) and "Name of its representative Ilona Investigator" in f
    if urgency == "emergency_without_prior_validation":
        assert ticked(f, ART_4_5) and "at the latest within 48 hours" in g and "Pekka Prosecutor" not in g
    else:
        assert not ticked(f, ART_4_5)
        assert ticked(g, LABEL["prosecutor"]) and "Name of its representative Pekka Prosecutor" in g
    for page in pages[:-1]:
        assert not ISO.search(page) and "eu-epoc-pr" not in page


def test_a_prosecutor_without_an_office_on_record_is_named_by_kind_not_as_the_police_unit(
        app, db_session, rules, world, factory):
    lone = factory.user("approver", units=[world["police"]], authority="prosecutor", name="Paula Prosecutor")
    world["approvers"]["prosecutor"] = lone
    req = issue(app, db_session, rules, world, issuer="prosecutor", urgency="normal", category="subscriber_data")
    pages = page_texts(render_request_pdf(db_session, req, rules, lang="en")[1])
    part = sections(pages)
    assert "Name of authority public prosecutor" in part["I"] and "Name of its representative Paula Prosecutor" \
        in part["I"]
    section_a = " ".join(pages[1:-1]).split("SECTION A:")[1].split("SECTION B:")[0]
    assert "Issuing authority public prosecutor" in section_a and "Helsinki Police Department" not in section_a
