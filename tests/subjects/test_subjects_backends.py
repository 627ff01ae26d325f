"""Backends on real data: trained ones beat a guess, models survive a save and load,
the lexical one finds labels in every language of the thesaurus."""

from __future__ import annotations

from collections import Counter

import pytest

from hemicycle.subjects.backends import REGISTRY, Backend, backend_class
from hemicycle.subjects.corpus import Corpus
from hemicycle.subjects.errors import NotTrained, SubjectError, UnknownBackend
from hemicycle.subjects.evaluation import evaluate_backend
from hemicycle.subjects.metrics import evaluate


@pytest.fixture(scope="module")
def trained(yso, small_split) -> Backend:
    train, _test = small_split
    backend = backend_class("ensemble")(yso, {"lang": "fi"})
    backend.train(train)
    return backend


def _frequency_guess(train: Corpus, test: Corpus) -> dict[str, float]:
    common = [uri for uri, _ in Counter(u for d in train for u in d.subjects).most_common(10)]
    return evaluate([d.subjects for d in test], [common] * len(test))


def test_registry_names_every_backend():
    assert {"lexical", "tfidf", "ensemble"} <= set(REGISTRY)
    with pytest.raises(UnknownBackend, match="unknown backend 'nope'"):
        backend_class("nope")


def test_trained_backends_beat_the_most_frequent_subjects(trained, small_split):
    train, test = small_split
    guess = _frequency_guess(train, test)
    ensemble = evaluate_backend(trained, test, "fi")
    tfidf = evaluate_backend(trained.sources["tfidf"], test, "fi")
    assert tfidf["F1@5"] > guess["F1@5"] * 1.5
    assert ensemble["F1@5"] > guess["F1@5"] * 1.5
    assert ensemble["nDCG@10"] > guess["nDCG@10"]
    assert set(trained.weights) == {"tfidf.score", "tfidf.rank", "lexical.score", "lexical.rank"}


def test_saved_model_suggests_the_same(trained, yso, tmp_path, small_split):
    _train, test = small_split
    trained.save(tmp_path / "ensemble")
    again = Backend.load(tmp_path / "ensemble", yso)
    texts = [d.text for d in test.documents[:20]]
    langs = ["fi"] * len(texts)
    assert again.suggest_batch(texts, langs, 5) == trained.suggest_batch(texts, langs, 5)


def test_broken_or_missing_model_files(tmp_path, yso):
    with pytest.raises(NotTrained):
        Backend.load(tmp_path, yso)
    (tmp_path / "model.pkl").write_bytes(b"not a pickle")
    with pytest.raises(SubjectError, match="unreadable model"):
        Backend.load(tmp_path, yso)


def test_untrained_supervised_backend_says_so(yso):
    with pytest.raises(NotTrained, match="not trained"):
        backend_class("tfidf")(yso).suggest("kaivaukset", "fi")
    with pytest.raises(SubjectError, match="at least 2 documents"):
        backend_class("tfidf")(yso).train(Corpus([]))


@pytest.mark.parametrize("lang, text", [
    ("en", "The oil spills along the coast were cleaned up by volunteers."),
    ("fr", "Les marées noires ont pollué la côte."),
    ("es", "Los derrames de petróleo contaminaron la costa."),
    ("ru", "Разливы нефти загрязнили побережье."),
    ("zh", "漏油污染了海岸。"),
    ("ar", "لوث الانسكاب النفطي الساحل."),
])
def test_lexical_finds_the_same_concept_in_six_languages(unbis13, lang, text):
    found = backend_class("lexical")(unbis13).suggest(text, lang, 3)
    assert found and found[0].uri == "http://example.org/unbis-2015/T0001209"


def test_lexical_without_a_label_match_is_empty(unbis13):
    assert backend_class("lexical")(unbis13).suggest("Nothing relevant at all.", "en") == []


def test_fast_transforms_equal_sklearn(trained, small_split):
    import numpy as np

    tfidf = trained.sources["tfidf"]
    _train, test = small_split
    items = [(d.text, "fi") for d in test.documents[:100]] + [("", "fi"), ("??", "fi")]
    items.append((" ".join(d.text for d in test.documents), "fi"))  # a long one
    for slow, fast in ((tfidf.words, tfidf.fast_words), (tfidf.chars, tfidf.fast_chars)):
        expected = slow.transform(items).toarray()
        assert np.allclose(fast.transform(items).toarray(), expected, atol=1e-6)
        assert np.allclose(fast.transform(items).toarray(), expected, atol=1e-6)  # cached
