"""Admin forms. They take the units and countries to offer as keyword arguments and leave the account rules
(role and authority, unique e-mail, password policy) to the services, whose errors the views put on the fields."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Form,
    PasswordField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
    widgets,
)
from wtforms.validators import (
    DataRequired,
    EqualTo,
    Length,
    Optional,
    Regexp,
    ValidationError,
)

from lawreq.admin.queries import STATUSES, UserFilters
from lawreq.admin.services import UNIT_FIELDS, known_timezones
from lawreq.auth.models import AUTHORITY_TYPES, ROLES, Unit
from lawreq.web.choices import choices
from lawreq.i18n import lazy_gettext as _l
from lawreq.i18n import _
from lawreq.web.terms import TERMS

ROLE_LABELS = {r: TERMS[r] for r in ROLES}
AUTHORITY_LABELS = {a: TERMS[a] for a in AUTHORITY_TYPES}
_EMAIL = Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address."))


def _unit_choices(units: Iterable[Unit]) -> list:
    return choices((u.code, f"{u.name} ({u.code})") for u in units)


def _known(what: str) -> Any:
    def check(form: Form, field: SelectField) -> None:
        if field.data and field.data not in {c.value for c in field.choices}:
            raise ValidationError(_("Unknown %(what)s %(value)r: pick one from the list.", what=what, value=field.data))
    return check


class UserFilterForm(Form):
    """The users list filters: read from the query string (bookmarkable GET), so no CSRF token."""

    q = StringField(_l("Name or e-mail"), validators=[Length(max=100, message=_l("Search: at most 100 characters."))])
    role = SelectField(_l("Role"), validate_choice=False, validators=[_known("role")],
                       choices=choices([("", _l("Any role")), *ROLE_LABELS.items()]))
    unit = SelectField(_l("Unit"), validate_choice=False, validators=[_known("unit")])
    status = SelectField(_l("Status"), validate_choice=False, validators=[_known("status")],
                         choices=choices([("", _l("Any status")), *STATUSES.items()]))

    def __init__(self, formdata: Any, *, units: Iterable[Unit]) -> None:
        super().__init__(formdata)
        self.unit.choices = [*choices([("", _l("Any unit"))]), *_unit_choices(units)]

    def filters(self) -> UserFilters:
        return UserFilters(q=(self.q.data or "").strip(), role=self.role.data or "", unit=self.unit.data or "",
                           status=self.status.data or "")


class _AccountForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the person's name.")), Length(max=200)])
    role = SelectField(_l("Role"), choices=choices(ROLE_LABELS.items()))
    authority_type = SelectField(_l("Authority"), choices=choices([("", _l("— not an approver —")),
                                                               *AUTHORITY_LABELS.items()]),
                                 description=_l("Approvers only: the authority in whose name they approve."))
    units = SelectMultipleField(_l("Units"), widget=widgets.ListWidget(prefix_label=False),
                                option_widget=widgets.CheckboxInput(),
                                description=_l("Requests of these units are what the person works on and sees."))

    def __init__(self, *args: Any, units: Iterable[Unit], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.units.choices = _unit_choices(units)


class NewUserForm(_AccountForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(_l("Give the e-mail address they log in with.")),
                                             Length(max=320), _EMAIL])
    password = PasswordField(_l("Temporary password"), validators=[DataRequired(_l("Set a first password.")),
                                                               Length(max=256)],
                             description=_l("Give it to the person on another channel; they must choose their own "
                                         "at their first login."))


class EditUserForm(_AccountForm):
    active = BooleanField(_l("Active"), description=_l("Unticking ends the person's sessions and revokes their API "
                                                "tokens at once."))


class TemporaryPasswordForm(FlaskForm):
    password = PasswordField(_l("New temporary password"), validators=[DataRequired(_l("Type the new password.")),
                                                                   Length(max=256)])
    repeat = PasswordField(_l("Repeat it"), validators=[DataRequired(_l("Type it a second time.")),
                                                    EqualTo("password", _l("The two entries differ."))])


def _timezone(form: Form, field: StringField) -> None:
    if field.data not in known_timezones():
        raise ValidationError(f"{field.data!r} is not a time zone name; use one like Europe/Helsinki.")


class UnitForm(FlaskForm):
    code = StringField(_l("Code"), validators=[
        DataRequired(_l("Give the unit a short code.")), Length(max=40),
        Regexp(r"^[A-Za-z0-9][A-Za-z0-9._-]*$", message=_l("Letters, digits, dots, dashes and underscores only."))],
        description=_l("Used by the CLI (lawreq users create --unit CODE); it cannot be changed later."))
    name = StringField(_l("Name"), validators=[DataRequired(_l("Give the unit a name.")), Length(max=200)])
    country = SelectField(_l("Country"), validators=[DataRequired(_l("Choose the unit's country."))],
                          description=_l("The issuing country of the unit's requests."))
    timezone = StringField(_l("Time zone"), validators=[DataRequired(_l("Give the unit's time zone.")), Length(max=64),
                                                    _timezone],
                           description=_l("An IANA name such as Europe/Helsinki: deadlines and times are shown in it."),
                           render_kw={"list": "timezones", "autocomplete": "off"})
    authority_name = StringField(_l("Authority"), validators=[Optional(), Length(max=300)],
                                 description=_l("The authority named on the unit's request forms."))
    address = TextAreaField(_l("Address"), validators=[Optional(), Length(max=2000)])
    email = EmailField(_l("E-mail"), validators=[Optional(), Length(max=320), _EMAIL])
    phone = StringField(_l("Phone"), validators=[Optional(), Length(max=64)])

    def __init__(self, *args: Any, countries: Iterable[tuple[str, str]], new: bool, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.country.choices = choices([("", _l("— choose —")), *countries])
        if not new:
            del self.code

    def values(self) -> dict[str, Any]:
        return {name: getattr(self, name).data for name in UNIT_FIELDS}
