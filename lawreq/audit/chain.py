"""Pure hash-chain arithmetic for the audit log (ENGINEERING.md §3.8).

``hash = HMAC-SHA256(key, prev_hash || canonical_json([seq, at, actor, action, object, detail, digests]))``.
Keeping the key out of the database means someone who can write rows still cannot forge a consistent chain.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

GENESIS = "0" * 64


def canonical(value: Any) -> bytes:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str).encode()


def digest(value: Any) -> str | None:
    """A stable digest of an object's state, for the before/after columns (the state itself stays out of the log)."""
    if value is None:
        return None
    return hashlib.sha256(canonical(value)).hexdigest()


def entry_hash(key: bytes, prev_hash: str, *, seq: int, at: datetime, actor: str, action: str,
               object_type: str | None, object_id: str | None, detail: Mapping[str, Any],
               before_digest: str | None, after_digest: str | None, request_id: str | None = None) -> str:
    fields = [seq, at.isoformat(), actor, action, object_type, object_id, dict(detail), before_digest, after_digest]
    if request_id is not None:  # chained too when present; entries written before it existed keep their hash
        fields.append(request_id)
    body = canonical(fields)
    return hmac.new(key, prev_hash.encode() + body, hashlib.sha256).hexdigest()


@dataclass(frozen=True)
class Break:
    seq: int
    reason: str

    def __str__(self) -> str:
        return f"BROKEN at seq {self.seq}: {self.reason}"


def verify(key: bytes, entries: Iterable[Any]) -> Break | None:
    """Walk entries in seq order; return the first break (edited, deleted, reordered or re-chained row)."""
    prev, expected_seq = GENESIS, 1
    for e in entries:
        if e.seq != expected_seq:
            return Break(expected_seq, f"entry {expected_seq} is missing (next present is {e.seq})")
        if e.prev_hash != prev:
            return Break(e.seq, "prev_hash does not match the previous entry (reordered or deleted)")
        recomputed = entry_hash(key, prev, seq=e.seq, at=e.at, actor=e.actor, action=e.action,
                                object_type=e.object_type, object_id=e.object_id, detail=e.detail or {},
                                before_digest=e.before_digest, after_digest=e.after_digest,
                                request_id=getattr(e, "request_id", None))
        if not hmac.compare_digest(recomputed, e.hash):
            return Break(e.seq, "content does not match its hash (edited)")
        prev, expected_seq = e.hash, expected_seq + 1
    return None
