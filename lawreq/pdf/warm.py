"""Pay the first render's cost at process start, not in the first user's request.

A fresh process registers the TrueType faces, parses their tables, fills the label and layout caches and builds
the font subsets on its first document: about 60 ms more than a warm render. Rendering the example EPOC once in
each language catalogue's default (English) does all of that; gunicorn workers do it as they start
(``lawreq/wsgi.py``), ``lawreq serve`` before it listens.
"""

from __future__ import annotations

import logging
import time

log = logging.getLogger(__name__)

#: The forms rendered at start: the ones an investigator downloads first (the EPOC and its cover sheet share faces).
WARM_FORMS = ("epoc", "cover_sheet")


def warm_up() -> float:
    """Render each of :data:`WARM_FORMS` once from its example; returns the milliseconds spent. Never raises: a
    failure here must not stop a worker that would render fine later (it is logged)."""
    from lawreq.pdf.render import example, render

    started = time.perf_counter()
    try:
        for form in WARM_FORMS:
            render(form, example(form), invariant=True)
    except Exception:  # noqa: BLE001 - warming is an optimisation only
        log.exception("PDF warm-up failed; the first document will render cold")
    return (time.perf_counter() - started) * 1000
