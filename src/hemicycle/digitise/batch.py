"""The batch runner: plan the pages, run them anywhere, finish documents as they complete.

Running the same command again resumes: documents and pages already done are
skipped; a page whose outputs were all written before a crash (its summary file
exists) is taken as done without running it again; only pages in flight at the
crash are redone. A failed page fails its document, with the page's reason, and
the batch goes on; nothing of a failed document reaches storage or the catalogue.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.digitise import jobs
from hemicycle.digitise.assemble import assemble_document
from hemicycle.digitise.errors import DigitiseError
from hemicycle.digitise.pages import PageTask, output_paths
from hemicycle.digitise.sources import DEFAULT_DPI, ScanFile, find_scans, inspect_scan


@dataclass
class BatchReport:
    batch: str
    documents_done: list[dict] = field(default_factory=list)
    documents_failed: list[dict] = field(default_factory=list)
    pages_run: int = 0
    pages_adopted: int = 0  # found complete on disk after a crash
    pages_failed: int = 0
    seconds: float = 0.0


# progress(pages finished so far, pages in the batch, pages finished by this run)
Progress = Callable[[int, int, int], None]


def batch_name(root: Path) -> str:
    """A stable name for the batch of ``root``: rerunning the same path resumes it."""
    return "b" + hashlib.sha256(str(root.resolve()).encode()).hexdigest()[:12]


def work_dir(settings: Settings, batch: str, doc_id: str) -> Path:
    return settings.data_dir / "digitise" / batch / doc_id


def _file_payload(path: Path, scan: ScanFile | None, languages: list[str] | None,
                  dpi: int, hints: dict | None = None) -> dict:
    hints = hints or {}
    if not languages and hints.get("language"):
        languages = [hints["language"]]  # OCR in the language the manifest gives
    payload = {"path": str(path.resolve()), "format": scan.format if scan else None,
               "sha256": scan.sha256 if scan else None, "pages": scan.pages if scan else 0,
               "languages": languages, "dpi": dpi}
    if hints:
        payload["hints"] = hints
    return payload


def _fallback_id(path: Path) -> str:
    try:
        return hashlib.sha256(path.read_bytes()).hexdigest()[:16]
    except OSError:
        return hashlib.sha256(str(path.resolve()).encode()).hexdigest()[:16]


def plan(settings: Settings, root: Path, batch: str, languages: list[str] | None,
         dpi: int, hints: dict[str, dict] | None = None) -> list[tuple[str, str]]:
    """Create the job rows for every scan under ``root``; return (doc_id, error) failures.
    ``hints``: resolved path -> what a manifest states about that scan."""
    failures = []
    hints = hints or {}
    for path in find_scans(root):
        hint = hints.get(str(path.resolve()))
        try:
            scan = inspect_scan(path)
        except DigitiseError as exc:
            doc_id = _fallback_id(path)
            jobs.record_failed_document(settings, batch, doc_id,
                                        _file_payload(path, None, languages, dpi, hint),
                                        str(exc))
            failures.append((doc_id, str(exc)))
            continue
        jobs.ensure_document(settings, batch, scan.doc_id,
                             _file_payload(path, scan, languages, dpi, hint), scan.pages)
    return failures


def _task(settings: Settings, batch: str, payload: dict, doc_id: str, index: int) -> PageTask:
    languages = payload.get("languages")
    return PageTask(source=payload["path"], format=payload["format"], index=index,
                    out_dir=str(work_dir(settings, batch, doc_id) / "pages"),
                    languages=tuple(languages) if languages else None,
                    dpi=payload.get("dpi") or DEFAULT_DPI)


def finish_documents(settings: Settings, batch: str, report: BatchReport,
                     only: str | None = None) -> None:
    """Assemble and catalogue each pending document (or ``only`` that one) that is complete."""
    from hemicycle.digitise.record import save_draft

    unfinished = jobs.documents_with_pending_pages(settings, batch) if only is None else set()
    for job in jobs.document_jobs(settings, batch, state="pending", doc_id=only):
        doc_id = job.key.rsplit("/", 1)[1]
        if doc_id in unfinished:
            continue
        pages = jobs.page_jobs(settings, batch, doc_id)
        if any(p.state == "pending" for p in pages):
            continue
        failed = [p for p in pages if p.state == "failed"]
        if failed:
            reason = "; ".join(f"page {int(p.key.rsplit('/', 1)[1])}: {p.error}"
                               for p in failed)
            error = f"page-failed: {len(failed)} of {len(pages)} pages failed ({reason})"
            jobs.finish_document(settings, batch, doc_id, error=error)
            report.documents_failed.append({"doc": doc_id, "file": job.payload["path"],
                                            "error": error})
            continue
        payload = job.payload
        scan = ScanFile(path=Path(payload["path"]), format=payload["format"],
                        sha256=payload["sha256"], pages=payload["pages"])
        folder = work_dir(settings, batch, doc_id)
        try:
            outputs = assemble_document(folder / "pages", scan.pages, folder / "out", doc_id)
            saved, doc = save_draft(settings, scan, outputs, batch, payload.get("hints"))
        except DigitiseError as exc:
            jobs.finish_document(settings, batch, doc_id, error=str(exc))
            report.documents_failed.append({"doc": doc_id, "file": payload["path"],
                                            "error": str(exc)})
            continue
        except ValueError as exc:  # RecordError / DocumentConflict from the catalogue
            error = f"catalogue: {exc}"
            jobs.finish_document(settings, batch, doc_id, error=error)
            report.documents_failed.append({"doc": doc_id, "file": payload["path"],
                                            "error": error})
            continue
        result = {"uid": saved.uid, "created": saved.created,
                  "language": doc.extra["extraction"]["language"]["value"],
                  "symbols": list(doc.symbols), "confidence": doc.extra["ocr"]["confidence"]}
        jobs.finish_document(settings, batch, doc_id, result=result)
        report.documents_done.append({"doc": doc_id, "file": payload["path"], **result})
        shutil.rmtree(folder, ignore_errors=True)  # the bytes are in storage now


def run_batch(settings: Settings, root: Path, *, executor, languages: list[str] | None = None,
              batch: str | None = None, dpi: int = DEFAULT_DPI, retry: bool = False,
              progress: Progress | None = None,
              hints: dict[str, dict] | None = None) -> BatchReport:
    """Digitise every scan under ``root``; resumable; returns what happened in this run.
    ``hints``: what a manifest states about each scan (resolved path -> symbols, language,
    date, doc_type, title), as ``hemicycle digitise`` reads it beside the scans."""
    started = time.monotonic()
    batch = batch or batch_name(root)
    if not re.fullmatch(r"[A-Za-z0-9][A-Za-z0-9._-]{0,63}", batch):
        raise ValueError(f"batch name {batch!r}: use letters, digits, '.', '_' or '-' "
                         "(at most 64)")
    report = BatchReport(batch=batch)
    if retry:
        jobs.retry_failed(settings, batch)
    for doc_id, error in plan(settings, root, batch, languages, dpi, hints):
        report.documents_failed.append({"doc": doc_id, "error": error})
    counts = jobs.batch_counts(settings, batch)
    total = counts.pages_total
    state = {"finished": counts.pages_finished}
    if progress:
        progress(state["finished"], total, 0)
    finish_documents(settings, batch, report)

    def pending_tasks() -> Iterator[PageTask]:
        """Pages to run, read from the job table a chunk at a time (a batch may be huge)."""
        after, payload_of = "", {}
        while rows := jobs.pending_pages(settings, batch, after=after):
            for _key, doc_id, index in rows:
                if doc_id not in payload_of:  # pages come grouped by document
                    payload_of = {doc_id: jobs.document_jobs(settings, batch,
                                                             doc_id=doc_id)[0].payload}
                task = _task(settings, batch, payload_of[doc_id], doc_id, index)
                summary = output_paths(Path(task.out_dir), index)["json"]
                if summary.exists():  # finished before a crash, not yet recorded: adopt it
                    outcome = {"ok": True, **json.loads(summary.read_text(encoding="utf-8"))}
                    jobs.finish_page(settings, batch, doc_id, index, outcome)
                    report.pages_adopted += 1
                    state["finished"] += 1
                    finish_documents(settings, batch, report, only=doc_id)
                    continue
                yield task
            after = rows[-1][0]

    for task, outcome in executor.run(pending_tasks()):
        doc_id = Path(task.out_dir).parent.name
        jobs.finish_page(settings, batch, doc_id, task.index, outcome)
        report.pages_run += 1
        report.pages_failed += 0 if outcome.get("ok") else 1
        state["finished"] += 1
        if progress:
            progress(state["finished"], total, report.pages_run)
        finish_documents(settings, batch, report, only=doc_id)
    finish_documents(settings, batch, report)
    report.seconds = round(time.monotonic() - started, 2)
    return report
