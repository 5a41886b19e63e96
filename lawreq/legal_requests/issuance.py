"""What was approved is what is sent: draw the document up, have it confirmed, sign it, store the bytes.

``prepare`` renders the request's form exactly as it will be issued (as if approved now by the approver) and keeps
the bytes as a *prepared* document the approver can read before confirming; ``issue`` (called by
``services.transition`` on approve, and on submit when no approval is needed) signs those bytes, or renders them
when nothing was prepared (API, CLI, demo), and stores them with their SHA-256 and exact input. Every later download
of the request's form returns the stored bytes; ``reopen`` voids them when an approved request is changed, and
``withdraw`` marks them withdrawn. Pure service code: the caller passes the signing keys and commits.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, replace
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import delete, select, update
from sqlalchemy.orm import Session

from lawreq.audit.services import record
from lawreq.auth.models import Unit
from lawreq.core.clock import utcnow
from lawreq.core.text import N_
from lawreq.legal_requests.documents import _addressee_language, document_data
from lawreq.legal_requests.issued import IssuedDocument
from lawreq.legal_requests.models import LegalRequest
from lawreq.pdf import FormError, render
from lawreq.signing.keys import SigningError, SigningKeys
from lawreq.signing.sign import sign_pdf
from lawreq.workflow.states import TransitionError

#: Actions after which the request's own authority has issued it.
ISSUING_ACTIONS = ("approve", "submit")
#: Route "forms" that are no document of their own (a cover sheet names the form it accompanies): nothing to issue.
NO_DOCUMENT = (None, "cover_sheet")


def has_document(req: LegalRequest) -> bool:
    """Whether the request's route has a form of its own to issue (some routes have only a cover sheet)."""
    return req.form_id not in NO_DOCUMENT


class PreparedInvalid(ValueError):
    """The prepared document is gone, someone else's, too old, or the request changed since it was drawn up."""


@dataclass(frozen=True)
class Rendered:
    form_id: str
    language: str
    filename: str
    pdf: bytes
    data: dict[str, Any]


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _render(db: Session, req: LegalRequest, rules: Any, keys: SigningKeys | None) -> Rendered:
    """The request's own form in the addressee's language, in reportlab's invariant mode: the bytes depend on the
    input only, so the same input always gives the same document (the signature carries the time). Without a
    signing key for the unit the cover says that the document is unsigned."""
    form_id = req.form_id or "cover_sheet"
    language = _addressee_language(req, rules)
    data = document_data(db, req, rules)
    unit = db.get(Unit, req.unit_id)
    signs = keys is not None and (unit.code in keys.keys or unit.code in keys.problems)
    data["electronic_signature"] = "pades" if signs else "none"
    pdf = render(form_id, data, lang=language, invariant=True)
    return Rendered(form_id, language, f"{req.reference}-{form_id}-{language}.pdf", pdf, data)


def current(db: Session, req: LegalRequest) -> IssuedDocument | None:
    """The document the request was issued with (None: not issued, or issued before documents were stored)."""
    return db.scalar(select(IssuedDocument).where(IssuedDocument.request_id == req.id,
                                                  IssuedDocument.status.in_(("issued", "withdrawn")))
                     .order_by(IssuedDocument.id.desc()).limit(1))


def history(db: Session, req: LegalRequest) -> list[IssuedDocument]:
    return list(db.scalars(select(IssuedDocument).where(IssuedDocument.request_id == req.id,
                                                        IssuedDocument.status != "prepared")
                           .order_by(IssuedDocument.id.desc())))


def prepare(db: Session, ctx: Any, req: LegalRequest) -> IssuedDocument:
    """Draw up the document as the approver's approval will issue it and keep it as *prepared*.

    The approval is applied inside a savepoint that is rolled back, so the document carries exactly the approval
    record the confirmation will write (approver, authority, this moment) while nothing of the request changes.
    """
    from lawreq.legal_requests import services

    version, at = req.version, ctx.at
    ctx = replace(ctx, now=at)
    savepoint = db.begin_nested()
    try:
        services.transition(db, ctx, req, "approve", expected_version=version, issue=False)
        try:
            rendered = _render(db, req, ctx.rules, getattr(ctx, "signing", None))
        except FormError as exc:
            raise TransitionError(f"the document cannot be issued: {exc}") from exc
    finally:
        savepoint.rollback()
    db.refresh(req)
    db.execute(delete(IssuedDocument).where(IssuedDocument.request_id == req.id,
                                            IssuedDocument.status == "prepared"))
    row = IssuedDocument(request_id=req.id, unit_id=req.unit_id, form_id=rendered.form_id,
                         language=rendered.language, filename=rendered.filename, sha256=sha256(rendered.pdf),
                         content_sha256=sha256(rendered.pdf), pdf=rendered.pdf, size=len(rendered.pdf),
                         input=rendered.data, rules_version=req.rules_version, request_version=version,
                         approved_by_id=ctx.actor.id, approved_at=at, status="prepared", signed=False)
    db.add(row)
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="document.prepared", obj=req,
           detail={"prepared_document": row.id, "form": row.form_id, "lang": row.language,
                   "content_sha256": row.content_sha256, "version": version})
    return row


def prepared_for(db: Session, req: LegalRequest, prepared_id: int, actor: Any, now: datetime,
                 max_age: timedelta) -> IssuedDocument:
    """The approver's own, recent prepared document of this very version of the request."""
    row = db.get(IssuedDocument, prepared_id)
    if row is None or row.request_id != req.id or row.status != "prepared" or row.approved_by_id != actor.id:
        raise PreparedInvalid("the document to sign is no longer available: open the review again")
    if now - row.approved_at > max_age:
        raise PreparedInvalid(f"the document was drawn up more than {int(max_age.total_seconds() // 60)} minutes "
                              "ago: read it again before signing")
    if row.request_version != req.version:
        raise PreparedInvalid(f"{req.reference} changed since the document was drawn up: read it again")
    return row


def issue(db: Session, ctx: Any, req: LegalRequest, prepared: IssuedDocument | None = None) -> IssuedDocument:
    """Sign (if the unit has a key) and store the request's document; SigningError leaves nothing issued."""
    keys: SigningKeys | None = getattr(ctx, "signing", None)
    unit = db.get(Unit, req.unit_id)
    confirmed_at = utcnow() if prepared is not None else ctx.at
    if prepared is None:
        rendered = _render(db, req, ctx.rules, keys)
        row = IssuedDocument(request_id=req.id, unit_id=req.unit_id, form_id=rendered.form_id,
                             language=rendered.language, filename=rendered.filename, input=rendered.data,
                             content_sha256=sha256(rendered.pdf), pdf=rendered.pdf,
                             rules_version=req.rules_version, request_version=req.version)
        db.add(row)
    else:
        row = prepared
    # The signature is made now, whatever time the approval is recorded at: the key must be valid now.
    key = keys.for_unit(unit.code, utcnow()) if keys is not None else None  # SigningError: stop here
    pdf = row.pdf
    if key is not None:
        signed = sign_pdf(pdf, key, reason=f"Issued by {unit.authority_name or unit.name}: {req.reference}",
                          location=unit.country, tsa_url=keys.tsa_url)
        pdf = signed.pdf
        row.signed, row.signature_level = True, signed.level
        row.signer_subject, row.signer_fingerprint = key.subject, key.fingerprint
    else:
        row.signed, row.signature_level, row.signer_subject, row.signer_fingerprint = False, None, None, None
    row.pdf, row.sha256, row.size = pdf, sha256(pdf), len(pdf)
    row.approved_by_id, row.approved_at = ctx.actor.id, confirmed_at
    row.status, row.status_changed_at = "issued", confirmed_at
    db.flush()
    _set_status(db, req, ("issued",), "superseded", confirmed_at, keep=row)
    record(db, ctx.audit_key, actor=ctx.actor, action="document.issued", obj=req,
           detail={"issued_document": row.id, "form": row.form_id, "lang": row.language, "sha256": row.sha256,
                   "content_sha256": row.content_sha256, "signed": row.signed, "level": row.signature_level,
                   "signer": row.signer_fingerprint, "prepared": prepared is not None})
    return row


def _set_status(db: Session, req: LegalRequest, old: tuple[str, ...], new: str, at: datetime,
                keep: IssuedDocument | None = None) -> int:
    stmt = update(IssuedDocument).where(IssuedDocument.request_id == req.id, IssuedDocument.status.in_(old))
    if keep is not None and keep.id is not None:
        stmt = stmt.where(IssuedDocument.id != keep.id)
    return db.execute(stmt.values(status=new, status_changed_at=at)
                      .execution_options(synchronize_session="fetch")).rowcount


def withdraw(db: Session, req: LegalRequest, at: datetime) -> int:
    """The request was withdrawn: its issued document says so to whoever checks it."""
    return _set_status(db, req, ("issued",), "withdrawn", at)


def reopen(db: Session, req: LegalRequest, at: datetime) -> int:
    """An approved request is being changed: its document no longer stands and a new approval must issue one."""
    db.execute(delete(IssuedDocument).where(IssuedDocument.request_id == req.id,
                                            IssuedDocument.status == "prepared"))
    return _set_status(db, req, ("issued",), "superseded", at)


class OtherLanguage(ValueError):
    """The request was issued in one language: only that document may be sent, another needs a new approval."""


def download(db: Session, req: LegalRequest, rules: Any, *, lang: str | None = None, form: str | None = None,
             invariant: bool = False) -> tuple[str, bytes, IssuedDocument | None]:
    """(file name, bytes, issued row) of what the request's download returns: the stored bytes of its issued
    form, or, for a draft, a follow-on form or a request issued before documents were stored, a fresh render."""
    from lawreq.legal_requests.documents import render_request_pdf

    if form is None or form == req.form_id:
        issued = current(db, req)
        if issued is not None:
            if lang is not None and lang != issued.language:
                raise OtherLanguage(f"lang: {req.reference} was issued in {issued.language}; only that document "
                                    "may be sent (another language needs a change and a new approval)")
            return issued.filename, issued.pdf, issued
    filename, pdf = render_request_pdf(db, req, rules, lang=lang, form=form, invariant=invariant)
    return filename, pdf, None


@dataclass(frozen=True)
class Lookup:
    """What the public may learn about a checksum: whether it is an issued document, by whom, when, its state."""

    document: IssuedDocument
    unit: Unit
    request_state: str


def lookup(db: Session, digest: str) -> Lookup | None:
    """The issued (or withdrawn, or superseded) document with these exact bytes; never a prepared draft."""
    row = db.scalar(select(IssuedDocument).where(IssuedDocument.sha256 == digest.lower(),
                                                 IssuedDocument.status != "prepared")
                    .order_by(IssuedDocument.id.desc()).limit(1))
    if row is None:
        return None
    req = db.get(LegalRequest, row.request_id)
    return Lookup(row, db.get(Unit, row.unit_id), req.state if req else "unknown")


def later_version(db: Session, doc: IssuedDocument) -> IssuedDocument | None:
    """The next document issued for the same request after ``doc`` (what superseded it); None if none yet."""
    return db.scalar(select(IssuedDocument).where(IssuedDocument.request_id == doc.request_id,
                                                  IssuedDocument.id > doc.id,
                                                  IssuedDocument.status != "prepared")
                     .order_by(IssuedDocument.id.asc()).limit(1))


def keys_status(keys: SigningKeys | None, unit: Unit, now: datetime) -> tuple[str, str]:
    if keys is None:
        return "unsigned", N_("no signing keys loaded: documents are issued unsigned")
    return keys.status(unit.code, now)


__all__ = ["ISSUING_ACTIONS", "PreparedInvalid", "SigningError", "current", "history", "issue", "lookup",
           "prepare", "prepared_for", "reopen", "sha256", "withdraw"]
