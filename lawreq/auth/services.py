"""Login decisions: throttling in the database (shared by every worker), one message for every failure."""

from __future__ import annotations

import time
from collections import defaultdict, deque
from dataclasses import dataclass
from datetime import datetime, timedelta
from threading import Lock
from typing import Any

from sqlalchemy import delete, func, select, update
from sqlalchemy.orm import Session

from lawreq.auth import recovery
from lawreq.auth.models import RecoveryCode, User
from lawreq.auth.passwords import check_password, dummy_hash, hash_password, policy_problems

GENERIC_FAILURE = "E-mail or password is wrong, or the account is locked for a while after too many attempts."


@dataclass(frozen=True)
class LoginResult:
    user: User | None
    reason: str  # ok | unknown_user | bad_password | locked | inactive


def authenticate(db: Session, email: str, password: str, now: datetime, cfg: dict[str, Any]) -> LoginResult:
    profile = cfg["PASSWORD_HASH_PROFILE"]
    user = db.scalar(select(User).where(func.lower(User.email) == email.strip().lower()))
    if user is None:
        check_password(_dummy(profile), password, profile)  # same cost as a real check
        return LoginResult(None, "unknown_user")
    if user.locked_until is not None and user.locked_until > now:
        return LoginResult(user, "locked")
    ok, rehashed = check_password(user.password_hash, password, profile)
    if not ok:
        count_failure(db, user, now, cfg)
        return LoginResult(user, "bad_password")
    if not user.active:
        return LoginResult(user, "inactive")
    if not requires_totp(user, cfg):
        # With a second factor still to pass, the count is cleared only when it passes (views.totp_check):
        # otherwise a known password would buy a fresh round of code guesses at every login.
        user.failed_logins = 0
    user.locked_until = None
    if rehashed:
        user.password_hash = rehashed
    return LoginResult(user, "ok")


def count_failure(db: Session, user: User, now: datetime, cfg: dict[str, Any]) -> bool:
    """Count one wrong password, TOTP code or recovery code; from the limit on, lock the account for a time that
    doubles with every further failure (capped). Return True when the account is now locked.

    The count is incremented in SQL (``failed_logins = failed_logins + 1``), not read-modify-write in Python, so
    guesses sent in parallel are all counted instead of overwriting each other's increment.
    """
    db.execute(update(User).where(User.id == user.id).values(failed_logins=User.failed_logins + 1)
               .execution_options(synchronize_session="fetch"))
    if user.failed_logins < cfg["LOGIN_MAX_FAILURES"]:
        return False
    extra = user.failed_logins - cfg["LOGIN_MAX_FAILURES"]
    seconds = min(cfg["LOGIN_LOCK_SECONDS"] * (2 ** extra), cfg["LOGIN_LOCK_MAX_SECONDS"])
    user.locked_until = now + timedelta(seconds=seconds)
    return True


_DUMMY: dict[str, str] = {}


def _dummy(profile: str) -> str:
    if profile not in _DUMMY:
        _DUMMY[profile] = dummy_hash(profile)
    return _DUMMY[profile]


def set_password(user: User, password: str, cfg: dict[str, Any], now: datetime) -> list[str]:
    problems = policy_problems(password, cfg["PASSWORD_MIN_LENGTH"], user.email)
    if not problems:
        user.password_hash = hash_password(password, cfg["PASSWORD_HASH_PROFILE"])
        user.password_changed_at = now
    return problems


def replace_temporary_password(user: User, password: str, cfg: dict[str, Any], now: datetime) -> list[str]:
    """The owner's own password in place of the one an admin typed; return the problems (empty: done).

    The policy applies as for any password, and the temporary one is refused: typing it again would leave a
    password someone else knows. On success the flag is cleared; ending the other sessions is the caller's part.
    """
    problems = policy_problems(password, cfg["PASSWORD_MIN_LENGTH"], user.email)
    if not problems and check_password(user.password_hash, password, cfg["PASSWORD_HASH_PROFILE"])[0]:
        problems = ["Choose a password different from the temporary one."]
    if not problems:
        set_password(user, password, cfg, now)
        user.must_change_password = False
    return problems


class IpThrottle:
    """Per-process sliding window per client address: a second layer in front of the per-account lock."""

    def __init__(self) -> None:
        self._hits: dict[str, deque[float]] = defaultdict(deque)
        self._lock = Lock()

    def allow(self, key: str, per_minute: int, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        with self._lock:
            hits = self._hits[key]
            while hits and now - hits[0] > 60:
                hits.popleft()
            if len(hits) >= per_minute:
                return False
            hits.append(now)
            return True


def requires_totp(user: User, cfg: dict[str, Any]) -> bool:
    return user.totp_secret is not None or user.role in cfg["TOTP_REQUIRED_ROLES"]


# --- recovery codes (the pure part is lawreq.auth.recovery) --------------------------------------------------------
@dataclass(frozen=True)
class RecoveryStatus:
    """What the account page says about a user's recovery codes."""

    total: int
    left: int
    last_used_at: datetime | None

    @property
    def any_used(self) -> bool:
        return self.last_used_at is not None


def issue_recovery_codes(db: Session, user: User, key: bytes, now: datetime) -> list[str]:
    """Replace the user's recovery codes with a new set and return them in plain text: the only moment they exist
    outside the user's hands. Only their keyed hashes are stored; the old set stops working."""
    delete_recovery_codes(db, user)
    codes = recovery.generate()
    db.add_all(RecoveryCode(user_id=user.id, code_hash=recovery.code_hash(key, user.id, code), created_at=now)
               for code in codes)
    db.flush()
    return codes


def redeem_recovery_code(db: Session, user: User, typed: str, key: bytes, now: datetime) -> bool:
    """Use up one of the user's codes; True if ``typed`` was an unused one.

    One compare-and-set UPDATE (``… WHERE used_at IS NULL``): when two requests race with the same code, the
    database lets exactly one of them change the row (PostgreSQL re-checks the condition after the row lock,
    SQLite writes one transaction at a time), and the other sees ``rowcount == 0``.
    """
    digest = recovery.code_hash(key, user.id, typed)
    if digest is None:
        return False
    result = db.execute(update(RecoveryCode)
                        .where(RecoveryCode.user_id == user.id, RecoveryCode.code_hash == digest,
                               RecoveryCode.used_at.is_(None))
                        .values(used_at=now)
                        .execution_options(synchronize_session=False))
    return result.rowcount == 1


def recovery_status(db: Session, user: User) -> RecoveryStatus:
    total, left, last_used = db.execute(
        select(func.count(RecoveryCode.id), func.count(RecoveryCode.id).filter(RecoveryCode.used_at.is_(None)),
               func.max(RecoveryCode.used_at))
        .where(RecoveryCode.user_id == user.id)).one()
    return RecoveryStatus(total=total, left=left, last_used_at=last_used)


def delete_recovery_codes(db: Session, user: User) -> int:
    """Remove every recovery code of the user (new set issued, or the second factor reset by an administrator:
    codes belong to the factor they back up). Return how many were removed."""
    return db.execute(delete(RecoveryCode).where(RecoveryCode.user_id == user.id)
                      .execution_options(synchronize_session=False)).rowcount
