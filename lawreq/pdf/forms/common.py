"""Pieces shared by several forms: authority details, signature, addressee, identifiers, data categories.

Every helper takes the request mapping and a :class:`~lawreq.pdf.labels.Labels` and returns blocks; unknown codes
(identifier type, data category, authority type) raise :class:`InvalidFieldError` naming the field and the allowed
values, because a form that silently drops an identifier is worse than no form.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from lawreq.pdf.blocks import Block, Field, FreeText, Rows, Section, Signature, Tick, Ticks
from lawreq.pdf.dates import format_moment, period_parts
from lawreq.pdf.document import get, records, strings
from lawreq.pdf.errors import InvalidFieldError
from lawreq.pdf.labels import Labels

IDENTIFIER_TYPES = ("ip_address", "phone", "email", "imei", "mac", "account", "service", "other")
DATA_CATEGORIES = ("subscriber_data", "identification_data", "traffic_data", "content_data")
AUTHORITY_TYPES = ("judge", "investigating_judge", "prosecutor", "police", "central_authority", "other")
# The boxes under each data category of EPOC Section F / EPOC-PR Section C, in the order of forms.md §1 (wording
# reconstructed from Art. 3(9)–(12)). Codes are lawreq's: "<category>.<item>" or "<category>.<group>.<item>".
DATA_ITEMS: dict[str, tuple[tuple[str | None, tuple[str, ...]], ...]] = {
    "subscriber_data": (
        (None, ("identity", "registration", "service", "profile", "validation", "payment", "puk", "other")),
    ),
    "identification_data": ((None, ("ip_records", "time_range", "other")),),
    "traffic_data": (
        ("telephony", ("a_b_identifiers", "connection_times", "call_attempts", "base_station", "bearer", "other")),
        ("internet", ("routing", "base_station", "volume", "connection_times", "duration", "other")),
        ("hosting", ("logfiles", "tickets", "other")),
        ("other", ("purchase_history", "prepaid_history", "other")),
    ),
    "content_data": (
        (None, ("mailbox", "storage", "pagedump", "message_log", "voicemail", "server", "device_backup", "contacts",
                "other")),
    ),
}


def _item_code(category: str, group: str | None, item: str) -> str:
    return ".".join(part for part in (category.removesuffix("_data"), group, item) if part)


ITEM_CATEGORY = {
    _item_code(category, group, item): category
    for category, groups in DATA_ITEMS.items()
    for group, items in groups
    for item in items
}
LONG_VALUE = 300


def value(raw: Any) -> str:
    """Plain text for one user value; lists read as comma-separated, absent values as empty."""
    if raw is None:
        return ""
    if isinstance(raw, bool):
        return "✓" if raw else ""
    if isinstance(raw, (list, tuple)):
        return ", ".join(value(item) for item in raw if not isinstance(item, Mapping))
    return str(raw)


def when(L: Labels, data: Mapping[str, Any], raw: Any) -> str:
    """A stored date or moment in the form language's style and the issuing authority's time zone."""
    return format_moment(raw, getattr(L, "lang", "en") or "en", str(get(data, "timezone") or "UTC"))


def is_draft(data: Mapping[str, Any]) -> bool:
    """Made before approval: marked as a draft on every page and carrying no signature-block values."""
    return get(data, "draft") is True


def field(L: Labels, key: str, raw: Any, *, free_text: bool = False) -> Block:
    """A field, or a flowing text block when the value is too long to sit in a table cell."""
    text = value(raw)
    if len(text) > LONG_VALUE:
        return FreeText(L(key), text, free_text=free_text)
    return Field(L(key), text, free_text=free_text)


def free(L: Labels, key: str, raw: Any) -> Block:
    return FreeText(L(key), value(raw))


def choice(
    data: Mapping[str, Any], path: str, allowed: Sequence[str], default: str | None = None, *, where: str = ""
) -> str | None:
    """A coded value checked against its allowed codes; ``where`` prefixes the field name inside a list item."""
    chosen = get(data, path, default)
    if chosen is None:
        return None
    if chosen not in allowed:
        raise InvalidFieldError(f"{where}{path}", f"{chosen!r} is not one of {', '.join(allowed)}")
    return str(chosen)


def contact_authority(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """EPOC I(d): who answers questions on execution when that is not the issuing authority (a central authority)."""
    if not get(data, "contact_authority.name"):
        return [Field(L("contact_authority"), L.text("not_applicable"))]
    return [
        field(L, "contact_authority", get(data, "contact_authority.name")),
        field(L, "auth_address", get(data, "contact_authority.address")),
        field(L, "auth_phone", get(data, "contact_authority.phone")),
        field(L, "auth_email", get(data, "contact_authority.email")),
    ]


_KIND_LABEL = {"judge": "type_judge", "investigating_judge": "type_judge", "prosecutor": "type_prosecutor"}


def authority_name(L: Labels, data: Mapping[str, Any], path: str) -> str:
    """The authority's name; a judicial authority without an office on record is named by its kind, never left
    blank and never replaced by the investigating unit's name."""
    kind = get(data, f"{path}.authority_type")
    return value(get(data, f"{path}.name")) or (L.text(_KIND_LABEL[kind]) if kind in _KIND_LABEL else "")


def authority_details(L: Labels, data: Mapping[str, Any], path: str) -> list[Block]:
    return [
        field(L, "auth_name", authority_name(L, data, path)),
        field(L, "auth_unit", get(data, f"{path}.unit")),
        field(L, "auth_representative", "" if is_draft(data) else get(data, f"{path}.signatory")),
        field(L, "auth_post", get(data, f"{path}.post_held")),
        field(L, "auth_file", get(data, f"{path}.file_number")),
        field(L, "auth_address", get(data, f"{path}.address")),
        field(L, "auth_phone", get(data, f"{path}.phone")),
        field(L, "auth_email", get(data, f"{path}.email")),
        field(L, "auth_languages", get(data, f"{path}.languages")),
    ]


def authority_type(L: Labels, data: Mapping[str, Any], path: str, *, validating: bool = False) -> Ticks:
    """The annexes know three kinds of issuer; police and central authorities are "other competent authority"."""
    kind = choice(data, f"{path}.authority_type", AUTHORITY_TYPES)
    options = [
        Tick(L("type_judge"), kind in ("judge", "investigating_judge")),
        Tick(L("type_prosecutor"), kind == "prosecutor"),
    ]
    if not validating:
        options.append(Tick(L("type_other"), kind in ("police", "central_authority", "other")))
    return Ticks(tuple(options), L("type_lead"))


def signature(L: Labels, data: Mapping[str, Any], path: str) -> Signature:
    """Who signed and when, from the approval record; a draft's block stays empty whatever the input says."""
    draft = is_draft(data)
    return Signature(
        (
            Field(L("sig_date"), "" if draft else when(L, data, get(data, f"{path}.signed_at"))),
            Field(L("sig_name"), "" if draft else value(get(data, f"{path}.signatory"))),
            Field(L("auth_post"), "" if draft else value(get(data, f"{path}.post_held"))),
        ),
        L("sig_signature"),
        L("sig_stamp"),
    )


def addressee_fields(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    entity = get(data, "addressee.entity") or get(data, "addressee.provider")
    provider = get(data, "addressee.provider")
    return [
        field(L, "addr_address", get(data, "addressee.address")),
        field(L, "addr_contact", get(data, "addressee.email")),
        field(L, "addr_contact_person", get(data, "addressee.contact_person")),
        field(L, "addr_file", get(data, "addressee.file_number")),
        field(L, "addr_provider", provider if provider != entity else ""),
        field(L, "addr_channel", get(data, "addressee.channel")),
    ]


def identifier_rows(L: Labels, data: Mapping[str, Any]) -> Rows:
    rows = []
    for index, item in enumerate(records(data, "identifiers")):
        kind = choice(item, "type", IDENTIFIER_TYPES, "other", where=f"identifiers[{index}].")
        if kind is None or not value(item.get("value")).strip():
            raise InvalidFieldError(f"identifiers[{index}].value", "an identifier needs a type and a value")
        shown = value(item.get("value"))
        if item.get("used_at"):
            shown = L.text("id_used_at", value=shown, when=when(L, data, item.get("used_at")))
        rows.append(
            (
                L(f"idtype_{kind}").text,
                shown,
                when(L, data, item.get("time_range_start")),
                when(L, data, item.get("time_range_end")),
                value(item.get("timezone")),
            )
        )
    headers = tuple(L(key) for key in ("id_type", "id_value", "id_from", "id_to", "id_timezone"))
    return Rows(headers, tuple(rows))


def identifier_ticks(L: Labels, data: Mapping[str, Any]) -> Ticks:
    """The annex tick-list of identifier kinds, each ticked with the values given for it."""
    by_kind: dict[str, list[str]] = {kind: [] for kind in IDENTIFIER_TYPES}
    for index, item in enumerate(records(data, "identifiers")):
        kind = choice(item, "type", IDENTIFIER_TYPES, "other", where=f"identifiers[{index}].") or "other"
        by_kind[kind].append(value(item.get("value")))
    return Ticks(tuple(Tick(L(f"idlist_{kind}"), bool(vals), ", ".join(vals)) for kind, vals in by_kind.items()))


def category_ticks(L: Labels, data: Mapping[str, Any], lead: str = "cat_lead") -> Ticks:
    chosen = strings(data, "data_categories")
    for category in chosen:
        if category not in DATA_CATEGORIES:
            raise InvalidFieldError("data_categories", f"{category!r} is not one of {', '.join(DATA_CATEGORIES)}")
    return Ticks(tuple(Tick(L(f"cat_{c}"), c in chosen) for c in DATA_CATEGORIES), L(lead))


def data_category_blocks(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """Every category box with the boxes under it, ticked from ``data_categories`` and ``data_items``.

    A sub-item of a category the request does not ask for is refused rather than printed: a ticked traffic-data
    box under an unticked "traffic data" would contradict the order's own scope.
    """
    chosen = strings(data, "data_categories")
    picked = strings(data, "data_items")
    details = get(data, "data_item_details") or {}
    if not isinstance(details, Mapping):
        raise InvalidFieldError("data_item_details", "expected an object of data item code → text")
    for category in chosen:
        if category not in DATA_CATEGORIES:
            raise InvalidFieldError("data_categories", f"{category!r} is not one of {', '.join(DATA_CATEGORIES)}")
    for code in [*picked, *details]:
        where = "data_items" if code in picked else f"data_item_details.{code}"
        if code not in ITEM_CATEGORY:
            raise InvalidFieldError(where, f"{code!r} is not a data item; allowed: {', '.join(ITEM_CATEGORY)}")
        if ITEM_CATEGORY[code] not in chosen:
            raise InvalidFieldError(where, f"{code!r} belongs to {ITEM_CATEGORY[code]}, which data_categories "
                                           "does not request")
    blocks: list[Block] = []
    for index, category in enumerate(DATA_CATEGORIES):
        blocks.append(Ticks((Tick(L(f"cat_{category}"), category in chosen),), L("cat_lead") if index == 0 else None))
        for group, items in DATA_ITEMS[category]:
            codes = [_item_code(category, group, item) for item in items]
            options = tuple(
                Tick(L("item_" + code.replace(".", "_")), code in picked or bool(value(details.get(code)).strip()),
                     value(details.get(code)))
                for code in codes
            )
            lead = L(f"items_{category.removesuffix('_data')}_{group}") if group else None
            blocks.append(Ticks(options, lead, level=1))
    return blocks


def records_sought(L: Labels, data: Mapping[str, Any], records_section: str | None = None) -> list[Block]:
    """Identifiers, data categories and their limits: the data block every letter and order draft repeats, with
    the letter's own heading between the identifiers and the records when it has one."""
    heading: list[Block] = [Section(L(records_section))] if records_section else []
    return [identifier_rows(L, data), *heading, category_ticks(L, data),
            free(L, "data_details", get(data, "data_details"))]


def pick(L: Labels, chosen: str | None, options: Sequence[tuple[str, str]], lead: str | None = None) -> Ticks:
    """A tick-list where at most one box is ticked: ``options`` pairs each code with its label key."""
    return Ticks(tuple(Tick(L(key), chosen == code) for code, key in options), L(lead) if lead else None)


def categories_text(L: Labels, data: Mapping[str, Any]) -> str:
    category_ticks(L, data)
    return ", ".join(L(f"cat_{c}").text for c in strings(data, "data_categories"))


DEADLINE_KINDS = ("response", "review_window", "ex_post_validation", "preservation_expiry", "preservation_extension",
                  "acknowledgement", "recognition", "execution", "provisional_measures")


def deadline_due(L: Labels, data: Mapping[str, Any], deadline: Mapping[str, Any]) -> str:
    """A date once the clock runs (the document is sent); before that, the period as the law states it."""
    if deadline.get("due_at"):
        return when(L, data, deadline.get("due_at"))
    parts = period_parts(str(deadline.get("period") or ""))
    if parts is None:
        return value(deadline.get("period"))
    amount, unit = parts
    trigger = {"received": "received", "acknowledged": "received", "issued": "issued"}.get(
        str(deadline.get("trigger") or ""), "event")
    return L.text(f"dl_from_{trigger}_{unit}", n=amount)


def deadline_rows(L: Labels, data: Mapping[str, Any]) -> Rows:
    rows = tuple(
        (L.text(f"dlkind_{d.get('kind')}" if d.get("kind") in DEADLINE_KINDS else "dlkind_other"),
         deadline_due(L, data, d), value(d.get("explanation")))
        for d in records(data, "deadlines")
    )
    return Rows((L("dl_kind"), L("dl_due"), L("dl_explanation")), rows)


def offence_blocks(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    return [
        field(L, "off_nature", get(data, "offence.label")),
        field(L, "off_provisions", get(data, "offence.legal_provisions")),
        field(L, "off_max_penalty", get(data, "offence.max_penalty_years")),
        free(L, "facts", get(data, "facts_summary")),
    ]


def requesting_authority(L: Labels, data: Mapping[str, Any]) -> list[Block]:
    """Letters (Budapest, MLA, US) name the requesting authority up front with its contact details."""
    return [Section(L("sec_requesting")), field(L, "issuing_state", get(data, "issuing_authority.country")),
            *authority_details(L, data, "issuing_authority")]
