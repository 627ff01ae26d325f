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


app = typer.Typer(name="review", help="Review drafts (digitised scans): list, publish, reject; "
                  "review tasks on any record.", no_args_is_help=True)


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
    checked: Annotated[bool, typer.Option(
        "--checked", help="With --all-above: only drafts that pass a cataloguer's checks "
                          "(a symbol, a date, a title, no finding, no open review task); "
                          "the others stay in the queue, listed with their reasons.")]
    = False,
    by: Annotated[str | None, typer.Option(help="Name recorded in the history.")] = None,
) -> None:
    """Publish drafts: they become visible and searchable. Stops nothing on a refusal:
    each refused draft is named, and the command exits non-zero."""
    from hemicycle.review import ReviewError, publish
    from hemicycle.review.queue import QueueError, checked_drafts, confident_drafts
    from hemicycle.search.index import catch_up

    s = settings()
    if bool(uids) == (all_above is not None):
        fail("give draft uids, or --all-above THRESHOLD (not both)")
    if (batch or checked) and all_above is None:
        fail("--batch and --checked go with --all-above")
    waiting: dict[str, list[str]] = {}
    if all_above is not None:
        try:
            if checked:
                targets, waiting = checked_drafts(s, all_above, batch=batch)
            else:
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
    for uid, reasons in waiting.items():
        console.print(f"[yellow]kept for review[/] {uid}: {'; '.join(reasons)}",
                      highlight=False)
    console.print(f"{done} published, {len(refused)} refused"
                  + (f", {len(waiting)} kept for review" if checked else "")
                  + f", in {time.perf_counter() - started:.1f} s", highlight=False)
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


@app.command("tasks")
def tasks_(
    status: Annotated[str, typer.Option(help="open, resolved or all.")] = "open",
    code: Annotated[str | None, typer.Option(
        help="Only this kind: a finding's code (date-out-of-range, "
             "symbol-contradicts-text, no-text, ...), low-confidence or missing.")] = None,
    page: Annotated[int, typer.Option(help="Page (from 1).")] = 1,
    per_page: Annotated[int, typer.Option(help="Tasks per page (at most 200).")] = 50,
    refresh: Annotated[bool, typer.Option(
        "--refresh", help="First compute the tasks of every record again (after an "
                          "upgrade, for records catalogued before review tasks).")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Review tasks on any record, published or draft: findings, unsure fields, what a
    draft lacks."""
    from hemicycle.review.tasks import TaskError, list_tasks, refresh_all, task_text

    s = settings()
    if refresh:
        with progress_bar() as bar:
            task = bar.add_task("records", total=None, rate="")
            count = refresh_all(s, progress=lambda n: bar.update(task, advance=n))
        console.print(f"tasks computed for {count} records", highlight=False)
    try:
        tasks, total = list_tasks(s, status=status, code=code, page=page, per_page=per_page)
    except TaskError as exc:
        fail(str(exc))
    if as_json:
        typer.echo(json.dumps({"total": total, "page": page,
                               "items": [t.to_json() for t in tasks]},
                              ensure_ascii=False, indent=1))
        return
    table = Table("task", "record", "status", "field", "what")
    for t in tasks:
        table.add_row(str(t.id), t.symbol, t.status, t.field,
                      task_text(t.code, t.message, t.confidence))
    Console(soft_wrap=True).print(table)
    console.print(f"{total} tasks", highlight=False)


@app.command("resolve")
def resolve_(
    task_id: Annotated[int, typer.Argument(help="The task's number.")],
    note: Annotated[str | None, typer.Option(help="What was checked or corrected.")] = None,
    by: Annotated[str | None, typer.Option(help="Name recorded with the task.")] = None,
) -> None:
    """Mark a review task as checked."""
    from hemicycle.review.tasks import TaskError, resolve_task

    try:
        resolve_task(settings(), task_id, _by(by), note)
    except TaskError as exc:
        fail(str(exc))
    console.print(f"task {task_id} resolved", highlight=False)
