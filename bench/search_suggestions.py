"""Spelling suggestions: do they lead to the document a reader meant?

    .venv/bin/python bench/search_suggestions.py --data var [--per-language 200] [--seed 18]

For each language, ``--per-language`` queries are drawn (seeded) from real titles in the
index: three consecutive words of one title, one of them (five letters or more) spoiled
as readers spoil them: a typo (two letters swapped, one dropped, doubled or replaced by
a neighbour), diacritics dropped (fr, es, ru ё), Arabic hamza forms (أ إ آ ؤ ئ written
plainly) or, in Chinese, the title's words in traditional characters (zhconv).

Each query is run as typed (the baseline: no suggestion) and, when ``suggest`` offers a
respelling, the respelling is run too. A query counts as found when the document it was
drawn from is among the first 10 hits. Printed per language: found without help, found
with the suggestion (the suggestion when there is one, the query as typed otherwise),
found with the words spelt right (the ceiling: three words of a long title do not always
put it in the first 10), share of queries offered a suggestion, and the median time a
suggestion takes.
"""

from __future__ import annotations

import argparse
import json
import random
import re
import statistics
import sys
import time
import unicodedata
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

import tantivy  # noqa: E402

from hemicycle.config import load_settings  # noqa: E402
from hemicycle.languages import CODES  # noqa: E402
from hemicycle.search import location  # noqa: E402
from hemicycle.search.query import QueryError, search  # noqa: E402
from hemicycle.search.suggest import suggest, vocabulary  # noqa: E402

WORD = re.compile(r"[^\W\d_]+")
HAMZA = {"أ": "ا", "إ": "ا", "آ": "ا", "ؤ": "و", "ئ": "ي"}
KEYBOARD = {"en": "qwertyuiopasdfghjklzxcvbnm", "fr": "azertyuiopqsdfghjklmwxcvbn",
            "es": "qwertyuiopasdfghjklñzxcvbnm", "ru": "йцукенгшщзхфывапролджэячсмитьбю",
            "ar": "ضصثقفغعهخحجدشسيبلاتنمكطذئءؤرىةوزظ"}


def titles(settings) -> dict[str, list[tuple[str, str]]]:
    """(uid, title) per language, from the index's stored payloads."""
    searcher = location.searchable_index(settings).searcher()
    found = searcher.search(tantivy.Query.all_query(), searcher.num_docs, count=False)
    out: dict[str, list[tuple[str, str]]] = {code: [] for code in CODES}
    for _score, address in found.hits:
        payload = json.loads(bytes(searcher.doc(address).get_first("payload")))
        for code, title in payload["titles"].items():
            out[code].append((payload["uid"], title))
    return out


def typo(word: str, lang: str, rng: random.Random) -> str:
    i = rng.randrange(1, len(word) - 1)
    kind = rng.choice(("swap", "drop", "double", "replace"))
    if kind == "swap":
        return word[:i] + word[i + 1] + word[i] + word[i + 2:]
    if kind == "drop":
        return word[:i] + word[i + 1:]
    if kind == "double":
        return word[:i] + word[i] + word[i:]
    return word[:i] + rng.choice(KEYBOARD[lang]) + word[i + 1:]


def undiacritic(word: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFD", word)
                   if not unicodedata.combining(c)).replace("ё", "е")


def spoil(words: list[str], lang: str, rng: random.Random) -> str | None:
    """The query with one word spoiled, or None when nothing in it can be."""
    if lang == "zh":
        import zhconv

        typed = zhconv.convert("".join(words), "zh-tw")
        return typed if typed != "".join(words) else None
    candidates = [i for i, w in enumerate(words) if len(w) >= 5]
    if not candidates:
        return None
    i = rng.choice(candidates)
    word = words[i]
    if lang == "ar" and any(c in HAMZA for c in word) and rng.random() < 0.5:
        spoilt = "".join(HAMZA.get(c, c) for c in word)
    elif lang in ("fr", "es", "ru") and undiacritic(word) != word and rng.random() < 0.5:
        spoilt = undiacritic(word)
    else:
        spoilt = typo(word, lang, rng)
    return " ".join(words[:i] + [spoilt] + words[i + 1:])


def draw(pool: list[tuple[str, str]], lang: str, n: int, rng: random.Random):
    queries = []
    attempts = 0
    while len(queries) < n and attempts < n * 50:
        attempts += 1
        uid, title = rng.choice(pool)
        if lang == "zh":
            runs = [r for r in re.findall(r"[\u4e00-\u9fff]+", title) if len(r) >= 4]
            if not runs:
                continue
            run = rng.choice(runs)
            start = rng.randrange(0, len(run) - 3)
            words = [run[start:start + 4]]
        else:
            all_words = WORD.findall(title)
            if len(all_words) < 3:
                continue
            start = rng.randrange(0, len(all_words) - 2)
            words = all_words[start:start + 3]
        query = spoil(words, lang, rng)
        if query:
            queries.append((uid, query, " ".join(words)))
    return queries


def finds(settings, query: str, uid: str) -> bool:
    try:
        hits = search(settings, query, per_page=10).hits
    except QueryError:
        return False
    return any(hit.uid == uid for hit in hits)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--data", type=Path, default=ROOT / "var")
    parser.add_argument("--per-language", type=int, default=200)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    settings = load_settings(args.data)
    start = time.perf_counter()
    vocab = vocabulary(settings)
    print(f"vocabulary read from the index in {time.perf_counter() - start:.1f} s: "
          + ", ".join(f"{code} {len(words):,}" for code, words in vocab.words.items()))
    pools = titles(settings)
    print(f"{'lang':4} {'queries':>7} {'found as typed':>15} {'found with suggestion':>22} "
          f"{'right spelling':>15} {'offered':>8} {'median ms':>10}")
    for lang in CODES:
        rng = random.Random(f"{args.seed}-{lang}")
        queries = draw(pools[lang], lang, args.per_language, rng)
        plain = helped = offered = ceiling = 0
        times = []
        for uid, query, meant in queries:
            ceiling += finds(settings, meant, uid)
            as_typed = finds(settings, query, uid)
            t0 = time.perf_counter()
            better = suggest(settings, query)
            times.append(time.perf_counter() - t0)
            plain += as_typed
            offered += better is not None
            helped += finds(settings, better, uid) if better else as_typed
        n = len(queries) or 1
        print(f"{lang:4} {len(queries):7} {plain / n:14.1%} {helped / n:21.1%} "
              f"{ceiling / n:14.1%} {offered / n:7.1%} "
              f"{statistics.median(times or [0]) * 1000:9.1f}")


if __name__ == "__main__":
    main()
