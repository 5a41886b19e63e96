"""``lawreq forms verify FILE.pdf``: the liaison officer's (or a provider's) command-line check of a received file
against the configured trust roots and the issued documents. Exit 0 genuine, 1 not."""

from __future__ import annotations

import pytest
from click.testing import CliRunner

from lawreq import db
from lawreq.cli import main
from lawreq.core.clock import utcnow
from tests.conftest import TEST_CONFIG


@pytest.fixture
def issued_elsewhere(app, tmp_path, monkeypatch):
    """A separate instance (its own SQLite file and keys) with one approved, signed EPOC, committed, as the
    command sees it when an operator runs it."""
    from lawreq.app import create_app
    from lawreq.legal_requests import services
    from lawreq.legal_requests.issued import IssuedDocument
    from lawreq.migrate import upgrade
    from lawreq.signing.throwaway import write_demo_keys
    from tests.factories import Factory
    from tests.legal_requests.test_follow_ups import FACTS, IDENTIFIERS

    url = f"sqlite:///{tmp_path / 'cli.sqlite'}"
    write_demo_keys(tmp_path / "signing", [("FIPOL", "Test Police Department, Finland")], "cli-pass")
    env = {**{f"LAWREQ_{k}": str(v) for k, v in TEST_CONFIG.items() if v is not None},
           "LAWREQ_DATABASE_URL": url, "LAWREQ_INSTANCE_PATH": str(tmp_path),
           "LAWREQ_SIGNING_KEYS_DIR": str(tmp_path / "signing"), "LAWREQ_SIGNING_PASSWORD_FIPOL": "cli-pass"}
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    upgrade(url)
    other = create_app({"DATABASE_URL": url}, instance_path=str(tmp_path))
    try:
        with other.app_context():
            make = Factory(db.session, other)
            unit = make.unit(code="FIPOL", email="csa@fipol.test", authority_name="Test Police Department, Finland")
            investigator = make.user("investigator", units=[unit])
            prosecutor = make.user("approver", units=[unit], authority="prosecutor")
            case = make.case(unit, created_by=investigator)
            req = make.request(case, investigator, state="awaiting_approval", provider_id="meta", route_id="eu-epoc",
                               route_kind="production_order", form_id="epoc", approval_authority="prosecutor",
                               submitted_at=utcnow(),
                               addressee_country="IE", facts={**FACTS, "data_categories": ["subscriber_data"]},
                               identifiers=list(IDENTIFIERS),
                               details={"necessity_proportionality": "Only way.", "legal_provisions": "CC 20:8b"})
            services.transition(db.session, services.Ctx(prosecutor, TEST_CONFIG["AUDIT_KEY"].encode(),
                                                         other.extensions["lawreq.rules"],
                                                         signing=other.extensions["lawreq.signing"]), req, "approve")
            db.session.commit()
            pdf = db.session.query(IssuedDocument).one().pdf
    finally:
        other.extensions["lawreq.engine"].dispose()
        db.configure_session(app.extensions["lawreq.engine"])
    return tmp_path, pdf


def test_the_issued_file_is_genuine_and_a_changed_byte_is_not(issued_elsewhere):
    folder, pdf = issued_elsewhere
    good = folder / "received.pdf"
    good.write_bytes(pdf)
    result = CliRunner().invoke(main, ["forms", "verify", str(good)])
    assert result.exit_code == 0, result.output
    for line in ("signature:  valid, chain trusted", "issuer:     Test Police Department, Finland",
                 "state approved", "GENUINE"):
        assert line in result.output

    tampered = bytearray(pdf)
    tampered[len(pdf) // 2] ^= 0x01
    bad = folder / "tampered.pdf"
    bad.write_bytes(bytes(tampered))
    result = CliRunner().invoke(main, ["forms", "verify", str(bad)])
    assert result.exit_code == 1 and "NOT GENUINE" in result.output
    assert "no issued document has these exact bytes" in result.output
