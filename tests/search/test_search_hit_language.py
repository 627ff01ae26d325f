"""The language each hit is shown in is scored on the page's hits alone: one term query a
document on ``doc_id`` (cheap) gives the very scores of the term set it replaces, in every
language, on a real index of real UN documents."""

from __future__ import annotations

import pytest
import tantivy

from hemicycle.languages import CODES
from hemicycle.search import location
from hemicycle.search.query import _Compiler, _only, search
from hemicycle.search.querylang import parse_query


def scored(searcher, query, restriction) -> list[tuple[int, int, float]]:
    both = tantivy.Query.boolean_query([(tantivy.Occur.Must, query),
                                        (tantivy.Occur.Must, restriction)])
    found = searcher.search(both, 100, count=False).hits
    return sorted((address.segment_ord, address.doc, score) for score, address in found)


@pytest.mark.parametrize("text,lang", [
    ("refugees", "en"), ("réfugiés", "fr"), ("беженцев", "ru"), ("اللاجئين", "ar"),
    ("refugiados", "es"), ("难民", "zh"), ("security council", "en"), ('"conseil de"', "fr"),
])
def test_restricted_to_the_hits_each_language_scores_as_with_a_term_set(corpus, text, lang):
    settings, _, _ = corpus
    searcher, schema, _ = location.searcher(settings)
    tree = parse_query(text)
    found = searcher.search(_Compiler(schema, list(CODES)).compile(tree, typed=text), 20)
    ids = searcher.fast_field_values("doc_id", [address for _, address in found.hits])
    assert len(ids) >= 5
    in_lang = _Compiler(schema, [lang], with_symbols=False).compile(tree)
    term_set = tantivy.Query.term_set_query(schema, "doc_id", ids)
    ours = scored(searcher, in_lang, _only(schema, ids))
    assert ours, "the hits match in their language"
    assert ours == scored(searcher, in_lang, term_set)


def test_a_hit_is_shown_in_the_language_its_word_is_in(corpus):
    settings, _, _ = corpus
    for word, lang in [("беженцев", "ru"), ("اللاجئين", "ar"), ("难民", "zh")]:
        hits = search(settings, word).hits
        assert hits and all(hit.language == lang for hit in hits), (word, hits[:2])
