"""Time to sign an issued EPOC (PAdES B-B, unit key from a throw-away CA) and to verify it, against rendering it.

Run: python benchmarks/signing.py [repeats]. Targets: signing ≤ 100 ms and verifying ≤ 100 ms per document (what an
approver waits for after confirming; what /verify spends per genuine upload). Rendering is timed in the same run as
the box's baseline, so a slow shared machine does not hide a regression.

Each measure ends with a line ``RESULT <name> value=… baseline=… ratio=… target=… verdict=ok|miss``
(``benchmarks/_result.py``).
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

from lawreq.pdf import render
from lawreq.pdf.render import example
from lawreq.signing import SigningKeys
from lawreq.signing.sign import sign_pdf
from lawreq.signing.throwaway import write_demo_keys
from lawreq.signing.verify import check_signature

sys.path.insert(0, str(Path(__file__).resolve().parent))
from _result import machine_load, result  # noqa: E402


def _median_ms(fn, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        fn()
        times.append((time.perf_counter() - start) * 1000)
    return statistics.median(times)


def main(repeats: int = 20) -> None:
    with tempfile.TemporaryDirectory() as folder:
        write_demo_keys(Path(folder) / "signing", [("BENCH", "Benchmark authority")], "bench")
        keys = SigningKeys.load({"SIGNING_PASSWORD_BENCH": "bench"}, folder, environ={})
    key = keys.for_unit("BENCH", datetime.now(timezone.utc))
    data = example("epoc")
    pdf = render("epoc", data, lang="en", invariant=True)
    signed = sign_pdf(pdf, key, reason="benchmark").pdf  # warm-up (imports, first key use)
    assert check_signature(signed, keys.trust_roots).ok
    render_ms = _median_ms(lambda: render("epoc", data, lang="en", invariant=True), repeats)
    sign_ms = _median_ms(lambda: sign_pdf(pdf, key, reason="benchmark"), repeats)
    verify_ms = _median_ms(lambda: check_signature(signed, keys.trust_roots), repeats)
    print(machine_load())
    for name, value in (("signing_sign", sign_ms), ("signing_verify", verify_ms)):
        result(name, value, "ms", render_ms, "<=100ms", value <= 100)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 20)
