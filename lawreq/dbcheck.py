"""One connection before a command serves or sweeps, turned into a one-line verdict an operator can act on.

Without it an unreachable server, a wrong password or a schema older than the code shows up as a traceback from
deep inside the first request (or, in a gunicorn worker, as a boot loop). The URL is always printed with its
password hidden: these lines end up in journald and ticket systems.
"""

from __future__ import annotations

from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError, SQLAlchemyError

from lawreq.migrate import alembic_config


class DatabaseUnavailable(RuntimeError):
    """The database cannot be used; the message is one line naming the URL without its password."""


def safe_url(engine: Engine) -> str:
    return engine.url.render_as_string(hide_password=True)


def _reason(exc: BaseException) -> str:
    original = getattr(exc, "orig", None) or exc
    text = " ".join(str(original).split())  # drivers answer over several lines; keep one
    lowered = text.lower()
    if "password authentication failed" in lowered or "authentication failed" in lowered:
        return f"authentication failed (wrong user or password): {text[:300]}"
    if "does not exist" in lowered and "database" in lowered:
        return f"the database does not exist: {text[:300]}"
    return f"cannot connect: {text[:300]}"


def check_database(engine: Engine, *, need_schema: bool = True) -> None:
    """Raise :class:`DatabaseUnavailable` unless the database answers (and, with ``need_schema``, is migrated to
    the newest revision this code ships)."""
    url = safe_url(engine)
    try:
        with engine.connect() as conn:
            current = MigrationContext.configure(conn).get_current_heads()
    except (DBAPIError, SQLAlchemyError, OSError) as exc:
        raise DatabaseUnavailable(f"database {url}: {_reason(exc)}") from exc
    if not need_schema:
        return
    heads = set(ScriptDirectory.from_config(alembic_config()).get_heads())
    if set(current) != heads:
        have = ", ".join(current) or "no schema"
        raise DatabaseUnavailable(f"database {url}: schema at {have}, this version of lawreq needs "
                                  f"{', '.join(sorted(heads))}: run `lawreq db upgrade`")
