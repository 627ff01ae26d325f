"""Queries against a real index of real UN documents: analysis per language, the query
language, fields, facets, paging, order, symbols and snippets."""

from __future__ import annotations

import html
import re

import pytest
from search_corpus import LANGS

from hemicycle.search.query import QueryError, search


def visible(snippet: str) -> str:
    return html.unescape(re.sub(r"</?mark>", "", snippet)).replace("…", "")


def marked(snippet: str) -> list[str]:
    return [html.unescape(m) for m in re.findall(r"<mark>(.*?)</mark>", snippet)]


def symbols_of(results) -> set[str]:
    return {hit.symbol for hit in results.hits}


def everything(settings, q, **kw):
    return search(settings, q, per_page=100, wait_for_facets=True, **kw)


def source_text(sources, symbol, lang):
    from hemicycle.symbols import normalise_symbol

    for src in sources:
        if normalise_symbol(src.symbol) == symbol:
            return src.texts.get(lang, "")
    raise AssertionError(f"{symbol} not in the test data")


# ---- each language analysed its own way ----

def test_english_stemming_finds_other_forms(corpus):
    settings, sources, _ = corpus
    councils = everything(settings, "councils", lang="en")
    assert councils.total > 10
    for hit in councils.hits:
        assert re.search(r"\bcouncil", source_text(sources, hit.symbol, "en"), re.I)


def test_french_and_spanish_fold_accents(corpus):
    settings, _, _ = corpus
    accented = everything(settings, "sécurité", lang="fr")
    assert accented.total > 5
    assert symbols_of(everything(settings, "securite", lang="fr")) == symbols_of(accented)
    resolucion = everything(settings, "resolución", lang="es")
    assert resolucion.total > 5
    assert symbols_of(everything(settings, "resolucion", lang="es")) == symbols_of(resolucion)


def test_arabic_normalisation_of_hamza_and_diacritics(corpus):
    settings, sources, _ = corpus
    # S/2015/305 writes أشخاص (alef with hamza) and تبيّن (with shadda)
    with_hamza = everything(settings, "أشخاص", lang="ar")
    bare = everything(settings, "اشخاص", lang="ar")
    assert "S/2015/305" in symbols_of(with_hamza)
    assert symbols_of(bare) == symbols_of(with_hamza)
    assert "S/2015/305" in symbols_of(everything(settings, "تبين", lang="ar"))
    hit = next(h for h in bare.hits if h.symbol == "S/2015/305")
    assert "أشخاص" in marked(hit.snippet)


def test_russian_stemming(corpus):
    settings, _, _ = corpus
    a = everything(settings, "Совет Безопасности", lang="ru")
    b = everything(settings, "совета безопасности", lang="ru")
    assert a.total > 10
    assert symbols_of(a) == symbols_of(b)


def test_chinese_is_not_split_on_whitespace(corpus):
    settings, sources, _ = corpus
    # Chinese has no spaces: a two-character word inside a longer run must be found
    results = everything(settings, "难民", lang="zh")
    assert results.total >= 3
    for hit in results.hits:
        assert "难民" in source_text(sources, hit.symbol, "zh")
        assert "难民" in marked(hit.snippet)
    council = everything(settings, "安全理事会", lang="zh")
    for hit in council.hits:
        assert "安全理事会" in source_text(sources, hit.symbol, "zh")


def test_a_query_in_one_language_searches_only_that_language(corpus):
    settings, _, _ = corpus
    assert everything(settings, "Libya", lang="en").total > 0
    assert everything(settings, "Libya", lang="fr").total == 0
    libye = everything(settings, "Libye")  # no language: all six
    assert libye.total > 0
    assert all(hit.language == "fr" for hit in libye.hits)
    assert all("Libye" in marked(hit.snippet) for hit in libye.hits)


# ---- the query language ----

def test_phrase_needs_the_words_in_order(corpus):
    settings, sources, _ = corpus
    phrase = everything(settings, '"Conseil de sécurité"', lang="fr")
    words = everything(settings, "Conseil sécurité", lang="fr")
    assert 5 < phrase.total <= words.total
    for hit in phrase.hits:
        assert re.search(r"conseil\s+de\s+s[ée]curit[ée]",
                         source_text(sources, hit.symbol, "fr"), re.I)
    assert everything(settings, '"sécurité de Conseil"', lang="fr").total < phrase.total


def test_boolean_operators(corpus):
    settings, _, _ = corpus
    a = everything(settings, "refugees", lang="en")
    b = everything(settings, "children", lang="en")
    both = everything(settings, "refugees AND children", lang="en")
    either = everything(settings, "refugees OR children", lang="en")
    not_b = everything(settings, "refugees NOT children", lang="en")
    assert both.total < min(a.total, b.total)
    assert either.total > max(a.total, b.total)
    assert either.total == a.total + b.total - both.total
    assert not_b.total == a.total - both.total
    assert symbols_of(everything(settings, "+refugees -children", lang="en")) == symbols_of(not_b)
    assert everything(settings, "refugees children", lang="en").total == both.total
    everyone = everything(settings, "").total
    assert everything(settings, "NOT refugees", lang="en").total == everyone - a.total
    assert everything(settings, "NOT NOT refugees", lang="en").total == a.total
    assert everything(settings, "children OR NOT refugees", lang="en").total == (
        everyone - a.total + both.total)
    grouped = everything(settings, "(refugees OR children) AND Syria", lang="en")
    assert 0 < grouped.total <= everything(settings, "Syria", lang="en").total


def test_prefix(corpus):
    settings, sources, _ = corpus
    results = everything(settings, "climat*", lang="en")
    assert results.total >= everything(settings, "climate", lang="en").total > 0
    for hit in results.hits:
        assert re.search(r"\bclimat", source_text(sources, hit.symbol, "en"), re.I)
    with pytest.raises(QueryError, match="too short"):
        search(settings, "c*")


def test_fields(corpus):
    settings, _, _ = corpus
    sc = everything(settings, "body:SC")
    assert sc.total > 40 and all(hit.body == "SC" for hit in sc.hits)
    y = everything(settings, "year:1967")
    assert y.total > 0 and all(hit.year == 1967 for hit in y.hits)
    span = everything(settings, "year:1965..1966")
    assert span.total > 0 and all(hit.year in (1965, 1966) for hit in span.hits)
    titles = everything(settings, "title:resolution", lang="en")
    assert titles.total > 0
    assert all("resolution" in hit.titles["en"].lower() for hit in titles.hits)
    assert everything(settings, "lang:zh").total == everything(settings, "", lang="zh").total
    sym = everything(settings, "symbol:S/RES/240")
    assert "S/RES/240 (1967)" in symbols_of(sym)
    resolutions_1966 = sum(1 for h in everything(settings, "year:1966").hits
                           if h.doc_type == "resolution")
    assert resolutions_1966 > 0
    assert everything(settings, "type:resolution AND year:1966").total == resolutions_1966


def test_unknown_field_is_read_as_words(corpus):
    settings, _, _ = corpus
    results = everything(settings, "Security:Council", lang="en")
    assert results.total == everything(settings, '"Security Council"', lang="en").total


# ---- facets, paging, order ----

def test_facets_count_the_matches(corpus):
    settings, sources, _ = corpus
    results = everything(settings, "")
    assert results.total == len(sources)
    assert sum(n for _, n in results.facets["body"]) == results.total
    languages = dict(results.facets["language"])
    assert languages["en"] == sum(1 for s in sources if s.texts.get("en"))
    assert languages["zh"] == sum(1 for s in sources if s.texts.get("zh"))
    subjects = dict(results.facets["subject"])
    assert subjects["LIBYA"] == sum(1 for s in sources if "LIBYA" in s.subjects)
    assert set(results.facets) >= {"body", "year", "session", "type", "language", "subject"}


def test_filters_and_multi_select_facets(corpus):
    settings, _, _ = corpus
    plain = everything(settings, "Council")
    counts = dict(plain.facets["body"])
    sc = everything(settings, "Council", filters={"body": ["SC"]})
    assert sc.total == counts["SC"]
    assert all(hit.body == "SC" for hit in sc.hits)
    # a facet's own filter does not hide its other values: they can be added
    assert dict(sc.facets["body"]) == counts
    two = everything(settings, "Council", filters={"body": ["SC", "GA"]})
    assert two.total == counts["SC"] + counts["GA"]
    narrowed = everything(settings, "Council", filters={"body": ["SC"], "year": ["1967"]})
    assert 0 < narrowed.total < sc.total
    assert all(hit.year == 1967 for hit in narrowed.hits)
    refugees = everything(settings, "", filters={"subject": ["REFUGEES"]})
    assert refugees.total == dict(everything(settings, "").facets["subject"])["REFUGEES"]


def test_paging(corpus):
    settings, _, _ = corpus
    whole = search(settings, "Council", per_page=30)
    first = search(settings, "Council", per_page=15, page=1)
    second = search(settings, "Council", per_page=15, page=2)
    assert [h.uid for h in first.hits + second.hits] == [h.uid for h in whole.hits]
    assert first.total == second.total == whole.total
    assert first.pages == -(-whole.total // 15)
    beyond = search(settings, "Council", per_page=15, page=first.pages + 1)
    assert beyond.hits == [] and beyond.total == whole.total
    with pytest.raises(QueryError, match="page"):
        search(settings, "Council", page=0)
    with pytest.raises(QueryError, match="page"):
        search(settings, "Council", page=100_000)


def test_date_order(corpus):
    settings, _, _ = corpus
    results = everything(settings, "Security Council", sort="date", filters={"body": ["SC"]})
    dates = [h.date or str(h.year or "") for h in results.hits]
    assert len(dates) > 20
    assert dates == sorted(dates, reverse=True)
    relevance = everything(settings, "Security Council", filters={"body": ["SC"]})
    assert [h.uid for h in relevance.hits] != [h.uid for h in results.hits]
    assert {h.uid for h in relevance.hits} == {h.uid for h in results.hits}


# ---- symbols ----

@pytest.mark.parametrize("typed", ["S/RES/240 (1967)", "s/res/240(1967)", "S/RES/240(1967)",
                                   "  s/res/240 (1967) ", "symbol:S/RES/240 (1967)",
                                   "s/res/240__1967_"])
def test_a_symbol_in_any_spelling_leads_to_its_document(corpus, typed):
    settings, _, ids = corpus
    results = search(settings, typed)
    assert results.redirect_uid is not None
    assert [h.symbol for h in results.hits] == ["S/RES/240 (1967)"]
    assert results.hits[0].uid == results.redirect_uid


def test_corpus_spelling_of_a_symbol_redirects(corpus):
    settings, _, _ = corpus
    a = search(settings, "a/69/l_63")
    b = search(settings, "A/69/L.63")
    assert a.redirect_uid == b.redirect_uid is not None


def test_a_symbol_that_is_not_catalogued_does_not_redirect(corpus):
    settings, _, _ = corpus
    results = search(settings, "S/RES/2334 (2016)")
    assert results.redirect_uid is None


# ---- snippets ----

def test_snippets_are_escaped_html_with_marks(corpus):
    settings, sources, _ = corpus
    results = everything(settings, "R&D organizations", lang="en")
    assert results.total > 0
    hit = results.hits[0]
    assert "<mark>R</mark>&amp;<mark>D</mark> <mark>organizations</mark>" in hit.snippet
    bare = re.sub(r"</?mark>", "", hit.snippet)
    assert "<" not in bare and ">" not in bare
    assert not re.search(r"&(?!amp;|lt;|gt;|quot;|#x27;)", bare)
    text = " ".join(source_text(sources, hit.symbol, "en").split())
    assert " ".join(visible(hit.snippet).split()) in text


@pytest.mark.parametrize("lang", LANGS)
def test_snippet_is_in_the_language_of_the_match(corpus, lang):
    settings, sources, _ = corpus
    text = next(s.texts[lang] for s in sources if s.symbol == "s/2015/305")
    word = max(re.findall(r"\w+", text)[5:40], key=len) if lang != "zh" else text[10:14]
    results = everything(settings, word)
    hit = next(h for h in results.hits if h.symbol == "S/2015/305")
    assert hit.language == lang
    assert marked(hit.snippet), hit.snippet


# ---- hostile queries ----

@pytest.mark.parametrize("query", ['"unbalanced quote', "((((nested", "a AND", "OR refugees",
                                   "refugees)))", "NOT", "- refugees", "year:2015 )(",
                                   'refugees "', "clim[*", "a:b:c", "\\", "**refugees**"])
def test_hostile_queries_do_not_crash(corpus, query):
    settings, _, _ = corpus
    try:
        results = search(settings, query)
    except QueryError as exc:
        assert str(exc)
    else:
        assert results.total >= 0


@pytest.mark.parametrize(("query", "message"), [
    ("x" * 100_000, "characters long"),
    ("(" * 200 + "refugees" + ")" * 200, "nests"),
    ("title:", "nothing after"),
    ("AND OR NOT", "no words"),
    ("year:nineteen", "not a year"),
    ("year:2015..2010", "ends before"),
    ("lang:klingon", "unknown language"),
    (" ".join(["word"] * 100), "more than"),
    ("refugees\x00", "NUL"),
])
def test_hostile_queries_get_a_clear_error(corpus, query, message):
    settings, _, _ = corpus
    with pytest.raises(QueryError, match=message):
        search(settings, query)


@pytest.mark.parametrize(("kwargs", "message"), [
    ({"filters": {"colour": ["red"]}}, "unknown filter"),
    ({"filters": {"year": ["last year"]}}, "not a year"),
    ({"lang": "xx"}, "unknown language"),
    ({"sort": "random"}, "unknown sort"),
    ({"per_page": 0}, "per_page"),
])
def test_bad_parameters_get_a_clear_error(corpus, kwargs, message):
    settings, _, _ = corpus
    with pytest.raises(QueryError, match=message):
        search(settings, "refugees", **kwargs)
