"""Subject corpora as plain files, read the way Annif reads them.

* A TSV corpus: one document per line, ``text<TAB><uri1> <uri2> ...`` (URIs in angle
  brackets; a bare word is taken as a label and looked up in the vocabulary).
* A folder corpus: ``name.txt`` beside ``name.tsv`` (``<uri><TAB>label`` lines) or
  ``name.key`` (one label per line).
* A parallel corpus, the UN Parallel Corpus's layout: ``NAME.ids`` (per line, the
  document's year and symbol, ``2015/s/2015/102``) beside ``NAME.en``, ``NAME.fr``, ...
  (one aligned sentence per line). One document per symbol and language, without
  subjects: a heading model labels them by symbol from the Index to Proceedings.

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
    symbols: tuple[str, ...] = ()  # symbol keys (hemicycle.symbols)
    headings: frozenset[str] = frozenset()  # Index to Proceedings headings, if known
    # what a cataloguer rejected on it (concept URIs; Index headings): known negatives
    rejected: frozenset[str] = frozenset()
    rejected_headings: frozenset[str] = frozenset()


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


def read_parallel_corpus(ids: Path) -> Corpus:
    """Documents of a UN Parallel Corpus style folder, one per symbol and language."""
    from hemicycle.symbols import SymbolError, symbol_key

    try:
        lines = ids.read_text(encoding="utf-8").splitlines()
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{ids}: not UTF-8 text ({exc.reason} at byte {exc.start})") from exc
    texts: dict[str, list[str]] = {}
    for version in sorted(ids.parent.glob(ids.stem + ".*")):
        lang = version.suffix[1:]
        if version == ids or not lang.isalpha() or len(lang) > 3:
            continue
        try:
            texts[lang] = version.read_text(encoding="utf-8").split("\n")
        except UnicodeDecodeError as exc:
            raise CorpusError(f"{version}: not UTF-8 text ({exc.reason} at byte "
                              f"{exc.start})") from exc
        if len(texts[lang]) < len(lines):
            raise CorpusError(f"{version}: {len(texts[lang])} lines, but {ids.name} has "
                              f"{len(lines)}")
    if not texts:
        raise CorpusError(f"{ids}: no language files ({ids.stem}.en, ...) beside it")
    by_key: dict[str, dict[str, list[str]]] = {}
    corpus = Corpus([])
    for number, line in enumerate(lines, 1):
        field_ = line.split()[0] if line.split() else ""
        symbol = field_.split("/", 1)[1] if field_[:4].isdigit() and "/" in field_ else field_
        try:
            key = symbol_key(symbol)
        except SymbolError as exc:
            corpus.problems.append(f"{ids}, line {number}: {symbol!r} is not a symbol ({exc})")
            continue
        versions = by_key.setdefault(key, {lang: [] for lang in texts})
        for lang, rows in texts.items():
            if rows[number - 1].strip():
                versions[lang].append(rows[number - 1])
    for key, versions in by_key.items():
        for lang, sentences in versions.items():
            if sentences:
                corpus.documents.append(CorpusDocument("\n".join(sentences), frozenset(),
                                                       lang, f"{key} ({lang})", (key,)))
    if not corpus.documents:
        raise CorpusError(f"{ids}: no documents")
    return corpus


def read_corpus(path: Path, vocab: Vocabulary | None = None, lang: str | None = None) -> Corpus:
    """A TSV file, a folder of documents or a parallel corpus, whichever ``path`` is."""
    if path.is_dir():
        ids = sorted(path.glob("*.ids"))
        if ids:
            return read_parallel_corpus(ids[0])
        return read_folder_corpus(path, vocab, lang)
    if path.suffix == ".ids":
        return read_parallel_corpus(path)
    return read_tsv_corpus(path, vocab, lang)


def write_tsv_corpus(documents: Iterable[CorpusDocument], path: Path) -> int:
    count = 0
    with path.open("w", encoding="utf-8") as fh:
        for doc in documents:
            text = " ".join(doc.text.split())
            fh.write(text + "\t" + " ".join(f"<{u}>" for u in sorted(doc.subjects)) + "\n")
            count += 1
    return count
