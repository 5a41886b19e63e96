"""A maintainer's typo in a rules file is a `file:line:col: field: message` line, listed with every other one:
never a traceback, neither from `lawreq rules check` nor when the app starts."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from lawreq.rules import RulesError, check_rules
from lawreq.rules.cli import rules_group
from tests.rules.conftest import VALID


def _plant(root: Path, relative: str, old: str, new: str) -> None:
    path = root / relative
    text = path.read_text(encoding="utf-8")
    assert old in text, f"{old!r} not in {relative}"
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


#: (file, text replaced, replacement, expected "line:col: field: message" suffix)
PLANTS = [
    ("fi.yaml", "eu: [{from: 1995-01-01", "eu: [{from: 1995-02-30",
     "fi.yaml:11:15: memberships.eu[0].from: '1995-02-30' is not a calendar date (day is out of range for month)"),
    ("fi.yaml", "budapest: [{from: 2007-09-01", "budapest: [{from: 01.09.2007",
     "fi.yaml:13:21: memberships.budapest[0].from: expected a date YYYY-MM-DD, got string '01.09.2007'"),
    ("de.yaml", "last_reviewed: 2026-11-01", "last_reviewed: 2026-11-01T10:00:00",
     "de.yaml:3:16: last_reviewed: expected a date YYYY-MM-DD without a time, got '2026-11-01T10:00:00'"),
    ("fi.yaml", 'url: "https://example.org/fi"', 'url: "https://exa mple.org/fi"',
     "fi.yaml:9:118: request_languages.cite[0].url: expected an http(s) URL such as https://example.org/page, "
     "got string 'https://exa mple.org/fi'"),
    ("fi.yaml", 'url: "https://example.org/eu"', 'url: "https://example/eu"',
     "fi.yaml:11:106: memberships.eu[0].cite[0].url: malformed URL 'https://example/eu': 'example' is not a "
     "host name"),
    ("fi.yaml", 'url: "https://example.org/reg"', 'url: "https://example.org:80x/reg"',
     "fi.yaml:12:116: memberships.eu_eevidence[0].cite[0].url: malformed URL 'https://example.org:80x/reg': "
     "Port could not be cast to integer value as '80x'"),
    ("fi.yaml", "confidence: verified", "confidence: certain",
     "fi.yaml:11:39: memberships.eu[0].confidence: expected one of verified, secondary, unverified, "
     "got string 'certain'"),
    ("fi.yaml", "reviewed_by: lawreq-core", "reviewed_by: Lawreq Core",
     "fi.yaml:5:14: reviewed_by: expected a maintainer handle (lower-case letters, digits, '.', '_', '-'; "
     "2-39 characters), got string 'Lawreq Core'"),
    ("de.yaml", "reviewed_by: lawreq-core\n", "",
     "de.yaml:1:1: reviewed_by: required key is missing"),
    ("fi.yaml", 'network_24_7: {value: "Fixture bureau", confidence: unverified, note: "fixture"}',
     'network_24_7: {value: "Fixture bureau", confidence: secondary, reviewed: {by: x, on: 2026-11-31}}',
     "fi.yaml:15:17: contacts.network_24_7.cite: missing citation (required unless confidence is unverified)"),
]
#: the same planted fact also has a one-letter handle and a 31 November: three problems on one line
EXTRA = [
    "fi.yaml:15:81: contacts.network_24_7.reviewed.by: expected a maintainer handle",
    "fi.yaml:15:88: contacts.network_24_7.reviewed.on: '2026-11-31' is not a calendar date",
]


@pytest.fixture()
def broken(tmp_path: Path) -> Path:
    root = tmp_path / "rules"
    shutil.copytree(VALID, root)
    for relative, old, new, _ in PLANTS:
        _plant(root, relative, old, new)
    return root


def test_every_malformed_scalar_is_one_located_problem_listed_with_the_others(broken: Path) -> None:
    rules, problems = check_rules(broken)
    assert rules is None
    printed = [str(p).replace(f"{broken}/", "") for p in problems]
    for *_, expected in PLANTS:
        assert expected in printed, f"missing: {expected}\nprinted:\n" + "\n".join(printed)
    for prefix in EXTRA:
        assert any(line.startswith(prefix) for line in printed), prefix
    assert len(printed) == len(PLANTS) + len(EXTRA)


def test_rules_check_prints_them_and_exits_1_without_a_traceback(broken: Path) -> None:
    result = CliRunner().invoke(rules_group, ["check", str(broken)])
    assert result.exit_code == 1
    assert result.exception is None or isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert f"{len(PLANTS) + len(EXTRA)} problem(s) in the rules data; refusing to run." in result.output


def test_a_citation_without_url_or_a_fact_without_citation_fails_check(tmp_path: Path) -> None:
    root = tmp_path / "rules"
    shutil.copytree(VALID, root)
    _plant(root, "fi.yaml", '{instrument: "Fixture", article: "A.53", url: "https://example.org/fi"}',
           '{instrument: "Fixture", article: "A.53"}')
    _plant(root, "fi.yaml", 'confidence: secondary, cite: [{instrument: "Fixture", article: "Art. 34", '
           'url: "https://example.org/reg"}]', "confidence: secondary")
    _plant(root, "fi.yaml", 'identification_data: {value: P9M, confidence: unverified, note: "fixture"}',
           "identification_data: {value: P9M, confidence: unverified}")
    _, problems = check_rules(root)
    printed = [f"{p.field}: {p.message}" for p in problems]
    assert printed == [
        "request_languages.cite[0].url: required key is missing",
        "memberships.eu_eevidence[0].cite: missing citation (required unless confidence is unverified)",
        "retention.identification_data.note: an unverified fact without cite needs a note saying why",
    ]


def test_the_app_refuses_to_start_on_them_with_the_same_list(broken: Path, tmp_path: Path) -> None:
    from lawreq.app import create_app
    from tests.conftest import TEST_CONFIG

    with pytest.raises(RulesError) as caught:
        create_app({**TEST_CONFIG, "DATABASE_URL": f"sqlite:///{tmp_path}/x.db", "JURISDICTIONS_DIR": str(broken)},
                   instance_path=str(tmp_path / "instance"))
    assert len(caught.value.errors) == len(PLANTS) + len(EXTRA)
    assert "1995-02-30' is not a calendar date" in str(caught.value)


def _scalar_paths(node: object, path: tuple = ()) -> list[tuple]:
    if isinstance(node, dict):
        return [p for key, value in node.items() for p in _scalar_paths(value, (*path, key))]
    if isinstance(node, list):
        return [p for i, value in enumerate(node) for p in _scalar_paths(value, (*path, i))]
    return [path]


def _set(node: object, path: tuple, value: object) -> None:
    for key in path[:-1]:
        node = node[key]  # type: ignore[index]
    node[path[-1]] = value  # type: ignore[index]


#: garbage a maintainer might type in place of any scalar: a date that does not exist, a date-time, a URL with a
#: space, a mapping where a string goes, a list, an enum value nobody knows
GARBAGE = ["2026-02-30", "2026-11-01T10:00:00", "https://exa mple.org", {"x": 1}, [1, "a"], "certainly", None, -1]


@pytest.mark.parametrize("name", ["fi.yaml", "providers/acme.yaml", "instruments/test-orders.yaml", "offences.yaml",
                                  "cases/cases.yaml"])
def test_no_scalar_anywhere_can_make_check_raise(tmp_path: Path, name: str) -> None:
    """Every scalar of a valid file, replaced in turn by each kind of garbage: check_rules answers with located
    problems (or accepts a still-valid value), and never raises."""
    import yaml

    root = tmp_path / "rules"
    shutil.copytree(VALID, root)
    original = yaml.safe_load((root / name).read_text(encoding="utf-8"))
    paths = _scalar_paths(original)
    assert len(paths) > 5
    for i, path in enumerate(paths[::max(1, len(paths) // 40)]):  # an even sample keeps it to seconds
        tree = yaml.safe_load((VALID / name).read_text(encoding="utf-8"))
        value = GARBAGE[i % len(GARBAGE)]
        _set(tree, path, value)
        text = yaml.safe_dump(tree, sort_keys=False, allow_unicode=True)
        if value == "2026-02-30":
            text = text.replace("'2026-02-30'", "2026-02-30")  # unquoted, as a maintainer types it
        (root / name).write_text(text, encoding="utf-8")
        rules, problems = check_rules(root)
        for problem in problems:
            assert problem.line >= 1 and problem.col >= 1 and problem.message, (path, value, problem)
        if rules is None:
            assert problems, (path, value)
