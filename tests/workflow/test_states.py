"""The request lifecycle table."""

import pytest

from lawreq.workflow.states import ACTIONS, STATES, TransitionError, apply, available


@pytest.mark.parametrize("state,action,role,expected", [
    ("draft", "submit_for_approval", "investigator", "awaiting_approval"),
    ("draft", "submit", "investigator", "approved"),
    ("returned", "submit_for_approval", "investigator", "awaiting_approval"),
    ("awaiting_approval", "approve", "approver", "approved"),
    ("awaiting_approval", "return", "approver", "returned"),
    ("awaiting_approval", "reject", "approver", "refused"),
    ("approved", "mark_sent", "liaison_officer", "sent"),
    ("sent", "acknowledge", "liaison_officer", "acknowledged"),
    ("acknowledged", "partially_fulfil", "investigator", "partially_fulfilled"),
    ("partially_fulfilled", "fulfil", "liaison_officer", "fulfilled"),
    ("sent", "refuse", "liaison_officer", "refused"),
    ("sent", "follow_up", "liaison_officer", "sent"),
    ("acknowledged", "lapse", "liaison_officer", "lapsed"),
    ("approved", "withdraw", "investigator", "withdrawn"),
])
def test_allowed_transitions(state, action, role, expected):
    assert apply(state, action, role) == expected


@pytest.mark.parametrize("state,action,role,message", [
    ("draft", "approve", "approver", "in state 'draft'"),
    ("awaiting_approval", "approve", "investigator", "investigator cannot"),
    ("fulfilled", "withdraw", "investigator", "in state 'fulfilled'"),
    ("draft", "mark_sent", "liaison_officer", "in state 'draft'"),
    ("sent", "lapse", "investigator", "investigator cannot"),
    ("draft", "teleport", "admin", "unknown action"),
])
def test_refused_transitions_say_why(state, action, role, message):
    with pytest.raises(TransitionError, match=message):
        apply(state, action, role)


def test_every_target_is_a_known_state_and_terminal_states_have_no_exit():
    for a in ACTIONS.values():
        assert a.sources <= set(STATES)
        assert a.target is None or a.target in STATES
    for terminal in ("fulfilled", "withdrawn", "lapsed"):
        assert available(terminal, "admin") == []
