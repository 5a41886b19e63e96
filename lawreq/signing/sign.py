"""Sign a rendered PDF as a PAdES baseline signature: B-B, and B-T when a timestamp service is configured.

The signature is an incremental update: the rendered bytes stay, unchanged, at the start of the signed file.
Any failure raises SigningError and returns nothing: there is no half-signed file to store or send.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

from asn1crypto import keys as asn1_keys
from asn1crypto import x509 as asn1_x509
from cryptography.hazmat.primitives import serialization

import lawreq.signing._quiet  # noqa: F401  (before pyHanko: see there)
from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
from pyhanko.sign import fields, signers, timestamps
from pyhanko_certvalidator.registry import SimpleCertificateStore

from lawreq.signing.loop import outside_running_loop
from lawreq.signing.keys import SigningError, UnitKey

FIELD = "lawreq-issuing-authority"


@dataclass(frozen=True)
class Signed:
    pdf: bytes
    level: str  # "B-B" or "B-T"


def _asn1(cert) -> asn1_x509.Certificate:
    return asn1_x509.Certificate.load(cert.public_bytes(serialization.Encoding.DER))


def _signer(key: UnitKey) -> signers.SimpleSigner:
    der = key.private_key.private_bytes(serialization.Encoding.DER, serialization.PrivateFormat.PKCS8,
                                        serialization.NoEncryption())
    return signers.SimpleSigner(signing_cert=_asn1(key.certificate),
                                signing_key=asn1_keys.PrivateKeyInfo.load(der),
                                cert_registry=SimpleCertificateStore.from_certs([_asn1(c) for c in key.chain]))


def sign_pdf(pdf: bytes, key: UnitKey, *, reason: str, location: str = "", tsa_url: str | None = None,
             timeout: int = 10) -> Signed:
    """Return the signed PDF (PAdES B-B, or B-T with a signature timestamp from ``tsa_url``)."""
    meta = signers.PdfSignatureMetadata(field_name=FIELD, md_algorithm="sha256", reason=reason,
                                        location=location or None, subfilter=fields.SigSeedSubFilter.PADES)
    stamper = timestamps.HTTPTimeStamper(tsa_url, timeout=timeout) if tsa_url else None
    try:
        writer = IncrementalPdfFileWriter(io.BytesIO(pdf))
        signer = signers.PdfSigner(meta, signer=_signer(key), timestamper=stamper)
        out = outside_running_loop(lambda: signer.sign_pdf(writer))
        signed = out.getvalue()
    except Exception as exc:  # pyHanko, the TSA's HTTP call, or the key: one clear error, nothing half-made
        raise SigningError(f"signing failed for unit {key.unit_code}: {type(exc).__name__}: {exc}") from exc
    if not signed.startswith(pdf):
        raise SigningError("signing failed: the signed file does not keep the rendered document unchanged")
    return Signed(signed, "B-T" if stamper else "B-B")
