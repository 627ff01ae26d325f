"""FAQ search in the reader's own words: stems per language, synonyms from the thesaurus;
votes on answers that keep nothing about the reader; questions that found nothing."""

from __future__ import annotations

import datetime as dt

import pytest
from knowledge_helpers import EDITOR

from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import faq, retrieval
from hemicycle.thesaurus.store import load_vocabulary

ANSWERS = {
    "tsunami-docs": {
        "en": ("Where are documents on tsunamis?", "Search the library for tsunamis and "
               "early warning systems."),
        "fr": ("Où trouver les documents sur les tsunamis ?", "Cherchez « tsunamis » et "
               "systèmes d'alerte rapide."),
    },
    "voting-records": {
        "en": ("How did member states vote on a resolution?", "Open the voting record of the "
               "resolution: every state's vote is listed."),
        "fr": ("Comment les États Membres ont-ils voté sur une résolution ?", "Ouvrez "
               "l'enregistrement du vote de la résolution."),
        "es": ("¿Cómo votaron los Estados Miembros una resolución?", "Abra el registro de "
               "votación de la resolución."),
        "ru": ("Как государства-члены голосовали по резолюции?", "Откройте запись "
               "голосования по резолюции."),
        "ar": ("كيف صوتت الدول الأعضاء على قرار؟", "افتح سجل التصويت على القرار."),
        "zh": ("会员国如何对一项决议进行表决？", "打开该决议的表决记录。"),
    },
    "speeches": {
        "en": ("Where can I read General Debate statements?", "Each statement is on the "
               "speeches page, by state and session."),
        "fr": ("Où lire les déclarations du débat général ?", "Chaque déclaration est sur la "
               "page des discours."),
        "es": ("¿Dónde leer las declaraciones del debate general?", "Cada declaración está en "
               "la página de discursos."),
        "ru": ("Где прочитать выступления в общих прениях?", "Каждое выступление есть на "
               "странице речей."),
        "ar": ("أين أقرأ بيانات المناقشة العامة؟", "كل بيان موجود في صفحة الخطب."),
        "zh": ("在哪里阅读一般性辩论的发言？", "每篇发言都在发言页面上。"),
    },
}

THESAURUS = """@prefix skos: <http://www.w3.org/2004/02/skos/core#> .
@prefix t: <http://metadata.un.org/thesaurus/> .
t:00 a skos:ConceptScheme ; skos:prefLabel "UNBIS Thesaurus"@en .
t:1005000 a skos:Concept ; skos:inScheme t:00 ;
  skos:prefLabel "TSUNAMIS"@en, "TSUNAMIS"@fr, "TSUNAMIS"@es, "ЦУНАМИ"@ru, "تسونامي"@ar,
                 "海啸"@zh ;
  skos:altLabel "SEISMIC SEA WAVES,TIDAL WAVES"@en, "RAZ DE MARÉE"@fr .
"""


def _load(settings, tmp_path):
    ttl = tmp_path / "t.ttl"
    ttl.write_text(THESAURUS, encoding="utf-8")
    load_vocabulary(settings, "unbis", [ttl])
    with session_scope(settings.database_url) as db:
        for slug, texts in ANSWERS.items():
            for lang, (question, answer) in texts.items():
                faq.save_text(db, slug, lang, question=question, answer=answer, who=EDITOR,
                              publish=True)


def test_questions_in_the_readers_own_words(catalogue_settings, tmp_path):
    s = catalogue_settings
    _load(s, tmp_path)
    asked = {
        "en": ("how did countries vote on resolutions", "voting-records"),
        "fr": ("comment ont voté les états sur les résolutions", "voting-records"),
        "es": ("cómo votaron los estados", "voting-records"),
        "ru": ("голосование государств по резолюциям", "voting-records"),
        "ar": ("تصويت الدول على القرارات", "voting-records"),
        "zh": ("决议表决", "voting-records"),
    }
    with session_scope(s.database_url) as db:
        for lang, (question, slug) in asked.items():
            found = retrieval.search_faq(db, question, lang)
            assert found and found[0].passage.slug == slug, (lang, found)
            assert found[0].passage.lang == lang and "<p>" in found[0].passage.html
        # "statements" and "statement" meet through the English stemmer
        assert retrieval.search_faq(db, "general debate statement", "en")[0].passage.slug \
            == "speeches"


def test_synonyms_come_from_the_thesaurus(catalogue_settings, tmp_path):
    s = catalogue_settings
    _load(s, tmp_path)
    with session_scope(s.database_url) as db:
        plain = retrieval.search_faq(db, "tidal waves", "en", use_synonyms=False)
        assert plain == []
        found = retrieval.search_faq(db, "tidal waves", "en")
        assert found[0].passage.slug == "tsunami-docs" and found[0].coverage == 1.0
        assert retrieval.answered(found)
        assert retrieval.search_faq(db, "raz de marée", "fr")[0].passage.slug == \
            "tsunami-docs"


def _slugs(matches) -> list[str]:
    return [m.passage.slug for m in matches]


def test_new_answers_are_found_at_once_and_drafts_never(settings, tmp_path):
    _load(settings, tmp_path)
    with session_scope(settings.database_url) as db:
        assert "training" not in _slugs(retrieval.search_faq(db, "training sessions", "en"))
        faq.save_text(db, "training", "en", question="Are there training sessions?",
                      answer="Yes, every month.", who=EDITOR, publish=False)
    with session_scope(settings.database_url) as db:
        assert "training" not in _slugs(retrieval.search_faq(db, "training sessions", "en"))
        faq.save_text(db, "training", "en", question="Are there training sessions?",
                      answer="Yes, every month.", who=EDITOR, publish=True)
    with session_scope(settings.database_url) as db:
        assert retrieval.search_faq(db, "training sessions", "en")[0].passage.slug == \
            "training"


def test_feedback_unanswered_and_low_rated(catalogue_settings, tmp_path):
    s = catalogue_settings
    _load(s, tmp_path)
    with session_scope(s.database_url) as db:
        for helpful in (False, False, True, False):
            faq.record_feedback(db, "speeches", "fr", helpful)
        for helpful in (True, True, True):
            faq.record_feedback(db, "voting-records", "fr", helpful)
        faq.record_search(db, "Opening hours?", "en", answered=False)
        faq.record_search(db, "opening   HOURS?", "en", answered=False)
        faq.record_search(db, "how did states vote", "en", answered=True)
    with session_scope(s.database_url) as db:
        low = faq.low_rated(db)
        assert low[0] == {"slug": "speeches", "language": "fr", "helpful": 1, "votes": 4,
                          "share": 0.25}
        assert faq.unanswered(db) == [{"query": "opening hours?", "language": "en", "count": 2,
                                       "last_month": dt.datetime.now(dt.UTC).strftime("%Y-%m")}]
        shown = faq.answer(db, "speeches", "fr")
        assert (shown.helpful, shown.not_helpful) == (1, 3)
        columns = {c.name for c in faq.FaqFeedback.__table__.columns}
        assert columns == {"id", "entry_id", "language", "day", "helpful"}  # nothing on readers
        assert faq.purge_searches(db, 30, today=dt.date.today() + dt.timedelta(days=400)) == 2


def test_an_unsafe_edit_never_unpublishes_an_answer(settings, tmp_path):
    _load(settings, tmp_path)
    with session_scope(settings.database_url) as db, pytest.raises(faq.FaqError) as refused:
        faq.save_text(db, "speeches", "en", question="Where?", who=EDITOR, publish=True,
                      answer="Here <iframe src='https://example.org'></iframe>")
    assert refused.value.code == "has-errors"
    assert [f.code for f in refused.value.findings] == ["unsafe-tag"]
    with session_scope(settings.database_url) as db:
        shown = faq.answer(db, "speeches", "en")
        assert shown.state == "published" and "iframe" not in shown.html
        text, findings = faq.save_text(db, "speeches", "en", question="Where?", who=EDITOR,
                                       publish=False, answer="Draft <iframe></iframe>")
        assert text.state == "draft" and [f.code for f in findings] == ["unsafe-tag"]
