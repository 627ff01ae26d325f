"""Search help on a real catalogue and index (UNPC and CR-UNSC texts): did-you-mean from
the index's own words, the advanced form writing the box's syntax, the year histogram,
feeds and citation exports linked from result pages, plain JSON snippets."""

from __future__ import annotations

import json
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from typer.testing import CliRunner

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "search"))

from search_corpus import catalogue, cr_unsc_sources, make_settings, unpc_sources  # noqa: E402

from hemicycle.languages.folding import fold  # noqa: E402
from hemicycle.search.querylang import QueryError, compose_query, parse_query  # noqa: E402
from hemicycle.search.suggest import correct_word, suggest, vocabulary  # noqa: E402


@pytest.fixture(scope="module")
def corpus(tmp_path_factory):
    from hemicycle.search.index import rebuild_index

    settings = make_settings(tmp_path_factory.mktemp("ui-search") / "data")
    catalogue(settings, unpc_sources() + cr_unsc_sources())
    rebuild_index(settings)
    return settings


@pytest.fixture(scope="module")
def client(corpus):
    from hemicycle.web.app import create_app

    return TestClient(create_app(corpus))


@pytest.mark.parametrize(("typed", "lang", "meant"), [
    ("Securty Councl", None, "Security Council"),           # typos, capitals kept
    ("devlopment", "en", "development"),
    ("Совет Безопастности", None, "Совет Безопасности"),    # Russian
    ("conseil de securite", "fr", None),                    # folded: already found
    ("聯合國", None, "联合国"),                               # traditional -> simplified
])
def test_suggestions_come_from_the_index(corpus, typed, lang, meant):
    assert suggest(corpus, typed, lang) == meant


def test_arabic_hamza_forms_and_typos(corpus):
    vocab = vocabulary(corpus)
    assert fold("أمن", "ar") == fold("امن", "ar")  # alef with hamza is one word with alef
    # a word the Arabic texts hold, typed with a letter dropped, comes back whole
    word = next(w for w, _n in sorted(vocab.words["ar"].values(), key=lambda p: -p[1])
                if len(w) >= 6)
    searcher = __import__("hemicycle.search.location", fromlist=["x"]).searchable_index(
        corpus).searcher()
    assert correct_word(searcher, vocab, word[:2] + word[3:], "ar") is not None


def test_fields_operators_and_symbols_are_kept_as_typed(corpus):
    assert suggest(corpus, "symbol:S/RES/2049 securty", None) == "symbol:S/RES/2049 security"
    assert suggest(corpus, "securty OR councl", None) == "security OR council"
    assert suggest(corpus, "secur* councl", None) == "secur* council"
    assert suggest(corpus, "Security Council", None) is None
    assert suggest(corpus, "", None) is None


def test_the_vocabulary_is_kept_beside_the_index_and_read_back(corpus):
    vocabulary(corpus)
    stored = list((corpus.data_dir / "suggest").glob("*.json.gz"))
    assert len(stored) == 1


def test_results_page_offers_the_suggestion_only_when_it_finds_more(client):
    page = client.get("/search?q=securty+councl&ui=en").text
    offered = re.search(r'data-suggestion>.*?href="([^"]+)"', page, re.S)
    assert offered and "security+council" in offered.group(1)
    page = client.get("/search?q=Security+Council&ui=en").text
    assert "data-suggestion" not in page
    data = client.get("/api/search", params={"q": "securty councl"}).json()
    assert data["suggestion"] == "security council"


def test_compose_query_round_trips_through_the_parser():
    query = compose_query({"all": "climate change", "phrase": 'small "island" states',
                           "any": "ocean sea", "none": "oil", "symbol": "A/RES/70/1",
                           "title": "sustainable development", "body": "GA",
                           "type": "draft resolution", "subject": "CLIMATE CHANGE",
                           "language": "fr", "year_from": "2010", "year_to": "2015"})
    assert query == ('climate change "small island states" (ocean OR sea) -oil '
                     'symbol:A/RES/70/1 title:(sustainable development) body:GA '
                     'type:"draft resolution" subject:"CLIMATE CHANGE" lang:fr '
                     'year:2010..2015')
    tree = parse_query(query)
    fields = {leaf.field for leaf in _leaves(tree)}
    assert fields == {None, "symbol", "title", "body", "type", "subject", "language", "year"}
    assert compose_query({"query": "a OR b", "year_from": "1990"}) == "(a OR b) year:1990.."
    assert compose_query({"year_from": "2001", "year_to": "2001"}) == "year:2001"


def _leaves(tree):
    if hasattr(tree, "children"):
        for child in tree.children:
            yield from _leaves(child)
    else:
        yield tree


@pytest.mark.parametrize(("fields", "says"), [
    ({"year_from": "abc"}, "year_from: 'abc' is not a year"),
    ({"year_from": "2015", "year_to": "2010"}, "the range ends before it starts"),
    ({"colour": "red"}, "unknown advanced search field 'colour'"),
])
def test_compose_query_refuses_broken_fields(fields, says):
    with pytest.raises(QueryError, match=re.escape(says)):
        compose_query(fields)


def test_advanced_form_sends_the_reader_to_the_query_it_wrote(client):
    form = client.get("/search/advanced?q=climate&ui=es")
    assert form.status_code == 200 and 'value="climate"' in form.text
    sent = client.get("/search/advanced", params={"all": "security", "body": "SC",
                                                  "lang": "en"}, follow_redirects=False)
    assert sent.status_code == 303
    assert sent.headers["location"] == "/search?q=security+body%3ASC&lang=en"
    broken = client.get("/search/advanced", params={"year_from": "19x5", "ui": "fr"})
    assert broken.status_code == 400
    assert "year_from : « 19x5 » n’est pas une année" in broken.text


def test_year_histogram_feed_and_exports_on_every_result_page(client):
    page = client.get("/search?q=&ui=en").text
    bars = re.findall(r'<a href="([^"]+)" aria-label="(\d{4}): (\d+) documents"', page)
    assert len(bars) >= 2
    assert all("year=" in href for href, _y, _n in bars)
    assert '<link rel="alternate" type="application/atom+xml"' in page
    feed = re.search(r'href="(/feeds/search\.atom[^"]*)"[^>]*data-feed', page).group(1)
    assert client.get(feed.replace("&amp;", "&")).headers["content-type"].startswith(
        "application/atom+xml")
    for fmt in ("un", "bibtex", "ris", "csl"):
        assert f'data-cite="{fmt}"' in page
    empty = client.get("/search?q=zzzqqq&ui=en").text
    assert "data-feed" in empty  # an alert for what does not exist yet


def test_error_details_are_in_the_interface_language(client):
    for lang, text in (("fr", "la page « abc » n’est pas un numéro de page"),
                       ("ar", "الصفحة «abc» ليست رقم صفحة"),
                       ("zh", "页码“abc”不是数字")):
        page = client.get(f"/search?q=x&page=abc&ui={lang}")
        assert page.status_code == 400 and text in page.text
    api = client.get("/api/search?q=x&page=abc")
    assert api.json()["error"]["detail"] == "page 'abc' is not a page number"


def test_cli_json_has_plain_snippets_with_highlight_offsets(corpus, monkeypatch):
    from hemicycle.cli import app

    monkeypatch.setenv("HEMICYCLE_DATA", str(corpus.data_dir))
    result = CliRunner().invoke(app, ["search", "Security Council", "--lang", "en", "--json"])
    assert result.exit_code == 0, result.output
    hit = json.loads(result.stdout)["hits"][0]
    assert "<mark>" not in hit["snippet"] and "&amp;" not in hit["snippet"]
    assert hit["highlights"]
    for start, end in hit["highlights"]:
        assert hit["snippet"][start:end].lower() in ("security", "council", "councils")
