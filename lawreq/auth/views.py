"""Login, second factor, logout, account settings."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_babel import refresh
from flask_login import current_user

from lawreq import db
from lawreq.audit.services import record
from lawreq.auth import recovery, sessions, totp
from lawreq.auth.decorators import public, require, roles_required
from lawreq.auth.forms import (ConfirmForm, LanguageForm, LoginForm, NewPasswordForm, PasswordChangeForm, RecoveryCodeForm,
                               RecoveryRegenerateForm, TotpForm)
from lawreq.auth.models import AuthSession, User
from lawreq.auth.passwords import check_password
from lawreq.auth.services import (GENERIC_FAILURE, authenticate, count_failure, issue_recovery_codes,
                                  recovery_status, redeem_recovery_code, replace_temporary_password, requires_totp,
                                  set_password)
from lawreq.core.clock import utcnow
from lawreq.deadlines.notifications import notify
from lawreq.extensions import login_throttle
from lawreq.i18n import _, ngettext

bp = Blueprint("auth", __name__)

#: What a user with a temporary password may still reach until they replace it. The API is not here: it takes
#: no cookies, and its personal tokens are made on a page behind this gate (``api_tokens``).
_UNTIL_PASSWORD_CHANGED = frozenset({"auth.choose_password", "auth.logout", "static", "web.health"})


def _audit(action: str, actor=None, **detail) -> None:
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=actor, action=action,
           actor_label=detail.pop("label", None), detail=detail)


def _safe_next(target: str | None) -> str:
    if target and target.startswith("/") and not target.startswith("//") and "\\" not in target:
        return target
    return url_for("web.home")


def _onward_url(user: User) -> str:
    """Where a login goes once every factor is passed: a temporary password is replaced first (``next`` waits)."""
    if user.must_change_password:
        return url_for("auth.choose_password")
    return session.pop("next", url_for("web.home"))


@bp.before_app_request
def _password_change_gate():
    """Every page but the few above sends a user who must replace a temporary password to that page."""
    if request.endpoint in _UNTIL_PASSWORD_CHANGED or request.blueprint == "api":
        return None
    if current_user.is_authenticated and current_user.must_change_password:
        return redirect(url_for("auth.choose_password"))
    return None


@bp.route("/login", methods=["GET", "POST"])
@public
def login():
    if current_user.is_authenticated:
        return redirect(url_for("web.home"))
    form = LoginForm()
    if form.validate_on_submit():
        if not login_throttle.allow(request.remote_addr or "?", current_app.config["LOGIN_IP_PER_MINUTE"]):
            _audit("login.throttled", label=form.email.data, ip=request.remote_addr)
            db.session.commit()
            return render_template("auth/login.html", form=form, error=GENERIC_FAILURE), 429
        result = authenticate(db.session, form.email.data, form.password.data, utcnow(), current_app.config)
        if result.reason != "ok":
            _audit("login.failed", actor=result.user, label=form.email.data, reason=result.reason,
                   ip=request.remote_addr)
            db.session.commit()
            return render_template("auth/login.html", form=form, error=GENERIC_FAILURE), 401
        user = result.user
        need_mfa = requires_totp(user, current_app.config)
        sessions.start(user, mfa_passed=not need_mfa)
        session["next"] = _safe_next(request.args.get("next"))
        _audit("login.password_ok", actor=user, ip=request.remote_addr, mfa_pending=need_mfa)
        db.session.commit()
        if need_mfa:
            return redirect(url_for("auth.totp_setup" if user.totp_secret is None else "auth.totp_check"))
        return redirect(_onward_url(user))
    return render_template("auth/login.html", form=form, error=None)


def _pending() -> AuthSession | None:
    row = sessions.current(require_mfa=False)
    return row if row is not None and not row.mfa_passed else None


def _recovery_key() -> bytes:
    return recovery.derive_key(current_app.config["SECRET_KEY"])


def _factor_failed(user: User, failed_action: str, locked_action: str):
    """A wrong TOTP or recovery code counts like a wrong password. At the limit the account is locked for a while
    and this session ends: the redirect to the login page is returned then, otherwise None."""
    if count_failure(db.session, user, utcnow(), current_app.config):
        sessions.end()
        _audit(locked_action, actor=user, ip=request.remote_addr)
        db.session.commit()
        return redirect(url_for("auth.login"))
    _audit(failed_action, actor=user, ip=request.remote_addr)
    db.session.commit()
    return None


def _show_codes(codes: list[str], continue_url: str):
    """The one and only display of a new set of recovery codes (never stored in the session or a URL; the
    response is ``no-store`` like every page behind the login)."""
    return render_template("auth/recovery_codes.html", codes=codes, continue_url=continue_url)


@bp.route("/login/totp", methods=["GET", "POST"])
@public
def totp_check():
    pending = _pending()
    if pending is None or pending.user.totp_secret is None:
        return redirect(url_for("auth.login"))
    form = TotpForm()
    error = None
    if form.validate_on_submit():
        user = pending.user
        step = totp.verify(user.totp_secret, form.code.data, user.totp_last_timecode, utcnow())
        if step is None:
            ended = _factor_failed(user, "login.totp_failed", "login.totp_locked")
            if ended is not None:
                return ended
            error = _("That code is not valid (wrong, expired or already used).")
        else:
            user.totp_last_timecode, user.failed_logins, pending.mfa_passed = step, 0, True
            _audit("login.ok", actor=user, ip=request.remote_addr)
            db.session.commit()
            return redirect(_onward_url(user))
    return render_template("auth/totp.html", form=form, error=error), (401 if error else 200)


@bp.route("/login/recovery", methods=["GET", "POST"])
@public
def recovery_check():
    """The second factor for someone without their phone: one single-use recovery code instead of a TOTP code."""
    pending = _pending()
    if pending is None or pending.user.totp_secret is None:
        return redirect(url_for("auth.login"))
    form = RecoveryCodeForm()
    error = None
    if form.validate_on_submit():
        user = pending.user
        if redeem_recovery_code(db.session, user, form.code.data, _recovery_key(), utcnow()):
            left = recovery_status(db.session, user).left
            user.failed_logins, pending.mfa_passed = 0, True
            _audit("login.recovery_code_used", actor=user, ip=request.remote_addr, codes_left=left)
            notify(db.session, [user.id], kind="recovery_code_used",
                   message=f"A recovery code was used to sign in to your account; {left} left. If that was not "
                           "you, tell an administrator at once.")
            db.session.commit()
            flash(_("You signed in with a recovery code: %(left)s left. If you lost your authenticator, ask an "
                    "administrator to reset your second factor; otherwise make a new set on your account page.",
                    left=left), "warning")
            return redirect(_onward_url(user))
        ended = _factor_failed(user, "login.recovery_code_failed", "login.recovery_code_locked")
        if ended is not None:
            return ended
        error = _("That recovery code is not valid (wrong or already used).")
    return render_template("auth/recovery.html", form=form, error=error), (401 if error else 200)


@bp.route("/login/totp/setup", methods=["GET", "POST"])
@public
def totp_setup():
    """First login of a role that must use a second factor: enrol before anything else is reachable."""
    pending = _pending()
    if pending is None or pending.user.totp_secret is not None:
        return redirect(url_for("auth.login"))
    secret = session.get("totp_enrol") or totp.new_secret()
    session["totp_enrol"] = secret
    form = TotpForm()
    error = None
    if form.validate_on_submit():
        step = totp.verify(secret, form.code.data, None, utcnow())
        if step is None:
            error = _("That code does not match; check the device clock and try the next code.")
        else:
            user = pending.user
            user.totp_secret, user.totp_last_timecode, pending.mfa_passed = secret, step, True
            session.pop("totp_enrol", None)
            codes = issue_recovery_codes(db.session, user, _recovery_key(), utcnow())
            _audit("account.totp_enrolled", actor=user, recovery_codes=len(codes))
            db.session.commit()
            return _show_codes(codes, continue_url=_onward_url(user))
    return render_template("auth/totp_setup.html", form=form, error=error, secret=secret,
                           uri=totp.provisioning_uri(secret, pending.user.email))


@bp.route("/login/new-password", methods=["GET", "POST"])
@roles_required()
def choose_password():
    """Right after the login, a user whose password an admin typed chooses their own; nothing else is reachable
    until then (``_password_change_gate``). The other sessions end, as with any password change."""
    user = current_user._get_current_object()
    if not user.must_change_password:
        return redirect(url_for("web.home"))
    form = NewPasswordForm()
    error = None
    if form.validate_on_submit():
        problems = replace_temporary_password(user, form.new.data, current_app.config, utcnow())
        if problems:
            error = " ".join(problems)
        else:
            killed = sessions.revoke_all(user.id, except_sid=session.get(sessions.SESSION_KEY))
            _audit("account.password_changed", actor=user, replaced_temporary=True, other_sessions_ended=killed)
            db.session.commit()
            flash(_("Your new password is set; the temporary one no longer works."), "success")
            return redirect(session.pop("next", url_for("web.home")))
    return render_template("auth/choose_password.html", form=form, error=error), \
        400 if error or form.errors else 200


@bp.route("/logout", methods=["POST"])
@public
def logout():
    if current_user.is_authenticated:
        _audit("logout", actor=current_user._get_current_object())
    sessions.end()
    db.session.commit()
    flash(_("You are logged out."), "info")
    return redirect(url_for("auth.login"))


@bp.route("/account", methods=["GET", "POST"])
@roles_required()
def account():
    form = PasswordChangeForm()
    error = None
    if form.validate_on_submit():
        ok, __ = check_password(current_user.password_hash, form.current.data,
                               current_app.config["PASSWORD_HASH_PROFILE"])
        if not ok:
            # A wrong current password counts like a failed login: a stolen session cannot guess without limit.
            ended = _factor_failed(current_user._get_current_object(), "account.password_check_failed",
                                   "account.password_check_locked")
            if ended is not None:
                flash(_("Too many wrong passwords: the account is locked for a while and this session ended."),
                      "error")
                return ended
            return _account_page(form=form, error=_("The current password is wrong."), status=401)
        problems = set_password(current_user, form.new.data, current_app.config, utcnow())
        if problems:
            error = " ".join(problems)
        else:
            killed = sessions.revoke_all(current_user.id, except_sid=session.get(sessions.SESSION_KEY))
            _audit("account.password_changed", actor=current_user._get_current_object(), other_sessions_ended=killed)
            db.session.commit()
            flash(_("Password changed. Your other sessions were ended."), "success")
            return redirect(url_for("auth.account"))
    return _account_page(form=form, error=error)


def _account_page(status: int = 200, **context):
    user = current_user._get_current_object()
    context.setdefault("form", PasswordChangeForm(formdata=None))
    context.setdefault("recovery_form", RecoveryRegenerateForm(formdata=None))
    context.setdefault("language_form", language_form(formdata=None))
    return render_template("auth/account.html", confirm=ConfirmForm(), sessions=sessions.active_sessions(user.id),
                           recovery=recovery_status(db.session, user) if user.totp_secret else None,
                           **{"error": None, "recovery_error": None, **context}), status


@bp.route("/account/recovery-codes", methods=["POST"])
@roles_required()
def regenerate_recovery_codes():
    """A new set of recovery codes (the old one stops working), after the password and a current TOTP code."""
    user = current_user._get_current_object()
    require(user.totp_secret is not None)
    form = RecoveryRegenerateForm()
    if not form.validate_on_submit():
        return _account_page(recovery_form=form, status=400)
    now = utcnow()
    password_ok, __ = check_password(user.password_hash, form.password.data,
                                    current_app.config["PASSWORD_HASH_PROFILE"])
    step = totp.verify(user.totp_secret, form.totp.data, user.totp_last_timecode, now)
    if not password_ok or step is None:
        ended = _factor_failed(user, "account.recovery_codes_refused", "account.recovery_codes_locked")
        if ended is not None:
            return ended
        return _account_page(recovery_form=form, status=401,
                             recovery_error=_("The password or the code is wrong (or the code was already used). "
                                              "Your recovery codes were not changed."))
    user.totp_last_timecode, user.failed_logins = step, 0
    codes = issue_recovery_codes(db.session, user, _recovery_key(), now)
    _audit("account.recovery_codes_regenerated", actor=user, count=len(codes))
    db.session.commit()
    return _show_codes(codes, continue_url=url_for("auth.account"))


@bp.route("/account/language", methods=["POST"])
@roles_required()
def set_language():
    """The interface language of this account (empty: follow the browser)."""
    form = language_form()
    if not form.validate_on_submit():
        return _account_page(language_form=form, status=400)
    user = current_user._get_current_object()
    before, user.locale = user.locale, form.locale.data or None
    _audit("account.locale_changed", actor=user, before=before, after=user.locale)
    db.session.commit()
    refresh()  # the confirmation speaks the language just chosen
    flash(_("Interface language saved."), "success")
    return redirect(url_for("auth.account"))


def language_form(**kwargs):
    from babel import Locale

    from lawreq.i18n import languages

    form = LanguageForm(**kwargs)
    form.locale.choices = [("", _("Follow my browser"))] + [
        (code, Locale.parse(code).get_display_name(code).capitalize()) for code in languages()]
    if kwargs.get("formdata", True) is None:
        form.locale.data = current_user.locale or ""
    return form


@bp.route("/account/sessions/end-others", methods=["POST"])
@roles_required()
def end_other_sessions():
    form = ConfirmForm()
    if form.validate_on_submit():
        killed = sessions.revoke_all(current_user.id, except_sid=session.get(sessions.SESSION_KEY))
        _audit("account.sessions_ended", actor=current_user._get_current_object(), count=killed)
        db.session.commit()
        flash(ngettext("%(num)s other session ended.", "%(num)s other sessions ended.", killed), "success")
    return redirect(url_for("auth.account"))
