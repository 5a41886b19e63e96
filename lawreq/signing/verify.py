"""Check a received PDF's signature: intact, covering the whole file, by a certificate that chains to a trust root.

Whether the bytes are a document lawreq issued is the database's part (``legal_requests.issuance.lookup``); this
module says only what the file itself proves.
"""

from __future__ import annotations

import io
from dataclasses import dataclass, field
from datetime import datetime

from asn1crypto import x509 as asn1_x509
from cryptography import x509
from cryptography.hazmat.primitives import serialization

import lawreq.signing._quiet  # noqa: F401  (before pyHanko: see there)
from pyhanko.pdf_utils.reader import PdfFileReader
from pyhanko.sign.validation import validate_pdf_signature
from pyhanko.sign.validation.status import SignatureCoverageLevel
from pyhanko_certvalidator import ValidationContext

from lawreq.signing.loop import outside_running_loop


@dataclass
class SignatureCheck:
    signed: bool
    valid: bool = False
    trusted: bool = False
    covers_whole_file: bool = False
    signer_subject: str = ""
    signing_time: datetime | None = None
    timestamped: bool = False
    problems: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.signed and self.valid and self.trusted and self.covers_whole_file and not self.problems


def _asn1(cert: x509.Certificate) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def check_signature(pdf: bytes, trust_roots: list[x509.Certificate]) -> SignatureCheck:
    """Validate every signature in ``pdf`` (lawreq puts exactly one); never raises on a broken file."""
    try:
        reader = PdfFileReader(io.BytesIO(pdf), strict=False)
        embedded = list(reader.embedded_signatures)
    except Exception as exc:  # a damaged file is simply not a genuine one
        return SignatureCheck(signed=False, problems=[f"not a readable PDF: {type(exc).__name__}: {exc}"])
    if not embedded:
        return SignatureCheck(signed=False, problems=["the file carries no signature"])
    if len(embedded) != 1:
        return SignatureCheck(signed=True, problems=[f"the file carries {len(embedded)} signatures, lawreq makes one"])
    context = ValidationContext(trust_roots=[_asn1(c) for c in trust_roots], allow_fetching=False,
                                revocation_mode="soft-fail")
    result = SignatureCheck(signed=True)
    try:
        status = outside_running_loop(lambda: validate_pdf_signature(embedded[0], context))
    except Exception as exc:
        result.problems.append(f"the signature cannot be checked: {type(exc).__name__}: {exc}")
        return result
    result.valid = bool(status.intact and status.valid)
    result.trusted = bool(status.trusted)
    result.covers_whole_file = status.coverage == SignatureCoverageLevel.ENTIRE_FILE
    result.signer_subject = status.signing_cert.subject.human_friendly if status.signing_cert else ""
    result.signing_time = status.signer_reported_dt
    result.timestamped = status.timestamp_validity is not None
    if not result.valid:
        result.problems.append("the signature does not match the bytes (the file was changed after signing)")
    if not result.trusted:
        result.problems.append("the signing certificate does not chain to a configured trust root"
                               if trust_roots else "no trust roots are configured (SIGNING_TRUST_ROOTS)")
    if result.valid and not result.covers_whole_file:
        result.problems.append("something was added to the file after it was signed")
    return result
