"""The reminder settings form: channels and offsets as choices ("3 days before"), stored as the ISO 8601 offsets
the services read (``-P3D``), validated by the same parser."""

from __future__ import annotations

from datetime import timedelta

from flask_wtf import FlaskForm
from wtforms import BooleanField, SelectMultipleField
from wtforms.validators import ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lawreq.deadlines.offsets import OffsetError, format_offset, parse_offset
from lawreq.i18n import _
from lawreq.i18n import lazy_gettext as _l
from lawreq.i18n import ngettext

#: The offsets offered for periods of days and of hours (any saved earlier stays offered too).
DAY_CHOICES = (-timedelta(days=7), -timedelta(days=3), -timedelta(days=2), -timedelta(days=1), timedelta(0),
               timedelta(days=1))
HOUR_CHOICES = (-timedelta(hours=24), -timedelta(hours=4), -timedelta(hours=2), -timedelta(hours=1), timedelta(0),
                timedelta(hours=1))


def offset_words(delta: timedelta) -> str:
    """"3 days before", "2 hours before", "at the deadline", "1 day after" in the viewer's language."""
    if not delta:
        return _("at the deadline")
    span = abs(delta)
    if span % timedelta(days=1) == timedelta(0):
        count = span // timedelta(days=1)
        text = ngettext("%(num)s day", "%(num)s days", count)
    elif span % timedelta(hours=1) == timedelta(0):
        count = span // timedelta(hours=1)
        text = ngettext("%(num)s hour", "%(num)s hours", count)
    else:
        count = span // timedelta(minutes=1)
        text = ngettext("%(num)s minute", "%(num)s minutes", count)
    return _("%(time)s before", time=text) if delta < timedelta(0) else _("%(time)s after", time=text)


def offset_choices(offered: tuple[timedelta, ...], saved: tuple[timedelta, ...] = ()) -> list[tuple[str, str]]:
    deltas = sorted(set(offered) | set(saved))
    return [(format_offset(d), offset_words(d)) for d in deltas]


def _offsets(form: FlaskForm, field: SelectMultipleField) -> None:
    for part in field.data or []:
        try:
            parse_offset(part)
        except OffsetError as exc:
            raise ValidationError(str(exc)) from exc


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class ReminderSettingsForm(FlaskForm):
    email = BooleanField(_l("E-mail"))
    in_app = BooleanField(_l("In-app notification"))
    day_offsets = _Checkboxes(_l("Reminders for periods of days"), validators=[_offsets], validate_choice=False,
                              description=_l("When to be reminded of a deadline counted in days."))
    hour_offsets = _Checkboxes(_l("Reminders for periods of hours"), validators=[_offsets], validate_choice=False,
                               description=_l("For emergency periods such as 8 hours."))

    handoff_email = BooleanField(_l("E-mail"), description=_l("When a request waits for you, was returned or approved, "
                                                              "or the addressee refused or answered in part."))
    handoff_in_app = BooleanField(_l("In-app notification"))

    def __init__(self, *args, saved_days: tuple[timedelta, ...] = (), saved_hours: tuple[timedelta, ...] = (),
                 **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.day_offsets.choices = offset_choices(DAY_CHOICES, saved_days)
        self.hour_offsets.choices = offset_choices(HOUR_CHOICES, saved_hours)

    def validate_in_app(self, field: BooleanField) -> None:
        if not (self.email.data or field.data):
            raise ValidationError(_("Choose at least one channel: without one you would never hear of a deadline."))
