"""Blocks to reportlab flowables: styles, tables, tick-boxes, header/footer with "page X of Y".

Every string reaching a Paragraph — user value or label — goes through :func:`lawreq.pdf.text.markup`, so no input
can inject reportlab markup. Styles are built once per process (they are immutable in use), which together with
the one-time font registration keeps an EPOC well under the speed target.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cache, lru_cache, partial
from types import SimpleNamespace
from typing import Any

from reportlab.lib import colors
from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, KeepTogether, PageBreak, Paragraph, Spacer

from lawreq.pdf.blocks import (
    Block,
    Field,
    FreeText,
    Intro,
    Label,
    NewPage,
    Notice,
    Rows,
    Section,
    Signature,
    Ticks,
    Title,
)
from lawreq.pdf.flowables import Cell, FieldGrid, Font, Item, Lines, RowTable, Run, plain_lines
from lawreq.pdf.fonts import BOLD, BOLD_OBLIQUE, OBLIQUE, REGULAR, register_fonts
from lawreq.pdf.text import clean, markup, paragraphs

PAGE_WIDTH, PAGE_HEIGHT = A4
MARGIN = 18 * mm
CONTENT_WIDTH = PAGE_WIDTH - 2 * MARGIN - 12  # the frame keeps 6 pt padding on each side
FILL = "…"
CHECKED, UNCHECKED = "☒", "☐"
GRID = colors.HexColor("#9aa0a6")
SHADE = colors.HexColor("#e8eaed")
LABEL_SHADE = colors.HexColor("#f8f9fa")
INK, SOFT_INK = colors.black, colors.HexColor("#3c4043")
# Plain-text fonts of the lean flowables, matching the Paragraph styles below: (upright, italic) per role.
LABEL_FONTS = (Font(REGULAR, 8.5, 10.5, SOFT_INK), Font(OBLIQUE, 8.5, 10.5, SOFT_INK))
VALUE_FONT = Font(REGULAR, 9, 11.5, INK)
TICK_FONTS = (Font(REGULAR, 9, 11.5, INK), Font(OBLIQUE, 9, 11.5, INK))
SECTION_FONTS = (Font(BOLD, 10, 13, INK), Font(BOLD_OBLIQUE, 10, 13, INK))
DETAIL_FONT = Font(BOLD, 9, 11.5, INK)
CELL_FONTS = (Font(BOLD, 8, 10, INK), Font(REGULAR, 8, 10, INK))  # header and body of a Rows table
FLAG_FONT = Font(OBLIQUE, 7.5, 9, colors.HexColor("#a50e0e"))
FREE_INDENT = 6
TICK_INDENT = 12


@cache
def styles() -> SimpleNamespace:
    regular = register_fonts()
    base = ParagraphStyle("base", fontName=regular, fontSize=9, leading=11.5)
    return SimpleNamespace(
        base=base,
        title=ParagraphStyle("title", base, fontName=BOLD, fontSize=13, leading=16, alignment=1, spaceAfter=2),
        subtitle=ParagraphStyle("subtitle", base, fontSize=9.5, leading=12, alignment=1, spaceAfter=6),
        intro=ParagraphStyle("intro", base, fontSize=8.5, leading=11, spaceAfter=4),
        section=ParagraphStyle("section", base, fontName=BOLD, fontSize=10, leading=13, backColor=SHADE,
                               borderPadding=(2, 3, 2, 3), spaceBefore=9, spaceAfter=5),
        label=ParagraphStyle("label", base, fontSize=8.5, leading=10.5, textColor=colors.HexColor("#3c4043")),
        value=ParagraphStyle("value", base),
        tick=ParagraphStyle("tick", base, leftIndent=12, firstLineIndent=-12, spaceAfter=1.5),
        free_label=ParagraphStyle("free_label", base, fontSize=8.5, leading=10.5, spaceBefore=3,
                                  textColor=colors.HexColor("#3c4043")),
        free=ParagraphStyle("free", base, leftIndent=6, spaceAfter=3),
        flag=ParagraphStyle("flag", base, fontName=OBLIQUE, fontSize=7.5, leading=9, textColor=colors.HexColor("#a50e0e")),
        notice=ParagraphStyle("notice", base, fontName=OBLIQUE, fontSize=7.5, leading=9.5, spaceBefore=6,
                              textColor=colors.HexColor("#5f6368")),
        cell=ParagraphStyle("cell", base, fontSize=8, leading=10),
        cell_head=ParagraphStyle("cell_head", base, fontName=BOLD, fontSize=8, leading=10),
    )


@lru_cache(maxsize=4096)
def _frags(text: str, style: ParagraphStyle) -> tuple[Any, ...]:
    return tuple(Paragraph(text, style).frags)


def para(text: str, style: ParagraphStyle) -> Paragraph:
    """A Paragraph whose parsed fragments are reused: fixed labels repeat in every document, and parsing the
    mini-markup is a third of the build time. Fragments are only read while wrapping and drawing."""
    return Paragraph(text, style, frags=list(_frags(text, style)))


def label_runs(label: Label, fonts: tuple[Font, Font], *, colon: bool = False) -> tuple[Run, ...]:
    """A label as plain runs for :class:`Lines`: the form language upright, the second language in italics."""
    end = ":" if colon else ""
    if label.second is None or label.second == label.text:
        return (Run(clean(label.text) + end, fonts[0]),)
    return Run(clean(label.text), fonts[0]), Run(clean(label.second) + end, fonts[1])


def _breakable(text: str, font: Font, width: float) -> bool:
    """Whether plain lines can carry ``text``: no word wider than the line (a long URL needs a Paragraph)."""
    return plain_lines(text, font.name, font.size, width) is not None


def label_markup(label: Label) -> str:
    """The form-language label, with the second language underneath in italics for a bilingual rendering."""
    if label.second is None or label.second == label.text:
        return markup(label.text)
    return f"{markup(label.text)}<br/><i>{markup(label.second)}</i>"


class Layout:
    """Turns one form's blocks into flowables; ``flag`` is the translation warning for free text, if any."""

    def __init__(self, flag: str | None) -> None:
        self.s = styles()
        self.flag = flag

    def flowables(self, blocks: Sequence[Block]) -> list[Flowable]:
        out: list[Flowable] = []
        pending: list[Field] = []
        for block in blocks:
            if isinstance(block, Field):
                pending.append(block)
                continue
            if pending:
                out.append(self.field_table(pending))
                pending = []
            out.extend(self.block(block))
        if pending:
            out.append(self.field_table(pending))
        return out

    def block(self, block: Block) -> list[Flowable]:
        s = self.s
        if isinstance(block, Title):
            items: list[Flowable] = [para(label_markup(block.label), s.title)]
            if block.subtitle:
                items.append(para(label_markup(block.subtitle), s.subtitle))
            return [*items, Spacer(1, 4)]
        if isinstance(block, Intro):
            return [para(label_markup(block.label), s.intro)]
        if isinstance(block, Section):
            return [Lines([Item(label_runs(block.label, SECTION_FONTS))], space_before=9, space_after=5, shade=SHADE,
                          padding=(2, 3))]
        if isinstance(block, Ticks):
            return self.ticks(block)
        if isinstance(block, FreeText):
            return self.free_text(block)
        if isinstance(block, Rows):
            return [self.rows(block)]
        if isinstance(block, Signature):
            return [self.signature(block)]
        if isinstance(block, Notice):
            return [para(markup(block.text), s.notice)]
        if isinstance(block, NewPage):
            return [PageBreak()]
        raise TypeError(f"no layout for {type(block).__name__}")

    def value_markup(self, value: str, free_text: bool) -> str:
        text = markup(value) if value.strip() else FILL
        if free_text and self.flag and value.strip():
            text += f'<br/><font size="7" color="#a50e0e"><i>{markup(self.flag)}</i></font>'
        return text

    def cell(self, text: str, style: ParagraphStyle, width: float,
             rich: str | None = None) -> str | tuple[str, ...] | Paragraph:
        """Plain text is drawn as plain lines (no markup parsing, hence nothing to escape): one string when it fits,
        else the lines broken at spaces; styled text, or a word too wide to break at a space, is a Paragraph."""
        plain = clean(text) if text.strip() else FILL
        if rich is None:
            if "\n" not in plain and stringWidth(plain, style.fontName, style.fontSize) <= width - 12:
                return plain
            lines = plain_lines(plain, style.fontName, style.fontSize, width - 12)
            if lines:
                return lines
        return para(rich if rich is not None else markup(plain), style)

    def label_cell(self, label: Label, style: ParagraphStyle, width: float) -> str | tuple[str, ...] | Paragraph:
        rich = None if label.second is None or label.second == label.text else label_markup(label)
        return self.cell(label.text, style, width, rich)

    def field_table(self, fields: Sequence[Field]) -> FieldGrid:
        left, right = FIELD_WIDTHS
        rows = []
        for f in fields:
            flagged = f.free_text and self.flag and f.value.strip()
            rich = self.value_markup(f.value, True) if flagged else None
            rows.append((self.label_cell(f.label, self.s.label, left), self.cell(f.value, self.s.value, right, rich)))
        return _grid(rows)

    def ticks(self, block: Ticks) -> list[Flowable]:
        """One flowable per run of plain ticks; a tick with a user value after it needs Paragraph markup."""
        offset = block.level * TICK_INDENT
        out: list[Flowable] = []
        plain: list[Item] = [Item(label_runs(block.lead, LABEL_FONTS))] if block.lead else []
        for tick in block.options:
            box = CHECKED if tick.checked else UNCHECKED
            detail = clean(tick.detail)
            if not detail or _breakable(detail, DETAIL_FONT, CONTENT_WIDTH - offset - TICK_INDENT):
                # the values given for the box follow its label on their own line(s), in bold
                runs = label_runs(tick.label, TICK_FONTS, colon=bool(detail))
                runs += (Run(detail, DETAIL_FONT),) if detail else ()
                plain.append(Item(runs, Run(box, TICK_FONTS[0]), TICK_INDENT, 1.5))
                continue
            if plain:
                out.append(Lines(plain, offset=offset))
                plain = []
            style = self.s.tick if not offset else _indented(self.s.tick, offset)
            out.append(para(f"{box} {label_markup(tick.label)}: <b>{markup(tick.detail)}</b>", style))
        if plain:
            out.append(Lines(plain, offset=offset))
        after = 3 if not block.level else 1
        if isinstance(out[-1], Lines):
            out[-1].spaceAfter = after
            return out
        return [*out, Spacer(1, after)]

    def free_text(self, block: FreeText) -> list[Flowable]:
        """The label, then the user's text paragraph by paragraph as plain lines (which split between pages at any
        line, never right after the label); a word too wide to break at a space sends it to Paragraphs."""
        text = [part for part in clean(block.value).split("\n") if part.strip()]
        if all(_breakable(part, VALUE_FONT, CONTENT_WIDTH - FREE_INDENT) for part in text):
            body = [Item((Run(part, VALUE_FONT),), indent=FREE_INDENT, gap=3) for part in text]
            if not body:
                body = [Item((Run(FILL, VALUE_FONT),), indent=FREE_INDENT, gap=3)]
            elif block.free_text and self.flag:
                body.append(Item((Run(clean(self.flag), FLAG_FONT),), indent=FREE_INDENT))
            return [Lines([Item(label_runs(block.label, LABEL_FONTS)), *body], space_before=3, keep_first=True)]
        parts = paragraphs(block.value)
        head = para(label_markup(block.label), self.s.free_label)
        if not parts:
            return [KeepTogether([head, para(FILL, self.s.free)])]
        body = [para(part, self.s.free) for part in parts]
        if block.free_text and self.flag:
            body.append(para(markup(self.flag), self.s.flag))
        return [KeepTogether([head, body[0]]), *body[1:]]

    def rows(self, block: Rows) -> RowTable:
        width = CONTENT_WIDTH / len(block.headers)
        head = [self.label_cell(h, self.s.cell_head, width) for h in block.headers]
        body = [[self.cell(cell, self.s.cell, width) for cell in row] for row in block.rows]
        if not body:
            body = [[FILL for _ in block.headers]]
        return RowTable(head, body, [width] * len(block.headers), CELL_FONTS, grid=GRID, shade=SHADE)

    def signature(self, block: Signature) -> Flowable:
        table = self.field_table(block.fields)
        left = FIELD_WIDTHS[0]
        marks: list[tuple[Cell, Cell]] = [
            (self.label_cell(block.signature, self.s.label, left), "")
        ]
        if block.stamp:
            marks.append((self.label_cell(block.stamp, self.s.label, left), ""))
        return KeepTogether([Spacer(1, 4), table, _grid(marks, min_height=16 * mm)])


FIELD_WIDTHS = (CONTENT_WIDTH * 0.38, CONTENT_WIDTH * 0.62)


@cache
def _indented(style: ParagraphStyle, offset: float) -> ParagraphStyle:
    return ParagraphStyle(f"{style.name}+{offset:g}", style, leftIndent=style.leftIndent + offset)


def _grid(rows: Sequence[tuple[Cell, Cell]], min_height: float = 0) -> FieldGrid:
    return FieldGrid(rows, FIELD_WIDTHS, (LABEL_FONTS[0], VALUE_FONT), grid=GRID, label_shade=LABEL_SHADE,
                     min_height=min_height)


class NumberedCanvas(Canvas):
    """Defers every page until the end so the footer can say "page X of Y" in a single layout pass."""

    def __init__(self, *args: Any, header: str, footer: Callable[[int, int], str],
                 draft: tuple[str, str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self._pages: list[dict[str, Any]] = []
        self._header = header
        self._footer = footer
        self._draft = draft  # (header line, watermark word) on every page of a document made before approval

    def showPage(self) -> None:  # noqa: N802 - reportlab API
        self._pages.append(dict(self.__dict__))
        self._startPage()

    def save(self) -> None:
        total = len(self._pages)
        for number, state in enumerate(self._pages, start=1):
            self.__dict__.update(state)
            self._decorate(number, total)
            super().showPage()
        super().save()

    def _decorate(self, number: int, total: int) -> None:
        register_fonts()
        self.saveState()
        self.setFont("DejaVuSans", 7)
        self.setFillColor(colors.HexColor("#5f6368"))
        self.drawString(MARGIN, PAGE_HEIGHT - 11 * mm, self._header)
        self.drawRightString(PAGE_WIDTH - MARGIN, 10 * mm, self._footer(number, total))
        if self._draft is not None:
            banner, word = self._draft
            self.setFont("DejaVuSans-Bold", 8)
            self.setFillColor(colors.HexColor("#a50e0e"))
            self.drawCentredString(PAGE_WIDTH / 2, PAGE_HEIGHT - 6.5 * mm, banner)  # above the running header
            self.setFillColor(colors.Color(0.65, 0.05, 0.05, alpha=0.13))
            self.setFont("DejaVuSans-Bold", 96)
            self.translate(PAGE_WIDTH / 2, PAGE_HEIGHT / 2)
            self.rotate(45)
            self.drawCentredString(0, -34, word)
        self.restoreState()


def canvas_maker(header: str, footer: Callable[[int, int], str],
                 draft: tuple[str, str] | None = None) -> Callable[..., Canvas]:
    return partial(NumberedCanvas, header=header, footer=footer, draft=draft)
