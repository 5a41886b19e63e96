"""A throw-away certificate authority and unit keys, for the demo and the tests. Never for real documents:
the CA's key is written next to the unit keys and the certificates say "demo" in their names."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.serialization import pkcs12
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID


@dataclass(frozen=True)
class Authority:
    certificate: x509.Certificate
    key: ec.EllipticCurvePrivateKey


def _name(common: str, org: str = "lawreq demo") -> x509.Name:
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common),
                      x509.NameAttribute(NameOID.ORGANIZATION_NAME, org)])


#: Throw-away certificates start a year back: a demo or test whose clock is moved back (time-machine, a pinned
#: CI clock) must still find them valid. Real unit keys come from the police PKI, never from here.
BACKDATE = timedelta(days=365)


def make_ca(name: str = "lawreq demo CA", now: datetime | None = None, days: int = 3650) -> Authority:
    now = now or datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder().subject_name(_name(name)).issuer_name(_name(name))
            .public_key(key.public_key()).serial_number(x509.random_serial_number())
            .not_valid_before(now - BACKDATE).not_valid_after(now + timedelta(days=days))
            .add_extension(x509.BasicConstraints(ca=True, path_length=0), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=False, content_commitment=False, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=True,
                                         crl_sign=True, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(key, hashes.SHA256()))
    return Authority(cert, key)


def make_unit_p12(ca: Authority, unit_code: str, authority_name: str, password: bytes, *,
                  not_before: datetime | None = None, not_after: datetime | None = None) -> bytes:
    """A PKCS#12 holding the unit's signing key, its certificate (issued by ``ca``) and the CA certificate."""
    now = datetime.now(timezone.utc)
    key = ec.generate_private_key(ec.SECP256R1())
    cert = (x509.CertificateBuilder()
            .subject_name(_name(f"{authority_name} ({unit_code})", authority_name))
            .issuer_name(ca.certificate.subject).public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(not_before or now - BACKDATE)
            .not_valid_after(not_after or now + timedelta(days=730))
            .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
            .add_extension(x509.KeyUsage(digital_signature=True, content_commitment=True, key_encipherment=False,
                                         data_encipherment=False, key_agreement=False, key_cert_sign=False,
                                         crl_sign=False, encipher_only=False, decipher_only=False), critical=True)
            .add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.EMAIL_PROTECTION]), critical=False)
            .add_extension(x509.AuthorityKeyIdentifier.from_issuer_public_key(ca.key.public_key()), critical=False)
            .add_extension(x509.SubjectKeyIdentifier.from_public_key(key.public_key()), critical=False)
            .sign(ca.key, hashes.SHA256()))
    return pkcs12.serialize_key_and_certificates(unit_code.encode(), key, cert, [ca.certificate],
                                                 serialization.BestAvailableEncryption(password))


def write_demo_keys(keys_dir: Path, units: list[tuple[str, str]], password: str) -> list[str]:
    """Create the demo CA (``trust-roots.pem``) and a ``<code>.p12`` per unit that has none; return what was
    written. Idempotent: existing files are kept."""
    keys_dir.mkdir(parents=True, exist_ok=True)
    roots = keys_dir / "trust-roots.pem"
    ca_key_path = keys_dir / "demo-ca.key"
    written = []
    if roots.exists() and ca_key_path.exists():
        ca = Authority(x509.load_pem_x509_certificate(roots.read_bytes()),
                       serialization.load_pem_private_key(ca_key_path.read_bytes(), None))  # type: ignore[arg-type]
    else:
        ca = make_ca()
        roots.write_bytes(ca.certificate.public_bytes(serialization.Encoding.PEM))
        ca_key_path.write_bytes(ca.key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                                     serialization.NoEncryption()))
        ca_key_path.chmod(0o600)
        written += [str(roots), str(ca_key_path)]
    for code, authority in units:
        path = keys_dir / f"{code}.p12"
        if not path.exists():
            path.write_bytes(make_unit_p12(ca, code, authority, password.encode()))
            path.chmod(0o600)
            written.append(str(path))
    return written
