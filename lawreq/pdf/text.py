"""Turning untrusted user text into safe reportlab Paragraph markup.

reportlab's Paragraph parses a mini-HTML: raw ``<a href>`` becomes a live link, ``<font size=60>`` breaks the layout
and a stray ``<`` silently eats text. Every user value therefore goes through :func:`markup`, which escapes it, and
before that through :func:`clean`, which NFC-normalises (reportlab drops GPOS, so combining marks would be misplaced)
and removes control characters that have no glyph (NUL, bidi overrides, ...).
"""

from __future__ import annotations

import unicodedata
from xml.sax.saxutils import escape

# Bidi embedding/override/isolate controls can reorder the visible text of a legal document; drop them.
_BIDI_CONTROLS = frozenset("\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u200e\u200f")


def clean(value: object) -> str:
    """NFC text with line breaks kept and every other control or bidi-override character removed."""
    if isinstance(value, str) and value.isascii() and value.isprintable():
        return value  # the common case: nothing to normalise or strip
    text = unicodedata.normalize("NFC", str(value)).replace("\r\n", "\n").replace("\r", "\n").replace("\t", " ")
    return "".join(
        ch
        for ch in text
        if ch == "\n" or (unicodedata.category(ch) not in ("Cc", "Cs", "Co", "Cn") and ch not in _BIDI_CONTROLS)
    )


def markup(value: object) -> str:
    """Escaped Paragraph markup for user text; newlines become explicit breaks."""
    return escape(clean(value)).replace("\n", "<br/>")


def paragraphs(value: object) -> list[str]:
    """User text split at blank-or-single newlines, so long text becomes several flowables that can break pages."""
    return [escape(part) for part in clean(value).split("\n") if part.strip()]
