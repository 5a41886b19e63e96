"""Server-rendered SVG bar charts: no JavaScript library, no CDN, readable by screen readers.

Pure: returns SVG markup as a string (every label escaped). Each chart carries a ``<title>`` and a ``<desc>``; the
page puts the same figures in a data table next to it, so the chart is never the only way to read them.
Colours come from CSS classes (``chart-s0``, ``chart-s1`` …) — no inline styles under the strict CSP.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from xml.sax.saxutils import escape

LABEL_WIDTH = 130
BAR_AREA = 230
BAR_HEIGHT = 14
GAP = 10
TOP = 28


@dataclass(frozen=True)
class Series:
    """One set of bars (e.g. "median"), one value per label; None = no data (drawn as "n/a")."""

    name: str
    values: tuple[float | None, ...]


def _fmt(value: float, unit: str) -> str:
    return f"{value * 100:.0f} %" if unit == "%" else f"{value:.1f} {unit}".rstrip()


def bar_chart(chart_id: str, title: str, labels: Sequence[str], series: Sequence[Series], unit: str = "") -> str:
    """A horizontal grouped bar chart; ``unit="%"`` reads values as fractions of one."""
    if not series:
        raise ValueError(f"chart {chart_id!r} needs at least one series")
    for s in series:
        if len(s.values) != len(labels):
            raise ValueError(f"chart {chart_id!r}: series {s.name!r} has {len(s.values)} values for "
                             f"{len(labels)} labels")
    known = [v for s in series for v in s.values if v is not None]
    top = max(known, default=0.0) or 1.0
    if unit == "%":
        top = max(top, 1.0)
    group_height = len(series) * BAR_HEIGHT + GAP
    height = TOP + max(len(labels), 1) * group_height + 10
    width = LABEL_WIDTH + BAR_AREA + 80
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" class="chart" role="img" viewBox="0 0 {width} {height}" '
             f'width="{width}" height="{height}" aria-labelledby="{chart_id}-title {chart_id}-desc">',
             f'<title id="{chart_id}-title">{escape(title)}</title>',
             f'<desc id="{chart_id}-desc">{escape(_describe(labels, series, unit))}</desc>']
    x = LABEL_WIDTH
    for i, s in enumerate(series):  # legend
        parts.append(f'<rect class="chart-s{i}" x="{x}" y="6" width="12" height="12"/>'
                     f'<text x="{x + 16}" y="16" class="chart-legend">{escape(s.name)}</text>')
        x += 24 + 8 * len(s.name)
    for row, label in enumerate(labels):
        y = TOP + row * group_height
        parts.append(f'<text x="{LABEL_WIDTH - 6}" y="{y + group_height / 2}" text-anchor="end" '
                     f'class="chart-label">{escape(label[:22])}</text>')
        for i, s in enumerate(series):
            value = s.values[row]
            by = y + i * BAR_HEIGHT
            if value is None:
                parts.append(f'<text x="{LABEL_WIDTH + 4}" y="{by + BAR_HEIGHT - 3}" class="chart-na">n/a</text>')
                continue
            w = max(BAR_AREA * value / top, 1.0)
            parts.append(f'<rect class="chart-s{i}" x="{LABEL_WIDTH}" y="{by}" width="{w:.1f}" '
                         f'height="{BAR_HEIGHT - 2}"><title>{escape(f"{label} — {s.name}: {_fmt(value, unit)}")}'
                         f'</title></rect>')
            parts.append(f'<text x="{LABEL_WIDTH + w + 4:.1f}" y="{by + BAR_HEIGHT - 3}" '
                         f'class="chart-value">{escape(_fmt(value, unit))}</text>')
    parts.append("</svg>")
    return "".join(parts)


def _describe(labels: Sequence[str], series: Sequence[Series], unit: str) -> str:
    if not labels:
        return "No data."
    return "; ".join(
        f"{label}: " + ", ".join(f"{s.name} {'n/a' if s.values[i] is None else _fmt(s.values[i], unit)}"
                                 for s in series)
        for i, label in enumerate(labels))


