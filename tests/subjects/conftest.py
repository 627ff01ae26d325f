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


# --- UN documents: the UNBIS label table, the Index to Proceedings, the UNPC dev set ------
ROOT = Path(__file__).resolve().parents[2]
UNBIS_LABELS = (ROOT / "corpus" / "thesaurus" / "unbis-labels"
                / "unbis_concepts_uri_6lang_joined.tsv")
SUBJECTS_DEV = ROOT / "corpus" / "subjects"


@pytest.fixture(scope="session")
def unbis() -> Vocabulary:
    """The ~7,000 UNBIS concepts with labels in six languages (no hierarchy)."""
    return read_vocabulary("unbis", UNBIS_LABELS)


@pytest.fixture(scope="session")
def itp_file():
    from hemicycle.subjects.itp import read_itp

    return read_itp(SUBJECTS_DEV / "itp" / "itp_sc_2005_2017_entries_minus_heldout.tsv")


@pytest.fixture(scope="session")
def dev_corpus() -> Corpus:
    """The Security Council documents of the UNPC dev set, every language version."""
    from hemicycle.subjects.corpus import read_parallel_corpus

    corpus = read_parallel_corpus(SUBJECTS_DEV / "unpc-dev" / "UNv1.0.devset.ids")
    return Corpus([d for d in corpus if d.symbols[0].startswith("S/")])


@pytest.fixture(scope="session")
def dev_gold() -> dict:
    from hemicycle.subjects.evaluation import read_gold_concepts

    return read_gold_concepts(SUBJECTS_DEV / "unpc-dev" / "unpc_devset_gold.tsv")


@pytest.fixture(scope="session")
def unbis_labels_path() -> Path:
    return UNBIS_LABELS
