"""``hemicycle review``: the queue of drafts, publishing (one by one or by confidence), rejecting.

Each publish is its own transaction, so a bulk run that is interrupted keeps what it
published and a second run simply carries on with the drafts still waiting.
"""

from __future__ import annotations

import getpass
import json
import time
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hemicycle.cli.common import console, fail, progress_bar, settings

INDEX_EVERY = 500  # publishes between two search-index updates in a bulk run


def _by(name: str | None) -> str:
    return name or f"{getpass.getuser()} (command line)"


def _resolve(s, ref: str) -> str:
    """A uid as given, or the uid of the document carrying the symbol ``ref``."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import find_document

    with session_scope(s.database_url) as db:
        doc = find_document(db, ref)
        return doc.uid if doc is not None else ref


app = typer.Typer(name="review", help="Review drafts (digitised scans): list, publish, reject.",
                  no_args_is_help=True)


@app.command("list")
def list_(
    batch: Annotated[str | None, typer.Option(help="Only this digitisation batch.")] = None,
    language: Annotated[str | None, typer.Option(help="Only drafts in this language.")]
    = None,
    below: Annotated[float | None, typer.Option(
        help="Only drafts whose weakest extracted field is under this confidence.")] = None,
    page: Annotated[int, typer.Option(help="Page of the queue (from 1).")] = 1,
    per_page: Annotated[int, typer.Option(help="Drafts per page (at most 200).")] = 50,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """The drafts awaiting review, newest first, with their weakest extracted field."""
    from hemicycle.review.queue import ATTENTION, QueueError, list_drafts

    try:
        queue = list_drafts(settings(), batch=batch, language=language, below=below,
                            page=page, per_page=per_page)
    except (QueueError, ValueError) as exc:
        fail(str(exc))
    threshold = ATTENTION if below is None else below
    if as_json:
        typer.echo(json.dumps({"total": queue.total, "page": queue.page,
                               "pages": queue.pages,
                               "items": [e.to_json(threshold) for e in queue.entries]},
                              ensure_ascii=False, indent=1))
        return
    table = Table("uid", "symbol / identifier", "batch", "lang", "OCR %", "weakest field")
    for e in queue.entries:
        weakest = (f"{e.weakest_field} {e.weakest_confidence:.2f}"
                   + (" LOW" if e.flagged(threshold) else "")) if e.weakest_field else ""
        table.add_row(e.uid, e.label, e.batch or "", e.language or "",
                      f"{e.ocr_confidence:.0f}" if e.ocr_confidence is not None else "",
                      weakest)
    Console(soft_wrap=True).print(table)
    console.print(f"{queue.total} drafts; page {queue.page} of {queue.pages}",
                  highlight=False)


@app.command("publish")
def publish_(
    uids: Annotated[list[str] | None, typer.Argument(
        help="Drafts to publish (uid or symbol).")] = None,
    all_above: Annotated[float | None, typer.Option(
        help="Publish every draft whose every extracted field has at least this "
             "confidence.")] = None,
    batch: Annotated[str | None, typer.Option(help="With --all-above: only this batch.")]
    = None,
    by: Annotated[str | None, typer.Option(help="Name recorded in the history.")] = None,
) -> None:
    """Publish drafts: they become visible and searchable. Stops nothing on a refusal:
    each refused draft is named, and the command exits non-zero."""
    from hemicycle.review import ReviewError, publish
    from hemicycle.review.queue import QueueError, confident_drafts
    from hemicycle.search.index import catch_up

    s = settings()
    if bool(uids) == (all_above is not None):
        fail("give draft uids, or --all-above THRESHOLD (not both)")
    if batch and all_above is None:
        fail("--batch goes with --all-above")
    if all_above is not None:
        try:
            targets = confident_drafts(s, all_above, batch=batch)
        except (QueueError, ValueError) as exc:
            fail(str(exc))
    else:
        targets = [_resolve(s, ref) for ref in uids or []]
    who = _by(by)
    refused: list[str] = []
    done = 0
    started = time.perf_counter()
    try:
        with progress_bar() as bar:
            task = bar.add_task("publishing", total=len(targets), rate="")
            for n, uid in enumerate(targets, 1):
                try:
                    publish(s, uid, who)
                    done += 1
                except ReviewError as exc:
                    refused.append(str(exc))
                if n % INDEX_EVERY == 0:
                    catch_up(s)
                elapsed = time.perf_counter() - started
                bar.update(task, advance=1, rate=f"{n / elapsed:,.0f}/s" if elapsed else "")
    finally:
        catch_up(s)  # what was published is searchable, even after Ctrl-C
    for problem in refused:
        console.print(f"[red]refused[/] {problem}", highlight=False)
    console.print(f"{done} published, {len(refused)} refused, in "
                  f"{time.perf_counter() - started:.1f} s", highlight=False)
    if refused:
        raise typer.Exit(1)


@app.command("reject")
def reject_(
    uid: Annotated[str, typer.Argument(help="The draft (uid or symbol).")],
    reason: Annotated[str, typer.Option(help="Why it is rejected (kept in its history).")],
    by: Annotated[str | None, typer.Option(help="Name recorded in the history.")] = None,
) -> None:
    """Reject a draft: it is kept as deleted, with the reason, and never published."""
    from hemicycle.review import ReviewError, reject
    from hemicycle.search.index import catch_up

    s = settings()
    try:
        result = reject(s, _resolve(s, uid), reason, _by(by))
    except ReviewError as exc:
        fail(str(exc))
    catch_up(s)
    console.print(f"rejected {result.symbol} ({result.uid})", highlight=False)
