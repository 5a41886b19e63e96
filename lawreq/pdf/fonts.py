"""Vendored DejaVu Sans, registered once per process.

The base-14 fonts and reportlab's Vera lack Greek, Cyrillic and most Baltic letters; DejaVu Sans covers every EU
official language. The TTFs live in the package (licence in ``fonts/LICENSE-DejaVu.txt``) so a PDF does not change
when the operating system's font packages do.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.ttfonts import TTFont

FONT_DIR = Path(__file__).parent / "fonts"
REGULAR = "DejaVuSans"
BOLD = "DejaVuSans-Bold"
OBLIQUE = "DejaVuSans-Oblique"
BOLD_OBLIQUE = "DejaVuSans-BoldOblique"


@cache
def register_fonts() -> str:
    """Register the family (so ``<b>``/``<i>`` work) and return the regular face's name."""
    for name in (REGULAR, BOLD, OBLIQUE, BOLD_OBLIQUE):
        pdfmetrics.registerFont(TTFont(name, str(FONT_DIR / f"{name}.ttf")))
    pdfmetrics.registerFontFamily(REGULAR, normal=REGULAR, bold=BOLD, italic=OBLIQUE, boldItalic=BOLD_OBLIQUE)
    return REGULAR
