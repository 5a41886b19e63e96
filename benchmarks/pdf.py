"""PDF rendering: per page against a minimal one-page document, the first render in a new process (cold, and after
the worker warm-up), and an EPOC with 200 identifiers.

Run: python benchmarks/pdf.py [repeats]. The minimal document shows what the machine itself costs, so a slow
shared box does not hide a regression in lawreq. Targets: EPOC per page <= 2x the minimal page; the first EPOC in
a new worker (after ``lawreq.pdf.warm.warm_up``, as gunicorn workers and ``lawreq serve`` run it) <= 25 ms.

Each measure ends with a line ``RESULT <name> value=… baseline=… ratio=… target=… verdict=ok|miss``
(``benchmarks/_result.py``).
"""

from __future__ import annotations

import io
import json
import os
import random
import re
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

from reportlab.platypus import Paragraph, SimpleDocTemplate

from lawreq.pdf import render
from lawreq.pdf.fonts import REGULAR
from lawreq.pdf.layout import styles
from lawreq.pdf.render import example

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from _result import machine_load, result  # noqa: E402

PAGE = re.compile(rb"/Type\s*/Page(?![s\w])")

#: Run in a new interpreter: import lawreq, optionally warm up, then time one EPOC as the first user would get it.
FIRST_RENDER = """
import json, sys, time
from lawreq.pdf.render import example, render
if sys.argv[1] == "warm":
    from lawreq.pdf.warm import warm_up
    warm_up()
data = example("epoc")
data["reference"] = "FI-FIRST-USER-0001"
started = time.perf_counter()
render("epoc", data, invariant=True)
print((time.perf_counter() - started) * 1000)
"""


def minimal_document() -> bytes:
    buffer = io.BytesIO()
    doc = SimpleDocTemplate(buffer, invariant=1, initialFontName=REGULAR)
    doc.build([Paragraph("Minimal one-page document with DejaVu Sans: ÄÖÅ žš łę ΑΒΓ БВГ", styles().base)])
    return buffer.getvalue()


def pages(pdf: bytes) -> int:
    return len(PAGE.findall(pdf))


def timed(fn: Callable[[], bytes], repeats: int) -> tuple[float, float, bytes]:
    fn()
    runs = []
    out = b""
    for _ in range(repeats):
        start = time.perf_counter()
        out = fn()
        runs.append((time.perf_counter() - start) * 1000)
    return statistics.median(runs), min(runs), out


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


def many_identifiers(data: dict[str, Any], n: int = 200) -> dict[str, Any]:
    copy = json.loads(json.dumps(data))
    copy["identifiers"] = [{"type": "ip_address", "value": f"84.248.{i // 250}.{i % 250 + 1}",
                            "time_range_start": f"2026-11-02T21:{i % 60:02d}:05",
                            "time_range_end": f"2026-11-02T21:{i % 60:02d}:05", "timezone": "UTC"}
                           for i in range(n)]
    return copy


def first_render(mode: str, runs: int = 5) -> float:
    """Median over ``runs`` new interpreters of the first EPOC's render time (``mode``: cold | warm)."""
    times = [float(subprocess.run([sys.executable, "-c", FIRST_RENDER, mode], capture_output=True, text=True,
                                  check=True).stdout.strip()) for _ in range(runs)]
    return statistics.median(times)


def main(repeats: int = 20) -> None:
    data = example("epoc")
    big = many_identifiers(data)
    cases = {
        "minimal one-page reportlab": minimal_document,
        "EPOC en (cover + certificate)": lambda: render("epoc", data, invariant=True),
        "EPOC en, new values every run": varied(data),
        "EPOC fi+en bilingual": lambda: render("epoc", data, lang="fi", bilingual="en", invariant=True),
        "EPOC with 200 identifiers": lambda: render("epoc", big, invariant=True),
        "cover sheet only": lambda: render("cover_sheet", example("cover_sheet"), invariant=True),
    }
    print(machine_load())
    figures: dict[str, tuple[float, int]] = {}
    for name, fn in cases.items():
        median, best, out = timed(fn, repeats)
        figures[name] = (median, pages(out))
        print(f"{name:32s} median {median:7.1f} ms   best {best:7.1f} ms   {pages(out):3d} pages   "
              f"{len(out) / 1024:6.1f} KiB")
    minimal_ms, _ = figures["minimal one-page reportlab"]
    for name, label in (("EPOC en, new values every run", "pdf_epoc_per_page"),
                        ("EPOC with 200 identifiers", "pdf_epoc_200_identifiers_per_page")):
        ms, n = figures[name]
        result(label, ms / n, "ms", minimal_ms, "<=2x_minimal_page", ms / n <= 2 * minimal_ms)
    cold, warm = first_render("cold"), first_render("warm")
    print(f"first EPOC in a new process: cold {cold:.1f} ms, after warm_up() {warm:.1f} ms")
    result("pdf_first_epoc_new_worker", warm, "ms", cold, "<=25ms", warm <= 25)
    print(machine_load())


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
