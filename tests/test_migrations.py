"""The Alembic chain goes up and down on both backends, and the recovery-code table and the users table it builds
are the models'.

(The suite's own schemas already come from ``upgrade head`` in ``conftest.app``; this adds the way down, on a
database of its own so the session's database is never touched.)
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lawreq.db import Base, make_engine
from lawreq.migrate import alembic_config, upgrade
from tests.conftest import PG_URL


@pytest.fixture(params=["sqlite", pytest.param("postgresql", marks=pytest.mark.postgres)])
def empty_database(request, tmp_path) -> Iterator[str]:
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'migrations.sqlite'}"
        return
    if not PG_URL:
        pytest.skip("needs a PostgreSQL server: set LAWREQ_TEST_DATABASE_URL")
    from tests.conftest import _drop_pg_database, _fresh_pg_database

    url, name = _fresh_pg_database("lawreq_mig_")
    try:
        yield url
    finally:
        _drop_pg_database(name)


def _tables(engine) -> set[str]:
    with engine.connect() as conn:
        return set(sa.inspect(conn).get_table_names())


def _columns(engine, table: str) -> set[str]:
    with engine.connect() as conn:
        return {c["name"] for c in sa.inspect(conn).get_columns(table)}


def _drift(engine, table: str) -> list:
    with engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        return [d for d in compare_metadata(context, Base.metadata) if table in repr(d)]


def _indexes(engine, table: str) -> dict[str, dict]:
    with engine.connect() as conn:
        return {i["name"]: i for i in sa.inspect(conn).get_indexes(table)}


def _extended_statistics(engine) -> set[str]:
    if engine.dialect.name != "postgresql":
        return set()
    with engine.connect() as conn:
        return set(conn.scalars(sa.text("SELECT stxname FROM pg_statistic_ext")))


def test_upgrade_downgrade_and_upgrade_again(empty_database):
    engine = make_engine(empty_database)
    try:
        upgrade(empty_database)
        assert "recovery_codes" in _tables(engine)
        assert _drift(engine, "recovery_codes") == []
        assert "must_change_password" in _columns(engine, "users")
        assert _drift(engine, "users") == []
        sent = _indexes(engine, "legal_requests")["ix_legal_requests_unit_sent"]
        assert sent["column_names"] == ["unit_id", "sent_at"]
        if engine.dialect.name == "postgresql":
            assert "closed_at" in sent["dialect_options"]["postgresql_include"]
            assert "st_legal_requests_addressee" in _extended_statistics(engine)

        assert "locale" in _columns(engine, "users")
        command.downgrade(alembic_config(empty_database), "0006")
        assert "locale" not in _columns(engine, "users")

        command.downgrade(alembic_config(empty_database), "0005")
        assert "ix_legal_requests_unit_sent" not in _indexes(engine, "legal_requests")
        assert "st_legal_requests_addressee" not in _extended_statistics(engine)

        command.downgrade(alembic_config(empty_database), "0004")
        assert "must_change_password" not in _columns(engine, "users")

        command.downgrade(alembic_config(empty_database), "0003")
        assert "recovery_codes" not in _tables(engine)
        assert "users" in _tables(engine)

        command.downgrade(alembic_config(empty_database), "base")
        assert _tables(engine) <= {"alembic_version"}

        upgrade(empty_database)
        assert "recovery_codes" in _tables(engine)
        assert "must_change_password" in _columns(engine, "users")
        assert "locale" in _columns(engine, "users")
        assert "ix_legal_requests_unit_sent" in _indexes(engine, "legal_requests")
    finally:
        engine.dispose()
