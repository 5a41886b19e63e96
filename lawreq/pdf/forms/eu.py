"""The certificates of Regulation (EU) 2023/1543 (Annexes I, II, III, V, VI) and EIO Annex A (Directive 2014/41/EU).

Section order and letters follow ``/work/shared/domain/forms.md``. Only the titles, introductions and Sections A–B of
Annexes I–III were verified against the official text; the later sections are reconstructed from the Regulation's
articles, and the English catalogue prints a notice saying so (key ``notice_reconstructed``). What is verified against
which source, part by part, is in ``lawreq/pdf/VERIFICATION.md``.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lawreq.pdf.blocks import Block, Field, Intro, Notice, Section, Tick, Ticks, Title
from lawreq.pdf.document import get, strings
from lawreq.pdf.errors import InvalidFieldError
from lawreq.pdf.forms.common import (
    addressee_fields,
    authority_details,
    authority_name,
    authority_type,
    category_ticks,
    choice,
    contact_authority,
    data_category_blocks,
    pick,
    deadline_rows,
    field,
    free,
    identifier_rows,
    identifier_ticks,
    offence_blocks,
    signature,
    value,
    when,
)
from lawreq.pdf.labels import Labels

# lawreq's own codes for the Annex III tick-boxes; the official form has tick-boxes only (forms.md §3, Section D).
IMPOSSIBILITY_REASONS = (
    "INCOMPLETE",
    "MANIFEST_ERRORS",
    "INSUFFICIENT_INFO",
    "DATA_NOT_STORED",
    "DE_FACTO_IMPOSSIBILITY",
    "NOT_ISSUED_VALIDATED_ART4",
    "OFFENCE_NOT_ART5_4",
    "SERVICE_NOT_COVERED",
    "IMMUNITY_PRIVILEGE_PRESS",
    "THIRD_COUNTRY_CONFLICT",
)
ROLES = ("designated_establishment", "legal_representative", "emergency_fallback")
# Art. 5(4)(b): the lists that let traffic or content data be ordered below the 3-year threshold, when the offence
# was wholly or partly committed by means of an information system; (c) adds terrorist offences (unverified limb).
ONLINE_LISTS = ("dir_2019_713", "dir_2011_93", "dir_2013_40")
TERRORISM_LIST = "dir_2017_541"
SUBSEQUENT_TYPES = ("epo", "eio", "mla", "other")
TRANSFER_TO = ("issuing", "validating", "other")
URGENCY = ("deletion", "trial", "other")


def _authorities_a(L: Labels, data: Mapping[str, Any], nb_key: str) -> list[Block]:
    return [
        Section(L("sec_a_authority")),
        field(L, "issuing_state", get(data, "issuing_authority.country")),
        field(L, "issuing_authority", authority_name(L, data, "issuing_authority")),
        field(L, "validating_authority", _validator_name(L, data)),
        Intro(L(nb_key)),
        field(L, "file_issuing", get(data, "issuing_authority.file_number")),
        field(L, "file_validating", get(data, "validating_authority.file_number")),
    ]


def _addressee_b(L: Labels, data: Mapping[str, Any], emergency_key: str) -> list[Block]:
    role = choice(data, "addressee.role", ROLES, "designated_establishment")
    return [
        Section(L("sec_b_addressee")),
        field(L, "addr_addressee", get(data, "addressee.entity") or get(data, "addressee.provider")),
        Ticks(
            (
                Tick(L("addr_designated"), role == "designated_establishment"),
                Tick(L("addr_legal_rep"), role == "legal_representative"),
                Tick(L(emergency_key), role == "emergency_fallback"),
            )
        ),
        *addressee_fields(L, data),
    ]


def _validator_name(L: Labels, data: Mapping[str, Any]) -> str:
    """The validating authority as the approval record names it (its office, else its kind)."""
    return authority_name(L, data, "validating_authority") if get(data, "validating_authority") else ""


def without_prior_validation(data: Mapping[str, Any]) -> bool:
    """Art. 4(5): ticked only when the approval record says the order was issued without prior validation."""
    return get(data, "without_prior_validation") is True


def _issuing_details(L: Labels, data: Mapping[str, Any], section_key: str) -> list[Block]:
    return [
        Section(L(section_key)),
        authority_type(L, data, "issuing_authority"),
        Ticks((Tick(L("emergency_no_validation"), without_prior_validation(data)),)),
        *authority_details(L, data, "issuing_authority"),
        *contact_authority(L, data),
        signature(L, data, "issuing_authority"),
    ]


def _validating_details(L: Labels, data: Mapping[str, Any], section_key: str) -> list[Block]:
    """Section J (EPOC) / G (EPOC-PR): the authority that validated, from the approval record. An order issued
    without prior validation says by when its validation is due; one that needs none says "not applicable"."""
    blocks: list[Block] = [Section(L(section_key))]
    if not get(data, "validating_authority"):
        if without_prior_validation(data):
            return [*blocks, Field(L("validation_pending"), when(L, data, get(data, "ex_post_validation_due")))]
        return [*blocks, Field(L("not_applicable"), "")]
    return [
        *blocks,
        authority_type(L, data, "validating_authority", validating=True),
        *authority_details(L, data, "validating_authority"),
        signature(L, data, "validating_authority"),
    ]


def _notification(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """Section K (Art. 8): notified, not needed because only subscriber/identification data are sought (8(1)), or
    the 8(2) exception — each derived from the facts the wizard asked for, with where the person resides."""
    basis = choice(data, "notification.basis", ("notified", "category", "exception"))
    if basis is None:
        basis = "notified" if get(data, "notification.required") else "category"
    resides = get(data, "notification.target_resides_in")
    return [
        Ticks((Tick(L("notif_notified"), basis == "notified"),
               Tick(L("notif_not_required"), basis == "category"),
               Tick(L("notif_not_notified"), basis == "exception"))),
        Field(L("notif_residence"), value(resides) if resides else L.text("residence_unknown")),
        field(L, "enforcing_state", get(data, "notification.enforcing_state")),
        field(L, "enforcing_authority", get(data, "notification.enforcing_authority")),
    ]


def _conditions(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    sentence = get(data, "proceedings") == "sentence_execution"
    return [
        Ticks(
            (Tick(L("proc_criminal"), not sentence), Tick(L("proc_sentence"), sentence)),
            L("proc_lead"),
        ),
        *offence_blocks(L, data),
        free(L, "necessity", get(data, "necessity_proportionality")),
    ]


def _threshold(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """EPOC G(c): why traffic or content data may be ordered for this offence (Art. 5(4)); ticked from the
    offence's maximum penalty, the Art. 5(4) lists it belongs to and whether it was committed online."""
    serious = bool({"traffic_data", "content_data"} & set(strings(data, "data_categories")))
    penalty = get(data, "offence.max_penalty_years")
    lists = set(strings(data, "offence.lists"))
    online = get(data, "offence.committed_online") is True
    listed = [name for name in ONLINE_LISTS if name in lists]
    return [
        Ticks(
            (
                Tick(L("threshold_3_years"), serious and isinstance(penalty, (int, float)) and penalty >= 3),
                Tick(L("threshold_listed_online"), serious and online and bool(listed)),
            ),
            L("threshold_lead"),
        ),
        Ticks(tuple(Tick(L(f"threshold_{name}"), serious and online and name in listed) for name in ONLINE_LISTS),
              level=1),
        Ticks(
            (
                Tick(L("threshold_terrorism"), serious and TERRORISM_LIST in lists),
                Tick(L("threshold_not_needed"), not serious),
            )
        ),
    ]


def _controller(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """EPOC G(d) (Art. 5(6)): an order normally goes to the controller; to a processor only for stated reasons."""
    addressed = choice(data, "controller.addressed_to", ("controller", "processor"))
    reason = choice(data, "controller.reason", ("unidentifiable", "detrimental"))
    informs = get(data, "controller.processor_informs")
    processor = addressed == "processor"
    return [
        Ticks(
            (
                Tick(L("ctrl_controller"), addressed == "controller"),
                Tick(L("ctrl_processor"), processor),
            ),
            L("ctrl_lead"),
        ),
        Ticks(
            (
                Tick(L("ctrl_unidentifiable"), processor and reason == "unidentifiable"),
                Tick(L("ctrl_detrimental"), processor and reason == "detrimental"),
                Tick(L("ctrl_informs"), processor and informs is True),
                Tick(L("ctrl_not_informs"), processor and informs is False),
            ),
            level=1,
        ),
    ]


def _previous(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    kind = get(data, "previous_request.type")
    return [
        Ticks(
            (
                Tick(L("prev_preserved"), kind == "preservation"),
                Tick(L("prev_production"), kind == "production"),
            )
        ),
        field(L, "prev_issued_by", get(data, "previous_request.authority")),
        field(L, "prev_reference", get(data, "previous_request.reference")),
        field(L, "prev_issued_on", when(L, data, get(data, "previous_request.issued_at"))),
        field(L, "prev_transmitted_on", when(L, data, get(data, "previous_request.transmitted_at"))),
        field(L, "prev_addressee_file", get(data, "previous_request.addressee_file_number")),
    ]


def _data_sought(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [identifier_ticks(L, data), identifier_rows(L, data)]


def build_epoc(data: Mapping[str, Any], L: Labels) -> list[Block]:
    emergency = bool(get(data, "emergency"))
    notified = bool(get(data, "notification.required"))
    delay = not is_blank_text(get(data, "confidentiality_request"))
    transfer = choice(data, "transfer.to", TRANSFER_TO, "issuing")
    return [
        Title(L("epoc_title")),
        Intro(L("epoc_intro")),
        *_authorities_a(L, data, "nb_epoc"),
        *_addressee_b(L, data, "addr_emergency_epoc"),
        Section(L("sec_c_deadlines")),
        Ticks(
            (
                Tick(L("dl_10_days"), not emergency and not notified),
                Tick(L("dl_notification"), not emergency and notified),
                Tick(L("dl_8_hours"), emergency),
            ),
            L("dl_lead"),
        ),
        deadline_rows(L, data),
        free(L, "emergency_justification", get(data, "emergency_justification")),
        Section(L("sec_d_previous")),
        *_previous(L, data),
        Section(L("sec_e_identification")),
        *_data_sought(L, data),
        Section(L("sec_f_evidence")),
        *data_category_blocks(L, data),
        free(L, "data_details", get(data, "data_details")),
        Section(L("sec_g_conditions")),
        *_conditions(L, data),
        *_threshold(L, data),
        *_controller(L, data),
        free(L, "other_information", get(data, "other_information")),
        Section(L("sec_h_user_info")),
        Ticks((Tick(L("user_info_inform"), not delay), Tick(L("user_info_delay"), delay))),
        free(L, "justification", get(data, "confidentiality_request")),
        *_issuing_details(L, data, "sec_i_issuing"),
        *_validating_details(L, data, "sec_j_validating"),
        Section(L("sec_k_enforcing")),
        *_notification(L, data),
        field(L, "annex_iv_category", get(data, "offence.annex_iv_category")),
        free(L, "notif_additional", get(data, "notification.additional_information")),
        Section(L("sec_l_transfer")),
        pick(L, transfer, [(code, f"transfer_{code}") for code in TRANSFER_TO], "transfer_lead"),
        field(L, "transfer_details", get(data, "transfer.details")),
        Notice(L.text("notice_reconstructed")),
    ]


def is_blank_text(raw: Any) -> bool:
    return not value(raw).strip()


def build_epoc_pr(data: Mapping[str, Any], L: Labels) -> list[Block]:
    return [
        Title(L("epoc_pr_title")),
        Intro(L("epoc_pr_intro")),
        *_authorities_a(L, data, "nb_epoc_pr"),
        *_addressee_b(L, data, "addr_emergency_epoc_pr"),
        Section(L("sec_c_preserve")),
        *_data_sought(L, data),
        *data_category_blocks(L, data),
        free(L, "data_details", get(data, "data_details")),
        Section(L("sec_d_conditions")),
        *_conditions(L, data),
        *_controller(L, data),
        Section(L("sec_e_other")),
        *_previous(L, data),
        field(L, "pres_subsequent_planned", _subsequent_label(L, data)),
        free(L, "other_information", get(data, "other_information")),
        *_issuing_details(L, data, "sec_f_issuing"),
        *_validating_details(L, data, "sec_g_validating"),
        Notice(L.text("notice_reconstructed")),
    ]


def _subsequent_label(L: Labels, data: Mapping[str, Any]) -> str:
    kind = choice(data, "preservation.subsequent_request.type", SUBSEQUENT_TYPES)
    return L(f"subsequent_{kind}").text if kind else ""


def build_annex_iii(data: Mapping[str, Any], L: Labels) -> list[Block]:
    certificate = choice(data, "impossibility.certificate", ("epoc", "epoc_pr"))
    reasons = strings(data, "impossibility.reasons")
    unknown = [reason for reason in reasons if reason not in IMPOSSIBILITY_REASONS]
    if unknown:
        raise InvalidFieldError(
            "impossibility.reasons", f"unknown code(s) {', '.join(unknown)}; allowed: {', '.join(IMPOSSIBILITY_REASONS)}"
        )
    preserved = get(data, "impossibility.preserved")
    interest = choice(data, "impossibility.third_country.interest", ("fundamental_rights", "security", "other"))
    return [
        Title(L("annex_iii_title")),
        Intro(L("annex_iii_intro")),
        Section(L("sec_iii_a")),
        pick(L, certificate, [("epoc", "iii_epoc"), ("epoc_pr", "iii_epoc_pr")], "iii_concerns"),
        Section(L("sec_iii_b")),
        field(L, "issuing_authority", get(data, "issuing_authority.name")),
        field(L, "file_issuing", get(data, "issuing_authority.file_number")),
        field(L, "validating_authority", get(data, "validating_authority.name")),
        field(L, "file_validating", get(data, "validating_authority.file_number")),
        field(L, "iii_issued_on", get(data, "impossibility.issued_at")),
        field(L, "iii_received_on", get(data, "impossibility.received_at")),
        field(L, "enforcing_authority", get(data, "notification.enforcing_authority")),
        Section(L("sec_iii_c")),
        field(L, "addr_addressee", get(data, "addressee.entity") or get(data, "addressee.provider")),
        field(L, "addr_file", get(data, "addressee.file_number")),
        Section(L("sec_iii_d")),
        Ticks(tuple(Tick(L(f"reason_{r.lower()}"), r in reasons) for r in IMPOSSIBILITY_REASONS), L("iii_reasons_lead")),
        free(L, "iii_explanation", get(data, "impossibility.explanation")),
        Section(L("sec_iii_e")),
        field(L, "tc_law", get(data, "impossibility.third_country.law")),
        field(L, "tc_provisions", get(data, "impossibility.third_country.provisions")),
        pick(L, interest, [("fundamental_rights", "tc_rights"), ("security", "tc_security"), ("other", "tc_other")],
             "tc_interest"),
        field(L, "tc_why_applies", get(data, "impossibility.third_country.why_applies")),
        field(L, "tc_why_conflict", get(data, "impossibility.third_country.why_conflict")),
        field(L, "tc_link", get(data, "impossibility.third_country.link")),
        field(L, "tc_consequences", get(data, "impossibility.third_country.consequences")),
        Section(L("sec_iii_f")),
        free(L, "iii_further_info", get(data, "impossibility.further_information")),
        Section(L("sec_iii_g")),
        Ticks((Tick(L("iii_preserved"), preserved is True), Tick(L("iii_not_preserved"), preserved is False))),
        free(L, "iii_preservation_explanation", get(data, "impossibility.preservation_explanation")),
        Section(L("sec_iii_h")),
        field(L, "iii_establishment", get(data, "addressee.entity") or get(data, "addressee.provider")),
        field(L, "addr_contact_person", get(data, "impossibility.contact.name")),
        field(L, "auth_post", get(data, "impossibility.contact.post_held")),
        field(L, "auth_address", get(data, "impossibility.contact.address")),
        field(L, "auth_phone", get(data, "impossibility.contact.phone")),
        field(L, "auth_email", get(data, "impossibility.contact.email")),
        field(L, "sig_date", get(data, "impossibility.contact.signed_at")),
        Field(L("sig_signature"), ""),
        Notice(L.text("notice_reconstructed")),
    ]


def _epoc_pr_reference(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [
        field(L, "issuing_authority", get(data, "issuing_authority.name")),
        field(L, "pres_reference", get(data, "preservation.reference")),
        field(L, "pres_issued_on", when(L, data, get(data, "preservation.issued_at"))),
        field(L, "pres_transmitted_on", when(L, data, get(data, "preservation.transmitted_at"))),
        field(L, "addr_file", get(data, "preservation.addressee_file_number")),
        field(L, "pres_expires", when(L, data, get(data, "preservation.expires_at"))),
    ]


def _addressee_a(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [
        Section(L("sec_v_a")),
        field(L, "addr_addressee", get(data, "addressee.entity") or get(data, "addressee.provider")),
        *addressee_fields(L, data),
    ]


def _issuing_c(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [Section(L("sec_v_c")), *authority_details(L, data, "issuing_authority"), signature(L, data, "issuing_authority")]


def build_annex_v(data: Mapping[str, Any], L: Labels) -> list[Block]:
    kind = choice(data, "preservation.subsequent_request.type", SUBSEQUENT_TYPES)
    return [
        Title(L("annex_v_title")),
        Intro(L("annex_v_intro")),
        *_addressee_a(L, data),
        Section(L("sec_v_b")),
        *_epoc_pr_reference(L, data),
        pick(L, kind, [(k, f"subsequent_{k}") for k in SUBSEQUENT_TYPES], "subsequent_lead"),
        field(L, "subsequent_authority", get(data, "preservation.subsequent_request.authority")),
        field(L, "prev_reference", get(data, "preservation.subsequent_request.reference")),
        field(L, "prev_issued_on", get(data, "preservation.subsequent_request.issued_at")),
        *_issuing_c(L, data),
        Notice(L.text("notice_reconstructed")),
    ]


def build_annex_vi(data: Mapping[str, Any], L: Labels) -> list[Block]:
    return [
        Title(L("annex_vi_title")),
        Intro(L("annex_vi_intro")),
        *_addressee_a(L, data),
        Section(L("sec_vi_b")),
        *_epoc_pr_reference(L, data),
        Ticks((Tick(L("vi_extended"), True),)),
        *_issuing_c(L, data),
        Notice(L.text("notice_reconstructed")),
    ]


def _earlier_eio(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """EIO Section D: whether this EIO supplements an earlier one (or follows a preservation), and which."""
    earlier = get(data, "eio.earlier")
    if earlier is not None and not isinstance(earlier, Mapping):
        raise InvalidFieldError("eio.earlier", "expected an object {authority, reference, issued_at, state}")
    return [
        Ticks((Tick(L("eio_earlier"), bool(earlier)),)),
        field(L, "eio_earlier_authority", get(data, "eio.earlier.authority")),
        field(L, "eio_earlier_reference", get(data, "eio.earlier.reference")),
        field(L, "eio_earlier_date", get(data, "eio.earlier.issued_at")),
        field(L, "eio_earlier_state", get(data, "eio.earlier.state")),
    ]


def _remedies(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """EIO Section J: a remedy already sought against the EIO, and who explains the remedies in the issuing State."""
    sought = get(data, "eio.remedies.sought") is True
    return [
        Ticks((Tick(L("eio_remedy_sought"), sought),)),
        free(L, "eio_remedy_details", get(data, "eio.remedies.details")),
        field(L, "eio_remedy_authority", get(data, "eio.remedies.authority") or get(data, "issuing_authority.name")),
    ]


def build_eio_annex_a(data: Mapping[str, Any], L: Labels) -> list[Block]:
    urgency = choice(data, "eio.urgency", URGENCY)
    return [
        Title(L("eio_title")),
        Intro(L("eio_intro")),
        Section(L("sec_eio_a")),
        field(L, "issuing_state", get(data, "issuing_authority.country")),
        field(L, "executing_state", get(data, "eio.executing_state")),
        Section(L("sec_eio_b")),
        pick(L, urgency, [(code, f"eio_urgent_{code}") for code in URGENCY], "eio_urgency_lead"),
        free(L, "eio_urgency_details", get(data, "eio.urgency_details") or get(data, "emergency_justification")),
        deadline_rows(L, data),
        Section(L("sec_eio_c")),
        Ticks((Tick(L("eio_measure_subscriber"), True),), L("eio_measures_lead")),
        free(L, "eio_measures", get(data, "eio.measures")),
        Section(L("sec_eio_d")),
        *_earlier_eio(L, data),
        Section(L("sec_eio_e")),
        identifier_rows(L, data),
        category_ticks(L, data),
        Section(L("sec_eio_f")),
        Ticks((Tick(L("eio_proc_criminal"), True),)),
        Section(L("sec_eio_g")),
        *offence_blocks(L, data),
        free(L, "necessity", get(data, "necessity_proportionality")),
        Section(L("sec_eio_h")),
        Field(L("eio_h_measures"), L.text("eio_h_not_applicable")),
        Section(L("sec_eio_i")),
        free(L, "justification", get(data, "confidentiality_request")),
        Section(L("sec_eio_j")),
        *_remedies(L, data),
        Section(L("sec_eio_k")),
        authority_type(L, data, "issuing_authority"),
        *authority_details(L, data, "issuing_authority"),
        signature(L, data, "issuing_authority"),
        *_validating_details(L, data, "sec_eio_l"),
        Notice(L.text("notice_eio_reconstructed")),
    ]

