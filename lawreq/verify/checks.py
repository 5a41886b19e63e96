"""Is this PDF (or checksum) a document lawreq issued? The one answer the CLI and the public page give.

Genuine means: the exact bytes are stored as an issued document (SHA-256 lookup) and, when that document was
signed, the file's PAdES signature is intact, covers the whole file and chains to a configured trust root. A
withdrawn document is still genuine, and says it was withdrawn. Pure service code: no Flask.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from lawreq.legal_requests import issuance
from lawreq.legal_requests.models import LegalRequest
from lawreq.signing.verify import SignatureCheck, check_signature

CHECKSUM = re.compile(r"[0-9a-fA-F]{64}")


@dataclass
class Verdict:
    genuine: bool
    sha256: str
    reasons: list[str] = field(default_factory=list)
    authority: str = ""
    unit: str = ""
    country: str = ""
    issued_at: datetime | None = None
    withdrawn: bool = False
    superseded: bool = False
    #: When it was withdrawn; when the later version that superseded it was issued (None: none issued yet).
    withdrawn_at: datetime | None = None
    superseded_at: datetime | None = None
    request_state: str = ""
    reference: str = ""
    signature: SignatureCheck | None = None

    def public(self) -> dict[str, Any]:
        """Only what the public page may say: genuine or not, who issued it, when, whether it was withdrawn (when) or
        superseded by a later version (issued when); never the content or the reference."""
        genuine = self.genuine
        return {"genuine": genuine, "authority": self.authority if genuine else "",
                "unit": self.unit if genuine else "", "issued_at": self.issued_at if genuine else None,
                "withdrawn": self.withdrawn, "superseded": self.superseded,
                "withdrawn_at": self.withdrawn_at if genuine else None,
                "superseded_at": self.superseded_at if genuine else None}


def check_bytes(db: Session, pdf: bytes, trust_roots: list, *, inspect_unknown: bool = True) -> Verdict:
    """Check a received file: its checksum against the issued documents, and its signature.

    A file whose checksum matches nothing is not genuine whatever it carries; ``inspect_unknown=False`` (the public
    page) then leaves it unparsed, so a stranger's upload never reaches the PDF parser unless it is ours.
    """
    digest = hashlib.sha256(pdf).hexdigest()
    verdict = _lookup(db, digest)
    found = issuance.lookup(db, digest)
    if found is None and not inspect_unknown:
        return verdict
    signature = check_signature(pdf, trust_roots)
    verdict.signature = signature
    if found is not None and found.document.signed and not signature.ok:
        verdict.genuine = False
        verdict.reasons += signature.problems
    return verdict


def check_checksum(db: Session, text: str) -> Verdict:
    """Check a pasted SHA-256 (hex, any case, surrounding spaces allowed)."""
    digest = text.strip().lower()
    if not CHECKSUM.fullmatch(digest):
        raise ValueError("checksum: a SHA-256 is 64 hexadecimal characters")
    return _lookup(db, digest)


def _lookup(db: Session, digest: str) -> Verdict:
    found = issuance.lookup(db, digest)
    if found is None:
        return Verdict(False, digest, ["no document with these exact bytes was issued here"])
    doc, unit = found.document, found.unit
    req = db.get(LegalRequest, doc.request_id)
    withdrawn = doc.status == "withdrawn" or found.request_state == "withdrawn"
    withdrawn_at = None
    if withdrawn:
        withdrawn_at = doc.status_changed_at if doc.status == "withdrawn" else (req.closed_at or doc.status_changed_at)
    later = issuance.later_version(db, doc) if doc.status == "superseded" else None
    return Verdict(True, digest, [], authority=unit.authority_name or unit.name, unit=unit.name, country=unit.country,
                   issued_at=doc.approved_at, withdrawn=withdrawn, withdrawn_at=withdrawn_at,
                   superseded=doc.status == "superseded", superseded_at=later.approved_at if later else None,
                   request_state=found.request_state, reference=req.reference)
