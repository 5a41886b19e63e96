"""Database plumbing: declarative base, a UTC-safe datetime type, and one scoped session.

Plain SQLAlchemy 2 (no Flask-SQLAlchemy) so models and services work the same from the web app, the CLI and the
scheduler process, and so the test suite can join the session into an outer transaction with
``join_transaction_mode="create_savepoint"`` without the Flask-SQLAlchemy ``get_bind`` workaround.
Services ``flush``; the caller that owns the unit of work (view, CLI command, job) commits once.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import JSON, DateTime, MetaData, create_engine, event
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.orm import DeclarativeBase, scoped_session, sessionmaker
from sqlalchemy.types import TypeDecorator

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


class UTCDateTime(TypeDecorator[datetime]):
    """Aware datetimes in, aware UTC datetimes out, on SQLite as on PostgreSQL.

    SQLite's ``DateTime(timezone=True)`` silently drops the offset (ENGINEERING.md §6), which would shift every
    deadline by the writer's offset; naive input is therefore refused rather than guessed.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime refused: store aware datetimes only")
        value = value.astimezone(timezone.utc)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=timezone.utc)
        return value.astimezone(timezone.utc)


#: JSON on SQLite, JSONB on PostgreSQL (indexable, compact).
JSONType = JSON().with_variant(JSONB(), "postgresql")

#: The one session registry. ``configure_session`` binds it to an engine at start.
session = scoped_session(sessionmaker(expire_on_commit=False))


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    # pysqlite's implicit transactions break SAVEPOINT; take BEGIN ourselves (SQLAlchemy SQLite docs).
    dbapi_conn.isolation_level = None
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")  # queue behind other writers rather than fail
    cur.execute("PRAGMA journal_mode=WAL")  # readers never block the writer; no-op for :memory:
    cur.close()


def make_engine(url: str, **kwargs: Any) -> Engine:
    """Create an engine with the per-backend settings lawreq relies on."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        engine = create_engine(url, connect_args={"check_same_thread": False}, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)

        @event.listens_for(engine, "begin")
        def _begin(conn: Any) -> None:
            # Every transaction is IMMEDIATE: it takes the write lock up front, so a second writer waits
            # (busy_timeout) instead of failing with "database is locked" when its read lock cannot be upgraded,
            # which busy_timeout never covers (and under WAL, a stale snapshot answers SQLITE_BUSY at once).
            # Nearly every request writes (the session row is touched), so telling readers apart buys nothing;
            # WAL keeps plain reads outside transactions unblocked.
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        return engine
    return create_engine(url, pool_pre_ping=True, **kwargs)


def configure_session(engine: Engine) -> None:
    session.remove()
    session.configure(bind=engine)
