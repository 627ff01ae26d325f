"""Running a search: the parsed query becomes Tantivy queries per language, filters
and facets are applied, and each hit gets a title and a snippet in the language
it matched in.

A query in a given content language (``lang``) searches that language's fields
with its analyzer; with no language it searches all six, each analysed its own way.
A query that is a document symbol in any spelling sets ``redirect_uid``.
"""

from __future__ import annotations

import json
import os
import re
import threading
from collections import deque
from dataclasses import dataclass, field

import tantivy

from hemicycle.config import Settings
from hemicycle.languages import CODES, UnknownLanguage, normalise_language
from hemicycle.messages import Message
from hemicycle.search import counts, location
from hemicycle.search.analysis import folded_analyzer, prefix_terms, terms
from hemicycle.search.expansion import (
    AS_TYPED_SCORE,
    Expansion,
    expansion_query,
    find_concepts,
)
from hemicycle.search.querylang import Leaf, Node, QueryError, Tree, check_length, parse_query
from hemicycle.search.schema import FACETS, stored_text_field, text_field, title_field
from hemicycle.search.snippets import Matcher, html_of, snippet_plain
from hemicycle.symbols import looks_like_symbol, symbol_key

__all__ = ["Hit", "QueryError", "SearchResults", "facets", "search"]

SORTS = ("relevance", "date")
MAX_PER_PAGE = 100
MAX_RESULTS_REACHABLE = 10_000
TITLE_BOOST = 2.0
SYMBOL_BOOST = 3.0
PHRASE_SCORE = 1000.0
# searches answered at once; more wait their turn, first come first served (queueing,
# not a pile of threads contending for the same cores and the GIL)
SEARCH_SLOTS = max(2, os.cpu_count() or 2)


class _Turns:
    """At most ``slots`` holders at once; the others are let in in the order they came
    (a semaphore lets a newcomer overtake a thread it has just woken: under load some
    searches then waited twenty times longer than others)."""

    def __init__(self, slots: int) -> None:
        self.free = slots
        self.waiting: deque[threading.Event] = deque()
        self.lock = threading.Lock()

    def __enter__(self) -> None:
        with self.lock:
            if self.free and not self.waiting:
                self.free -= 1
                return
            turn = threading.Event()
            self.waiting.append(turn)
        turn.wait()  # the slot is handed over by the one leaving

    def __exit__(self, *exc: object) -> None:
        with self.lock:
            if self.waiting:
                self.waiting.popleft().set()
            else:
                self.free += 1


_SLOTS = _Turns(SEARCH_SLOTS)
UNKNOWN_LANGUAGE = "unknown language '{value}': expected one of {allowed}"
_YEAR_RANGE = re.compile(r"^(\d{1,4})?\s*(?:\.\.|-)\s*(\d{1,4})?$")


@dataclass
class Hit:
    uid: str
    symbol: str
    title: str | None
    language: str | None  # the language of the match (of the snippet; of the title if any)
    snippet: str
    year: int | None
    body: str | None
    doc_type: str | None
    date: str | None
    session: str | None = None
    title_language: str | None = None
    titles: dict[str, str] = field(default_factory=dict)
    languages: list[str] = field(default_factory=list)
    symbols: list[str] = field(default_factory=list)
    score: float | None = None
    snippet_text: str = ""  # the snippet as plain text ...
    highlights: list[tuple[int, int]] = field(default_factory=list)  # ... and its matches


@dataclass
class SearchResults:
    query: str
    total: int
    hits: list[Hit]
    facets: dict[str, list[tuple[str, int]]]
    redirect_uid: str | None = None
    page: int = 1
    per_page: int = 20
    sort: str = "relevance"
    lang: str | None = None
    filters: dict[str, list[str]] = field(default_factory=dict)
    total_exact: bool = True  # False: "about total", estimated on the sample
    facets_exact: bool = True  # False: some facet counts estimated on the sample
    facets_ready: bool = True  # False: still being counted (``wait_for_facets``)
    # what the thesaurus added to the query (search.expansion); None: not asked
    expansion: Expansion | None = None
    counting: counts.Counting | None = field(default=None, repr=False, compare=False)

    @property
    def pages(self) -> int:
        reachable = min(self.total, MAX_RESULTS_REACHABLE)
        return max(1, -(-reachable // self.per_page))

    def take_facets(self, wait: bool) -> None:
        """Fill ``facets`` if they are counted (``wait``: once they are)."""
        if self.counting is None or (not wait and not self.counting.job.done()):
            return
        counted = self.counting.job.result()
        self.facets, self.facets_exact, self.facets_ready = (counted.facets, counted.exact,
                                                             True)


def _symbol_key(text: str) -> str | None:
    try:
        return symbol_key(text)
    except ValueError:
        return None


def _looks_like_symbol(text: str) -> bool:
    return "/" in text and looks_like_symbol(text)


class _Compiler:
    """Turns a query tree into a Tantivy query; collects what to highlight per language."""

    def __init__(self, schema: tantivy.Schema, langs: list[str],
                 with_symbols: bool = True, memo: dict | None = None) -> None:
        """``memo``: another compiler's, to take the word queries it made already (a
        page compiles its query once in all languages, then once in each; the matchers
        then only collect what was not in it)."""
        self.schema = schema
        self.langs = langs
        self.with_symbols = with_symbols
        self.matchers: dict[str, Matcher] = {lang: Matcher() for lang in CODES}
        self.memo: dict = {} if memo is None else memo

    def compile(self, tree: Tree, positive: bool = True,
                typed: str | None = None) -> tantivy.Query | None:
        """``typed``: the query as typed, when ``tree`` is the whole of it."""
        if isinstance(tree, Leaf):
            return self.leaf(tree, positive)
        if tree.op == "not":
            inner = self.compile(tree.children[0], not positive)
            if inner is None:
                return None
            return tantivy.Query.boolean_query([(tantivy.Occur.Must, tantivy.Query.all_query()),
                                                (tantivy.Occur.MustNot, inner)])
        if tree.op == "or":
            subs = [q for q in (self.compile(c, positive) for c in tree.children) if q]
            if not subs:
                return None
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in subs])
        clauses: list[tuple[tantivy.Occur, tantivy.Query]] = []
        for child in tree.children:
            negated = isinstance(child, Node) and child.op == "not"
            q = self.compile(child.children[0] if negated else child,
                             positive and not negated)
            if q is None:
                continue  # punctuation or signs only: nothing to look for
            clauses.append((tantivy.Occur.MustNot if negated else tantivy.Occur.Must, q))
        if not clauses:
            return None
        if all(occur == tantivy.Occur.MustNot for occur, _ in clauses):
            clauses.append((tantivy.Occur.Must, tantivy.Query.all_query()))
        phrase = self.phrase_boost(tree, typed)
        if phrase is not None:
            clauses.append((tantivy.Occur.Should, phrase))
        return tantivy.Query.boolean_query(clauses)

    def phrase_boost(self, tree: Node, typed: str | None) -> tantivy.Query | None:
        """Words side by side: documents that have them as one phrase come first.

        The phrase is the whole query as typed when it is nothing but words and quoted
        phrases, so that a passage pasted with its quotation marks or a capitalised "AND"
        ("LADIES AND GENTLEMEN") is still found where it stands, word for word."""
        leaves = tree.children
        if len(leaves) < 2 or not all(
            isinstance(c, Leaf) and c.field is None and not c.prefix for c in leaves
        ):
            return None
        if typed is not None:
            text = typed.replace('"', " ")
        elif any(c.phrase for c in leaves):
            return None
        else:
            text = " ".join(c.text for c in leaves)
        subs = []
        for lang in self.langs:
            subs.extend(self.phrases(lang, text))
        if not subs:
            return None
        # a constant well above any sum of word scores: phrase matches rank first, and
        # among them the words' own scores decide
        return tantivy.Query.const_score_query(
            tantivy.Query.disjunction_max_query(subs), PHRASE_SCORE)

    def phrases(self, lang: str, text: str) -> list[tantivy.Query]:
        """``text`` as one phrase in ``lang``'s text and title (none for one word)."""
        key = ("phrase", lang, text)
        if key not in self.memo:
            toks = self.terms(lang, text)
            if lang == "zh":
                toks = _zh_trim(toks)
            self.memo[key] = [] if len(toks) < 2 else [
                tantivy.Query.phrase_query(self.schema, text_field(lang), toks),
                tantivy.Query.phrase_query(self.schema, title_field(lang), toks)]
        return self.memo[key]

    def terms(self, lang: str, text: str) -> list[str]:
        """``analysis.terms``, once for a word's title and text fields (not to be changed)."""
        key = ("terms", lang, text)
        if key not in self.memo:
            self.memo[key] = terms(lang, text)
        return self.memo[key]

    def text_query(self, fname: str, lang: str, leaf: Leaf, positive: bool,
                   ) -> tantivy.Query | None:
        key = (fname, leaf, positive)
        if key not in self.memo:
            self.memo[key] = self._text_query(fname, lang, leaf, positive)
        return self.memo[key]

    def _text_query(self, fname: str, lang: str, leaf: Leaf, positive: bool,
                    ) -> tantivy.Query | None:
        if leaf.prefix:
            toks = prefix_terms(lang, leaf.text)
            if not toks:
                return None
            if positive:
                self.matchers[lang].terms.update(toks[:-1])
                self.matchers[lang].prefixes.add(toks[-1])
            if len(toks) > 1:
                return tantivy.Query.phrase_prefix_query(self.schema, fname, toks)
            regex = tantivy.Query.regex_query(self.schema, fname, re.escape(toks[0]) + ".*")
            stemmed = self.terms(lang, leaf.text)
            if len(stemmed) != 1 or stemmed[0].startswith(toks[0]):
                return regex
            # the typed prefix may be longer than the stem the index holds (годов* -> год)
            if positive:
                self.matchers[lang].terms.add(stemmed[0])
            exact = tantivy.Query.term_query(self.schema, fname, stemmed[0])
            return tantivy.Query.boolean_query(
                [(tantivy.Occur.Should, regex), (tantivy.Occur.Should, exact)])
        toks = self.terms(lang, leaf.text)
        if lang == "zh":
            toks = _zh_trim(toks)
            if len(toks) == 1 and len(toks[0]) == 1:
                # one character: the index holds it inside bigrams (or alone)
                if positive:
                    self.matchers[lang].prefixes.add(toks[0])
                char = re.escape(toks[0])
                return tantivy.Query.regex_query(self.schema, fname, f"{char}.?|.{char}")
        if not toks:
            return None
        if positive:
            self.matchers[lang].terms.update(toks)
        if len(toks) == 1:
            return tantivy.Query.term_query(self.schema, fname, toks[0])
        return tantivy.Query.phrase_query(self.schema, fname, toks)

    def leaf(self, leaf: Leaf, positive: bool) -> tantivy.Query | None:
        if leaf.field in (None, "title", "text"):
            if leaf.prefix and not re.search(r"[^\W_]", leaf.text):
                return None  # signs only ("：*" in a pasted passage): nothing to look for
            if leaf.prefix and len(leaf.text) < 2 and not re.search(r"[\u3400-\u9fff]", leaf.text):
                raise QueryError(Message("query.prefix_short",
                                         "the prefix {prefix}* is too short: give at least 2 "
                                         "letters", prefix=leaf.text))
            subs = []
            for lang in self.langs:
                if leaf.field in (None, "title"):
                    q = self.text_query(title_field(lang), lang, leaf, positive)
                    if q is not None:
                        subs.append(tantivy.Query.boost_query(q, TITLE_BOOST))
                if leaf.field in (None, "text"):
                    q = self.text_query(text_field(lang), lang, leaf, positive)
                    if q is not None:
                        subs.append(q)
            if leaf.field is None and self.with_symbols:
                q = self.symbol_text_query(leaf)
                if q is not None:
                    subs.append(tantivy.Query.boost_query(q, SYMBOL_BOOST))
            if not subs:
                return None
            return subs[0] if len(subs) == 1 else tantivy.Query.disjunction_max_query(subs, 0.2)
        return self.metadata_query(leaf)

    def label_query(self, lang: str, label: str) -> tantivy.Query | None:
        """A thesaurus label as a phrase in ``lang``'s title and text (search.expansion)."""
        leaf = Leaf(label, phrase=True)
        subs = []
        title = self.text_query(title_field(lang), lang, leaf, True)
        if title is not None:
            subs.append(tantivy.Query.boost_query(title, TITLE_BOOST))
        text = self.text_query(text_field(lang), lang, leaf, True)
        if text is not None:
            subs.append(text)
        if not subs:
            return None
        return subs[0] if len(subs) == 1 else tantivy.Query.disjunction_max_query(subs, 0.2)

    def symbol_text_query(self, leaf: Leaf) -> tantivy.Query | None:
        toks = folded_analyzer().analyze(leaf.text)
        if not toks:
            return None
        if leaf.prefix:
            if len(toks) == 1:
                return tantivy.Query.regex_query(self.schema, "symbol_text",
                                                 re.escape(toks[0]) + ".*")
            return tantivy.Query.phrase_prefix_query(self.schema, "symbol_text", toks)
        if len(toks) == 1:
            return tantivy.Query.term_query(self.schema, "symbol_text", toks[0])
        return tantivy.Query.phrase_query(self.schema, "symbol_text", toks)

    def metadata_query(self, leaf: Leaf) -> tantivy.Query | None:
        value = leaf.text.strip()
        name = leaf.field
        if name == "symbol":
            subs = []
            key = _symbol_key(value)
            if key is not None and not leaf.prefix:
                subs.append(tantivy.Query.term_query(self.schema, "symbol", key))
            q = self.symbol_text_query(leaf)
            if q is not None:
                subs.append(q)
            if not subs:
                raise QueryError(Message("query.not_symbol", "symbol:{value} is not a symbol",
                                         value=value))
            return tantivy.Query.boolean_query([(tantivy.Occur.Should, q) for q in subs])
        if name == "year":
            return _year_query(self.schema, value)
        if name == "language":
            try:
                code = normalise_language(value)
            except UnknownLanguage:
                raise QueryError(Message("query.lang_unknown", "lang:{value}: " + UNKNOWN_LANGUAGE,
                                         value=value, allowed=", ".join(CODES))) from None
            return tantivy.Query.term_query(self.schema, "language", code)
        if name == "session":
            pattern = f"(.* )?{re.escape(value)}"
            return tantivy.Query.regex_query(self.schema, "session", pattern)
        variants = sorted({value, value.lower(), value.upper(), value.capitalize()})
        exact = tantivy.Query.term_set_query(self.schema, name, variants)
        if name == "subject":
            toks = folded_analyzer().analyze(value)
            if toks:
                label = (tantivy.Query.term_query(self.schema, "subject_text", toks[0])
                         if len(toks) == 1 else
                         tantivy.Query.phrase_query(self.schema, "subject_text", toks))
                return tantivy.Query.boolean_query(
                    [(tantivy.Occur.Should, exact), (tantivy.Occur.Should, label)])
        return exact


def _zh_trim(units: list[str]) -> list[str]:
    """Drop a lone character cut off at either end of a Chinese query: in the text it
    was half of a bigram (“家、国家” taken from “国家、国家”)."""
    if len(units) > 1 and len(units[0]) == 1:
        units = units[1:]
    if len(units) > 1 and len(units[-1]) == 1:
        units = units[:-1]
    return units


def _year_query(schema: tantivy.Schema, value: str) -> tantivy.Query:
    if value.isdigit() and len(value) <= 4:
        return tantivy.Query.term_query(schema, "year", int(value))
    m = _YEAR_RANGE.match(value)
    if m and (m.group(1) or m.group(2)):
        low = int(m.group(1)) if m.group(1) else None
        high = int(m.group(2)) if m.group(2) else None
        if low is not None and high is not None and low > high:
            raise QueryError(Message("query.year_backwards",
                                 "year:{value}: the range ends before it starts", value=value))
        return tantivy.Query.range_query(schema, "year", tantivy.FieldType.Integer, low, high)
    raise QueryError(Message("query.not_year",
                             "year:{value} is not a year: write year:2015 or year:2010..2015",
                             value=value))


def _filter_query(schema: tantivy.Schema, name: str, values: list[str]) -> tantivy.Query:
    if name not in FACETS:
        raise QueryError(Message("query.unknown_filter", "unknown filter '{name}': use one of "
                                 "{allowed}", name=name, allowed=", ".join(FACETS)))
    if name == "year":
        years = []
        for value in values:
            if not str(value).strip().isdigit() or len(str(value).strip()) > 4:
                raise QueryError(Message("query.filter_not_year",
                                         "filter year='{value}' is not a year", value=value))
            years.append(int(value))
        return tantivy.Query.term_set_query(schema, "year", years)
    if name == "language":
        codes = []
        for value in values:
            try:
                codes.append(normalise_language(value))
            except UnknownLanguage:
                raise QueryError(Message("query.filter_lang_unknown",
                                         "filter language='{value}': " + UNKNOWN_LANGUAGE,
                                         value=value, allowed=", ".join(CODES))) from None
        values = codes
    return tantivy.Query.term_set_query(schema, name, [str(v) for v in values])


def _clean_filters(filters: dict[str, list[str]] | None) -> dict[str, list[str]]:
    clean: dict[str, list[str]] = {}
    for name, values in (filters or {}).items():
        if isinstance(values, str):
            values = [values]
        kept = [str(v) for v in values if str(v).strip()]
        if kept:
            if name not in FACETS:
                raise QueryError(Message("query.unknown_filter", "unknown filter '{name}': use "
                                         "one of {allowed}", name=name,
                                         allowed=", ".join(FACETS)))
            if len(kept) > 50 or any(len(v) > 300 for v in kept):
                raise QueryError(Message("query.filter_too_long",
                                         "filter '{name}' has too many or too long values",
                                         name=name))
            clean[name] = kept
    return clean


def _payload(doc: tantivy.Document) -> dict:
    payload = json.loads(doc.get_first("payload"))
    # the stored texts as bytes: only the one a hit is shown in is decoded (``_hit``)
    texts = {}
    for lang in payload.get("languages", []):
        data = doc.get_first(stored_text_field(lang))
        if data:
            texts[lang] = data
    payload["texts"] = texts
    return payload


def _in_index(searcher: tantivy.Searcher, lang: str, matcher: Matcher) -> bool:
    """Whether any word the query looks for in ``lang`` is in that language's fields."""
    if matcher.prefixes:
        return True
    return any(searcher.doc_freq(name, term) for term in matcher.terms
               for name in (text_field(lang), title_field(lang)))


def _with_expansion(schema: tantivy.Schema, query: tantivy.Query | None, compiler: _Compiler,
                    expansion: Expansion | None, with_subjects: bool = True,
                    ) -> tantivy.Query | None:
    """The query as typed, or what it finds as typed or through the thesaurus."""
    if query is None or expansion is None or not expansion.runs:
        return query
    extra = expansion_query(schema, expansion, compiler.label_query, compiler.langs,
                            with_subjects)
    if extra is None:
        return query
    # found as typed: as before, plus a constant above any score the expansion gives, so
    # that these come first in their own order; the expansion only adds the others
    return tantivy.Query.boolean_query([
        (tantivy.Occur.Should, query),
        (tantivy.Occur.Should, tantivy.Query.const_score_query(query, AS_TYPED_SCORE)),
        (tantivy.Occur.Should, tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, extra), (tantivy.Occur.MustNot, query)]))])


def _language_scores(searcher: tantivy.Searcher, schema: tantivy.Schema, tree: Tree | None,
                     langs: list[str], addresses: list, whole: _Compiler,
                     expansion: Expansion | None = None,
                     ) -> dict[tuple[int, int], dict[str, float]]:
    """How well each hit matches in each language: the query run once per language whose
    fields hold any of its words, restricted to the hits (cheap), so that a hit is shown
    in the language it matched. ``whole``: the compiler of the page's query (its matchers
    say which words each language looks for; its word queries are taken again)."""
    scores: dict[tuple[int, int], dict[str, float]] = {}
    if tree is None or len(langs) == 1 or not addresses:
        return scores
    only_hits = _only(schema, searcher.fast_field_values("doc_id", addresses))
    wanted = [lang for lang in langs if _in_index(searcher, lang, whole.matchers[lang])]
    for lang in wanted or langs:
        compiler = _Compiler(schema, [lang], with_symbols=False, memo=whole.memo)
        compiled = _with_expansion(schema, compiler.compile(tree), compiler, expansion,
                                   with_subjects=False)
        if compiled is None:
            continue
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, compiled), (tantivy.Occur.Must, only_hits)])
        for score, address in searcher.search(query, len(addresses), count=False).hits:
            key = (address.segment_ord, address.doc)
            scores.setdefault(key, {})[lang] = score
    return scores


def _only(schema: tantivy.Schema, ids: list[int | None]) -> tantivy.Query:
    """The documents ``ids`` alone, each scoring 1 (as a term set does). One term query a
    document, so that the search walks these few and looks each up in the query's
    postings: a term set over ``doc_id`` walked the whole field's dictionary and every
    posting of the query's words (five times the CPU)."""
    one_each = [(tantivy.Occur.Should, tantivy.Query.term_query(schema, "doc_id", i))
                for i in ids if i is not None]
    return tantivy.Query.const_score_query(tantivy.Query.boolean_query(one_each), 1.0)


def _pick_language(payload: dict, langs: list[str], scores: dict[str, float],
                   ui_lang: str | None) -> str | None:
    have = [c for c in CODES if c in payload["texts"] or c in payload["titles"]]
    candidates = [c for c in langs if c in have] or have
    if not candidates:
        return None
    if len(candidates) == 1:
        return candidates[0]
    matched = {lang: score for lang, score in scores.items() if lang in candidates}
    if len(set(matched.values())) == 1 and len(matched) > 1:
        candidates = list(matched)  # metadata only: every language matches alike
        matched = {}
    if matched:
        best = max(matched.values())
        if ui_lang in matched and matched[ui_lang] >= best * 0.999:
            return ui_lang
        return max(matched, key=lambda lang: (matched[lang], -CODES.index(lang)))
    for preferred in (ui_lang, "en"):
        if preferred in candidates:
            return preferred
    return candidates[0]


def _hit(payload: dict, score, lang: str | None, matchers: dict[str, Matcher]) -> Hit:
    titles = payload["titles"]
    title_lang = lang if lang in titles else next((c for c in CODES if c in titles), None)
    text = payload["texts"].get(lang, b"").decode("utf-8") if lang else ""
    matcher = matchers.get(lang, Matcher()) if lang else Matcher()
    plain, marks = snippet_plain(lang, text, matcher) if lang else ("", [])
    return Hit(
        uid=payload["uid"], symbol=payload["symbol"],
        title=titles.get(title_lang) if title_lang else None,
        language=lang, snippet=html_of(plain, marks), snippet_text=plain, highlights=marks,
        year=payload["year"], body=payload["body"], doc_type=payload["doc_type"],
        date=payload["date"], session=payload.get("session"), title_language=title_lang,
        titles=titles,
        languages=[c for c in CODES if c in payload["texts"] or c in titles],
        symbols=payload.get("symbols", []),
        score=score if isinstance(score, float) else None,
    )


def _redirect(searcher: tantivy.Searcher, schema: tantivy.Schema, q: str) -> str | None:
    text = q.strip()
    if text.lower().startswith("symbol:"):
        text = text[7:].strip().strip('"')
    if not _looks_like_symbol(text):
        return None
    key = _symbol_key(text)
    if key is None:
        return None
    found = searcher.search(tantivy.Query.term_query(schema, "symbol", key), 1)
    if not found.hits:
        return None
    return _payload(searcher.doc(found.hits[0][1]))["uid"]


def _checked(q: str, lang: str | None, filters: dict[str, list[str]] | None, sort: str,
             page: int, per_page: int) -> tuple[str, str | None, dict[str, list[str]]]:
    q = q or ""
    check_length(q)
    if sort not in SORTS:
        raise QueryError(Message("query.unknown_sort",
                                 "unknown sort '{sort}': use one of {allowed}",
                                 sort=sort, allowed=", ".join(SORTS)))
    if not 1 <= per_page <= MAX_PER_PAGE:
        raise QueryError(Message("query.per_page_range", "per_page must be between 1 and {most}",
                                 most=MAX_PER_PAGE))
    if page < 1 or page * per_page > MAX_RESULTS_REACHABLE:
        raise QueryError(Message("query.page_range",
                                 "page {page} is out of range: pages go from 1 to {last}",
                                 page=page, last=MAX_RESULTS_REACHABLE // per_page))
    if lang:
        try:
            lang = normalise_language(lang)
        except UnknownLanguage:
            raise QueryError(Message("query.language_unknown", UNKNOWN_LANGUAGE, value=lang,
                                     allowed=", ".join(CODES))) from None
    return q, lang, _clean_filters(filters)


@dataclass
class _Prepared:
    """A query read and compiled against the current index, its counting started."""

    searcher: tantivy.Searcher
    schema: tantivy.Schema
    compiler: _Compiler
    tree: Tree | None
    redirect: str | None
    full: tantivy.Query
    counting: counts.Counting
    key: tuple
    expansion: Expansion


def _prepare(settings: Settings, q: str, lang: str | None, clean: dict[str, list[str]],
             narrower: bool, exact: bool, expand: bool = True) -> _Prepared:
    wanted = dict(clean)
    if narrower and "subject" in wanted:
        wanted["subject"] = subjects_with_narrower(settings, wanted["subject"])
    searcher, schema, generation = location.searcher(settings)
    redirect = _redirect(searcher, schema, q) if q.strip() else None
    compiler = _Compiler(schema, [lang] if lang else list(CODES))
    if redirect is not None:
        tree: Tree | None = Leaf(q.strip().removeprefix("symbol:").strip(), "symbol")
    else:
        tree = parse_query(q)
        if tree is None and q.strip():
            raise QueryError(Message("query.no_words", "the query has no words to search "
                                     "for, only operators or signs"))
    if not expand:
        expansion = Expansion(reason="off")
    elif redirect is not None:
        expansion = Expansion(reason="symbol")
    else:
        expansion = find_concepts(settings, q, tree)
    if tree is None:  # nothing to look for: everything (in ``lang`` if given)
        text_query = (tantivy.Query.term_query(schema, "language", lang) if lang
                      else tantivy.Query.all_query())
    else:
        text_query = (_with_expansion(schema, compiler.compile(tree, typed=q), compiler,
                                      expansion) or tantivy.Query.empty_query())
    filter_queries = {name: _filter_query(schema, name, values) for name, values in wanted.items()}
    full = counts.all_of([text_query] + [tantivy.Query.const_score_query(f, 0.0)
                                         for f in filter_queries.values()])
    key = (generation, q, lang, tuple(sorted((k, tuple(v)) for k, v in wanted.items())), exact,
           settings.search_exact_up_to, tuple(c.uri for c in expansion.concepts))
    counting = counts.start(searcher, schema, key, text_query, filter_queries,
                            exact_up_to=settings.search_exact_up_to, exact=exact,
                            everything=tree is None and not lang)
    return _Prepared(searcher, schema, compiler, tree, redirect, full, counting, key,
                     expansion)


def search(settings: Settings, q: str, *, lang: str | None = None,
           filters: dict[str, list[str]] | None = None, sort: str = "relevance",
           page: int = 1, per_page: int = 20, ui_lang: str | None = None,
           narrower: bool = False, exact: bool = False,
           wait_for_facets: bool = False, expand: bool = True) -> SearchResults:
    """Search the index. An empty query lists everything (newest first) with facets.

    ``ui_lang`` (the reader's interface language) only breaks ties when choosing
    which language a hit is shown in. ``narrower`` widens a subject filter to every
    concept below the chosen ones in the thesaurus. Totals and facet counts are exact up
    to ``settings.search_exact_up_to`` matches and estimated beyond (``total_exact``,
    ``facets_exact``) unless ``exact``. The facets are those already counted when the
    hits are ready (``facets_ready``); ``wait_for_facets`` waits for them. ``expand``: a
    query that names thesaurus concepts also finds them in every language
    (``search.expansion``; what was added is in ``expansion``).
    """
    q, lang, clean = _checked(q, lang, filters, sort, page, per_page)
    with _SLOTS:
        prepared = _prepare(settings, q, lang, clean, narrower, exact, expand)
        if prepared.tree is None and sort == "relevance":
            sort = "date"  # a list of everything: newest first
        results = _top_hits(prepared, q, lang, clean, sort, page, per_page, ui_lang)
    results.take_facets(wait=wait_for_facets)
    return results


def facets(settings: Settings, q: str, *, lang: str | None = None,
           filters: dict[str, list[str]] | None = None, narrower: bool = False,
           exact: bool = False, expand: bool = True) -> SearchResults:
    """The total and facet counts of a search, without its hits (what a result page's
    script asks for when the page went out before them), waiting for them."""
    q, lang, clean = _checked(q, lang, filters, "relevance", 1, 1)
    with _SLOTS:
        prepared = _prepare(settings, q, lang, clean, narrower, exact, expand)
        if prepared.counting.total is None:
            found = prepared.searcher.search(prepared.full, 1, count=True)
            counts.settle(prepared.key, found.count or 0)
    counting = prepared.counting
    results = SearchResults(query=q, total=counting.total or 0, hits=[], facets={},
                            redirect_uid=prepared.redirect, lang=lang, filters=clean,
                            total_exact=counting.total_exact, facets_ready=False,
                            counting=counting, expansion=prepared.expansion)
    results.take_facets(wait=True)
    return results


def _top_hits(prepared: _Prepared, q: str, lang: str | None, clean: dict[str, list[str]],
              sort: str, page: int, per_page: int, ui_lang: str | None) -> SearchResults:
    searcher, schema, counting = prepared.searcher, prepared.schema, prepared.counting
    langs = [lang] if lang else list(CODES)
    count = counting.total is None
    offset = (page - 1) * per_page
    if sort == "date":
        found = searcher.search(prepared.full, per_page, count=count, order_by_field="date",
                                offset=offset, order=tantivy.Order.Desc)
    else:
        found = searcher.search(prepared.full, per_page, count=count, offset=offset)
    if count:
        total = found.count or 0
        counts.settle(prepared.key, total)
    else:
        total = counting.total or 0
    hits = []
    found_hits = found.hits  # a new list at each reading of the property
    payloads = [_payload(searcher.doc(address)) for _, address in found_hits]
    # only a hit in several of the languages searched has one to choose
    several = set()
    for payload in payloads:
        have = set(payload["texts"]) | set(payload["titles"])
        if len(have) > 1:
            several |= have
    by_language = _language_scores(searcher, schema, prepared.tree,
                                   [lang for lang in langs if lang in several],
                                   [address for _, address in found_hits],
                                   prepared.compiler, prepared.expansion)
    for (score, address), payload in zip(found_hits, payloads, strict=True):
        shown = _pick_language(payload, langs,
                               by_language.get((address.segment_ord, address.doc), {}), ui_lang)
        hits.append(_hit(payload, score, shown, prepared.compiler.matchers))
    results = SearchResults(query=q, total=total, hits=hits, facets={},
                            redirect_uid=prepared.redirect, page=page, per_page=per_page,
                            sort=sort, lang=lang, filters=clean,
                            total_exact=counting.total_exact, facets_ready=False,
                            counting=counting, expansion=prepared.expansion)
    results.take_facets(wait=False)
    return results


def subjects_with_narrower(settings: Settings, values: list[str]) -> list[str]:
    """The chosen subjects and every thesaurus concept below them (labels resolved to URIs)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.thesaurus import narrower_closure, resolve_subject

    widened = list(values)
    with session_scope(settings.database_url) as db:
        for value in values:
            uri = resolve_subject(db, value)
            if uri is not None:
                widened.extend(sorted(narrower_closure(db, uri)))
    return list(dict.fromkeys(widened))
