"""The input of every form: one plain JSON-able mapping, the seam between a stored request and a PDF.

The web layer builds this mapping from a request; the CLI reads it from a JSON file (see ``examples/<form>.json``).
All keys are optional unless the form lists them in ``FormSpec.required_fields`` (dotted paths); missing mandatory
keys raise :class:`~lawreq.pdf.errors.MissingFieldsError` naming all of them (a draft needs no signatory). Dates are
ISO 8601 strings; they print in the form language's style and in ``timezone`` (``lawreq.pdf.dates``).

Common keys::

    reference               str   the request's own reference (cover sheet, header, footer, metadata)
    draft                   bool  made before approval: "DRAFT — not valid for transmission" and a watermark on
                                  every page, and no signature-block values whatever the input says
    timezone                str   IANA zone the dates print in (the issuing authority's), default UTC
    without_prior_validation bool issued in an emergency without prior validation (Art. 4(5) box, EPOC I / EPOC-PR F)
    ex_post_validation_due  str   when that validation is due (printed in EPOC J / EPOC-PR G)
    rules_version           str   content hash of the rule set the route came from
    language                str   ISO 639-1 language of the free-text fields (e.g. "fi"); free text is flagged
                                  "translation needed" when it differs from the label language
    route                   {id, title, instrument, kind}
    issuing_authority       {name, unit, country, authority_type, address, email, phone, signatory, post_held,
                             file_number, languages, signed_at}
                            authority_type: judge | investigating_judge | prosecutor | police | central_authority | other
    validating_authority    same keys as issuing_authority (optional)
    addressee               {provider, entity, country, channel, address, email, contact_person, file_number, role}
                            role: designated_establishment (default) | legal_representative | emergency_fallback
    emergency               bool
    emergency_justification str
    deadlines               [{kind, due_at, period, trigger, explanation}]  due_at once the clock runs; before,
                                  the period as the law states it ("P10D" + "received" → "10 days from receipt")
    data_categories         [subscriber_data | identification_data | traffic_data | content_data]
    data_items              [code]  the boxes under each category (EPOC F, EPOC-PR C), e.g. "subscriber.identity",
                                  "identification.ip_records", "traffic.internet.routing": codes in
                                  ``lawreq.pdf.forms.common.ITEM_CATEGORY``; each must belong to a requested category
    data_item_details       {code: str}  text after the box ("other: …", "specify if necessary: …"); ticks it
    data_details            str   further specification or limitation of the data sought
    identifiers             [{type, value, used_at, time_range_start, time_range_end, timezone}]
                            type: ip_address | phone | email | imei | mac | account | service | other
    offence                 {id, label, legal_provisions, max_penalty_years, annex_iv_category, lists,
                             committed_online}
                            lists: the Art. 5(4) lists of offences.yaml (dir_2011_93, dir_2019_713, dir_2013_40,
                            dir_2017_541); with committed_online they tick the EPOC G(c) ground for traffic/content
    controller              {addressed_to: controller | processor, reason: unidentifiable | detrimental,
                             processor_informs: bool}                              EPOC G(d), EPOC-PR D (Art. 5(6))
    contact_authority       {name, address, phone, email}   EPOC I(d): contact point if not the issuing authority
    proceedings             "criminal" (default) | "sentence_execution"
    facts_summary           str
    necessity_proportionality str
    notification            {required: bool, basis: notified | category | exception, target_resides_in,
                             enforcing_state, enforcing_authority, additional_information}   EPOC Section K (Art. 8)
    confidentiality_request str   also the justification for delaying information to the user (EPOC Section H)
    previous_request        {type: preservation | production, authority, reference, issued_at, transmitted_at,
                             addressee_file_number}
    transfer                {to: issuing | validating | other, details}          EPOC Section L
    other_information       str

Form-specific keys::

    preservation            {reference, issued_at, transmitted_at, addressee_file_number, expires_at, planned_process,
                             subsequent_request: {type, authority, reference, issued_at}}
                            epoc_pr, annex_v, annex_vi, us_preservation;  subsequent_request.type: epo | eio | mla | other
    impossibility           {certificate: epoc | epoc_pr, issued_at, received_at, reasons: [code], explanation,
                             further_information, preserved: bool, preservation_explanation,
                             third_country: {law, provisions, interest: fundamental_rights | security | other,
                                             why_applies, why_conflict, link, consequences},
                             contact: {name, post_held, address, email, phone, signed_at}}           annex_iii
                            reason codes: ``lawreq.pdf.forms.eu.IMPOSSIBILITY_REASONS`` (lawreq's, not official)
    preservation_request    {requested_authority, requested_state, status: new | extension | follow_up,
                             previous_reference, relationship_to_offence, custodian, mla_intent: bool}  budapest_29
    mla                     {requested_authority, requested_state, legal_basis, measures, return_channel, status,
                             previous_reference, prosecution_office, court}                   mla_letter
    eio                     {executing_state, urgency: deletion | trial | other, urgency_details, measures,
                             earlier: {authority, reference, issued_at, state},
                             remedies: {sought: bool, details, authority}}
                                                                                               eio_annex_a
    emergency_facts         {threat, persons_at_risk, imminence, how_data_helps}      us_emergency_disclosure
    domestic                {authority, legal_basis, order_text}                       domestic_order_draft
    form                    id of the form a stand-alone cover sheet accompanies        cover_sheet
"""

from __future__ import annotations

import hashlib
import json
import unicodedata
from collections.abc import Mapping, Sequence
from typing import Any

from lawreq.pdf.errors import InvalidFieldError


def get(data: Mapping[str, Any], path: str, default: Any = None) -> Any:
    """Value at a dotted path, or ``default`` when any step is absent or not a mapping."""
    node: Any = data
    for part in path.split("."):
        if not isinstance(node, Mapping) or part not in node:
            return default
        node = node[part]
    return default if node is None else node


def is_blank(value: Any) -> bool:
    if value is None:
        return True
    if isinstance(value, str):
        return not value.strip()
    if isinstance(value, (Mapping, list, tuple)):
        return len(value) == 0
    return False


def missing_fields(data: Mapping[str, Any], required: Sequence[str]) -> list[str]:
    return [path for path in required if is_blank(get(data, path))]


def records(data: Mapping[str, Any], path: str) -> list[Mapping[str, Any]]:
    """A list of mappings (identifiers, deadlines); anything else is a clear error, not a garbled table."""
    value = get(data, path, [])
    if not isinstance(value, list) or not all(isinstance(item, Mapping) for item in value):
        raise InvalidFieldError(path, "expected a list of objects")
    return value


def strings(data: Mapping[str, Any], path: str) -> list[str]:
    value = get(data, path, [])
    if isinstance(value, str) or not isinstance(value, list):
        raise InvalidFieldError(path, "expected a list of strings")
    return [str(item) for item in value]


def _normalise(value: Any) -> Any:
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value)
    if isinstance(value, Mapping):
        return {unicodedata.normalize("NFC", str(k)): _normalise(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_normalise(v) for v in value]
    return value


def canonical_json(form_id: str, data: Mapping[str, Any]) -> bytes:
    """Sorted, compact, NFC JSON of the form id and the request content. A stand-alone cover sheet stands for the
    form named in ``data["form"]``, and that key is left out of the content, so a form and its separate cover sheet
    carry the same checksum."""
    if form_id == "cover_sheet":
        form_id = str(data.get("form"))
    content = {key: val for key, val in data.items() if key != "form"}
    payload = {"form": form_id, "content": _normalise(content)}
    return json.dumps(payload, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def document_checksum(form_id: str, data: Mapping[str, Any]) -> str:
    """SHA-256 (hex) of :func:`canonical_json`; printed on the cover sheet so anyone holding the request data can
    later prove the document was made from exactly that content. The label language is not part of it: an EN and
    an FI rendering of the same request carry the same checksum."""
    return hashlib.sha256(canonical_json(form_id, data)).hexdigest()


def checksum_groups(checksum: str, size: int = 4) -> str:
    return " ".join(checksum[i : i + size] for i in range(0, len(checksum), size))
