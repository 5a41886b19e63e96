"""``lawreq audit verify`` on a real database file: intact, then tampered."""

import sqlite3

from click.testing import CliRunner
from sqlalchemy.orm import Session

from lawreq.audit.services import record
from lawreq.cli import main
from lawreq.db import make_engine
from lawreq.migrate import upgrade
from tests.conftest import TEST_CONFIG


def test_audit_verify_passes_then_names_the_edited_entry(tmp_path, monkeypatch):
    db_file = tmp_path / "audit.sqlite"
    url = f"sqlite:///{db_file}"
    env = {"LAWREQ_DATABASE_URL": url, "LAWREQ_ENV": "testing", "LAWREQ_INSTANCE_PATH": str(tmp_path),
           **{f"LAWREQ_{k}": TEST_CONFIG[k] for k in ("SECRET_KEY", "AUDIT_KEY", "JWT_SECRET")}}
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    upgrade(url)
    engine = make_engine(url)
    with Session(engine) as s:
        for i in range(4):
            record(s, TEST_CONFIG["AUDIT_KEY"].encode(), actor=None, action=f"cli.test{i}", detail={"i": i})
        s.commit()
    engine.dispose()
    runner = CliRunner()
    ok = runner.invoke(main, ["audit", "verify"])
    assert ok.exit_code == 0, ok.output
    assert "intact: 4 entries" in ok.output

    conn = sqlite3.connect(db_file)
    conn.execute("DROP TRIGGER audit_entries_no_update")
    conn.execute("UPDATE audit_entries SET action = 'cli.forged' WHERE seq = 3")
    conn.commit()
    conn.close()
    broken = runner.invoke(main, ["audit", "verify"])
    assert broken.exit_code == 1
    assert "BROKEN at seq 3" in broken.output
