"""Each unit signs with its own certificate: ``<SIGNING_KEYS_DIR>/<unit code>.p12`` and its password.

The password comes from ``SIGNING_PASSWORD_<CODE>`` (config file or ``LAWREQ_SIGNING_PASSWORD_<CODE>`` in the
environment; CODE is the unit code upper-cased with anything but letters and digits as ``_``). Keys are loaded
and checked once at start, so a missing file, a wrong password or an expired certificate is named then (and on
the admin units page) rather than at the moment a prosecutor signs; they are checked again before each signature.
"""

from __future__ import annotations

import os
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.serialization import pkcs12

from lawreq.core.text import N_, T


class SigningError(RuntimeError):
    """The unit's key cannot sign now (missing, wrong password, expired, or the signature failed); nothing was
    issued."""


@dataclass(frozen=True)
class KeyProblem:
    unit_code: str
    message: str


@dataclass(frozen=True)
class UnitKey:
    unit_code: str
    path: Path
    certificate: x509.Certificate
    private_key: Any
    chain: tuple[x509.Certificate, ...]

    @property
    def subject(self) -> str:
        return self.certificate.subject.rfc4514_string()

    @property
    def fingerprint(self) -> str:
        return self.certificate.fingerprint(hashes.SHA256()).hex()

    @property
    def not_after(self) -> datetime:
        return self.certificate.not_valid_after_utc

    def check(self, now: datetime) -> None:
        cert = self.certificate
        if now < cert.not_valid_before_utc:
            raise SigningError(f"signing key of unit {self.unit_code}: the certificate is valid only from "
                               f"{cert.not_valid_before_utc:%Y-%m-%d %H:%M} UTC ({self.path})")
        if now > cert.not_valid_after_utc:
            raise SigningError(f"signing key of unit {self.unit_code}: the certificate expired on "
                               f"{cert.not_valid_after_utc:%Y-%m-%d %H:%M} UTC ({self.path}); install a new one")


def password_key(unit_code: str) -> str:
    """The config key holding a unit's PKCS#12 password: ``SIGNING_PASSWORD_FI_CSA`` for unit ``FI-CSA``."""
    return "SIGNING_PASSWORD_" + re.sub(r"[^A-Z0-9]", "_", unit_code.upper())


def _password(config: Mapping[str, Any], unit_code: str, environ: Mapping[str, str]) -> bytes | None:
    key = password_key(unit_code)
    raw = environ.get("LAWREQ_" + key)  # raw: the config layer would read "123456" as a number
    value = raw if raw is not None else config.get(key)
    return None if value is None else str(value).encode()


def load_unit_key(path: Path, unit_code: str, password: bytes | None, now: datetime) -> UnitKey:
    """Read and check one PKCS#12 file; raise SigningError naming the file and what is wrong."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise SigningError(f"signing key of unit {unit_code}: cannot read {path}: {exc.strerror}") from None
    try:
        key, cert, extra = pkcs12.load_key_and_certificates(data, password)
    except ValueError:
        hint = f"set {password_key(unit_code)} (or LAWREQ_{password_key(unit_code)})"
        raise SigningError(f"signing key of unit {unit_code}: wrong password or not a PKCS#12 file ({path}); "
                           f"{hint}") from None
    if key is None or cert is None:
        raise SigningError(f"signing key of unit {unit_code}: {path} holds no private key with its certificate")
    unit_key = UnitKey(unit_code, path, cert, key, tuple(extra or ()))
    unit_key.check(now)
    return unit_key


def load_trust_roots(path: Path | None) -> list[x509.Certificate]:
    """Certificates from a PEM file (one or several) or a directory of ``.pem``/``.crt``/``.cer`` files."""
    if path is None or not path.exists():
        return []
    files = sorted(p for p in path.iterdir() if p.suffix.lower() in (".pem", ".crt", ".cer")) if path.is_dir() \
        else [path]
    roots: list[x509.Certificate] = []
    for file in files:
        data = file.read_bytes()
        if b"-----BEGIN" in data:
            roots.extend(x509.load_pem_x509_certificates(data))
        else:
            roots.append(x509.load_der_x509_certificate(data))
    return roots


@dataclass
class SigningKeys:
    """The keys of every unit that has one, the problems of those that are broken, the TSA and trust roots."""

    keys_dir: Path | None
    keys: dict[str, UnitKey] = field(default_factory=dict)
    problems: dict[str, KeyProblem] = field(default_factory=dict)
    tsa_url: str | None = None
    trust_roots: list[x509.Certificate] = field(default_factory=list)
    trust_roots_path: Path | None = None

    @classmethod
    def load(cls, config: Mapping[str, Any], instance_path: str | os.PathLike[str], now: datetime | None = None,
             environ: Mapping[str, str] | None = None) -> SigningKeys:
        now = now or datetime.now(timezone.utc)
        env = os.environ if environ is None else environ
        configured = config.get("SIGNING_KEYS_DIR")
        keys_dir = Path(configured) if configured else Path(instance_path) / "signing"
        roots_conf = config.get("SIGNING_TRUST_ROOTS")
        roots_path = Path(roots_conf) if roots_conf else keys_dir / "trust-roots.pem"
        found = cls(keys_dir if keys_dir.is_dir() else None, tsa_url=config.get("SIGNING_TSA_URL") or None,
                    trust_roots=load_trust_roots(roots_path), trust_roots_path=roots_path)
        if found.keys_dir is not None:
            for path in sorted(found.keys_dir.glob("*.p12")):
                code = path.stem
                try:
                    found.keys[code] = load_unit_key(path, code, _password(config, code, env), now)
                except SigningError as exc:
                    found.problems[code] = KeyProblem(code, str(exc))
        for key in config:
            if key.startswith("SIGNING_PASSWORD_"):
                known = {password_key(c) for c in (*found.keys, *found.problems)}
                if key not in known:
                    found.problems[key.removeprefix("SIGNING_PASSWORD_")] = KeyProblem(
                        key.removeprefix("SIGNING_PASSWORD_"),
                        f"{key} is set but there is no matching <unit code>.p12 in {keys_dir}: the key is missing")
        return found

    def for_unit(self, unit_code: str, now: datetime) -> UnitKey | None:
        """The unit's usable key; None if the unit has none (documents go out unsigned); SigningError if its key
        is broken (the approval must stop rather than issue an unsigned or half-signed document)."""
        problem = self.problems.get(unit_code) or self.problems.get(re.sub(r"[^A-Z0-9]", "_", unit_code.upper()))
        if problem is not None:
            raise SigningError(problem.message)
        key = self.keys.get(unit_code)
        if key is not None:
            key.check(now)
        return key

    def status(self, unit_code: str, now: datetime) -> tuple[str, str]:
        """``(state, sentence)`` for the admin page: ``signed``, ``unsigned`` or ``broken``."""
        try:
            key = self.for_unit(unit_code, now)
        except SigningError as exc:
            return "broken", str(exc)
        if key is None:
            return "unsigned", N_("no signing key: documents are issued unsigned")
        return "signed", T("signs as %(subject)s, valid until %(date)s", subject=key.subject,
                           date=f"{key.not_after:%Y-%m-%d}")


def pem(cert: x509.Certificate) -> bytes:
    return cert.public_bytes(serialization.Encoding.PEM)
