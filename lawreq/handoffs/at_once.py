"""Emergencies go out at once, not at the scheduler's next tick: after the commit that wrote an urgent hand-off,
one hand-off sweep runs in a background thread of this process.

It is the ordinary sweep with its exactly-once claim, so a scheduler sweeping at the same moment is harmless, and
if the thread dies the scheduler delivers on its next tick. On by default; ``HANDOFFS_AT_ONCE = False`` leaves
everything to the scheduler (and the test suite, whose data lives in an uncommitted outer transaction, turns it
off through ``ENV = "testing"``).
"""

from __future__ import annotations

import logging
import threading
from typing import Any

from flask import Blueprint, Flask, current_app, has_app_context
from sqlalchemy import event
from sqlalchemy.orm import Session, sessionmaker

from lawreq import db

log = logging.getLogger(__name__)
FLAG = "lawreq.urgent_handoffs"

bp = Blueprint("handoffs", __name__)


@bp.record_once
def _install(state: Any) -> None:
    if not event.contains(db.session, "after_commit", _after_commit):
        event.listen(db.session, "after_commit", _after_commit)
        event.listen(db.session, "after_rollback", _after_rollback)


def mark_urgent(session: Session) -> None:
    """Called by the hand-off service when it wrote an urgent message in this unit of work."""
    session.info[FLAG] = True


def enabled(app: Flask) -> bool:
    setting = app.config.get("HANDOFFS_AT_ONCE")
    return app.config.get("ENV") != "testing" if setting is None else bool(setting)


def _after_rollback(session: Session) -> None:
    session.info.pop(FLAG, None)


def _after_commit(session: Session) -> None:
    if not session.info.pop(FLAG, False) or not has_app_context():
        return
    app = current_app._get_current_object()
    if enabled(app):
        threading.Thread(target=sweep_now, args=(app,), name="lawreq-urgent-handoffs", daemon=True).start()


def sweep_now(app: Flask) -> None:
    from lawreq.core.clock import utcnow
    from lawreq.deadlines.scheduler import sender_for, worker_id
    from lawreq.handoffs.jobs import sweep_due_handoffs

    factory = sessionmaker(bind=app.extensions["lawreq.engine"], expire_on_commit=False)
    try:
        with app.app_context():
            sender = sender_for(app.config)
            result = sweep_due_handoffs(factory, utcnow(), sender.handoff if sender else None,
                                        worker_id=f"{worker_id()}:at-once")
        log.info("urgent hand-offs: %s", result.summary())
    except Exception:  # the scheduler's next tick delivers what this missed
        log.exception("urgent hand-off sweep failed")
