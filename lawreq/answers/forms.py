"""The upload form, and the per-identifier outcome form (its fields depend on the request's identifiers, so they
are read by name from the posted data and validated by ``services.validate_outcomes``, the same check the API
uses)."""

from __future__ import annotations

from flask import request
from flask_wtf import FlaskForm
from flask_wtf.file import FileField, FileRequired
from wtforms import HiddenField

from lawreq.answers.models import OUTCOMES
from lawreq.answers.services import OutcomeInput
from lawreq.i18n import lazy_gettext as _l
from lawreq.legal_requests.models import LegalRequest

OUTCOME_LABELS = {"data_produced": _l("Data produced"), "no_data": _l("No data"),
                  "refused": _l("Refused (Annex III reason)"), "partly": _l("Partly")}


class UploadForm(FlaskForm):
    file = FileField(_l("The provider's answer (PDF, CSV, ZIP or .eml)"), validators=[FileRequired()])


class OutcomesForm(FlaskForm):
    version = HiddenField()


def outcome_inputs(req: LegalRequest) -> list[OutcomeInput]:
    """The identifiers the officer chose an outcome for (``outcome-<n>``, ``reason-<n>``, ``note-<n>``)."""
    items = []
    for position in range(len(req.identifiers or [])):
        outcome = (request.form.get(f"outcome-{position}") or "").strip()
        if not outcome:
            continue
        items.append(OutcomeInput(position=position, outcome=outcome if outcome in OUTCOMES else outcome[:40],
                                  reason=(request.form.get(f"reason-{position}") or "").strip() or None,
                                  note=(request.form.get(f"note-{position}") or "")[:2000]))
    return items
