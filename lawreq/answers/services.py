"""Putting the provider's answer on file and recording what it did for each identifier.

Who: the request's unit's liaison officers (and admins), once the request was sent. Every upload and every
download is audited against the request (object ``legal_requests``/id) with the file's SHA-256, so the request's
history shows who handled which file. Recording the outcome per identifier also settles the request through the
ordinary transition (fulfil / partially fulfil / refuse), which is what the statistics count.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.answers import storage
from lawreq.answers.models import OUTCOMES, AnswerFile, IdentifierOutcome
from lawreq.audit.services import record
from lawreq.legal_requests import permissions
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.services import Ctx, NotPermitted, transition
from lawreq.pdf.forms.eu import IMPOSSIBILITY_REASONS
from lawreq.workflow.states import ACTIONS, TransitionError

#: States in which the addressee has the request, so an answer can have come back.
ANSWERABLE = frozenset({"sent", "acknowledged", "partially_fulfilled", "fulfilled", "refused", "lapsed"})
#: Annex III reason → the board's refusal code (lawreq's own coding, for the statistics' "refusals by reason").
REFUSAL_CODE = {"DATA_NOT_STORED": "no_data", "THIRD_COUNTRY_CONFLICT": "conflict_of_laws",
                "INCOMPLETE": "form_defect", "MANIFEST_ERRORS": "form_defect",
                "INSUFFICIENT_INFO": "identifier_mismatch", "NOT_ISSUED_VALIDATED_ART4": "legal_basis",
                "OFFENCE_NOT_ART5_4": "legal_basis", "SERVICE_NOT_COVERED": "category_not_allowed"}


def can_handle(user: Any, req: LegalRequest) -> bool:
    """Upload files and record outcomes: the unit's liaison officers and admins, once the request was sent."""
    return user.role in ("liaison_officer", "admin") and permissions.can_view(user, req) and req.state in ANSWERABLE


def files_of(db: Session, req: LegalRequest) -> list[AnswerFile]:
    return list(db.scalars(select(AnswerFile).where(AnswerFile.request_id == req.id).order_by(AnswerFile.id)))


def outcomes_of(db: Session, req: LegalRequest) -> dict[int, IdentifierOutcome]:
    rows = db.scalars(select(IdentifierOutcome).where(IdentifierOutcome.request_id == req.id))
    return {row.position: row for row in rows}


def upload(db: Session, ctx: Ctx, req: LegalRequest, *, filename: str, data: bytes, root: Path, max_bytes: int,
           antivirus: str | None) -> AnswerFile:
    """Check (type by content, size, scanner), store by SHA-256, and put the file on the request; audited.

    :raises storage.UnacceptableFile: with the reason; nothing is stored then.
    """
    if not can_handle(ctx.actor, req):
        raise NotPermitted("only the unit's liaison officers put a provider's answer on file, after sending")
    name = Path(filename.replace("\\", "/")).name.strip()[:255] or "answer"
    kind = storage.check(name, data, max_bytes)
    storage.scan(antivirus, data)
    digest = storage.store(root, data)
    row = AnswerFile(request_id=req.id, filename=name, file_type=kind.code, content_type=kind.content_type,
                     size=len(data), sha256=digest, uploaded_by_id=ctx.actor.id, uploaded_at=ctx.at)
    db.add(row)
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="answer.uploaded", obj=req,
           detail={"file_id": row.id, "filename": name, "type": kind.code, "size": len(data), "sha256": digest})
    return row


def download(db: Session, ctx: Ctx, req: LegalRequest, file_id: int, root: Path) -> tuple[AnswerFile, bytes]:
    """The file and its bytes for someone who can see the request; audited. A file of another request is None."""
    row = db.scalar(select(AnswerFile).where(AnswerFile.id == file_id, AnswerFile.request_id == req.id))
    if row is None or not permissions.can_view(ctx.actor, req):
        raise LookupError("no such file on this request")
    data = storage.load(root, row.sha256)
    record(db, ctx.audit_key, actor=ctx.actor, action="answer.downloaded", obj=req,
           detail={"file_id": row.id, "filename": row.filename, "sha256": row.sha256})
    return row, data


@dataclass(frozen=True)
class OutcomeInput:
    """What the officer says for one identifier (validated by :func:`validate_outcomes`)."""

    position: int
    outcome: str
    reason: str | None = None
    note: str | None = None


def validate_outcomes(req: LegalRequest, items: Sequence[OutcomeInput]) -> dict[str, str]:
    """Errors by field name (``outcome-<n>``/``reason-<n>``); empty when every item is acceptable."""
    errors: dict[str, str] = {}
    count = len(req.identifiers or [])
    for item in items:
        if not 0 <= item.position < count:
            errors[f"outcome-{item.position}"] = "no such identifier on this request"
        elif item.outcome not in OUTCOMES:
            errors[f"outcome-{item.position}"] = f"choose one of: {', '.join(OUTCOMES)}"
        elif item.outcome == "refused" and item.reason not in IMPOSSIBILITY_REASONS:
            errors[f"reason-{item.position}"] = "a refusal needs the provider's Annex III reason"
        elif item.outcome != "refused" and item.reason:
            errors[f"reason-{item.position}"] = "a reason belongs to a refusal only"
    return errors


def settle(outcomes: Mapping[int, str | tuple[str, str | None]], count: int) -> tuple[str, dict] | None:
    """The request's transition once every identifier has an outcome (None while some are missing).

    All data produced → fulfil; none produced (no data or refused) → refuse, with the most frequent reason;
    anything else (some produced, some partly) → partially fulfil.
    """
    if count == 0 or len(outcomes) < count:
        return None
    pairs = [v if isinstance(v, tuple) else (v, None) for v in outcomes.values()]
    kinds = [k for k, _ in pairs]
    if all(k == "data_produced" for k in kinds):
        return "fulfil", {}
    if all(k in ("no_data", "refused") for k in kinds):
        reasons = [r for k, r in pairs if k == "refused" and r]
        if not reasons:
            return "refuse", {"reason": "no_data", "impossibility_reasons": ["DATA_NOT_STORED"]}
        top = max(sorted(set(reasons)), key=reasons.count)
        return "refuse", {"reason": REFUSAL_CODE.get(top, "other"),
                          "impossibility_reasons": sorted(set(reasons))}
    return "partially_fulfil", {}


def record_outcomes(db: Session, ctx: Ctx, req: LegalRequest, items: Sequence[OutcomeInput]) -> str | None:
    """Store the outcomes (a later answer replaces an earlier one), audit them, and settle the request when every
    identifier has one and the workflow allows it. Returns the transition taken, if any.

    :raises ValueError: with the field errors of :func:`validate_outcomes` (nothing is stored then).
    """
    if not can_handle(ctx.actor, req):
        raise NotPermitted("only the unit's liaison officers record a provider's answer, after sending")
    errors = validate_outcomes(req, items)
    if errors:
        raise OutcomeErrors(errors)
    existing = outcomes_of(db, req)
    identifiers = req.identifiers or []
    for item in items:
        value = str(identifiers[item.position].get("value", ""))[:300]
        row = existing.get(item.position) or IdentifierOutcome(request_id=req.id, position=item.position)
        row.identifier, row.outcome, row.reason = value, item.outcome, item.reason
        row.note = (item.note or "").strip() or None
        row.recorded_by_id, row.recorded_at = ctx.actor.id, ctx.at
        db.add(row)
        existing[item.position] = row
    db.flush()
    record(db, ctx.audit_key, actor=ctx.actor, action="answer.outcomes_recorded", obj=req,
           detail={"outcomes": [{"position": i.position, "outcome": i.outcome, "reason": i.reason} for i in items]})
    settled = settle({p: (r.outcome, r.reason) for p, r in existing.items()}, len(identifiers))
    if settled is None:
        return None
    action, data = settled
    if req.state not in ACTIONS[action].sources:
        return None  # e.g. already fulfilled: the outcomes are on file, the state stays as it is
    try:
        transition(db, ctx, req, action, data={**data, "received": _summary(existing)})
    except TransitionError:
        return None
    return action


def _summary(rows: Mapping[int, IdentifierOutcome]) -> str:
    counts: dict[str, int] = {}
    for row in rows.values():
        counts[row.outcome] = counts.get(row.outcome, 0) + 1
    return ", ".join(f"{n} {k.replace('_', ' ')}" for k, n in sorted(counts.items()))


class OutcomeErrors(ValueError):
    def __init__(self, errors: dict[str, str]) -> None:
        super().__init__("; ".join(f"{k}: {v}" for k, v in errors.items()))
        self.errors = errors
