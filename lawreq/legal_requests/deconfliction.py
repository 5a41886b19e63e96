"""Before a duplicate is sent: is an identifier of this draft already in another open request the user may see?

Matches on normalised values (``identifiers.normalise``), so ``@Jane.Doe`` and ``jane.doe`` are one account. The
lower-cased ``search_text`` column narrows the candidates in SQL (trigram-indexable on PostgreSQL); the exact
match on type and value is done on the few rows it returns.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from lawreq.auth.models import User
from lawreq.legal_requests.identifiers import keys
from lawreq.legal_requests.models import LegalRequest
from lawreq.legal_requests.permissions import visible_requests
from lawreq.workflow.states import OPEN_STATES


@dataclass(frozen=True)
class Match:
    """``value`` (an identifier of the draft) is also in the open request ``reference``."""

    request_id: int
    reference: str
    unit_id: int
    state: str
    value: str


def matches(db: Session, user: User, identifiers: list[dict], *, exclude_id: int | None = None,
            limit: int = 50) -> list[Match]:
    wanted = keys(identifiers)
    if not wanted:
        return []
    values = sorted({k.split(":", 1)[1] for k in wanted})
    query = (select(LegalRequest)
             .where(visible_requests(user), LegalRequest.state.in_(OPEN_STATES),
                    or_(*(LegalRequest.search_text.contains(v.lower(), autoescape=True) for v in values)))
             .order_by(LegalRequest.created_at)
             .limit(limit))
    if exclude_id is not None:
        query = query.where(LegalRequest.id != exclude_id)
    found = []
    for other in db.scalars(query):
        for key in sorted(keys(other.identifiers) & wanted):
            found.append(Match(other.id, other.reference, other.unit_id, other.state, key.split(":", 1)[1]))
    return found
