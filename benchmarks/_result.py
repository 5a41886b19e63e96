"""The one line every benchmark ends with, so a reader (or a script) sees the verdict without reading the figures.

``RESULT <name> value=<number><unit> baseline=<number><unit> ratio=<x> target=<text> verdict=ok|miss``
"""

from __future__ import annotations

import os


def result(name: str, value: float, unit: str, baseline: float, target: str, ok: bool) -> bool:
    """Print the RESULT line; ``ratio`` is value / baseline (how many baselines the measure costs or yields)."""
    ratio = value / baseline if baseline else float("inf")
    print(f"RESULT {name} value={value:.4g}{unit} baseline={baseline:.4g}{unit} ratio={ratio:.3g} "
          f"target={target} verdict={'ok' if ok else 'miss'}", flush=True)
    return ok


def machine_load() -> str:
    """The 1/5/15-minute load averages and the core count, to print beside the figures (a shared box skews them)."""
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} on {os.cpu_count()} cores"
