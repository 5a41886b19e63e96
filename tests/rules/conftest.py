"""Fixtures for the pure rules tests: the small fixture trees, loaded once."""

from __future__ import annotations

from pathlib import Path

import pytest

from lawreq.rules import RuleSet, load_rules

DATA = Path(__file__).resolve().parent.parent / "data" / "jurisdictions"
VALID = DATA / "valid"
BROKEN = DATA / "broken"


@pytest.fixture(scope="session")
def fixture_rules() -> RuleSet:
    """The valid fixture tree (not the shipped data)."""
    return load_rules(VALID)
