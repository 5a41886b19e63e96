"""YAML reading that keeps line/column marks and does not turn ``NO`` (Norway) into ``False``.

YAML 1.1 treats ``yes/no/on/off`` as booleans; in rules data that silently rewrites country codes,
so only ``true``/``false`` are booleans here. Every mapping and sequence remembers where each key
and value sits so that validation errors can name ``file:line:col``.
"""

from __future__ import annotations

import re
from typing import Any

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"

#: (line, column), both 1-based, as printed in error messages.
Mark = tuple[int, int]


class MarkedDict(dict):  # type: ignore[type-arg]
    """A mapping that knows where it and each of its keys and values were written."""

    __mark__: Mark = (1, 1)
    __marks__: dict[Any, tuple[Mark, Mark]]

    def key_mark(self, key: Any) -> Mark:
        """Where ``key`` itself was written (falls back to the mapping's own mark)."""
        marks = getattr(self, "__marks__", {})
        return marks[key][0] if key in marks else self.__mark__

    def value_mark(self, key: Any) -> Mark:
        """Where the value of ``key`` starts (falls back to the mapping's own mark)."""
        marks = getattr(self, "__marks__", {})
        return marks[key][1] if key in marks else self.__mark__


class MarkedList(list):  # type: ignore[type-arg]
    """A sequence that knows where it and each item were written."""

    __mark__: Mark = (1, 1)
    __marks__: list[Mark]

    def item_mark(self, index: int) -> Mark:
        """Where item ``index`` starts (falls back to the sequence's own mark)."""
        marks = getattr(self, "__marks__", [])
        return marks[index] if index < len(marks) else self.__mark__


def _mark(node: yaml.Node) -> Mark:
    return (node.start_mark.line + 1, node.start_mark.column + 1)


#: libyaml's parser when PyYAML was built with it (about 10x faster); construction stays in Python either way
_BaseLoader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class MarkedLoader(_BaseLoader):  # type: ignore[misc, valid-type]
    """Safe loader with YAML-1.2-style booleans, marks on containers and duplicate-key detection."""

    def __init__(self, stream: Any) -> None:
        super().__init__(stream)
        #: problems found while constructing (duplicate keys, unhashable keys): (mark, message)
        self.problems: list[tuple[Mark, str]] = []


MarkedLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
MarkedLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|false)$"), list("tf"))


def _construct_bool(loader: MarkedLoader, node: yaml.ScalarNode) -> bool:
    return loader.construct_scalar(node) == "true"


def _construct_map(loader: MarkedLoader, node: yaml.MappingNode):  # type: ignore[no-untyped-def]
    result = MarkedDict()
    yield result
    loader.flatten_mapping(node)
    result.__mark__ = _mark(node)
    result.__marks__ = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=True)
        if not isinstance(key, (str, int, float, bool)) and key is not None:
            loader.problems.append((_mark(key_node), "mapping keys must be plain scalars"))
            continue
        if key in result.__marks__:
            loader.problems.append((_mark(key_node), f"duplicate key {key!r}"))
        result[key] = loader.construct_object(value_node, deep=True)
        result.__marks__[key] = (_mark(key_node), _mark(value_node))


def _construct_seq(loader: MarkedLoader, node: yaml.SequenceNode):  # type: ignore[no-untyped-def]
    result = MarkedList()
    yield result
    result.__mark__ = _mark(node)
    result.__marks__ = [_mark(item) for item in node.value]
    result.extend(loader.construct_object(item, deep=True) for item in node.value)


def _construct_timestamp(loader: MarkedLoader, node: yaml.ScalarNode) -> Any:
    """A date or date-time; a date that does not exist (``2026-02-30``) stays its text, so the schema can
    report it as ``file:line:col: field: not a calendar date`` instead of the parser raising ValueError."""
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


MarkedLoader.add_constructor(_BOOL_TAG, _construct_bool)
MarkedLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)
MarkedLoader.add_constructor("tag:yaml.org,2002:map", _construct_map)
MarkedLoader.add_constructor("tag:yaml.org,2002:seq", _construct_seq)


_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"
_TIMESTAMP = "tag:yaml.org,2002:timestamp"
_MAP = "tag:yaml.org,2002:map"
_SEQ = "tag:yaml.org,2002:seq"


class _Builder:
    """Build the marked tree straight from the composed nodes.

    Same result as the constructors registered above (which stay for any other use of the loader), about three
    times faster: PyYAML's generic constructor machinery (generators, deep construction, per-node dispatch) was
    most of the rules load time. Anchored nodes are built once and shared, as PyYAML does; tags other than the
    plain ones go to the safe loader's own constructors (so ``!!python/...`` is still refused).
    """

    def __init__(self, loader: MarkedLoader) -> None:
        self.loader = loader
        self.built: dict[int, Any] = {}

    def build(self, node: yaml.Node) -> Any:
        if isinstance(node, yaml.ScalarNode):
            tag = node.tag
            if tag == _STR:
                return node.value
            if tag == _BOOL_TAG:
                return node.value == "true"
            if tag == _NULL:
                return None
            if tag == _INT and node.value.isdigit():
                return int(node.value)
            if tag == _TIMESTAMP:
                return _construct_timestamp(self.loader, node)
            return self.loader.construct_object(node, deep=True)
        key = id(node)
        if key in self.built:
            return self.built[key]
        if isinstance(node, yaml.MappingNode) and node.tag == _MAP:
            result: Any = MarkedDict()
            self.built[key] = result
            self.loader.flatten_mapping(node)
            result.__mark__ = _mark(node)
            marks: dict[Any, tuple[Mark, Mark]] = {}
            result.__marks__ = marks
            for key_node, value_node in node.value:
                item_key = self.build(key_node)
                if not isinstance(item_key, (str, int, float, bool)) and item_key is not None:
                    self.loader.problems.append((_mark(key_node), "mapping keys must be plain scalars"))
                    continue
                if item_key in marks:
                    self.loader.problems.append((_mark(key_node), f"duplicate key {item_key!r}"))
                result[item_key] = self.build(value_node)
                marks[item_key] = (_mark(key_node), _mark(value_node))
            return result
        if isinstance(node, yaml.SequenceNode) and node.tag == _SEQ:
            result = MarkedList()
            self.built[key] = result
            result.__mark__ = _mark(node)
            result.__marks__ = [_mark(item) for item in node.value]
            result.extend(self.build(item) for item in node.value)
            return result
        return self.loader.construct_object(node, deep=True)


def parse_yaml(text: str) -> tuple[Any, list[tuple[Mark, str]]]:
    """Parse one YAML document; return the data and the construction problems.

    :raises yaml.YAMLError: on a syntax error (its ``problem_mark`` says where).
    """
    loader = MarkedLoader(text)
    try:
        node = loader.get_single_node()
        data = None if node is None else _Builder(loader).build(node)
        return data, loader.problems
    finally:
        loader.dispose()
