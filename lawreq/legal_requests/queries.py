"""Object lookups with the permission inside the SQL: a miss (missing or not yours) is the same 404."""

from __future__ import annotations

from flask import abort
from sqlalchemy import select
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.legal_requests.models import Case, LegalRequest
from lawreq.legal_requests.permissions import visible_cases, visible_requests


def request_for(db: Session, user: User, request_id: int) -> LegalRequest | None:
    return db.scalar(select(LegalRequest).where(LegalRequest.id == request_id, visible_requests(user)))


def case_for(db: Session, user: User, case_id: int) -> Case | None:
    return db.scalar(select(Case).where(Case.id == case_id, visible_cases(user)))


def request_or_404(db: Session, user: User, request_id: int) -> LegalRequest:
    req = request_for(db, user, request_id)
    if req is None:
        abort(404)
    return req


def case_or_404(db: Session, user: User, case_id: int) -> Case:
    case = case_for(db, user, case_id)
    if case is None:
        abort(404)
    return case
