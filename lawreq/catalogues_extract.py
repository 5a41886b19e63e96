"""Extract the interface's messages from the sources (the same mapping as ``babel.cfg``), without pybabel.

Used by ``lawreq i18n update`` and by the test that fails when a catalogue misses a message.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_file

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None, "N_": None, "T": None,
            "lazy_ngettext": (1, 2)}


def extract(root: Path = ROOT) -> Catalog:
    """Every message of the sources. Babel's own directory walk skips folders starting with ``_`` (it would miss
    ``templates/_macros``), so the files are listed here and each is extracted on its own."""
    catalog = Catalog(project="lawreq", copyright_holder="lawreq contributors")
    files = [(path, "python") for path in sorted((root / "lawreq").rglob("*.py"))]
    files += [(path, "jinja2") for ext in ("*.html", "*.txt") for path in sorted((root / "templates").rglob(ext))]
    for path, method in files:
        relative = path.relative_to(root).as_posix()
        for lineno, message, comments, context in extract_from_file(method, str(path), keywords=KEYWORDS,
                                                                    options={} if method == "python" else
                                                                    {"extensions": "jinja2.ext.i18n"}):
            catalog.add(message, None, [(relative, lineno)], auto_comments=comments, context=context)
    return catalog
