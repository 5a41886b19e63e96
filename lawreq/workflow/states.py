"""The request lifecycle as data: which action moves which state where, and who may take it.

Pure (no Flask, no SQLAlchemy) so the web views, the API and tests share one table. "Overdue" is not a state: it
is derived from deadlines. An approver's rejection ends in ``refused`` with ``outcome.refused_by = "approver"``,
keeping the state vocabulary of DESIGN.md §4 closed.
"""

from __future__ import annotations

from dataclasses import dataclass

STATES = (
    "draft", "awaiting_approval", "returned", "approved", "sent", "acknowledged",
    "partially_fulfilled", "fulfilled", "refused", "withdrawn", "lapsed",
)
OPEN_STATES = frozenset({"draft", "awaiting_approval", "returned", "approved", "sent", "acknowledged",
                         "partially_fulfilled"})
#: States in which an addressee holds the request and its clocks run.
IN_FLIGHT = frozenset({"sent", "acknowledged", "partially_fulfilled"})
EDITABLE = frozenset({"draft", "returned"})
#: States of an issued order that may still be validated ex post (Reg. (EU) 2023/1543 Art. 4(5)).
VALIDATABLE = frozenset({"approved", "sent", "acknowledged", "partially_fulfilled", "fulfilled", "refused", "lapsed"})


class TransitionError(ValueError):
    """The action is not possible from the request's current state (or not for this role)."""


@dataclass(frozen=True)
class Action:
    name: str
    label: str
    sources: frozenset[str]
    target: str | None  # None: logged on the request, state unchanged
    roles: frozenset[str]


def _a(name: str, label: str, sources: set[str], target: str | None, roles: set[str]) -> Action:
    return Action(name, label, frozenset(sources), target, frozenset(roles))


_UNIT = {"investigator", "liaison_officer", "admin"}
ACTIONS: dict[str, Action] = {a.name: a for a in (
    _a("submit_for_approval", "Submit for approval", {"draft", "returned"}, "awaiting_approval", {"investigator", "admin"}),
    _a("submit", "Submit (no approval needed)", {"draft", "returned"}, "approved", {"investigator", "admin"}),
    _a("approve", "Approve and sign", {"awaiting_approval"}, "approved", {"approver"}),
    _a("return", "Return with comments", {"awaiting_approval"}, "returned", {"approver"}),
    _a("reject", "Reject", {"awaiting_approval"}, "refused", {"approver"}),
    _a("mark_sent", "Mark sent", {"approved"}, "sent", _UNIT),
    _a("acknowledge", "Acknowledged by addressee", {"sent"}, "acknowledged", _UNIT),
    _a("partially_fulfil", "Partially fulfilled", {"sent", "acknowledged", "partially_fulfilled"},
       "partially_fulfilled", _UNIT),
    _a("fulfil", "Fulfilled", {"sent", "acknowledged", "partially_fulfilled"}, "fulfilled", _UNIT),
    _a("refuse", "Refused by addressee", {"sent", "acknowledged"}, "refused", _UNIT),
    _a("withdraw", "Withdraw", {"draft", "awaiting_approval", "returned", "approved", "sent", "acknowledged"},
       "withdrawn", _UNIT),
    _a("lapse", "Lapsed", {"sent", "acknowledged"}, "lapsed", {"liaison_officer", "admin"}),
    _a("follow_up", "Log a follow-up", {"sent", "acknowledged", "partially_fulfilled"}, None, _UNIT),
    # Reg. (EU) 2023/1543 Art. 4(5): an order issued without prior validation is validated after the fact (the state
    # stays), or validation is refused and the order is withdrawn. Any state once issued: the obligation to validate
    # does not end because the provider answered.
    _a("validate", "Validate (ex post)", set(VALIDATABLE), None, {"approver"}),
    _a("refuse_validation", "Refuse validation", set(VALIDATABLE), "withdrawn", {"approver"}),
    # EIO: the executing authority's decision to recognise starts the execution clock (Directive 2014/41/EU Art. 12).
    _a("record_recognition", "Recognised by the executing authority", {"sent", "acknowledged", "partially_fulfilled"},
       None, _UNIT),
)}

#: Coded refusal reasons providers report (used by the board and the statistics).
REFUSAL_REASONS = {
    "wrong_entity": "Addressed to the wrong legal entity",
    "identifier_mismatch": "Identifiers do not match the provider's formats / no such account",
    "time_range": "Time range too broad or outside retention",
    "no_data": "No data held (retention expired or never collected)",
    "legal_basis": "Missing or insufficient legal basis",
    "category_not_allowed": "Data category not available on this route",
    "translation": "Missing translation / wrong language",
    "form_defect": "Form incomplete or unsigned",
    "conflict_of_laws": "Conflicting obligation under third-country law",
    "other": "Other (see note)",
}


def apply(state: str, action: str, role: str) -> str:
    """Return the state after ``action``; raise TransitionError naming what is wrong."""
    spec = ACTIONS.get(action)
    if spec is None:
        raise TransitionError(f"unknown action {action!r}")
    if state not in spec.sources:
        raise TransitionError(f"cannot {spec.label.lower()} a request in state {state!r}")
    if role not in spec.roles:
        raise TransitionError(f"a {role.replace('_', ' ')} cannot {spec.label.lower()}")
    return spec.target or state


def available(state: str, role: str) -> list[Action]:
    """Actions the role may take from this state, in table order (for buttons)."""
    return [a for a in ACTIONS.values() if state in a.sources and role in a.roles]
