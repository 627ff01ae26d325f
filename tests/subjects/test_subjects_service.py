"""Suggestions for catalogue documents and the cataloguer's decisions, on SQLite and
PostgreSQL: accepted subjects become catalogue subjects with provenance, decisions feed
the next training run, and bad input gets a clear answer."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.subjects import service, suggest_for_document
from hemicycle.subjects.errors import NotTrained, SubjectError, TextError, UnknownVocabulary
from hemicycle.subjects.models import SubjectDecision, SubjectSuggestion
from hemicycle.subjects.records import record_subjects, split_headings
from hemicycle.subjects.vocabulary import install_vocabulary

OIL = "http://example.org/unbis-2015/T0001209"
UNBIS_SUDAN = "http://metadata.un.org/thesaurus/1006271"

TEXTS = {
    "en": "Oil spills and humanitarian assistance after the disaster. Oil spills again.",
    "fr": "Marées noires et assistance humanitaire après la catastrophe.",
    "ru": "Разливы нефти и гуманитарная помощь после катастрофы.",
}


def add_document(settings, symbol: str, texts: dict[str, str], subjects=()) -> int:
    with session_scope(settings.database_url) as db:
        doc = Document(symbol=symbol, status="draft")
        doc.symbols.append(DocumentSymbol(symbol=symbol, key=symbol.upper(), position=0))
        for lang, text in texts.items():
            doc.versions.append(LanguageVersion(language=lang, title=None, text=text,
                                                text_source="ocr"))
        for concept in subjects:
            doc.subjects.append(DocumentSubject(vocab="unbis13", concept=concept,
                                                origin="human"))
        db.add(doc)
        db.flush()
        return doc.id


@pytest.fixture
def catalogue(catalogue_settings, unbis13):
    install_vocabulary(catalogue_settings, unbis13)
    return catalogue_settings


def test_suggestions_stored_then_accepted_and_rejected(catalogue, unbis13):
    doc_id = add_document(catalogue, "S/2015/1", TEXTS)
    found = suggest_for_document(catalogue, doc_id, vocab="unbis13", limit=5)
    assert found[0].uri == OIL  # every version names the oil spills
    with session_scope(catalogue.database_url) as db:
        stored = db.scalars(select(SubjectSuggestion).order_by(SubjectSuggestion.rank)).all()
        assert [s.concept for s in stored] == [f.uri for f in found]
        assert {s.backend for s in stored} == {"lexical"}

    other = found[1].uri
    service.decide(catalogue, doc_id, "unbis13", OIL, "accepted", "cat")
    service.decide(catalogue, doc_id, "unbis13", other, "rejected", "cat")
    with session_scope(catalogue.database_url) as db:
        subject = db.scalar(select(DocumentSubject).where(DocumentSubject.concept == OIL))
        assert (subject.origin, subject.backend, subject.assigned_by) == ("machine", "lexical",
                                                                          "cat")
        assert subject.score == pytest.approx(found[0].score)
        assert subject.label == "OIL SPILLS"
        assert db.scalar(select(DocumentSubject).where(DocumentSubject.concept == other)) is None
        decisions = {d.concept: d.decision for d in db.scalars(select(SubjectDecision))}
    assert decisions == {OIL: "accepted", other: "rejected"}

    items = {i.uri: i.status for i in service.review_items(catalogue, doc_id, "unbis13")}
    assert items[OIL] == "accepted" and items[other] == "rejected"

    # changing one's mind removes the machine subject again
    service.decide(catalogue, doc_id, "unbis13", OIL, "rejected", "boss")
    with session_scope(catalogue.database_url) as db:
        assert db.scalar(select(DocumentSubject).where(DocumentSubject.concept == OIL)) is None


def test_decisions_feed_the_next_training_run(catalogue):
    flood = "http://example.org/unbis-2015/T0005736"
    a = add_document(catalogue, "A/70/1", {"en": "Oil spills on the coast."}, [OIL])
    add_document(catalogue, "A/70/2", {"en": "Oil spills at sea, again oil."}, [OIL, flood])
    c = add_document(catalogue, "A/70/3", {"en": "Floods and oil spills.",
                                           "fr": "Inondations et marées noires."})
    add_document(catalogue, "A/70/4", {"en": "Floods destroyed the villages."}, [flood])
    add_document(catalogue, "A/70/5", {"en": "Floods in the valley, floods again."}, [flood])
    suggest_for_document(catalogue, c, vocab="unbis13")
    service.decide(catalogue, c, "unbis13", OIL, "accepted", "cat")
    service.decide(catalogue, a, "unbis13", OIL, "rejected", "cat")  # a human one, now refused
    corpus = service.catalogue_corpus(catalogue, "unbis13")
    by_id = {d.ident: d.subjects for d in corpus}
    assert by_id["A/70/3 (en)"] == {OIL} and by_id["A/70/3 (fr)"] == {OIL}
    # its only subject was rejected: a negative, never a label
    assert by_id["A/70/1 (en)"] == frozenset()
    assert {d.ident: d.rejected for d in corpus}["A/70/1 (en)"] == {OIL}
    trained = service.train(catalogue, "unbis13", corpus, ["tfidf"])
    assert trained["tfidf"].trained_on == len(corpus) - 1  # tfidf learns from labels only
    assert service.trained_backends(catalogue, "unbis13") == ["tfidf"]
    result = service.suggest_text(catalogue, "unbis13", "oil spills", "en", 3, "tfidf")
    assert result.backend == "tfidf" and result.suggestions[0].uri == OIL


def test_bad_requests_are_refused_clearly(catalogue):
    doc_id = add_document(catalogue, "E/2015/9", {"en": "Oil spills."})
    with pytest.raises(UnknownVocabulary):
        suggest_for_document(catalogue, doc_id, vocab="nope")
    with pytest.raises(SubjectError, match="not in vocabulary"):
        service.decide(catalogue, doc_id, "unbis13", "http://example.org/x", "accepted", "cat")
    with pytest.raises(SubjectError, match="decision must be"):
        service.decide(catalogue, doc_id, "unbis13", OIL, "maybe", "cat")
    with pytest.raises(SubjectError, match="no document with id 999"):
        service.decide(catalogue, 999, "unbis13", OIL, "accepted", "cat")
    with pytest.raises(NotTrained, match="not trained"):
        service.suggest_text(catalogue, "unbis13", "oil", "en", backend="ensemble")


def test_a_document_without_text_gets_an_empty_answer(catalogue):
    doc_id = add_document(catalogue, "S/2015/2", {"en": "   "})
    assert suggest_for_document(catalogue, doc_id, vocab="unbis13") == []


def test_awkward_texts(settings, unbis13):
    install_vocabulary(settings, unbis13)
    with pytest.raises(TextError, match="empty text"):
        service.suggest_text(settings, "unbis13", "  \n ")
    with pytest.raises(TextError, match="Arab script"):
        service.suggest_text(settings, "unbis13", "الانسكاب النفطي", lang="en")
    other = service.suggest_text(settings, "unbis13", "ελληνικά κείμενα για πετρέλαιο")
    assert other.suggestions == [] and "no letters in a supported script" in other.notes[0]
    huge = "Oil spills. " + "Filler words without meaning. " * 1_700_000  # ~51 MB
    result = service.suggest_text(settings, "unbis13", huge, "en", 3)
    assert result.suggestions[0].uri == OIL
    assert any("cut to its first" in note for note in result.notes)
    with pytest.raises(SubjectError, match="limit must be"):
        service.suggest_text(settings, "unbis13", "oil", "en", limit=0)
    with pytest.raises(SubjectError, match="unknown language"):
        service.suggest_text(settings, "unbis13", "oil", "xx-yy")


def test_backends_are_kept_between_calls(settings, unbis13):
    install_vocabulary(settings, unbis13)
    first = service.load_backend(settings, "unbis13")
    assert service.load_backend(settings, "unbis13") is first  # untrained lexical, too
    install_vocabulary(settings, unbis13)  # a new copy of the vocabulary: a new backend
    assert service.load_backend(settings, "unbis13") is not first


def test_headings_backend_learns_from_catalogue_documents_the_index_names(
        catalogue_settings, unbis, tmp_path, dev_corpus):
    from hemicycle.subjects.itp import headings_by_document, read_itp

    install_vocabulary(catalogue_settings, unbis)
    itp = tmp_path / "itp.tsv"
    itp.write_text("sc_year_code\tyear\tsubject\theading\tdocsymbols\n"
                   "S70\t2015\tUKRAINE--POLITICAL CONDITIONS\tGeneral documents\tS/2015/102\n"
                   "S70\t2015\tMIDDLE EAST SITUATION\tGeneral documents\tS/2015/98\n",
                   encoding="utf-8")
    for symbol in ("S/2015/102", "S/2015/98"):
        texts = {d.lang: d.text for d in dev_corpus if d.symbols[0] == symbol}
        add_document(catalogue_settings, symbol, texts)
    add_document(catalogue_settings, "A/70/1", {"en": "Not in the Index."})
    indexed = frozenset(headings_by_document(read_itp(itp).entries))
    corpus = service.catalogue_corpus(catalogue_settings, "unbis", indexed)
    assert {d.symbols for d in corpus} == {("S/2015/102",), ("S/2015/98",)}
    assert len(corpus) == 12  # six language versions each
    service.train(catalogue_settings, "unbis", corpus, ["headings"], {"itp": str(itp)})
    assert service.trained_backends(catalogue_settings, "unbis") == ["headings"]

    letter = add_document(catalogue_settings, "S/2015/400", {
        "en": "The Ministry of Foreign Affairs of Ukraine on the shelling of Kramatorsk.",
        "fr": "Le Ministère des affaires étrangères de l'Ukraine sur le bombardement.",
        "de": "Das Ministerium der Ukraine zum Beschuss von Kramatorsk."})
    found = suggest_for_document(catalogue_settings, letter, vocab="unbis", limit=5)
    assert "http://metadata.un.org/thesaurus/1006762" in [s.uri for s in found]
    with session_scope(catalogue_settings.database_url) as db:
        stored = db.scalars(select(SubjectSuggestion).where(
            SubjectSuggestion.document_id == letter)).all()
    concepts = [s for s in stored if s.vocab == "unbis"]
    headings = [s for s in stored if s.vocab == "unbis:headings"]
    assert {s.backend for s in stored} == {"headings"} and len(concepts) == len(found)
    # the suggested Index headings are kept beside the concepts, for the record page
    assert "UKRAINE--POLITICAL CONDITIONS" in {h.concept for h in headings}
    assert all(h.model.startswith("headings 20") for h in headings)
    with session_scope(catalogue_settings.database_url) as db:
        _subjects, pending = record_subjects(db, letter)
    assert {p.concept for p in split_headings(pending)[1]} == {h.concept for h in headings}
    result = service.suggest_text(catalogue_settings, "unbis", "Ukraine", "en",
                                  symbols=["S/2015/401"])
    assert result.backend == "headings" and result.headings
    with pytest.raises(SubjectError, match="is not a document symbol"):
        service.suggest_text(catalogue_settings, "unbis", "Ukraine", "en", symbols=["x y"])


def test_learn_retrains_from_cataloguers_decisions(catalogue_settings, unbis, tmp_path,
                                                   dev_corpus):
    install_vocabulary(catalogue_settings, unbis)
    with pytest.raises(NotTrained, match="nothing to learn into"):
        service.learn(catalogue_settings, "unbis", "lexical")  # works untrained
    itp = tmp_path / "itp.tsv"
    itp.write_text("sc_year_code\tyear\tsubject\theading\tdocsymbols\n"
                   "S70\t2015\tUKRAINE--POLITICAL CONDITIONS\tGeneral documents\tS/2015/102\n"
                   "S70\t2015\tMIDDLE EAST SITUATION\tGeneral documents\tS/2015/98\n",
                   encoding="utf-8")
    for symbol in ("S/2015/102", "S/2015/98"):
        texts = {d.lang: d.text for d in dev_corpus if d.symbols[0] == symbol}
        add_document(catalogue_settings, symbol, texts)
    refugees = "http://metadata.un.org/thesaurus/1005418"  # REFUGEES
    letter = add_document(catalogue_settings, "A/70/5", {
        "en": "Refugees and displaced persons crossing the border need shelter."})
    corpus = service.catalogue_corpus(
        catalogue_settings, "unbis",
        frozenset({"S/2015/102", "S/2015/98"}))
    first = service.train(catalogue_settings, "unbis", corpus, ["headings"],
                          {"itp": str(itp)})["headings"]
    assert first.trained_on == 2

    service.suggest_for_document(catalogue_settings, letter, vocab="unbis")
    service.decide(catalogue_settings, letter, "unbis", refugees, "accepted", "cat")
    learnt = service.learn(catalogue_settings, "unbis")
    assert (learnt.backend, learnt.decisions) == ("headings", 1)
    assert learnt.documents == 13  # six versions of two Index documents, one of the letter
    model = service.load_backend(catalogue_settings, "unbis")
    assert model.trained_on == 3 and model.model_version == learnt.version
    # the next suggestions record the new model version
    service.suggest_for_document(catalogue_settings, letter, vocab="unbis")
    with session_scope(catalogue_settings.database_url) as db:
        assert {s.model for s in db.scalars(select(SubjectSuggestion))} == {learnt.version}

    itp.unlink()  # what it was trained on is gone: said, nothing half-done
    with pytest.raises(SubjectError, match="train it again"):
        service.learn(catalogue_settings, "unbis")
    assert service.load_backend(catalogue_settings, "unbis").model_version == learnt.version


def test_learn_starts_from_the_index_file_on_first_use(catalogue_settings, unbis, tmp_path,
                                                      dev_corpus):
    from dataclasses import replace

    from hemicycle.config import load_settings

    bundled = load_settings(tmp_path / "other").subjects_itp
    assert bundled.is_file() and bundled.parts[-3:] == (
        "subjects", "itp", "itp_sc_2005_2017_entries_minus_heldout.tsv")
    install_vocabulary(catalogue_settings, unbis)
    absent = replace(catalogue_settings, subjects_itp=tmp_path / "absent.tsv")
    with pytest.raises(NotTrained, match="absent.tsv: no such Index to Proceedings file"):
        service.learn(absent, "unbis")
    assert service.trained_backends(catalogue_settings, "unbis") == []  # nothing half-done

    itp = tmp_path / "itp.tsv"  # a bad line, and a heading part the thesaurus lacks
    itp.write_text("sc_year_code\tyear\tsubject\theading\tdocsymbols\n"
                   "S70\t2015\tUKRAINE--POLITICAL CONDITIONS\tGeneral documents\tS/2015/102\n"
                   "S70\tsoon\tUKRAINE\tGeneral documents\tS/2015/102\n"
                   "S70\t2015\tUN MISSION TO NOWHERE--MANDATE\tGeneral documents\tS/2015/98\n",
                   encoding="utf-8")
    texts = {d.lang: d.text for d in dev_corpus if d.symbols[0] == "S/2015/102"}
    add_document(catalogue_settings, "S/2015/102", texts)
    refugees = "http://metadata.un.org/thesaurus/1005418"  # REFUGEES
    letter = add_document(catalogue_settings, "A/70/5", {
        "en": "Refugees and displaced persons crossing the border need shelter."})
    service.decide(catalogue_settings, letter, "unbis", refugees, "accepted", "cat")
    gone = add_document(catalogue_settings, "A/70/6", {"en": "Refugees at the border."})
    service.decide(catalogue_settings, gone, "unbis", refugees, "accepted", "cat")
    with session_scope(catalogue_settings.database_url) as db:
        db.get(Document, gone).status = "deleted"
        db.add(SubjectDecision(document_id=letter, vocab="unbis", concept="urn:x:retired",
                               decision="accepted", decided_by="cat"))

    learnt = service.learn(replace(catalogue_settings, subjects_itp=itp), "unbis")
    assert (learnt.backend, learnt.first, learnt.decisions) == ("headings", True, 3)
    assert learnt.documents == 7  # six versions of the Index document, the letter
    notes = " | ".join(learnt.notes)
    assert "1 lines left out" in notes and "line 3" in notes
    assert "heading parts of the Index are not labels of 'unbis'" in notes
    assert "1 decisions are on documents deleted or without text (e.g. A/70/6)" in notes
    assert "1 decisions name concepts not in vocabulary 'unbis' (e.g. urn:x:retired" in notes
    model = service.load_backend(catalogue_settings, "unbis")
    assert model.name == "headings" and model.model_version == learnt.version
    assert model.params["itp"] == str(itp.resolve())
    again = service.learn(catalogue_settings, "unbis")  # now it retrains that model
    assert not again.first and again.documents == 7
    # a new version of the vocabulary without a concept the model learnt: said, left out
    ukraine = "http://metadata.un.org/thesaurus/1006762"
    from hemicycle.subjects.vocabulary import Vocabulary

    install_vocabulary(catalogue_settings, Vocabulary("unbis", {
        uri: c for uri, c in unbis.concepts.items() if uri != ukraine}))
    third = service.learn(catalogue_settings, "unbis")
    assert any(f"concepts the previous model learnt are not in vocabulary 'unbis' (e.g. "
               f"{ukraine})" in note for note in third.notes), third.notes


def test_a_rejected_suggestion_scores_lower_after_learn(catalogue_settings, unbis,
                                                        tmp_path):
    """Rejections teach: after cataloguers rejected a concept on documents like this one,
    ``learn`` makes it less likely here than when it was merely not accepted there (the
    ``rejected`` feature of the headings model: rejected on the most similar documents),
    and the suggestion says which model made it."""
    from hemicycle.subjects.backends.headings import FEATURES

    install_vocabulary(catalogue_settings, unbis)
    itp = tmp_path / "itp.tsv"
    itp.write_text("sc_year_code\tyear\tsubject\theading\tdocsymbols\n"
                   "S70\t2015\tSUDAN--POLITICAL CONDITIONS\tGeneral documents\tS/2015/102\n"
                   "S70\t2015\tMIDDLE EAST SITUATION\tGeneral documents\tS/2015/98\n"
                   "S70\t2015\tREFUGEES\tGeneral documents\tS/2015/97\n"
                   "S70\t2015\tCHAD--POLITICAL CONDITIONS\tGeneral documents\tS/2015/96\n",
                   encoding="utf-8")
    service.learn(catalogue_settings, "unbis", itp=itp)  # first use: the Index file
    places = ["border", "camps", "region", "valley", "towns", "coast"]
    letters = [add_document(catalogue_settings, f"A/70/{900 + n}", {"en": (
        f"Refugees from the Sudan in the {place}: the refugees need shelter, water and "
        f"food, and more refugees arrive from the Sudan every week.")})
        for n, place in enumerate(places)]
    fresh = letters.pop()  # never decided on
    refugees, sudan = "http://metadata.un.org/thesaurus/1005418", UNBIS_SUDAN

    def score_of(doc_id: int, uri: str) -> float:
        found = {s.uri: s.score for s in suggest_for_document(
            catalogue_settings, doc_id, vocab="unbis", limit=20)}
        return found.get(uri, 0.0)

    for doc_id in letters:
        service.decide(catalogue_settings, doc_id, "unbis", refugees, "accepted", "cat")
    service.learn(catalogue_settings, "unbis")
    was = score_of(fresh, sudan)  # not accepted on the letters: a negative as unlabelled
    assert was > 0
    for doc_id in letters:  # now said to be wrong
        service.decide(catalogue_settings, doc_id, "unbis", sudan, "rejected", "cat")
    corpus = service.catalogue_corpus(catalogue_settings, "unbis")
    assert {(d.subjects, d.rejected) for d in corpus if d.symbols[0] >= "A/70/900"} == {
        (frozenset({refugees}), frozenset({sudan}))}
    learnt = service.learn(catalogue_settings, "unbis")
    assert learnt.decisions == 2 * len(letters)
    model = service.load_backend(catalogue_settings, "unbis")
    assert set(model.rejections) == {f"A/70/{900 + n}" for n in range(5)}
    assert model.weights[FEATURES.index("rejected")] < 0
    now = score_of(fresh, sudan)
    assert now < was, (was, now)
    with session_scope(catalogue_settings.database_url) as db:  # and by which model
        assert {s.model for s in db.scalars(select(SubjectSuggestion).where(
            SubjectSuggestion.document_id == fresh))} == {learnt.version}
