"""Admin pages for accounts and units: admins only (who have passed their second factor, as every session has).

Each change is a POST with a CSRF token, one service call, one commit, a flash message and a redirect; a refused
change re-renders the form with the service's message on the field it is about and what was typed kept.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import func, select
from wtforms import Field

from lawreq import db
from lawreq.admin import queries, services
from lawreq.admin.forms import EditUserForm, NewUserForm, TemporaryPasswordForm, UnitForm, UserFilterForm
from lawreq.auth.admin import UserError
from lawreq.auth.decorators import require, roles_required
from lawreq.auth.forms import ConfirmForm
from lawreq.auth.models import ApiToken, AuthSession, Unit, User
from lawreq.core.clock import utcnow
from lawreq.i18n import _

bp = Blueprint("admin", __name__, url_prefix="/admin")

#: Error prefixes of the services → the form field they belong on.
_FIELDS = {"authority": "authority_type", "unit": "units"}


def ctx() -> services.Ctx:
    return services.Ctx(actor=current_user._get_current_object(), audit_key=current_app.config["AUDIT_KEY"].encode(),
                        cfg=current_app.config)


def _user(user_id: int) -> User:
    user = db.session.get(User, user_id)
    require(user is not None)
    return user


def _unit(unit_id: int) -> Unit:
    unit = db.session.get(Unit, unit_id)
    require(unit is not None)
    return unit


def _sentence(message: str) -> str:
    first = message.split(" ", 1)[0]
    return message if "@" in first else message[:1].upper() + message[1:]


def _show_error(form: FlaskForm, exc: ValueError) -> None:
    """Put a service error on its field (or above the form when it names none); roll back what was touched."""
    db.session.rollback()
    field, message = services.split_error(exc)
    target = getattr(form, _FIELDS.get(field, field), None) if field else None
    if isinstance(target, Field):
        target.errors = [*target.errors, _sentence(message)]
    else:
        form.form_errors.append(_sentence(message))


# --- users -----------------------------------------------------------------------------------------------------
@bp.route("/users/")
@roles_required("admin")
def users():
    form = UserFilterForm(request.args, units=queries.all_units(db.session))
    now = utcnow()
    valid = form.validate()
    rows, total = queries.users(db.session, form.filters(), now) if valid else ([], 0)
    return render_template("admin/users.html", form=form, users=rows, total=total, limit=queries.LIMIT, now=now,
                           totp_roles=current_app.config["TOTP_REQUIRED_ROLES"]), 200 if valid else 400


@bp.route("/users/new", methods=["GET", "POST"])
@roles_required("admin")
def new_user():
    form = NewUserForm(units=queries.all_units(db.session))
    if form.validate_on_submit():
        try:
            user = services.add_user(db.session, ctx(), email=form.email.data, name=form.name.data,
                                     role=form.role.data, authority_type=form.authority_type.data or None,
                                     unit_codes=form.units.data, password=form.password.data)
        except UserError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Account for %(name)s <%(email)s> created. Give them the temporary password on another "
                    "channel; they choose their own at their first login.", name=user.name, email=user.email), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/user_new.html", form=form), 400 if form.errors else 200


def _edit_page(user: User, form: EditUserForm | None = None, password_form: TemporaryPasswordForm | None = None,
               status: int = 200) -> tuple[str, int]:
    if form is None:
        form = EditUserForm(formdata=None, units=queries.all_units(db.session), data=_user_data(user))
    now = utcnow()
    return render_template(
        "admin/user_edit.html", user=user, form=form,
        password_form=password_form or TemporaryPasswordForm(formdata=None), confirm=ConfirmForm(), now=now, locked=user.locked_until is not None and user.locked_until > now,
        sessions=_count(AuthSession, AuthSession.user_id == user.id, AuthSession.revoked_at.is_(None)),
        tokens=_count(ApiToken, ApiToken.user_id == user.id, ApiToken.revoked_at.is_(None), ApiToken.expires_at > now),
        totp_required=user.role in current_app.config["TOTP_REQUIRED_ROLES"]), status


def _user_data(user: User) -> dict[str, Any]:
    return {"name": user.name, "role": user.role, "authority_type": user.authority_type or "",
            "units": [u.code for u in user.units], "active": user.active}


def _count(model: Any, *where: Any) -> int:
    return db.session.scalar(select(func.count()).select_from(model).where(*where)) or 0


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_user(user_id: int):
    user = _user(user_id)
    if request.method == "GET":
        return _edit_page(user)
    form = EditUserForm(units=queries.all_units(db.session))
    if form.validate():
        try:
            changes = services.update_user(db.session, ctx(), user, name=form.name.data, role=form.role.data,
                                           authority_type=form.authority_type.data or None,
                                           unit_codes=form.units.data, active=form.active.data)
        except UserError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved %(name)s: changed %(fields)s.", name=user.name, fields=", ".join(changes)) if changes
                  else _("Nothing changed."),
                  "success" if changes else "info")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _edit_page(user, form=form, status=400)


def _act(user_id: int, action: Any, done: str):
    """Run a one-button account action: load, act, commit, flash, back to the account page."""
    user = _user(user_id)
    require(ConfirmForm().validate_on_submit(), 400)
    try:
        result = action(db.session, ctx(), user)
    except UserError as exc:
        db.session.rollback()
        flash(_sentence(services.split_error(exc)[1]) + ".", "error")
    else:
        db.session.commit()
        flash(done.format(user=user, result=result), "success")
    return redirect(url_for("admin.edit_user", user_id=user_id))


@bp.route("/users/<int:user_id>/deactivate", methods=["POST"])
@roles_required("admin")
def deactivate_user(user_id: int):
    return _act(user_id, services.deactivate_user, "{user.name} is deactivated: {result[0]} session(s) ended and "
                                                   "{result[1]} API token(s) revoked.")


@bp.route("/users/<int:user_id>/reactivate", methods=["POST"])
@roles_required("admin")
def reactivate_user(user_id: int):
    return _act(user_id, services.reactivate_user, "{user.name} is active again. Their API tokens stay revoked; "
                                                   "they can create new ones.")


@bp.route("/users/<int:user_id>/unlock", methods=["POST"])
@roles_required("admin")
def unlock_user(user_id: int):
    return _act(user_id, services.unlock_user, "{user.name} is unlocked and can log in again.")


@bp.route("/users/<int:user_id>/end-sessions", methods=["POST"])
@roles_required("admin")
def end_sessions(user_id: int):
    return _act(user_id, services.end_sessions, _("{user.name}: {result} session(s) ended; they log in again."))


@bp.route("/users/<int:user_id>/reset-totp", methods=["POST"])
@roles_required("admin")
def reset_totp(user_id: int):
    then = ("they enrol a new authenticator at their next login" if _user(user_id).role in
            current_app.config["TOTP_REQUIRED_ROLES"] else "their role does not require a second factor")
    return _act(user_id, services.reset_totp,
                "{user.name}'s second factor is reset and {result} session(s) ended; " + then + ".")


@bp.route("/users/<int:user_id>/password", methods=["POST"])
@roles_required("admin")
def set_password(user_id: int):
    user = _user(user_id)
    form = TemporaryPasswordForm()
    if form.validate():
        try:
            ended = services.set_temporary_password(db.session, ctx(), user, form.password.data)
        except UserError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Temporary password set for %(name)s; %(ended)s session(s) ended. Give it to them on another "
                    "channel; they must replace it at their next login.", name=user.name, ended=ended), "success")
            return redirect(url_for("admin.edit_user", user_id=user.id))
    return _edit_page(user, password_form=form, status=400)


# --- units -----------------------------------------------------------------------------------------------------
def _countries(current: str | None = None) -> list[tuple[str, str]]:
    rules = current_app.extensions["lawreq.rules"]
    known = sorted(((c.code, f"{c.name} ({c.code})") for c in rules.countries.values()), key=lambda p: p[1])
    if current and current not in {code for code, _ in known}:
        known.append((current, f"{current} (not in the rules)"))
    return known


def _unit_page(form: UnitForm, unit: Unit | None, status: int = 200) -> tuple[str, int]:
    return render_template("admin/unit_form.html", form=form, unit=unit,
                           timezones=sorted(services.known_timezones())), status


@bp.route("/units/")
@roles_required("admin")
def units():
    rows = queries.units_with_counts(db.session)
    signing = current_app.extensions.get("lawreq.signing")
    now = utcnow()
    signing_rows = [(unit, *signing.status(unit.code, now)) for unit, _members in rows] if signing else []
    return render_template("admin/units.html", units=rows, signing=signing, signing_rows=signing_rows)


@bp.route("/units/new", methods=["GET", "POST"])
@roles_required("admin")
def new_unit():
    form = UnitForm(countries=_countries(), new=True)
    if form.validate_on_submit():
        try:
            unit = services.create_unit(db.session, ctx(), code=form.code.data, **form.values())
        except services.UnitError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Unit %(code)s created.", code=unit.code), "success")
            return redirect(url_for("admin.units"))
    return _unit_page(form, None, 400 if form.errors else 200)


@bp.route("/units/<int:unit_id>", methods=["GET", "POST"])
@roles_required("admin")
def edit_unit(unit_id: int):
    unit = _unit(unit_id)
    form = UnitForm(obj=unit, countries=_countries(unit.country), new=False)
    if form.validate_on_submit():
        try:
            changes = services.update_unit(db.session, ctx(), unit, **form.values())
        except services.UnitError as exc:
            _show_error(form, exc)
        else:
            db.session.commit()
            flash(_("Saved unit %(code)s: changed %(fields)s.", code=unit.code, fields=", ".join(changes)) if changes
                  else _("Nothing changed."),
                  "success" if changes else "info")
            return redirect(url_for("admin.units"))
    return _unit_page(form, unit, 400 if form.errors else 200)
