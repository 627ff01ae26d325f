"""Known-item ranking: six consecutive words of a document, searched in its language.

A reader who quotes a passage wants the document it comes from. For each language, windows
of six consecutive words (ten characters in Chinese) are drawn at random (seeded) from the
published documents of the catalogue in HEMICYCLE_DATA (``make demo-data`` fills it with
the demo corpus: CR-UNSC resolutions, UN Parallel Corpus documents, General Debate
speeches), each searched with ``lang`` set to the window's language; a window whose words
(case and punctuation aside) occur in another document as well cannot single one out and
is not drawn (``--shared-up-to K`` draws those found in up to K documents too, and prints
the ceiling any ranking can expect on them: (1 + 1/2 + ... + 1/k) / k for k documents).
Prints MRR@10 (the mean of 1/rank of the quoted document, 0 beyond 10) and the share
found first, per language and per kind of document, and the misses.

    HEMICYCLE_DATA=var .venv/bin/python bench/search_known_item.py [--per-language 300]
"""

from __future__ import annotations

import argparse
import random
import re
import statistics
import sys
import time
from collections import defaultdict

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, LanguageVersion
from hemicycle.config import load_settings
from hemicycle.languages import CODES
from hemicycle.search.query import QueryError, search

TOP = 10


def windows(text: str, lang: str) -> list[str]:
    if lang == "zh":  # as written (a space or line break stays: it ends a run of bigrams)
        return [text[i:i + 10] for i in range(0, max(0, len(text) - 9))
                if not text[i:i + 10].isspace()]
    words = text.split()
    return [" ".join(words[i:i + 6]) for i in range(0, max(0, len(words) - 5))]


def plain(text: str, lang: str) -> str:
    """Lower-case words only (for Chinese, characters only): to tell shared passages."""
    words = re.findall(r"\w+", text.lower())
    return "".join(words) if lang == "zh" else " " + " ".join(words) + " "


def documents(settings) -> dict[str, list[tuple[str, str, str]]]:
    """(uid, kind, text) of every published document, per language."""
    d, v = Document.__table__, LanguageVersion.__table__
    out: dict[str, list[tuple[str, str, str]]] = defaultdict(list)
    with session_scope(settings.database_url) as db:
        for uid, doc_type, lang, text in db.execute(
                select(d.c.uid, d.c.doc_type, v.c.language, v.c.text)
                .join(v, v.c.document_id == d.c.id)
                .where(d.c.status == "published").order_by(d.c.id, v.c.language)):
            if text and text.strip() and lang in CODES:
                out[lang].append((uid, doc_type or "other", text))
    return out


def sample(docs: list[tuple[str, str, str]], lang: str, count: int, seed: str,
           up_to: int = 1) -> list[tuple[str, str, str, int]]:
    """``count`` windows (uid, kind, window, documents that have it) found in at most
    ``up_to`` documents (0: any number)."""
    rng = random.Random(seed)
    flat = [plain(text, lang) for _, _, text in docs]
    out, attempts = [], 0
    while len(out) < count and attempts < count * 30:
        attempts += 1
        i = rng.randrange(len(docs))
        uid, kind, text = docs[i]
        candidates = windows(text, lang)
        if not candidates:
            continue
        window = rng.choice(candidates)
        key = plain(window, lang)
        having = sum(key in f for f in flat)
        if len(key.strip()) < 6 or (up_to and having > up_to):
            continue
        out.append((uid, kind, window, having))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--per-language", type=int, default=300)
    parser.add_argument("--seed", default="known-item")
    parser.add_argument("--misses", type=int, default=5, help="misses shown per language")
    parser.add_argument("--lang", action="append", help="only these languages")
    parser.add_argument("--shared-up-to", type=int, default=1,
                        help="draw windows found in up to N documents (boilerplate; 0: any "
                             "number); the quoted one must still come first")
    args = parser.parse_args()
    settings = load_settings()
    by_lang = documents(settings)
    print(f"catalogue {settings.database_url}; {args.per_language} windows per language, "
          f"MRR@{TOP}")
    overall: list[float] = []
    for lang in args.lang or CODES:
        docs = by_lang.get(lang, [])
        if not docs:
            print(f"{lang}: no documents")
            continue
        windows_ = sample(docs, lang, args.per_language, f"{args.seed}-{lang}",
                          args.shared_up_to)
        ranks: list[float] = []
        kinds: dict[str, list[float]] = defaultdict(list)
        misses = []
        started = time.perf_counter()
        # what any ranking can expect on average when k documents hold the same words
        ceiling = statistics.mean(sum(1 / r for r in range(1, k + 1)) / k
                                  for *_, k in windows_)
        for uid, kind, window, _having in windows_:
            try:
                hits = search(settings, window, lang=lang, per_page=TOP).hits
            except QueryError:
                hits = []
            uids = [hit.uid for hit in hits]
            rr = 1 / (uids.index(uid) + 1) if uid in uids else 0.0
            ranks.append(rr)
            kinds[kind].append(rr)
            if rr < 1:
                misses.append((rr, window, uid, [hit.symbol for hit in hits[:3]]))
        elapsed = time.perf_counter() - started
        overall.extend(ranks)
        first = sum(r == 1 for r in ranks)
        per_kind = ", ".join(f"{k} {statistics.mean(v):.3f} ({len(v)})"
                             for k, v in sorted(kinds.items()))
        print(f"{lang}: MRR@{TOP} {statistics.mean(ranks):.3f} (ceiling {ceiling:.3f}), "
              f"first {first}/{len(ranks)} "
              f"({len(docs)} documents; {elapsed / len(ranks) * 1000:.1f} ms a query); "
              f"by kind: {per_kind}")
        for rr, window, uid, top in misses[:args.misses]:
            print(f"    rr {rr:.2f} {window!r} ({uid}); top: {top}")
    print(f"all: MRR@{TOP} {statistics.mean(overall):.3f} over {len(overall)} windows")


if __name__ == "__main__":
    sys.exit(main())
