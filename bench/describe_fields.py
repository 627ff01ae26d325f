"""Field accuracy of ``hemicycle.describe`` per field and language, against real metadata,
beside a naive regex baseline, in the same run.

Each text is read WITHOUT its symbol or manifest (the symbol is the truth here), so what
is measured is what the text's own words give:

* UNPC test set (bundled, 731 documents of 2015 x 6 languages): truth from each
  document's symbol (body; type where the symbol marks one; the meeting of S/PV.n and
  S/Agenda/n; the session of A/69/.., A/70/..) and the corpus id (the year, 2015).
* CR-UNSC (bundled, 902 English resolution texts, hand-corrected): body SC, type
  resolution, the adoption year (resolution_years.csv, from the symbols).
* The scans' hand-checked texts (tests/data/digitise: SC 84 (1950), SC 777 (1992),
  A/L.632) and the OCR (tesseract, in this run) of the Russian 2758 (XXVI) page:
  the dates their file names give; against unvotes, the General Assembly's roll-call
  dates (printed apart: Voeten's dates are those of the first roll call, not always
  the adoption).

The baseline takes, for each field, the FIRST match anywhere in the text with the same
six-language vocabularies (dates, body names, type words, ordinals, meeting forms): the
regexes at their best, without our reading of where a value stands and what it says
(the date under a heading or after "adopted", the masthead line, the title form). For
each (field, language): n with truth, found, correct; precision = correct/found,
recall = correct/n.

    .venv/bin/python bench/describe_fields.py [--json]
"""

from __future__ import annotations

import argparse
import csv
import gzip
import json
import re
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hemicycle.describe import Given, describe  # noqa: E402
from hemicycle.describe.dates import parse_dates  # noqa: E402
from hemicycle.describe.kinds import BODY_NAMES  # noqa: E402
from hemicycle.describe.meetings import meetings  # noqa: E402
from hemicycle.describe.periods import period_in_text  # noqa: E402
from hemicycle.languages import CODES  # noqa: E402
from hemicycle.symbols import parse_symbol  # noqa: E402

CORPUS = ROOT / "corpus"
DIGITISE = ROOT / "tests" / "data" / "digitise"
FIELDS = ("year", "date", "body", "doc_type", "period", "meeting")

# naive type words: the first one found anywhere names the type
_TYPE_WORDS = {
    "draft resolution": ("draft resolution", "projet de résolution", "proyecto de resolución",
                         "проект резолюции", "مشروع قرار", "决议草案"),
    "resolution": ("resolution", "résolution", "resolución", "резолюция", "قرار", "决议"),
    "letter": ("letter", "lettre", "carta", "письмо", "رسالة", "信"),
    "report": ("report", "rapport", "informe", "доклад", "تقرير", "报告"),
    "agenda": ("agenda", "ordre du jour", "orden del día", "programa", "повестка дня",
               "جدول الأعمال", "议程"),
    "note": ("note", "nota", "записка", "مذكرة", "说明"),
    "meeting record": ("verbatim record", "procès-verbal", "acta literal",
                       "стенографический отчет", "محضر حرفي", "逐字记录"),
}


def baseline(text: str) -> dict:
    """The first match anywhere, per field."""
    out: dict = {}
    for line in text.splitlines():
        found = parse_dates(line)
        if found:
            out["date"] = found[0][0].isoformat()
            out["year"] = found[0][0].year
            break
    low = text.lower()
    best = None
    for code, names in BODY_NAMES.items():
        for name in names:
            i = low.find(name)
            if i >= 0 and (best is None or i < best[0]):
                best = (i, code)
    if best:
        out["body"] = best[1]
    best = None
    for kind, words in _TYPE_WORDS.items():
        for word in words:
            i = low.find(word)
            if i >= 0 and (best is None or i < best[0] or (i == best[0] and len(word) > best[2])):
                best = (i, kind, len(word))
    if best:
        out["doc_type"] = best[1]
    period = period_in_text(text, lines=10_000)
    if period:
        out["period"] = (period[0].name, period[0].value)
    found = meetings(text)
    if found:
        out["meeting"] = found[0].number
    return out


def ours(text: str, source: str = "text", quality: float = 1.0) -> dict:
    d = describe(Given("bench"), {"xx": text}, text_source=source, quality=quality)
    out: dict = {}
    if "date" in d.fields:
        out["date"] = d.fields["date"].value
        out["year"] = int(d.fields["date"].value[:4])
    for name in ("body", "doc_type", "meeting"):
        if name in d.fields:
            out[name] = d.fields[name].value
    if "period" in d.fields:
        p = d.fields["period"].value
        out["period"] = (p["name"], p["value"])
    return out


def truth_of_symbol(symbol: str) -> dict:
    s = parse_symbol(symbol)
    out: dict = {"body": s.body}
    if s.doc_type in ("resolution", "draft resolution", "meeting record", "agenda",
                      "presidential statement"):
        out["doc_type"] = s.doc_type
    m = re.fullmatch(r"S/(?:PV\.|Agenda/)(\d+)", s.canonical)
    if m:
        out["meeting"] = int(m.group(1))
    if s.body == "GA" and s.session and s.session.isdigit():
        out["period"] = ("session", s.session)
    return out


def unpc_items() -> list[tuple[str, str, str, dict]]:
    rows = [json.loads(x) for x in (CORPUS / "documents" / "unpc" / "manifest.jsonl")
            .read_text(encoding="utf-8").splitlines()]
    items = []
    for r in rows:
        text = (CORPUS / "documents" / "unpc" / r["file"]).read_text(encoding="utf-8")
        truth = {**truth_of_symbol(r["symbol"]), "year": r["year"]}
        items.append(("unpc", r["language"], text, truth))
    return items


def cr_unsc_items() -> list[tuple[str, str, str, dict]]:
    years = {int(r["res_no"]): int(r["year"]) for r in csv.DictReader(
        (CORPUS / "proceedings" / "cr-unsc" / "resolution_years.csv").open())}
    items = []
    for path in sorted((CORPUS / "documents" / "cr-unsc" / "files").glob("S_RES_*_EN.txt")):
        number = int(path.stem.split("_")[2])
        truth = {"body": "SC", "doc_type": "resolution", "year": years[number],
                 "period": ("year", str(years[number]))}
        items.append(("cr-unsc", "en", path.read_text(encoding="utf-8"), truth))
    return items


def scan_items() -> list[tuple[str, str, str, dict]]:
    gt = {
        "1950-07-07_UN_SC_Resolution_84_1950_en.gt.txt":
            {"date": "1950-07-07", "year": 1950, "body": "SC", "doc_type": "resolution",
             "period": ("year", "1950")},
        "1992-09-19_UN_SC_Resolution_777_1992_en.gt.txt":
            {"date": "1992-09-19", "year": 1992, "body": "SC", "doc_type": "resolution",
             "period": ("year", "1992"), "meeting": 3116},
        "1971-09-29_A_L.632-EN.gt.txt":
            {"date": "1971-09-29", "year": 1971, "body": "GA", "doc_type": "draft resolution",
             "period": ("session", "26")},
    }
    return [("scans (hand-checked)", "en", (DIGITISE / name).read_text(encoding="utf-8"), t)
            for name, t in gt.items()]


def ocr_russian_2758() -> str:
    """The 2758 (XXVI) page read by plain tesseract (rus), as a scan would be."""
    import pypdfium2 as pdfium

    pdf = pdfium.PdfDocument(str(CORPUS / "documents" / "un-scans" / "files" /
                                 "a_res_2758_xxvi-ru.pdf"))
    with tempfile.TemporaryDirectory() as tmp:
        image = Path(tmp) / "page.png"
        pdf[0].render(scale=300 / 72).to_pil().save(image)
        return subprocess.run(["tesseract", str(image), "stdout", "-l", "rus"],
                              capture_output=True, text=True, check=True).stdout


def unvotes_dates(resolutions: list[str]) -> dict[str, str]:
    """Voeten's roll-call date of each resolution: the last roll call naming it (its parts
    lettered, R/26/2758A..G, count as its own)."""
    wanted = {re.sub(r"\s+[A-Z]\b", "", parse_symbol(s).canonical): s for s in resolutions}
    out: dict[str, str] = {}
    with gzip.open(CORPUS / "proceedings" / "unvotes" / "un_roll_calls.csv.gz", "rt") as fh:
        for row in csv.DictReader(fh):
            try:
                res = parse_symbol(row["unres"]).resolution
            except ValueError:
                continue
            base = re.sub(r"\s+[A-Z]\b", "", res) if res else None
            if base in wanted:
                out[wanted[base]] = max(out.get(wanted[base], ""), row["date"])
    return out


def score(items, reader) -> dict:
    table: dict = defaultdict(lambda: {"n": 0, "found": 0, "correct": 0})
    for corpus, lang, text, truth in items:
        got = reader(text)
        for name in FIELDS:
            if name not in truth:
                continue
            cell = table[(corpus, name, lang)]
            cell["n"] += 1
            if name in got:
                cell["found"] += 1
                cell["correct"] += got[name] == truth[name]
    return table


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    started = time.perf_counter()
    items = unpc_items() + cr_unsc_items() + scan_items()
    ocr = ocr_russian_2758()
    items.append(("scans (OCR)", "ru", ocr, {"body": "GA", "doc_type": "resolution",
                                            "period": ("session", "26")}))
    t0 = time.perf_counter()
    base = score(items, baseline)
    t1 = time.perf_counter()
    mine = score(items, ours)
    t2 = time.perf_counter()
    # the Russian page holds 2751-2763: its own part is found by the symbol, as at ingest
    own = describe(Given("bench", symbols=["A/RES/2758 (XXVI)"]), {"ru": ocr},
                   text_source="ocr", quality=0.8)
    unvotes = unvotes_dates(["A/RES/2758 (XXVI)"])
    rows = []
    for corpus in dict.fromkeys(c for c, _, _, _ in items):
        for name in FIELDS:
            for lang in CODES:
                if (corpus, name, lang) not in mine:
                    continue
                b, o = base[(corpus, name, lang)], mine[(corpus, name, lang)]
                rows.append({"corpus": corpus, "field": name, "language": lang, "n": o["n"],
                             "baseline": b, "ours": o})
    report = {"rows": rows, "seconds": {"baseline": round(t1 - t0, 2),
                                        "ours": round(t2 - t1, 2),
                                        "load": round(t0 - started, 2)},
              "ru_2758_date": own.value("date"), "unvotes_2758_date": unvotes.get(
                  "A/RES/2758 (XXVI)"), "ru_2758_title": own.value("title")}
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=1))
        return

    def pr(c):
        p = c["correct"] / c["found"] if c["found"] else 0.0
        r = c["correct"] / c["n"] if c["n"] else 0.0
        return f"{p:5.3f} {r:5.3f}"

    print(f"{'corpus':20} {'field':10} {'lang':4} {'n':>5}   baseline P  R    ours P  R    "
          f"recall ratio")
    for row in rows:
        b, o = row["baseline"], row["ours"]
        rb = b["correct"] / b["n"] if b["n"] else 0
        ro = o["correct"] / o["n"] if o["n"] else 0
        ratio = f"{ro / rb:5.2f}" if rb else "  inf" if ro else "    -"
        print(f"{row['corpus']:20} {row['field']:10} {row['language']:4} {row['n']:5}   "
              f"{pr(b)}   {pr(o)}   {ratio}")
    print(f"2758 (XXVI), Russian OCR: date read {report['ru_2758_date']}, unvotes says "
          f"{report['unvotes_2758_date']}; title {report['ru_2758_title']!r}")
    print(f"time: baseline {report['seconds']['baseline']} s, ours "
          f"{report['seconds']['ours']} s for {len(items)} texts")


if __name__ == "__main__":
    main()
