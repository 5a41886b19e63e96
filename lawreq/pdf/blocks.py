"""The body of a form as plain data, between the form builders (what a form says) and the layout (how it looks).

Builders in :mod:`lawreq.pdf.forms` only decide content and order; :mod:`lawreq.pdf.layout` alone knows reportlab.
That keeps every form readable as a list of sections and lets tests inspect content without parsing a PDF.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Label:
    """Fixed form text in the form language, plus the same text in the second language of a bilingual rendering."""

    text: str
    second: str | None = None


@dataclass(frozen=True)
class Title:
    label: Label
    subtitle: Label | None = None


@dataclass(frozen=True)
class Intro:
    """Fixed explanatory text of the form (not user data)."""

    label: Label


@dataclass(frozen=True)
class Section:
    label: Label


@dataclass(frozen=True)
class Field:
    """One labelled value; an empty value prints the form's "…" fill-in mark so the gap is visible."""

    label: Label
    value: str = ""
    free_text: bool = False


@dataclass(frozen=True)
class Tick:
    label: Label
    checked: bool
    detail: str = ""


@dataclass(frozen=True)
class Ticks:
    """A tick-box list printed in full, checked or not, as in the Official Journal forms; ``level`` nests a list
    under the box above it (the data sub-categories of EPOC Section F)."""

    options: tuple[Tick, ...]
    lead: Label | None = None
    level: int = 0


@dataclass(frozen=True)
class FreeText:
    """Long user text (facts, justification): flows over pages paragraph by paragraph."""

    label: Label
    value: str
    free_text: bool = True


@dataclass(frozen=True)
class Rows:
    """A small table (identifiers, deadlines) with a header row repeated on every page."""

    headers: tuple[Label, ...]
    rows: tuple[tuple[str, ...], ...]


@dataclass(frozen=True)
class Signature:
    """Signature block: who signs, with empty lines for the handwritten signature and stamp."""

    fields: tuple[Field, ...]
    signature: Label
    stamp: Label | None = None


@dataclass(frozen=True)
class Notice:
    """A small printed caveat (unofficial labels, draft status); never user data."""

    text: str


@dataclass(frozen=True)
class NewPage:
    """Starts the next block on a fresh page (after the cover sheet)."""


Block = NewPage | Title | Intro | Section | Field | Ticks | FreeText | Rows | Signature | Notice
