"""Two lean flowables for what every certificate is mostly made of: label/value rows and short fixed lines.

A reportlab ``Table`` resolves its style commands cell by cell and a ``Paragraph`` parses mini-markup and breaks
lines fragment by fragment; for an EPOC that was two thirds of the build time. The forms' rows and tick-boxes need
neither: their fonts are fixed and their text is plain, so these draw straight onto the canvas with one text object.
Both split between pages at a row or line boundary, like the Table and Paragraph they replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
from reportlab.pdfbase.pdfmetrics import stringWidth
from reportlab.pdfgen.canvas import Canvas
from reportlab.platypus import Flowable, Paragraph


@dataclass(frozen=True)
class Font:
    name: str
    size: float
    leading: float
    color: Color


@dataclass(frozen=True)
class Run:
    """Plain text in one font; wrapped at spaces to the width available."""

    text: str
    font: Font


@dataclass(frozen=True)
class Item:
    """One entry of a :class:`Lines`: runs of text, optionally behind a mark (the tick-box) on its first line."""

    runs: tuple[Run, ...]
    mark: Run | None = None
    indent: float = 0  # where the text starts, right of the mark
    gap: float = 0  # extra space after the entry


@dataclass(frozen=True)
class _Line:
    text: str
    font: Font
    x: float
    mark: Run | None
    gap: float

    @property
    def height(self) -> float:
        return self.font.leading + self.gap


class Lines(Flowable):
    """Short plain texts one under the other — a whole tick-box list, a section bar, a lead-in — as one flowable.

    Each item's mark is drawn on its first line at ``offset`` and its text starts ``indent`` further right, which
    is how a tick-box list reads in the Official Journal forms. ``shade`` paints a bar behind it (section titles).
    """

    def __init__(
        self,
        items: Sequence[Item],
        *,
        offset: float = 0,
        space_before: float = 0,
        space_after: float = 0,
        shade: Color | None = None,
        padding: tuple[float, float] = (0, 0),
        keep_first: bool = False,
    ) -> None:
        super().__init__()
        self.items = tuple(items)
        self.keep_first = keep_first  # a heading item never ends a page on its own
        self.offset = offset
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.shade = shade
        self.pad_y, self.pad_x = padding
        self._lines: list[_Line] = []
        self._for_width: float | None = None
        self._first_lines = 0

    def _layout(self, width: float) -> None:
        if self._for_width == width:
            return
        lines: list[_Line] = []
        for number, item in enumerate(self.items):
            x = self.offset + item.indent
            broken = [(text, run.font) for run in item.runs
                      for text in (_split(run.text, run.font.name, run.font.size, width - x) or ("",))]
            for index, (text, font) in enumerate(broken):
                lines.append(_Line(text, font, x, item.mark if index == 0 else None,
                                   item.gap if index == len(broken) - 1 else 0))
            if number == 0:
                self._first_lines = len(lines)
        self._lines = lines
        self._for_width = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        self._layout(availWidth)
        self.width = availWidth
        self.height = sum(line.height for line in self._lines) + 2 * self.pad_y
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        self._layout(availWidth)
        used, count = 2 * self.pad_y, 0
        for line in self._lines:
            if used + line.height > availHeight + 1e-6:
                break
            used += line.height
            count += 1
        if count == 0 or count == len(self._lines) or (self.keep_first and count <= self._first_lines):
            return []
        return [self._part(self._lines[:count], self.spaceBefore, 0),
                self._part(self._lines[count:], 0, self.spaceAfter)]

    def _part(self, lines: list[_Line], space_before: float, space_after: float) -> Lines:
        part = Lines(self.items, offset=self.offset, space_before=space_before, space_after=space_after,
                     shade=self.shade, padding=(self.pad_y, self.pad_x))
        part._lines, part._for_width = lines, self._for_width
        return part

    def draw(self) -> None:
        canv = self.canv
        if self.shade is not None:
            canv.setFillColor(self.shade)
            canv.rect(-self.pad_x, 0, self.width + 2 * self.pad_x, self.height, stroke=0, fill=1)
        pen = _Pen(canv)
        top = self.height - self.pad_y
        for line in self._lines:
            baseline = top - line.font.size  # where a Paragraph puts its first baseline
            if line.mark is not None:
                pen.out(line.mark.text, line.mark.font, self.offset, baseline)
            pen.out(line.text, line.font, line.x, baseline)
            top -= line.height
        pen.flush()


@lru_cache(maxsize=8192)
def _split(text: str, font: str, size: float, width: float) -> tuple[str, ...]:
    """Line breaks of a label at a width: the labels are fixed, so each is measured once per process."""
    return tuple(simpleSplit(text, font, size, width))


def plain_lines(text: str, font: str, size: float, width: float) -> tuple[str, ...] | None:
    """``text`` broken into lines at spaces and newlines, or None when a single word is wider than ``width`` (a
    long URL or hash), which only a Paragraph can break."""
    if any(stringWidth(word, font, size) > width for word in text.split()):
        return None
    return _split(text, font, size, width)


class _Pen:
    """A text object that sets font and colour only when they change: one operator per change instead of three
    per line, which is most of what a page of tick-boxes costs to write."""

    def __init__(self, canv: Any) -> None:
        self.canv = canv
        self.text = canv.beginText()
        self.font: Font | None = None

    def out(self, line: str, font: Font, x: float, y: float) -> None:
        text = self.text
        text.setTextOrigin(x, y)
        if font != self.font:
            if self.font is None or (font.name, font.size) != (self.font.name, self.font.size):
                text.setFont(font.name, font.size)
            if self.font is None or font.color != self.font.color:
                text.setFillColor(font.color)
            self.font = font
        # _textOut writes what textOut writes but skips measuring the line: every line sets its own origin, so
        # the cursor advance textOut computes is never read
        text._textOut(line)

    def flush(self) -> None:
        self.canv.drawText(self.text)
        self.text = self.canv.beginText()
        self.font = None


Cell = str | tuple[str, ...] | Paragraph  # one plain line, plain lines already broken, or a wrapping Paragraph


def _cell_height(cell: Cell, font: Font, inner_width: float) -> float:
    """The height a cell's content needs (no padding): its plain lines at ``font``'s leading, or the Paragraph
    wrapped to ``inner_width``."""
    if isinstance(cell, str):
        return font.leading
    if isinstance(cell, tuple):
        return font.leading * len(cell)
    return cell.wrap(inner_width, 1e6)[1]


def _draw_cell(canv: Canvas, pen: _Pen, cell: Cell, font: Font, x: float, top: float) -> None:
    """Draw a cell's content with its top-left corner at (``x``, ``top``), padding already applied."""
    if isinstance(cell, (str, tuple)):
        baseline = top - font.size
        for line in (cell,) if isinstance(cell, str) else cell:
            pen.out(line, font, x, baseline)
            baseline -= font.leading
    else:  # flush first, so the text reads in row order when copied or extracted
        pen.flush()
        cell.drawOn(canv, x, top - cell.height)


def _rows_that_fit(heights: Sequence[float], room: float, used: float = 0.0) -> int:
    """How many of the rows, in order, fit in ``room`` below what is ``used`` already (a repeated header)."""
    count = 0
    for height in heights:
        if used + height > room:
            break
        used += height
        count += 1
    return count


class FieldGrid(Flowable):
    """Label/value rows in a ruled two-column grid with a shaded label column (what ``_FIELD_STYLE`` drew).

    A cell is either a plain string that fits on one line or a Paragraph that wraps; ``fonts`` gives the plain
    font of each column and ``min_height`` lets the signature block keep room for a handwritten signature.
    """

    PAD_X, PAD_TOP, PAD_BOTTOM = 6.0, 2.0, 3.0

    def __init__(
        self,
        rows: Sequence[tuple[Cell, Cell]],
        widths: tuple[float, float],
        fonts: tuple[Font, Font],
        *,
        grid: Color,
        label_shade: Color,
        min_height: float = 0,
    ) -> None:
        super().__init__()
        self.rows = tuple(rows)
        self.widths = widths
        self.fonts = fonts
        self.grid = grid
        self.label_shade = label_shade
        self.min_height = min_height
        self._heights: list[float] = []

    def _cell_height(self, cell: Cell, column: int) -> float:
        return _cell_height(cell, self.fonts[column], self.widths[column] - 2 * self.PAD_X)

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        if not self._heights:
            pad = self.PAD_TOP + self.PAD_BOTTOM
            self._heights = [
                max(self.min_height, max(self._cell_height(cell, i) for i, cell in enumerate(row)) + pad)
                for row in self.rows
            ]
        self.width = sum(self.widths)
        self.height = sum(self._heights)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        self.wrap(availWidth, availHeight)
        count = _rows_that_fit(self._heights, availHeight)
        if count == 0 or count == len(self.rows):
            return []
        return [self._part(slice(None, count)), self._part(slice(count, None))]

    def _part(self, rows: slice) -> FieldGrid:
        part = FieldGrid(self.rows[rows], self.widths, self.fonts, grid=self.grid, label_shade=self.label_shade,
                         min_height=self.min_height)
        part._heights = self._heights[rows]
        return part

    def draw(self) -> None:
        canv = self.canv
        left, right = self.widths
        canv.setFillColor(self.label_shade)
        canv.rect(0, 0, left, self.height, stroke=0, fill=1)
        pen = _Pen(canv)
        top = self.height
        for row, height in zip(self.rows, self._heights):
            for cell, font, x in zip(row, self.fonts, (0.0, left)):
                _draw_cell(canv, pen, cell, font, x + self.PAD_X, top - self.PAD_TOP)
            top -= height
        pen.flush()
        edges, y = [], self.height
        for height in self._heights:
            edges.append((0, y, left + right, y))
            y -= height
        edges.append((0, 0, left + right, 0))
        edges.extend((x, 0, x, self.height) for x in (0, left, left + right))
        canv.setStrokeColor(self.grid)
        canv.setLineWidth(0.4)
        canv.lines(edges)


class RowTable(Flowable):
    """A ruled table with a shaded header row repeated at the top of every page it runs onto (identifiers,
    deadlines), drawn as reportlab's ``Table`` drew it with 6 pt side and 3 pt top/bottom cell padding.

    ``Table`` resolves its style per cell and, split over pages, builds a new table of every remaining row at each
    page break and measures them all again: quadratic in the rows, which made a 200-identifier EPOC cost twice per
    page what a short one did. Here every row is measured once and a split only slices the measured rows.
    """

    PAD_X, PAD_Y = 6.0, 3.0

    def __init__(
        self,
        header: Sequence[Cell],
        rows: Sequence[Sequence[Cell]],
        widths: Sequence[float],
        fonts: tuple[Font, Font],
        *,
        grid: Color,
        shade: Color,
    ) -> None:
        super().__init__()
        self.header = tuple(header)
        self.rows = tuple(tuple(row) for row in rows)
        self.widths = tuple(widths)
        self.fonts = fonts  # (header, body)
        self.grid = grid
        self.shade = shade
        self._heights: list[float] = []  # the header's first, then one per row

    def _row_height(self, row: Sequence[Cell], font: Font) -> float:
        tallest = max((_cell_height(cell, font, width - 2 * self.PAD_X) for cell, width in zip(row, self.widths)),
                      default=0.0)
        return tallest + 2 * self.PAD_Y

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        if not self._heights:
            head, body = self.fonts
            self._heights = [self._row_height(self.header, head), *(self._row_height(row, body) for row in self.rows)]
        self.width = sum(self.widths)
        self.height = sum(self._heights)
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        self.wrap(availWidth, availHeight)
        count = _rows_that_fit(self._heights[1:], availHeight, used=self._heights[0])
        if count == 0 or count == len(self.rows):  # the header never stands alone at the foot of a page
            return []
        return [self._part(slice(None, count)), self._part(slice(count, None))]

    def _part(self, rows: slice) -> RowTable:
        part = RowTable(self.header, self.rows[rows], self.widths, self.fonts, grid=self.grid, shade=self.shade)
        body = self._heights[1:]
        part._heights = [self._heights[0], *body[rows]]
        return part

    def draw(self) -> None:
        canv = self.canv
        canv.setFillColor(self.shade)
        canv.rect(0, self.height - self._heights[0], self.width, self._heights[0], stroke=0, fill=1)
        pen = _Pen(canv)
        top = self.height
        lines = [(self.header, self.fonts[0]), *((row, self.fonts[1]) for row in self.rows)]
        for (row, font), height in zip(lines, self._heights):
            x = 0.0
            for cell, width in zip(row, self.widths):
                _draw_cell(canv, pen, cell, font, x + self.PAD_X, top - self.PAD_Y)
                x += width
            top -= height
        pen.flush()
        edges, y = [], self.height
        for height in self._heights:
            edges.append((0, y, self.width, y))
            y -= height
        edges.append((0, 0, self.width, 0))
        x = 0.0
        for width in (0.0, *self.widths):
            x += width
            edges.append((x, 0, x, self.height))
        canv.saveState()
        canv.setLineCap(1)  # round caps and joins, as a Table's GRID command draws
        canv.setLineJoin(1)
        canv.setStrokeColor(self.grid)
        canv.setLineWidth(0.4)
        canv.lines(edges)
        canv.restoreState()
