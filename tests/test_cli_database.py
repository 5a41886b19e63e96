"""A database lawreq cannot use stops the command with one line naming it (password hidden) and exit code 1."""

from __future__ import annotations

import socket

import pytest
from click.testing import CliRunner

from lawreq.cli import main
from tests.conftest import TEST_CONFIG


@pytest.fixture
def env(tmp_path):
    values = {f"LAWREQ_{k}": str(v) for k, v in TEST_CONFIG.items() if v is not None and k != "SERVER_NAME"}
    return {**values, "LAWREQ_INSTANCE_PATH": str(tmp_path)}


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.mark.parametrize("command", [["db", "upgrade"], ["scheduler", "--once"]])
def test_an_unreachable_server_is_one_line_without_the_password(env, command):
    url = f"postgresql+psycopg://lawreq:hunter2-secret@127.0.0.1:{_closed_port()}/lawreq"
    result = CliRunner().invoke(main, command, env={**env, "LAWREQ_DATABASE_URL": url})
    assert result.exit_code == 1
    lines = result.output.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in result.output
    assert "lawreq:***@127.0.0.1:" in lines[0] and "hunter2" not in result.output
    assert "cannot connect" in lines[0]


def test_a_schema_behind_the_code_stops_the_scheduler_and_names_the_command_to_run(env, tmp_path):
    url = f"sqlite:///{tmp_path / 'empty.sqlite'}"
    result = CliRunner().invoke(main, ["scheduler", "--once"], env={**env, "LAWREQ_DATABASE_URL": url})
    assert result.exit_code == 1
    assert "no schema" in result.output and "lawreq db upgrade" in result.output
    assert len(result.output.strip().splitlines()) == 1


def test_db_upgrade_then_the_scheduler_starts(env, tmp_path):
    url = f"sqlite:///{tmp_path / 'fresh.sqlite'}"
    runner = CliRunner()
    assert runner.invoke(main, ["db", "upgrade"], env={**env, "LAWREQ_DATABASE_URL": url}).exit_code == 0
    result = runner.invoke(main, ["scheduler", "--once"], env={**env, "LAWREQ_DATABASE_URL": url})
    assert result.exit_code == 0, result.output
    assert "reminders: 0 claimed" in result.output
