"""FAQ retrieval: a question in the reader's own words, answered by the right entry in the top 3?

The 20 demo entries (corpus/knowledge/faq, six languages) and 600 reformulated questions
(tests/data/knowledge/faq_paraphrases.tsv, 100 per language, written for this test: see its
SOURCE.txt). Ours (hemicycle.knowledge.retrieval: BM25 over the search analysers' terms, the
question weighted x2, synonyms from the UNBIS thesaurus) against the baseline in the same run:
SQLite FTS5 BM25 over the same question and answer texts, question column weighted x2, the
question's words ORed (unicode61 tokenizer with diacritics removed; Chinese cut into the same
character bigrams as ours, since unicode61 cannot segment Chinese). Everything is loaded once
and queried in one process, one query at a time.

    .venv/bin/python bench/knowledge_faq_retrieval.py
"""

from __future__ import annotations

import argparse
import csv
import re
import sqlite3
import statistics
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from hemicycle.catalogue.db import session_scope
from hemicycle.config import load_settings
from hemicycle.knowledge import faq_files, retrieval
from hemicycle.languages import CODES
from hemicycle.search.analysis import prepare
from hemicycle.thesaurus.store import load_vocabulary

ROOT = Path(__file__).resolve().parents[1]
FAQ = ROOT / "corpus" / "knowledge" / "faq"
QUESTIONS = ROOT / "tests" / "data" / "knowledge" / "faq_paraphrases.tsv"
_UNBIS = ROOT / "corpus" / "thesaurus"
THESAURUS = [_UNBIS / "unbis-domain13" / "unbis-domain13.ttl",
             _UNBIS / "unbis-domain13" / "tcode_to_metadata_un_org.tsv",
             _UNBIS / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv",
             _UNBIS / "unbis-labels" / "unbis_domains_microthesauri_2016.tsv"]
_WORD = re.compile(r"\w+")


class Fts5Baseline:
    """Plain keyword search over the same texts: one FTS5 table per language."""

    def __init__(self, passages: list[retrieval.Passage]):
        self.db = sqlite3.connect(":memory:")
        for lang in CODES:
            self.db.execute(f"CREATE VIRTUAL TABLE faq_{lang} USING fts5(slug UNINDEXED, "
                            "question, answer, tokenize='unicode61 remove_diacritics 2')")
        for p in passages:
            self.db.execute(f"INSERT INTO faq_{p.lang} VALUES (?, ?, ?)",
                            (p.slug, self._cut(p.lang, p.title), self._cut(p.lang, p.text)))

    @staticmethod
    def _cut(lang: str, text: str) -> str:
        return prepare("zh", text) if lang == "zh" else text

    def top(self, lang: str, question: str, limit: int) -> list[str]:
        words = _WORD.findall(self._cut(lang, question))
        if not words:
            return []
        match = " OR ".join('"' + w.replace('"', '""') + '"' for w in dict.fromkeys(words))
        return [r[0] for r in self.db.execute(
            f"SELECT slug FROM faq_{lang} WHERE faq_{lang} MATCH ? "
            f"ORDER BY bm25(faq_{lang}, 0.0, 2.0, 1.0) LIMIT ?", (match, limit))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--top", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        started = time.perf_counter()
        load_vocabulary(settings, "unbis", THESAURUS, label_case="sentence")  # as make demo
        faq_files.import_folder(settings, FAQ, "bench")
        print(f"loaded the UNBIS thesaurus and the FAQ in {time.perf_counter() - started:.0f} s")
        with QUESTIONS.open(encoding="utf-8", newline="") as fh:
            rows = list(csv.DictReader(fh, delimiter="\t"))
        with session_scope(settings.database_url) as db:
            passages = [p for lang in CODES
                        for p in retrieval.collection(db, "faq", lang).passages]
            baseline = Fts5Baseline(passages)
            hits: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
            took: dict[str, list[float]] = defaultdict(list)
            for lang in CODES:  # warm-up: caches, analysers, synonyms of every language
                retrieval.search_faq(db, "warm up", lang)
                baseline.top(lang, "warm up", args.top)
            for row in rows:
                lang, want, q = row["language"], row["entry"], row["question"]
                t0 = time.perf_counter()
                base = baseline.top(lang, q, args.top)
                t1 = time.perf_counter()
                ours = [m.passage.slug for m in retrieval.search_faq(db, q, lang,
                                                                     limit=args.top)]
                t2 = time.perf_counter()
                plain = [m.passage.slug for m in retrieval.search_faq(
                    db, q, lang, limit=args.top, use_synonyms=False)]
                took["baseline"].append(t1 - t0)
                took["ours"].append(t2 - t1)
                h = hits[lang]
                h["n"] += 1
                h["baseline"] += want in base
                h["baseline@1"] += base[:1] == [want]
                h["ours"] += want in ours
                h["ours@1"] += ours[:1] == [want]
                h["plain"] += want in plain
    print(f"\n{len(rows)} questions; share answered by the right entry in the top {args.top}")
    print("| language | FTS5 BM25 (baseline) | ours, no synonyms | ours | ours top 1 | "
          "baseline top 1 | ratio ours/baseline |")
    print("|---|---|---|---|---|---|---|")
    total: dict[str, int] = defaultdict(int)
    for lang in CODES:
        h = hits[lang]
        for k, v in h.items():
            total[k] += v
        print(f"| {lang} | {h['baseline'] / h['n']:.2f} | {h['plain'] / h['n']:.2f} | "
              f"{h['ours'] / h['n']:.2f} | {h['ours@1'] / h['n']:.2f} | "
              f"{h['baseline@1'] / h['n']:.2f} | {h['ours'] / max(1, h['baseline']):.2f} |")
    n = total["n"]
    print(f"| all | {total['baseline'] / n:.2f} | {total['plain'] / n:.2f} | "
          f"{total['ours'] / n:.2f} | {total['ours@1'] / n:.2f} | {total['baseline@1'] / n:.2f} "
          f"| {total['ours'] / max(1, total['baseline']):.2f} |")
    for name in ("baseline", "ours"):
        ms = sorted(t * 1000 for t in took[name])
        print(f"{name}: median {statistics.median(ms):.2f} ms, p95 "
              f"{ms[int(len(ms) * 0.95) - 1]:.2f} ms per question")


if __name__ == "__main__":
    main()
