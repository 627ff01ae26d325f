"""General Debate speeches (UN General Debate Corpus): the speakers table and the texts.

Speakers_by_session.xlsx lists who spoke for whom in each session's general debate
(Year, Session, ISO Code, Country, Name of Person Speaking, Post); the texts are files
``ISO3_session_year.txt`` in per-session folders. A speech is one row of the table, with
its text where the file exists; a file the table does not list is still a speech (with
no speaker), reported as such.
"""

from __future__ import annotations

import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete

from hemicycle.proceedings.bulk import bulk_insert
from hemicycle.proceedings.importers.frame import (
    ImportFailed,
    Loaded,
    Progress,
    no_progress,
    run_import,
)
from hemicycle.proceedings.models import Speech
from hemicycle.proceedings.quality import QualityReport
from hemicycle.proceedings.states import StateIndex

SOURCE = "ungdc"
FILE_NAME = re.compile(r"^([A-Z]{2,4})_(\d{1,2})_(\d{4})\.txt$")
COLUMNS = ("Year", "Session", "ISO Code", "Country", "Name of Person Speaking", "Post")
AGENDA = "General debate"


@dataclass
class GDCFiles:
    speakers: Path
    texts: Path | None = None  # a folder holding the TXT files (any depth)

    def text_files(self) -> list[Path]:
        if self.texts is None:
            return []
        if not self.texts.is_dir():
            raise ImportFailed(f"{self.texts}: not a folder of speech texts")
        return sorted(p for p in self.texts.rglob("*.txt") if not p.name.startswith("._"))

    def paths(self) -> list[Path]:
        return [self.speakers, *self.text_files()]


def _clean(value: object) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _speaker_rows(path: Path, report: QualityReport):
    """(row number, fields) for each readable row of the first sheet."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as exc:
        raise ImportFailed(f"{path.name}: not a readable XLSX workbook ({exc})") from exc
    try:
        sheet = book.worksheets[0]
        rows = sheet.iter_rows(values_only=True)
        header = [(_clean(h) or "") for h in next(rows, ())]
        missing = [c for c in COLUMNS if c not in header]
        if missing:
            raise ImportFailed(f"{path.name}: row 1: missing column(s) {', '.join(missing)}")
        where = {c: header.index(c) for c in COLUMNS}
        for number, values in enumerate(rows, start=2):
            if not any(v is not None and str(v).strip() for v in values):
                continue
            values = tuple(values) + (None,) * (len(header) - len(values))
            yield number, {c: values[i] for c, i in where.items()}
    finally:
        book.close()


def load_gdc(files: GDCFiles):
    def load(conn: Connection, report: QualityReport, progress: Progress) -> Loaded:
        states = StateIndex(conn)
        sheet = files.speakers.name
        texts: dict[str, Path] = {}
        sessions_with_texts: set[int] = set()
        for path in files.text_files():
            match = FILE_NAME.match(path.name)
            if not match:
                report.add("broken_row", path.name, None,
                           "a text file not named ISO3_session_year.txt; left out")
                continue
            texts[path.stem] = path
            sessions_with_texts.add(int(match.group(2)))
        speeches: dict[str, dict] = {}
        lines: dict[str, int] = {}
        read = 0
        for number, row in _speaker_rows(files.speakers, report):
            read += 1
            try:
                year, session = int(row["Year"]), int(row["Session"])
            except (TypeError, ValueError):
                report.add("broken_row", sheet, number,
                           f"Year {row['Year']!r} / Session {row['Session']!r} are not numbers")
                continue
            code = _clean(row["ISO Code"]) or ""
            country = _clean(row["Country"])
            state = states.find("iso3", code) if code else None
            if state is None:
                report.add("unknown_country", sheet, number,
                           f"no member state or observer has code {code!r} ({country}); kept "
                           "with the name as printed", "ISO Code", code)
            source_id = f"{code or country}_{session:02d}_{year}"
            if source_id in speeches:
                report.add("duplicate_record", sheet, number,
                           f"{code} already has a speech in session {session} (row "
                           f"{lines[source_id]}); the first is kept", "ISO Code", code)
                continue
            lines[source_id] = number
            speeches[source_id] = {
                "session_no": session, "year": year,
                "state_id": state.id if state else None, "organisation": country,
                "speaker": _clean(row["Name of Person Speaking"]),
                "speaker_title": _clean(row["Post"]), "path": texts.get(source_id),
            }
            if source_id not in texts and session in sessions_with_texts:
                report.add("missing_text", sheet, number,
                           f"no text file {source_id}.txt for this speech", "ISO Code", code)
        for stem, path in texts.items():
            if stem in speeches:
                continue
            code, session, year = FILE_NAME.match(path.name).groups()
            state = states.find("iso3", code)
            report.add("unlisted_speech", path.name, None,
                       "the speakers table does not list this speech; loaded without speaker",
                       "ISO Code", code)
            if state is None:
                report.add("unknown_country", path.name, None,
                           f"no member state or observer has code {code!r}", "ISO Code", code)
            speeches[stem] = {"session_no": int(session), "year": int(year),
                              "state_id": state.id if state else None,
                              "organisation": state.name_on(None) if state else code,
                              "speaker": None, "speaker_title": None, "path": path}
        total = len(speeches)
        progress("speeches", 0, total)

        def rows():
            for done, (source_id, s) in enumerate(speeches.items(), start=1):
                text = None
                if s["path"] is not None:
                    try:
                        text = s["path"].read_text(encoding="utf-8-sig")
                    except UnicodeDecodeError as exc:
                        raise ImportFailed(f"{s['path'].name}: not UTF-8 text near byte "
                                           f"{exc.start}") from exc
                yield (SOURCE, source_id, "GA", s["session_no"], s["year"], s["state_id"],
                       s["organisation"], s["speaker"], s["speaker_title"], AGENDA,
                       "en", text)
                if done % 500 == 0:
                    progress("speeches", 500, total)
            progress("speeches", total % 500, total)

        conn.execute(delete(Speech).where(Speech.source == SOURCE))
        bulk_insert(conn, "speeches", ("source", "source_id", "body", "session_no", "year",
                                       "state_id", "organisation", "speaker", "speaker_title",
                                       "agenda_item", "language", "text"), rows())
        return Loaded(rows=read + len(texts), loaded=total,
                      extra={"with_text": sum(1 for s in speeches.values() if s["path"])})
    return load


def import_gdc(settings, files: GDCFiles, progress: Progress = no_progress,
               force: bool = False):
    """Import the General Debate speeches; a rerun on the same files changes nothing."""
    return run_import(settings, "gdc", files.paths(), load_gdc(files), progress, force)
