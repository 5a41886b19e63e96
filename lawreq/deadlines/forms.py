"""The reminder settings form: channels and offsets, validated by the same parser the services use."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from lawreq.deadlines.offsets import OffsetError, parse_offset
from lawreq.i18n import lazy_gettext as _l


def _offsets(form: FlaskForm, field: StringField) -> None:
    for part in split_offsets(field.data):
        try:
            parse_offset(part)
        except OffsetError as exc:
            raise ValidationError(str(exc)) from exc


def split_offsets(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]


class ReminderSettingsForm(FlaskForm):
    email = BooleanField(_l("E-mail"))
    in_app = BooleanField(_l("In-app notification"))
    day_offsets = StringField(
        _l("Reminders for periods of days"), validators=[Length(max=200), _offsets],
        description=_l("Before (-) or after the deadline, as ISO 8601 durations, comma-separated: -P3D, -P1D, PT0S"))
    hour_offsets = StringField(
        _l("Reminders for periods of hours"), validators=[Length(max=200), _offsets],
        description=_l("For emergency periods such as 8 hours: -PT2H, PT0S"))

    def validate_in_app(self, field: BooleanField) -> None:
        if not (self.email.data or field.data):
            raise ValidationError("Choose at least one channel: without one you would never hear of a deadline.")
