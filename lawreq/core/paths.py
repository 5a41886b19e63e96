"""Where the shipped data folders are: in a source checkout, or inside the installed package.

The checkout keeps ``templates/`` and ``jurisdictions/`` at the top level; ``setup.py`` copies them into
``lawreq/_shipped/`` when a wheel is built. Pure (no Flask, no SQLAlchemy) so the rules CLI can use it too.
"""

from __future__ import annotations

from pathlib import Path

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_ROOT = PACKAGE_DIR.parent
SHIPPED_ROOT = PACKAGE_DIR / "_shipped"


def in_checkout() -> bool:
    """True when running from a source checkout (editable install, tests), not from an installed wheel."""
    return (PROJECT_ROOT / "pyproject.toml").is_file() and (PROJECT_ROOT / "lawreq").is_dir()


def shipped_dir(name: str) -> Path:
    """The checkout's top-level folder ``name`` first, then the copy inside the installed package.

    A checkout's folders win so that rules maintainers and template authors see their edits without a reinstall;
    an installed wheel has only its own copy.
    """
    checkout = PROJECT_ROOT / name
    if in_checkout() and checkout.is_dir():
        return checkout
    return SHIPPED_ROOT / name
