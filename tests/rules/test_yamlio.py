from __future__ import annotations

import pytest
import yaml

from lawreq.rules.yamlio import MarkedDict, MarkedList, parse_yaml


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("code: NO", "NO"),
        ("code: no", "no"),
        ("flag: yes", "yes"),
        ("flag: ON", "ON"),
        ("flag: off", "off"),
        ("flag: true", True),
        ("flag: false", False),
        ("flag: True", "True"),
    ],
)
def test_only_lowercase_true_and_false_are_booleans(text: str, expected: object) -> None:
    data, problems = parse_yaml(text)
    assert list(data.values()) == [expected]
    assert problems == []


def test_every_key_value_and_item_remembers_its_line_and_column() -> None:
    data, _ = parse_yaml("name: Finland\nlanguages:\n  - fi\n  - sv\n")
    assert isinstance(data, MarkedDict)
    assert data.key_mark("languages") == (2, 1)
    assert data.value_mark("name") == (1, 7)
    languages = data["languages"]
    assert isinstance(languages, MarkedList)
    assert languages.item_mark(1) == (4, 5)


def test_duplicate_keys_are_reported_not_silently_overwritten() -> None:
    _, problems = parse_yaml("code: FI\nname: Finland\ncode: SE\n")
    assert problems == [((3, 1), "duplicate key 'code'")]


def test_python_tags_are_refused() -> None:
    with pytest.raises(yaml.constructor.ConstructorError):
        parse_yaml("x: !!python/object/apply:os.system ['true']")
