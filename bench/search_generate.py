"""A synthetic corpus for the search benchmarks whose words are distributed as in the real one.

* Text: new text spliced from all the real text we have, per language: both UN Parallel
  Corpus sets (the 731 test-set and 732 dev-set documents of 2015, six languages,
  /work/shared/data), and in English also the 902 CR-UNSC resolutions and the 666 General
  Debate speeches of corpus/documents. Each generated document follows one real source
  document: it walks that document's words, and every ~10 words jumps either to the start
  of another of its sentences (so its topic words come back, as in a real document)
  or to another occurrence, anywhere in the language, of the word it stands on (so the
  junction reads as real text and every word keeps its real frequency). No line is copied
  whole: phrases and terms match as often as they would in a library of that size, not
  once per repeated line. Chinese is walked character by character.
* Lengths: log-normal (median ~90 words a language version, a long tail to 1,500), about
  3.5 KB of text a document on average, as before.
* Two documents in three are in all six languages, each language walked from the same
  source document (a UNPC one, which has all six); one in three is English only, walked
  from any English source (a resolution, a speech, a UNPC document).
* Symbols: the patterns of the 1,463 real UNPC symbols (A/69/L.63, S/2015/305,
  E/ICEF/2015/4/Rev.1 ...), with their numbers redrawn: the year, the GA session
  (year - 1945) and every other number (within twice its real size); English-only
  documents get S/RES/n (year) symbols. Body, session and type come from
  ``hemicycle.symbols`` as at ingest, so the body mix is the real one.
* Years: 1946-2024, weighted to grow linearly (there are more documents every decade).
* Subjects: 0-3 UNBIS concepts (English labels, upper case) drawn with a Zipf-like law
  from the first 400 concepts of ../shared/data/unbis-labels.

``records(n, seed)`` yields ``hemicycle.search.records.IndexRecord`` objects (the same
records for the same seed, whatever ``n``); run this file to write JSON lines
(``python bench/search_generate.py 1000 > corpus.jsonl``) or, with ``--stats``, to compare
the term frequencies of a generated sample with those of the real text.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import random
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path

import numpy as np

from hemicycle.search.records import IndexRecord
from hemicycle.symbols import SymbolError, parse_symbol

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared" / "data"
CORPUS = ROOT / "corpus" / "documents"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
UNPC_SETS = (SHARED / "unpc-testset" / "UNv1.0.testset", SHARED / "subjects-dev" / "unpc-devset"
             / "UNv1.0.devset")
BATCH = 4096  # documents generated together (records depend on the seed and their number)
JUMP = 0.1  # chance, at each word, of jumping elsewhere: spans of ~10 real words
LOCAL = 0.5  # of the jumps, the share that stays in the source document
MEDIAN_WORDS, SIGMA, MAX_WORDS = 90, 0.8, 1500
CHARS_PER_WORD = {"zh": 1.6}  # Chinese is walked by character
END = 0  # token id closing every source document
GROUP = 40  # UNPC sentences walked together (see ``_unpc_documents``)


@dataclass
class Pool:
    """The real text of one language as one array of token ids, document after document."""

    vocab: np.ndarray  # token id -> its text (object array)
    tokens: np.ndarray  # every token of every source document, each document closed by END
    starts: np.ndarray  # source document -> index of its first token
    lengths: np.ndarray  # source document -> its number of tokens (END not counted)
    occurrences: np.ndarray  # positions of the tokens, grouped by token id
    first: np.ndarray  # token id -> where its positions start in ``occurrences``
    count: np.ndarray  # token id -> how many positions
    sentences: np.ndarray  # positions where a sentence starts, document after document
    first_sentence: np.ndarray  # source document -> its first entry in ``sentences``
    sentence_count: np.ndarray  # source document -> its number of sentences
    joiner: str


def _unpc_documents() -> tuple[list[str], dict[str, list[list[str]]]]:
    """The UNPC documents of both sets (their symbols) and, per language, their sentences
    in groups of at least ``GROUP`` sentences: the sets hold a few sentences of each
    document (one, often), too few to walk without repeating them; documents next to each
    other by symbol (a committee's reports, a session's letters) are walked together."""
    symbols: list[str] = []
    docs: dict[str, list[list[str]]] = {lang: [] for lang in LANGS}
    for stem in UNPC_SETS:
        ids = [line.split()[0] for line in Path(f"{stem}.ids").read_text().splitlines()]
        lines = {lang: Path(f"{stem}.{lang}").read_text(encoding="utf-8").splitlines()
                 for lang in LANGS}
        order: dict[str, int] = {}
        for i, doc_id in enumerate(ids):
            if doc_id not in order:
                order[doc_id] = len(symbols)
                symbols.append(doc_id.split("/", 1)[1])
                for lang in LANGS:
                    docs[lang].append([])
            for lang in LANGS:
                docs[lang][order[doc_id]].append(lines[lang][i])
    groups: dict[str, list[list[str]]] = {lang: [] for lang in LANGS}
    size = GROUP
    for i in sorted(range(len(symbols)), key=lambda i: symbols[i]):
        if size >= GROUP:
            for lang in LANGS:
                groups[lang].append([])
            size = 0
        for lang in LANGS:
            groups[lang][-1].extend(docs[lang][i])
        size += len(docs["en"][i])
    return symbols, groups


def _english_documents() -> list[list[str]]:
    """Resolutions and General Debate speeches, as lists of paragraphs."""
    out = []
    for folder in ("cr-unsc", "ungdc"):
        for path in sorted((CORPUS / folder / "files").glob("*.txt")):
            paras = [p.strip() for p in path.read_text(encoding="utf-8").splitlines()
                     if p.strip()]
            if paras:
                out.append(paras)
    return out


def _tokens(lang: str, sentence: str) -> list[str]:
    if lang == "zh":
        return [ch for ch in sentence if not ch.isspace()]
    return sentence.split()


def _pool(lang: str, documents: list[list[str]]) -> Pool:
    ids: dict[str, int] = {"": END, "\n": 1}
    tokens: list[int] = []
    starts, lengths, sentences, first_sentence = [], [], [], []
    for doc in documents:
        starts.append(len(tokens))
        first_sentence.append(len(sentences))
        for sentence in doc:
            sentences.append(len(tokens))
            tokens.extend(ids.setdefault(tok, len(ids)) for tok in _tokens(lang, sentence))
            tokens.append(1)
        lengths.append(len(tokens) - starts[-1])
        tokens.append(END)
    array = np.array(tokens, dtype=np.int32)
    order = np.argsort(array, kind="stable").astype(np.int64)
    count = np.bincount(array, minlength=len(ids)).astype(np.int64)
    first = np.concatenate(([0], np.cumsum(count)[:-1]))
    vocab = np.empty(len(ids), dtype=object)
    for text, i in ids.items():
        vocab[i] = text
    first_sentence.append(len(sentences))
    return Pool(vocab, array, np.array(starts), np.array(lengths), order, first, count,
                np.array(sentences), np.array(first_sentence[:-1]), np.diff(first_sentence),
                "" if lang == "zh" else " ")


@cache
def sources() -> tuple[list[str], dict[str, Pool], int]:
    """UNPC symbols, one pool per language, and how many of the English pool's documents
    are UNPC groups (they come first, in the same order as in every other language)."""
    symbols, groups = _unpc_documents()
    pools = {lang: _pool(lang, groups[lang] + (_english_documents() if lang == "en" else []))
             for lang in LANGS}
    return symbols, pools, len(groups["en"])


def walk(pool: Pool, source: np.ndarray, lengths: np.ndarray,
         rng: np.random.Generator) -> list[str]:
    """One text per source document: ``lengths[i]`` tokens walked from ``source[i]``."""
    n, steps = len(source), int(lengths.max())
    out = np.empty((steps, n), dtype=np.int32)
    start, size = pool.starts[source], pool.lengths[source]
    first_sentence, sentence_count = pool.first_sentence[source], pool.sentence_count[source]
    pos = start + (rng.random(n) * size).astype(np.int64)
    for step in range(steps):
        tok = pool.tokens[pos]
        out[step] = tok
        pos = pos + 1
        jump = rng.random(n) < JUMP
        local = jump & (rng.random(n) < LOCAL)
        if local.any():  # to the start of one of the source document's sentences
            pick = first_sentence[local] + (rng.random(int(local.sum()))
                                            * sentence_count[local]).astype(np.int64)
            pos[local] = pool.sentences[pick]
        onward = jump & ~local
        if onward.any():
            words = tok[onward]
            pick = pool.first[words] + (rng.random(len(words)) * pool.count[words]).astype(
                np.int64)
            pos[onward] = pool.occurrences[pick] + 1
        ended = pool.tokens[pos] == END
        if ended.any():
            pos[ended] = start[ended]
    texts = []
    for i in range(n):
        words = pool.vocab[out[:lengths[i], i]]
        text = pool.joiner.join(words)
        texts.append(re.sub(r" ?\n ?", "\n", text).strip() if pool.joiner else text.strip())
    return texts


def _lengths(rng: np.random.Generator, n: int, lang: str) -> np.ndarray:
    words = np.minimum(MAX_WORDS, np.exp(rng.normal(np.log(MEDIAN_WORDS), SIGMA, n)))
    return np.maximum(8, (words * CHARS_PER_WORD.get(lang, 1.0)).astype(np.int64))


def _title(text: str) -> str:
    return text.split("\n", 1)[0][:150].strip()


@cache
def real_symbols() -> list[str]:
    out = []
    for symbol in sorted(set(sources()[0])):
        try:
            out.append(parse_symbol(symbol).canonical)
        except SymbolError:
            continue
    return out


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


def _texts(batch: int, count: int, seed: int) -> list[dict[str, str]]:
    """The texts of ``count`` documents of batch number ``batch``."""
    _symbols, pools, unpc = sources()
    rng = np.random.default_rng([seed, batch])
    multilingual = rng.random(count) < 2 / 3
    english_sources = len(pools["en"].starts)
    source = np.where(multilingual, rng.integers(0, unpc, count),
                      rng.integers(0, english_sources, count))
    texts: list[dict[str, str]] = [{} for _ in range(count)]
    for lang in LANGS:
        chosen = np.arange(count) if lang == "en" else np.flatnonzero(multilingual)
        if not len(chosen):
            continue
        for i, text in zip(chosen, walk(pools[lang], source[chosen],
                                        _lengths(rng, len(chosen), lang), rng), strict=True):
            texts[i][lang] = text
    return texts


def records(n: int, seed: int = 2026, start_id: int = 1,
            ids: list[int] | None = None) -> Iterator[IndexRecord]:
    """``n`` records; the i-th has id ``ids[i]`` if given, else ``start_id + i``."""
    symbols = real_symbols()
    labels = subject_labels()
    weights = [1 / (i + 1) for i in range(len(labels))]
    for batch_start in range(0, n, BATCH):
        count = min(BATCH, n - batch_start)
        batch = batch_start // BATCH
        rng = random.Random(f"{seed}-{batch}")
        for j, texts in enumerate(_texts(batch, count, seed)):
            i = batch_start + j
            year = _year(rng)
            if len(texts) > 1:
                pattern = rng.choice(symbols)
                try:
                    sym = parse_symbol(_redraw(pattern, year, rng))
                except SymbolError:
                    sym = parse_symbol(pattern)
            else:
                sym = parse_symbol(f"S/RES/{rng.randint(1, 2800)} ({year})")
            date = dt.date(year, rng.randint(1, 12), rng.randint(1, 28))
            subjects = sorted(set(rng.choices(labels, weights, k=rng.randint(0, 3))))
            yield IndexRecord(
                id=ids[i] if ids is not None else start_id + i, uid=f"{seed:x}{i:012x}",
                symbol=sym.canonical, doc_type=sym.doc_type, body=sym.body, session=sym.session,
                year=sym.year or year, date=date, symbols=[sym.canonical],
                symbol_keys=[sym.key], titles={lang: _title(t) for lang, t in texts.items()},
                texts=texts, subjects=subjects,
            )


def _words(lang: str, text: str) -> list[str]:
    if lang == "zh":
        return re.findall(r"[\u4e00-\u9fff]", text)
    return re.findall(r"[^\W\d_]+", text.lower())


def stats(n: int) -> None:
    """Term frequencies of ``n`` generated documents against the real text, per language:
    distinct words, the share of tokens the 10 / 100 / 1,000 commonest words take, the
    rank correlation of the 1,000 commonest, and how many lines occur more than once."""
    _symbols, pools, _unpc = sources()
    generated: dict[str, list[str]] = {lang: [] for lang in LANGS}
    for record in records(n):
        for lang, text in record.texts.items():
            generated[lang].append(text)
    print(f"{n:,} generated documents against the real text they are drawn from")
    print(f"{'lang':4} {'':9} {'tokens':>11} {'distinct':>9} {'top10':>6} {'top100':>7} "
          f"{'top1000':>8} {'lines':>9} {'repeated':>9}")
    for lang in LANGS:
        pool = pools[lang]
        real_text = pool.joiner.join(pool.vocab[pool.tokens])
        for name, texts in (("real", [real_text]), ("generated", generated[lang])):
            counts: Counter[str] = Counter()
            lines: Counter[str] = Counter()
            for text in texts:
                counts.update(_words(lang, text))
                lines.update(line for line in text.split("\n") if len(line) > 20)
            total = sum(counts.values()) or 1
            ranked = [c for _, c in counts.most_common(1000)]
            repeated = sum(c for c in lines.values() if c > 1)
            print(f"{lang:4} {name:9} {total:11,} {len(counts):9,} "
                  f"{sum(ranked[:10]) / total:6.1%} {sum(ranked[:100]) / total:7.1%} "
                  f"{sum(ranked) / total:8.1%} {sum(lines.values()):9,} "
                  f"{repeated / max(1, sum(lines.values())):9.1%}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("n", type=int, nargs="?", default=1000)
    parser.add_argument("--stats", action="store_true",
                        help="compare term frequencies with the real text instead")
    args = parser.parse_args()
    if args.stats:
        stats(args.n)
        return
    for record in records(args.n):
        row = asdict(record)
        row["date"] = record.date.isoformat() if record.date else None
        print(json.dumps(row, ensure_ascii=False))


if __name__ == "__main__":
    main()
