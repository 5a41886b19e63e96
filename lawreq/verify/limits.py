"""How often one client address may ask the public verification page, counted in the database
(``lawreq.ops.limits``) so every worker on every host enforces one limit together."""

from __future__ import annotations

from lawreq.ops.limits import SharedThrottle

_window = SharedThrottle("verify-ip")


def allow_verification(client: str, per_minute: int) -> bool:
    """True if ``client`` may run one more check this minute (commits the count at once)."""
    return _window.allow(client, per_minute)
