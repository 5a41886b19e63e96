"""The label catalogue: fixed form text per language, loaded from ``labels/<lang>.json``.

Each catalogue says whether its wording is ``official``. Only English is marked official, and only because its
titles and Sections A–B of the EU annexes follow the Official Journal text seen in ``forms.md``; every other
catalogue is a careful but unofficial translation, and the PDF says so in print. A form is offered in a language
only when that catalogue has every label the form uses — no silent fallback to English in the middle of a form.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from types import MappingProxyType
from typing import Any

from lawreq.pdf.blocks import Label

CATALOGUE_DIR = Path(__file__).parent / "labels"


@dataclass(frozen=True)
class Catalogue:
    lang: str
    name: str
    official: bool
    labels: MappingProxyType[str, str]


class MissingLabelError(KeyError):
    def __init__(self, lang: str, key: str) -> None:
        self.lang = lang
        self.key = key
        super().__init__(f"no label {key!r} in language {lang!r}")


@cache
def catalogues() -> MappingProxyType[str, Catalogue]:
    found: dict[str, Catalogue] = {}
    for path in sorted(CATALOGUE_DIR.glob("*.json")):
        raw = json.loads(path.read_text(encoding="utf-8"))
        if raw["lang"] != path.stem:
            raise ValueError(f"{path.name}: lang {raw['lang']!r} does not match the file name")
        found[path.stem] = Catalogue(
            lang=raw["lang"], name=raw["name"], official=bool(raw["official"]),
            labels=MappingProxyType(dict(raw["labels"])),
        )
    return MappingProxyType(found)


def languages() -> tuple[str, ...]:
    return tuple(catalogues())


class Labels:
    """Looks labels up in the form language and, for a bilingual rendering, in the second language too."""

    def __init__(self, lang: str, second: str | None = None) -> None:
        known = catalogues()
        self.lang = lang
        self.second = second
        self.catalogue = known[lang]
        self.second_catalogue = known[second] if second else None

    def _text(self, catalogue: Catalogue, key: str, fmt: dict[str, Any]) -> str:
        try:
            text = catalogue.labels[key]
        except KeyError:
            raise MissingLabelError(catalogue.lang, key) from None
        return text.format(**fmt) if fmt else text

    def __call__(self, key: str, **fmt: Any) -> Label:
        second = self._text(self.second_catalogue, key, fmt) if self.second_catalogue else None
        return Label(self._text(self.catalogue, key, fmt), second)

    def text(self, key: str, **fmt: Any) -> str:
        """Form-language text only, for places that cannot hold two languages (metadata, footers)."""
        return self._text(self.catalogue, key, fmt)


class RecordingLabels(Labels):
    """Answers every key with the key itself and remembers it, to learn which labels a form needs."""

    def __init__(self) -> None:
        self.lang = "en"
        self.second = None
        self.used: set[str] = set()

    def __call__(self, key: str, **fmt: Any) -> Label:
        self.used.add(key)
        return Label(key)

    def text(self, key: str, **fmt: Any) -> str:
        self.used.add(key)
        return key
