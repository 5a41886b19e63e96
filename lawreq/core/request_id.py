"""The id of the HTTP request being handled, readable from services without Flask (audit entries carry it).

The web layer sets it at the start of each request and clears it at the end; the CLI and the scheduler never set
it, so their entries have none.
"""

from __future__ import annotations

import re
import uuid
from contextvars import ContextVar

_CURRENT: ContextVar[str | None] = ContextVar("lawreq_request_id", default=None)
#: An id a trusted proxy sent along is kept if it looks like one; anything else is replaced.
_ACCEPTABLE = re.compile(r"[A-Za-z0-9._-]{8,64}")


def current_request_id() -> str | None:
    return _CURRENT.get()


def begin(incoming: str | None) -> tuple[str, object]:
    """Adopt a well-formed incoming id or make one; return it and the token that :func:`end` needs."""
    rid = incoming if incoming and _ACCEPTABLE.fullmatch(incoming) else uuid.uuid4().hex
    return rid, _CURRENT.set(rid)


def end(token: object) -> None:
    try:
        _CURRENT.reset(token)  # type: ignore[arg-type]
    except (ValueError, RuntimeError):  # a different context (streamed response): just clear it
        _CURRENT.set(None)
