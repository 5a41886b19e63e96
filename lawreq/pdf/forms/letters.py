"""Letters outside the EU certificates: Budapest Art. 29 preservation via the 24/7 network, MLA letter of request,
the three US-provider letters and a domestic order drafted for a prosecutor or court to sign.

The Budapest request lists exactly the elements of Art. 29(2) (a–f), whose English wording was verified in
``forms.md`` §8; the MLA letter follows the layout of the T-CY Article 31 template (§9.2). US letters cite only the
18 U.S.C. § 2702 paragraphs verified in the legal brief (§7.1) and are offered in English only.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lawreq.pdf.blocks import Block, Field, FreeText, Intro, Notice, Section, Signature, Tick, Ticks, Title
from lawreq.pdf.document import get
from lawreq.pdf.forms.common import (
    authority_details,
    category_ticks,
    choice,
    deadline_rows,
    field,
    free,
    identifier_rows,
    offence_blocks,
    records_sought,
    requesting_authority,
    signature,
)
from lawreq.pdf.labels import Labels


def _head(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [
        field(L, "letter_date", get(data, "issuing_authority.signed_at")),
        field(L, "letter_reference", get(data, "reference")),
    ]


def _status(L: Labels, data: Mapping[str, Any], path: str) -> list[Block]:
    status = choice(data, f"{path}.status", ("new", "extension", "follow_up"), "new")
    return [
        Ticks(
            (
                Tick(L("status_new"), status == "new"),
                Tick(L("status_extension"), status == "extension"),
                Tick(L("status_follow_up"), status == "follow_up"),
            ),
            L("status_lead"),
        ),
        field(L, "status_previous", get(data, f"{path}.previous_reference")),
    ]


def build_budapest_29(data: Mapping[str, Any], L: Labels) -> list[Block]:
    intends_mla = get(data, "preservation_request.mla_intent", True) is not False
    return [
        Title(L("b29_title"), L("b29_subtitle")),
        *_head(L, data),
        *_status(L, data, "preservation_request"),
        Section(L("sec_requested")),
        field(L, "requested_authority", get(data, "preservation_request.requested_authority")),
        field(L, "requested_state", get(data, "preservation_request.requested_state")),
        Intro(L("b29_intro")),
        Section(L("b29_a")),
        *requesting_authority(L, data)[1:],
        Section(L("b29_b")),
        *offence_blocks(L, data),
        Section(L("b29_c")),
        *records_sought(L, data),
        free(L, "b29_relationship", get(data, "preservation_request.relationship_to_offence")),
        Section(L("b29_d")),
        field(L, "provider", get(data, "addressee.provider")),
        field(L, "addr_addressee", get(data, "addressee.entity")),
        field(L, "addr_country", get(data, "addressee.country")),
        free(L, "b29_custodian", get(data, "preservation_request.custodian")),
        Section(L("b29_e")),
        free(L, "necessity", get(data, "necessity_proportionality")),
        Section(L("b29_f")),
        Ticks((Tick(L("b29_mla_intent"), intends_mla),)),
        Section(L("sec_confidentiality")),
        free(L, "justification", get(data, "confidentiality_request")),
        Section(L("sec_signature")),
        signature(L, data, "issuing_authority"),
    ]


def build_mla_letter(data: Mapping[str, Any], L: Labels) -> list[Block]:
    return [
        Title(L("mla_title"), L("mla_subtitle")),
        *_head(L, data),
        *_status(L, data, "mla"),
        Section(L("sec_requested")),
        field(L, "requested_authority", get(data, "mla.requested_authority")),
        field(L, "requested_state", get(data, "mla.requested_state")),
        *requesting_authority(L, data),
        Section(L("mla_prosecution")),
        field(L, "mla_prosecutor", get(data, "mla.prosecution_office")),
        field(L, "mla_court", get(data, "mla.court")),
        Section(L("mla_previous_preservation")),
        field(L, "prev_reference", get(data, "previous_request.reference")),
        field(L, "prev_issued_by", get(data, "previous_request.authority")),
        field(L, "prev_issued_on", get(data, "previous_request.issued_at")),
        Section(L("mla_legal_basis")),
        field(L, "mla_legal_basis_value", get(data, "mla.legal_basis")),
        Section(L("mla_offence")),
        *offence_blocks(L, data),
        Section(L("mla_sought")),
        field(L, "provider", get(data, "addressee.provider")),
        identifier_rows(L, data),
        category_ticks(L, data),
        free(L, "mla_measures", get(data, "mla.measures")),
        free(L, "data_details", get(data, "data_details")),
        Section(L("mla_grounds")),
        free(L, "necessity", get(data, "necessity_proportionality")),
        Section(L("sec_confidentiality")),
        free(L, "justification", get(data, "confidentiality_request")),
        field(L, "mla_return_channel", get(data, "mla.return_channel")),
        deadline_rows(L, data),
        Section(L("sec_signature")),
        signature(L, data, "issuing_authority"),
    ]


def _us_head(L: Labels, data: Mapping[str, Any], title: str, subtitle: str) -> list[Block]:
    return [
        Title(L(title), L(subtitle)),
        field(L, "us_to", get(data, "addressee.entity") or get(data, "addressee.provider")),
        field(L, "addr_channel", get(data, "addressee.channel")),
        *_head(L, data),
        field(L, "us_from", get(data, "issuing_authority.name")),
    ]


def _us_close(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [
        Section(L("sec_confidentiality")),
        free(L, "justification", get(data, "confidentiality_request")),
        Section(L("us_contact")),
        *authority_details(L, data, "issuing_authority"),
        signature(L, data, "issuing_authority"),
    ]


def build_us_voluntary_disclosure(data: Mapping[str, Any], L: Labels) -> list[Block]:
    provider = str(get(data, "addressee.provider", ""))
    return [
        *_us_head(L, data, "usv_title", "usv_subtitle"),
        Intro(L("usv_intro", provider=provider)),
        Section(L("us_identifiers")),
        *records_sought(L, data, "us_records"),
        Section(L("us_investigation")),
        *offence_blocks(L, data),
        free(L, "necessity", get(data, "necessity_proportionality")),
        *_us_close(L, data),
    ]


def build_us_preservation(data: Mapping[str, Any], L: Labels) -> list[Block]:
    provider = str(get(data, "addressee.provider", ""))
    return [
        *_us_head(L, data, "usp_title", "usp_subtitle"),
        Intro(L("usp_intro", provider=provider)),
        Section(L("us_identifiers")),
        *records_sought(L, data, "usp_records"),
        Section(L("us_investigation")),
        field(L, "off_nature", get(data, "offence.label")),
        field(L, "off_provisions", get(data, "offence.legal_provisions")),
        free(L, "usp_process", get(data, "preservation.planned_process")),
        deadline_rows(L, data),
        *_us_close(L, data),
    ]


def build_us_emergency_disclosure(data: Mapping[str, Any], L: Labels) -> list[Block]:
    provider = str(get(data, "addressee.provider", ""))
    return [
        *_us_head(L, data, "use_title", "use_subtitle"),
        Intro(L("use_intro", provider=provider)),
        Section(L("use_emergency")),
        free(L, "use_threat", get(data, "emergency_facts.threat")),
        free(L, "use_persons", get(data, "emergency_facts.persons_at_risk")),
        free(L, "use_imminence", get(data, "emergency_facts.imminence")),
        free(L, "use_how_helps", get(data, "emergency_facts.how_data_helps")),
        Section(L("us_identifiers")),
        *records_sought(L, data, "us_records"),
        Section(L("us_investigation")),
        field(L, "off_nature", get(data, "offence.label")),
        field(L, "off_provisions", get(data, "offence.legal_provisions")),
        *_us_close(L, data),
    ]


def build_domestic_order_draft(data: Mapping[str, Any], L: Labels) -> list[Block]:
    return [
        Notice(L.text("dom_draft_banner")),
        Title(L("dom_title")),
        field(L, "dom_authority", get(data, "domestic.authority")),
        field(L, "letter_reference", get(data, "reference")),
        Section(L("dom_applicant")),
        *authority_details(L, data, "issuing_authority"),
        Section(L("dom_order")),
        FreeText(L("dom_order_text"), str(get(data, "domestic.order_text", "")) or L.text("dom_default_order")),
        field(L, "dom_legal_basis", get(data, "domestic.legal_basis")),
        field(L, "provider", get(data, "addressee.provider")),
        field(L, "addr_addressee", get(data, "addressee.entity")),
        *records_sought(L, data),
        Section(L("dom_reasons")),
        *offence_blocks(L, data),
        free(L, "necessity", get(data, "necessity_proportionality")),
        free(L, "justification", get(data, "confidentiality_request")),
        Section(L("dom_decision")),
        Signature((Field(L("sig_date"), ""), Field(L("sig_name"), ""), Field(L("auth_post"), "")),
                  L("sig_signature"), L("sig_stamp")),
    ]
