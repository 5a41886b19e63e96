"""WTForms 3.3 wants ``SelectChoice`` objects (tuples are deprecated); build them from (value, label) pairs.

A pure module's ``N_`` label (a data category, a scope) is looked up in the viewer's catalogue when the form
renders; a label that is data (a unit's name, a route title from the rules) shows as typed.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import LazyString
from wtforms import SelectChoice


def _translated(label: object) -> object:
    """A pure module's message (``N_``/``T``) is translated when the form renders; data stays as it is."""
    from lawreq.core.text import Msg

    if isinstance(label, Msg):
        from lawreq.web.formatting import tr

        return LazyString(tr, label)
    return label


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, _translated(label)) for value, label in pairs]
