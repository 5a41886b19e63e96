"""Time per EPOC (cover sheet + certificate) against a minimal one-page reportlab document, in the same run.

Run: /work/venv/bin/python benchmarks/pdf.py [repeats]. Target: ≤ 30 ms per EPOC on the reference box. The minimal
document shows what the machine itself costs, so a slow shared box does not hide a regression in lawreq.
"""

from __future__ import annotations

import io
import json
import random
import statistics
import sys
import time
from collections.abc import Callable
from typing import Any

from reportlab.platypus import Paragraph, SimpleDocTemplate

from lawreq.pdf import render
from lawreq.pdf.fonts import REGULAR
from lawreq.pdf.layout import styles
from lawreq.pdf.render import example


def minimal_document() -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, invariant=1, initialFontName=REGULAR)
    doc.build([Paragraph("Minimal one-page document with DejaVu Sans: ÄÖÅ žš łę ΑΒΓ БВГ", styles().base)])
    return buffer.getvalue()


def timed(fn: Callable[[], bytes], repeats: int) -> tuple[float, float, int]:
    fn()
    runs = []
    for _ in range(repeats):
        start = time.perf_counter()
        size = len(fn())
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs), size


def varied(data: dict[str, Any]) -> Callable[[], bytes]:
    """A new reference, signatory and free text on every run, drawn from Latin, Greek and Cyrillic letters, so the
    font-subset memo cannot serve a whole document from the previous run."""
    rng = random.Random(2026)
    letters = "abcdefghijklmnopqrstuvwxyzäöåžšłęõ" + "αβγδεζηθ" + "бвгдёжзий"

    def run() -> bytes:
        copy = json.loads(json.dumps(data))
        word = "".join(rng.choice(letters) for _ in range(12))
        copy["reference"] = f"FI-{rng.randrange(10**6):06d}-{word}"
        copy["issuing_authority"]["signatory"] = word.title()
        copy["facts_summary"] = f"{copy['facts_summary']} {word}"
        return render("epoc", copy, invariant=True)

    return run


def main(repeats: int = 20) -> None:
    data = example("epoc")
    cases = {
        "minimal one-page reportlab": minimal_document,
        "EPOC en (cover + certificate)": lambda: render("epoc", data, invariant=True),
        "EPOC en, new values every run": varied(data),
        "EPOC fi+en bilingual": lambda: render("epoc", data, lang="fi", bilingual="en", invariant=True),
        "cover sheet only": lambda: render("cover_sheet", example("cover_sheet"), invariant=True),
    }
    for name, fn in cases.items():
        median, best, size = timed(fn, repeats)
        print(f"{name:32s} median {median:7.1f} ms   best {best:7.1f} ms   {size / 1024:6.1f} KiB")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
