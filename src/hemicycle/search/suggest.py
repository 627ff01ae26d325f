"""“Did you mean”: spelling suggestions from the index's own words, per language.

Read side only: nothing here writes the index. Two sources, both from the index reader:

* the term dictionary (``Searcher.terms_with_prefix`` / ``doc_freq``) says whether a
  typed word is in the index at all, and how common a candidate is;
* a surface vocabulary (the words as written, per language) is read from the stored
  titles and the start of each stored text the first time a suggestion is needed for
  an index generation, kept in memory and in ``<data>/suggest/`` (rebuilt when the
  number of documents changes). Candidates are generated from it: a stem in the
  dictionary cannot be shown to a reader as a word.

A word is corrected when its terms are in no document. Candidates are the vocabulary
words within edit distance 1 (2 for words of five letters and more) of the typed word,
compared folded as everything else compares words (``hemicycle.languages.folding``:
accents, Arabic alef and hamza forms, ta marbuta, alef maksura, ё), so a word typed
without its accents or hamza comes back in the written form the index holds. The most
common candidate at the smallest distance wins. Chinese typed in traditional characters
is converted to simplified ones (zhconv).
"""

from __future__ import annotations

import gzip
import json
import re
import threading
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

import tantivy

from hemicycle.config import Settings
from hemicycle.languages import CODES
from hemicycle.languages.folding import fold
from hemicycle.search import location
from hemicycle.search.analysis import terms
from hemicycle.search.querylang import FIELDS, OPERATORS
from hemicycle.search.schema import stored_text_field, text_field, title_field

VOCABULARY_WORDS = 60_000  # the most frequent written forms kept per language
TEXT_CHARS = 20_000  # of each stored text, read for the vocabulary
MIN_WORD = 3
_WORD = re.compile(r"[^\W\d_]+")
_TOKEN = re.compile(r'(\s+|\(|\)|"[^"]*"?|[^\s()"]+)')
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_SCRIPTS = (("ar", re.compile(r"[\u0600-\u06ff]")), ("ru", re.compile(r"[\u0400-\u04ff]")),
            ("zh", _HAN))
LATIN = ("en", "fr", "es")


def languages_of(word: str, lang: str | None) -> list[str]:
    """The content languages a typed word may belong to (its script decides)."""
    if lang:
        return [lang]
    for code, pattern in _SCRIPTS:
        if pattern.search(word):
            return [code]
    return list(LATIN)


@dataclass
class Vocabulary:
    """Written forms per language: folded form -> (most common written form, count)."""

    key: str
    words: dict[str, dict[str, tuple[str, int]]]

    def alphabet(self, lang: str) -> str:
        """The letters edits try: those of the language's words, rare ones (a foreign
        name's) left out, since every extra letter costs a pass over each position."""
        cached = self._alphabets.get(lang)
        if cached is None:
            counts = Counter(c for w in self.words.get(lang, {}) for c in set(w))
            floor = max(1, len(self.words.get(lang, {})) // 500)
            cached = "".join(sorted(c for c, n in counts.items() if n >= floor))
            self._alphabets[lang] = cached
        return cached

    def __post_init__(self) -> None:
        self._alphabets: dict[str, str] = {}


def _count_words(searcher: tantivy.Searcher) -> dict[str, Counter]:
    counts = {code: Counter() for code in CODES if code != "zh"}
    everything = tantivy.Query.all_query()
    found = searcher.search(everything, max(1, searcher.num_docs), count=False)
    for _score, address in found.hits:
        doc = searcher.doc(address)
        payload = json.loads(bytes(doc.get_first("payload")))
        for code, counter in counts.items():
            parts = [payload.get("titles", {}).get(code) or ""]
            stored = doc.get_first(stored_text_field(code))
            if stored:
                parts.append(bytes(stored)[:TEXT_CHARS * 2].decode("utf-8", "ignore"))
            for part in parts:
                counter.update(w for w in _WORD.findall(part) if len(w) >= MIN_WORD)
    return counts


def _build(searcher: tantivy.Searcher, key: str) -> Vocabulary:
    words: dict[str, dict[str, tuple[str, int]]] = {}
    for code, counter in _count_words(searcher).items():
        by_fold: dict[str, tuple[str, int]] = {}
        merged: Counter = Counter()
        for word, n in counter.items():
            merged[word.lower()] += n
        for word, n in merged.most_common(VOCABULARY_WORDS):
            folded = fold(word, code)
            best = by_fold.get(folded)
            if best is None:
                by_fold[folded] = (word, n)
            else:  # the folded form's total, shown as its most common spelling
                by_fold[folded] = (best[0], best[1] + n)
        words[code] = by_fold
    return Vocabulary(key=key, words=words)


_cache: dict[str, Vocabulary] = {}
_lock = threading.Lock()


def _store_path(settings: Settings, key: str) -> Path:
    return settings.data_dir / "suggest" / f"{key}.json.gz"


def vocabulary(settings: Settings) -> Vocabulary | None:
    """The vocabulary of the current index (None when there is no index yet)."""
    path = location.current_path(settings)
    if not location.is_usable(path):
        return None
    searcher = location.open_index(path).searcher()
    key = f"{path.name}-{searcher.num_docs}"
    with _lock:
        found = _cache.get(str(settings.data_dir))
        if found is not None and found.key == key:
            return found
        stored = _store_path(settings, key)
        if stored.is_file():
            with gzip.open(stored, "rt", encoding="utf-8") as fh:
                data = json.load(fh)
            vocab = Vocabulary(key=key, words={c: {k: tuple(v) for k, v in m.items()}
                                               for c, m in data.items()})
        else:
            vocab = _build(searcher, key)
            stored.parent.mkdir(parents=True, exist_ok=True)
            for old in stored.parent.glob("*.json.gz"):
                old.unlink(missing_ok=True)
            tmp = stored.with_suffix(".tmp")
            with gzip.open(tmp, "wt", encoding="utf-8") as fh:
                json.dump(vocab.words, fh, ensure_ascii=False)
            tmp.replace(stored)
        _cache[str(settings.data_dir)] = vocab
        return vocab


def _edits1(word: str, alphabet: str) -> set[str]:
    splits = [(word[:i], word[i:]) for i in range(len(word) + 1)]
    deletes = {a + b[1:] for a, b in splits if b}
    swaps = {a + b[1] + b[0] + b[2:] for a, b in splits if len(b) > 1}
    replaces = {a + c + b[1:] for a, b in splits if b for c in alphabet}
    inserts = {a + c + b for a, b in splits for c in alphabet}
    return deletes | swaps | replaces | inserts


def in_index(searcher: tantivy.Searcher, lang: str, word: str) -> int:
    """How many documents hold ``word`` (as the ``lang`` analyzer reads it) in a title or text."""
    toks = terms(lang, word)
    if not toks:
        return 0
    return max(searcher.doc_freq(title_field(lang), toks[0]),
               searcher.doc_freq(text_field(lang), toks[0]))


def correct_word(searcher: tantivy.Searcher, vocab: Vocabulary, word: str,
                 lang: str | None) -> str | None:
    """A better spelling of ``word`` from the index, or None (known word, or no candidate)."""
    langs = [c for c in languages_of(word, lang) if c != "zh"]
    if not langs or any(in_index(searcher, c, word) for c in langs):
        return None
    best: tuple[int, int, str] | None = None  # (distance, -documents, word)
    edits: dict[str, set[str]] = {}
    for distance in (0, 1, 2):
        for code in langs:
            words = vocab.words.get(code, {})
            typed = fold(word, code)
            if not words or (distance == 2 and len(typed) < 5):
                continue
            if distance == 0:
                found = {typed} & words.keys()
            elif distance == 1:
                edits[code] = _edits1(typed, vocab.alphabet(code))
                found = edits[code] & words.keys()
            else:
                alphabet = vocab.alphabet(code)
                found = {w for edit in edits[code] for w in _edits1(edit, alphabet)
                         if w in words}
            for folded in found:
                written = words[folded][0]
                documents = in_index(searcher, code, written)
                if documents and (best is None or (distance, -documents, written) < best):
                    best = (distance, -documents, written)
        if best is not None:
            break
    if best is None:
        return None
    written = best[2]
    # keep the reader's capitalisation where the word was typed capitalised
    return written.capitalize() if word[:1].isupper() and written.islower() else written


def _convert_chinese(text: str) -> str:
    import zhconv

    return zhconv.convert(text, "zh-cn")


def _correct_text(searcher: tantivy.Searcher, vocab: Vocabulary, text: str,
                  lang: str | None) -> str:
    def swap(match: re.Match) -> str:
        word = match.group()
        if len(word) < MIN_WORD:
            return word
        return correct_word(searcher, vocab, word, lang) or word
    return _WORD.sub(swap, text)


def suggest(settings: Settings, q: str, lang: str | None = None) -> str | None:
    """The query with its misspelt words corrected, or None when nothing changes.

    Only plain words and the words of phrases are corrected: fields (``symbol:``),
    operators and prefixes (``climat*``) are kept as typed.
    """
    if not q or not q.strip():
        return None
    out: list[str] = []
    changed = False
    vocab = None
    searcher = None
    for token in _TOKEN.findall(q):
        replacement = token
        if _HAN.search(token) and lang in (None, "zh"):
            replacement = _convert_chinese(token)
        elif not token.isspace() and token not in "()" and token not in OPERATORS:
            name, sep, _rest = token.partition(":")
            sign = token[0] if token[0] in "+-" and len(token) > 1 else ""
            symbol_like = "/" in token or any(c.isdigit() for c in token)
            if not (sep and name.lower() in FIELDS) and not token.endswith("*") \
                    and not symbol_like:
                if vocab is None:
                    vocab = vocabulary(settings)
                    if vocab is None:
                        return None
                    searcher = location.searchable_index(settings).searcher()
                replacement = sign + _correct_text(searcher, vocab, token[len(sign):], lang)
        changed |= replacement != token
        out.append(replacement)
    return "".join(out) if changed else None
