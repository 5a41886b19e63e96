"""WTForms 3.3 wants ``SelectChoice`` objects (tuples are deprecated); build them from (value, label) pairs.

Labels are looked up in the viewer's catalogue when the form renders, so a pure module's ``N_`` label (a data
category, a scope) shows translated; a label that is data (a unit's name) has no entry and shows as typed.
"""

from __future__ import annotations

from collections.abc import Iterable

from flask_babel import LazyString
from wtforms import SelectChoice


def _translated(label: object) -> object:
    if isinstance(label, str) and label and not isinstance(label, LazyString):
        from lawreq.web.formatting import tr

        return LazyString(tr, label)
    return label


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, _translated(label)) for value, label in pairs]
