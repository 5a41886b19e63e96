"""Load a ``jurisdictions/`` tree: parse with marks, validate the closed schema, run the semantic pass.

Every problem in every file is collected before failing, so ``rules check`` lists them all at once.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from lawreq.rules import build, provenance
from lawreq.rules.conditions import referenced_operands
from lawreq.rules.provider_checks import policy_routes, provider_services
from lawreq.rules.model import RuleCase, RuleProblem
from lawreq.rules.ruleset import RuleSet
from lawreq.rules.schema import KIND_SPECS, OFFENCES, file_kind
from lawreq.rules.validate import Issues, join
from lawreq.rules.yamlio import Mark, MarkedDict, MarkedList, parse_yaml


class RulesError(Exception):
    """The rules data are invalid; ``errors`` holds every problem found."""

    def __init__(self, errors: list[RuleProblem]) -> None:
        self.errors = errors
        super().__init__(f"{len(errors)} problem(s) in the rules data:\n" + "\n".join(map(str, errors)))


def default_rules_path() -> Path:
    """``$LAWREQ_JURISDICTIONS_DIR``, else the checkout's ``jurisdictions/``, else the installed package's copy."""
    from lawreq.core.paths import shipped_dir

    env = os.environ.get("LAWREQ_JURISDICTIONS_DIR")
    if env:
        return Path(env)
    return shipped_dir("jurisdictions")


@dataclass
class _Doc:
    """One parsed and schema-checked file."""

    path: Path
    label: str
    kind: str
    tree: Any
    issues: Issues = field(default_factory=Issues)


def _parse(path: Path, label: str, kind: str, raw: bytes, problems: list[RuleProblem]) -> _Doc | None:
    try:
        data, construction = parse_yaml(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        problems.append(RuleProblem(label, 1, 1, "", f"not UTF-8 text: {exc.reason}"))
        return None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None) or getattr(exc, "context_mark", None)
        line, col = (mark.line + 1, mark.column + 1) if mark else (1, 1)
        what = getattr(exc, "problem", None) or str(exc)
        problems.append(RuleProblem(label, line, col, "", f"YAML syntax error: {what}"))
        return None
    doc = _Doc(path, label, kind, None)
    for mark, message in construction:
        doc.issues.add(mark, "", message)
    if data is None:
        doc.issues.add((1, 1), "", "the file is empty")
        return doc
    doc.tree = KIND_SPECS[kind].check(data, "", getattr(data, "__mark__", (1, 1)), doc.issues)
    return doc


def _read_tree(root: Path, problems: list[RuleProblem]) -> tuple[list[_Doc], str]:
    digest = hashlib.sha256()
    docs: list[_Doc] = []
    files = sorted(p for p in root.rglob("*") if p.is_file() and p.suffix in (".yaml", ".yml"))
    for path in files:
        relative = path.relative_to(root).as_posix()
        label = str(path)
        raw = path.read_bytes()
        digest.update(relative.encode() + b"\0" + raw + b"\0")
        kind = file_kind(relative) if path.suffix == ".yaml" else None
        if kind is None:
            problems.append(RuleProblem(label, 1, 1, "", "unexpected file: country files are <cc>.yaml, others go "
                                        "under providers/, instruments/ or cases/, plus offences.yaml"))
            continue
        doc = _parse(path, label, kind, raw, problems)
        if doc is not None:
            docs.append(doc)
    return docs, digest.hexdigest()[:16]


def _items(tree: Any, key: str) -> list[tuple[int, Any]]:
    value = tree.get(key) if isinstance(tree, dict) else None
    return [(i, v) for i, v in enumerate(value) if isinstance(v, dict)] if isinstance(value, list) else []


def _mark_in(container: Any, key: Any) -> Mark:
    if isinstance(container, MarkedDict):
        return container.value_mark(key)
    if isinstance(container, MarkedList) and isinstance(key, int):
        return container.item_mark(key)
    return getattr(container, "__mark__", (1, 1))


class _Semantics:
    """Cross-file checks: ids resolve, dates do not overlap, every route has a case."""

    def __init__(self, docs: list[_Doc]) -> None:
        self.docs = docs
        self.by_kind: dict[str, list[_Doc]] = {}
        for doc in docs:
            if isinstance(doc.tree, dict):
                self.by_kind.setdefault(doc.kind, []).append(doc)
        self.countries = {d.tree.get("code") for d in self.by_kind.get("country", [])}
        self.providers = {d.tree.get("id") for d in self.by_kind.get("provider", [])}
        self.offence_ids: set[str] = set()
        self.offence_lists: set[str] = set()
        for doc in self.by_kind.get("offences", []):
            self.offence_ids |= {o.get("id") for _, o in _items(doc.tree, "offences")}
            self.offence_lists |= set(doc.tree.get("lists") or {})
        self.route_ids: set[str] = set()
        self.procedure_ids: set[str] = set()
        self.template_routes: set[str] = set()
        self.membership_owner: dict[str, str] = {}

    def run(self) -> None:
        for doc in self.by_kind.get("country", []):
            self.country(doc)
        for doc in self.by_kind.get("provider", []):
            self.provider(doc)
        for doc in self.by_kind.get("instrument", []):
            self.instrument(doc)
        for doc in self.by_kind.get("offences", []):
            self.offences(doc)
        for doc in self.by_kind.get("provider", []):
            policy_routes(doc.issues, doc.tree, self.route_ids | self.procedure_ids)
        self.cases()

    def country(self, doc: _Doc) -> None:
        tree = doc.tree
        code = tree.get("code")
        if code and doc.path.stem.upper() != code:
            doc.issues.add(tree.value_mark("code"), "code", f"code {code!r} does not match the file name "
                           f"{doc.path.name!r} (expected {doc.path.stem.upper()!r})")
        memberships = tree.get("memberships") or {}
        for name, intervals in memberships.items():
            if isinstance(intervals, list):
                self._no_overlap(doc, intervals, join("memberships", name))
        for i, procedure in _items(tree, "domestic_procedures"):
            pid = procedure.get("id")
            path = join(join("domestic_procedures", i), "id")
            if pid in self.procedure_ids:
                doc.issues.add(procedure.value_mark("id"), path, f"duplicate route id {pid!r}")
            elif pid and code and not pid.startswith(code.lower() + "-"):
                doc.issues.add(procedure.value_mark("id"), path, f"domestic procedure ids start with "
                               f"'{code.lower()}-' (got {pid!r})")
            self.procedure_ids.add(pid)

    def _no_overlap(self, doc: _Doc, intervals: list[Any], path: str) -> None:
        dated = sorted(((iv.get("from"), iv.get("to"), i) for i, iv in enumerate(intervals)
                        if isinstance(iv, dict) and iv.get("from")), key=lambda t: t[0])
        for (start_a, end_a, i_a), (start_b, _end_b, i_b) in zip(dated, dated[1:]):
            if end_a is None or end_a > start_b:
                until = "open-ended" if end_a is None else f"to {end_a}"
                doc.issues.add(intervals.item_mark(i_b) if isinstance(intervals, MarkedList) else (1, 1),
                               join(path, i_b), f"overlapping dates: from {start_b} overlaps entry "
                               f"[{i_a}] (from {start_a} {until})")

    def _country_ref(self, doc: _Doc, container: Any, key: Any, path: str) -> None:
        code = container.get(key) if isinstance(container, dict) else None
        if code and code not in self.countries:
            doc.issues.add(_mark_in(container, key), path, f"unknown country {code!r} (no {code.lower()}.yaml)")

    def provider(self, doc: _Doc) -> None:
        tree = doc.tree
        pid = tree.get("id")
        if pid and doc.path.stem != pid:
            doc.issues.add(tree.value_mark("id"), "id", f"id {pid!r} does not match the file name {doc.path.name!r}")
        self._country_ref(doc, tree, "hq_country", "hq_country")
        for i, entity in _items(tree, "entities"):
            self._country_ref(doc, entity, "country", join(join("entities", i), "country"))
        provider_services(doc.issues, tree, self.countries)

    def instrument(self, doc: _Doc) -> None:
        tree = doc.tree
        declared = tree.get("memberships") if isinstance(tree.get("memberships"), dict) else {}
        for key, decl in declared.items():
            if key in self.membership_owner:
                doc.issues.add(declared.key_mark(key), join("memberships", key),
                               f"membership {key!r} is already declared in {self.membership_owner[key]}")
            self.membership_owner.setdefault(key, doc.path.name)
            among = decl.get("among") if isinstance(decl, dict) else None
            if among and among not in declared and not any(
                    among in (d.tree.get("memberships") or {}) for d in self.by_kind.get("instrument", [])
                    if isinstance(d.tree, dict)):
                doc.issues.add(decl.value_mark("among"), join(join("memberships", key), "among"),
                               f"'among: {among}' names a membership no instrument file declares")
        field_names = set(tree.get("fields") or {})
        for i, route in _items(tree, "routes"):
            path = join("routes", i)
            rid = route.get("id")
            if rid in self.route_ids or rid in self.procedure_ids:
                doc.issues.add(route.value_mark("id"), join(path, "id"), f"duplicate route id {rid!r}")
            self.route_ids.add(rid)
            if route.get("template"):
                self.template_routes.add(rid)
            for j, name in enumerate(route.get("fields") or ()):
                if name not in field_names:
                    doc.issues.add(_mark_in(route["fields"], j), join(join(path, "fields"), j),
                                   f"unknown field {name!r}: declare it under the file's top-level 'fields'")
            for j, requirement in _items(route, "requires"):
                self._lists_resolve(doc, requirement.get("when"), join(join(join(path, "requires"), j), "when"),
                                    requirement)

    def _lists_resolve(self, doc: _Doc, condition: Any, path: str, owner: Any) -> None:
        if not isinstance(condition, dict) or not self.offence_lists:
            return
        for name in referenced_operands(condition, "offence.lists"):
            if name not in self.offence_lists:
                doc.issues.add(_mark_in(owner, "when"), path, f"unknown offence list {name!r} "
                               f"(offences.yaml lists: {', '.join(sorted(self.offence_lists))})")

    def offences(self, doc: _Doc) -> None:
        seen: set[str] = set()
        lists = set(doc.tree.get("lists") or {})
        for i, offence in _items(doc.tree, "offences"):
            oid = offence.get("id")
            if oid in seen:
                doc.issues.add(offence.value_mark("id"), join(join("offences", i), "id"), f"duplicate offence {oid!r}")
            seen.add(oid)
            for j, name in enumerate(offence.get("lists") or ()):
                if name not in lists:
                    doc.issues.add(_mark_in(offence["lists"], j), join(join(join("offences", i), "lists"), j),
                                   f"unknown offence list {name!r}")
        for missing in sorted(set(OFFENCES) - seen):
            doc.issues.add(doc.tree.value_mark("offences"), "offences", f"offence {missing!r} is not defined")

    def cases(self) -> None:
        covered: set[str] = set()
        known_routes = self.route_ids | self.procedure_ids
        case_ids: set[str] = set()
        case_docs = self.by_kind.get("cases", [])
        for doc in case_docs:
            for i, case in _items(doc.tree, "cases"):
                path = join("cases", i)
                if case.get("id") in case_ids:
                    doc.issues.add(case.value_mark("id"), join(path, "id"), f"duplicate case id {case.get('id')!r}")
                case_ids.add(case.get("id"))
                self._case_facts(doc, case.get("facts"), join(path, "facts"))
                expect = case.get("expect") if isinstance(case.get("expect"), dict) else {}
                for key in ("available", "closed"):
                    for j, rid in enumerate(expect.get(key) or ()):
                        covered.add(rid)
                        if rid not in known_routes:
                            doc.issues.add(_mark_in(expect[key], j), join(join(join(path, "expect"), key), j),
                                           f"unknown route {rid!r}")
                for rid in expect.get("routes") or {}:
                    covered.add(rid)
                    if rid not in known_routes:
                        doc.issues.add(expect["routes"].key_mark(rid), join(join(path, "expect.routes"), rid),
                                       f"unknown route {rid!r}")
        if not case_docs:
            return
        if covered & self.procedure_ids:
            covered |= self.template_routes
        for doc in self.by_kind.get("instrument", []):
            for i, route in _items(doc.tree, "routes"):
                if route.get("id") not in covered:
                    doc.issues.add(route.value_mark("id"), join(join("routes", i), "id"),
                                   f"route {route.get('id')!r} has no rule case in cases/")

    def _case_facts(self, doc: _Doc, facts: Any, path: str) -> None:
        if not isinstance(facts, dict):
            return
        for key in ("issuing_country", "target_resides_in", "offence_committed_in"):
            self._country_ref(doc, facts, key, join(path, key))
        if facts.get("provider") and facts["provider"] not in self.providers:
            doc.issues.add(facts.value_mark("provider"), join(path, "provider"),
                           f"unknown provider {facts['provider']!r}")
        if facts.get("offence") and self.offence_ids and facts["offence"] not in self.offence_ids:
            doc.issues.add(facts.value_mark("offence"), join(path, "offence"), f"unknown offence {facts['offence']!r}")


def _problems(docs: list[_Doc]) -> list[RuleProblem]:
    return [RuleProblem(doc.label, mark[0], mark[1], path, message)
            for doc in docs for mark, path, message in doc.issues.items]


def _build(root: Path, docs: list[_Doc], version: str) -> RuleSet:
    by_kind: dict[str, list[_Doc]] = {}
    for doc in docs:
        by_kind.setdefault(doc.kind, []).append(doc)
    countries = {c.code: c for c in (build.country(d.tree) for d in by_kind.get("country", []))}
    providers = {p.id: p for p in (build.provider(d.tree) for d in by_kind.get("provider", []))}
    offence_docs = by_kind.get("offences", [])
    offences = build.offences(offence_docs[0].tree) if offence_docs else {}
    lists = {k: v["title"] for k, v in (offence_docs[0].tree["lists"].items() if offence_docs else ())}
    routes = tuple(
        build.route(node, d.tree["instrument"], d.tree.get("fields") or {}, build.entry_into_force(d.tree))
        for d in by_kind.get("instrument", []) for node in d.tree["routes"]
    )
    titles = {k: v for d in by_kind.get("instrument", []) for k, v in build.memberships(d.tree).items()}
    cases = tuple(
        RuleCase(c["id"], c["description"], dict(c["facts"]), dict(c["expect"]), d.label)
        for d in by_kind.get("cases", []) for c in d.tree["cases"]
    )
    return RuleSet(version, root, countries, providers, offences, lists, routes, cases, titles,
                   lambda: provenance.collect(docs, root))


def check_rules(path: Path | str | None = None) -> tuple[RuleSet | None, list[RuleProblem]]:
    """Load and validate; return the rule set (``None`` if invalid) and every problem found."""
    root = Path(path) if path is not None else default_rules_path()
    problems: list[RuleProblem] = []
    if not root.is_dir():
        return None, [RuleProblem(str(root), 1, 1, "", "rules directory not found")]
    docs, version = _read_tree(root, problems)
    _Semantics(docs).run()
    problems.extend(_problems(docs))
    if problems:
        return None, sorted(problems, key=lambda p: (p.path, p.line, p.col))
    return _build(root, docs, version), []


def load_rules(path: Path | str | None = None) -> RuleSet:
    """Load the rules the app and CLI run on.

    :param path: the ``jurisdictions/`` directory (default: :func:`default_rules_path`).
    :raises RulesError: listing every problem, when anything is invalid.
    """
    rules, problems = check_rules(path)
    if rules is None:
        raise RulesError(problems)
    return rules
