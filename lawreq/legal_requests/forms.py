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


class CaseForm(FlaskForm):
    reference = StringField("Case reference", validators=[DataRequired(), Length(max=80)],
                            description="Your unit's file number, e.g. 2026/CSA/0412.")
    title = StringField("Title", validators=[Optional(), Length(max=200)],
                        description="A short name colleagues recognise the case by (optional).")
    unit = SelectField("Unit", coerce=int)
    offence = SelectField("Offence", validators=[DataRequired()])
    max_penalty_years = DecimalField("Maximum penalty in the issuing State (years)", places=1,
                                     validators=[Optional(), NumberRange(min=0, max=99)],
                                     description="Decides e.g. the 3-year threshold of Reg. (EU) 2023/1543 Art. 5(4) "
                                                 "for traffic and content data. Leave empty for life imprisonment "
                                                 "only if you also explain it in the summary.")
    offence_country = SelectField("Where was the offence committed?", validators=[DataRequired()])
    committed_online = BooleanField("Committed wholly or partly by means of an information system", default=True)
    summary = TextAreaField("Summary", validators=[DataRequired(), Length(max=4000)],
                            description="Short and factual; it is shown to colleagues of your unit only.")

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

    note = TextAreaField("Comment", validators=[Optional(), Length(max=4000)])
    channel = StringField("Channel used", validators=[Optional(), Length(max=120)],
                          description="e.g. the provider's law-enforcement portal, e-mail, the 24/7 network")
    provider_reference = StringField("Reference given by the addressee", validators=[Optional(), Length(max=120)])
    received_at = DateTimeLocalField("Received by the addressee at (your local time)", format="%Y-%m-%dT%H:%M",
                                     validators=[Optional()])
    reason = SelectField("Reason", choices=choices([("", "—"), *REFUSAL_REASONS.items()]), validators=[Optional()])
    impossibility_reasons = SelectMultipleField(
        "Reasons the provider gave on its Annex III form", widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(), validators=[Optional()],
        choices=choices((code, Labels("en").text(f"reason_{code.lower()}")) for code in IMPOSSIBILITY_REASONS))
    received = TextAreaField("What came back", validators=[Optional(), Length(max=4000)],
                             description="Describe the data received (not the data itself).")
    version = HiddenField(validators=[DataRequired()])
