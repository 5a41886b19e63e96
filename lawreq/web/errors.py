"""Generic error pages: no stack trace, no SQL, no hint whether a forbidden object exists."""

from __future__ import annotations

from flask import Flask, render_template, request
from flask_wtf.csrf import CSRFError
from sqlalchemy.orm.exc import StaleDataError

from lawreq import db
from lawreq.api.errors import error_response

MESSAGES = {
    400: ("Bad request", "The request could not be understood."),
    403: ("Not allowed", "Your role does not allow this."),
    404: ("Not found", "There is nothing here, or it is not yours to see."),
    405: ("Not allowed", "This address does not accept that method."),
    409: ("Changed meanwhile", "Someone else saved this request after you opened it. Reload to see their changes."),
    413: ("Too large", "The upload is larger than allowed."),
    429: ("Too many attempts", "Wait a minute and try again."),
    500: ("Something went wrong", "The error was logged. Nothing was changed."),
}


def _page(status: int, detail: str | None = None):
    title, text = MESSAGES.get(status, ("Error", "Something went wrong."))
    return render_template("errors/error.html", status=status, title=title, text=detail or text), status


def register_error_handlers(app: Flask) -> None:
    for status in MESSAGES:
        if status != 500:
            app.register_error_handler(status, lambda e, s=status: _api_or_page(s, e))

    @app.errorhandler(CSRFError)
    def _csrf(e: CSRFError):
        return _api_or_page(400, e, "The form expired or was not sent from lawreq. Go back, reload, and try again.")

    @app.errorhandler(StaleDataError)
    def _stale(e: StaleDataError):
        db.session.rollback()
        return _api_or_page(409, e)

    @app.errorhandler(500)
    def _server_error(e):
        db.session.rollback()
        return _api_or_page(500, e)


def _api_or_page(status: int, error: Exception, detail: str | None = None):
    if request.path.startswith("/api/"):
        return error_response(status, detail)
    return _page(status, detail)
