"""``lawreq i18n extract|update|compile``: keep the catalogues in step with the sources.

``update`` extracts the messages (the mapping of ``babel.cfg``), merges them into every language's ``.po``
(new messages untranslated, vanished ones dropped) and compiles the ``.mo`` files.
"""

from __future__ import annotations

import click
from babel.messages.pofile import read_po, write_po

from lawreq.catalogues import TRANSLATIONS, compile_all, po_files
from lawreq.catalogues_extract import extract


@click.group("i18n")
def i18n_cli() -> None:
    """Interface catalogues (lawreq/translations)."""


@i18n_cli.command("extract")
def extract_cmd() -> None:
    """Write lawreq/translations/messages.pot from the sources."""
    with (TRANSLATIONS / "messages.pot").open("wb") as handle:
        write_po(handle, extract(), omit_header=False, sort_output=True, no_location=True, width=120)
    click.echo(f"wrote {TRANSLATIONS / 'messages.pot'}")


@i18n_cli.command("update")
def update_cmd() -> None:
    """Extract, merge into every .po, compile."""
    template = extract()
    with (TRANSLATIONS / "messages.pot").open("wb") as handle:
        write_po(handle, template, sort_output=True, no_location=True, width=120)
    for po in po_files():
        with po.open("rb") as handle:
            catalogue = read_po(handle, locale=po.parts[-3])
        catalogue.update(template, no_fuzzy_matching=True)
        catalogue.obsolete.clear()
        with po.open("wb") as handle:
            write_po(handle, catalogue, sort_output=True, no_location=True, width=120, include_previous=False)
        missing = sum(1 for m in catalogue if m.id and not m.string)
        click.echo(f"{po.parts[-3]}: {len(catalogue)} messages, {missing} untranslated")
    for mo in compile_all():
        click.echo(f"compiled {mo}")


@i18n_cli.command("compile")
def compile_cmd() -> None:
    """Compile every .po whose .mo is missing or stale."""
    for mo in compile_all():
        click.echo(f"compiled {mo}")
