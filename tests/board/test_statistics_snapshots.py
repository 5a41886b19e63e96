"""The statistics page reads what the scheduler computed: the same figures, one row per scope and period, and it
says as of when; a change shows at the next refresh, and without a recent snapshot the page computes live.

The snapshots are compared exactly (floats with ``==``) with the row-by-row reference on the random worlds of
``test_statistics_equivalence``, for every scope and period, on every backend.
"""

from __future__ import annotations

import csv
import io
from datetime import datetime, timedelta, timezone

import pytest
import time_machine
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.board.models import StatisticsSnapshot
from lawreq.board.snapshots import PERIOD_DAYS, Scope, compute, from_json, refresh, scope_of, store
from lawreq.board.statistics import DIMENSIONS
from lawreq.core.clock import utcnow
from lawreq.deadlines.scheduler import refresh_statistics
from tests.board import statistics_reference as reference
from tests.board.test_statistics_equivalence import _same, _world

NOW = datetime(2026, 11, 23, 10, 0, tzinfo=timezone.utc)
REFRESH = timedelta(seconds=300)


@pytest.mark.parametrize("seed", [4, 5])
def test_a_snapshot_reads_back_as_the_very_figures_of_the_row_by_row_reference(factory, db_session, seed):
    users, now = _world(factory, db_session, seed)
    for user in users.values():
        for days in PERIOD_DAYS:
            store(db_session, scope_of(user), days, now)
            db_session.commit()
            row = db_session.get(StatisticsSnapshot, (scope_of(user).key, days))
            old = reference.statistics(db_session, user, now - timedelta(days=days))
            for dimension, groups in from_json(row.figures).items():
                _same(groups, old[dimension])


def _meta_row(client) -> list[str]:
    resp = client.get("/board/statistics.csv?days=90")
    assert resp.status_code == 200
    rows = {(r[0], r[1]): r[2:] for r in csv.reader(io.StringIO(resp.get_data(as_text=True)))}
    return rows.get(("provider", "meta"), [])


@pytest.fixture
def unit_world(factory):
    unit = factory.unit()
    inv = factory.user("investigator", units=[unit])
    case = factory.case(unit, created_by=inv)

    def sent(state="fulfilled", ack=1, closed=3):
        at = utcnow() - timedelta(days=10)
        return factory.request(case, inv, state=state, provider_id="meta", route_id="eu-epoc",
                               addressee_country="IE", sent_at=at, acknowledged_at=at + timedelta(days=ack),
                               closed_at=at + timedelta(days=closed))

    return unit, sent


def test_a_new_answer_shows_once_the_scheduler_has_refreshed_the_snapshot(app, client, login, factory, unit_world):
    unit, sent = unit_world
    with time_machine.travel(NOW, tick=False) as clock:
        sent()
        login(factory.user("liaison_officer", units=[unit]))
        html = client.get("/board/statistics?days=90").get_data(as_text=True)
        assert "Figures computed now" in html  # no snapshot yet: computed in the request, and stored
        assert _meta_row(client)[:3] == ["1", "1", "1"]

        sent(closed=9)  # a second fulfilment, recorded a minute later
        clock.shift(timedelta(minutes=1))
        assert _meta_row(client)[:3] == ["1", "1", "1"]  # the page still shows the snapshot
        html = client.get("/board/statistics?days=90").get_data(as_text=True)
        assert "Figures as of" in html and "Nov 23, 2026" in html and "12:00" in html  # Helsinki time of the snapshot

        clock.shift(REFRESH)
        assert refresh_statistics(app).startswith("statistics: 3 snapshots computed")
        meta = _meta_row(client)
        assert meta[:3] == ["2", "2", "2"] and meta[8:10] == ["6.0", "8.4"]  # data days 3 and 9: median 6, p90 8.4


def test_a_snapshot_older_than_the_maximum_age_is_not_shown(app, client, login, factory, unit_world):
    unit, sent = unit_world
    with time_machine.travel(NOW, tick=False) as clock:
        sent()
        officer = factory.user("liaison_officer", units=[unit])
        login(officer)
        assert _meta_row(client)[0] == "1"
        sent()
        clock.shift(timedelta(seconds=app.config["STATISTICS_MAX_AGE_SECONDS"] + 1))  # no scheduler ran
        login(officer)  # the idle session expired meanwhile
        assert _meta_row(client)[0] == "2"


def test_an_officer_of_another_unit_never_reads_this_units_snapshot(client, login, factory, unit_world):
    unit, sent = unit_world
    sent()
    login(factory.user("liaison_officer", units=[unit]))
    assert _meta_row(client)[0] == "1"
    login(factory.user("liaison_officer", units=[factory.unit()]))
    assert _meta_row(client) == []


def test_refresh_computes_each_viewers_scope_once_and_drops_the_scopes_nobody_has(factory, db_session):
    a, b, c = factory.unit(), factory.unit(), factory.unit()
    factory.user("liaison_officer", units=[a, b])
    factory.user("liaison_officer", units=[b, a])  # the same scope
    factory.user("admin", units=[])
    factory.user("liaison_officer", units=[c], active=False)
    factory.user("investigator", units=[c])  # no statistics page
    gone = Scope("liaison_officer", (c.id,))
    store(db_session, gone, 90, NOW)
    db_session.commit()

    summary = refresh(db_session, NOW, REFRESH)

    scopes = {(r.scope, r.days) for r in db_session.scalars(select(StatisticsSnapshot))}
    pair = ",".join(map(str, sorted((a.id, b.id))))
    assert scopes == {(key, d) for key in ("all", f"units:{pair}") for d in PERIOD_DAYS}
    assert (summary.computed, summary.kept, summary.dropped) == (6, 0, 1)
    again = refresh(db_session, NOW + REFRESH - timedelta(seconds=1), REFRESH)
    assert (again.computed, again.kept) == (0, 6)
    assert refresh(db_session, NOW + REFRESH, REFRESH).computed == 6


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A database file of its own, reached by the command through the ``LAWREQ_*`` environment."""
    from lawreq.db import make_engine
    from lawreq.migrate import upgrade
    from tests.conftest import TEST_CONFIG

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    env = {"LAWREQ_DATABASE_URL": url, "LAWREQ_ENV": "testing", "LAWREQ_INSTANCE_PATH": str(tmp_path),
           **{f"LAWREQ_{k}": str(TEST_CONFIG[k]) for k in ("SECRET_KEY", "AUDIT_KEY", "JWT_SECRET",
                                                           "PASSWORD_HASH_PROFILE")}}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as session:
        yield session
    engine.dispose()


def test_lawreq_stats_rebuild_recomputes_every_snapshot_now(database):
    from lawreq.auth.models import Unit, User
    from lawreq.cli import main
    from lawreq.legal_requests.models import Case, LegalRequest

    unit = Unit(code="U1", name="Unit 1", country="FI", timezone="Europe/Helsinki")
    admin = User(email="admin@test.lawreq", name="Admin", role="admin", password_hash="x")
    officer = User(email="lo@test.lawreq", name="Officer", role="liaison_officer", password_hash="x", units=[unit])
    database.add_all([unit, admin, officer])
    database.flush()
    case = Case(unit_id=unit.id, reference="C-1", offence="fraud", summary="s")
    database.add(case)
    database.flush()
    sent = utcnow() - timedelta(days=5)
    database.add(LegalRequest(case_id=case.id, unit_id=unit.id, created_by_id=officer.id, reference="LR-1",
                              state="fulfilled", provider_id="meta", route_id="eu-epoc", addressee_country="IE",
                              issuing_country="FI", sent_at=sent, acknowledged_at=sent + timedelta(days=1),
                              closed_at=sent + timedelta(days=2), facts={}, details={}, identifiers=[], outcome={}))
    database.add(StatisticsSnapshot(scope="all", days=90, computed_at=utcnow(), figures={}, cost_ms=0))  # stale
    database.commit()

    result = CliRunner().invoke(main, ["stats", "rebuild"])

    assert result.exit_code == 0, result.output
    assert result.output.startswith("statistics: 6 snapshots computed")
    database.expire_all()
    rows = {(r.scope, r.days): r for r in database.scalars(select(StatisticsSnapshot))}
    assert set(rows) == {(key, d) for key in ("all", f"units:{unit.id}") for d in PERIOD_DAYS}
    for (key, days), row in rows.items():
        [meta] = from_json(row.figures)["provider"]
        assert (meta.key, meta.sent, meta.fulfilled, meta.median_data_days) == ("meta", 1, 1, 2.0)
        scope = Scope("admin") if key == "all" else Scope("liaison_officer", (unit.id,))
        assert from_json(row.figures) == compute(database, scope, days, row.computed_at)
    database.rollback()  # end this read: on SQLite every transaction takes the write lock (BEGIN IMMEDIATE)
    once = CliRunner().invoke(main, ["scheduler", "--once"])  # cron's tick: the sweep, then the refresh
    assert once.exit_code == 0, once.output
    assert once.output.splitlines()[-1].startswith("statistics: 0 snapshots computed in")
    assert "6 still fresh" in once.output


def test_a_snapshot_that_cannot_be_stored_still_leaves_the_viewer_the_exact_figures(client, login, factory,
                                                                                      unit_world, db_session):
    from sqlalchemy import text

    unit, sent = unit_world
    sent()
    # the database refuses the write (a full disk, a read-only replica…); undone with the test's outer transaction
    if db_session.get_bind().dialect.name == "postgresql":
        db_session.execute(text("CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS "
                                "$$ BEGIN RAISE EXCEPTION 'refused'; END $$"))
        db_session.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON statistics_snapshots "
                                "FOR EACH ROW EXECUTE FUNCTION refuse()"))
    else:
        db_session.execute(text("CREATE TRIGGER refuse BEFORE INSERT ON statistics_snapshots "
                                "BEGIN SELECT RAISE(ABORT, 'refused'); END"))
    db_session.commit()
    login(factory.user("liaison_officer", units=[unit]))
    assert _meta_row(client)[:3] == ["1", "1", "1"]
    assert db_session.scalars(select(StatisticsSnapshot)).all() == []


@pytest.mark.parametrize("seed", [6])
def test_a_refresh_puts_each_scope_together_from_its_units_to_the_very_same_figures(factory, db_session, seed):
    """One scan per period for every scope: each one's figures equal the reference computed for it alone."""
    users, now = _world(factory, db_session, seed)
    scopes = {scope_of(u) for u in users.values()}
    assert len(scopes) == 4  # one unit, two units, every unit, no unit
    assert refresh(db_session, now, timedelta(0), scopes=scopes).computed == 4 * len(PERIOD_DAYS)
    for user in users.values():
        for days in PERIOD_DAYS:
            row = db_session.get(StatisticsSnapshot, (scope_of(user).key, days))
            old = reference.statistics(db_session, user, now - timedelta(days=days))
            for dimension, groups in from_json(row.figures).items():
                _same(groups, old[dimension])
            assert list(from_json(row.figures)) == list(old) == list(DIMENSIONS)


def _costly_snapshot_on_record(db_session, days: int = 90, cost_ms: int = 1_600) -> None:
    """What a national instance has on record: the admins' view of the period took 1.6 s to compute."""
    db_session.add(StatisticsSnapshot(scope="all", days=days, computed_at=utcnow(), cost_ms=cost_ms,
                                      figures={d: [] for d in DIMENSIONS}))
    db_session.commit()


def test_where_computing_is_costly_an_old_snapshot_is_shown_as_old_and_nothing_is_computed_in_the_request(
        app, client, login, factory, unit_world, db_session):
    unit, sent = unit_world
    with time_machine.travel(NOW, tick=False) as clock:
        sent()
        officer = factory.user("liaison_officer", units=[unit])
        login(officer)
        assert _meta_row(client)[0] == "1"  # cheap so far: computed in the request and stored
        _costly_snapshot_on_record(db_session)
        sent()
        clock.shift(timedelta(seconds=app.config["STATISTICS_MAX_AGE_SECONDS"] + 1))  # the scheduler is down
        login(officer)
        assert _meta_row(client)[0] == "1"  # the old figures, not a 1.6 s scan in this worker
        html = client.get("/board/statistics?days=90").get_data(as_text=True)
        assert "older than usual because the scheduler has not refreshed them" in html
        assert "Nov 23, 2026" in html

        app.config["STATISTICS_LIVE_BUDGET_MS"] = 10_000  # an instance whose scans are cheap enough
        try:
            assert _meta_row(client)[0] == "2"
        finally:
            app.config["STATISTICS_LIVE_BUDGET_MS"] = 250


def test_where_computing_is_costly_a_new_officer_is_told_the_figures_are_being_prepared(
        app, client, login, factory, unit_world, db_session):
    unit, sent = unit_world
    sent()
    _costly_snapshot_on_record(db_session)
    officer = factory.user("liaison_officer", units=[unit])
    login(officer)
    html = client.get("/board/statistics?days=90").get_data(as_text=True)
    assert "The figures for your units are being prepared" in html
    assert 'id="table-provider"' not in html  # no empty table that would read as "no requests"
    resp = client.get("/board/statistics.csv?days=90")
    assert resp.status_code == 503 and resp.headers["Retry-After"] == str(app.config["STATISTICS_REFRESH_SECONDS"])
    assert db_session.get(StatisticsSnapshot, (scope_of(officer).key, 90)) is None  # nothing computed here

    refresh_statistics(app)  # the scheduler's next tick computes every active viewer's scope
    assert _meta_row(client)[:3] == ["1", "1", "1"]
