"""Recovery codes for the second factor: ten single-use codes, shown once, kept only as keyed hashes.

Pure (no Flask, no SQLAlchemy): generating, normalising and hashing codes. Storing and redeeming them is in
``lawreq.auth.services``.

A code is 10 characters from Crockford's base32 alphabet (digits and capitals without I, L, O and U), drawn with
``secrets`` — 50 random bits — and shown as ``XXXXX-XXXXX``. Input is forgiving: case, spaces and dashes are
ignored, and the letters people confuse with digits (O, I, L) are read as 0 and 1.

Why HMAC-SHA256 with a key derived from the app's ``SECRET_KEY``, and not argon2 per code:

* A code is 50 random bits, not a password a person chose: there is no dictionary for a slow hash to slow down.
  Online guessing is stopped by the account lock (each wrong code counts like a wrong TOTP code); offline
  guessing needs the key, which is not in the database.
* A keyed hash is deterministic, so redeeming is one indexed compare-and-set
  ``UPDATE … WHERE user_id = ? AND code_hash = ? AND used_at IS NULL``. With argon2 (salted) every attempt would
  have to verify each of the user's unused codes: up to 10 × ~150 ms and 64 MiB per attempt in production — an
  easy way for anyone holding a password to tie up the web workers — and the verify-then-mark would need a
  row lock to stay single-use under concurrency.
* An attacker who has both the database and the key also has the TOTP secrets stored beside the codes, so a
  slower hash would not protect the second factor any further.
* The key is ``HMAC(SECRET_KEY, "lawreq recovery codes v1")``, so this use can never be confused with session
  signing; the user id is part of the hashed message, so two users' equal codes hash differently.

Consequence: rotating ``SECRET_KEY`` makes every unused recovery code invalid. Users then generate a new set on
their account page (password + a current TOTP code); tell them before rotating.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

#: Crockford's base32: 32 symbols, so every character is exactly 5 random bits; no I, L, O or U.
ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
#: Characters per code (50 bits) and codes per set.
LENGTH = 10
COUNT = 10
#: What people type for what they see: lower case, and the letters that look like 0 and 1.
_READ_AS = str.maketrans("OIL", "011")
_IGNORED = str.maketrans("", "", " -\t\u00a0")
_KEY_LABEL = b"lawreq recovery codes v1"


def generate(count: int = COUNT) -> list[str]:
    """Return ``count`` distinct new codes, formatted ``XXXXX-XXXXX`` for display.

    :param count: how many codes to make.
    """
    codes: dict[str, None] = {}
    while len(codes) < count:
        raw = "".join(secrets.choice(ALPHABET) for _ in range(LENGTH))
        codes[f"{raw[:5]}-{raw[5:]}"] = None
    return list(codes)


def normalise(text: str | None) -> str | None:
    """Return the code in canonical form (10 upper-case alphabet characters), or None if it cannot be one.

    :param text: what the user typed, e.g. ``"abcde fghjk"`` or ``"ABCDE-FGHJK"``.
    """
    if not text or len(text) > 64:
        return None
    code = text.upper().translate(_IGNORED).translate(_READ_AS)
    if len(code) != LENGTH or any(c not in ALPHABET for c in code):
        return None
    return code


def derive_key(secret: str | bytes) -> bytes:
    """Return the hashing key for recovery codes, derived from the application secret.

    :param secret: the app's ``SECRET_KEY``.
    """
    if isinstance(secret, str):
        secret = secret.encode()
    return hmac.new(secret, _KEY_LABEL, hashlib.sha256).digest()


def code_hash(key: bytes, user_id: int, code: str) -> str | None:
    """Return the stored form of a code (64 hex characters), or None when ``code`` is not a possible code.

    :param key: from :func:`derive_key`.
    :param user_id: the owner; part of the message so equal codes of two users differ.
    :param code: as displayed or as typed; normalised here.
    """
    canonical = normalise(code)
    if canonical is None:
        return None
    return hmac.new(key, f"{user_id}:{canonical}".encode(), hashlib.sha256).hexdigest()
