"""Security Council resolutions with their Digital Library record links (CR-UNSC tables).

The tables give, per resolution number, the Digital Library record of the resolution and
of its vote; an optional (res_no, year) table gives the year the symbol needs
(``S/RES/242 (1967)``). The per-state votes are not in these files, so the outcome stays
"unknown" and the page links to the Digital Library voting record instead.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import Connection, delete, insert, select

from hemicycle.proceedings.importers.frame import (
    Loaded,
    Progress,
    csv_rows,
    no_progress,
    run_import,
)
from hemicycle.proceedings.models import RecordIssue, Vote, VotingRecord
from hemicycle.proceedings.quality import QualityReport
from hemicycle.proceedings.refs import resolution_ref

SOURCE = "cr-unsc"


@dataclass
class SCFiles:
    records: Path
    voting: Path | None = None
    years: Path | None = None

    def paths(self) -> list[Path]:
        return [p for p in (self.records, self.voting, self.years) if p]


def _url_table(path: Path, report: QualityReport, column: str = "url_record") -> dict[int, tuple]:
    out: dict[int, tuple[int, str]] = {}
    for line, row in csv_rows(path, ("res_no", column), report):
        try:
            number = int(row["res_no"])
        except ValueError:
            report.add("broken_row", path.name, line, "res_no is not a number", "res_no",
                       row["res_no"])
            continue
        url = row[column].strip()
        if not url.startswith(("https://", "http://")):
            report.add("broken_row", path.name, line, f"{column} is not a web address",
                       column, url)
            continue
        if number in out:
            report.add("duplicate_record", path.name, line,
                       f"resolution {number} is listed again (first on line {out[number][0]}); "
                       "the first is kept", "res_no", number)
            continue
        out[number] = (line, url)
    return out


def load_sc(files: SCFiles):
    def load(conn: Connection, report: QualityReport, progress: Progress) -> Loaded:
        records = _url_table(files.records, report)
        voting = _url_table(files.voting, report) if files.voting else {}
        years = ({number: year for number, (year, _line) in _years(files.years, report).items()}
                 if files.years else {})
        for number, (line, _url) in voting.items():
            if number not in records:
                report.add("unknown_record", files.voting.name, line,
                           f"voting record for resolution {number}, which the record table "
                           "lacks", "res_no", number)
        rows = []
        progress("resolutions", 0, len(records))
        for number in sorted(records):
            year = years.get(number)
            printed = f"S/RES/{number} ({year})" if year else f"S/RES/{number}"
            symbol, key = resolution_ref(printed)
            if symbol is None:
                report.add("invalid_symbol", files.records.name, records[number][0],
                           f"{printed!r} is not a valid symbol", "res_no", number)
            rows.append({
                "source": SOURCE, "source_id": str(number), "body": "SC",
                "session_no": year - 1945 if year else None,
                "resolution_symbol": symbol or printed, "resolution_key": key,
                "source_ref": printed, "outcome": "unknown", "important": False,
                "yes": 0, "no": 0, "abstain": 0, "non_voting": 0, "absent": 0,
                "record_url": records[number][1],
                "voting_url": voting[number][1] if number in voting else None,
            })
        old = select(VotingRecord.id).where(VotingRecord.source == SOURCE).scalar_subquery()
        conn.execute(delete(Vote).where(Vote.record_id.in_(old)))
        conn.execute(delete(RecordIssue).where(RecordIssue.record_id.in_(old)))
        conn.execute(delete(VotingRecord).where(VotingRecord.source == SOURCE))
        if rows:
            conn.execute(insert(VotingRecord), rows)
        progress("resolutions", len(rows), len(records))
        return Loaded(rows=len(records) + len(voting), loaded=len(rows),
                      extra={"with_voting_link": sum(1 for r in rows if r["voting_url"]),
                             "with_year": sum(1 for n in records if n in years)})
    return load


def _years(path: Path, report: QualityReport) -> dict[int, tuple[int, int]]:
    out: dict[int, tuple[int, int]] = {}
    for line, row in csv_rows(path, ("res_no", "year"), report):
        try:
            number, year = int(row["res_no"]), int(row["year"])
        except ValueError:
            report.add("broken_row", path.name, line, "res_no and year must be numbers")
            continue
        if not 1946 <= year <= 2100:
            report.add("broken_row", path.name, line, f"year {year} is out of range",
                       "year", year)
            continue
        out[number] = (year, line)
    return out


def import_sc(settings, files: SCFiles, progress: Progress = no_progress, force: bool = False):
    """Import the Security Council resolution table; a rerun on the same files is a no-op."""
    return run_import(settings, "sc", files.paths(), load_sc(files), progress, force)
