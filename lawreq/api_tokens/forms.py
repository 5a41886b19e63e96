"""The form that creates a personal API token; the limits are the services' (name length, scopes, ≤ 90 days)."""

from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import IntegerField, SelectMultipleField, StringField, widgets
from wtforms.validators import DataRequired, Length, NumberRange

from lawreq.api_tokens.services import MAX_DAYS, NAME_MAX, SCOPES
from lawreq.web.choices import choices
from lawreq.i18n import lazy_gettext as _l


class TokenForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Name the token after the system that will use it.")),
                                           Length(max=NAME_MAX)],
                       description=_l("For example the case-management system that will call the API."))
    scopes = SelectMultipleField(_l("Scopes"), choices=choices(SCOPES.items()),
                                 validators=[DataRequired(_l("Choose at least one scope."))],
                                 widget=widgets.ListWidget(prefix_label=False),
                                 option_widget=widgets.CheckboxInput())
    days = IntegerField(_l("Expires after (days)"), default=30,
                        validators=[DataRequired(_l("Say after how many days the token expires.")),
                                    NumberRange(1, MAX_DAYS, f"Between 1 and {MAX_DAYS} days.")])
