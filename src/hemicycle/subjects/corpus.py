"""Subject corpora as plain files, read the way Annif reads them.

* A TSV corpus: one document per line, ``text<TAB><uri1> <uri2> ...`` (URIs in angle
  brackets; a bare word is taken as a label and looked up in the vocabulary).
* A folder corpus: ``name.txt`` beside ``name.tsv`` (``<uri><TAB>label`` lines) or
  ``name.key`` (one label per line).

Errors name the file and line. ``write_tsv_corpus`` writes what ``read_tsv_corpus``
reads, so catalogue records can be exported as a corpus and read back.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from hemicycle.subjects.errors import CorpusError
from hemicycle.subjects.vocabulary import Vocabulary

_URI = re.compile(r"<([^<>\s]+)>")


@dataclass(frozen=True)
class CorpusDocument:
    text: str
    subjects: frozenset[str]
    lang: str | None = None
    ident: str = ""


@dataclass
class Corpus:
    documents: list[CorpusDocument]
    problems: list[str] = field(default_factory=list)  # skipped labels and the like

    def __len__(self) -> int:
        return len(self.documents)

    def __iter__(self) -> Iterator[CorpusDocument]:
        return iter(self.documents)


def _resolve(value: str, vocab: Vocabulary | None, lang: str | None) -> str | None:
    value = value.strip()
    if not value:
        return None
    if value.startswith("<") and value.endswith(">"):
        return value[1:-1]
    if value.startswith(("http://", "https://")):
        return value
    return vocab.find_label(value, lang) if vocab is not None else None


def read_tsv_corpus(path: Path, vocab: Vocabulary | None = None,
                    lang: str | None = None) -> Corpus:
    if not path.is_file():
        raise CorpusError(f"{path}: no such file")
    corpus = Corpus([])
    with path.open(encoding="utf-8", errors="strict") as fh:
        try:
            for number, line in enumerate(fh, 1):
                line = line.rstrip("\n").rstrip("\r")
                if not line.strip():
                    continue
                text, tab, subjects = line.rpartition("\t")
                if not tab:
                    raise CorpusError(f"{path}, line {number}: no TAB between text and subjects")
                if not text.strip():
                    raise CorpusError(f"{path}, line {number}: empty text")
                uris = _URI.findall(subjects)
                rest = _URI.sub(" ", subjects).strip()
                if rest:
                    for label in rest.split("\t"):
                        uri = _resolve(label, vocab, lang)
                        if uri is None:
                            corpus.problems.append(
                                f"{path}, line {number}: unknown label {label!r}")
                        else:
                            uris.append(uri)
                corpus.documents.append(
                    CorpusDocument(text.replace("\t", " "), frozenset(uris), lang,
                                   f"{path.name}:{number}"))
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    if not corpus.documents:
        raise CorpusError(f"{path}: no documents")
    return corpus


def _subject_file(txt: Path, vocab: Vocabulary | None, lang: str | None,
                  problems: list[str]) -> set[str]:
    tsv, key = txt.with_suffix(".tsv"), txt.with_suffix(".key")
    found: set[str] = set()
    if tsv.is_file():
        for number, line in enumerate(tsv.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            first = line.split("\t")[0]
            uri = _resolve(first, vocab, lang)
            if uri is None:
                problems.append(f"{tsv}, line {number}: unknown subject {first!r}")
            else:
                found.add(uri)
        return found
    if key.is_file():
        for number, line in enumerate(key.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            uri = _resolve(line, vocab, lang)
            if uri is None:
                problems.append(f"{key}, line {number}: unknown label {line.strip()!r}")
            else:
                found.add(uri)
        return found
    raise CorpusError(f"{txt}: no {tsv.name} or {key.name} with its subjects beside it")


def read_folder_corpus(folder: Path, vocab: Vocabulary | None = None,
                       lang: str | None = None) -> Corpus:
    texts = sorted(folder.glob("*.txt"))
    if not texts:
        raise CorpusError(f"{folder}: no .txt documents")
    corpus = Corpus([])
    for txt in texts:
        try:
            text = txt.read_text(encoding="utf-8")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{txt}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
        subjects = _subject_file(txt, vocab, lang, corpus.problems)
        corpus.documents.append(CorpusDocument(text, frozenset(subjects), lang, txt.name))
    return corpus


def read_corpus(path: Path, vocab: Vocabulary | None = None, lang: str | None = None) -> Corpus:
    """A TSV file or a folder of documents, whichever ``path`` is."""
    if path.is_dir():
        return read_folder_corpus(path, vocab, lang)
    return read_tsv_corpus(path, vocab, lang)


def write_tsv_corpus(documents: Iterable[CorpusDocument], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for doc in documents:
            text = " ".join(doc.text.split())
            fh.write(text + "\t" + " ".join(f"<{u}>" for u in sorted(doc.subjects)) + "\n")
            count += 1
    return count
