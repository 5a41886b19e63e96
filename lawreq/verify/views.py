"""``/verify``: a provider's staff check a received PDF (or its checksum) without an account.

The answer is only: genuine or not, which authority and unit issued it, when, and whether it was withdrawn —
never the request's content or reference. Every check is audited (address, checksum, verdict) and rate-limited
per client address (``limits.allow_verification``); the form carries a CSRF token like every other.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, render_template, request

from lawreq import db
from lawreq.audit.services import record
from lawreq.auth.decorators import public
from lawreq.i18n import _
from lawreq.verify import checks
from lawreq.verify.forms import VerifyForm
from lawreq.verify.limits import allow_verification

bp = Blueprint("verify", __name__)


@bp.route("/verify", methods=["GET", "POST"])
@public
def index() -> Any:
    form = VerifyForm()
    verdict = None
    status = 200
    if form.is_submitted():
        client = request.remote_addr or "?"
        if not allow_verification(client, current_app.config["VERIFY_PER_MINUTE"]):
            record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=None, action="verify.throttled",
                   detail={"ip": client})
            db.session.commit()
            form.checksum.errors = [_("Too many checks from your address: wait a minute and try again.")]
            return render_template("verify/index.html", form=form, verdict=None), 429
        if form.validate():
            keys = current_app.extensions.get("lawreq.signing")
            if form.document.data:
                verdict = checks.check_bytes(db.session, form.document.data.read(), keys.trust_roots if keys else [],
                                             inspect_unknown=False)
                how = "file"
            else:
                verdict = checks.check_checksum(db.session, form.checksum.data)
                how = "checksum"
            record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=None, action="verify.checked",
                   object_type="issued_documents", detail={"ip": client, "by": how, "sha256": verdict.sha256,
                                                           "genuine": verdict.genuine, "withdrawn": verdict.withdrawn})
            db.session.commit()
        else:
            status = 422
    return render_template("verify/index.html", form=form, verdict=verdict.public() if verdict else None,
                           sha256=verdict.sha256 if verdict else None), status
