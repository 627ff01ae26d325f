"""``hemicycle guides / faq / inquiries / training / knowledge``: the knowledge services
from the command line (plain-file import and export, the link checker, purging, reports).

Imports are checked whole and written in one transaction, so an interrupted or refused
import leaves nothing half-written, and running it again simply does it (or changes
nothing when it was done).
"""

from __future__ import annotations

import datetime as dt
import getpass
import json
from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from hemicycle.cli.common import console, fail, progress_bar, settings


def _by(name: str | None) -> str:
    return name or f"{getpass.getuser()} (command line)"


def _checker(s, external: bool = False, timeout: float = 5.0):
    """Links are checked against the application's own routes, as the web pages do."""
    from hemicycle.knowledge.links import LinkChecker, route_matcher
    from hemicycle.web.app import create_app

    return LinkChecker(s, route_matcher(create_app(s).routes), external=external,
                       timeout=timeout)


def _print_findings(findings) -> None:
    for f in findings:
        colour = {"error": "red", "warning": "yellow"}.get(f.severity, "dim")
        console.print(f"[{colour}]{f.severity}[/] {f}", highlight=False)


def _refused(exc) -> None:
    _print_findings(exc.findings)
    fail(str(exc))


guides = typer.Typer(name="guides", help="Research guides: import and export as Markdown "
                     "files, check links.", no_args_is_help=True)
faq = typer.Typer(name="faq", help="The FAQ knowledge base: import and export as Markdown "
                  "files.", no_args_is_help=True)
inquiries = typer.Typer(name="inquiries", help="Ask a librarian: the queue, purging old "
                        "inquiries.", no_args_is_help=True)
training = typer.Typer(name="training", help="Training sessions: announce from a file, "
                       "report, purge.", no_args_is_help=True)
knowledge = typer.Typer(name="knowledge", help="Knowledge services: page views per language "
                        "and month.", no_args_is_help=True)


@guides.command("import")
def guides_import(
    folder: Path,
    by: Annotated[str | None, typer.Option(help="Whose change it is (the log).")] = None,
) -> None:
    """Import <guide>/<language>.md files (front matter + Markdown); published ones are
    published. All or nothing: any problem refuses the whole folder."""
    from hemicycle.knowledge.findings import KnowledgeError
    from hemicycle.knowledge.guide_files import import_folder

    s = settings()
    try:
        result = import_folder(s, folder, _by(by), checker=_checker(s))
    except KnowledgeError as exc:
        _refused(exc)
    _print_findings([f for f in result.findings if f.code != "external-unchecked"])
    console.print(f"{folder}: {result.pages} page(s): {result.published} published, "
                  f"{result.saved} saved as drafts, {result.unchanged} unchanged")


@guides.command("export")
def guides_export(
    folder: Path,
    drafts: Annotated[bool, typer.Option(help="Working copies instead of what is "
                                              "published.")] = False,
) -> None:
    """Write every guide as <guide>/<language>.md (Markdown with front matter)."""
    from hemicycle.knowledge.guide_files import export_folder

    written = export_folder(settings(), folder, drafts=drafts)
    console.print(f"{len(written)} file(s) written to {folder}")


@guides.command("check-links")
def guides_check(
    external: Annotated[bool, typer.Option(help="Also fetch external URLs (otherwise "
                                                "they are reported as not checked).")]
    = False,
    timeout: Annotated[float, typer.Option(help="Seconds to wait for each external "
                                                "URL.")] = 5.0,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Report symbols, concepts, votes and links in guides and answers that do not
    resolve (exit 1 when any error is found)."""
    from hemicycle.knowledge.links import check_everything, count_items

    s = settings()
    check = _checker(s, external, timeout)
    with progress_bar() as bar:
        task = bar.add_task("checking", total=count_items(s), rate="")
        checked = check_everything(s, check, lambda n: bar.advance(task, n))
    errors = sum(f.is_error for c in checked for f in c.findings)
    if as_json:
        typer.echo(json.dumps([{"kind": c.kind, "name": c.name,
                                "findings": [f.to_json() for f in c.findings]}
                               for c in checked], ensure_ascii=False, indent=1))
    else:
        for c in checked:
            if c.findings:
                console.print(f"[bold]{c.kind} {c.name}[/]", highlight=False)
                _print_findings(c.findings)
        console.print(f"{len(checked)} text(s) checked, {errors} error(s)")
    if errors:
        raise typer.Exit(1)


@guides.command("list")
def guides_list(
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Every guide page with its state and published version."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.guides import list_pages

    with session_scope(settings().database_url) as db:
        pages = list_pages(db, published_only=False)
    if as_json:
        typer.echo(json.dumps([p.__dict__ for p in pages], ensure_ascii=False, indent=1))
        return
    table = Table("guide", "lang", "title", "state", "published", "updated")
    for p in pages:
        table.add_row(p.slug, p.language + (" (original)" if p.original else ""), p.title,
                      p.state, str(p.published or ""), f"{p.updated_at} {p.updated_by}")
    Console(soft_wrap=True).print(table)


@faq.command("import")
def faq_import(
    folder: Path,
    by: Annotated[str | None, typer.Option(help="Whose change it is (the log).")] = None,
) -> None:
    """Import topics.yaml and <entry>/<language>.md answers. All or nothing."""
    from hemicycle.knowledge.faq_files import import_folder
    from hemicycle.knowledge.findings import KnowledgeError

    s = settings()
    try:
        result = import_folder(s, folder, _by(by), checker=_checker(s))
    except KnowledgeError as exc:
        _refused(exc)
    console.print(f"{folder}: {result.topics} topic(s), {result.answers} answer(s), "
                  f"{result.changed} changed")


@faq.command("export")
def faq_export(folder: Path) -> None:
    """Write topics.yaml and every answer as <entry>/<language>.md."""
    from hemicycle.knowledge.faq_files import export_folder

    written = export_folder(settings(), folder)
    console.print(f"{len(written)} file(s) written to {folder}")


@inquiries.command("list")
def inquiries_list(
    status: Annotated[str | None, typer.Option(help="new, assigned, answered or "
                                                    "closed.")] = None,
) -> None:
    """The queue, oldest open inquiry first."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.findings import KnowledgeError
    from hemicycle.knowledge.inquiries import queue

    try:
        with session_scope(settings().database_url) as db:
            total, rows = queue(db, status=status, per_page=500)
            table = Table("reference", "status", "assignee", "lang", "received",
                          "question")
            for r in rows:
                table.add_row(r.reference, r.status, r.assignee or "", r.language,
                              r.created_at.isoformat(sep=" ", timespec="minutes"),
                              r.question[:80])
    except KnowledgeError as exc:
        fail(str(exc))
    Console(soft_wrap=True).print(table)
    console.print(f"{total} inquiry(ies)")


@inquiries.command("purge")
def inquiries_purge(
    days: Annotated[int | None, typer.Option(help="Keep this many days (default: the "
                                                  "inquiry_retention_days setting).")]
    = None,
) -> None:
    """Delete inquiries not touched for the retention period, and the FAQ search
    questions of months older than it."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.faq import purge_searches
    from hemicycle.knowledge.inquiries import purge

    s = settings()
    keep = days if days is not None else s.inquiry_retention_days
    if keep < 1:
        fail("--days must be at least 1")
    with session_scope(s.database_url) as db:
        gone = purge(db, keep)
        searches = purge_searches(db, keep)
    console.print(f"{gone} inquiry(ies) and {searches} counted question(s) older than "
                  f"{keep} days deleted")


@training.command("import")
def training_import(
    path: Path,
    by: Annotated[str | None, typer.Option(help="Whose change it is (the log).")] = None,
) -> None:
    """Announce (or update) the sessions of a YAML file: a list of {slug, topic,
    language, starts_at, capacity, place or online_url, minutes, waitlist,
    description}. All or nothing."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.training import TrainingError, announce, read_sessions

    s = settings()
    try:
        sessions = read_sessions(path)
        with session_scope(s.database_url) as db:
            for i, fields in enumerate(sessions, 1):
                try:
                    announce(db, who=_by(by), **fields)
                except TrainingError as exc:
                    raise TrainingError(exc.code, f"{path}: session {i}: {exc}") from None
    except TrainingError as exc:
        fail(str(exc))
    console.print(f"{len(sessions)} session(s) announced from {path}")


@training.command("report")
def training_report(
    since: Annotated[str | None, typer.Option(help="First day (YYYY-MM-DD).")] = None,
    until: Annotated[str | None, typer.Option(help="Last day (YYYY-MM-DD).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Registered, waitlisted and attended people by audience."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.training import counts_by_audience

    try:
        first = dt.date.fromisoformat(since) if since else None
        last = dt.date.fromisoformat(until) if until else None
    except ValueError:
        fail("--since and --until take dates as YYYY-MM-DD")
    with session_scope(settings().database_url) as db:
        rows = counts_by_audience(db, since=first, until=last)
    if as_json:
        typer.echo(json.dumps(rows, indent=1))
        return
    table = Table("audience", "registered", "waitlisted", "attended")
    for r in rows:
        table.add_row(r["audience"], str(r["registered"]), str(r["waitlisted"]),
                      str(r["attended"]))
    Console(soft_wrap=True).print(table)


@training.command("purge")
def training_purge(
    days: Annotated[int | None, typer.Option(help="Days after a session (default: the "
                                                  "training_retention_days setting).")]
    = None,
) -> None:
    """Clear names and e-mails of registrations for sessions past the retention
    period (the counts stay)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.training import purge_personal

    s = settings()
    keep = days if days is not None else s.training_retention_days
    if keep < 1:
        fail("--days must be at least 1")
    with session_scope(s.database_url) as db:
        n = purge_personal(db, keep)
    console.print(f"personal data of {n} registration(s) cleared")


@knowledge.command("views")
def knowledge_views(
    first: Annotated[str | None, typer.Option("--from", help="First month (YYYY-MM).")]
    = None,
    last: Annotated[str | None, typer.Option("--to", help="Last month (YYYY-MM).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="JSON on stdout.")] = False,
) -> None:
    """Guide, answer and Member State page views per language and month (COUNTER
    counts: run ``hemicycle usage process`` first)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.knowledge.views import views_by_language

    for value in (first, last):
        if value and not (len(value) == 7 and value[4] == "-"
                          and value.replace("-", "").isdigit()):
            fail(f"{value!r}: months are written YYYY-MM")
    with session_scope(settings().database_url) as db:
        rows = views_by_language(db, first_month=first, last_month=last)
    if as_json:
        typer.echo(json.dumps([r.__dict__ for r in rows], indent=1))
        return
    table = Table("month", "kind", "language", "views")
    for r in rows:
        table.add_row(r.month, r.kind, r.language, str(r.views))
    Console(soft_wrap=True).print(table)
