"""Vendored DejaVu Sans, registered once per process, with its subsets memoised.

The base-14 fonts and reportlab's Vera lack Greek, Cyrillic and most Baltic letters; DejaVu Sans covers every EU
official language. The TTFs live in the package (licence in ``fonts/LICENSE-DejaVu.txt``) so a PDF does not change
when the operating system's font packages do.

Embedding a subset means building a small TrueType file from the glyphs a document used and deflating it: about a
millisecond per face per document, and the same glyphs come back in every certificate because the labels are fixed.
Both steps are pure functions of the glyph list, so they are memoised per face; the bytes written are identical.

Every string drawn is first mapped to subset codes (``TTFont.splitString``), a Python loop per character that was
the largest single cost of a page. After the first lines of a document nearly every character already has its
code, so :class:`DejaVu` maps those strings in one C-level pass and leaves the rest to reportlab's loop.
"""

from __future__ import annotations

import zlib
from collections.abc import Callable
from functools import cache, lru_cache
from pathlib import Path
from typing import Any

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
BOLD_OBLIQUE = "DejaVuSans-BoldOblique"
SUBSET_CACHE = 64  # per face; a subset is some 10–40 KiB


class _MemoFlate:
    """reportlab's FlateDecode stream filter, remembering the last outputs (same bytes as zlib.compress)."""

    pdfname = "FlateDecode"

    def __init__(self) -> None:
        self.encode = lru_cache(maxsize=SUBSET_CACHE)(zlib.compress)

    @staticmethod
    def decode(encoded: bytes) -> bytes:
        return zlib.decompress(encoded)


def _memoise_subsets(font: TTFont) -> None:
    face = font.face
    build: Callable[[list[int]], bytes] = face.makeSubset
    subset_bytes = lru_cache(maxsize=SUBSET_CACHE)(lambda glyphs: build(list(glyphs)))
    flate = _MemoFlate()
    add_objects = face.addSubsetObjects

    def make_subset(subset: list[int]) -> bytes:
        return subset_bytes(tuple(subset))

    def add_subset_objects(doc: Any, fontname: str, subset: list[int]) -> Any:
        reference = add_objects(doc, fontname, subset)
        stream = doc.idToObject.get(f"fontFile:{face.filename}({fontname})")
        if stream is not None and stream.filters:
            stream.filters = [flate]
        return reference

    face.makeSubset = make_subset
    face.addSubsetObjects = add_subset_objects


class DejaVu(TTFont):
    """A TrueType face whose ``splitString`` takes a fast path when every character already has a subset code in
    this document; the result is exactly what reportlab's loop returns (which still assigns new codes)."""

    def splitString(self, text: str | bytes, doc: Any, encoding: str = "utf-8") -> list[tuple[int, bytes]]:  # noqa: N802
        state = self.state.get(doc)
        if state is not None and isinstance(text, str):
            try:
                codes = list(map(state.assignments.__getitem__, map(ord, text)))
            except KeyError:  # a new character (or a no-break space, which reportlab maps to a space)
                pass
            else:
                if not codes:
                    return []
                if max(codes) < 256:  # all in the first subset: the common case
                    return [(0, bytes(codes))]
        return super().splitString(text, doc, encoding)


@cache
def register_fonts() -> str:
    """Register the family (so ``<b>``/``<i>`` work) and return the regular face's name."""
    for name in (REGULAR, BOLD, OBLIQUE, BOLD_OBLIQUE):
        font = DejaVu(name, str(FONT_DIR / f"{name}.ttf"))
        _memoise_subsets(font)
        pdfmetrics.registerFont(font)
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD_OBLIQUE)
    return REGULAR
