"""Forms for cases and request actions. Choices come from the rules (offences, countries), passed in as context."""

from __future__ import annotations

from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    DecimalField,
    HiddenField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.widgets import CheckboxInput, ListWidget
from wtforms.validators import DataRequired, Length, NumberRange, Optional

from lawreq.pdf.forms.eu import IMPOSSIBILITY_REASONS
from lawreq.pdf.labels import Labels
from lawreq.web.choices import choices
from lawreq.workflow.states import REFUSAL_REASONS
from lawreq.i18n import lazy_gettext as _l


class CaseForm(FlaskForm):
    reference = StringField(_l("Case reference"), validators=[DataRequired(), Length(max=80)],
                            description=_l("Your unit's file number, e.g. 2026/CSA/0412."))
    title = StringField(_l("Title"), validators=[Optional(), Length(max=200)],
                        description=_l("A short name colleagues recognise the case by (optional)."))
    unit = SelectField(_l("Unit"), coerce=int)
    offence = SelectField(_l("Offence"), validators=[DataRequired()])
    max_penalty_years = DecimalField(_l("Maximum penalty in the issuing State (years)"), places=1,
                                     validators=[Optional(), NumberRange(min=0, max=99)],
                                     description=_l("Decides e.g. the 3-year threshold of Reg. (EU) 2023/1543 Art. 5(4) "
                                                 "for traffic and content data. Leave empty for life imprisonment "
                                                 "only if you also explain it in the summary."))
    offence_country = SelectField(_l("Where was the offence committed?"), validators=[DataRequired()])
    committed_online = BooleanField(_l("Committed wholly or partly by means of an information system"), default=True)
    summary = TextAreaField(_l("Summary"), validators=[DataRequired(), Length(max=4000)],
                            description=_l("Short and factual; it is shown to colleagues of your unit only."))

    def __init__(self, *args: Any, rules: Any, units: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.offence.choices = choices((o.id, o.label) for o in rules.offences.values())
        countries = sorted(rules.countries.values(), key=lambda c: c.name)
        self.offence_country.choices = choices((c.code, f"{c.name} ({c.code})") for c in countries)
        self.unit.choices = choices((u.id, u.name) for u in units)
        if not self.offence_country.data and units:
            self.offence_country.data = units[0].country


class ActionForm(FlaskForm):
    """One form for every workflow action; each action's template shows the fields it uses."""

    note = TextAreaField(_l("Comment"), validators=[Optional(), Length(max=4000)])
    channel = StringField(_l("Channel used"), validators=[Optional(), Length(max=120)],
                          description=_l("e.g. the provider's law-enforcement portal, e-mail, the 24/7 network"))
    provider_reference = StringField(_l("Reference given by the addressee"), validators=[Optional(), Length(max=120)])
    received_at = DateTimeLocalField(_l("Received by the addressee at (your local time)"), format="%Y-%m-%dT%H:%M",
                                     validators=[Optional()])
    reason = SelectField(_l("Reason"), choices=choices([("", "—"), *REFUSAL_REASONS.items()]), validators=[Optional()])
    impossibility_reasons = SelectMultipleField(
        _l("Reasons the provider gave on its Annex III form"), widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(), validators=[Optional()],
        choices=choices((code, Labels("en").text(f"reason_{code.lower()}")) for code in IMPOSSIBILITY_REASONS))
    received = TextAreaField(_l("What came back"), validators=[Optional(), Length(max=4000)],
                             description=_l("Describe the data received (not the data itself)."))
    version = HiddenField(validators=[DataRequired()])
