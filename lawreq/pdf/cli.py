"""``lawreq forms …``: list the forms, render one from a JSON request, or recompute a cover-sheet checksum."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import click

from lawreq.pdf import WORDING, FormError, document_checksum, list_forms, render


def _read(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise click.UsageError(f"{path}: not valid JSON ({exc})") from None
    if not isinstance(data, dict):
        raise click.UsageError(f"{path}: expected a JSON object at the top level")
    return data


@click.group("forms")
def forms_group() -> None:
    """PDF forms: EPOC, EPOC-PR, Annexes III/V/VI, Budapest Art. 29, MLA, EIO, US letters, order drafts."""


@forms_group.command("list")
def list_command() -> None:
    """One line per form: id, languages, wording status, instrument, title; then what each status means."""
    for spec in list_forms():
        click.echo(f"{spec.id:24s} {','.join(spec.languages):27s} {spec.wording:16s} {spec.instrument} — {spec.title}")
    click.echo("")
    for status, meaning in WORDING.items():
        click.echo(f"{status}: {meaning}")


@forms_group.command("render")
@click.argument("form")
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--out", "out_path", required=True, type=click.Path(dir_okay=False, path_type=Path))
@click.option("--lang", default="en", show_default=True, help="Language of the fixed labels.")
@click.option("--bilingual", default=None, help="Second label language printed under each label.")
@click.option("--invariant", is_flag=True, help="Fixed dates and document id, for byte-identical output.")
def render_command(form: str, input_path: Path, out_path: Path, lang: str, bilingual: str | None, invariant: bool) -> None:
    """Render FORM from a request JSON file (see lawreq/pdf/examples/)."""
    try:
        pdf = render(form, _read(input_path), lang=lang, bilingual=bilingual, invariant=invariant)
    except FormError as exc:
        raise click.ClickException(str(exc)) from None
    out_path.write_bytes(pdf)
    click.echo(f"wrote {out_path} ({len(pdf)} bytes)")


@forms_group.command("checksum")
@click.argument("form")
@click.option("--input", "input_path", required=True, type=click.Path(exists=True, dir_okay=False, path_type=Path))
def checksum_command(form: str, input_path: Path) -> None:
    """Print the SHA-256 content checksum that FORM's cover sheet shows for this request."""
    click.echo(document_checksum(form, _read(input_path)))
