"""Declarative conditions: ``all``/``any``/``not`` over named facts with a closed operator registry.

A leaf is ``{fact: NAME, OP: OPERAND}``. Operators are a dict (the plugin system); rules data can
use nothing else, so YAML never carries code. Conditions are compiled once at load time into
closures over a context dict, which keeps route evaluation well under a millisecond.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any, Callable, Collection, Mapping

from lawreq.rules.validate import AnyScalar, Issues, Lazy, ListOf, OneOf, Spec, join
from lawreq.rules.yamlio import Mark, MarkedDict

Context = Mapping[str, Any]
Predicate = Callable[[Context], bool]

#: membership keys of the country files (RULES.md): each a list of dated intervals; [] = known not bound
MEMBERSHIPS = ("eu", "eu_eevidence", "eio", "budapest", "budapest_sap", "us_cloud_agreement",
               "coe_mla", "coe_mla_p1", "coe_mla_p2", "eu_mla_2000", "eu_mla_2001", "eu_us_mla", "us_mlat",
               "un_cybercrime")


def _ordered(op: Callable[[Any, Any], bool]) -> Callable[[Any, Any], bool]:
    """Comparisons are false, not errors, when the fact is unknown (e.g. no maximum penalty given)."""

    def compare(fact: Any, operand: Any) -> bool:
        if fact is None or isinstance(fact, bool):
            return False
        try:
            return bool(op(fact, operand))
        except TypeError:
            return False

    return compare


def _contains(fact: Any, operand: Any) -> bool:
    return isinstance(fact, Collection) and not isinstance(fact, str) and operand in fact


def _contains_any(fact: Any, operand: Any) -> bool:
    return isinstance(fact, Collection) and any(item in fact for item in operand)


def _subset_of(fact: Any, operand: Any) -> bool:
    return isinstance(fact, Collection) and set(fact) <= set(operand)


#: operator name -> (function(fact_value, operand) -> bool, operand is another fact's name)
OPERATORS: dict[str, tuple[Callable[[Any, Any], bool], bool]] = {
    "eq": (lambda fact, operand: fact == operand, False),
    "ne": (lambda fact, operand: fact != operand, False),
    "in": (lambda fact, operand: fact in operand, False),
    "not_in": (lambda fact, operand: fact not in operand, False),
    "gte": (_ordered(lambda fact, operand: fact >= operand), False),
    "gt": (_ordered(lambda fact, operand: fact > operand), False),
    "lte": (_ordered(lambda fact, operand: fact <= operand), False),
    "lt": (_ordered(lambda fact, operand: fact < operand), False),
    "contains": (_contains, False),
    "contains_any": (_contains_any, False),
    "subset_of": (_subset_of, False),
    "present": (lambda fact, operand: (fact is not None) == operand, False),
    "eq_fact": (lambda fact, other: fact is not None and fact == other, True),
    "ne_fact": (lambda fact, other: fact != other, True),
}

_LIST_OPERATORS = frozenset({"in", "not_in", "contains_any", "subset_of"})

PARTY_PREFIXES = ("issuing", "eu_addressee", "eu_establishment", "hq")
_PARTY_PREFIXES = PARTY_PREFIXES

#: every fact a condition may name, with a one-line meaning (shown in jurisdictions/README.md)
FACTS: dict[str, str] = {
    "date": "the date the request is made (rules in force on it apply)",
    "issuing_country": "issuing State (ISO code)",
    "issuer": "authority that will sign: police, prosecutor, investigating_judge, judge, ...",
    "emergency": "imminent threat to life or physical integrity",
    "committed_online": "offence committed wholly or partly by means of an information system",
    "max_penalty_years": "maximum custodial sentence for the offence in the issuing State (years)",
    "offence": "offence id from offences.yaml",
    "offence.lists": "instrument lists the offence falls under (offences.yaml `lists`)",
    "data_categories": "requested data categories",
    "data.identifying_only": "only subscriber and/or identification data are requested",
    "data.has_content": "content data are requested",
    "target_resides_in": "country where the person whose data are sought resides (unknown: absent)",
    "offence_committed_in": "country where the offence was committed (default: issuing State)",
    "provider.id": "provider id",
    "provider.kind": "online_service, telecom or hosting",
    "provider.hq_country": "country of the provider's headquarters",
    "provider.voluntary_disclosure_non_content": "provider honours 18 U.S.C. 2702(c)(6) requests",
    "eu_addressee.country": "country of the provider's EU addressee (else its HQ)",
    "eu_addressee.role": "role of that entity",
    "eu_establishment.country": "country of the provider's entity in another EIO State (else its HQ)",
    "eu_establishment.role": "role of that entity",
    "hq.country": "country of the provider's headquarters entity",
    "hq.role": "role of the headquarters entity",
    "domestic.present": "the provider has an entity located in the issuing State",
    "procedure.covers_data": "the domestic procedure covers every requested data category",
    "service": "the provider's service asked about (its id; the main service when none is named)",
    "user_country": "country the user is taken to live in (target_resides_in, else the issuing State)",
}
for _prefix in _PARTY_PREFIXES:
    for _membership in MEMBERSHIPS:
        FACTS[f"{_prefix}.{_membership}"] = f"the {_prefix} country is bound by `{_membership}` on the date"


def _check_leaf(value: MarkedDict, path: str, mark: Mark, issues: Issues) -> None:
    ops = [key for key in value if key != "fact"]
    if "fact" not in value:
        issues.add(mark, join(path, "fact"), "required key is missing")
    elif value["fact"] not in FACTS:
        issues.add(value.value_mark("fact"), join(path, "fact"), f"unknown fact {value['fact']!r}")
    if len(ops) != 1:
        issues.add(mark, path, f"a condition needs exactly one operator ({', '.join(OPERATORS)}); got {ops or 'none'}")
        return
    op = ops[0]
    operand = value[op]
    if op not in OPERATORS:
        issues.add(value.key_mark(op), join(path, op), f"unknown operator {op!r} (known: {', '.join(OPERATORS)})")
    elif OPERATORS[op][1] and operand not in FACTS:
        issues.add(value.value_mark(op), join(path, op), f"unknown fact {operand!r}")
    elif (op in _LIST_OPERATORS) != isinstance(operand, tuple):
        wanted = "a list" if op in _LIST_OPERATORS else "a single value"
        issues.add(value.value_mark(op), join(path, op), f"'{op}' needs {wanted}, got {operand!r}")
    elif value.get("fact") == "date" and (not isinstance(operand, date) or isinstance(operand, datetime)):
        issues.add(value.value_mark(op), join(path, op), f"compare 'date' with a date YYYY-MM-DD, got {operand!r}")
    elif op == "present" and not isinstance(operand, bool):
        issues.add(value.value_mark(op), join(path, op), f"'present' needs true or false, got {operand!r}")


class _Leaf(Spec):
    expected = "a condition {fact: NAME, OP: VALUE}"

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        out = MarkedDict()
        out.__mark__ = getattr(value, "__mark__", mark)
        out.__marks__ = dict(getattr(value, "__marks__", {}))
        for key, item in value.items():
            item_mark = value.value_mark(key) if isinstance(value, MarkedDict) else mark
            out[key] = AnyScalar().check(item, join(path, str(key)), item_mark, issues)
        _check_leaf(out, path, out.__mark__, issues)
        return out


class _Combinator(Spec):
    expected = "a condition"

    def __init__(self, name: str) -> None:
        self.name = name

    def check(self, value: Any, path: str, mark: Mark, issues: Issues) -> Any:
        if len(value) != 1:
            issues.add(mark, path, f"'{self.name}' must be the only key of its condition")
        inner = value[self.name]
        item_mark = value.value_mark(self.name) if isinstance(value, MarkedDict) else mark
        spec: Spec = CONDITION if self.name == "not" else ListOf(CONDITION, min_items=1)
        out = MarkedDict({self.name: spec.check(inner, join(path, self.name), item_mark, issues)})
        out.__mark__ = getattr(value, "__mark__", mark)
        return out


def _is_map_with(key: str) -> Callable[[Any], bool]:
    return lambda value: isinstance(value, dict) and key in value


CONDITION: Spec = OneOf(
    (
        (_is_map_with("all"), _Combinator("all")),
        (_is_map_with("any"), _Combinator("any")),
        (_is_map_with("not"), _Combinator("not")),
        (lambda value: isinstance(value, dict), _Leaf()),
    ),
    what="a condition (all/any/not or {fact: NAME, OP: VALUE})",
)
CONDITION_SPEC: Spec = Lazy(lambda: CONDITION)


def compile_condition(node: Mapping[str, Any]) -> Predicate:
    """Turn a validated condition mapping into a predicate over a context dict."""
    if "all" in node:
        parts = tuple(compile_condition(item) for item in node["all"])
        return lambda ctx: all(part(ctx) for part in parts)
    if "any" in node:
        parts = tuple(compile_condition(item) for item in node["any"])
        return lambda ctx: any(part(ctx) for part in parts)
    if "not" in node:
        inner = compile_condition(node["not"])
        return lambda ctx: not inner(ctx)
    name = node["fact"]
    (op_name,) = [key for key in node if key != "fact"]
    function, operand_is_fact = OPERATORS[op_name]
    operand = node[op_name]
    if isinstance(operand, tuple):
        operand = frozenset(operand) if op_name in ("in", "not_in") else operand
    if operand_is_fact:
        return lambda ctx: function(ctx.get(name), ctx.get(operand))
    return lambda ctx: function(ctx.get(name), operand)


def always(_ctx: Context) -> bool:
    """The predicate of an absent condition."""
    return True


def referenced_operands(node: Mapping[str, Any], fact: str) -> list[Any]:
    """Every operand compared with ``fact`` anywhere in ``node`` (for the semantic id checks)."""
    found: list[Any] = []
    for key in ("all", "any"):
        for item in node.get(key, ()):
            found.extend(referenced_operands(item, fact))
    if "not" in node:
        found.extend(referenced_operands(node["not"], fact))
    if node.get("fact") == fact:
        for op, operand in node.items():
            if op != "fact":
                found.extend(operand if isinstance(operand, tuple) else [operand])
    return found


__all__ = ["CONDITION_SPEC", "FACTS", "MEMBERSHIPS", "OPERATORS", "always", "compile_condition", "referenced_operands"]
