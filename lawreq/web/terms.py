"""The interface's words for the app's vocabulary ids (roles, states, data categories, route kinds …).

Pure modules (rules, workflow, deadlines) speak in ids and English; this table is the one place that turns an id
into words in the viewer's language. An id missing here is shown with its underscores replaced, and the
pseudo-locale test (tests/i18n) catches it on any page it appears on.
"""

from __future__ import annotations

from lawreq.i18n import lazy_gettext as _l

TERMS = {
    # roles and authorities
    "investigator": _l("investigator"), "approver": _l("approver"), "liaison_officer": _l("liaison officer"),
    "rules_maintainer": _l("rules maintainer"), "admin": _l("administrator"), "prosecutor": _l("prosecutor"),
    "investigating_judge": _l("investigating judge"), "judge": _l("judge"), "senior_officer": _l("senior officer"),
    "police": _l("police"), "other": _l("other"), "court": _l("court"),
    # data categories (Reg. (EU) 2023/1543 Art. 3(9)-(12))
    "subscriber_data": _l("subscriber data"), "identification_data": _l("data requested for the sole purpose of identifying the user"),
    "traffic_data": _l("traffic data"), "content_data": _l("content data"),
    # route kinds
    "production_order": _l("production order"), "preservation_order": _l("preservation order"),
    "preservation_request": _l("preservation request"), "mla_request": _l("mutual legal assistance request"),
    "voluntary_request": _l("voluntary disclosure request"), "emergency_request": _l("emergency disclosure request"),
    "domestic_order": _l("domestic order"),
    # deadline kinds
    "response": _l("response"), "preservation_expiry": _l("end of preservation"),
    "preservation_extension": _l("extension of preservation"), "review_window": _l("review window"),
    "ex_post_validation": _l("ex-post validation"), "recognition": _l("recognition"),
    "provisional_measures": _l("provisional measures"), "execution": _l("execution"),
    "acknowledgement": _l("acknowledgement"),
    # channels
    "eevidence_system": _l("the decentralised IT system (e-Evidence)"), "provider_portal": _l("the provider's law-enforcement portal"),
    "network_24_7": _l("24/7 network point of contact"), "central_authority": _l("central authority"),
    # forms
    "epoc": _l("EPOC"), "epoc_pr": _l("EPOC-PR"), "eio_annex_a": _l("EIO (Annex A)"), "budapest_29": _l("Budapest Art. 29 request"),
    "mla_letter": _l("letter of request (MLA)"), "us_preservation": _l("US preservation letter"),
    "us_voluntary_disclosure": _l("US voluntary disclosure request"), "us_emergency_disclosure": _l("US emergency disclosure request"),
    "cover_sheet": _l("cover sheet"), "domestic_order_draft": _l("draft domestic order"),
    # rules browser
    "detailed": _l("detailed"), "generic": _l("generic"), "telecom": _l("telecom"), "hosting": _l("hosting"),
    "online_service": _l("online service"), "headquarters": _l("headquarters"), "establishment": _l("establishment"),
    "designated_establishment": _l("designated establishment"), "legal_representative": _l("legal representative"),
    "eu": _l("European Union"), "eu_eevidence": _l("e-Evidence Regulation (EU) 2023/1543"),
    "eio": _l("European Investigation Order (Directive 2014/41/EU)"), "budapest": _l("Budapest Convention (ETS 185)"),
    "budapest_sap": _l("Second Additional Protocol (CETS 224)"), "us_cloud_agreement": _l("CLOUD Act agreement with the US"),
    "coe_mla": _l("European Convention on Mutual Assistance in Criminal Matters (ETS 30)"),
    "coe_mla_p1": _l("Additional Protocol to the 1959 MLA Convention (ETS 99)"),
    "coe_mla_p2": _l("Second Additional Protocol to the 1959 MLA Convention (ETS 182)"),
    "eu_mla_2000": _l("EU Convention on Mutual Assistance in Criminal Matters (2000)"),
    "eu_mla_2001": _l("Protocol to the 2000 EU MLA Convention (2001)"),
    "eu_us_mla": _l("EU–US Agreement on Mutual Legal Assistance"), "un_cybercrime": _l("UN Convention against Cybercrime"),
    "diplomatic_channel": _l("diplomatic channel"), "judicial_authority": _l("judicial authority"),
    # kinds of rule files (facts by confidence)
    "country": _l("countries"), "instrument": _l("instruments"), "offences": _l("offences"), "provider": _l("providers"),
    "phone": _l("phone number"), "email": _l("e-mail address"), "numeric_id": _l("numeric id"), "url": _l("URL"),
    "ip": _l("IP address"), "username": _l("username"),
    # confidence
    "verified": _l("verified"), "secondary": _l("secondary"), "unverified": _l("unverified"),
    # form wording
    "reconstructed": _l("reconstructed wording"), "partly_official": _l("partly official wording"), "official": _l("official wording"), "template": _l("template wording"),
    # offences
    "child_sexual_abuse": _l("child sexual abuse"), "child_sexual_exploitation": _l("child sexual exploitation"),
    "child_sexual_abuse_material": _l("child sexual abuse material"), "solicitation_of_children": _l("solicitation of children"),
    "sextortion": _l("sextortion"), "attack_on_information_systems": _l("attack on information systems"),
    "non_cash_payment_fraud": _l("non-cash payment fraud"), "terrorism": _l("terrorism"), "fraud": _l("fraud"),
    # compare-page aspects
    "name": _l("name"), "detail_level": _l("detail level"), "timezone": _l("time zone"),
    "holidays": _l("holiday calendar"), "official_languages": _l("official languages"),
    "request_languages": _l("languages accepted for incoming requests"),
    "eevidence_languages": _l("languages accepted for EPOC / EPOC-PR"), "membership": _l("membership"),
    "contact": _l("contact"), "domestic": _l("domestic procedure"), "retention": _l("retention"),
    "period": _l("period"), "note": _l("note"),
    # history events that are not actions
    "created": _l("created"), "edited": _l("edited"), "updated": _l("updated"), "document_generated": _l("document generated"),
}

#: Workflow actions (lawreq.workflow.states.ACTIONS), by name.
ACTION_LABELS = {
    "submit_for_approval": _l("Submit for approval"), "submit": _l("Submit (no approval needed)"),
    "approve": _l("Approve and sign"), "return": _l("Return with comments"), "reject": _l("Reject"),
    "mark_sent": _l("Mark sent"), "acknowledge": _l("Acknowledged by addressee"),
    "partially_fulfil": _l("Partially fulfilled"), "fulfil": _l("Fulfilled"), "refuse": _l("Refused by addressee"),
    "withdraw": _l("Withdraw"), "lapse": _l("Lapsed"), "follow_up": _l("Log a follow-up"),
    "record_recognition": _l("Recognised by the executing authority"),
}

STATE_LABELS = {
    "draft": _l("Draft"), "awaiting_approval": _l("Awaiting approval"), "returned": _l("Returned"),
    "approved": _l("Approved"), "sent": _l("Sent"), "acknowledged": _l("Acknowledged"),
    "partially_fulfilled": _l("Partially fulfilled"), "fulfilled": _l("Fulfilled"), "refused": _l("Refused"),
    "withdrawn": _l("Withdrawn"), "lapsed": _l("Lapsed"),
}

REFUSAL_REASONS = {
    "wrong_entity": _l("Addressed to the wrong legal entity"),
    "identifier_mismatch": _l("Identifiers do not match the provider's formats / no such account"),
    "time_range": _l("Time range too broad or outside retention"),
    "no_data": _l("No data held (retention expired or never collected)"),
    "legal_basis": _l("Missing or insufficient legal basis"),
    "category_not_allowed": _l("Data category not available on this route"),
    "translation": _l("Missing translation / wrong language"), "form_defect": _l("Form incomplete or unsigned"),
    "conflict_of_laws": _l("Conflicting obligation under third-country law"), "other": _l("Other (see note)"),
}

CONFIDENCE_HELP = {
    "verified": _l("Checked against the instrument itself"),
    "secondary": _l("Checked against a reputable secondary source"),
    "unverified": _l("Not verified: check before relying on it"),
}


def term(value: object) -> str:
    """Words for a vocabulary id; an unknown id comes back with its underscores as spaces."""
    if value is None or value == "":
        return ""
    text = str(value)
    found = TERMS.get(text) or ACTION_LABELS.get(text) or STATE_LABELS.get(text)
    return str(found) if found is not None else text.replace("_", " ")
