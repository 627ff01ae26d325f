"""UNBIS as the demo loads it (the Makefile's `thesaurus load` line): titles without the
export's language suffixes, one casing for every label, domains and microthesauri shown
with their codes alike, and links to concepts the files do not describe shown as "not in
this thesaurus", never as a raw placeholder URI."""

from __future__ import annotations

import re

import pytest
from fastapi.testclient import TestClient
from thesaurus_helpers import DOMAIN13, DOMAINS, LABELS
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.cli import app as cli_app
from hemicycle.thesaurus import lookup
from hemicycle.thesaurus.casing import sentence_case
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

TITLES = {"ar": "مكنز اليونبيس", "zh": "联合国书目信息系统叙词表", "en": "UNBIS Thesaurus",
          "fr": "Thésaurus UNBIS", "ru": "Тезаурус ЮНБИС", "es": "Tesauro UNBIS"}
FILES = [*DOMAIN13, LABELS, DOMAINS]
REFUGEES = "http://metadata.un.org/thesaurus/1005418"  # T0003906, broader T0005607


@pytest.fixture
def demo(settings, monkeypatch):
    """The vocabulary loaded through the command line exactly as `make demo-data` does."""
    monkeypatch.setenv("HEMICYCLE_DATA", str(settings.data_dir))
    args = ["thesaurus", "load", *map(str, FILES), "--vocab", "unbis",
            "--label-case", "sentence"]
    for lang, title in TITLES.items():
        args += ["--title", f"{lang}={title}"]
    result = CliRunner().invoke(cli_app, args)
    assert result.exit_code == 0, result.output
    return settings, " ".join(result.output.split())


def test_sentence_case() -> None:
    assert sentence_case("DISPLACED PERSONS") == "Displaced persons"
    assert sentence_case("productive ageing") == "Productive ageing"
    assert sentence_case("ПОЛИТИЧЕСКИЕ И ЮРИДИЧЕСКИЕ ВОПРОСЫ") == \
        "Политические и юридические вопросы"
    assert sentence_case("Активная старость") == "Активная старость"
    assert sentence_case("المشردون") == "المشردون" and sentence_case("难民") == "难民"
    assert sentence_case("2000 year date conversion") == "2000 year date conversion"


def test_titles_without_the_exports_language_suffix(settings) -> None:
    load_vocabulary(settings, "unbis", FILES)
    with session_scope(settings.database_url) as db:
        title = lookup.vocabulary(db, "unbis").title
    assert title == {lang: "UNBIS Thesaurus" for lang in TITLES}  # was "UNBIS Thesaurus_en"


def test_titles_labels_and_codes_as_the_demo_loads_them(demo) -> None:
    settings, _output = demo
    client = TestClient(create_app(settings))
    for lang, title in TITLES.items():
        page = client.get(f"/thesaurus?ui={lang}").text
        assert f">{title}</a>" in page and "Thesaurus_" not in page
    with session_scope(settings.database_url) as db:
        vocab = lookup.vocabulary(db, "unbis")
        assert vocab.title == TITLES
        # domain-13 SKOS wrote DISPLACED PERSONS, the label table productive ageing, the
        # domain list ПОЛИТИЧЕСКИЕ ...: one casing now
        displaced = lookup.concept_by_uri(db, "http://metadata.un.org/thesaurus/1001706")[1]
        view = lookup.concept_view(db, vocab, displaced, "en")
        assert view.pref["en"] == "Displaced persons" and view.pref["fr"] == "Personnes deplacees"
        assert all(not a.isupper() for a in view.alt.get("en", []))
        ageing = lookup.concept_by_uri(db, "http://metadata.un.org/thesaurus/1005155")[1]
        assert lookup.concept_view(db, vocab, ageing, "en").pref["en"] == "Productive ageing"
        domains = {d.notation: d for d in lookup.groups(db, vocab, "ru")}
        assert len(domains) == 18
        assert domains["01"].label == "Политические и юридические вопросы"
        assert domains["13"].label == "Гуманитарная помощь"  # was "13 - ГУМАНИТАРНАЯ ПОМОЩЬ"
        assert not any(re.match(r"\d", d.label) for d in domains.values())
    page = client.get("/thesaurus/unbis?ui=en").text
    assert '<span class="notation">01</span> <span lang="en">Political and legal questions' in page
    assert '<span class="notation">13</span> <span lang="en">Humanitarian aid and relief' in page
    crumbs = client.get("/thesaurus/unbis/1001706?ui=en").text.split('class="breadcrumbs"')[1]
    crumbs = crumbs.split("</nav>")[0]
    assert '<span class="notation">13.01.00</span>' in crumbs


def test_links_outside_the_vocabulary_are_reported_and_shown_as_such(demo) -> None:
    settings, output = demo
    assert "313 broader/narrower/related/member links point to 245 concepts not in this " \
        "thesaurus (T0000112," in output
    client = TestClient(create_app(settings))
    words = {"en": "not in this thesaurus", "fr": "absent de ce thésaurus",
             "es": "no figura en este tesauro", "ru": "нет в этом тезаурусе",
             "zh": "不在本叙词表中", "ar": "غير موجود في هذا المكنز"}
    for lang, words_of in words.items():
        page = client.get(f"/thesaurus/unbis/1005418?ui={lang}").text
        assert "example.org" not in page
        broader = page.split('<ul class="broader">')[1].split("</ul>")[0]
        assert "T0005607" in broader and words_of in broader
        assert "/thesaurus/unbis/T0005607" not in broader  # no link to a page that is not
    with session_scope(settings.database_url) as db:
        vocab = lookup.vocabulary(db, "unbis")
        view = lookup.concept_view(db, vocab, lookup.concept_by_uri(db, REFUGEES)[1], "en")
        assert [(r.id, r.outside) for r in view.broader] == [("T0005607", True)]
        assert view.external["broader"] == ["http://example.org/unbis-2015/T0005607"]
    shown = CliRunner().invoke(cli_app, ["thesaurus", "show", REFUGEES])
    assert "broader: T0005607 (not in this thesaurus)" in shown.output


def test_bad_title_and_case_options_are_refused(settings, monkeypatch) -> None:
    monkeypatch.setenv("HEMICYCLE_DATA", str(settings.data_dir))
    runner = CliRunner()
    for extra in (["--title", "UNBIS"], ["--title", "xx1=UNBIS"], ["--title", "fr="],
                  ["--label-case", "shouting"]):
        result = runner.invoke(cli_app, ["thesaurus", "load", *map(str, DOMAIN13),
                                         "--vocab", "unbis", *extra])
        assert result.exit_code == 1, extra
        assert "--title" in result.output or "--label-case" in result.output
    with session_scope(settings.database_url) as db:
        assert lookup.vocabularies(db) == []
