"""``hemicycle digitise`` and ``hemicycle ocr-eval``: scans in, draft records out; OCR quality."""

from __future__ import annotations

import json
import time
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings


def _languages(values: list[str] | None) -> list[str] | None:
    from hemicycle.languages import normalise_language

    if not values:
        return None
    codes: list[str] = []
    for value in values:
        for part in value.replace(",", "+").split("+"):
            if part.strip():
                code = normalise_language(part)
                if code not in codes:
                    codes.append(code)
    return codes


def _manifest_hints(path: Path) -> dict[str, dict] | None:
    """What a manifest in the scans' folder states about them (symbol, language, date,
    type, title): the scans are OCR'd in that language and those values count as stated.
    A bad row stops the command, naming its line."""
    from hemicycle.ingest.manifest import ManifestError, find_manifest, scan_hints

    if not path.is_dir():
        return None
    try:
        manifest = find_manifest(path)
    except ManifestError:
        return None
    try:
        hints, errors = scan_hints(manifest)
    except ManifestError as exc:
        fail(str(exc))
    if errors:
        fail("\n".join(str(e) for e in errors))
    console.print(f"using {manifest} ({len(hints)} scans described)", highlight=False)
    return hints


verbs = typer.Typer()  # top-level verbs (see hemicycle.cli)


@verbs.command("digitise")
def digitise(
    path: Annotated[Path, typer.Argument(help="A scan (TIFF, PNG, JPEG, PDF) or a folder.")],
    lang: Annotated[list[str] | None, typer.Option(
        "--lang", help="Language(s) of the documents, e.g. en or ar+fr; "
                       "default: detect per page.")] = None,
    workers: Annotated[int, typer.Option(help="Local worker processes.")] = 1,
    cluster: Annotated[str | None, typer.Option(
        help="Run the pages on the Dask scheduler at this address "
             "(e.g. tcp://10.0.0.5:8786).")] = None,
    batch: Annotated[str | None, typer.Option(
        help="Batch name (default: derived from PATH, so a rerun resumes).")] = None,
    dpi: Annotated[int, typer.Option(help="Resolution for rendering PDF pages.")] = 300,
    retry_failed: Annotated[bool, typer.Option(
        "--retry-failed", help="Try the batch's failed pages and documents again.")] = False,
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON.")] = False,
) -> None:
    """OCR scans into PDF/A, text and hOCR; catalogue each as a draft for review."""
    from hemicycle.digitise.batch import run_batch
    from hemicycle.digitise.executors import DaskCluster, LocalPool
    from hemicycle.digitise.jobs import batch_counts, document_jobs
    from hemicycle.languages import UnknownLanguage

    if not path.exists():
        fail(f"{path}: no such file or directory")
    try:
        languages = _languages(lang)
    except UnknownLanguage as exc:
        fail(f"--lang: {exc}")
    if workers < 1:
        fail("--workers must be at least 1")
    s = settings()
    hints = _manifest_hints(path)
    executor = DaskCluster(cluster) if cluster else LocalPool(workers)
    console.print(f"digitising {path} on {executor.describe()}", highlight=False)
    with progress_bar() as bar:
        task = bar.add_task("pages", total=None, rate="")
        started = time.monotonic()

        def progress(finished: int, total: int, run: int) -> None:
            minutes = (time.monotonic() - started) / 60
            rate = f"{run / minutes:.1f} pages/min" if run and minutes else ""
            bar.update(task, completed=finished, total=total, rate=rate)

        try:
            report = run_batch(s, path, executor=executor, languages=languages,
                               batch=batch, dpi=dpi, retry=retry_failed, progress=progress,
                               hints=hints)
        except OSError as exc:
            fail(f"{path}: {exc}")
        except ValueError as exc:
            fail(str(exc))
    counts = batch_counts(s, report.batch)
    failed = document_jobs(s, report.batch, state="failed")
    summary = {
        "batch": report.batch,
        "pages": counts.pages,
        "documents": counts.documents,
        "pages_run": report.pages_run,
        "pages_adopted_after_crash": report.pages_adopted,
        "seconds": report.seconds,
        "done": report.documents_done,
        "failed": [{"file": j.payload.get("path"), "error": j.error} for j in failed],
    }
    if as_json:
        print(json.dumps(summary, ensure_ascii=False, indent=2))
    else:
        for doc in report.documents_done:
            console.print(f"draft {doc['uid']} {', '.join(doc['symbols']) or '(no symbol)'}"
                          f" [{doc['language']}] confidence {doc['confidence']}",
                          highlight=False)
        console.print(f"batch {report.batch}: pages {counts.pages}, "
                      f"documents {counts.documents}", highlight=False)
    if failed:
        for job in failed:
            console.print(f"[red]failed[/] {job.payload.get('path')}: {job.error}",
                          highlight=False)
        raise typer.Exit(1)


@verbs.command("ocr-eval")
def ocr_eval(
    real: Annotated[bool, typer.Option(help="Evaluate on the real scans.")] = True,
    synthetic: Annotated[int, typer.Option(
        help="Synthetic pages per language (0: none).")] = 1,
    lines: Annotated[int, typer.Option(help="Lines of text per synthetic page.")] = 12,
    lang: Annotated[list[str] | None, typer.Option(
        "--lang", help="Only these languages for the synthetic pages.")] = None,
    data: Annotated[Path | None, typer.Option(
        help="Folder with the real scans and ground truth (default: bundled).")] = None,
    as_json: Annotated[bool, typer.Option("--json", help="Print results as JSON.")] = False,
) -> None:
    """Character and word error rates of our OCR against ground truth."""
    from hemicycle.digitise.evaluate import evaluate_real, evaluate_synthetic
    from hemicycle.languages import CODES, UnknownLanguage

    try:
        languages = _languages(lang) or list(CODES)
    except UnknownLanguage as exc:
        fail(f"--lang: {exc}")
    results = []
    try:
        if real:
            results += evaluate_real(data)
        if synthetic:
            results += evaluate_synthetic(languages, pages=synthetic, lines=lines)
    except (OSError, ValueError) as exc:
        fail(str(exc))
    if as_json:
        print(json.dumps([r.as_dict() for r in results], ensure_ascii=False, indent=2))
        return
    from rich.table import Table

    table = Table("set", "item", "lang", "CER", "WER", "words missed", "chars")
    for r in results:
        table.add_row(r.set, r.item, r.language, f"{r.cer:.4f}", f"{r.wer:.4f}",
                      f"{r.bow:.4f}", str(r.chars))
    console.print(table)
