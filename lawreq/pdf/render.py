"""``render(form_id, data) -> bytes``: validate everything first, then build the PDF in one pass.

Validation (form id, language, mandatory fields, field shapes, labels) happens while building the blocks, before
reportlab sees anything, so a bad request never yields a half-written document.
"""

from __future__ import annotations

import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from reportlab.platypus import SimpleDocTemplate

from lawreq.pdf.blocks import Block, NewPage, Notice, Title
from lawreq.pdf.document import document_checksum, get, missing_fields
from lawreq.pdf.errors import InvalidFieldError, MissingFieldsError, UnknownFormError, UnsupportedLanguageError
from lawreq.pdf.fonts import REGULAR, register_fonts
from lawreq.pdf.forms import FORMS, FormDef
from lawreq.pdf.forms.cover import build_annex, build_cover
from lawreq.pdf.forms.common import is_draft
from lawreq.pdf.labels import Labels, MissingLabelError, RecordingLabels, catalogues
from lawreq.pdf.layout import MARGIN, Layout, canvas_maker
from lawreq.pdf.text import clean

EXAMPLES = Path(__file__).parent / "examples"


@dataclass(frozen=True)
class FormSpec:
    id: str
    title: str
    instrument: str
    required_fields: tuple[str, ...]
    languages: tuple[str, ...]
    wording: str  # a key of lawreq.pdf.forms.WORDING
    wording_note: str


def _form(form_id: str) -> FormDef:
    try:
        return FORMS[form_id]
    except KeyError:
        raise UnknownFormError(form_id, FORMS) from None


def example(form_id: str) -> dict[str, Any]:
    """The shipped example input of a form (fictitious FI case), used by the CLI, tests and language discovery."""
    return json.loads((EXAMPLES / f"{_form(form_id).id}.json").read_text(encoding="utf-8"))


@cache
def _label_keys(form_id: str) -> frozenset[str]:
    """Which labels a form prints, learnt by building its shipped example with a recording catalogue."""
    form = FORMS[form_id]
    recorder = RecordingLabels()
    data = example(form_id)
    _blocks(form, data, recorder, checksum="0" * 64, languages="en")
    return frozenset(recorder.used)


def form_languages(form_id: str) -> tuple[str, ...]:
    needed = _label_keys(_form(form_id).id)
    return tuple(lang for lang, cat in catalogues().items() if needed <= cat.labels.keys())


@cache
def list_forms() -> list[FormSpec]:
    english = Labels("en")
    return [
        FormSpec(f.id, english.text(f.title_key), f.instrument, f.required_fields, form_languages(f.id), f.wording,
                 f.wording_note)
        for f in FORMS.values()
    ]


def form_spec(form_id: str) -> FormSpec:
    """One form's entry of :func:`list_forms`; unknown ids raise :class:`UnknownFormError`."""
    _form(form_id)
    return next(spec for spec in list_forms() if spec.id == form_id)


def _target(form: FormDef, data: Mapping[str, Any]) -> FormDef:
    """A stand-alone cover sheet describes the form named in ``data["form"]``."""
    if form.build is not None:
        return form
    target = _form(str(get(data, "form")))
    if target.build is None:
        raise InvalidFieldError("form", "a cover sheet must name the form it accompanies, not itself")
    return target


def _blocks(form: FormDef, data: Mapping[str, Any], L: Labels, *, checksum: str, languages: str) -> list[Block]:
    target = _target(form, data)
    # The cover sheet is for the sender's own file and stays on one page, so it carries the form language only.
    cover_labels = L if isinstance(L, RecordingLabels) or L.second is None else Labels(L.lang)
    cover = build_cover(data, cover_labels, form_title=L.text(target.title_key), checksum=checksum, languages=languages)
    if form.build is None:
        return cover
    blocks: list[Block] = [*cover, NewPage(), *form.build(data, L), NewPage(), *build_annex(data, L)]
    return blocks


def _notices(L: Labels) -> list[str]:
    return [
        f"Labels in {cat.name}: unofficial translation — check against the official Annex text"
        for cat in (L.catalogue, L.second_catalogue)
        if cat is not None and not cat.official
    ]


def render(
    form_id: str,
    data: Mapping[str, Any],
    *,
    lang: str = "en",
    bilingual: str | None = None,
    invariant: bool = False,
) -> bytes:
    """PDF bytes of ``form_id`` (cover sheet first) for the request ``data``; see ``document.py`` for its shape."""
    form = _form(form_id)
    if not isinstance(data, Mapping):
        raise InvalidFieldError("data", "expected a JSON object")
    required = form.required_fields
    if is_draft(data):  # a draft signs nothing: its signature block stays empty by design
        required = tuple(path for path in required if not path.endswith((".signatory", ".signed_at")))
    if get(data, "issuing_authority.authority_type") in ("judge", "investigating_judge", "prosecutor"):
        # a judicial issuer without an office on record is printed by its kind (forms.common.authority_name)
        required = tuple(path for path in required if path != "issuing_authority.name")
    missing = missing_fields(data, required)
    if missing:
        raise MissingFieldsError(form_id, missing)
    target = _target(form, data)
    for code in (lang, bilingual):
        if code is not None and code not in form_languages(target.id):
            raise UnsupportedLanguageError(target.id, code, form_languages(target.id))
    if bilingual == lang:
        bilingual = None
    L = Labels(lang, bilingual)
    checksum = document_checksum(target.id, data)
    languages = lang if bilingual is None else f"{lang} + {bilingual}"
    try:
        blocks = _blocks(form, data, L, checksum=checksum, languages=languages)
        text_lang = get(data, "language")
        flag = L.text("translation_needed", lang=text_lang) if text_lang and text_lang != lang else None
        title = L.text(target.title_key)
        reference = clean(get(data, "reference", ""))
        page_of = L.text("page_of", x="{x}", y="{y}")
        draft = (L.text("draft_header"), L.text("draft_watermark")) if is_draft(data) else None
    except MissingLabelError as exc:
        raise UnsupportedLanguageError(target.id, exc.lang, form_languages(target.id)) from None
    notices: list[Block] = [Notice(text) for text in _notices(L)]
    with_notices: list[Block] = []
    for block in blocks:  # under the cover title and again under the form title, in case they are separated
        with_notices.extend([block, *notices] if isinstance(block, Title) else [block])
    flowables = Layout(flag).flowables(with_notices)
    register_fonts()
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(
        buffer,
        leftMargin=MARGIN,
        rightMargin=MARGIN,
        topMargin=MARGIN,
        bottomMargin=MARGIN,
        title=clean(f"{title} — {reference}"),
        author=clean(get(data, "issuing_authority.unit") or get(data, "issuing_authority.name", "")),
        subject=clean(f"{title}; {get(data, 'route.title', '') or target.id}; {reference}"),
        creator="lawreq",
        keywords=f"lawreq; form={target.id}; sha256={checksum}",
        invariant=int(invariant),
        initialFontName=REGULAR,
        lang=lang,
    )
    header = clean(f"{title} · {reference}")[:150]
    doc.build(
        flowables,
        canvasmaker=canvas_maker(header, lambda x, y: f"{reference} · " + page_of.format(x=x, y=y), draft),
    )
    return buffer.getvalue()
