"""Two lean flowables for what every certificate is mostly made of: label/value rows and short fixed lines.

A reportlab ``Table`` resolves its style commands cell by cell and a ``Paragraph`` parses mini-markup and breaks
lines fragment by fragment; for an EPOC that was two thirds of the build time. The forms' rows and tick-boxes need
neither: their fonts are fixed and their text is plain, so these draw straight onto the canvas with one text object.
Both split between pages at a row or line boundary, like the Table and Paragraph they replace.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from reportlab.lib.colors import Color
from reportlab.lib.utils import simpleSplit
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


class Lines(Flowable):
    """Runs of plain text one under the other, optionally behind a hanging mark (the tick-box) and on a shaded bar.

    ``mark`` is drawn on the first line at ``offset`` and every line of text starts ``indent`` further right, which
    is how a tick-box list reads in the Official Journal forms.
    """

    def __init__(
        self,
        runs: Sequence[Run],
        *,
        mark: Run | None = None,
        indent: float = 0,
        offset: float = 0,
        space_before: float = 0,
        space_after: float = 0,
        shade: Color | None = None,
        padding: tuple[float, float] = (0, 0),
    ) -> None:
        super().__init__()
        self.runs = tuple(runs)
        self.mark = mark
        self.indent = indent
        self.offset = offset
        self.spaceBefore = space_before
        self.spaceAfter = space_after
        self.shade = shade
        self.pad_y, self.pad_x = padding
        self._lines: list[tuple[str, Font]] = []
        self._for_width: float | None = None

    def _layout(self, width: float) -> None:
        if self._for_width == width:
            return
        room = width - self.offset - self.indent
        self._lines = [
            (line, run.font)
            for run in self.runs
            for line in (simpleSplit(run.text, run.font.name, run.font.size, room) or [""])
        ]
        self._for_width = width

    def wrap(self, availWidth: float, availHeight: float) -> tuple[float, float]:  # noqa: N803 - reportlab API
        self._layout(availWidth)
        self.width = availWidth
        self.height = sum(font.leading for _, font in self._lines) + 2 * self.pad_y
        return self.width, self.height

    def split(self, availWidth: float, availHeight: float) -> list[Flowable]:  # noqa: N803 - reportlab API
        self._layout(availWidth)
        used, count = 2 * self.pad_y, 0
        for _, font in self._lines:
            if used + font.leading > availHeight:
                break
            used += font.leading
            count += 1
        if count == 0 or count == len(self._lines):
            return []
        head, tail = self._lines[:count], self._lines[count:]
        first = _PreSplit(self, head, space_before=self.spaceBefore, space_after=0, mark=self.mark)
        rest = _PreSplit(self, tail, space_before=0, space_after=self.spaceAfter, mark=None)
        return [first, rest]

    def draw(self) -> None:
        canv = self.canv
        if self.shade is not None:
            canv.setFillColor(self.shade)
            canv.rect(-self.pad_x, 0, self.width + 2 * self.pad_x, self.height, stroke=0, fill=1)
        text = canv.beginText()
        top = self.height - self.pad_y
        for index, (line, font) in enumerate(self._lines):
            baseline = top - font.size  # where a Paragraph puts its first baseline
            if index == 0 and self.mark is not None:
                _out(text, self.mark.text, self.mark.font, self.offset, baseline)
            _out(text, line, font, self.offset + self.indent, baseline)
            top -= font.leading
        canv.drawText(text)


class _PreSplit(Lines):
    """One page's share of a split :class:`Lines`: the lines are already broken, so it only draws them."""

    def __init__(self, whole: Lines, lines: list[tuple[str, Font]], *, space_before: float, space_after: float,
                 mark: Run | None) -> None:
        super().__init__(whole.runs, mark=mark, indent=whole.indent, offset=whole.offset, space_before=space_before,
                         space_after=space_after, shade=whole.shade, padding=(whole.pad_y, whole.pad_x))
        self._lines = lines
        self._for_width = whole._for_width

    def _layout(self, width: float) -> None:
        return


def _out(text: Any, line: str, font: Font, x: float, y: float) -> None:
    text.setTextOrigin(x, y)
    text.setFont(font.name, font.size)
    text.setFillColor(font.color)
    text.textOut(line)


Cell = str | Paragraph


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
        if isinstance(cell, str):
            return self.fonts[column].leading
        return cell.wrap(self.widths[column] - 2 * self.PAD_X, 1e6)[1]

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
        used, count = 0.0, 0
        for height in self._heights:
            if used + height > availHeight:
                break
            used += height
            count += 1
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
        text = canv.beginText()
        top = self.height
        for row, height in zip(self.rows, self._heights):
            for column, (cell, x) in enumerate(zip(row, (0.0, left))):
                if isinstance(cell, str):
                    font = self.fonts[column]
                    _out(text, cell, font, x + self.PAD_X, top - self.PAD_TOP - font.size)
                else:  # flush first, so the text reads in row order when copied or extracted
                    canv.drawText(text)
                    cell.drawOn(canv, x + self.PAD_X, top - self.PAD_TOP - cell.height)
                    text = canv.beginText()
            top -= height
        canv.drawText(text)
        edges, y = [], self.height
        for height in self._heights:
            edges.append((0, y, left + right, y))
            y -= height
        edges.append((0, 0, left + right, 0))
        edges.extend((x, 0, x, self.height) for x in (0, left, left + right))
        canv.setStrokeColor(self.grid)
        canv.setLineWidth(0.4)
        canv.lines(edges)
