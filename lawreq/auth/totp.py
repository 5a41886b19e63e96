"""TOTP second factor with replay protection: a code's time step must be newer than the last one accepted."""

from __future__ import annotations

from datetime import datetime

import pyotp


def new_secret() -> str:
    return pyotp.random_base32()


def provisioning_uri(secret: str, email: str) -> str:
    return pyotp.TOTP(secret).provisioning_uri(name=email, issuer_name="lawreq")


def verify(secret: str, code: str, last_timecode: int | None, now: datetime) -> int | None:
    """Return the accepted time step, or None (wrong, stale, malformed or replayed code)."""
    code = code.strip().replace(" ", "")
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = pyotp.TOTP(secret)
    for drift in (0, -1, 1):
        step = totp.timecode(now) + drift
        if pyotp.utils.strings_equal(totp.generate_otp(step), code):
            if last_timecode is not None and step <= last_timecode:
                return None
            return step
    return None
