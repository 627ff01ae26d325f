"""Builds corpus/documents/* (ingest manifests + files) from the real data in ../shared/data.

Run once by a maintainer; the result is committed so that a fresh clone has its demo
corpus. Each folder gets the SOURCE.txt (and licence notes) of its origin.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import sys
from collections import defaultdict
from pathlib import Path

import openpyxl

ROOT = Path(__file__).resolve().parents[1]
SHARED = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT.parent / "shared" / "data"
OUT = ROOT / "corpus" / "documents"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
MONTHS = {m: i for i, m in enumerate(
    "january february march april may june july august september october november december"
    .split(), 1)}


def fresh(folder: Path) -> Path:
    if folder.exists():
        shutil.rmtree(folder)
    (folder / "files").mkdir(parents=True)
    return folder


def write_jsonl(path: Path, rows: list[dict]) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def sc_resolutions() -> None:
    src = SHARED / "cr-unsc"
    out = fresh(OUT / "cr-unsc")
    shutil.copy(src / "SOURCE.txt", out / "SOURCE.txt")
    records = {}
    with (src / "UNSC_Record-Table_2722.csv").open() as fh:
        for row in csv.DictReader(fh):
            records[int(row["res_no"])] = row["url_record"]
    rows = []
    for path in sorted((src / "res_en_gold").glob("S_RES_*_EN_GOLD.txt")):
        _, _, number, year, _, _ = path.stem.split("_")
        number, year = int(number), int(year)
        text = path.read_text(encoding="utf-8")
        lines = [ln.strip() for ln in text.splitlines() if ln.strip()]
        heading = next((ln for ln in lines[:3] if not re.match(r"^\d+ \(\d{4}\)", ln)), None)
        date = None
        found = re.search(r"[Rr]esolution of (\d{1,2}) (\w+) (\d{4})", text[:600])
        if found and found.group(2).lower() in MONTHS:
            day, month = int(found.group(1)), MONTHS[found.group(2).lower()]
            date = f"{found.group(3)}-{month:02d}-{day:02d}"
        title = f"Resolution {number} ({year})"
        if heading and heading.isupper() and len(heading) < 160:
            title += f": {heading.title()}"
        target = out / "files" / path.name.replace("_GOLD", "")
        shutil.copy(path, target)
        row = {"symbol": f"S/RES/{number} ({year})", "language": "en",
               "file": f"files/{target.name}", "text_source": "ocr-corrected",
               "title": title, "doc_type": "resolution",
               "distribution": "GEN", "source": "cr-unsc"}
        if date:
            row["date"] = date
            row["action_date"] = date
        if number in records:
            row["extra"] = {"undl_record": records[number]}
        rows.append(row)
    write_jsonl(out / "manifest.jsonl", rows)
    print(f"cr-unsc: {len(rows)} documents")


def parallel_corpus() -> None:
    src = SHARED / "unpc-testset"
    out = fresh(OUT / "unpc")
    for name in ("SOURCE.txt", "DISCLAIMER", "README"):
        shutil.copy(src / name, out / name)
    ids = [line.split()[0] for line in (src / "UNv1.0.testset.ids").read_text().splitlines()]
    sentences = {lang: (src / f"UNv1.0.testset.{lang}").read_text(encoding="utf-8").splitlines()
                 for lang in LANGS}
    grouped: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for i, doc_id in enumerate(ids):
        for lang in LANGS:
            grouped[doc_id][lang].append(sentences[lang][i])
    rows = []
    for doc_id, by_lang in grouped.items():
        year, symbol = doc_id.split("/", 1)
        stem = symbol.replace("/", "_")
        for lang in LANGS:
            lines = by_lang[lang]
            name = f"{stem}-{lang}.txt"
            (out / "files" / name).write_text("\n".join(lines) + "\n", encoding="utf-8")
            first = lines[0]
            rows.append({"symbol": symbol, "language": lang, "file": f"files/{name}",
                         "title": first if len(first) <= 200 else first[:199] + "…",
                         "year": int(year), "source": "unpc-testset",
                         "extra": {"title_source": "first sentence"}})
    write_jsonl(out / "manifest.jsonl", rows)
    print(f"unpc: {len(grouped)} documents, {len(rows)} language versions")


def general_debate() -> None:
    src = SHARED / "ungdc-sample"
    out = fresh(OUT / "ungdc")
    shutil.copy(src / "SOURCE.txt", out / "SOURCE.txt")
    speakers = {}
    sheet = openpyxl.load_workbook(src / "Speakers_by_session.xlsx", read_only=True).worksheets[0]
    for row in sheet.iter_rows(min_row=2, values_only=True):
        year, session, iso3, country, person, post = row[:6]
        if session and iso3:
            speakers[(int(session), str(iso3).strip())] = (
                (country or "").strip(), (person or "").strip(), (post or "").strip())
    rows = []
    for path in sorted((src / "TXT").glob("*/*.txt")):
        iso3, session, year = path.stem.split("_")
        session_n = int(session)
        country, person, post = speakers.get((session_n, iso3), (iso3, "", ""))
        title = f"General Debate, session {session_n} ({year}): statement by {country or iso3}"
        if person:
            title += f" ({person}{', ' + post if post else ''})"
        target = out / "files" / path.name
        shutil.copy(path, target)
        rows.append({"identifier": f"UNGDC/{session_n}/{iso3}", "language": "en",
                     "file": f"files/{path.name}", "title": title, "doc_type": "speech",
                     "body": "GA", "session": str(session_n), "year": int(year),
                     "source": "ungdc-sample",
                     "extra": {"country": iso3, "speaker": person, "post": post}})
    write_jsonl(out / "manifest.jsonl", rows)
    print(f"ungdc: {len(rows)} speeches")


if __name__ == "__main__":
    sc_resolutions()
    parallel_corpus()
    general_debate()
