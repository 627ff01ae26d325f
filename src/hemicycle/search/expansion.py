"""Cross-lingual search through the thesaurus: a query that names UNBIS concepts also
finds the documents indexed with them, or holding their labels, in every language.

A query of plain words and phrases (no field, operator or prefix; not a symbol) is read
as a run of words. Every run of them (for Chinese, every run of characters as well, and
words typed with spaces between them joined) is looked up among the labels of UNBIS
(preferred and alternative) in two ways, per language: folded as the thesaurus folds its
labels (``thesaurus.keys.fold``), and cut into the terms the search itself makes of it
(``search.analysis.terms``: the language's fold and Snowball stemmer, so that "réfugié"
meets RÉFUGIÉS and اللاجئين meets اللاجئون; Chinese is not stemmed, and a label inside a
run of characters is the search's bigrams inside the run's). A run that is a whole label
as folded takes only those concepts (and of several labels that fold alike, those spelt
as typed, ``languages.folding.spelling``: المرأة is WOMEN, not المرآة, MIRRORS); one that
is a label only once stemmed takes those spelt closest to it, each word a form of the
label's (``languages.inflection``: "security" is not SECURITIES, "international" not
INTERNATIONALISM, which stem alike), and only in a language the words may be written in.
A word alone that the thesaurus itself uses, as typed, in the labels of that language is
not read as another word of them that stems alike unless the two are one word there: a
concept whose labels hold the typed word and the concept met share a term in a language of
another script ("refugee" in REFUGEE SEAFARERS is the word of REFUGEES: لاجئ, 难民 in both; the
Russian "после" (after) of "доход после выхода на пенсию" is not "послы", AMBASSADORS,
nor the French "action" of ACTION SOCIALE the "actions" of STOCKS).
Where several of the languages share a script (Latin: en, fr, es), a short word is often
a word of another of them ("per", "part", "solo" stem like the Spanish PERAS, PARTO, SOL):
there every word of the run needs ``MIN_SHARED_SCRIPT_CHARS`` letters, and none may be a
word of another such language's labels and of none of this one's.
The longest runs that name a concept are kept, none overlapping another, up to
``MAX_CONCEPTS`` concepts; a common word alone (``languages.common_words``, in any
language: "the" is the French "thé"), or a word that stems as one does, names none.
The expansion asks, for each run kept, for one of its concepts: in the ``subject``
field, or its prefLabel as a phrase in the title or text of each language (but the
languages where the prefLabel is the words as typed: the query looks there). Runs are
joined by AND, words outside every run are left out of it. It never hurts the query as
typed: what it finds comes first, in the same order as without the expansion (its
documents score ``AS_TYPED_SCORE`` more), and the expansion only adds the documents it
does not find, after them, ranked by how well they match the concepts (weighted
``WEIGHT``; a document indexed with a concept weighs ``SUBJECT_WEIGHT`` times a label).
"""

from __future__ import annotations

import logging
import re
import threading
import time
from dataclasses import asdict, dataclass, field
from functools import lru_cache

import tantivy
from sqlalchemy.exc import SQLAlchemyError

from hemicycle.config import Settings
from hemicycle.languages import BY_CODE, CODES
from hemicycle.languages.chinese import HAN
from hemicycle.languages.common_words import COMMON_WORDS
from hemicycle.languages.folding import drop_article, spelling
from hemicycle.languages.inflection import inflected_words
from hemicycle.search.analysis import word_terms
from hemicycle.search.querylang import Leaf, Node, Tree

log = logging.getLogger(__name__)

VOCAB = "unbis"
MAX_CONCEPTS = 8  # concepts expanded at most; the others are reported, not searched
MAX_RUN_WORDS = 8  # the longest label looked for, in words (UNBIS labels are shorter)
MAX_RUN_CHARS = 16  # the longest run of Chinese characters looked for as a label
MIN_KEY_CHARS = 2  # a shorter key (one letter) names no concept worth searching for
MIN_SHARED_SCRIPT_CHARS = 5  # letters of each word met once stemmed, in a shared script
WEIGHT = 0.5  # of the expansion against the query as typed
# added to every document the query finds as typed: above any score of the expansion (a
# few points), far below PHRASE_SCORE, small enough for float32 to keep every difference
AS_TYPED_SCORE = 100.0
SUBJECT_WEIGHT = 2.0  # a document indexed with the concept, against one naming it
RECHECK_S = 2.0  # how often a process looks whether the thesaurus was reloaded
MAX_CATALOGUES = 8  # label tables kept per process (one per catalogue it searches)

_EDGE_PUNCTUATION = re.compile(r"^[^\w]+|[^\w]+$")
_HAN_RUN = re.compile(f"[{HAN}]+")


@dataclass
class Concept:
    uri: str
    id: str  # local id: /thesaurus/unbis/{id}
    matched: str  # the words of the query that are one of its labels
    labels: dict[str, str] = field(default_factory=dict)  # language -> prefLabel
    # languages whose prefLabel is the words as typed: the query itself looks for it there
    typed: list[str] = field(default_factory=list)


@dataclass
class Expansion:
    """What a search also looked for, and why it looked for nothing more.

    ``reason`` when ``concepts`` is empty: off, empty, symbol, syntax (fields, operators,
    prefixes), no_thesaurus or no_match."""

    concepts: list[Concept] = field(default_factory=list)
    runs: list[list[Concept]] = field(default_factory=list)  # AND of runs, OR within one
    left_out: int = 0  # concepts matched beyond MAX_CONCEPTS, not searched
    reason: str | None = None

    def as_dict(self) -> dict:
        return {"used": bool(self.concepts), "reason": self.reason,
                "concepts": [asdict(c) for c in self.concepts], "left_out": self.left_out}


def plain_words(tree: Tree | None) -> list[str] | None:
    """The words of a query made of words and phrases only, in order (None otherwise)."""
    leaves = [tree] if isinstance(tree, Leaf) else (
        list(tree.children) if isinstance(tree, Node) and tree.op == "and" else None)
    if not leaves or not all(isinstance(leaf, Leaf) and leaf.field is None
                             and not leaf.prefix for leaf in leaves):
        return None
    words = []
    for leaf in leaves:
        for word in leaf.text.split():
            word = _EDGE_PUNCTUATION.sub("", word)
            if word:
                words.append(word)
    return words


@dataclass(frozen=True)
class _Run:
    """Words ``start``..``end`` of the query (or characters ``chars`` of one word)."""

    start: int
    end: int
    chars: tuple[int, int] | None = None

    def text(self, words: list[str]) -> str:
        if self.chars is not None:
            return words[self.start][self.chars[0]:self.chars[1]]
        return " ".join(words[self.start:self.end])

    def cells(self, words: list[str]) -> set[tuple[int, int]]:
        if self.chars is not None:
            return {(self.start, k) for k in range(*self.chars)}
        return {(w, k) for w in range(self.start, self.end) for k in range(len(words[w]))}


@lru_cache(maxsize=4096)
def _fold(word: str, lang: str) -> str:
    from hemicycle.thesaurus.keys import fold

    return fold(word, lang)


@lru_cache(maxsize=1)
def _common_keys() -> frozenset[str]:
    """The common words of every language, folded in every language."""
    return frozenset(_fold(word, lang) for words in COMMON_WORDS.values() for word in words
                     for lang in CODES)


def _common(word: str) -> bool:
    """A word too common to be read alone as a concept ("the" is the French "thé")."""
    return any(_fold(word, lang) in _common_keys() for lang in CODES)


def stem_key(text: str, lang: str) -> str:
    """``text`` as the terms the search makes of it in ``lang`` (not Chinese: its labels
    are matched as runs of characters, which its bigrams are too)."""
    if lang == "zh":
        return ""
    return " ".join(t for word in text.split() for t in word_terms(lang, word))


@lru_cache(maxsize=len(CODES))
def _common_stems(lang: str) -> frozenset[str]:
    """The common words of every language, stemmed as ``lang``'s search stems them."""
    return frozenset(stem_key(word, lang) for words in COMMON_WORDS.values()
                     for word in words)


def _stem_keys(words: list[str]) -> dict[str, dict[str, set[_Run]]]:
    """language -> the terms a run of the query makes in the search (``stem_key``) -> the
    runs that make them."""
    out: dict[str, dict[str, set[_Run]]] = {}
    for lang in CODES:
        if lang == "zh":
            continue
        stems = [stem_key(word, lang) for word in words]
        common = _common_stems(lang)
        by_key = out[lang] = {}
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_RUN_WORDS) + 1):
                key = " ".join(s for s in stems[start:end] if s)
                if len(key) >= MIN_KEY_CHARS and not (end == start + 1 and key in common):
                    by_key.setdefault(key, set()).add(_Run(start, end))
    return out


def _candidate_keys(words: list[str]) -> dict[str, dict[str, set[_Run]]]:
    """language -> label key -> the runs of the query that fold to it (each word folded
    as the thesaurus folds a label: its fold works word by word)."""
    out: dict[str, dict[str, set[_Run]]] = {lang: {} for lang in CODES}
    common = [_common(word) for word in words]
    for lang in CODES:
        folded = [_fold(word, lang) for word in words]
        for start in range(len(words)):
            for end in range(start + 1, min(len(words), start + MAX_RUN_WORDS) + 1):
                key = " ".join(w for w in folded[start:end] if w)
                if len(key) >= MIN_KEY_CHARS and not (end == start + 1 and common[start]):
                    out[lang].setdefault(key, set()).add(_Run(start, end))
    for w, word in enumerate(words):  # Chinese labels inside a run of characters
        folded = _fold(word, "zh")
        if len(folded) != len(word):  # a character folded to several: as typed
            folded = word
        for match in _HAN_RUN.finditer(folded):
            a, b = match.span()
            for i in range(a, b):
                for j in range(i + 2, min(b, i + MAX_RUN_CHARS) + 1):
                    if (i, j) != (0, len(word)):
                        out["zh"].setdefault(folded[i:j], set()).add(_Run(w, w + 1, (i, j)))
    for start in range(len(words)):  # Chinese written with spaces between its words
        for end in range(start + 2, min(len(words), start + MAX_RUN_WORDS) + 1):
            if all(_HAN_RUN.fullmatch(word) for word in words[start:end]):
                joined = _fold("".join(words[start:end]), "zh")
                out["zh"].setdefault(joined, set()).add(_Run(start, end))
    return out


@dataclass
class _Labels:
    """The thesaurus' labels as the expansion reads them, kept in memory per catalogue."""

    version: tuple[int, int] | None
    checked: float
    concepts: dict[str, dict[str, list[tuple[str, str]]]]  # lang -> key -> (uri, local id)
    # lang -> stem_key -> (uri, local id, the label as folded)
    stems: dict[str, dict[str, list[tuple[str, str, str]]]]
    # lang -> every word of its labels, as folded -> the concepts whose labels hold it
    words: dict[str, dict[str, set[str]]]
    prefs: dict[str, dict[str, str]]  # uri -> lang -> prefLabel
    # (lang, key) -> concept URI -> its labels' ``_spelt`` keys, for the keys several
    # concepts share
    spelt: dict[tuple[str, str], dict[str, set[str]]] = field(default_factory=dict)


_TABLES: dict[str, _Labels] = {}
_TABLES_LOCK = threading.Lock()


def _labels(settings: Settings) -> _Labels:
    """The label table of the catalogue, read again when the thesaurus' version has
    changed (looked at most every ``RECHECK_S`` seconds)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.thesaurus import label_keys, vocabulary_version

    url = settings.database_url
    table = _TABLES.get(url)
    now = time.monotonic()
    if table is not None and now - table.checked < RECHECK_S:
        return table
    with _TABLES_LOCK:
        table = _TABLES.get(url)
        if table is not None and now - table.checked < RECHECK_S:
            return table
        with session_scope(url) as db:
            version = vocabulary_version(db, VOCAB)
            if table is None or table.version != version:
                concepts: dict[str, dict[str, list[tuple[str, str]]]] = {}
                stems: dict[str, dict[str, list[tuple[str, str, str]]]] = {}
                prefs: dict[str, dict[str, str]] = {}
                words: dict[str, dict[str, set[str]]] = {}
                texts: dict[tuple[str, str], dict[str, set[str]]] = {}
                for lang, key, kind, text, uri, local in label_keys(db, VOCAB):
                    if lang not in CODES:
                        continue
                    found = concepts.setdefault(lang, {}).setdefault(key, [])
                    if (uri, local) not in found:
                        found.append((uri, local))
                    texts.setdefault((lang, key), {}).setdefault(uri, set()).add(
                        _spelt(text, lang))
                    for word in key.split():
                        words.setdefault(lang, {}).setdefault(word, set()).add(uri)
                    stemmed = stem_key(text, lang)
                    if stemmed:
                        stems.setdefault(lang, {}).setdefault(stemmed, []).append(
                            (uri, local, key))
                    if kind == "pref":
                        prefs.setdefault(uri, {}).setdefault(lang, text)
                spelt = {lang_key: by_uri for lang_key, by_uri in texts.items()
                         if len(by_uri) > 1}
                table = _Labels(version, now, concepts, stems, words, prefs, spelt)
            else:
                table.checked = now
        _TABLES.pop(url, None)
        _TABLES[url] = table
        while len(_TABLES) > MAX_CATALOGUES:  # the one looked at longest ago goes
            del _TABLES[next(iter(_TABLES))]
        return table


def find_concepts(settings: Settings, q: str, tree: Tree | None) -> Expansion:
    """The concepts the query names, to search for too (``Expansion.reason`` says why none)."""
    from hemicycle.symbols import looks_like_symbol

    if not q.strip() or tree is None:
        return Expansion(reason="empty")
    words = plain_words(tree)
    if words is None:
        return Expansion(reason="syntax")
    if "/" in q and looks_like_symbol(q.strip()):
        return Expansion(reason="symbol")
    try:
        table = _labels(settings)
    except SQLAlchemyError as exc:  # the thesaurus tables cannot be read: search on without
        log.warning("thesaurus expansion left out: %s", exc)
        return Expansion(reason="no_thesaurus")
    if table.version is None:
        return Expansion(reason="no_thesaurus")
    return _matched(table, words, _candidate_keys(words), _stem_keys(words))


@lru_cache(maxsize=len(CODES))
def _common_folded(lang: str) -> frozenset[str]:
    return frozenset(_fold(word, lang) for word in COMMON_WORDS.get(lang, ()))


def _foreign(table: _Labels, lang: str, typed: str, query: list[str]) -> bool:
    """Whether the run ``typed`` (folded in ``lang``) may be words of another language
    written in the same script as ``lang``: a word of it too short to tell, or a word of
    the query (``query``, each folded in ``lang``) that is one of another such language's
    words (of its labels, or of its commonest) and of none of ``lang``'s: "Political
    Affairs" is English, and its "affairs" not the French AFFAIRES (business)."""
    script = BY_CODE[lang].script
    others = [other for other in CODES if other != lang and BY_CODE[other].script == script]
    if not others:
        return False
    own, own_common = table.words.get(lang, {}), _common_folded(lang)

    def theirs(word: str) -> bool:
        return (word not in own and word not in own_common
                and any(word in table.words.get(other, {}) or word in _common_folded(other)
                        for other in others))

    return (any(len(word) < MIN_SHARED_SCRIPT_CHARS for word in typed.split())
            or any(theirs(word) for word in query))


def _spelt(text: str, lang: str) -> str:
    """``text`` as written (``folding.spelling``), without the Arabic article as the
    thesaurus' keys are."""
    key = spelling(text, lang)
    return drop_article(key) if lang == "ar" else key


def _as_spelt(table: _Labels, lang: str, key: str, typed: str) -> list[tuple[str, str]]:
    """The concepts of the labels that fold to ``key``: of several, those whose label is
    spelt as ``typed`` is, when some are."""
    found = table.concepts.get(lang, {}).get(key, [])
    by_uri = table.spelt.get((lang, key))
    if by_uri is None:
        return found
    exact = [(uri, local) for uri, local in found if _spelt(typed, lang) in by_uri[uri]]
    return exact or found


def _terms(table: _Labels, uri: str, lang: str) -> set[str]:
    label = table.prefs.get(uri, {}).get(lang)
    return set(word_terms(lang, label)) if label else set()


def _another_word(table: _Labels, lang: str, typed: str, label: str, uri: str) -> bool:
    """Whether ``typed``, one word not spelt as the one-word ``label``, is a word
    ``lang``'s labels use for something else: none of the concepts whose labels hold it
    shares a term with ``uri`` in a language of another script (where the words are not
    cognates that may share a false friend: the Spanish "acción" is both an action and a
    share, as the French is). Words of a longer run say together which sense is meant."""
    users = table.words.get(lang, {}).get(typed)
    if " " in typed or typed == label or not users or uri in users:
        return False
    script = BY_CODE[lang].script
    return not any(_terms(table, uri, other) & _terms(table, user, other)
                   for user in users for other in CODES if BY_CODE[other].script != script)


def _stemmed(table: _Labels, stem_keys: dict[str, dict[str, set[_Run]]],
             run_keys: dict[tuple[_Run, str], str],
             words: list[str]) -> dict[_Run, dict[str, str]]:
    """run -> concept URI -> local id of the labels a run meets once stemmed: those spelt
    closest to it, each word a form of the label's (``inflection.inflected_words``), in
    a language it may be written in (``_foreign``), and not another word of that
    language's labels (``_another_word``)."""
    best: dict[_Run, tuple[int, dict[str, str]]] = {}
    for lang, by_key in stem_keys.items():
        labels = table.stems.get(lang, {})
        query = [_fold(word, lang) for word in words]
        for key, runs in by_key.items():
            for uri, local, folded in labels.get(key, ()):
                for run in runs:
                    typed = run_keys.get((run, lang), "")
                    if _foreign(table, lang, typed, query):
                        continue
                    distance = inflected_words(typed, folded, lang)
                    if distance is None or _another_word(table, lang, typed, folded, uri):
                        continue
                    least, found = best.get(run, (distance, {}))
                    if distance < least:
                        least, found = distance, {}
                    if distance == least:
                        found.setdefault(uri, local)
                        best[run] = (least, found)
    return {run: found for run, (_, found) in best.items()}


def _matched(table: _Labels, words: list[str], keys: dict[str, dict[str, set[_Run]]],
             stem_keys: dict[str, dict[str, set[_Run]]]) -> Expansion:
    by_run: dict[_Run, dict[str, str]] = {}  # run -> concept URI -> local id
    run_keys: dict[tuple[_Run, str], str] = {}  # (run, language) -> its key
    for lang, by_key in keys.items():
        for key, runs in by_key.items():
            for run in runs:
                run_keys[run, lang] = key
                for uri, local in _as_spelt(table, lang, key, run.text(words)):
                    by_run.setdefault(run, {}).setdefault(uri, local)
    run_stems = {(run, lang): key for lang, by_key in stem_keys.items()
                 for key, runs in by_key.items() for run in runs}
    for run, found in _stemmed(table, stem_keys, run_keys, words).items():
        by_run.setdefault(run, found)  # a label once stemmed, where none is as folded
    # the longest runs first; a run overlapping one kept is dropped
    order = sorted(by_run, key=lambda r: (-len(r.cells(words)), r.start, r.chars or (0, 0)))
    taken: set[tuple[int, int]] = set()
    runs: list[tuple[_Run, list[Concept]]] = []
    count = left_out = 0
    for run in order:
        cells = run.cells(words)
        if cells & taken:
            continue
        taken |= cells
        text = run.text(words)
        these = []
        for uri, local in sorted(by_run[run].items()):
            if count >= MAX_CONCEPTS:
                left_out += 1
                continue
            count += 1
            labels = dict(table.prefs.get(uri, {}))
            typed = [lang for lang, label in labels.items()
                     if _fold(label, lang) == run_keys.get((run, lang))
                     or (lang != "zh" and stem_key(label, lang) == run_stems.get((run, lang)))]
            these.append(Concept(uri, local, text, labels, typed))
        if these:
            runs.append((run, these))
    if not runs:
        return Expansion(reason="no_match", left_out=left_out)
    runs.sort(key=lambda pair: (pair[0].start, pair[0].chars or (0, 0)))  # in query order
    return Expansion(concepts=[c for _, these in runs for c in these],
                     runs=[these for _, these in runs], left_out=left_out)


def expansion_query(schema: tantivy.Schema, expansion: Expansion, label_query,
                    langs: list[str], with_subjects: bool = True) -> tantivy.Query | None:
    """The expansion as one Tantivy query (None: nothing to add).

    ``label_query(lang, text)`` compiles a label as a phrase in ``lang``'s title and text
    (the search compiler's, which also marks its words for the snippets)."""
    runs = []
    for these in expansion.runs:
        alternatives = []
        for concept in these:
            if with_subjects:
                alternatives.append(tantivy.Query.boost_query(
                    tantivy.Query.term_query(schema, "subject", concept.uri), SUBJECT_WEIGHT))
            for lang in langs:
                label = concept.labels.get(lang) if lang not in concept.typed else None
                q = label_query(lang, label) if label else None
                if q is not None:
                    alternatives.append(q)
        if alternatives:
            runs.append(tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, q) for q in alternatives]))
    if not runs:
        return None
    both = runs[0] if len(runs) == 1 else tantivy.Query.boolean_query(
        [(tantivy.Occur.Must, q) for q in runs])
    return tantivy.Query.boost_query(both, WEIGHT)
