"""The aggregated statistics equal, to the last bit, what the row-by-row version computed before the rewrite.

Random worlds (fixed seeds) with microsecond-precise durations, negative ones, missing ones, ties, every state,
every kind of recorded refusal, providers missing or empty, two units and requests sent before the period; the
figures are compared exactly (floats with ``==``) for officers of one unit and of two, an admin and an officer
without units, over each period the page offers, on every backend.
"""

from __future__ import annotations

import random
from datetime import timedelta

import pytest
from sqlalchemy.sql.visitors import iterate

from lawreq.board.queries import statistics_cells, statistics_selects
from lawreq.board.statistics import DIMENSIONS, summarise
from lawreq.core.clock import utcnow
from lawreq.legal_requests.models import LegalRequest
from lawreq.workflow.states import STATES
from tests.board import statistics_reference as reference

PROVIDERS = ["meta", "google", "microsoft", "apple", None, ""]
ROUTES = ["eu-epoc", "us-voluntary-disclosure", "us-mlat", None]
COUNTRIES = ["IE", "US", "NL", None, ""]
REASONS = ["wrong_entity", "no_data", "time_range", "other", "", None]
PERIODS = (90, 365, 1825)


def _duration(rng: random.Random) -> timedelta | None:
    roll = rng.random()
    if roll < 0.25:
        return None
    if roll < 0.35:  # whole hours: ties, and values a decimal prints exactly
        return timedelta(hours=rng.randint(-24, 24 * 30))
    return timedelta(microseconds=rng.randint(-3 * 86_400_000_000, 60 * 86_400_000_000))


def _outcome(rng: random.Random, state: str, sent, now) -> dict:
    outcome: dict = {}
    if state == "refused":
        kind = rng.random()
        if kind < 0.2:
            outcome["refused_by"] = "approver"
        elif kind < 0.8:
            outcome["refused_by"] = "addressee"
        elif kind < 0.9:
            outcome["refused_by"] = None
        if rng.random() < 0.85:
            outcome["reason"] = rng.choice(REASONS)
    if rng.random() < 0.7 and sent is not None:
        at = _duration(rng)
        if at is not None:
            outcome["at"] = (sent + at).isoformat()
    return outcome


def _world(factory, db_session, seed: int, size: int = 300):
    rng = random.Random(seed)
    now = utcnow()
    units = [factory.unit(), factory.unit()]
    inv = factory.user("investigator", units=units)
    cases = [factory.case(unit, created_by=inv) for unit in units]
    rows = []
    for i in range(size):
        case = rng.choice(cases)
        state = rng.choice(STATES)
        sent = None if rng.random() < 0.1 else now - timedelta(microseconds=rng.randint(0, 2000 * 86_400_000_000))
        ack, closed = _duration(rng), _duration(rng)
        rows.append(LegalRequest(
            case_id=case.id, unit_id=case.unit_id, created_by_id=inv.id, reference=f"LR-EQ-{seed}-{i:04d}",
            state=state, provider_id=rng.choice(PROVIDERS), route_id=rng.choice(ROUTES),
            addressee_country=rng.choice(COUNTRIES), issuing_country="FI", sent_at=sent,
            acknowledged_at=sent + ack if sent and ack is not None else None,
            closed_at=sent + closed if sent and closed is not None else None,
            outcome=_outcome(rng, state, sent, now), facts={}, details={}, identifiers=[]))
    db_session.add_all(rows)
    db_session.commit()
    return {"one unit": factory.user("liaison_officer", units=units[:1]),
            "two units": factory.user("liaison_officer", units=units),
            "admin": factory.user("admin", units=[]),
            "no unit": factory.user("liaison_officer", units=[])}, now


def _same(new, old) -> None:
    assert [s.key for s in new] == [s.key for s in old]
    for n, o in zip(new, old, strict=True):
        # Ties among refusal reasons used to come out in the database's row order; now they are sorted by name.
        assert list(n.refusals_by_reason.items()) == sorted(o.refusals_by_reason.items(),
                                                            key=lambda item: (-item[1], str(item[0])))
        assert n == o


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_the_aggregated_statistics_equal_the_row_by_row_ones(factory, db_session, seed):
    users, now = _world(factory, db_session, seed)
    compared = 0
    for who, user in users.items():
        for days in PERIODS:
            since = now - timedelta(days=days)
            old = reference.statistics(db_session, user, since)
            cells = statistics_cells(db_session, user, since)
            for dimension in DIMENSIONS:
                _same(summarise(cells, dimension), old[dimension])
                compared += sum(s.sent for s in old[dimension])
            if who == "no unit":
                assert cells == []
    assert compared > 1000


def test_the_totals_query_reads_only_what_its_covering_index_carries(factory):
    """On PostgreSQL the totals are an index-only scan of ix_legal_requests_unit_sent; a column read beyond the
    index (the JSON outcome, say) would silently bring back a visit to every heap page of the unit."""
    table = LegalRequest.__table__
    (index,) = [i for i in table.indexes if i.name == "ix_legal_requests_unit_sent"]
    carried = {c.name for c in index.columns} | set(index.dialect_options["postgresql"]["include"])
    officer = factory.user("liaison_officer")
    totals, _ = statistics_selects(officer, utcnow(), "postgresql")
    read = {e.name for e in iterate(totals) if getattr(e, "table", None) is table}
    assert read and read <= carried, read - carried
