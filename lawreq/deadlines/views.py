"""Notifications, reminder settings, the calendar feed and the preservation ledger."""

from __future__ import annotations

import secrets

from flask import Blueprint, Response, abort, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from lawreq import db
from lawreq.audit.services import record
from lawreq.auth.decorators import public, require, roles_required
from lawreq.core.clock import utcnow
from lawreq.deadlines import notifications
from lawreq.deadlines.forms import ReminderSettingsForm
from lawreq.deadlines.ical import CalendarEvent, build_calendar
from lawreq.deadlines.mail import email_enabled
from lawreq.deadlines.offsets import format_offset
from lawreq.deadlines.queries import preservation_ledger, token_hash, user_for_feed, watched_deadlines
from lawreq.handoffs.services import channels_of as handoff_channels
from lawreq.handoffs.services import set_channels as set_handoff_channels
from lawreq.deadlines.services import DeadlineSetupError, alert_at, parse_preferences, preferences_of
from lawreq.legal_requests.queries import request_or_404
from lawreq.i18n import _, ngettext

bp = Blueprint("deadlines", __name__)
UNIT_ROLES = ("investigator", "liaison_officer", "admin")


@bp.route("/notifications", endpoint="notifications")
@roles_required()
def notifications_page():
    rows = notifications.recent(db.session, current_user.id)
    return render_template("deadlines/notifications.html", rows=rows,
                           unread=sum(1 for r in rows if r.read_at is None))


@bp.route("/notifications/<int:notification_id>/read", methods=["POST"])
@roles_required()
def mark_read(notification_id: int):
    require(notifications.mark_read(db.session, current_user.id, utcnow(), notification_id) == 1)
    db.session.commit()
    return redirect(url_for("deadlines.notifications"))


@bp.route("/notifications/read-all", methods=["POST"])
@roles_required()
def mark_all_read():
    count = notifications.mark_read(db.session, current_user.id, utcnow())
    db.session.commit()
    flash(ngettext("%(num)s notification marked as read.", "%(num)s notifications marked as read.", count), "info")
    return redirect(url_for("deadlines.notifications"))


@bp.route("/settings/reminders", methods=["GET", "POST"])
@roles_required()
def settings():
    user = current_user._get_current_object()
    prefs = preferences_of(user)
    form = ReminderSettingsForm(saved_days=prefs.day_offsets, saved_hours=prefs.hour_offsets)
    if request.method == "GET":
        form.email.data = "email" in prefs.channels
        form.in_app.data = "in_app" in prefs.channels
        form.day_offsets.data = [format_offset(d) for d in prefs.day_offsets]
        form.hour_offsets.data = [format_offset(d) for d in prefs.hour_offsets]
        form.handoff_email.data = "email" in handoff_channels(user)
        form.handoff_in_app.data = "in_app" in handoff_channels(user)
    elif form.validate_on_submit():
        chosen = parse_preferences({
            "channels": [c for c, on in (("email", form.email.data), ("in_app", form.in_app.data)) if on],
            "day_offsets": list(form.day_offsets.data or []),
            "hour_offsets": list(form.hour_offsets.data or [])})
        user.preferences = {**(user.preferences or {}), "reminders": chosen.to_json()}
        set_handoff_channels(user, [c for c, on in (("email", form.handoff_email.data),
                                                     ("in_app", form.handoff_in_app.data)) if on])
        db.session.commit()
        flash(_("Reminder settings saved; they apply to deadlines that start from now on."), "success")
        return redirect(url_for("deadlines.settings"))
    return render_template("deadlines/settings.html", form=form, has_feed=bool(user.ical_token_hash),
                           feed_url=None, email_on=email_enabled(current_app.config))


@bp.route("/settings/calendar-token", methods=["POST"])
@roles_required()
def create_calendar_token():
    """A new secret feed address, shown once; any older address stops working."""
    user = current_user._get_current_object()
    token = secrets.token_urlsafe(32)
    user.ical_token_hash = token_hash(token)
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=user, action="calendar_token.create",
           obj=user)
    db.session.commit()
    feed_url = f"{current_app.config['BASE_URL'].rstrip('/')}{url_for('deadlines.ical_feed', token=token)}"
    prefs = preferences_of(user)
    form = ReminderSettingsForm(formdata=None, saved_days=prefs.day_offsets, saved_hours=prefs.hour_offsets)
    form.email.data, form.in_app.data = "email" in prefs.channels, "in_app" in prefs.channels
    form.day_offsets.data = [format_offset(d) for d in prefs.day_offsets]
    form.hour_offsets.data = [format_offset(d) for d in prefs.hour_offsets]
    form.handoff_email.data = "email" in handoff_channels(user)
    form.handoff_in_app.data = "in_app" in handoff_channels(user)
    return render_template("deadlines/settings.html", form=form, has_feed=True, feed_url=feed_url,
                           email_on=email_enabled(current_app.config))


@bp.route("/settings/calendar-token/revoke", methods=["POST"])
@roles_required()
def revoke_calendar_token():
    user = current_user._get_current_object()
    user.ical_token_hash = None
    record(db.session, current_app.config["AUDIT_KEY"].encode(), actor=user, action="calendar_token.revoke",
           obj=user)
    db.session.commit()
    flash(_("Calendar feed address revoked."), "info")
    return redirect(url_for("deadlines.settings"))


@bp.route("/calendar/<token>.ics")
@public
def ical_feed(token: str):
    """The secret-address feed calendar apps poll; it names requests by reference only."""
    user = user_for_feed(db.session, token)
    require(user is not None)
    base = current_app.config["BASE_URL"].rstrip("/")
    events = [CalendarEvent(uid=f"deadline-{d.id}@lawreq", start=alert_at(d), end=alert_at(d),
                            summary=f"{d.request.reference}: {d.kind.replace('_', ' ')} due",
                            description="\n".join(d.explanation or []), url=f"{base}/requests/{d.request_id}")
              for d in watched_deadlines(db.session, user)]
    body = build_calendar(events, f"lawreq deadlines: {user.name}", now=utcnow())
    return Response(body, mimetype="text/calendar", headers={"Cache-Control": "private, no-store",
                                                             "Content-Disposition": "inline; filename=lawreq.ics"})


@bp.route("/preservations")
@roles_required(*UNIT_ROLES)
def preservations():
    rows = preservation_ledger(db.session, current_user, current_app.extensions["lawreq.rules"], utcnow())
    return render_template("deadlines/preservations.html", rows=rows)


@bp.route("/preservations/<int:request_id>/extend", methods=["POST"])
@roles_required(*UNIT_ROLES)
def extend_preservation(request_id: int):
    from lawreq.legal_requests import services
    from lawreq.workflow.states import TransitionError

    req = request_or_404(db.session, current_user, request_id)
    ctx = services.Ctx(actor=current_user._get_current_object(), audit_key=current_app.config["AUDIT_KEY"].encode(),
                       rules=current_app.extensions["lawreq.rules"])
    try:
        services.transition(db.session, ctx, req, "extend_preservation")
    except (DeadlineSetupError, TransitionError) as exc:
        db.session.rollback()
        flash(_("%(reference)s: not extended: %(reason)s", reference=req.reference, reason=exc), "error")
    except services.NotPermitted:
        abort(403)
    else:
        db.session.commit()
        flash(_("%(reference)s: preservation extended; send the extension request to the provider now.",
                reference=req.reference), "success")
    return redirect(url_for("deadlines.preservations"))
