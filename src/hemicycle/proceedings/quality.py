"""Data-quality reports: what an importer found wrong, with file, row and a stable code.

Findings are collected while a file is read and stored with the import run, in the same
transaction as the data, so a report always describes exactly what was loaded. Nothing
here repairs data: a finding says what is wrong and the row stays as the source has it
(or is left out, when it cannot be read at all).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import Connection, insert, select
from sqlalchemy.orm import Session

from hemicycle.proceedings.codes import QUALITY
from hemicycle.proceedings.models import ImportRun, QualityIssue


@dataclass(frozen=True)
class Finding:
    code: str
    file: str
    row: int | None
    message: str
    field: str | None = None
    value: str | None = None

    def as_dict(self) -> dict:
        return {"code": self.code, "file": self.file, "row": self.row, "field": self.field,
                "value": self.value, "message": self.message}


@dataclass
class QualityReport:
    findings: list[Finding] = field(default_factory=list)
    # (code, file, value) -> [first Finding index, how many more]: a code that repeats on
    # thousands of rows (one unknown country) is reported once with a count
    _grouped: dict[tuple[str, str, str], list[int]] = field(default_factory=dict)

    def add(self, code: str, file: str, row: int | None, message: str,
            field: str | None = None, value: object = None) -> None:
        if code not in QUALITY:
            raise ValueError(f"unknown quality code {code!r}")
        self.findings.append(Finding(code, file, row, message, field,
                                     None if value is None else str(value)))

    def add_grouped(self, code: str, file: str, row: int | None, message: str,
                    field: str | None = None, value: object = None) -> None:
        """Like add, but later rows with the same (code, file, value) only raise a count."""
        key = (code, file, str(value))
        seen = self._grouped.get(key)
        if seen is not None:
            seen[1] += 1
            return
        self._grouped[key] = [len(self.findings), 0]
        self.add(code, file, row, message, field, value)

    def finish(self) -> None:
        """Fold the repeat counts of grouped findings into their messages."""
        for index, more in self._grouped.values():
            if more:
                f = self.findings[index]
                self.findings[index] = Finding(
                    f.code, f.file, f.row, f"{f.message} (and {more} more rows like it)",
                    f.field, f.value)
        self._grouped.clear()

    def counts(self) -> dict[str, int]:
        return dict(Counter(f.code for f in self.findings))

    def __len__(self) -> int:
        return len(self.findings)


def store_findings(conn: Connection, run_id: int, report: QualityReport) -> None:
    report.finish()
    if report.findings:
        conn.execute(insert(QualityIssue), [{"run_id": run_id, **f.as_dict()}
                                            for f in report.findings])


def current_runs(session: Session) -> list[ImportRun]:
    return list(session.scalars(
        select(ImportRun).where(ImportRun.current.is_(True)).order_by(ImportRun.importer)))


def findings_of(session: Session, run_id: int, code: str | None = None,
                limit: int | None = None) -> list[QualityIssue]:
    query = select(QualityIssue).where(QualityIssue.run_id == run_id)
    if code:
        query = query.where(QualityIssue.code == code)
    query = query.order_by(QualityIssue.file, QualityIssue.row, QualityIssue.id)
    if limit:
        query = query.limit(limit)
    return list(session.scalars(query))


def report_json(session: Session, importer: str | None = None) -> list[dict]:
    """The current report of every importer (or one), as plain data."""
    out = []
    for run in current_runs(session):
        if importer and run.importer != importer:
            continue
        issues = findings_of(session, run.id)
        out.append({
            "importer": run.importer, "files": run.files.splitlines(),
            "imported_at": run.started_at.isoformat(), "rows": run.rows,
            "loaded": run.loaded, "counts": dict(Counter(i.code for i in issues)),
            "findings": [{"code": i.code, "file": i.file, "row": i.row, "field": i.field,
                          "value": i.value, "message": i.message} for i in issues],
        })
    return out
