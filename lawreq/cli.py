"""The ``lawreq`` command: a plain click group. Rules, deadlines and forms commands need no app or database;
the others build one with ``create_app``. Commands parse, call a service, commit, and print — no logic here."""

from __future__ import annotations

import secrets
import signal
import sys
import threading
from pathlib import Path

import click



@click.group(help="lawreq: cross-border e-evidence requests — routes, forms, deadlines.")
@click.version_option(package_name="lawreq")
def main() -> None:
    pass


def _attach_pure_groups() -> None:
    from lawreq.deadlines.cli import deadlines_group
    from lawreq.pdf.cli import forms_group
    from lawreq.rules.cli import routes_command, rules_group

    main.add_command(rules_group, "rules")
    main.add_command(routes_command, "routes")
    main.add_command(deadlines_group, "deadlines")
    main.add_command(forms_group, "forms")
    from lawreq.i18n_cli import i18n_cli

    main.add_command(i18n_cli, "i18n")


def _app(**overrides):
    from lawreq.app import create_app
    from lawreq.config import ConfigError
    from lawreq.rules import RulesError

    try:
        return create_app(overrides or None)
    except ConfigError as exc:
        raise click.ClickException(f"configuration: {exc}") from exc
    except RulesError as exc:
        raise click.ClickException(f"the rules are invalid; nothing started.\n{exc}") from exc


def _database_ready(app, *, need_schema: bool = True) -> None:
    """Connect once before serving or sweeping, so an unreachable server, a wrong password or a schema behind the
    code stops the command with one line naming the database (password hidden) and exit code 1."""
    from lawreq.dbcheck import DatabaseUnavailable, check_database

    try:
        check_database(app.extensions["lawreq.engine"], need_schema=need_schema)
    except DatabaseUnavailable as exc:
        raise click.ClickException(str(exc)) from exc


# --- database ---------------------------------------------------------------------------------------------------
@main.group("db", help="Database schema.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply migrations up to the newest.")
def db_upgrade() -> None:
    from lawreq.migrate import upgrade

    app = _app()
    _database_ready(app, need_schema=False)
    upgrade(app.config["DATABASE_URL"])
    click.echo("database is at the newest schema")


# --- users ------------------------------------------------------------------------------------------------------
@main.group("users", help="Accounts.")
def users_group() -> None:
    pass


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--name", default=None)
@click.option("--role", required=True, type=click.Choice(["investigator", "approver", "liaison_officer",
                                                          "rules_maintainer", "admin"]))
@click.option("--authority", "authority_type", default=None,
              type=click.Choice(["prosecutor", "investigating_judge", "judge", "senior_officer"]))
@click.option("--unit", "unit_codes", multiple=True, help="Unit code; repeat for several units.")
@click.option("--force-change/--no-force-change", "force_change", default=True, show_default=True,
              help="The owner must replace the password at their first login; turn off only for automation.")
@click.password_option()
def users_create(email, name, role, authority_type, unit_codes, force_change, password) -> None:
    from lawreq import db
    from lawreq.admin.services import Ctx, add_user
    from lawreq.auth.admin import UserError

    app = _app()
    _database_ready(app)
    with app.app_context():
        ctx = Ctx(actor=None, audit_key=app.config["AUDIT_KEY"].encode(), cfg=app.config)  # audited as "system"
        try:
            user = add_user(db.session, ctx, email=email, name=name or email.split("@")[0], role=role,
                            authority_type=authority_type, unit_codes=unit_codes, password=password,
                            must_change_password=force_change)
        except UserError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        then = "; they choose their own password at the first login" if force_change else ""
        click.echo(f"created user {user.id} {user.email} ({role}){then}")


# --- audit ------------------------------------------------------------------------------------------------------
@main.group("audit", help="The tamper-evident audit log.")
def audit_group() -> None:
    pass


@audit_group.command("verify", help="Check the whole hash chain; exit 1 and name the first broken entry.")
def audit_verify() -> None:
    from lawreq import db
    from lawreq.audit.services import verify_log

    app = _app()
    with app.app_context():
        count, broken = verify_log(db.session, app.config["AUDIT_KEY"].encode())
    if broken:
        click.echo(str(broken), err=True)
        sys.exit(1)
    click.echo(f"audit log intact: {count} entries")


# --- serving ----------------------------------------------------------------------------------------------------
def _demo_instance(instance: Path) -> None:
    """Embedded demo: persist generated secrets once in instance/lawreq.cfg (never a per-process key)."""
    instance.mkdir(parents=True, exist_ok=True)
    cfg = instance / "lawreq.cfg"
    if not cfg.exists():
        lines = [f'{k} = "{secrets.token_urlsafe(48)}"' for k in ("SECRET_KEY", "AUDIT_KEY", "JWT_SECRET")]
        lines += ['ENV = "development"', "DEMO = True"]
        cfg.write_text("# written by `lawreq serve --demo`; keep it private\n" + "\n".join(lines) + "\n")
        cfg.chmod(0o600)


def _report_signing(app) -> None:
    """Name every unit key that cannot sign, at start, where the operator looks (approvals of that unit stop)."""
    keys = app.extensions.get("lawreq.signing")
    if keys is None:
        return
    for problem in keys.problems.values():
        click.echo(f"SIGNING KEY PROBLEM: {problem.message}", err=True)
    if keys.keys:
        click.echo(f"signing keys loaded for: {', '.join(sorted(keys.keys))}"
                   f" (PAdES {'B-T' if keys.tsa_url else 'B-B'})")
    else:
        click.echo("no signing keys: issued documents are unsigned")


@main.command("serve", help="Run the web app (embedded mode: waitress, scheduler in-process).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=int)
@click.option("--demo", is_flag=True, help="SQLite in the instance folder, migrations, demo data, demo logins.")
@click.option("--no-scheduler", is_flag=True, help="Do not run the reminder scheduler in this process.")
def serve(host: str, port: int, demo: bool, no_scheduler: bool) -> None:
    import waitress

    from lawreq import db
    from lawreq.migrate import upgrade

    if demo:
        from lawreq.app import instance_dir

        from lawreq.demo import ensure_signing_keys

        _demo_instance(Path(instance_dir()))
        for path in ensure_signing_keys(Path(instance_dir())):
            click.echo(f"demo signing material written: {path}")
    app = _app(BASE_URL=f"http://{host}:{port}", SCHEDULER_ENABLED=not no_scheduler)
    _database_ready(app, need_schema=False)
    _report_signing(app)
    upgrade(app.config["DATABASE_URL"])
    if demo:
        from lawreq.demo import DEMO_PASSWORD, seed

        with app.app_context():
            logins = seed(db.session, app)
            db.session.commit()
        click.echo("\nDemo logins (password for all: %s):" % DEMO_PASSWORD)
        for line in logins:
            click.echo("  " + line)
    scheduler = None
    if app.config["SCHEDULER_ENABLED"]:
        from lawreq.deadlines.scheduler import build_scheduler

        scheduler = build_scheduler(app, background=True)
        scheduler.start()
        click.echo("reminder scheduler running in this process")
    from lawreq.pdf.warm import warm_up

    warm_up()  # before listening: the first download is not the one that pays for loading the fonts
    click.echo(f"\nlawreq is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        waitress.serve(app, host=host, port=port, threads=8, ident="lawreq")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


@main.command("scheduler", help="Run the reminder scheduler as its own process (production).")
@click.option("--once", is_flag=True, help="Sweep once and exit (cron, tests).")
def scheduler_cmd(once: bool) -> None:
    import logging

    from lawreq.deadlines.scheduler import build_scheduler, refresh_statistics, run_sweep

    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s %(message)s")
    app = _app()
    _database_ready(app)
    if once:
        click.echo(run_sweep(app))
        click.echo(refresh_statistics(app))
        return
    # A background scheduler and a main thread that only waits: the SIGTERM handler just sets a flag, and the
    # shutdown (which waits for the delivery in flight) runs in the main thread outside the handler. Shutting down
    # from inside the handler can deadlock on a lock the interrupted main loop holds.
    scheduler = build_scheduler(app, background=True)
    stopping = threading.Event()

    def _stop(signum, _frame) -> None:
        stopping.set()

    signal.signal(signal.SIGTERM, _stop)
    signal.signal(signal.SIGINT, _stop)
    scheduler.start()
    click.echo("reminder scheduler started (SIGTERM or Ctrl+C to stop)")
    while not stopping.wait(1.0):
        pass
    click.echo("reminder scheduler stopping: finishing the delivery in flight")
    scheduler.shutdown(wait=True)
    click.echo("reminder scheduler stopped")


# --- units ------------------------------------------------------------------------------------------------------
@main.group("units", help="Units (teams, liaison offices).")
def units_group() -> None:
    pass


@units_group.command("create", help="Create a unit (audited as unit.created by \"system\"), e.g. to bootstrap.")
@click.option("--code", required=True)
@click.option("--name", required=True)
@click.option("--country", required=True, help="Two-letter ISO code in capitals, e.g. FI.")
@click.option("--timezone", "tz", required=True, help="Time zone name, e.g. Europe/Helsinki.")
def units_create(code, name, country, tz) -> None:
    from lawreq import db
    from lawreq.admin.services import Ctx, UnitError, create_unit

    app = _app()
    _database_ready(app)
    with app.app_context():
        ctx = Ctx(actor=None, audit_key=app.config["AUDIT_KEY"].encode(), cfg=app.config)
        try:
            unit = create_unit(db.session, ctx, code=code, name=name, country=country, timezone=tz)
        except UnitError as exc:
            raise click.ClickException(str(exc)) from exc
        db.session.commit()
        click.echo(f"created unit {unit.id} {unit.code}")


@main.group("stats", help="The statistics page's precomputed figures.")
def stats_group() -> None:
    pass


@stats_group.command("rebuild", help="Recompute every statistics snapshot now (each active liaison officer's units "
                                     "and the admins' view, every period) and drop those nobody can view any more.")
def stats_rebuild() -> None:
    from datetime import timedelta

    from lawreq import db
    from lawreq.board.snapshots import refresh
    from lawreq.core.clock import utcnow

    app = _app()
    with app.app_context():
        click.echo(refresh(db.session, utcnow(), timedelta(0)).line())


@main.group("demo", help="Helpers for the embedded demo.")
def demo_group() -> None:
    pass


@demo_group.command("totp", help="Print the current second-factor code of a demo approver or admin.")
@click.argument("email")
def demo_totp(email: str) -> None:
    from lawreq.demo import DEMO_TOTP, current_code

    if email not in DEMO_TOTP:
        raise click.UsageError(f"{email} has no demo TOTP key; demo accounts with one: {', '.join(DEMO_TOTP)}")
    click.echo(current_code(email))


# --- verification -----------------------------------------------------------------------------------------------
@click.command("verify", help="Is FILE a genuine issued document? Checks its PAdES signature and chain against "
                              "SIGNING_TRUST_ROOTS and its SHA-256 against the issued documents; exit 0 genuine, 1 not.")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
def forms_verify(file: Path) -> None:
    from lawreq import db
    from lawreq.verify.checks import check_bytes

    app = _app()
    keys = app.extensions.get("lawreq.signing")
    with app.app_context():
        verdict = check_bytes(db.session, file.read_bytes(), keys.trust_roots if keys else [])
        db.session.rollback()
    sig = verdict.signature
    click.echo(f"file:       {file}")
    click.echo(f"sha256:     {verdict.sha256}")
    if sig is not None and sig.signed:
        click.echo(f"signature:  {'valid' if sig.valid else 'INVALID'}, chain {'trusted' if sig.trusted else 'NOT trusted'}"
                   f"{', timestamped' if sig.timestamped else ''}{'' if sig.covers_whole_file else ', does not cover the whole file'}")
        click.echo(f"signed by:  {sig.signer_subject}")
        if sig.signing_time:
            click.echo(f"signed at:  {sig.signing_time.isoformat()}")
    else:
        click.echo("signature:  none")
    if verdict.authority:
        click.echo(f"issuer:     {verdict.authority}")
        click.echo(f"unit:       {verdict.unit} ({verdict.country})")
        click.echo(f"issued at:  {verdict.issued_at.isoformat() if verdict.issued_at else '—'}")
        click.echo(f"request:    {verdict.reference}, state {verdict.request_state}"
                   f"{' (document withdrawn)' if verdict.withdrawn else ''}{' (document superseded)' if verdict.superseded else ''}")
        if verdict.withdrawn and verdict.withdrawn_at:
            click.echo(f"withdrawn:  {verdict.withdrawn_at.isoformat()}")
        if verdict.superseded:
            click.echo("superseded: " + (f"by a later version issued at {verdict.superseded_at.isoformat()}"
                                         if verdict.superseded_at else "no later version issued yet"))
    else:
        click.echo("issued:     no issued document has these exact bytes")
    for reason in verdict.reasons:
        click.echo(f"problem:    {reason}")
    click.echo("GENUINE" if verdict.genuine else "NOT GENUINE")
    sys.exit(0 if verdict.genuine else 1)


_attach_pure_groups()
from lawreq.pdf.cli import forms_group as _forms_group  # noqa: E402  (the pure group gains one app command)

_forms_group.add_command(forms_verify, "verify")


if __name__ == "__main__":  # `python -m lawreq.cli` (the browser tests start the server this way)
    main()
