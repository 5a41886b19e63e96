"""CSV output that a spreadsheet cannot turn into a formula (CSV injection, OWASP), written row by row so an
export of the whole board never sits in memory."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator

#: A cell starting with one of these is a formula to Excel / LibreOffice (tab and CR too, per OWASP).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def safe_cell(value: object) -> str:
    """The cell as text, prefixed with a quote if a spreadsheet would evaluate it."""
    text = "" if value is None else str(value)
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def stream(rows: Iterable[Iterable[object]]) -> Iterator[str]:
    """Yield CSV text one row at a time, every cell made safe."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    for row in rows:
        writer.writerow([safe_cell(v) for v in row])
        yield buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
