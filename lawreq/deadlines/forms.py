"""The reminder settings form: channels and offsets, validated by the same parser the services use."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import BooleanField, StringField
from wtforms.validators import Length, ValidationError

from lawreq.deadlines.offsets import OffsetError, parse_offset


def _offsets(form: FlaskForm, field: StringField) -> None:
    for part in split_offsets(field.data):
        try:
            parse_offset(part)
        except OffsetError as exc:
            raise ValidationError(str(exc)) from exc


def split_offsets(text: str | None) -> list[str]:
    return [p.strip() for p in (text or "").replace(";", ",").split(",") if p.strip()]


class ReminderSettingsForm(FlaskForm):
    email = BooleanField("E-mail")
    in_app = BooleanField("In-app notification")
    day_offsets = StringField(
        "Reminders for periods of days", validators=[Length(max=200), _offsets],
        description="Before (-) or after the deadline, as ISO 8601 durations, comma-separated: -P3D, -P1D, PT0S")
    hour_offsets = StringField(
        "Reminders for periods of hours", validators=[Length(max=200), _offsets],
        description="For emergency periods such as 8 hours: -PT2H, PT0S")

    handoff_email = BooleanField("E-mail", description="When a request waits for you, was returned or approved, "
                                                       "or the addressee refused or answered in part.")
    handoff_in_app = BooleanField("In-app notification")

    def validate_in_app(self, field: BooleanField) -> None:
        if not (self.email.data or field.data):
            raise ValidationError("Choose at least one channel: without one you would never hear of a deadline.")
