"""One form per wizard step. Context (the rules, the provider, the chosen route, the user's zone) comes in as
keyword arguments, so every validation message is testable without a request or a database.

Every step form carries the draft's ``version`` (optimistic lock) and the two navigation buttons.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any
from zoneinfo import ZoneInfo

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    DateField,
    DateTimeLocalField,
    Field,
    FieldList,
    Form,
    FormField,
    HiddenField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.validators import DataRequired, Length, Optional, StopValidation, ValidationError
from wtforms.widgets import CheckboxInput, ListWidget

from lawreq.legal_requests import review
from lawreq.legal_requests.details import TEXT_MAX
from lawreq.legal_requests.identifiers import TYPES, Identifier, IdentifierError, accepted_types, normalise
from lawreq.legal_requests.wizard import DATA_CATEGORIES
from lawreq.i18n import _, lazy_gettext
from lawreq.rules import addressing
from lawreq.web.choices import choices
from lawreq.i18n import _
from lawreq.i18n import lazy_gettext as _l

LOCAL_FORMAT = "%Y-%m-%dT%H:%M"
#: IdentifierError.field → the form field showing the message.
_FIELD_FOR = {"type": "kind"}


class RequiredIf:
    """Required only when another field is set (a ``HiddenUnless``-style rule kept in the form, not the view)."""

    def __init__(self, other: str, message: str) -> None:
        self.other = other
        self.message = message

    def __call__(self, form: Any, field: Field) -> None:
        if not form[self.other].data:
            field.errors[:] = []
            raise StopValidation()
        if not (field.data or "").strip():
            raise StopValidation(self.message)


class MultiCheckboxField(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class WizardForm(FlaskForm):
    version = HiddenField(validators=[DataRequired()])
    back = SubmitField(_l("Back"))
    save = SubmitField(_l("Save and continue"))


# --- 1. target and identifiers ---------------------------------------------------------------------------------
class IdentifierForm(Form):
    """One identifier row (a sub-form: the page's CSRF token covers it)."""

    kind = SelectField(_l("Type"), choices=choices(TYPES.items()), default="username")
    value = StringField(_l("Value"), validators=[Optional(), Length(max=500)])
    port = StringField(_l("Source port"), validators=[Optional(), Length(max=5)],
                       description=_l("For IP addresses shared behind carrier-grade NAT."))
    timestamp = StringField(_l("Time used"), validators=[Optional(), Length(max=40)],
                            description=_l("For IP addresses: e.g. 2026-11-20 14:03:22."))
    zone = SelectField(_l("Time zone of that time"), validators=[Optional()], default="")


class TargetForm(WizardForm):
    provider = StringField(_l("Provider or service"), validators=[
        DataRequired(message=_l("Name the provider or one of its services (e.g. Instagram).")), Length(max=120)],
        description=_l("Search by company or service name: “Instagram” finds Meta Platforms."))
    service = SelectField(lazy_gettext("Service the account belongs to"), choices=choices([("", lazy_gettext("Main service / not known"))]),
                          validate_choice=False, default="",
                          description=lazy_gettext("The provider's services can be run by different companies "
                                                   "(WhatsApp is not Facebook): the route is addressed to the one "
                                                   "for this service."))
    # One question, two consequences: which company of the provider holds the account's data, and whether an
    # EPOC for traffic or content data is notified to the enforcing State (Reg. (EU) 2023/1543 Art. 8(1)-(2)).
    # "Not known" is an answer the law allows: the engine then presumes your country for the addressee (and the
    # route warns), while the Art. 8(2) exception, which needs residence in your own State, does not apply.
    target_resides_in = SelectField(
        lazy_gettext("Where the account holder (the person whose data are sought) is believed to live"),
        choices=choices([("", lazy_gettext("Not known (presumed: your country)"))]),
        validate_choice=False, default="",
        description=lazy_gettext("Many providers serve European users through another company than the rest "
                                 "of the world. It also decides whether the enforcing State must be notified of an "
                                 "order for traffic or content data (Reg. (EU) 2023/1543 Art. 8); “not known” is a "
                                 "valid answer."))
    period_start = DateField(_l("Period of interest: from"), validators=[Optional()])
    period_end = DateField(_l("Period of interest: to"), validators=[Optional()])
    identifiers = FieldList(FormField(IdentifierForm), min_entries=2, max_entries=20)
    add_identifier = SubmitField(_l("Add another identifier"))

    def __init__(self, *args: Any, rules: Any, zones: list[str], categories: list[str], today: date,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules, self.categories, self.today = rules, categories, today
        self.found: Any = None
        self.normalised: list[Identifier] = []
        self.warnings: list[str] = []
        for entry in self.identifiers:
            entry.form.zone.choices = choices([("", _l("— choose —")), *((z, z) for z in zones)])
        self.target_resides_in.choices = choices([("", _("Not known (presumed: your country)")), *(
            (c.code, c.name) for c in sorted(rules.countries.values(), key=lambda c: c.name))])

    def validate_provider(self, field: Field) -> None:
        found = self.rules.find_providers(field.data or "")
        exact = [p for p in found if (field.data or "").strip().casefold() in
                 {p.id, p.name.casefold(), *(a.casefold() for a in p.aliases),
                  *(n.casefold() for s in p.services for n in (s.name, *s.aliases))}]
        if len(exact) == 1 or len(found) == 1:
            self.found = exact[0] if len(exact) == 1 else found[0]
            self.offer_services(self.found)
            return
        if not found:
            raise ValidationError(_("No provider matches “%(name)s”. Try the company or the service name.", name=field.data))
        raise ValidationError(f"“{field.data}” matches several providers: "
                              f"{', '.join(p.name for p in found[:8])}. Type one of these names.")

    def offer_services(self, provider: Any) -> None:
        """The select lists the provider's services (shown when it has several)."""
        self.service.choices = choices([("", _("Main service / not known")), *((x.id, x.name) for x in provider.services)])

    @property
    def service_id(self) -> str | None:
        """The chosen service, else the one the provider text names ("Instagram"), else None (the main one)."""
        if self.found is None:
            return None
        chosen = self.found.service(self.service.data) if self.service.data else None
        named = chosen or addressing.named_service(self.found, self.provider.data)
        return named.id if named is not None else None

    def validate_target_resides_in(self, field: Field) -> None:
        if field.data and field.data not in self.rules.countries:
            raise ValidationError(_("Choose a country from the list, or “Not known”."))

    def validate_service(self, field: Field) -> None:
        if field.data and self.found is not None and self.found.service(field.data) is None:
            raise ValidationError(_("Choose one of %(provider)s's services, or “Main service / not known”.",
                                    provider=self.found.name))

    def validate_period_end(self, field: Field) -> None:
        if field.data and self.period_start.data and field.data < self.period_start.data:
            raise ValidationError(_("The end of the period is before its start."))

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if self.found is None:
            return False
        self.normalised = []
        for entry in self.identifiers:
            row = entry.form
            if not (row.value.data or "").strip():
                continue
            try:
                self.normalised.append(normalise(row.kind.data, row.value.data, provider=self.found,
                                                 port=row.port.data, timestamp=row.timestamp.data,
                                                 zone=row.zone.data))
            except IdentifierError as exc:
                row[_FIELD_FOR.get(exc.field, exc.field) if _FIELD_FOR.get(exc.field, exc.field) in row else "value"].errors.append(exc.message)
                valid = False
        if valid and not self.normalised:
            self.identifiers[0].form.value.errors.append(
                _("Give at least one identifier of the account (e.g. a username or a numeric id)."))
            valid = False
        if valid:
            self.warnings = [n.text for n in review.retention_notes(
                self.found, self.rules.countries, self.categories, self.period_start.data, self.today)]
        return valid

    def accepted_hint(self) -> str:
        if self.found is None:
            return ""
        return "Accepted: " + ", ".join(TYPES[t] for t in accepted_types(self.found))

    def load(self, facts: Mapping[str, Any], details: Mapping[str, Any], identifiers: list[Mapping[str, Any]]) -> None:
        """Fill an unsubmitted form from the draft (Back and resume show what was saved)."""
        provider = self.rules.providers.get(facts.get("provider") or "")
        self.provider.data = provider.name if provider else ""
        if provider is not None:
            self.offer_services(provider)
            self.service.data = facts.get("service") or ""
        self.target_resides_in.data = facts.get("target_resides_in") or ""
        period = details.get("period") or {}
        self.period_start.data = _date(period.get("start"))
        self.period_end.data = _date(period.get("end"))
        while len(self.identifiers) < len(identifiers) + 1:
            self.identifiers.append_entry()
            self.identifiers[-1].form.zone.choices = self.identifiers[0].form.zone.choices
        for entry, item in zip(self.identifiers, identifiers):
            row = entry.form
            row.kind.data = item.get("type")
            row.value.data = item.get("entered") or item.get("value")
            row.port.data = str(item["port"]) if item.get("port") else ""
            row.timestamp.data, row.zone.data = _as_entered(item)


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if value else None
    except ValueError:
        return None


# --- 2. data categories ----------------------------------------------------------------------------------------
class DataForm(WizardForm):
    data_categories = MultiCheckboxField(_l("Data requested"), choices=choices((c[0], c[1]) for c in DATA_CATEGORIES),
                                         validators=[DataRequired(message=_l("Choose at least one data category."))])

    def __init__(self, *args: Any, rules: Any, provider: Any, period_start: date | None, today: date,
                 **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules, self.provider_obj, self.period_start, self.today = rules, provider, period_start, today
        self.warnings: list[str] = []

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if valid:
            self.warnings = [n.text for n in review.retention_notes(
                self.provider_obj, self.rules.countries, self.data_categories.data, self.period_start, self.today)]
        return valid


# --- 3. urgency ------------------------------------------------------------------------------------------------
class UrgencyForm(WizardForm):
    emergency = BooleanField(_l("This is an emergency: there is an imminent threat to a person's life or physical "
                             "integrity"))
    emergency_justification = TextAreaField(
        _l("The imminent threat"), validators=[
            RequiredIf("emergency", _l("Describe the imminent threat to life or physical integrity that makes this an "
                                    "emergency, or untick “emergency”.")), Length(max=4000)],
        description=_l("Who is at risk, of what, and why it cannot wait for the normal deadline."))
    without_prior_validation = BooleanField(
        lazy_gettext("Validation cannot be obtained in time: issue without prior validation and seek it within "
                     "48 hours (Reg. (EU) 2023/1543 Art. 4(5); subscriber and identification data, or preservation, "
                     "only)"))

    def validate_without_prior_validation(self, field: Field) -> None:
        if field.data and not self.emergency.data:
            raise ValidationError(lazy_gettext("Only an emergency may be issued without prior validation: tick "
                                               "“emergency” or untick this box."))


# --- 4. route --------------------------------------------------------------------------------------------------
class RouteForm(WizardForm):
    route = RadioField(_l("Route"), validate_choice=False)
    save = SubmitField(_l("Use this route"))

    def __init__(self, *args: Any, routes: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_ids = [r.id for r in routes if r.available]
        self.route.choices = choices((r.id, r.title) for r in routes if r.available)

    def validate_route(self, field: Field) -> None:
        if not field.data:
            raise ValidationError(_("Choose one of the open routes."))
        if field.data not in self.open_ids:
            raise ValidationError(_("That route is not open for these facts: choose one of the open routes."))


# --- 5. the route's own fields ---------------------------------------------------------------------------------
class DetailsForm(WizardForm):
    """The chosen route's field list as WTForms fields; ``for_route`` builds the class for one route."""

    specs: dict[str, Any] = {}
    zone: ZoneInfo = ZoneInfo("UTC")

    @classmethod
    def for_route(cls, route: Any, *, emergency: bool, zone: str, **kwargs: Any) -> DetailsForm:
        specs = {s.name: s for s in route.fields
                 if s.applies == "always" or (s.applies == "emergency") == emergency}
        attrs: dict[str, Any] = {name: _field(spec, route) for name, spec in specs.items()}
        attrs.update(specs=specs, zone=ZoneInfo(zone))
        form_class = type("DetailsForm", (cls,), attrs)
        return form_class(**kwargs)

    def answers(self) -> dict[str, Any]:
        """The answers as JSON (times in UTC, ISO)."""
        out: dict[str, Any] = {}
        for name in self.specs:
            value = self[name].data
            if isinstance(value, datetime):
                value = value.replace(tzinfo=self.zone).astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
            elif isinstance(value, date):
                value = value.isoformat()
            out[name] = value
        return out

    def load(self, details: Mapping[str, Any], defaults: Mapping[str, Any] | None = None) -> None:
        """Show saved answers; where there is none, ``defaults`` (what the case already says) and the target
        step's period as the time range."""
        period = details.get("period") or {}
        defaults = {"time_range_start": _period_edge(period.get("start")),
                    "time_range_end": _period_edge(period.get("end"), end=True), **(defaults or {})}
        for name in self.specs:
            value = details.get(name, defaults.get(name))
            field = self[name]
            if value in (None, ""):
                continue
            if isinstance(field, DateTimeLocalField):
                value = datetime.fromisoformat(str(value).replace("Z", "+00:00")).astimezone(self.zone)
                value = value.replace(tzinfo=None)
            elif isinstance(field, DateField):
                value = _date(value)
            field.data = value


def _period_edge(day: str | None, end: bool = False) -> str | None:
    if not day:
        return None
    return f"{day}T23:59:00Z" if end else f"{day}T00:00:00Z"


def _field(spec: Any, route: Any) -> Field:
    validators: list[Any] = [DataRequired(message=_l("“%(field)s” is required for this route.", field=spec.label))] \
        if spec.required else [Optional()]
    if spec.type in TEXT_MAX:  # the same limits as the details schema (lawreq.legal_requests.details)
        validators.append(Length(max=TEXT_MAX[spec.type]))
    kw = {"label": spec.label, "validators": validators, "description": spec.help}
    if spec.type == "textarea":
        return TextAreaField(**kw, render_kw={"rows": 4})
    if spec.type == "date":
        return DateField(**kw)
    if spec.type == "datetime":
        return DateTimeLocalField(**kw, format=LOCAL_FORMAT)
    if spec.type == "boolean":
        if spec.required:
            kw["validators"] = [DataRequired(message=_l("Tick to confirm: %(field)s.", field=spec.label))]
        return BooleanField(**kw)
    if spec.type in ("select", "language"):
        options = spec.choices or (route.languages if spec.type == "language" else ())
        return SelectField(**kw, choices=choices([("", _l("— choose —")), *((o, o) for o in options)]))
    if spec.type == "multiselect":
        return MultiCheckboxField(**kw, choices=choices((o, o) for o in spec.choices))
    return StringField(**kw)


# --- 6. review -------------------------------------------------------------------------------------------------
class ReviewForm(WizardForm):
    """One accept box and reason per acceptable risk; ``for_risks`` builds the class for the draft's risks."""

    risks: tuple[Any, ...] = ()
    save = SubmitField(_l("Submit for approval"))

    @classmethod
    def for_risks(cls, risks: list[Any], *, needs_approval: bool, **kwargs: Any) -> ReviewForm:
        attrs: dict[str, Any] = {"risks": tuple(risks)}
        for i, risk in enumerate(risks):
            if risk.acceptable:
                attrs[f"accept_{i}"] = BooleanField(_l("Accept this risk: %(risk)s", risk=_tr(risk.title)))
                attrs[f"reason_{i}"] = TextAreaField(_l("Why it is acceptable: %(risk)s", risk=_tr(risk.title)),
                                                     validators=[Length(max=2000)])
        form = type("ReviewForm", (cls,), attrs)(**kwargs)
        form.save.label.text = _("Submit for approval") if needs_approval else _("Submit")
        return form

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        for i, risk in enumerate(self.risks):
            if risk.acceptable and self[f"accept_{i}"].data and not (self[f"reason_{i}"].data or "").strip():
                self[f"reason_{i}"].errors.append(_("Give a reason for accepting this risk."))
                valid = False
        return valid

    def accepted(self) -> dict[str, str]:
        """``{risk code: reason}`` for the ticked risks (stored in ``details["accepted_risks"]``)."""
        return {risk.code: self[f"reason_{i}"].data.strip() for i, risk in enumerate(self.risks)
                if risk.acceptable and self[f"accept_{i}"].data}

    def load(self, accepted: Mapping[str, str]) -> None:
        for i, risk in enumerate(self.risks):
            if risk.acceptable and risk.code in accepted:
                self[f"accept_{i}"].data = True
                self[f"reason_{i}"].data = accepted[risk.code]

    def unresolved(self) -> list[Any]:
        accepted = self.accepted()
        return [r for r in self.risks if not r.acceptable or r.code not in accepted]


# --- follow-ups ------------------------------------------------------------------------------------------------
class FollowUpForm(FlaskForm):
    """A chained request: from a preservation nothing to add; from an answer, the identifier it revealed."""

    kind = SelectField(_l("Type of the new identifier"), choices=choices(TYPES.items()), default="ip")
    value = StringField(_l("New identifier (from the answer)"), validators=[Optional(), Length(max=500)])
    port = StringField(_l("Source port"), validators=[Optional(), Length(max=5)])
    timestamp = StringField(_l("Time used"), validators=[Optional(), Length(max=40)],
                            description=_l("e.g. 2026-11-20 14:03:22"))
    zone = SelectField(_l("Time zone of that time"), validators=[Optional()], default="")
    provider = StringField(_l("Next provider or ISP, if known"), validators=[Optional(), Length(max=120)])
    submit = SubmitField(_l("Start the follow-up request"))

    def __init__(self, *args: Any, from_preservation: bool, rules: Any, zones: list[str], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.rules = rules
        self.identifier: Identifier | None = None
        self.found: Any = None
        if from_preservation:
            for name in ("kind", "value", "port", "timestamp", "zone", "provider"):
                delattr(self, name)
            self.submit.label.text = _("Start the follow-up production order")
        else:
            self.zone.choices = choices([("", _l("— choose —")), *((z, z) for z in zones)])

    def validate(self, extra_validators: Mapping[str, Any] | None = None) -> bool:
        valid = super().validate(extra_validators)
        if not valid or "value" not in self:
            return valid
        if (self.provider.data or "").strip():
            found = self.rules.find_providers(self.provider.data)
            if len(found) != 1:
                self.provider.errors.append(_("No single provider matches “%(name)s”: leave it empty and choose in "
                                              "the first step.", name=self.provider.data))
                return False
            self.found = found[0]
        try:
            self.identifier = normalise(self.kind.data, self.value.data, provider=self.found, port=self.port.data,
                                        timestamp=self.timestamp.data, zone=self.zone.data)
        except IdentifierError as exc:
            self[_FIELD_FOR.get(exc.field, exc.field) if _FIELD_FOR.get(exc.field, exc.field) in self
                 else "value"].errors.append(
                exc.message if self.value.data else _("Give the identifier the answer revealed."))
            return False
        return True


def _tr(text: Any) -> str:
    """A pure module's risk title in the viewer's language (see lawreq.core.text)."""
    from lawreq.web.formatting import tr

    return tr(text)


def _as_entered(item: dict[str, Any]) -> tuple[str, str]:
    """The stored UTC time shown back in the zone the investigator gave (UTC when none was kept)."""
    stamp = item.get("timestamp_utc")
    if not stamp:
        return "", ""
    zone = item.get("zone") or "UTC"
    try:
        moment = datetime.fromisoformat(stamp.replace("Z", "+00:00")).astimezone(ZoneInfo(zone))
    except (ValueError, KeyError):
        return stamp.replace("T", " ").rstrip("Z"), "UTC"
    return moment.strftime("%Y-%m-%d %H:%M:%S"), zone
