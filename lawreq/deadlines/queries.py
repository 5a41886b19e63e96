"""Read-side queries for the deadline pages and the calendar feed, scoped by what the user may see."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from lawreq.auth.models import User
from lawreq.deadlines.models import Deadline
from lawreq.deadlines.services import MAX_EXTENSIONS, DeadlineSetupError, alert_at, route_for
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests
from lawreq.rules import RuleSet

FEED_LIMIT = 2000


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def user_for_feed(db: Session, token: str) -> User | None:
    """The active user owning this calendar token, by its hash (the token itself is never stored)."""
    if not token or len(token) > 200:
        return None
    return db.scalar(select(User).where(User.ical_token_hash == token_hash(token), User.active.is_(True)))


def watched_deadlines(db: Session, user: User) -> list[Deadline]:
    """Open deadlines of every request the user may see, soonest first."""
    stmt = (select(Deadline).join(LegalRequest).options(joinedload(Deadline.request))
            .where(visible_requests(user), Deadline.satisfied_at.is_(None))
            .order_by(Deadline.due_at).limit(FEED_LIMIT))
    return list(db.scalars(stmt))


@dataclass(frozen=True)
class LedgerRow:
    """One running preservation with what is left of it and whether it can still be extended."""

    request: LegalRequest
    deadline: Deadline
    days_left: int
    extensions_used: int
    extension_period: str | None
    extensions_left: int | None  # None: the rules set no limit

    @property
    def can_extend(self) -> bool:
        return self.extension_period is not None and self.extensions_left != 0

    @property
    def expiry(self) -> datetime:
        return alert_at(self.deadline)


def preservation_ledger(db: Session, user: User, rules: RuleSet, now: datetime) -> list[LedgerRow]:
    """Every running preservation the user may see, across regimes, the one expiring first on top."""
    stmt = (select(Deadline).join(LegalRequest).options(joinedload(Deadline.request))
            .where(visible_requests(user), Deadline.kind == "preservation_expiry", Deadline.satisfied_at.is_(None))
            .order_by(Deadline.due_at))
    rows = []
    for deadline in db.scalars(stmt):
        req = deadline.request
        used = len(db.scalars(select(Deadline.id).where(Deadline.request_id == req.id,
                                                        Deadline.kind == "preservation_expiry")).all()) - 1
        try:
            route = route_for(req, rules)
        except DeadlineSetupError:
            rule, limit = None, None
        else:
            rule, limit = route.deadline("preservation_extension", req.emergency), MAX_EXTENSIONS.get(route.kind)
        rows.append(LedgerRow(request=req, deadline=deadline,
                              days_left=(alert_at(deadline) - now) // timedelta(days=1), extensions_used=used,
                              extension_period=rule.period if rule else None,
                              extensions_left=None if limit is None else max(limit - used, 0)))
    return rows
