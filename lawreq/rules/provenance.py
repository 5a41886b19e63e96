"""Review provenance: every fact of the rules data with its confidence and who reviewed it when.

A *fact* is any mapping with a ``confidence`` (a cited value, a membership interval, an entity, a procedure, a
route, one of its requirements, deadlines or authority choices, an offence). Its review is its own
``reviewed: {by, on}`` if it has one, else the file's ``reviewed_by`` / ``last_reviewed``. Collected once at load
time so ``rules stale``, ``rules stats`` and the rules browser count the same things.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any, Iterable, Protocol

from lawreq.rules.validate import join

CONFIDENCE_LEVELS = ("verified", "secondary", "unverified")


@dataclass(frozen=True)
class FactEntry:
    """One fact: where it is written, how sure it is, who reviewed it and when."""

    file: str
    line: int
    path: str
    confidence: str
    reviewed_by: str
    reviewed_on: date
    #: the country file it belongs to (ISO code), else None (instruments, providers, offences)
    country: str | None
    file_kind: str
    cited: bool


class _DocLike(Protocol):
    path: Path
    kind: str
    tree: Any


def _walk(node: Any, path: str, found: list[tuple[str, Any]]) -> None:
    if isinstance(node, dict):
        if isinstance(node.get("confidence"), str):
            found.append((path, node))
        for key, value in node.items():
            if key != "reviewed":
                _walk(value, join(path, str(key)), found)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            _walk(value, join(path, i), found)


def collect(docs: Iterable[_DocLike], root: Path) -> tuple[FactEntry, ...]:
    """Every fact of every (valid) file; cases files hold no facts."""
    entries: list[FactEntry] = []
    for doc in docs:
        tree = doc.tree
        if doc.kind == "cases" or not isinstance(tree, dict):
            continue
        try:
            label = doc.path.relative_to(root).as_posix()
        except ValueError:
            label = str(doc.path)
        file_by, file_on = tree.get("reviewed_by", ""), tree.get("last_reviewed")
        country = tree.get("code") if doc.kind == "country" else None
        found: list[tuple[str, Any]] = []
        _walk(tree, "", found)
        seen: set[tuple[int, int]] = set()
        for path, node in found:
            mark = getattr(node, "__mark__", None)
            if mark is not None:
                if mark in seen:  # a YAML alias (*name) repeats a fact written once: count it once
                    continue
                seen.add(mark)
            reviewed = node.get("reviewed") or {}
            cited = bool(node.get("cite")) or bool(node.get("sources")) or (path == "" and bool(tree.get("sources")))
            entries.append(FactEntry(
                file=label, line=getattr(node, "__mark__", (1, 1))[0], path=path or "(file)",
                confidence=node["confidence"], reviewed_by=reviewed.get("by") or file_by,
                reviewed_on=reviewed.get("on") or file_on, country=country, file_kind=doc.kind, cited=cited,
            ))
    return tuple(entries)


def months_before(day: date, months: int) -> date:
    """``day`` minus ``months`` calendar months (the day clamped to the month's length)."""
    month_index = day.year * 12 + day.month - 1 - months
    year, month = divmod(month_index, 12)
    month += 1
    for dd in (day.day, 30, 29, 28):
        try:
            return date(year, month, dd)
        except ValueError:
            continue
    raise AssertionError("unreachable")


def stale(facts: Iterable[FactEntry], today: date, months: int = 12) -> dict[str, list[FactEntry]]:
    """Facts whose effective review is more than ``months`` before ``today``, grouped by file."""
    limit = months_before(today, months)
    out: dict[str, list[FactEntry]] = {}
    for entry in facts:
        if entry.reviewed_on is None or entry.reviewed_on < limit:
            out.setdefault(entry.file, []).append(entry)
    return dict(sorted(out.items()))


@dataclass(frozen=True)
class Stats:
    """Facts counted by confidence, overall, by country file and by kind of file."""

    total: int
    by_confidence: dict[str, int]
    by_country: dict[str, dict[str, int]]
    by_file_kind: dict[str, dict[str, int]]

    def to_dict(self) -> dict[str, Any]:
        """JSON form."""
        return {"total": self.total, "by_confidence": self.by_confidence, "by_country": self.by_country,
                "by_file_kind": self.by_file_kind}


def _levels(counter: Counter[str]) -> dict[str, int]:
    return {level: counter.get(level, 0) for level in CONFIDENCE_LEVELS}


def stats(facts: Iterable[FactEntry]) -> Stats:
    """Count facts by confidence (overall, per country file, per kind of file)."""
    facts = list(facts)
    overall: Counter[str] = Counter(f.confidence for f in facts)
    countries: dict[str, Counter[str]] = {}
    kinds: dict[str, Counter[str]] = {}
    for entry in facts:
        if entry.country:
            countries.setdefault(entry.country, Counter())[entry.confidence] += 1
        kinds.setdefault(entry.file_kind, Counter())[entry.confidence] += 1
    return Stats(len(facts), _levels(overall), {k: _levels(v) for k, v in sorted(countries.items())},
                 {k: _levels(v) for k, v in sorted(kinds.items())})
