"""Paths and small file writers shared by the proceedings tests."""

from __future__ import annotations

import csv
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
UNVOTES = ROOT / "corpus" / "proceedings" / "unvotes"
CRUNSC = ROOT / "corpus" / "proceedings" / "cr-unsc"
UNGDC = ROOT / "corpus" / "proceedings" / "ungdc"
# the General Debate speech texts (ISO3_session_year.txt, sessions 1, 25, 50, 75, 78)
UNGDC_TEXTS = ROOT / "corpus" / "documents" / "ungdc" / "files"
VOETEN70 = ROOT / "tests" / "data" / "proceedings" / "voeten_session70.csv"
ROLL_CALLS70 = UNVOTES / "sample_session70_roll_calls.csv"
VOTES70 = UNVOTES / "sample_session70_votes.csv"



def read_csv(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def write_csv(path: Path, header: list[str], rows: list[list]) -> Path:
    with path.open("w", encoding="utf-8", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(header)
        writer.writerows(rows)
    return path


