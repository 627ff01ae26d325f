"""Cross-lingual search through the thesaurus (search.expansion), with and without it.

Data: the UN Parallel Corpus dev set (corpus/subjects/unpc-dev: 729 documents of 2015 in
six languages, a few aligned sentences each) and its gold UNBIS concepts (85 documents,
36 concepts: the Library's own Index to Proceedings headings), read as bench/subjects_*.py
read them; the thesaurus is the bundled UNBIS labels table, loaded as `make demo-data`
loads it.

For each language Y a catalogue holds every dev document in Y only (six catalogues, one
index each). Two variants: "catalogued", each gold document carrying its gold concepts as
subjects (what a library that indexes its documents has), and "text only", no subjects
at all (only the labels in the text can bring a document in). For each gold concept and
each pair (X, Y), the query is the concept's prefLabel in X, searched in the catalogue of
Y: recall@10 of the gold documents indexed with it, expansion off (xl=0, the search as it
was) and on. Every concept and pair is run (no sampling).

Known-item MRR@10 of ordinary queries, expansion off and on, on the same six catalogues
(catalogued variant), searched with lang set as bench/search_known_item.py does (its
``documents`` and ``plain`` reused): six consecutive words of a document found in it alone
(that bench's queries), and two consecutive words (short ordinary queries: found in up to
five documents; the ceiling a random order of them reaches is printed), 100 of each per
language, seeded. Also the share of those queries the thesaurus expanded, how many of them
found their document at another rank ("moved"), and the time a query takes, off and on.
Known-item MRR is measured twice: on one catalogue of the dev documents each in one
language (in turn), searched in all languages (there the expansion brings documents of
other languages), and on the six single-language catalogues with lang set.

    .venv/bin/python bench/search_crosslingual.py [--per-language 100]
"""

from __future__ import annotations

import argparse
import random
import shutil
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from hemicycle.config import Settings
from hemicycle.documents import DocumentInput, SubjectInput, VersionInput, save_batch
from hemicycle.languages import CODES
from hemicycle.search.index import rebuild_index
from hemicycle.search.query import QueryError, search
from hemicycle.subjects.corpus import read_corpus
from hemicycle.subjects.evaluation import read_gold_concepts
from hemicycle.thesaurus import concept_labels
from hemicycle.thesaurus.store import load_vocabulary

sys.path.insert(0, str(Path(__file__).parent))
from search_known_item import documents, plain  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DEV = ROOT / "corpus" / "subjects" / "unpc-dev"
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
TOP = 10


def settings_at(path: Path) -> Settings:
    path.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=path, database_url=f"sqlite:///{path / 'catalogue.sqlite3'}",
                    secret_key="bench")


def build(work: Path, base: Path, name: str, texts: dict[str, tuple[str, str]],
          gold: dict[str, frozenset[str]], catalogued: bool) -> Settings:
    """A catalogue of the given documents (symbol -> (language, text)), and its index."""
    settings = settings_at(work / f"{name}-{'subjects' if catalogued else 'text'}")
    for suffix in ("", "-wal", "-shm"):  # the thesaurus, loaded once
        if Path(f"{base}{suffix}").exists():
            shutil.copy(f"{base}{suffix}", settings.data_dir / f"catalogue.sqlite3{suffix}")
    inputs = [DocumentInput(
        symbols=[symbol], versions={lang: VersionInput(title=None, text=text)},
        subjects=[SubjectInput(uri) for uri in sorted(gold.get(symbol, ()))] if catalogued
        else []) for symbol, (lang, text) in sorted(texts.items())]
    for outcome in save_batch(settings, inputs):
        if isinstance(outcome, Exception):
            raise outcome
    rebuild_index(settings)
    return settings


def recall_table(catalogues: dict[str, Settings], gold: dict[str, frozenset[str]],
                 labels: dict[str, dict[str, str]], uids: dict[str, dict[str, str]],
                 ) -> dict[tuple[str, str, bool], list[float]]:
    """(X, Y, expansion) -> recall@10 per concept."""
    holders: dict[str, set[str]] = defaultdict(set)
    for symbol, concepts in gold.items():
        for uri in concepts:
            holders[uri].add(symbol)
    table: dict[tuple[str, str, bool], list[float]] = defaultdict(list)
    for uri in sorted(holders):
        for x in CODES:
            query = labels[x].get(uri)
            if not query:
                continue
            for y, settings in catalogues.items():
                wanted = {uids[y][s] for s in holders[uri] if s in uids[y]}
                if not wanted:
                    continue
                for expand in (False, True):
                    try:
                        hits = search(settings, query, per_page=TOP, expand=expand).hits
                    except QueryError:
                        hits = []
                    table[x, y, expand].append(len(wanted & {h.uid for h in hits})
                                               / len(wanted))
    return table


def short_windows(docs: list[tuple[str, str, str]], lang: str, count: int, seed: str,
                  words: int, up_to: int) -> list[tuple[str, str, int]]:
    """(uid, query, documents having it): ``words`` consecutive words (Chinese: two
    characters a word, as written) found in at most ``up_to`` documents."""
    rng = random.Random(seed)
    flat = [plain(text, lang) for _, _, text in docs]
    out, attempts = [], 0
    while len(out) < count and attempts < count * 50:
        attempts += 1
        uid, _kind, text = docs[rng.randrange(len(docs))]
        if lang == "zh":  # as written, as bench/search_known_item.py draws them
            if len(text) < words * 2:
                continue
            i = rng.randrange(len(text) - words * 2 + 1)
            window = text[i:i + words * 2]
            if any(c.isspace() for c in window):
                continue
        else:
            tokens = [t for t in text.split() if any(c.isalnum() for c in t)]
            if len(tokens) < words:
                continue
            i = rng.randrange(len(tokens) - words + 1)
            window = " ".join(tokens[i:i + words])
        key = plain(window, lang)
        having = sum(key in f for f in flat)
        if (len(key.strip()) < (4 if lang == "zh" else 6) or not 0 < having <= up_to
                or '"' in window):
            continue
        out.append((uid, window, having))
    return out


def known_item(catalogues: dict[str, Settings], per_language: int, with_lang: bool,
               title: str) -> None:
    print(f"\nKnown-item MRR@{TOP} of ordinary queries, expansion off / on, {title} "
          f"({per_language} queries per language and kind)")
    print(f"{'':>4} {'kind':<22} {'off':>6} {'on':>6} {'ceiling':>8} {'expanded':>9} "
          f"{'moved':>6} {'ms off':>7} {'ms on':>7}")
    overall: dict[str, dict[bool, list[float]]] = defaultdict(lambda: defaultdict(list))
    for lang, settings in catalogues.items():
        docs = documents(settings)[lang]
        wanted = lang if with_lang else None
        for kind, words, up_to in (("six words, 1 document", 6, 1),
                                   ("two words, <= 5 docs", 2, 5)):
            queries = short_windows(docs, lang, per_language, f"xl-{lang}-{words}", words,
                                    up_to)
            ceiling = statistics.mean(sum(1 / r for r in range(1, k + 1)) / k
                                      for *_, k in queries)
            rr: dict[bool, list[float]] = {False: [], True: []}
            ms: dict[bool, float] = {}
            expanded = 0
            for expand in (False, True):
                search(settings, queries[0][1], lang=wanted, expand=expand)  # warm up
                started = time.perf_counter()
                for uid, query, _ in queries:
                    try:
                        found = search(settings, query, lang=wanted, per_page=TOP,
                                       expand=expand)
                    except QueryError:
                        rr[expand].append(0.0)
                        continue
                    ranked = [h.uid for h in found.hits]
                    rr[expand].append(1 / (ranked.index(uid) + 1) if uid in ranked else 0.0)
                    expanded += bool(expand and found.expansion.concepts)
                ms[expand] = (time.perf_counter() - started) / len(queries) * 1000
            for expand in (False, True):
                overall[kind][expand] += rr[expand]
            moved = sum(a != b for a, b in zip(rr[False], rr[True], strict=True))
            print(f"{lang:>4} {kind:<22} {statistics.mean(rr[False]):6.3f} "
                  f"{statistics.mean(rr[True]):6.3f} {ceiling:8.3f} "
                  f"{expanded / len(queries):9.0%} {moved:6} {ms[False]:7.1f} "
                  f"{ms[True]:7.1f}")
    for kind, by in overall.items():
        print(f"{'all':>4} {kind:<22} {statistics.mean(by[False]):6.3f} "
              f"{statistics.mean(by[True]):6.3f}   (off -> on: "
              f"{statistics.mean(by[True]) - statistics.mean(by[False]):+.3f})")


def print_recall(name: str, table: dict[tuple[str, str, bool], list[float]]) -> None:
    print(f"\nRecall@{TOP}, {name}: rows query language X (the concept's label in X), "
          f"columns documents only in Y; cells off -> on")
    print("X\\Y  " + "".join(f"{y:>13}" for y in CODES) + f"{'all Y != X':>15}")
    for x in CODES:
        cells, off_other, on_other = [], [], []
        for y in CODES:
            off, on = table.get((x, y, False), []), table.get((x, y, True), [])
            cells.append(f"{statistics.mean(off):.2f}->{statistics.mean(on):.2f}"
                         if off else "-")
            if y != x:
                off_other += off
                on_other += on
        print(f"{x:<5}" + "".join(f"{c:>13}" for c in cells)
              + f"{statistics.mean(off_other):>8.2f}->{statistics.mean(on_other):.2f}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-language", type=int, default=100)
    args = parser.parse_args()
    started = time.perf_counter()
    gold = read_gold_concepts(DEV / "unpc_devset_gold.tsv")
    texts: dict[str, dict[str, str]] = defaultdict(dict)  # language -> symbol -> text
    for doc in read_corpus(DEV):
        texts[doc.lang][doc.symbols[0]] = doc.text
    concepts = sorted({uri for uris in gold.values() for uri in uris})
    print(f"dev documents per language: {', '.join(f'{k} {len(v)}' for k, v in texts.items())};"
          f" gold documents {len(gold)}, gold concepts {len(concepts)}")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        base = settings_at(work / "base")
        load_vocabulary(base, "unbis", [LABELS], label_case="sentence")
        labels = {lang: concept_labels(base, concepts, lang) for lang in CODES}
        base_db = base.data_dir / "catalogue.sqlite3"
        symbols = sorted(texts["en"])
        mixed = {symbol: (CODES[i % len(CODES)], texts[CODES[i % len(CODES)]][symbol])
                 for i, symbol in enumerate(symbols)}
        mixed_catalogue = build(work, base_db, "mixed", mixed, gold, True)
        known_item({lang: mixed_catalogue for lang in CODES}, args.per_language, False,
                   "one catalogue of the dev documents each in one language (in turn), "
                   "searched in all languages")
        for catalogued in (True, False):
            catalogues = {y: build(work, base_db, y,
                                   {s: (y, text) for s, text in texts[y].items()}, gold,
                                   catalogued) for y in CODES}
            uids = {y: {} for y in CODES}
            for y, settings in catalogues.items():
                for symbol in gold:
                    found = search(settings, f"symbol:{symbol}", per_page=1, expand=False)
                    if found.redirect_uid:
                        uids[y][symbol] = found.redirect_uid
            table = recall_table(catalogues, gold, labels, uids)
            print_recall("catalogued (gold documents carry their concepts)" if catalogued
                         else "text only (no subjects in the catalogue)", table)
            if catalogued:
                known_item(catalogues, args.per_language, True,
                           "every dev document in Y only, lang=Y")
    print(f"\n({time.perf_counter() - started:.0f} s in all)")


if __name__ == "__main__":
    sys.exit(main())
