"""What every importer shares: checksums that make reruns no-ops, one transaction per
import, the stored quality report, CSV readers that know their row numbers, progress."""

from __future__ import annotations

import codecs
import csv
import gzip
import hashlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import Connection, func, insert, select, update

from hemicycle.catalogue.db import get_engine
from hemicycle.config import Settings
from hemicycle.proceedings.bulk import refresh_statistics
from hemicycle.proceedings.models import ImportRun, QualityIssue
from hemicycle.proceedings.quality import QualityReport, store_findings
from hemicycle.proceedings.states import ensure_states

# progress(stage, advance, total): total None means "not known in advance"
Progress = Callable[[str, int, int | None], None]


def no_progress(_stage: str, _advance: int, _total: int | None) -> None:
    return None


class ImportFailed(ValueError):
    """The input cannot be imported at all (missing file, unreadable, wrong columns)."""


@dataclass
class Loaded:
    rows: int = 0  # data rows read
    loaded: int = 0  # records or speeches written
    extra: dict = field(default_factory=dict)  # importer-specific counts (votes, issues...)


@dataclass
class ImportResult:
    importer: str
    unchanged: bool
    rows: int
    loaded: int
    counts: dict[str, int]
    extra: dict

    def as_dict(self) -> dict:
        return {"importer": self.importer, "unchanged": self.unchanged, "rows": self.rows,
                "loaded": self.loaded, "quality": self.counts, **self.extra}


Loader = Callable[[Connection, QualityReport, Progress], Loaded]


def checksum(paths: list[Path]) -> str:
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode() + b"\0")
        try:
            with path.open("rb") as fh:
                for block in iter(lambda: fh.read(1 << 20), b""):
                    digest.update(block)
        except OSError as exc:
            raise ImportFailed(f"{path}: cannot read the file ({exc.strerror or exc})") from exc
    return digest.hexdigest()


def run_import(settings: Settings, importer: str, paths: list[Path], load: Loader,
               progress: Progress = no_progress, force: bool = False) -> ImportResult:
    """Run ``load`` in one transaction unless the same files were imported already."""
    for path in paths:
        if not path.is_file():
            raise ImportFailed(f"{path}: no such file")
    digest = checksum(paths)
    engine = get_engine(settings.database_url)
    with engine.begin() as conn:
        previous = conn.execute(
            select(ImportRun).where(ImportRun.importer == importer,
                                    ImportRun.current.is_(True))).mappings().first()
        if previous is not None and previous["checksum"] == digest and not force:
            counts = dict(conn.execute(
                select(QualityIssue.code, func.count()).where(
                    QualityIssue.run_id == previous["id"]).group_by(QualityIssue.code)).all())
            return ImportResult(importer, True, previous["rows"], previous["loaded"], counts, {})
        ensure_states(conn)
        report = QualityReport()
        loaded = load(conn, report, progress)
        conn.execute(update(ImportRun).where(ImportRun.importer == importer)
                     .values(current=False))
        run_id = conn.execute(insert(ImportRun).values(
            importer=importer, files="\n".join(p.name for p in paths), checksum=digest,
            rows=loaded.rows, loaded=loaded.loaded, problems=len(report), current=True,
        )).inserted_primary_key[0]
        store_findings(conn, run_id, report)
    refresh_statistics(engine)
    return ImportResult(importer, False, loaded.rows, loaded.loaded, report.counts(),
                        loaded.extra)


def open_text(path: Path):
    """A text handle on a plain or gzip-compressed UTF-8 file (BOM tolerated)."""
    try:
        raw = gzip.open(path, "rb") if path.suffix == ".gz" else path.open("rb")
    except OSError as exc:
        raise ImportFailed(f"{path}: cannot open ({exc})") from exc
    return codecs.getreader("utf-8-sig")(raw, errors="strict")


def csv_rows(path: Path, required: tuple[str, ...], report: QualityReport,
             optional: tuple[str, ...] = ()) -> Iterator[tuple[int, dict[str, str]]]:
    """(line number, row) for each well-formed row; malformed rows become findings.

    Line numbers count the header as line 1, as a spreadsheet shows them.
    """
    name = path.name
    try:
        with open_text(path) as fh:
            reader = csv.reader(fh, strict=True)
            try:
                header = next(reader)
            except StopIteration:
                raise ImportFailed(f"{name}: the file is empty") from None
            header = [h.strip() for h in header]
            missing = [c for c in required if c not in header]
            if missing:
                raise ImportFailed(
                    f"{name}: line 1: missing column(s) {', '.join(missing)}; "
                    f"the header has {', '.join(header) or 'nothing'}")
            wanted = [(c, header.index(c)) for c in (*required, *optional) if c in header]
            width = len(header)
            line = 1
            while True:
                try:
                    fields = next(reader)
                except StopIteration:
                    break
                except csv.Error as exc:
                    line = reader.line_num
                    report.add("broken_row", name, line, f"unreadable CSV: {exc}")
                    continue
                line = reader.line_num
                if not fields:
                    continue
                if len(fields) != width:
                    report.add("broken_row", name, line,
                               f"{len(fields)} fields where the header has {width}",
                               value=",".join(fields)[:200])
                    continue
                yield line, {c: fields[i] for c, i in wanted}
    except UnicodeDecodeError as exc:
        raise ImportFailed(f"{name}: not UTF-8 text near byte {exc.start}") from exc
    except (OSError, EOFError, gzip.BadGzipFile) as exc:
        raise ImportFailed(f"{name}: cannot read ({exc})") from exc
