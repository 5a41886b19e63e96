"""WTForms 3.3 wants ``SelectChoice`` objects (tuples are deprecated); build them from (value, label) pairs."""

from __future__ import annotations

from collections.abc import Iterable

from wtforms import SelectChoice


def choices(pairs: Iterable[tuple[object, str]]) -> list[SelectChoice]:
    return [SelectChoice(value, label) for value, label in pairs]
