from __future__ import annotations

from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField, SelectField, StringField
from wtforms.validators import DataRequired, EqualTo, Length, Regexp
from lawreq.i18n import lazy_gettext as _l



class LoginForm(FlaskForm):
    email = EmailField(_l("E-mail"), validators=[DataRequired(), Length(max=320),
                                             Regexp(r"^[^@\s]+@[^@\s]+$", message=_l("Enter an e-mail address."))])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=256)])


class TotpForm(FlaskForm):
    code = StringField(_l("Six-digit code from your authenticator app"),
                       validators=[DataRequired(), Length(min=6, max=7)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class RecoveryCodeForm(FlaskForm):
    code = StringField(_l("Recovery code"), description=_l("One of the ten codes you stored when you set up the app, "
                                                    "for example ABCDE-12345. Each code works once."),
                       validators=[DataRequired(), Length(max=40)],
                       render_kw={"autocomplete": "off", "autocapitalize": "characters", "spellcheck": "false"})


class RecoveryRegenerateForm(FlaskForm):
    """New recovery codes: re-authenticate with both factors first (ASVS 7.5.1)."""

    password = PasswordField(_l("Current password"), validators=[DataRequired(), Length(max=256)])
    totp = StringField(_l("Six-digit code from your authenticator app"), validators=[DataRequired(), Length(min=6, max=7)],
                       render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"})


class PasswordChangeForm(FlaskForm):
    current = PasswordField(_l("Current password"), validators=[DataRequired()])
    new = PasswordField(_l("New password"), validators=[DataRequired(), Length(max=256)])
    repeat = PasswordField(_l("Repeat the new password"), validators=[DataRequired(), EqualTo("new", _l("The two entries differ."))])


class NewPasswordForm(FlaskForm):
    """The owner's own password in place of a temporary one. No current-password field: the temporary password
    was typed a moment ago at the login, and asking for it again would only make people paste it twice."""

    new = PasswordField(_l("New password"), validators=[DataRequired(_l("Type your new password.")), Length(max=256)])
    repeat = PasswordField(_l("Repeat the new password"), validators=[DataRequired(_l("Type it a second time.")),
                                                                  EqualTo("new", _l("The two entries differ."))])


class LanguageForm(FlaskForm):
    """The interface language; the choices are the instance's LANGUAGES, each named in its own language."""

    locale = SelectField(_l("Interface language"), choices=[], validate_choice=True)


class ConfirmForm(FlaskForm):
    """An empty form: a POST button that still carries the CSRF token."""
