"""The cover sheet: what a reader checks before the form itself — where it goes, by when, under which rules — and
the checksum that lets anyone holding the request data prove later that this document was made from it."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from lawreq.pdf.blocks import Block, Field, Notice, Rows, Section, Title
from lawreq.pdf.document import checksum_groups, get
from lawreq.pdf.forms.common import deadline_rows, field
from lawreq.pdf.labels import Labels


def build_cover(data: Mapping[str, Any], L: Labels, *, form_title: str, checksum: str, languages: str) -> list[Block]:
    deadlines: Rows = deadline_rows(L, data)
    return [
        Title(L("cover_title")),
        Section(L("cover_request")),
        field(L, "letter_reference", get(data, "reference")),
        Field(L("cover_document"), form_title),
        field(L, "cover_route", get(data, "route.title")),
        field(L, "cover_instrument", get(data, "route.instrument")),
        Field(L("cover_emergency"), L.text("yes") if get(data, "emergency") else L.text("no")),
        Section(L("cover_addressee")),
        field(L, "provider", get(data, "addressee.provider")),
        field(L, "addr_addressee", get(data, "addressee.entity")),
        field(L, "addr_country", get(data, "addressee.country")),
        field(L, "addr_channel", get(data, "addressee.channel")),
        Section(L("cover_issuer")),
        field(L, "issuing_authority", get(data, "issuing_authority.name")),
        field(L, "auth_unit", get(data, "issuing_authority.unit")),
        field(L, "issuing_state", get(data, "issuing_authority.country")),
        Section(L("cover_deadlines")),
        deadlines,
        Section(L("cover_integrity")),
        Field(L("cover_languages"), languages),
        Field(L("cover_checksum"), checksum_groups(checksum)),
        Notice(L.text("cover_checksum_note")),
        # Set by the issuing step when the unit has no signing key: the provider must not take it for signed.
        *([Notice(L.text("cover_unsigned"))] if get(data, "electronic_signature") == "none" else []),
    ]


def build_annex(data: Mapping[str, Any], L: Labels) -> list[Block]:
    """The last page, for the issuing side's file: the route id, its kind and the rules version the document was
    prepared under. Kept off the cover sheet and the form pages, which the addressee reads."""
    return [
        Title(L("annex_title")),
        Notice(L.text("annex_note")),
        field(L, "letter_reference", get(data, "reference")),
        field(L, "cover_route_id", get(data, "route.id")),
        field(L, "cover_route_kind", get(data, "route.kind")),
        field(L, "cover_rules_version", get(data, "rules_version")),
    ]
