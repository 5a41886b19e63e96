"""Compile the interface catalogues (``lawreq/translations/*/LC_MESSAGES/messages.po`` → ``.mo``).

Pure (Babel only, no Flask): the package build (``setup.py``'s build_py hook, for regular and editable installs),
``lawreq i18n compile`` and the freshness test share it. The ``.mo`` files are also committed, so a checkout
works before any install; ``tests/i18n`` fails when one is missing or differs from its ``.po``.
"""

from __future__ import annotations

import io
from pathlib import Path

from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

TRANSLATIONS = Path(__file__).parent / "translations"


def po_files(root: Path = TRANSLATIONS) -> list[Path]:
    return sorted(root.glob("*/LC_MESSAGES/messages.po"))


def compiled(po: Path) -> bytes:
    """The ``.mo`` bytes for one ``.po`` (fuzzy entries left out, as pybabel compile does)."""
    with po.open("rb") as handle:
        catalog = read_po(handle, locale=po.parts[-3])
    out = io.BytesIO()
    write_mo(out, catalog, use_fuzzy=False)
    return out.getvalue()


def compile_all(root: Path = TRANSLATIONS) -> list[Path]:
    """Write every stale or missing ``.mo``; return the ones written."""
    written = []
    for po in po_files(root):
        mo = po.with_suffix(".mo")
        data = compiled(po)
        if not mo.is_file() or mo.read_bytes() != data:
            mo.write_bytes(data)
            written.append(mo)
    return written
