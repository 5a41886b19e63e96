"""The audit log is append-only and hash-chained; ``lawreq audit verify`` finds any edit, deletion or reordering."""

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DatabaseError

from lawreq.audit.chain import verify
from lawreq.audit.models import AuditEntry
from lawreq.audit.services import record, verify_log

KEY = b"test-audit-key-0123456789abcdef0123456789"


def _append(db_session, n=5):
    for i in range(n):
        record(db_session, KEY, actor=None, action=f"test.action{i}", object_type="thing", object_id=i,
               detail={"i": i}, before={"v": i}, after={"v": i + 1})
    db_session.flush()


def _disable_triggers(db_session):
    """Simulate someone with DBA rights bypassing the append-only triggers."""
    if db_session.bind.dialect.name == "postgresql":
        db_session.execute(text("ALTER TABLE audit_entries DISABLE TRIGGER USER"))
    else:
        db_session.execute(text("DROP TRIGGER audit_entries_no_update"))
        db_session.execute(text("DROP TRIGGER audit_entries_no_delete"))


def test_clean_chain_verifies(db_session):
    _append(db_session)
    count, broken = verify_log(db_session, KEY)
    assert broken is None and count == 5


def test_update_is_refused_by_the_database(db_session):
    _append(db_session, 1)
    with pytest.raises(DatabaseError, match="append-only"):
        with db_session.begin_nested():
            db_session.execute(text("UPDATE audit_entries SET action = 'x'"))


def test_delete_is_refused_by_the_database(db_session):
    _append(db_session, 1)
    with pytest.raises(DatabaseError, match="append-only"):
        with db_session.begin_nested():
            db_session.execute(text("DELETE FROM audit_entries"))


def test_edited_entry_is_named(db_session):
    _append(db_session)
    _disable_triggers(db_session)
    db_session.execute(text("UPDATE audit_entries SET actor = 'mallory' WHERE seq = 3"))
    db_session.expire_all()
    _, broken = verify_log(db_session, KEY)
    assert broken is not None and broken.seq == 3 and "edited" in str(broken)


def test_deleted_entry_is_named(db_session):
    _append(db_session)
    _disable_triggers(db_session)
    db_session.execute(text("DELETE FROM audit_entries WHERE seq = 2"))
    db_session.expire_all()
    _, broken = verify_log(db_session, KEY)
    assert broken is not None and broken.seq == 2 and "missing" in str(broken)


def test_deleted_tail_is_detected_through_the_head(db_session):
    _append(db_session)
    _disable_triggers(db_session)
    db_session.execute(text("DELETE FROM audit_entries WHERE seq = 5"))
    db_session.expire_all()
    _, broken = verify_log(db_session, KEY)
    assert broken is not None and "tail deleted" in str(broken)


def test_reordered_entries_are_detected(db_session):
    _append(db_session)
    rows = list(db_session.scalars(select(AuditEntry).order_by(AuditEntry.seq)))
    swapped = [rows[0], rows[2], rows[1], rows[3], rows[4]]

    class Renumbered:  # entries 2 and 3 swapped, their seq numbers rewritten to look consecutive
        def __init__(self, e, seq):
            self.__dict__.update({c: getattr(e, c) for c in ("at", "actor", "action", "object_type", "object_id",
                                                             "detail", "before_digest", "after_digest",
                                                             "prev_hash", "hash")})
            self.seq = seq

    broken = verify(KEY, [Renumbered(e, i + 1) for i, e in enumerate(swapped)])
    assert broken is not None and broken.seq == 2


def test_chain_made_with_another_key_fails(db_session):
    _append(db_session, 2)
    _, broken = verify_log(db_session, b"another key")
    assert broken is not None and broken.seq == 1


def test_rolled_back_change_leaves_no_audit_row(db_session):
    before = db_session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    nested = db_session.begin_nested()
    record(db_session, KEY, actor=None, action="will.roll.back")
    nested.rollback()
    after = db_session.scalar(select(AuditEntry.seq).order_by(AuditEntry.seq.desc()).limit(1))
    assert after == before
    assert verify_log(db_session, KEY)[1] is None
