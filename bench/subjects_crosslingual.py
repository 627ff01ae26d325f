"""Cross-lingual agreement: the same document in six languages should get the same concepts.

The 731 six-language documents of the UN Parallel Corpus test set (corpus/documents/unpc,
a few aligned sentences each) get their top 5 UNBIS concepts (labels table in
corpus/thesaurus/unbis-labels; lexical backend, the one that needs no training data) in
each language; we report the Jaccard agreement of each language's top 5 with the
English top 5. Baseline in the same run: the same measure against the English top 5 of
a different document (chance agreement). Also documents/s and suggestion latency.

    .venv/bin/python bench/subjects_crosslingual.py
"""

from __future__ import annotations

import json
import resource
import statistics
import time
from collections import defaultdict
from pathlib import Path

from hemicycle.subjects import analysis
from hemicycle.subjects.backends import backend_class
from hemicycle.subjects.vocabulary import read_vocabulary

ROOT = Path(__file__).resolve().parents[1]
UNPC = ROOT / "corpus" / "documents" / "unpc"
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
LANGS = ("ar", "zh", "fr", "ru", "es")


def documents() -> dict[str, dict[str, str]]:
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    for line in (UNPC / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs[row["symbol"]][row["language"]] = (UNPC / row["file"]).read_text(encoding="utf-8")
    return {s: v for s, v in docs.items() if len(v) == 6}


def jaccard(a: set[str], b: set[str]) -> float | None:
    if not a and not b:
        return None
    return len(a & b) / len(a | b)


def main() -> None:
    vocab = read_vocabulary("unbis", LABELS)
    lexical = backend_class("lexical")(vocab)
    docs = documents()
    symbols = sorted(docs)
    top: dict[str, dict[str, set[str]]] = {lang: {} for lang in ("en", *LANGS)}
    t = time.perf_counter()
    lexical.suggest("warm up the label index", "en")
    index_s = time.perf_counter() - t
    times = []
    for symbol in symbols:
        for lang in top:
            analysis._analysed.cache_clear()
            t = time.perf_counter()
            found = lexical.suggest(docs[symbol][lang], lang, 5)
            times.append(time.perf_counter() - t)
            top[lang][symbol] = {s.uri for s in found}
    times.sort()
    print(f"documents with all six languages: {len(symbols)}; UNBIS concepts: {len(vocab)}")
    print(f"label index built in {index_s:.1f} s; {len(times) / sum(times):.0f} documents/s; "
          f"latency p95 {1000 * times[int(len(times) * 0.95) - 1]:.1f} ms; peak memory "
          f"{resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(f"documents with at least one English concept: "
          f"{sum(1 for s in symbols if top['en'][s])}")
    print(f"{'lang':<6}{'Jaccard@5 vs en':>17}{'chance baseline':>17}{'ratio':>8}{'covered':>9}")
    means = []
    for lang in LANGS:
        same = [jaccard(top[lang][s], top["en"][s]) for s in symbols]
        other = [jaccard(top[lang][s], top["en"][symbols[(i + 1) % len(symbols)]])
                 for i, s in enumerate(symbols)]
        same_v = [x for x in same if x is not None]
        other_v = [x for x in other if x is not None]
        mean, chance = statistics.mean(same_v), statistics.mean(other_v)
        means.append(mean)
        print(f"{lang:<6}{mean:>17.3f}{chance:>17.3f}{mean / max(chance, 1e-9):>8.1f}"
              f"{len(same_v):>9}")
    print(f"mean over the five languages: {statistics.mean(means):.3f}")

    # a ten-page document per language: UNPC texts joined (3,000 characters a page;
    # 1,200 for Chinese, which says as much in fewer characters); analysed text is
    # forgotten before each run so that every run starts cold
    print("latency for a ten-page document (lexical, 7,040 concepts), 30 runs:")
    for lang in ("en", *LANGS):
        size = 12_000 if lang == "zh" else 30_000
        text = ""
        for symbol in symbols:
            if len(text) >= size:
                break
            text += docs[symbol][lang] + "\n"
        text = text[:size]
        wall, cpu = [], []
        for _ in range(30):
            analysis._analysed.cache_clear()
            t, c = time.perf_counter(), time.process_time()
            lexical.suggest(text, lang, 10)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        wall.sort()
        cpu.sort()
        print(f"  {lang}: {len(text):,} characters, p50 {1000 * wall[15]:.1f} ms, "
              f"p95 {1000 * wall[27]:.1f} ms, CPU p95 {1000 * cpu[27]:.1f} ms")


if __name__ == "__main__":
    main()
