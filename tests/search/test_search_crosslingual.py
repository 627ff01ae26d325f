"""Cross-lingual search through the thesaurus (search.expansion): a query naming a UNBIS
concept in one language finds the documents indexed with it, or naming it, in the others.

Real index, the real UNBIS labels bundled in corpus/thesaurus (loaded as `make demo-data`
loads them), real documents written through hemicycle.documents.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from search_corpus import make_settings

from hemicycle.documents import DocumentInput, SubjectInput, VersionInput, save_document
from hemicycle.search import expansion as expansion_module
from hemicycle.search.index import catch_up, rebuild_index
from hemicycle.search.query import QueryError, search
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

ROOT = Path(__file__).resolve().parents[2]
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
UNBIS = "http://metadata.un.org/thesaurus/"
REFUGEES, SUDAN, CLIMATE = UNBIS + "1005418", UNBIS + "1006271", UNBIS + "1001030"

# (symbol, language, title, text, subjects): each document in one language only
DOCUMENTS = [
    ("S/RES/2046 (2012)", "en", "Resolution 2046 (2012)",
     "Calls upon the parties to facilitate the safe return of refugees to their homes "
     "in the border areas.", ()),
    ("S/RES/2047 (2012)", "en", "Resolution 2047 (2012)",
     "Expresses concern at the humanitarian situation of displaced persons in camps.",
     (REFUGEES,)),
    ("S/RES/2048 (2012)", "en", "Resolution 2048 (2012)",
     "Decides to renew the mandate of the panel of experts on the situation in Sudan and "
     "the movement of refugees.", ()),
    ("A/70/1", "fr", "Rapport sur les réfugiés",
     "Le nombre de réfugiés a augmenté dans la région.", ()),
    ("A/70/2", "zh", "关于难民的报告", "该区域的难民人数增加了。", ()),
    ("A/70/3", "en", "Water supply", "Investment in water supply and sanitation in towns.",
     ()),
    ("A/70/4", "ru", "Доклад о климате",
     "Изменение климата угрожает малым островным государствам.", ()),
]


def _save(settings, symbol, lang, title, text, subjects):
    save_document(settings, DocumentInput(
        symbols=[symbol], versions={lang: VersionInput(title=title, text=text)},
        subjects=[SubjectInput(uri, label=None) for uri in subjects]))


@pytest.fixture(scope="module")
def library(tmp_path_factory: pytest.TempPathFactory):
    settings = make_settings(tmp_path_factory.mktemp("crosslingual") / "data")
    load_vocabulary(settings, "unbis", [LABELS], label_case="sentence")
    for row in DOCUMENTS:
        _save(settings, *row)
    catch_up(settings)
    return settings


def symbols(results) -> list[str]:
    return [hit.symbol for hit in results.hits]


def test_a_french_query_finds_english_only_resolutions(library):
    found = search(library, "réfugiés")
    # the French document as typed first; the English ones through the concept REFUGEES:
    # by its English label in the text, or indexed with it (no word of it in the text)
    assert symbols(found)[0] == "A/70/1"
    assert {"S/RES/2046 (2012)", "S/RES/2047 (2012)", "S/RES/2048 (2012)",
            "A/70/2"} <= set(symbols(found))
    assert "A/70/3" not in symbols(found)
    assert [c.uri for c in found.expansion.concepts] == [REFUGEES]
    concept = found.expansion.concepts[0]
    assert concept.matched == "réfugiés"
    assert concept.labels["en"].lower() == "refugees" and concept.labels["zh"] == "难民"
    # the English hit is shown in English with the English label marked
    hit = next(h for h in found.hits if h.symbol == "S/RES/2046 (2012)")
    assert hit.language == "en" and "<mark>refugees</mark>" in hit.snippet


def test_switched_off_the_query_is_searched_as_typed(library):
    found = search(library, "réfugiés", expand=False)
    assert symbols(found) == ["A/70/1"]
    assert found.expansion.reason == "off" and not found.expansion.concepts


@pytest.mark.parametrize("query", ["اللاجئون", "难民", "Беженцы", "refugiados"])
def test_arabic_chinese_russian_spanish_queries_find_the_english_documents(library, query):
    found = set(symbols(search(library, query)))
    assert {"S/RES/2046 (2012)", "S/RES/2047 (2012)", "A/70/1", "A/70/2"} <= found


def test_a_chinese_label_inside_a_longer_run_of_characters(library):
    # a whole label wins over the labels inside it: 苏丹难民 is "Sudanese refugees"
    whole = search(library, "苏丹难民")
    assert [c.uri for c in whole.expansion.concepts] == [UNBIS + "1006273"]
    found = search(library, "苏丹的难民")  # Sudan + refugees, no space between them
    assert {c.uri for c in found.expansion.concepts} == {SUDAN, REFUGEES}
    assert [c.matched for c in found.expansion.concepts] == ["苏丹", "难民"]
    # both concepts are asked for (AND): only the resolution on refugees in Sudan
    assert symbols(found) == ["S/RES/2048 (2012)"]


def test_a_label_inside_a_longer_query_is_expanded_words_outside_are_left_out(library):
    found = search(library, "les réfugiés du Soudan")
    assert {c.uri for c in found.expansion.concepts} == {REFUGEES, SUDAN}
    assert symbols(found) == ["S/RES/2048 (2012)"]


def test_multiword_labels_match_whole(library):
    found = search(library, "climate change")
    assert [c.uri for c in found.expansion.concepts] == [CLIMATE]
    assert "A/70/4" in symbols(found)
    # the whole label, not its parts ("climate" is a concept of its own)
    alone = search(library, "climate")
    assert [c.uri for c in alone.expansion.concepts] == [UNBIS + "1001029"]
    assert search(library, "xylophone climatique").expansion.reason == "no_match"


@pytest.mark.parametrize("query, reason", [
    ("", "empty"), ('subject:"refugees"', "syntax"), ("refugees OR water", "syntax"),
    ("refugee*", "syntax"), ("-refugees water", "syntax"), ("S/RES/2046 (2012)", "symbol"),
    ("title:réfugiés", "syntax"), ("xylophone", "no_match"), ("!!!", "no_match")])
def test_no_expansion_for_symbols_fields_operators_and_unknown_words(library, query, reason):
    try:
        found = search(library, query)
    except QueryError:
        assert query == "!!!"  # signs only: refused as before, expansion or not
        return
    assert found.expansion.reason == reason and not found.expansion.concepts


def test_a_query_naming_many_concepts_is_capped_and_says_so(library):
    query = " ".join(["refugees", "sudan", "water", "information", "children", "chad",
                      "libya", "mali", "niger", "peru", "chile", "cuba"])
    found = search(library, query)
    assert len(found.expansion.concepts) == expansion_module.MAX_CONCEPTS
    assert found.expansion.left_out == 12 - expansion_module.MAX_CONCEPTS


def test_a_very_long_query_is_refused_as_before(library):
    with pytest.raises(QueryError):
        search(library, "réfugiés " * 200)
    # 64 words, every one a label: capped, answered
    found = search(library, " ".join(["refugees", "sudan"] * 32))
    assert len(found.expansion.concepts) <= expansion_module.MAX_CONCEPTS


def test_without_a_thesaurus_search_works_unexpanded(tmp_path):
    settings = make_settings(tmp_path / "data")
    _save(settings, *DOCUMENTS[0])
    rebuild_index(settings)
    found = search(settings, "refugees")
    assert symbols(found) == ["S/RES/2046 (2012)"]
    assert found.expansion.reason == "no_thesaurus"
    page = TestClient(create_app(settings)).get("/search?q=refugees")
    assert page.status_code == 200 and "data-expansion" not in page.text


def test_the_page_says_what_was_also_searched_and_links_to_search_without(library):
    client = TestClient(create_app(library))
    page = client.get("/search?q=r%C3%A9fugi%C3%A9s&ui=fr")
    assert page.status_code == 200
    assert "data-expansion" in page.text and "Recherche étendue" in page.text
    assert 'href="/thesaurus/unbis/1005418"' in page.text
    assert 'lang="ar"' in page.text and "اللاجئون" in page.text and "难民" in page.text
    assert "xl=0" in page.text and "S/RES/2046 (2012)" in page.text
    without = client.get("/search?q=r%C3%A9fugi%C3%A9s&xl=0&ui=ar")
    assert "S/RES/2046 (2012)" not in without.text and "data-expansion-off" in without.text
    assert "q=r%C3%A9fugi%C3%A9s" in without.text  # the way back, with the thesaurus


def test_the_api_takes_xl_and_reports_the_expansion(library):
    client = TestClient(create_app(library))
    on = client.get("/api/search", params={"q": "难民"}).json()
    assert on["expansion"]["used"] and on["expansion"]["concepts"][0]["uri"] == REFUGEES
    assert on["expansion"]["concepts"][0]["labels"]["fr"]
    assert "S/RES/2046 (2012)" in {h["symbol"] for h in on["hits"]}
    off = client.get("/api/search", params={"q": "难民", "xl": "0"}).json()
    assert off["expansion"] == {"used": False, "reason": "off", "concepts": [], "left_out": 0}
    assert {h["symbol"] for h in off["hits"]} == {"A/70/2"}
    bad = client.get("/api/search", params={"q": "难民", "xl": "maybe"})
    assert bad.status_code == 400 and "xl" in bad.text


def test_the_command_says_what_it_also_searched_and_searches_as_typed(library, monkeypatch):
    from typer.testing import CliRunner

    from hemicycle.cli import app

    monkeypatch.setenv("HEMICYCLE_DATA", str(library.data_dir))
    monkeypatch.delenv("HEMICYCLE_DATABASE_URL", raising=False)
    on = CliRunner().invoke(app, ["search", "réfugiés"])
    assert on.exit_code == 0, on.output
    assert "also searched (thesaurus):" in on.stdout and "难民" in on.stdout
    assert "S/RES/2046 (2012)" in on.stdout
    typed = CliRunner().invoke(app, ["search", "réfugiés", "--as-typed", "--json"])
    data = json.loads(typed.stdout)
    assert [h["symbol"] for h in data["hits"]] == ["A/70/1"]
    assert data["expansion"]["reason"] == "off"


def test_a_common_word_alone_names_no_concept(library):
    # "the" folds to the French label "thé" (tea); it names nothing alone
    found = search(library, "the situation in the Middle East")
    assert [c.labels["en"].lower() for c in found.expansion.concepts] == ["middle east"]


MINI = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <http://metadata.un.org/thesaurus/> .
t:00 a skos:ConceptScheme ; skos:prefLabel "UNBIS Thesaurus"@en .
t:1000001 a skos:Concept ; skos:inScheme t:00 ;
  skos:prefLabel "REFUGEES"@en, "RÉFUGIÉS"@fr, "REFUGIADOS"@es, "БЕЖЕНЦЫ"@ru,
                 "اللاجئون"@ar, "难民"@zh .
"""
MORE = MINI + """t:1000003 a skos:Concept ; skos:inScheme t:00 ;
  skos:prefLabel "WATER"@en, "EAU"@fr, "AGUA"@es, "ВОДА"@ru, "المياه"@ar, "水资源"@zh .
"""


def test_a_reloaded_thesaurus_is_read_again(tmp_path, monkeypatch):
    monkeypatch.setattr(expansion_module, "RECHECK_S", 0.0)
    settings = make_settings(tmp_path / "data")
    vocab = tmp_path / "unbis.ttl"
    vocab.write_text(MINI, encoding="utf-8")
    load_vocabulary(settings, "unbis", [vocab])
    _save(settings, "A/70/3", "en", "Water supply", "Investment in water supply.", ())
    catch_up(settings)
    assert search(settings, "eau").expansion.reason == "no_match"
    vocab.write_text(MORE, encoding="utf-8")
    load_vocabulary(settings, "unbis", [vocab])
    found = search(settings, "eau")
    assert [c.uri for c in found.expansion.concepts] == [UNBIS + "1000003"]
    assert symbols(found) == ["A/70/3"]


def test_expansion_on_sqlite_and_postgresql(catalogue_settings, tmp_path):
    vocab = tmp_path / "unbis.ttl"
    vocab.write_text(MORE, encoding="utf-8")
    load_vocabulary(catalogue_settings, "unbis", [vocab])
    _save(catalogue_settings, *DOCUMENTS[0])
    _save(catalogue_settings, *DOCUMENTS[5])
    catch_up(catalogue_settings)
    found = search(catalogue_settings, "réfugiés")
    assert symbols(found) == ["S/RES/2046 (2012)"]
    assert search(catalogue_settings, "réfugiés", expand=False).hits == []
    assert symbols(search(catalogue_settings, "المياه")) == ["A/70/3"]


def test_an_unreadable_thesaurus_leaves_the_search_as_typed(tmp_path):
    import dataclasses

    settings = make_settings(tmp_path / "data")
    _save(settings, *DOCUMENTS[0])
    rebuild_index(settings)
    # the same index, its catalogue an empty file: no thesaurus tables to read
    broken = dataclasses.replace(settings, search_index_dir=settings.index_dir,
                                 database_url=f"sqlite:///{tmp_path / 'empty.sqlite3'}")
    found = search(broken, "refugees")
    assert symbols(found) == ["S/RES/2046 (2012)"]
    assert found.expansion.reason == "no_thesaurus"


# --- a query word in another form than the label: matched as the search analyses it ---

@pytest.mark.parametrize("query", [
    "réfugié", "refugie",  # fr: singular, with and without its accents
    "اللاجئين", "لاجئين",  # ar: another case, with and without the article
    "беженцев", "беженцам",  # ru: genitive and dative plural
    "refugiado",  # es: singular
    "refugee",  # en: singular
])
def test_an_inflected_word_meets_the_label_and_finds_the_other_languages(library, query):
    found = search(library, query)
    assert [c.uri for c in found.expansion.concepts] == [REFUGEES]
    assert found.expansion.concepts[0].matched == query
    assert {"S/RES/2046 (2012)", "S/RES/2047 (2012)", "A/70/2"} <= set(symbols(found))
    assert "A/70/3" not in symbols(found)


@pytest.mark.parametrize("query", [
    "changement climatique",  # fr label: changements climatiques
    "изменения климата",  # ru label: изменение климата
    "cambios climáticos",  # es label: cambio climatico
    "气候 变化",  # zh typed with a space: the label's characters, as the search's bigrams
])
def test_an_inflected_multiword_label_and_spaced_chinese(library, query):
    found = search(library, query)
    assert [c.uri for c in found.expansion.concepts] == [CLIMATE]
    assert "A/70/4" in symbols(found)


def test_a_word_that_only_stems_like_a_label_spelt_far_from_it_names_nothing(library):
    # "security" and "securities" are both "secur" to the English stemmer
    assert search(library, "security").expansion.reason == "no_match"
    # short words of a script three languages share: the Spanish PERAS (pears), PARTO
    # (childbirth) and SOL (sun) stem as "per", "part" and "solo" do
    for word in ("per", "part", "solo"):
        assert search(library, word).expansion.reason == "no_match", word
    # an inflected form names the closest label only: RÉFUGIÉS, not REFUGIEES (women)
    assert [c.uri for c in search(library, "réfugié").expansion.concepts] == [REFUGEES]
    # a derivation is not an inflection: INTERNATIONALISM stems as "international" does
    assert search(library, "international").expansion.reason == "no_match"


WOMEN, MIRRORS, STOCKS = UNBIS + "1007029", UNBIS + "1004181", UNBIS + "1006212"
AMBASSADORS, BUSINESS, INTERNATIONALISM = UNBIS + "1000255", UNBIS + "1000742", UNBIS + "1003347"


def named(library, query) -> list[str]:
    return [c.uri for c in search(library, query).expansion.concepts]


@pytest.mark.parametrize(("query", "concepts"), [
    # ar: المرأة (woman) and المرآة (mirror) fold alike; the one spelt as typed is meant,
    # and typed without its hamza both are
    ("المرأة", [WOMEN]), ("المرآة", [MIRRORS]), ("المراة", [MIRRORS, WOMEN]),
    # zh: not stemmed; a word alone is a label or not
    ("妇女", [WOMEN]), ("股票", [STOCKS]),
    # en: "action" is not the French ACTIONS (stocks), "international" not INTERNATIONALISM
    ("action", []), ("international", []),
    # fr: the exact label still names STOCKS; the French "action" (ACTION SOCIALE) does not
    ("actions", [STOCKS]), ("action sociale", [UNBIS + "1005950"]), ("internationale", []),
    # ru: "после" (after) stems like ПОСЛЫ (ambassadors); "послов" is a form of it
    ("после", []), ("послов", [AMBASSADORS]), ("им", []),
    # es: "acción" is used for ACCIÓN SOCIAL in the labels, not ACCIONES (stocks)
    ("acción", []), ("acciones", [STOCKS]), ("internacionales", []),
])
def test_a_word_that_stems_like_a_label_but_is_another_word_names_nothing(library, query,
                                                                          concepts):
    assert sorted(named(library, query)) == sorted(concepts)


def test_the_other_words_of_the_query_say_which_language_a_word_is_in(library):
    # "Affairs" alone stems like the French AFFAIRES (business): nothing tells it is not
    # French; beside "Political" (an English label word, no French one) it is English
    assert named(library, "Affairs") == [BUSINESS]
    assert named(library, "Department of Political Affairs") == []
    assert named(library, "political affairs") == []
    assert named(library, "affaires politiques") == [BUSINESS]  # the French label itself
    assert named(library, "réfugiés du Soudan") == [REFUGEES, SUDAN]


DOMAIN13 = ROOT / "corpus" / "thesaurus" / "unbis-domain13" / "unbis-domain13.ttl"


@pytest.mark.parametrize("query", ["моряков-беженцев", "البحارة اللاجئين", "难民水手",
                                   "refugee seamen"])
def test_alternative_labels_are_matched_too_and_search_the_preferred_ones(tmp_path, query):
    # UNBIS domain 13: REFUGEE SEAFARERS, alternative labels REFUGEE SEAMEN, Моряки-беженцы,
    # البحارة اللاجئون, 难民水手 (ru and ar here in another case than the label)
    settings = make_settings(tmp_path / "data")
    load_vocabulary(settings, "unbis", [DOMAIN13])
    _save(settings, "A/70/9", "es", "Informe", "La situación de los marinos refugiados.", ())
    catch_up(settings)
    found = search(settings, query)
    assert [c.labels["en"] for c in found.expansion.concepts] == ["REFUGEE SEAFARERS"]
    assert symbols(found) == ["A/70/9"]


@pytest.mark.parametrize("query", [
    "réfugié", "refugee", "اللاجئين", "беженцев", "humanitarian situation", "water supply",
    "refugees to their homes", "мандат", "panel of experts", "难民人数"])
def test_the_results_of_the_query_as_typed_come_first_in_their_order(library, query):
    off = [(h.uid, h.language) for h in search(library, query, expand=False).hits]
    on = search(library, query)
    assert [(h.uid, h.language) for h in on.hits][:len(off)] == off
