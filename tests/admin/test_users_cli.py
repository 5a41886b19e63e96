"""``lawreq users create`` at a terminal: the account it opens is audited like one opened on the admin pages (the
actor is "system"), and the password typed there is a temporary one unless automation says otherwise."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.audit.models import AuditEntry
from lawreq.auth.models import User
from lawreq.cli import main
from lawreq.db import make_engine
from lawreq.migrate import upgrade
from tests.conftest import TEST_CONFIG

PASSWORD = "typed at the terminal"


@pytest.fixture
def database(tmp_path, monkeypatch):
    """A database file of its own, reached by the command through the ``LAWREQ_*`` environment."""
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


def _create(*extra):
    return CliRunner().invoke(main, ["users", "create", "--email", "Nina@test.lawreq", "--name", "Nina Newcomer",
                                     "--role", "investigator", "--password", PASSWORD, *extra])


def test_the_account_is_audited_as_created_by_the_system_and_its_password_is_temporary(database):
    result = _create()

    assert result.exit_code == 0, result.output
    assert "they choose their own password at the first login" in result.output
    user = database.scalar(select(User).where(User.email == "nina@test.lawreq"))
    assert user.must_change_password
    [entry] = database.scalars(select(AuditEntry).where(AuditEntry.action == "user.created")).all()
    assert (entry.actor, entry.actor_id) == ("system", None)
    assert (entry.object_type, entry.object_id) == ("users", str(user.id))
    assert entry.detail["user"] == "nina@test.lawreq" and entry.detail["must_change_password"] is True
    assert entry.detail["changes"]["role"] == [None, "investigator"]
    assert PASSWORD not in json.dumps(entry.detail)
    database.rollback()  # end the read: on SQLite every transaction holds the write lock (BEGIN IMMEDIATE)
    verified = CliRunner().invoke(main, ["audit", "verify"])
    assert verified.exit_code == 0 and "intact: 1 entries" in verified.output


def test_automation_opts_out_of_the_forced_change(database):
    result = _create("--no-force-change")

    assert result.exit_code == 0, result.output
    assert "first login" not in result.output
    assert database.scalar(select(User.must_change_password).where(User.email == "nina@test.lawreq")) is False
    entry = database.scalar(select(AuditEntry).where(AuditEntry.action == "user.created"))
    assert entry.detail["must_change_password"] is False


def test_a_refused_account_leaves_neither_a_user_nor_an_audit_entry(database):
    result = CliRunner().invoke(main, ["users", "create", "--email", "nina@test.lawreq", "--role", "investigator",
                                       "--password", "short"])

    assert result.exit_code == 1 and "password: Use at least 12 characters." in result.output
    assert database.scalars(select(User)).all() == []
    assert database.scalars(select(AuditEntry)).all() == []
