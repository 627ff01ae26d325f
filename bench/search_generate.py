"""A synthetic corpus for the search benchmarks whose text and metadata follow the real one.

* Text: real sentences. Two documents in three are multilingual: they take 2-8 aligned
  lines of the UN Parallel Corpus test set (the same lines in ar, zh, en, fr, ru, es, as
  a real document has the same text in each language); one in three is English only,
  a run of 3-10 paragraphs of a hand-corrected Security Council resolution (CR-UNSC).
* Symbols: the patterns of the 731 real UNPC symbols (A/69/L.63, S/2015/305,
  E/ICEF/2015/4/Rev.1 ...), with their numbers redrawn: the year, the GA session
  (year - 1945) and every other number (within twice its real size); English-only
  documents get S/RES/n (year) symbols. Body, session and type come from
  ``hemicycle.symbols`` as at ingest, so the body mix is the real one.
* Years: 1946-2024, weighted to grow linearly (there are more documents every decade).
* Subjects: 0-3 UNBIS concepts (English labels, upper case) drawn with a Zipf-like law
  from the first 400 concepts of ../shared/data/unbis-labels.

``records(n, seed)`` yields ``hemicycle.search.records.IndexRecord`` objects; run this
file to write JSON lines: ``python bench/search_generate.py 1000 > corpus.jsonl``.
"""

from __future__ import annotations

import datetime as dt
import json
import random
import re
import sys
from collections.abc import Iterator
from dataclasses import asdict
from functools import cache
from pathlib import Path

from hemicycle.search.records import IndexRecord
from hemicycle.symbols import SymbolError, parse_symbol

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")


@cache
def parallel_lines() -> dict[str, list[str]]:
    src = SHARED / "unpc-testset"
    return {lang: (src / f"UNv1.0.testset.{lang}").read_text(encoding="utf-8").splitlines()
            for lang in LANGS}


@cache
def real_symbols() -> list[str]:
    ids = (SHARED / "unpc-testset" / "UNv1.0.testset.ids").read_text().splitlines()
    out = []
    for row in sorted({line.split()[0] for line in ids}):
        try:
            out.append(parse_symbol(row.split("/", 1)[1]).canonical)
        except SymbolError:
            continue
    return out


@cache
def resolution_paragraphs() -> list[list[str]]:
    docs = []
    for path in sorted((SHARED / "cr-unsc" / "res_en_gold").glob("*.txt")):
        paras = [p.strip() for p in path.read_text(encoding="utf-8").split("\n\n") if p.strip()]
        if len(paras) >= 3:
            docs.append(paras)
    return docs


@cache
def subject_labels() -> list[str]:
    path = SHARED / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
    rows = path.read_text(encoding="utf-8").splitlines()[1:401]
    return [row.split("\t")[3].upper() for row in rows if row.count("\t") >= 6]


def _year(rng: random.Random) -> int:
    # density growing linearly from 1946 to 2024
    return 1946 + int((rng.random() ** 0.5) * 79)


def _redraw(symbol: str, year: int, rng: random.Random) -> str:
    real = parse_symbol(symbol)

    def swap(m: re.Match) -> str:
        value = int(m.group())
        if real.year and value == real.year:
            return str(year)
        if real.body == "GA" and real.session and m.group() == real.session:
            return str(max(1, year - 1945))
        return str(rng.randint(1, max(10, 2 * value)))

    return re.sub(r"\d+", swap, symbol)


def records(n: int, seed: int = 2026, start_id: int = 1) -> Iterator[IndexRecord]:
    rng = random.Random(seed)
    lines = parallel_lines()
    count = len(lines["en"])
    symbols = real_symbols()
    resolutions = resolution_paragraphs()
    labels = subject_labels()
    weights = [1 / (i + 1) for i in range(len(labels))]
    for i in range(n):
        year = _year(rng)
        if rng.random() < 2 / 3:
            pattern = rng.choice(symbols)
            try:
                sym = parse_symbol(_redraw(pattern, year, rng))
            except SymbolError:
                sym = parse_symbol(pattern)
            picked = [rng.randrange(count) for _ in range(rng.randint(2, 8))]
            texts = {lang: "\n".join(lines[lang][j] for j in picked) for lang in LANGS}
            titles = {lang: lines[lang][picked[0]][:150] for lang in LANGS}
        else:
            sym = parse_symbol(f"S/RES/{rng.randint(1, 2800)} ({year})")
            paras = rng.choice(resolutions)
            start = rng.randrange(max(1, len(paras) - 3))
            texts = {"en": "\n\n".join(paras[start:start + rng.randint(3, 10)])}
            titles = {"en": paras[0][:150]}
        date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
        subjects = sorted(set(rng.choices(labels, weights, k=rng.randint(0, 3))))
        yield IndexRecord(
            id=start_id + i, uid=f"{seed:x}{i:012x}", symbol=sym.canonical,
            doc_type=sym.doc_type, body=sym.body, session=sym.session,
            year=sym.year or year, date=date, symbols=[sym.canonical], symbol_keys=[sym.key],
            titles=titles, texts=texts, subjects=subjects,
        )


def main() -> None:
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
    for record in records(n):
        row = asdict(record)
        row["date"] = record.date.isoformat() if record.date else None
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
