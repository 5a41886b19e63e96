"""A unit's key signs its documents as PAdES; a changed byte, a foreign root or an appended update is caught, and a
key that cannot sign is named before anyone tries to."""

from __future__ import annotations

import http.server
import threading
from datetime import datetime, timedelta, timezone

import pytest
from asn1crypto import tsp
from cryptography.hazmat.primitives import serialization
from pyhanko.sign.timestamps import DummyTimeStamper

from lawreq.pdf import render
from lawreq.pdf.render import example
from lawreq.signing import SigningError, SigningKeys
from lawreq.signing.sign import sign_pdf
from lawreq.signing.throwaway import make_ca, make_unit_p12, write_demo_keys
from lawreq.signing.verify import check_signature


@pytest.fixture(scope="module")
def document() -> bytes:
    return render("epoc", example("epoc"), lang="en", invariant=True)


@pytest.fixture
def keys(tmp_path) -> SigningKeys:
    write_demo_keys(tmp_path / "signing", [("FI-CSA", "Demo Police Department")], "s3cret")
    return SigningKeys.load({"SIGNING_PASSWORD_FI_CSA": "s3cret"}, tmp_path, environ={})


def test_a_signed_document_verifies_and_keeps_the_rendered_bytes(document, keys):
    key = keys.for_unit("FI-CSA", datetime.now(timezone.utc))
    signed = sign_pdf(document, key, reason="test")
    assert signed.level == "B-B" and signed.pdf.startswith(document) and len(signed.pdf) > len(document)
    check = check_signature(signed.pdf, keys.trust_roots)
    assert check.ok, check.problems
    assert "Demo Police Department (FI-CSA)" in check.signer_subject and not check.timestamped


def test_one_changed_byte_breaks_the_signature(document, keys):
    signed = sign_pdf(document, keys.keys["FI-CSA"], reason="test").pdf
    tampered = bytearray(signed)
    tampered[len(document) // 2] ^= 0x01
    check = check_signature(bytes(tampered), keys.trust_roots)
    assert not check.ok and not check.valid
    assert "changed after signing" in " ".join(check.problems)


def test_a_certificate_from_another_ca_is_not_trusted(document, keys):
    signed = sign_pdf(document, keys.keys["FI-CSA"], reason="test").pdf
    stranger = make_ca("someone else's CA").certificate
    check = check_signature(signed, [stranger])
    assert check.valid and not check.trusted and not check.ok
    assert not check_signature(signed, []).ok  # no trust roots configured: nothing is trusted


def test_bytes_added_after_signing_are_caught(document, keys):
    signed = sign_pdf(document, keys.keys["FI-CSA"], reason="test").pdf
    check = check_signature(signed + b"\n1 0 obj\n(forged)\nendobj\n", keys.trust_roots)
    assert not check.ok


def test_an_unsigned_or_broken_file_is_not_genuine(document, keys):
    assert check_signature(document, keys.trust_roots).problems == ["the file carries no signature"]
    assert not check_signature(b"not a pdf at all", keys.trust_roots).ok


def test_a_wrong_password_is_named_at_load_and_stops_signing(tmp_path):
    write_demo_keys(tmp_path / "signing", [("FI-CSA", "Demo")], "right")
    keys = SigningKeys.load({"SIGNING_PASSWORD_FI_CSA": "wrong"}, tmp_path, environ={})
    assert "FI-CSA" not in keys.keys
    assert "wrong password" in keys.problems["FI-CSA"].message
    with pytest.raises(SigningError, match="wrong password"):
        keys.for_unit("FI-CSA", datetime.now(timezone.utc))
    assert keys.status("FI-CSA", datetime.now(timezone.utc))[0] == "broken"


def test_the_environment_password_is_read_as_typed(tmp_path):
    write_demo_keys(tmp_path / "signing", [("FI-CSA", "Demo")], "123456")
    keys = SigningKeys.load({"SIGNING_PASSWORD_FI_CSA": 123456}, tmp_path,
                            environ={"LAWREQ_SIGNING_PASSWORD_FI_CSA": "123456"})
    assert "FI-CSA" in keys.keys and not keys.problems


def test_an_expired_certificate_is_refused(tmp_path):
    ca = make_ca()
    now = datetime.now(timezone.utc)
    (tmp_path / "signing").mkdir()
    (tmp_path / "signing" / "OLD.p12").write_bytes(make_unit_p12(
        ca, "OLD", "Old unit", b"pw", not_before=now - timedelta(days=400), not_after=now - timedelta(days=1)))
    keys = SigningKeys.load({"SIGNING_PASSWORD_OLD": "pw"}, tmp_path, environ={})
    assert "expired" in keys.problems["OLD"].message


def test_a_password_without_its_key_file_is_a_missing_key(tmp_path):
    keys = SigningKeys.load({"SIGNING_PASSWORD_FI_CSA": "pw", "SIGNING_KEYS_DIR": str(tmp_path)}, tmp_path,
                            environ={})
    assert "key is missing" in keys.problems["FI_CSA"].message
    with pytest.raises(SigningError, match="missing"):
        keys.for_unit("FI-CSA", datetime.now(timezone.utc))


def test_a_unit_without_a_key_issues_unsigned(tmp_path):
    keys = SigningKeys.load({}, tmp_path, environ={})
    assert keys.for_unit("FI-CSA", datetime.now(timezone.utc)) is None
    assert keys.status("FI-CSA", datetime.now(timezone.utc))[0] == "unsigned"


class _TimestampAuthority(http.server.BaseHTTPRequestHandler):
    """An RFC 3161 service on loopback, answering with pyHanko's local time stamper and the test CA."""

    stamper: DummyTimeStamper

    def do_POST(self):  # noqa: N802 (http.server's naming)
        query = tsp.TimeStampReq.load(self.rfile.read(int(self.headers["Content-Length"])))
        body = self.stamper.request_tsa_response(query).dump()
        self.send_response(200)
        self.send_header("Content-Type", "application/timestamp-reply")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args):
        pass


def test_with_a_timestamp_service_the_signature_is_b_t(document, tmp_path):
    from asn1crypto import keys as asn1_keys
    from asn1crypto import x509 as asn1_x509
    from cryptography import x509
    from cryptography.hazmat.primitives import hashes
    from cryptography.hazmat.primitives.asymmetric import rsa
    from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

    ca = make_ca()
    now = datetime.now(timezone.utc)
    tsa_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)  # pyHanko's local stamper: RSA
    tsa_cert = (x509.CertificateBuilder()
                .subject_name(x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "test TSA")]))
                .issuer_name(ca.certificate.subject).public_key(tsa_key.public_key())
                .serial_number(x509.random_serial_number()).not_valid_before(now - timedelta(days=1))
                .not_valid_after(now + timedelta(days=30))
                .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.TIME_STAMPING]), critical=True)
                .sign(ca.key, hashes.SHA256()))
    der = serialization.Encoding.DER
    _TimestampAuthority.stamper = DummyTimeStamper(
        tsa_cert=asn1_x509.Certificate.load(tsa_cert.public_bytes(der)),
        tsa_key=asn1_keys.PrivateKeyInfo.load(tsa_key.private_bytes(der, serialization.PrivateFormat.PKCS8,
                                                                      serialization.NoEncryption())),
        certs_to_embed=[asn1_x509.Certificate.load(ca.certificate.public_bytes(der))])
    server = http.server.HTTPServer(("127.0.0.1", 0), _TimestampAuthority)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        (tmp_path / "signing").mkdir()
        (tmp_path / "signing" / "FI-CSA.p12").write_bytes(make_unit_p12(ca, "FI-CSA", "Demo", b"pw"))
        keys = SigningKeys.load({"SIGNING_PASSWORD_FI_CSA": "pw",
                                 "SIGNING_TSA_URL": f"http://127.0.0.1:{server.server_port}/"}, tmp_path, environ={})
        (tmp_path / "roots.pem").write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
        signed = sign_pdf(document, keys.keys["FI-CSA"], reason="test", tsa_url=keys.tsa_url)
    finally:
        server.shutdown()
        thread.join(timeout=5)
        server.server_close()
    assert signed.level == "B-T"
    check = check_signature(signed.pdf, [ca.certificate])
    assert check.ok and check.timestamped, check.problems


def test_a_timestamp_service_that_does_not_answer_signs_nothing(document, keys):
    with pytest.raises(SigningError, match="signing failed"):
        sign_pdf(document, keys.keys["FI-CSA"], reason="test", tsa_url="http://127.0.0.1:9/", timeout=2)


@pytest.mark.parametrize("key", ["SIGNING_KEYS_DIR", "SIGNING_TRUST_ROOTS"])
def test_a_named_signing_path_that_does_not_exist_stops_the_start(tmp_path, key):
    from lawreq.config import ConfigError, build_config, validate_config
    from tests.conftest import TEST_CONFIG

    config = build_config(tmp_path, {**TEST_CONFIG, key: str(tmp_path / "typo")}, environ={})
    with pytest.raises(ConfigError, match=f"{key}: .*typo does not exist"):
        validate_config(config)


def test_a_broken_key_is_named_when_the_app_starts(tmp_path, caplog):
    from flask import Flask

    from lawreq.app import register_signing

    write_demo_keys(tmp_path / "signing", [("FI-CSA", "Demo")], "right")
    app = Flask("signing-start", instance_path=str(tmp_path))
    app.config.update(SIGNING_PASSWORD_FI_CSA="wrong")
    with caplog.at_level("ERROR"):
        register_signing(app)
    assert "signing key of unit FI-CSA: wrong password" in caplog.text
    assert "FI-CSA" in app.extensions["lawreq.signing"].problems
