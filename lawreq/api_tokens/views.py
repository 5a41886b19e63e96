"""Settings page for personal API tokens: list, create (the token is shown once), revoke."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from flask_login import current_user
from flask_wtf import FlaskForm
from sqlalchemy import select

from lawreq import db
from lawreq.api.auth import token_keys
from lawreq.api_tokens import services
from lawreq.api_tokens.forms import TokenForm
from lawreq.auth.decorators import require, roles_required
from lawreq.auth.models import ApiToken
from lawreq.core.clock import utcnow
from lawreq.i18n import _

bp = Blueprint("api_tokens", __name__, url_prefix="/settings/api-tokens")
ROLES = tuple(sorted(services.API_ROLES))


def _page(form: TokenForm, new_token: str | None = None, status: int = 200):
    return render_template("api_tokens/index.html", form=form, tokens=services.tokens_of(db.session, current_user),
                           new_token=new_token, revoke_form=FlaskForm(), now=utcnow(), scopes=services.SCOPES), status


@bp.route("/")
@roles_required(*ROLES)
def index():
    return _page(TokenForm())


@bp.route("/", methods=["POST"])
@roles_required(*ROLES)
def create():
    form = TokenForm()
    if not form.validate_on_submit():
        return _page(form, status=400)
    _row, token = services.create_personal_token(
        db.session, token_keys(), current_app.config["AUDIT_KEY"].encode(), current_user._get_current_object(),
        name=form.name.data, scopes=form.scopes.data, days=form.days.data)
    db.session.commit()
    return _page(TokenForm(formdata=None), new_token=token, status=201)


@bp.route("/<int:token_id>/revoke", methods=["POST"])
@roles_required(*ROLES)
def revoke(token_id: int):
    row = db.session.scalar(select(ApiToken).where(ApiToken.id == token_id, ApiToken.user_id == current_user.id))
    require(row is not None)
    require(FlaskForm().validate_on_submit(), 400)
    services.revoke_personal_token(db.session, current_app.config["AUDIT_KEY"].encode(),
                                   current_user._get_current_object(), row)
    db.session.commit()
    flash(_("Token “%(name)s” revoked; its access tokens stopped working too.", name=row.name), "success")
    return redirect(url_for("api_tokens.index"))
