"""The ``lawreq`` command: a plain click group. Rules, deadlines and forms commands need no app or database;
the others build one with ``create_app``. Commands parse, call a service, commit, and print — no logic here."""

from __future__ import annotations

import secrets
import sys
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


# --- database ---------------------------------------------------------------------------------------------------
@main.group("db", help="Database schema.")
def db_group() -> None:
    pass


@db_group.command("upgrade", help="Apply migrations up to the newest.")
def db_upgrade() -> None:
    from lawreq.migrate import upgrade

    app = _app()
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

        _demo_instance(Path(instance_dir()))
    app = _app(BASE_URL=f"http://{host}:{port}", SCHEDULER_ENABLED=not no_scheduler)
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
    click.echo(f"\nlawreq is running at http://{host}:{port}/  (Ctrl+C to stop)")
    try:
        waitress.serve(app, host=host, port=port, threads=8, ident="lawreq")
    finally:
        if scheduler is not None:
            scheduler.shutdown(wait=False)


@main.command("scheduler", help="Run the reminder scheduler as its own process (production).")
@click.option("--once", is_flag=True, help="Sweep once and exit (cron, tests).")
def scheduler_cmd(once: bool) -> None:
    from lawreq.deadlines.scheduler import build_scheduler, run_sweep

    app = _app()
    if once:
        click.echo(run_sweep(app))
        return
    click.echo("reminder scheduler started (Ctrl+C to stop)")
    build_scheduler(app, background=False).start()


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


_attach_pure_groups()


if __name__ == "__main__":  # `python -m lawreq.cli` (the browser tests start the server this way)
    main()
