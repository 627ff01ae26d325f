"""Fixtures for subject indexing: the archaeology corpus (Annif's test corpus, Finnish)
and the UNBIS domain 13 thesaurus (six languages), copied into tests/data/subjects."""

from __future__ import annotations

from pathlib import Path

import pytest

from hemicycle.subjects.corpus import Corpus, read_tsv_corpus
from hemicycle.subjects.vocabulary import Vocabulary, read_vocabulary

DATA = Path(__file__).resolve().parents[1] / "data" / "subjects"
ARCH = DATA / "annif-archaeology"
UNBIS13 = DATA / "unbis-domain13" / "unbis-domain13.ttl"


@pytest.fixture(scope="session")
def yso() -> Vocabulary:
    return read_vocabulary("yso", ARCH / "yso-archaeology.ttl")


@pytest.fixture(scope="session")
def unbis13() -> Vocabulary:
    return read_vocabulary("unbis13", UNBIS13)


@pytest.fixture(scope="session")
def archaeology(yso: Vocabulary) -> Corpus:
    return read_tsv_corpus(ARCH / "documents.tsv", yso, "fi")


@pytest.fixture(scope="session")
def small_split(archaeology: Corpus) -> tuple[Corpus, Corpus]:
    """A small train/test split, enough to tell a trained model from a guess."""
    docs = archaeology.documents
    return Corpus(docs[:800]), Corpus(docs[-300:])


@pytest.fixture(scope="session")
def arch_dir() -> Path:
    return ARCH


@pytest.fixture(scope="session")
def unbis13_path() -> Path:
    return UNBIS13
