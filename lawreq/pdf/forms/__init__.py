"""The form registry: the fixed form ids the rules name, with what each needs and how it is built."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from lawreq.pdf.blocks import Block
from lawreq.pdf.forms import eu, letters
from lawreq.pdf.labels import Labels
from lawreq.core.text import N_

Builder = Callable[[Mapping[str, Any], Labels], list[Block]]

_ISSUER = ("issuing_authority.name", "issuing_authority.country")
_SIGNED = (*_ISSUER, "issuing_authority.signatory")
_CASE = ("offence.label", "offence.legal_provisions", "facts_summary")
_DATA = ("identifiers", "data_categories")


#: How far a form's printed wording is the official text (forms.md's [V]/[UNVERIFIED] tags, per form).
WORDING = {
    "partly_official": N_("title, introduction and first sections follow the official text; the rest is reconstructed"),
    "reconstructed": N_("structure from the legal act; wording reconstructed, to be checked against the Official Journal"),
    "template": N_("lawreq's own letter or draft: no official form exists; the content follows the cited provision"),
}

_EU_PARTLY = N_("Title, introduction and Sections A–B checked against the official text (EN/DE); C onwards "
                "reconstructed (section structure corroborated; see lawreq/pdf/VERIFICATION.md).")


@dataclass(frozen=True)
class FormDef:
    id: str
    title_key: str
    instrument: str
    required_fields: tuple[str, ...]
    build: Builder | None
    wording: str = "template"
    wording_note: str = ""


FORMS: dict[str, FormDef] = {
    f.id: f
    for f in (
        FormDef("epoc", "epoc_title", "Regulation (EU) 2023/1543, Annex I",
                ("reference", *_SIGNED, "addressee.provider", *_DATA, *_CASE, "necessity_proportionality"),
                eu.build_epoc, "partly_official", _EU_PARTLY),
        FormDef("epoc_pr", "epoc_pr_title", "Regulation (EU) 2023/1543, Annex II",
                ("reference", *_SIGNED, "addressee.provider", *_DATA, *_CASE, "necessity_proportionality"),
                eu.build_epoc_pr, "partly_official", _EU_PARTLY),
        FormDef("annex_iii", "annex_iii_title", "Regulation (EU) 2023/1543, Annex III",
                ("reference", "impossibility.certificate", "impossibility.reasons", "issuing_authority.name",
                 "addressee.provider", "impossibility.contact.name"),
                eu.build_annex_iii, "partly_official",
                "Title, introduction, Section A and the first reasons checked against the German text; rest "
                "reconstructed (the letters of Sections B–D are not confirmed)."),
        FormDef("annex_v", "annex_v_title", "Regulation (EU) 2023/1543, Annex V",
                ("reference", *_SIGNED, "addressee.provider", "preservation.reference", "preservation.issued_at",
                 "preservation.subsequent_request.type"),
                eu.build_annex_v, "reconstructed", "Its purpose is verified (Art. 11(1)); its layout was not seen."),
        FormDef("annex_vi", "annex_vi_title", "Regulation (EU) 2023/1543, Annex VI",
                ("reference", *_SIGNED, "addressee.provider", "preservation.reference", "preservation.issued_at"),
                eu.build_annex_vi, "reconstructed", "Its purpose is verified (Art. 11(1)); its layout was not seen."),
        FormDef("budapest_29", "b29_title", "Convention on Cybercrime (ETS 185), Art. 29",
                ("reference", *_ISSUER, "preservation_request.requested_authority", "addressee.provider", *_DATA,
                 "offence.label", "facts_summary", "necessity_proportionality"),
                letters.build_budapest_29, "template",
                "Carries every element of Art. 29(2) (verified treaty text); layout after the T-CY template."),
        FormDef("mla_letter", "mla_title", "Convention on Cybercrime (ETS 185), Art. 31 / bilateral MLA treaty",
                ("reference", *_SIGNED, "mla.requested_authority", "mla.requested_state", "mla.legal_basis",
                 *_DATA, *_CASE),
                letters.build_mla_letter, "template",
                "Items 1–11 follow the T-CY Art. 31 subscriber-information template; the rest is lawreq's."),
        FormDef("eio_annex_a", "eio_title", "Directive 2014/41/EU, Annex A",
                ("reference", *_SIGNED, "eio.executing_state", *_DATA, *_CASE),
                eu.build_eio_annex_a, "reconstructed",
                "Sections A–B follow a published German text that predates the Official Journal; rest reconstructed."),
        FormDef("us_voluntary_disclosure", "usv_title", "18 U.S.C. § 2702(c)(6)",
                ("reference", *_SIGNED, "issuing_authority.email", "addressee.provider", *_DATA, "offence.label",
                 "facts_summary"),
                letters.build_us_voluntary_disclosure),
        FormDef("us_preservation", "usp_title", "Provider preservation request (pending MLA)",
                ("reference", *_SIGNED, "issuing_authority.email", "addressee.provider", *_DATA),
                letters.build_us_preservation),
        FormDef("us_emergency_disclosure", "use_title", "18 U.S.C. § 2702(b)(8), (c)(4)",
                ("reference", *_SIGNED, "issuing_authority.email", "issuing_authority.phone", "addressee.provider",
                 *_DATA, "emergency_facts.threat", "emergency_facts.persons_at_risk", "emergency_facts.imminence",
                 "emergency_facts.how_data_helps"),
                letters.build_us_emergency_disclosure),
        FormDef("domestic_order_draft", "dom_title", "National procedure (order to be signed by a prosecutor/court)",
                ("reference", "issuing_authority.name", "domestic.authority", "domestic.legal_basis",
                 "addressee.provider", *_DATA, "offence.label", "facts_summary"),
                letters.build_domestic_order_draft),
        FormDef("cover_sheet", "cover_title", "lawreq cover sheet", ("reference", "form"), None),
    )
}
