"""A small typed validator for the closed rules schema.

jsonschema is not a dependency and its messages do not carry YAML line numbers; this validator walks
the marked YAML tree, collects *every* problem with its ``line:col`` and dotted field path, and
returns a normalised copy (dates parsed, marks kept) for the semantic pass.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date, datetime
from urllib.parse import urlsplit
from typing import Any, Callable

from lawreq.rules.yamlio import Mark, MarkedDict, MarkedList

ISO_DURATION = re.compile(r"^P(?!$)(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(?=\d)(\d+H)?(\d+M)?(\d+S)?)?$")
DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$")


@dataclass
class Issues:
    """Problems collected for one file: (mark, dotted path, message)."""

    items: list[tuple[Mark, str, str]] = field(default_factory=list)

    def add(self, mark: Mark, path: str, message: str) -> None:
        """Record one problem."""
        self.items.append((mark, path, message))


def join(path: str, key: str | int) -> str:
    """Extend a dotted field path: ``a.b`` + ``c`` or ``a.b`` + ``0`` → ``a.b[0]``."""
    if isinstance(key, int):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else key


def _type_name(value: Any) -> str:
    return {dict: "mapping", MarkedDict: "mapping", list: "list", MarkedList: "list", bool: "boolean",
            int: "integer", float: "number", str: "string", date: "date"}.get(type(value), type(value).__name__)


class Spec:
    """Base: ``check`` returns the normalised value or ``None`` after recording a problem."""

    expected = "value"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        raise NotImplementedError

    def wrong(self, value: Any, path: str, mark: Mark, issues: Issues) -> None:
        issues.add(mark, path, f"expected {self.expected}, got {_type_name(value)} {value!r}")


@dataclass(frozen=True)
class Str(Spec):
    """A non-empty string, optionally matching a pattern or one of fixed choices."""

    pattern: str | None = None
    choices: tuple[str, ...] = ()
    what: str = ""

    @property
    def expected(self) -> str:  # type: ignore[override]
        if self.choices:
            return "one of " + ", ".join(self.choices)
        return self.what or "a non-empty string"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if not isinstance(value, str) or not value.strip():
            return self.wrong(value, path, mark, issues)
        if self.choices and value not in self.choices:
            return self.wrong(value, path, mark, issues)
        if self.pattern and not re.match(self.pattern, value):
            return self.wrong(value, path, mark, issues)
        return value


@dataclass(frozen=True)
class Num(Spec):
    """A number (booleans excluded), optionally at least ``minimum``."""

    minimum: float | None = None

    @property
    def expected(self) -> str:  # type: ignore[override]
        return "a number" if self.minimum is None else f"a number >= {self.minimum:g}"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return self.wrong(value, path, mark, issues)
        if self.minimum is not None and value < self.minimum:
            return self.wrong(value, path, mark, issues)
        return value


class Bool(Spec):
    """``true`` or ``false`` (nothing else is a boolean in rules data)."""

    expected = "true or false"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        return value if isinstance(value, bool) else self.wrong(value, path, mark, issues)


class Date(Spec):
    """A calendar date written ``YYYY-MM-DD``: a day that exists (not 30 February), without a time."""

    expected = "a date YYYY-MM-DD"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if isinstance(value, datetime):
            issues.add(mark, path, f"expected a date YYYY-MM-DD without a time, got {value.isoformat()!r}")
            return None
        if isinstance(value, date):
            return value
        if isinstance(value, str) and DATE.match(value):
            try:
                return date.fromisoformat(value)
            except ValueError as exc:
                issues.add(mark, path, f"{value!r} is not a calendar date ({exc})")
                return None
        return self.wrong(value, path, mark, issues)


class Url(Spec):
    """An absolute http(s) URL with a host name (``https://host.tld/...``), no spaces, a numeric port if any."""

    expected = "an http(s) URL such as https://example.org/page"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if not isinstance(value, str) or not URL.match(value):
            return self.wrong(value, path, mark, issues)
        try:
            parts = urlsplit(value)
            parts.port  # noqa: B018 - raises ValueError on a malformed port
        except ValueError as exc:
            issues.add(mark, path, f"malformed URL {value!r}: {exc}")
            return None
        host = parts.hostname or ""
        labels = host.removesuffix(".").split(".")  # a trailing dot (FQDN) is valid DNS
        if len(labels) < 2 or not all(re.match(r"^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$", lbl) for lbl in labels) \
                or not re.match(r"^[a-z]{2,}$|^xn--[a-z0-9-]+$|^\d{1,3}$", labels[-1]):
            issues.add(mark, path, f"malformed URL {value!r}: {host!r} is not a host name")
            return None
        return value


DURATION = Str(pattern=ISO_DURATION.pattern, what="an ISO 8601 duration such as P10D or PT8H")
URL_SPEC = Url()
#: a maintainer handle (``reviewed_by``, ``reviewed.by``)
HANDLE = Str(pattern=r"^[a-z0-9][a-z0-9._-]{1,38}$", what="a maintainer handle (lower-case letters, digits, '.', '_', '-'; 2-39 characters)")
COUNTRY = Str(pattern=r"^[A-Z]{2}$", what="an ISO 3166-1 alpha-2 code in upper case")
LANGUAGE = Str(pattern=r"^[a-z]{2}$", what="an ISO 639-1 code in lower case")
ID = Str(pattern=r"^[a-z0-9][a-z0-9_.-]*$", what="an id of lower-case letters, digits, '-', '_' or '.'")


@dataclass(frozen=True)
class ListOf(Spec):
    """A list whose items all match ``item``."""

    item: Spec
    min_items: int = 0

    expected = "a list"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if not isinstance(value, list):
            return self.wrong(value, path, mark, issues)
        if len(value) < self.min_items:
            issues.add(mark, path, f"expected at least {self.min_items} item(s), got {len(value)}")
            return None
        out = MarkedList()
        out.__mark__ = getattr(value, "__mark__", mark)
        out.__marks__ = []
        for i, item in enumerate(value):
            item_mark = value.item_mark(i) if isinstance(value, MarkedList) else mark
            out.append(self.item.check(item, join(path, i), item_mark, issues))
            out.__marks__.append(item_mark)
        return out


def _mapping_marks(value: Any, key: Any, mark: Mark) -> tuple[Mark, Mark]:
    if isinstance(value, MarkedDict):
        return value.key_mark(key), value.value_mark(key)
    return mark, mark


def _new_like(value: Any, mark: Mark) -> MarkedDict:
    out = MarkedDict()
    out.__mark__ = getattr(value, "__mark__", mark)
    out.__marks__ = dict(getattr(value, "__marks__", {}))
    return out


@dataclass(frozen=True)
class Record(Spec):
    """A closed mapping: known keys only; ``required`` keys must be present.

    ``extra`` runs after the fields, on the normalised mapping, for cross-field rules.
    """

    fields: dict[str, Spec]
    required: frozenset[str] = frozenset()
    extra: Callable[[MarkedDict, str, Mark, Issues], None] | None = None
    expected = "a mapping"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, path, mark, issues)
        out = _new_like(value, mark)
        for key, item in value.items():
            key_mark, value_mark = _mapping_marks(value, key, mark)
            spec = self.fields.get(key) if isinstance(key, str) else None
            if spec is None:
                known = ", ".join(sorted(self.fields))
                issues.add(key_mark, join(path, str(key)), f"unknown key {key!r} (known keys: {known})")
                continue
            out[key] = spec.check(item, join(path, key), value_mark, issues)
        for key in sorted(self.required - set(value)):
            issues.add(out.__mark__, join(path, key), "required key is missing")
        if self.extra is not None:
            self.extra(out, path, out.__mark__, issues)
        return out


@dataclass(frozen=True)
class MapOf(Spec):
    """An open mapping from keys matching ``key`` to values matching ``value``."""

    key: Spec
    value: Spec
    expected = "a mapping"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if not isinstance(value, dict):
            return self.wrong(value, path, mark, issues)
        out = _new_like(value, mark)
        for key, item in value.items():
            key_mark, value_mark = _mapping_marks(value, key, mark)
            checked_key = self.key.check(key, join(path, str(key)), key_mark, issues)
            if checked_key is not None:
                out[checked_key] = self.value.check(item, join(path, str(key)), value_mark, issues)
        return out


class AnyScalar(Spec):
    """A scalar or a list of scalars (condition operands)."""

    expected = "a scalar or a list of scalars"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        scalar = (str, int, float, bool, date)
        if isinstance(value, scalar):
            return value
        if isinstance(value, list) and all(isinstance(v, scalar) for v in value):
            return tuple(value)
        return self.wrong(value, path, mark, issues)


@dataclass(frozen=True)
class OneOf(Spec):
    """The first spec whose ``accepts`` says yes checks the value (e.g. a string or a mapping)."""

    options: tuple[tuple[Callable[[Any], bool], Spec], ...]
    what: str = "value"

    @property
    def expected(self) -> str:  # type: ignore[override]
        return self.what

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        for accepts, spec in self.options:
            if accepts(value):
                return spec.check(value, path, mark, issues)
        return self.wrong(value, path, mark, issues)


class Lazy(Spec):
    """A forward reference for recursive specs (conditions)."""

    def __init__(self, factory: Callable[[], Spec]) -> None:
        self._factory = factory
        self._spec: Spec | None = None

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if self._spec is None:
            self._spec = self._factory()
        return self._spec.check(value, path, mark, issues)


@dataclass(frozen=True)
class Nullable(Spec):
    """``null`` (meaning "absent", e.g. no such deadline) or a value matching ``inner``."""

    inner: Spec

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        return None if value is None else self.inner.check(value, path, mark, issues)
