"""Agenda items read by ``hemicycle.describe`` against what real data says, beside a naive
regex, per language, in the same run.

What gold exists in the bundled data (searched: /work/shared/data and corpus/): no table
of General Assembly agenda items per document (CR-UNSC's ``agenda_information`` is only in
its codebook, the full data set is not bundled; no MARC 991 field in any bundled file;
unvotes has no agenda items). The one independent source is the Security Council Index
to Proceedings (corpus/subjects/itp, the Dag Hammarskjold Library's own indexing): the
agenda subject under which it lists each Council document. So:

1. **ITP** (Council documents of the UN Parallel Corpus test set in the demo and of its
   dev set that the ITP lists): a reading is right when every word of the ITP subject's
   first component ("MIDDLE EAST SITUATION") is in the title read (English; the other
   languages have no gold, only what was found).
2. **Agreement across the six language versions** (every UNPC document, test and dev):
   the item number read in one language against the number most other versions give.
   Agreement, not accuracy: the same wrong reading in every language agrees.
3. **Titles that are sentences** among the titles read (``describe.is_sentence``).

The baseline: the first "agenda item N" / "item N" / "point N" / "tema N" / "пункт N" /
"البند N" / "议程项目 N" anywhere in the text, its title the next line.

    .venv/bin/python bench/describe_agenda.py [--json]
"""

from __future__ import annotations

import argparse
import csv
import json
import re
import sys
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from hemicycle.describe import is_sentence  # noqa: E402
from hemicycle.describe.agenda import agenda_item  # noqa: E402
from hemicycle.describe.kinds import kind_of_line  # noqa: E402
from hemicycle.describe.numbers import ascii_digits  # noqa: E402
from hemicycle.languages import CODES  # noqa: E402

CORPUS = ROOT / "corpus"
_NAIVE = re.compile(r"(?:agenda\s+items?|items?|points?|temas?|пункты?|البند|议程项目)\s*"
                    r"(\d{1,3}(?:\s?\([a-z]\)|[a-z])?)", re.I)


def naive(text: str) -> tuple[str, str | None] | None:
    lines = ascii_digits(text).splitlines()
    for number, line in enumerate(lines):
        m = _NAIVE.search(line)
        if m:
            following = lines[number + 1].strip() if number + 1 < len(lines) else ""
            return re.sub(r"\s+", "", m.group(1)), following or None
    return None


def ours(text: str) -> tuple[str, str | None] | None:
    found = agenda_item(text, not_title=kind_of_line)
    return (found.item, found.title) if found else None


def key(symbol: str) -> str:
    return symbol.strip().upper().replace("_", ".")


def documents() -> dict[str, dict[str, str]]:
    """symbol key -> language -> text, for the UNPC test set (demo) and dev set."""
    docs: dict[str, dict[str, str]] = defaultdict(dict)
    folder = CORPUS / "documents" / "unpc"
    for line in (folder / "manifest.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        docs[key(row["symbol"])][row["language"]] = (folder / row["file"]).read_text(
            encoding="utf-8")
    dev = CORPUS / "subjects" / "unpc-dev"
    ids = [line.split()[0].split("/", 1)[1] for line in
           (dev / "UNv1.0.devset.ids").read_text(encoding="utf-8").splitlines()]
    for lang in CODES:
        lines = (dev / f"UNv1.0.devset.{lang}").read_text(encoding="utf-8").splitlines()
        grouped: dict[str, list[str]] = defaultdict(list)
        for doc_id, line in zip(ids, lines, strict=True):
            grouped[key(doc_id)].append(line)
        for doc_id, kept in grouped.items():
            docs[doc_id].setdefault(lang, "\n".join(kept))
    return docs


def itp_subjects() -> dict[str, set[str]]:
    out: dict[str, set[str]] = defaultdict(set)
    path = CORPUS / "subjects" / "itp" / "itp_sc_2005_2017_entries_minus_heldout.tsv"
    with path.open(encoding="utf-8") as f:
        for row in csv.DictReader(f, delimiter="\t"):
            for symbol in row["docsymbols"].split("|"):
                out[key(symbol)].add(row["subject"].split("--")[0].strip())
    return out


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"\w+", text.lower()) if len(w) > 2}


def matches(title: str | None, subjects: set[str]) -> bool:
    return bool(title) and any(_words(s) <= _words(title) for s in subjects)


def measure() -> dict:
    docs, gold = documents(), itp_subjects()
    readers = {"baseline": naive, "ours": ours}
    readings = {name: {d: {lang: fn(t) for lang, t in texts.items()}
                       for d, texts in docs.items()} for name, fn in readers.items()}
    report: dict = {"documents": len(docs), "itp_documents": sum(d in gold for d in docs)}
    for name, table in readings.items():
        itp: dict[str, Counter] = defaultdict(Counter)
        agree: dict[str, Counter] = defaultdict(Counter)
        sentences: dict[str, Counter] = defaultdict(Counter)
        for doc_id, by_lang in table.items():
            for lang, reading in by_lang.items():
                if doc_id in gold:
                    itp[lang]["n"] += 1
                    if reading:
                        itp[lang]["found"] += 1
                        itp[lang]["right"] += lang == "en" and matches(reading[1], gold[doc_id])
                if reading and reading[1]:
                    sentences[lang]["titles"] += 1
                    sentences[lang]["sentences"] += is_sentence(reading[1])
                others = Counter(r[0] for other, r in by_lang.items() if other != lang and r)
                if reading and sum(others.values()) >= 2:
                    agree[lang]["n"] += 1
                    agree[lang]["agree"] += reading[0] == others.most_common(1)[0][0]
        report[name] = {"itp": itp, "agreement": agree, "sentence_titles": sentences}
    return report


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    report = measure()
    if args.json:
        print(json.dumps(report, indent=1, ensure_ascii=False))
        return
    print(f"{report['documents']} UNPC documents (test + dev), {report['itp_documents']} "
          "listed by the ITP")
    print(f"{'':9} {'lang':4} {'ITP n':>6} {'found':>6} {'right(en)':>9} "
          f"{'agree/n':>9} {'sentence titles':>16}")
    for name in ("baseline", "ours"):
        r = report[name]
        for lang in CODES:
            itp, agree, sent = r["itp"][lang], r["agreement"][lang], r["sentence_titles"][lang]
            right = str(itp["right"]) if lang == "en" else "-"
            print(f"{name:9} {lang:4} {itp['n']:6} {itp['found']:6} {right:>9} "
                  f"{agree['agree']:>4}/{agree['n']:<4} "
                  f"{sent['sentences']:>7}/{sent['titles']:<8}")


if __name__ == "__main__":
    main()
