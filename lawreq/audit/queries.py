"""Reading the audit log: the admin page's filters and a request's own audit trail."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, timezone

from sqlalchemy import Select, select
from sqlalchemy.orm import Session

from lawreq.audit.models import AuditEntry
from lawreq.legal_requests.models import LegalRequest


@dataclass(frozen=True)
class AuditFilters:
    user: str = ""  # e-mail (part of it) as recorded, case-insensitive
    request: str = ""  # a request reference (exact) or its numeric id
    action: str = ""  # exact action, or a prefix ending in "." (e.g. "request.")
    since: date | None = None
    until: date | None = None  # inclusive
    before_seq: int | None = None  # paging: entries older than this

    def query_args(self) -> dict[str, str]:
        return {k: v for k, v in {"user": self.user, "request": self.request, "action": self.action,
                                  "since": self.since.isoformat() if self.since else "",
                                  "until": self.until.isoformat() if self.until else ""}.items() if v}


def _request_id(db: Session, text: str) -> int | None:
    text = text.strip()
    if text.isdigit():
        return int(text)
    return db.scalar(select(LegalRequest.id).where(LegalRequest.reference == text))


def filtered(db: Session, f: AuditFilters) -> Select:
    stmt = select(AuditEntry)
    if f.user.strip():
        pattern = f"%{f.user.strip().lower().replace('%', '').replace('_', '')}%"
        stmt = stmt.where(AuditEntry.actor.ilike(pattern))
    if f.request.strip():
        rid = _request_id(db, f.request)
        stmt = stmt.where(AuditEntry.object_type == "legal_requests", AuditEntry.object_id == str(rid or -1))
    if f.action.strip():
        action = f.action.strip()
        stmt = stmt.where(AuditEntry.action.startswith(action) if action.endswith(".")
                          else AuditEntry.action == action)
    if f.since:
        stmt = stmt.where(AuditEntry.at >= datetime.combine(f.since, time.min, tzinfo=timezone.utc))
    if f.until:
        stmt = stmt.where(AuditEntry.at < datetime.combine(f.until + timedelta(days=1), time.min,
                                                           tzinfo=timezone.utc))
    if f.before_seq:
        stmt = stmt.where(AuditEntry.seq < f.before_seq)
    return stmt.order_by(AuditEntry.seq.desc())


def page(db: Session, f: AuditFilters, size: int = 100) -> list[AuditEntry]:
    return list(db.scalars(filtered(db, f).limit(size)))


def all_matching(db: Session, f: AuditFilters, batch: int = 2000) -> Iterator[AuditEntry]:
    """Every matching entry, newest first, in batches (for the CSV export)."""
    before = f.before_seq
    while True:
        rows = list(db.scalars(filtered(db, AuditFilters(f.user, f.request, f.action, f.since, f.until, before))
                               .limit(batch)))
        yield from rows
        if len(rows) < batch:
            return
        before = rows[-1].seq


def actions(db: Session) -> list[str]:
    return list(db.scalars(select(AuditEntry.action).distinct().order_by(AuditEntry.action)))


def for_request(db: Session, req: LegalRequest, limit: int = 300) -> list[AuditEntry]:
    """The request's audit trail (every change, download and upload recorded against it), oldest first."""
    rows = db.scalars(select(AuditEntry).where(AuditEntry.object_type == "legal_requests",
                                               AuditEntry.object_id == str(req.id))
                      .order_by(AuditEntry.seq.desc()).limit(limit))
    return list(reversed(list(rows)))


def describe(entry: AuditEntry) -> str:
    """The entry's detail as a short line (keys and plain values; never the before/after state itself)."""
    parts = []
    for key, value in sorted((entry.detail or {}).items()):
        if value in (None, "", [], {}):
            continue
        if isinstance(value, list):
            value = ", ".join(str(v) if not isinstance(v, dict) else
                              " ".join(f"{k}={w}" for k, w in v.items() if w is not None) for v in value)
        elif isinstance(value, dict):
            value = ", ".join(f"{k}={w}" for k, w in value.items() if w not in (None, ""))
        parts.append(f"{key}: {value}")
    return "; ".join(parts)[:500]


