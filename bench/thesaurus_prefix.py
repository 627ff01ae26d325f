"""Thesaurus prefix search: is the concept among the first five suggestions when a reader
has typed its first word and three characters of the next? The sample is rows of the
UNBIS label table (corpus/thesaurus/unbis-labels), each tried in all six languages: 30
rows make the 180-case sample of issue 16.

    .venv/bin/python bench/thesaurus_prefix.py [--rows 30] [--seed 16] [--misses]

The vocabulary is loaded from the files ``make demo-data`` loads (domain 13 SKOS, T-codes, the
label table, domains and microthesauri) into a fresh SQLite catalogue, then every
prefix goes through ``lookup.autocomplete`` (what the page, the API and the CLI call).
To measure another version of the code, run this file with its ``src`` first on
PYTHONPATH (``PYTHONPATH=/path/to/other/src``): the "before" figure in RESULTS.md
is the same script on the code before the fix.
"""

from __future__ import annotations

import argparse
import csv
import random
import sys
import tempfile
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ROOT / "corpus" / "thesaurus"
UNBIS = [CORPUS / "unbis-domain13" / "unbis-domain13.ttl",
         CORPUS / "unbis-domain13" / "tcode_to_metadata_un_org.tsv",
         CORPUS / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv",
         CORPUS / "unbis-labels" / "unbis_domains_microthesauri_2016.tsv"]
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
TOP = 5


def sample_rows(rows: int, seed: int) -> list[dict[str, str]]:
    with UNBIS[2].open(encoding="utf-8", newline="") as fh:
        table = list(csv.DictReader(fh, delimiter="\t", quoting=csv.QUOTE_NONE))
    return random.Random(seed).sample(table, rows)


def typed(label: str) -> str:
    """What a reader has typed: the first word and three characters of the next (the
    first four characters of a label of one word, or of a Chinese label)."""
    head, space, rest = label.partition(" ")
    return head + space + rest[:3] if space else label[:4]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, default=30)
    parser.add_argument("--seed", type=int, default=16)
    parser.add_argument("--misses", action="store_true", help="list every miss")
    args = parser.parse_args()

    from hemicycle.catalogue.db import get_engine, migrate, session_scope
    from hemicycle.config import load_settings
    from hemicycle.thesaurus import lookup
    from hemicycle.thesaurus.store import load_vocabulary

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(tmp)
        migrate(get_engine(settings.database_url))
        load_vocabulary(settings, "unbis", UNBIS)
        found: Counter = Counter()
        tried: Counter = Counter()
        misses = []
        with session_scope(settings.database_url) as db:
            vocab = lookup.vocabulary(db, "unbis")
            for row in sample_rows(args.rows, args.seed):
                for lang in LANGS:
                    label = row[lang].strip()
                    if not label:
                        continue
                    prefix = typed(label)
                    hits = lookup.autocomplete(db, vocab, prefix, lang, limit=TOP)
                    tried[lang] += 1
                    if row["uri"] in {h.uri for h in hits}:
                        found[lang] += 1
                    else:
                        misses.append((lang, prefix, label, row["uri"]))
    print(f"code: {sys.modules['hemicycle'].__file__}")
    print(f"sample: {args.rows} label rows x 6 languages, seed {args.seed}; "
          f"typed: first word + 3 characters; top {TOP}")
    print("| lang | found | tried |")
    print("|---|---|---|")
    for lang in LANGS:
        print(f"| {lang} | {found[lang]} | {tried[lang]} |")
    total, cases = sum(found.values()), sum(tried.values())
    print(f"| all | {total} | {cases} |")
    print(f"\n{total}/{cases} in the top {TOP} ({total / max(1, cases):.1%}); "
          f"misses by language: {dict(Counter(m[0] for m in misses))}")
    if args.misses:
        for lang, prefix, label, uri in misses:
            print(f"  {lang}  typed {prefix!r}  label {label!r}  {uri}")


if __name__ == "__main__":
    main()
