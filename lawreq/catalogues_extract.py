"""Extract the interface's messages from the sources (the same mapping as ``babel.cfg``), without pybabel.

Used by ``lawreq i18n update`` and by the test that fails when a catalogue misses a message.
"""

from __future__ import annotations

from pathlib import Path

from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir

ROOT = Path(__file__).resolve().parent.parent
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "_l": None, "lazy_gettext": None,
            "lazy_ngettext": (1, 2)}
METHODS = [("lawreq/**.py", "python"), ("templates/**.html", "jinja2"), ("templates/**.txt", "jinja2")]


def extract(root: Path = ROOT) -> Catalog:
    catalog = Catalog(project="lawreq", copyright_holder="lawreq contributors")
    for filename, lineno, message, comments, context in extract_from_dir(
            str(root), method_map=METHODS, keywords=KEYWORDS, options_map={"templates/**.html": {},
                                                                               "templates/**.txt": {}}):
        if filename.startswith((".venv", "tests")):
            continue
        catalog.add(message, None, [(filename, lineno)], auto_comments=comments, context=context)
    return catalog
