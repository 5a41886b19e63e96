"""``lawreq deadlines …``: deadline arithmetic from the command line, with no app or database.

``explain`` runs the very function the app stores deadlines with, so a liaison officer or a
maintainer can check a date and read why it is what it is.
"""

from __future__ import annotations

import json
from datetime import datetime

import click

from lawreq.deadlines.calc import COUNTINGS, DeadlineInputError, EventError, compute_deadline, extend_deadline

_OPTION_FOR_FIELD = {
    "event": "--from",
    "period": "--period",
    "counting": "--counting",
    "holidays": "--holidays",
    "tz": "--tz",
    "extend": "--extend",
}


@click.group("deadlines")
def deadlines_group() -> None:
    """Deadline arithmetic (Regulation 1182/71, calendar, working days, exact)."""


@deadlines_group.command("explain")
@click.option("--from", "event_text", required=True, metavar="ISO_TIME",
              help="Event instant with its UTC offset, e.g. 2026-12-18T14:05+01:00.")
@click.option("--period", required=True, help="ISO 8601 period: P10D, P1W, P2M, PT8H.")
@click.option("--counting", type=click.Choice(COUNTINGS), default="eu_1182_71", show_default=True)
@click.option("--holidays", "holiday_code", default=None, metavar="CC[-SUBDIV]",
              help="Public holidays of this State (IE, DE-BY); default: weekends only.")
@click.option("--tz", default="UTC", show_default=True, help="IANA time zone in which days are counted.")
@click.option("--extend", "extension", default=None, metavar="PERIOD",
              help="Also extend the period by this much (e.g. P30D), from its nominal end.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.pass_context
def explain(
    ctx: click.Context,
    event_text: str,
    period: str,
    counting: str,
    holiday_code: str | None,
    tz: str,
    extension: str | None,
    output_format: str,
) -> None:
    """Compute a deadline and say how it was counted."""
    explanation: list[str] = []
    try:
        deadline = compute_deadline(
            _parse_event(event_text), period, counting=counting, holidays=holiday_code, tz=tz
        )
        if extension is not None:
            explanation += deadline.explanation
            try:
                deadline = extend_deadline(deadline, extension)
            except DeadlineInputError as error:
                raise _ExtensionError(str(error)) from error
    except DeadlineInputError as error:
        click.echo(f"Error: {_OPTION_FOR_FIELD.get(error.field, error.field)}: {error}", err=True)
        ctx.exit(2)
    explanation += deadline.explanation
    payload: dict[str, object] = {
        "due_at": deadline.due_at.isoformat(),
        "due_local": deadline.due_local.isoformat(),
        "explanation": explanation,
    }
    if deadline.conservative_at is not None:
        payload["conservative_at"] = deadline.conservative_at.isoformat()
    payload["calendar"] = deadline.calendar
    if output_format == "json":
        click.echo(json.dumps(payload, ensure_ascii=False, indent=2))
        return
    for line in explanation:
        click.echo(line)
    click.echo(f"due_at: {payload['due_at']}")
    click.echo(f"due_local: {payload['due_local']}")
    if deadline.conservative_at is not None:
        click.echo(f"conservative_at: {payload['conservative_at']}")
    click.echo(f"calendar: {deadline.calendar}")


class _ExtensionError(DeadlineInputError):
    field = "extend"


def _parse_event(text: str) -> datetime:
    try:
        moment = datetime.fromisoformat(text.strip())
    except ValueError as error:
        raise EventError(f"{text!r} is not an ISO 8601 time such as 2026-12-18T14:05+01:00") from error
    if moment.tzinfo is None:
        raise EventError(f"{text!r} has no UTC offset; add one, e.g. {text.strip()}+01:00 or {text.strip()}Z")
    return moment


@deadlines_group.command("recompute")
def recompute() -> None:
    """Recompute open deadlines under the current rules and holiday data; flag and announce differences."""
    from lawreq import db
    from lawreq.app import create_app
    from lawreq.core.clock import utcnow
    from lawreq.deadlines.services import recompute_open_deadlines

    app = create_app()
    with app.app_context():
        flagged = recompute_open_deadlines(db.session, app.extensions["lawreq.rules"], utcnow())
        db.session.commit()
    for row in flagged:
        click.echo(f"{row.request.reference} {row.kind}: {row.stale_reason}")
    click.echo(f"{len(flagged)} open deadline(s) flagged")
