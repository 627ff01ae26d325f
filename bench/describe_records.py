"""Share of the demo's published records with a real title, a date and a subject.

Ours: read from the catalogue `make demo` built (``HEMICYCLE_DATA`` or ``--data``): a real
title is one a language version states (display titles do not count), a date is a
publication or action date, a subject is a row of ``document_subjects`` (what the record
carries; suggestions waiting for a cataloguer do not count). The baseline, in the same
run, is what the bundled manifests alone give (the records before this work): a title
where the manifest has one that is not a first sentence cut from the text, a date where
it has one; no manifest gives subjects. "date (day)" counts only dates known to the day:
what the catalogue held before dates known to the year or month were kept (main at
fcbf0d7 dated a record only by a day); "date" counts every date, whatever its precision
(a General Debate speech dated "1946" by the year its manifest states).

    .venv/bin/python bench/describe_records.py [--data var] [--json]
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from sqlalchemy import select  # noqa: E402

from hemicycle.catalogue.db import session_scope  # noqa: E402
from hemicycle.catalogue.models import (  # noqa: E402
    Document,
    DocumentSubject,
    LanguageVersion,
)
from hemicycle.config import load_settings  # noqa: E402

MANIFESTS = ("cr-unsc", "unpc", "ungdc", "un-scans")
COLUMNS = ("title", "date_day", "date", "subject", "date_subject", "title_date_subject")
HEADS = ("title %", "date (day) %", "date %", "subject %", "date+subject %", "all three %")


def from_manifests() -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for name in MANIFESTS:
        docs: dict[str, dict] = defaultdict(lambda: {"title": False, "date": False})
        path = ROOT / "corpus" / "documents" / name / "manifest.jsonl"
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            key = row.get("symbol") or row.get("identifier")
            # the parallel corpus's titles were its first sentences: shown, but no title
            docs[key]["title"] |= bool(row.get("title")) and (
                row.get("extra") or {}).get("title_source") != "first sentence"
            docs[key]["date"] |= bool(row.get("date") or row.get("action_date"))
        out[name] = {"records": len(docs),
                     "title": sum(d["title"] for d in docs.values()),
                     "date": sum(d["date"] for d in docs.values()),
                     "date_day": sum(d["date"] for d in docs.values()),
                     "subject": 0,
                     "title_date_subject": 0, "date_subject": 0}
    return out


def from_catalogue(data: Path | None) -> dict[str, dict[str, int]]:
    settings = load_settings(data) if data else load_settings()
    out: dict[str, dict[str, int]] = defaultdict(lambda: dict.fromkeys(
        ("records", "title", "date", "date_day", "subject", "title_date_subject",
         "date_subject"), 0))
    with session_scope(settings.database_url) as db:
        titled = set(db.scalars(select(LanguageVersion.document_id).where(
            LanguageVersion.title.is_not(None), LanguageVersion.title != "")))
        subjects = set(db.scalars(select(DocumentSubject.document_id)))
        for doc_id, source, published, precision, acted in db.execute(
                select(Document.id, Document.source, Document.publication_date,
                       Document.date_precision, Document.action_date)
                .where(Document.status == "published")):
            group = {"unpc-testset": "unpc", "ungdc-sample": "ungdc",
                     "un-ocr-samples": "un-scans"}.get(source or "", source or "other")
            row = out[group]
            row["records"] += 1
            has = (doc_id in titled, bool(published or acted), doc_id in subjects)
            row["title"] += has[0]
            row["date"] += has[1]
            row["date_day"] += bool(acted or published and precision in (None, "day"))
            row["subject"] += has[2]
            row["title_date_subject"] += all(has)
            row["date_subject"] += has[1] and has[2]
    return dict(out)


def shares(table: dict[str, dict[str, int]]) -> dict[str, float]:
    total = sum(r["records"] for r in table.values()) or 1
    return {k: round(100 * sum(r[k] for r in table.values()) / total, 1)
            for k in COLUMNS} | {
        "records": sum(r["records"] for r in table.values())}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    base, ours = from_manifests(), from_catalogue(args.data)
    report = {"baseline": {"by_corpus": base, "all": shares(base)},
              "ours": {"by_corpus": ours, "all": shares(ours)}}
    if args.json:
        print(json.dumps(report, indent=1))
        return
    print(f"{'':22} {'records':>8} " + " ".join(f"{h:>14}" for h in HEADS))
    for label, table in (("manifests (baseline)", base), ("catalogue (ours)", ours)):
        s = shares(table)
        print(f"{label:22} {s['records']:8} " + " ".join(f"{s[c]:14}" for c in COLUMNS))
        for name, row in sorted(table.items()):
            n = row["records"] or 1
            print(f"  {name:20} {row['records']:8} " +
                  " ".join(f"{100 * row[c] / n:14.1f}" for c in COLUMNS))


if __name__ == "__main__":
    main()
