"""Alembic environment: the URL comes from lawreq's configuration (or an open connection in tests)."""

from __future__ import annotations

from alembic import context

import lawreq.models  # noqa: F401  (fills Base.metadata)
from lawreq.db import Base, make_engine

config = context.config
target_metadata = Base.metadata


def run_migrations_online() -> None:
    connection = config.attributes.get("connection")
    if connection is not None:
        _run(connection)
        return
    engine = make_engine(config.get_main_option("sqlalchemy.url"))
    with engine.connect() as conn:
        _run(conn)
    engine.dispose()


def _run(connection) -> None:
    context.configure(connection=connection, target_metadata=target_metadata,
                      render_as_batch=connection.dialect.name == "sqlite", compare_type=True)
    with context.begin_transaction():
        context.run_migrations()
    if connection.in_transaction():
        connection.commit()


if context.is_offline_mode():  # pragma: no cover - lawreq always migrates online
    raise SystemExit("offline migrations are not supported; run `lawreq db upgrade`")
run_migrations_online()
