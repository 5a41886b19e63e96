"""argon2id password hashing and the password policy (ASVS 6.2: length, no composition rules, no common ones)."""

from __future__ import annotations

from argon2 import PasswordHasher, profiles
from argon2.exceptions import InvalidHashError, VerificationError, VerifyMismatchError

#: A short list of passwords seen in every breach corpus; refusing them is cheap and catches the worst.
COMMON = frozenset({
    "password", "password1", "password123", "123456789012", "qwertyuiop", "iloveyou", "letmein123",
    "welcome123", "administrator", "passwordpassword", "changeme123", "lawreq-demo", "000000000000",
    "111111111111", "123123123123", "qwerty123456", "abc123456789",
})


def hasher(profile: str = "default") -> PasswordHasher:
    return PasswordHasher.from_parameters(profiles.CHEAPEST if profile == "cheapest" else profiles.RFC_9106_LOW_MEMORY)


def policy_problems(password: str, min_length: int = 12, email: str | None = None) -> list[str]:
    problems = []
    if len(password) < min_length:
        problems.append(f"Use at least {min_length} characters.")
    if len(password) > 256:
        problems.append("Use at most 256 characters.")
    if password.lower() in COMMON or (email and password.lower() == email.lower()):
        problems.append("This password is too common; choose another one.")
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
