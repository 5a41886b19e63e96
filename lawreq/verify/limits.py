"""How often one client address may ask the public verification page: one function, so the in-process window
used now can be replaced by a shared (database) limiter without touching the view."""

from __future__ import annotations

from lawreq.auth.services import IpThrottle

_window = IpThrottle()


def allow_verification(client: str, per_minute: int) -> bool:
    """True if ``client`` may run one more check this minute."""
    return _window.allow(f"verify:{client}", per_minute)
