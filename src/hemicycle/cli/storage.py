"""``hemicycle storage|audit|replicate|repair|bag``: preservation of the stored bytes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings


def _progress(label: str):
    bar = progress_bar()
    task = {"id": None}

    def update(done: int, total: int) -> None:
        if task["id"] is None:
            task["id"] = bar.add_task(label, total=total, rate="")
        bar.update(task["id"], completed=done, total=total)

    return bar, update


def _resolve_documents(refs: list[str]) -> list[str]:
    """Object ids (document uids) for uids or symbols given on the command line; a
    reference no document answers to is taken as an object id as it stands."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import find_document

    out = []
    with session_scope(settings().database_url) as db:
        for ref in refs:
            doc = find_document(db, ref)
            out.append(doc.uid if doc is not None else ref)
    return out


app = typer.Typer(name="storage", help="The OCFL storage root: validate, purge.",
                  no_args_is_help=True)
bag = typer.Typer(name="bag", help="BagIt (RFC 8493) export and import.", no_args_is_help=True)
verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@app.command("validate")
def validate(
    path: Annotated[Path | None, typer.Argument(help="Storage root or object "
                                                "(default: the configured root).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
    no_digests: Annotated[bool, typer.Option("--no-digests",
                                             help="Skip re-hashing content.")] = False,
) -> None:
    """Validate an OCFL storage root or object; report E0xx/W0xx codes; exit 1 if invalid."""
    from hemicycle.storage.validation import validate_path

    target = path or settings().storage_root
    if not target.exists():
        fail(f"{target}: no such file or directory")
    report = validate_path(target, check_digests=not no_digests)
    if as_json:
        typer.echo(json.dumps(report.to_json(), indent=2, ensure_ascii=False))
    else:
        for f in report.findings:
            where = f"[{f.where}] " if f.where else ""
            typer.echo(f"{f.code} {f.severity}: {where}{f.message}")
        verdict = "VALID" if report.valid else "INVALID"
        typer.echo(f"{verdict} {report.kind} {target} ({report.valid_objects}/"
                   f"{report.objects} objects valid, {len(report.error_codes)} error codes, "
                   f"{len(report.warning_codes)} warning codes)")
    if not report.valid:
        raise typer.Exit(1)


@app.command("purge")
def purge(
    object_id: Annotated[str, typer.Argument(metavar="OBJECT",
                                             help="Object id (document uid) or symbol.")],
    reason: Annotated[str, typer.Option(help="Why the bytes must go (kept as PREMIS).")],
    agent: Annotated[str, typer.Option(help="The administrator doing it.")] = "admin",
    yes: Annotated[bool, typer.Option("--yes", help="Do not ask to confirm.")] = False,
) -> None:
    """Administrator only: remove every byte of an object from the root and the replica."""
    from hemicycle.storage.operations import purge_object

    if not reason.strip():
        fail("--reason must say why the object is purged")
    oid = _resolve_documents([object_id])[0]
    if not yes and not typer.confirm(f"Purge every version of {oid} for good?"):
        fail("not purged")
    try:
        done = purge_object(settings(), oid, reason, agent)
    except ValueError as exc:
        fail(str(exc))
    if not done:
        fail(f"no stored object {oid!r}")
    console.print(f"purged {oid} from {', '.join(map(str, done))}")


@verbs.command("audit")
def audit(
    sample: Annotated[int | None, typer.Option(
        help="Check N objects, those checked longest ago first.")] = None,
    rate: Annotated[float | None, typer.Option(help="Read at most this many MB/s.")] = None,
    restart: Annotated[bool, typer.Option("--restart", help="Start over instead of "
                                          "resuming an interrupted audit.")] = False,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Fixity audit: re-hash stored files, report every mismatch; exit 1 if any."""
    from hemicycle.storage.operations import run_audit

    if sample is not None and sample < 1:
        fail("--sample must be at least 1")
    if rate is not None and rate <= 0:
        fail("--rate must be positive (MB/s)")
    bar, update = _progress("audit")
    with bar:
        result = run_audit(settings(), sample=sample, rate_mb_s=rate, resume=not restart,
                           progress=update)
    if as_json:
        typer.echo(json.dumps(result.to_json(), indent=2, ensure_ascii=False))
    else:
        for p in result.problems:
            typer.echo(f"{p.kind}: {p.object_id} {p.path}: {p.detail}")
        typer.echo(f"{result.objects} objects, {result.files} files, {result.bytes} bytes "
                   f"checked{' (resumed)' if result.resumed else ''}; "
                   f"{len(result.problems)} problems")
    if result.problems:
        raise typer.Exit(1)


@verbs.command("replicate")
def replicate(
    to: Annotated[Path | None, typer.Option(help="Replica root (default: the configured "
                                            "replica root).")] = None,
) -> None:
    """Bring the replica storage root up to date with the primary."""
    from hemicycle.storage.operations import run_replicate

    bar, update = _progress("replicate")
    with bar:
        result = run_replicate(settings(), to, progress=update)
    for oid, why in result.refused:
        console.print(f"[red]not replicated[/] {oid}: {why}", highlight=False)
    typer.echo(f"{len(result.copied)} objects copied, {result.current} already current, "
               f"{len(result.refused)} refused")
    if result.refused:
        raise typer.Exit(1)


@verbs.command("repair")
def repair(
    source: Annotated[Path | None, typer.Option("--from", help="Replica root to repair "
                                                "from (default: the configured one).")]
    = None,
) -> None:
    """Restore damaged or missing files of the primary root from the replica."""
    from hemicycle.storage.operations import run_repair

    bar, update = _progress("repair")
    with bar:
        result = run_repair(settings(), source, progress=update)
    for p in result.repaired:
        typer.echo(f"repaired {p.object_id} {p.path} ({p.kind})")
    for oid in result.restored_objects:
        typer.echo(f"restored {oid} (whole object)")
    for p, why in result.unrepaired:
        console.print(f"[red]not repaired[/] {p.object_id} {p.path} ({p.kind}): {why}",
                      highlight=False)
    typer.echo(f"{len(result.repaired)} files repaired, {len(result.restored_objects)} "
               f"objects restored, {len(result.unrepaired)} not repaired")
    if result.unrepaired:
        raise typer.Exit(1)


@bag.command("export")
def bag_export(
    dest: Annotated[Path, typer.Argument(help="New directory for the bag.")],
    document: Annotated[list[str] | None, typer.Option(
        "--document", "-d", help="Document uid or symbol (repeatable).")] = None,
    body: Annotated[str | None, typer.Option(help="Every document of this body.")] = None,
    year: Annotated[int | None, typer.Option(help="Every document of this year.")] = None,
    all_: Annotated[bool, typer.Option("--all", help="Every stored object.")] = False,
) -> None:
    """Export documents (or a set, or everything) as one BagIt bag with sha512 manifests."""
    from sqlalchemy import select

    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document
    from hemicycle.documents.bags import export_bag
    from hemicycle.storage import root_for
    from hemicycle.storage.bags import BagRefused

    s = settings()
    root = root_for(s)
    if all_:
        ids = sorted(root.object_ids())
    else:
        ids = _resolve_documents(document or [])
    if body or year:
        query = select(Document.uid).where(Document.status == "published")
        if body:
            query = query.where(Document.body == body)
        if year:
            query = query.where(Document.year == year)
        with session_scope(s.database_url) as db:
            chosen = [uid for uid in db.scalars(query.order_by(Document.symbol))
                      if root.inventory(uid) is not None]
        ids = sorted(set(ids) | set(chosen))
    try:
        export_bag(s, ids, dest)
    except BagRefused as exc:
        fail(str(exc))
    typer.echo(f"bag of {len(ids)} objects written to {dest}")


@bag.command("import")
def bag_import(
    path: Annotated[Path, typer.Argument(help="Bag directory.")],
    object_id: Annotated[str | None, typer.Option("--object", help="Store the whole payload "
                                                  "as this object.")] = None,
    agent: Annotated[str, typer.Option(help="Who imports it.")] = "hemicycle",
) -> None:
    """Validate a bag completely and store its payload; refuse it with the reason."""
    from hemicycle.documents.bags import import_bag
    from hemicycle.storage.bags import BagRefused

    try:
        result = import_bag(settings(), path, object_id=object_id, agent=agent)
    except BagRefused as exc:
        fail(f"bag {path} refused: {exc}")
    for w in result.warnings:
        console.print(f"[yellow]warning:[/] {w}", highlight=False)
    for oid, locs in result.objects.items():
        typer.echo(f"{oid}: {len(locs)} files")
