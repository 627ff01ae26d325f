"""``hemicycle proceedings index``: the Index to Proceedings of a body and session as
HTML, JSON, Word or MARC (what /proceedings/index/{body}/{session} serves)."""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, settings

FORMATS = ("html", "json", "docx", "marc")


def _write(output: Path, data: bytes) -> None:
    """Write through a temporary file, so a failure never leaves half a file behind."""
    tmp = output.with_name(f".{output.name}.part")
    try:
        tmp.write_bytes(data)
        os.replace(tmp, output)
    finally:
        tmp.unlink(missing_ok=True)


app = typer.Typer(name="proceedings", help="The Index to Proceedings.", no_args_is_help=True)


@app.command("index")
def index_cmd(
    body: Annotated[str, typer.Option(help="GA or SC")],
    session: Annotated[str, typer.Option(help="GA session number; SC year or session")],
    format: Annotated[str, typer.Option("--format", help="html, json, docx or marc")] = "html",
    output: Annotated[Path, typer.Option("--output", help="file to write")] = None,
    lang: Annotated[str, typer.Option(help="interface language (ar zh en fr ru es)")] = "en",
) -> None:
    """Compile the index of one body and session and write it to a file."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.languages import UnknownLanguage, normalise_language
    from hemicycle.proceedings import itp
    from hemicycle.proceedings.itp_export import to_docx, write_marc
    from hemicycle.web.i18n import translate

    if format not in FORMATS:
        fail(f"unknown format {format!r}: expected one of {', '.join(FORMATS)}")
    if output is None:
        fail("--output FILE is required")
    if not output.parent.is_dir():
        fail(f"{output.parent}: no such folder")
    try:
        lang = normalise_language(lang)
    except UnknownLanguage:
        fail(f"unknown language {lang!r}: expected ar, zh, en, fr, ru or es")
    conf = settings()
    try:
        with session_scope(conf.database_url) as db:
            index = itp.build_index(db, body, session, lang)
    except (itp.UnknownBody, itp.NoData) as exc:
        fail(str(exc))

    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    if format == "json":
        data = json.dumps(index, ensure_ascii=False, indent=1).encode()
    elif format == "docx":
        data = to_docx(index, t)
    elif format == "html":
        from hemicycle.web.routes.itp import standalone_html

        data = standalone_html(index, lang).encode()
    else:
        import io

        buf = io.BytesIO()
        write_marc(conf, index["body"], index["session"], buf)
        data = buf.getvalue()
    _write(output, data)
    chart = index["sections"]["voting_chart"]
    console.print(f"{index['label']}: {len(index['sections']['resolutions']['items'])} "
                  f"resolutions, {index['sections']['speeches']['total']} speeches, "
                  f"{len(chart['rows'])} states in the voting chart -> {output}")
