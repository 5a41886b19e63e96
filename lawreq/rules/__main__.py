"""``python -m lawreq.rules``: the rules commands plus ``routes``, usable before they are wired into ``lawreq``."""

from __future__ import annotations

import click

from lawreq.rules.cli import routes_command, rules_group

#: a separate group, so importing this module never changes ``rules_group`` itself
main = click.Group("rules", help=rules_group.help, commands={**rules_group.commands, "routes": routes_command})

if __name__ == "__main__":
    main(prog_name="python -m lawreq.rules")
