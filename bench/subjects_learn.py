"""The loop of issue 17 (item 3), measured: do suggestions improve after a batch of
cataloguers' decisions?

Data (corpus/subjects, see its SOURCE.txt): the UNPC dev set and its gold concepts, the
Security Council Index to Proceedings 2005-2017. The dev documents the Index indexed are
split by document (``itp.fold_of`` on the symbol, two halves, fixed in advance, nothing
tuned): a **decisions** half, on which a simulated cataloguer works, and a **held-out**
half, only ever scored. Every dev document's own Index entries are taken out of the Index
file the models start from, so neither half reaches a model through the Index.

In one run, on a real catalogue (SQLite in a temporary data directory) holding every
language version of both halves:

1. ``subjects learn`` on first use: the headings model starts from the Index file alone
   ("before");
2. the machine suggests subjects for each decisions-half document with gold concepts
   (``suggest_for_document``, stored as on the review page), and the cataloguer accepts the
   suggestions that are gold and rejects the others (``service.decide``, the code the
   review page calls);
3. ``subjects learn`` again ("after decisions");
4. the cataloguer also adds the gold concepts the machine missed (``decide`` on concepts
   not suggested: catalogued subjects), and ``subjects learn`` once more ("after
   additions").

Printed: F1@5 and nDCG@10 on the held-out half's gold documents, each language version
alone and the six at once, for each model, and the ratio to "before".

    .venv/bin/python bench/subjects_learn.py
"""

from __future__ import annotations

import statistics
import sys
import tempfile
import time
from collections import defaultdict
from pathlib import Path

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
from hemicycle.config import load_settings
from hemicycle.subjects import service
from hemicycle.subjects.corpus import read_corpus
from hemicycle.subjects.document import DocumentInput
from hemicycle.subjects.evaluation import read_gold_concepts
from hemicycle.subjects.itp import fold_of, headings_by_document, read_itp
from hemicycle.subjects.metrics import f1_at, ndcg_at
from hemicycle.subjects.models import SubjectSuggestion
from hemicycle.subjects.vocabulary import install_vocabulary, read_vocabulary

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "corpus" / "subjects"
ITP = DATA / "itp" / "itp_sc_2005_2017_entries_minus_heldout.tsv"
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
DECISIONS_FOLD = 0  # fold_of(symbol, 2) == 0: the decisions half; 1: held out
VOCAB = "unbis"


def index_without(path: Path, keys: set[str], out: Path) -> int:
    """Copy the Index file without the lines naming any of ``keys``; lines kept."""
    from hemicycle.symbols import SymbolError, symbol_key

    lines = path.read_text(encoding="utf-8").splitlines()
    header = lines[0].split("\t")
    col = [h.strip().lower() for h in header].index("docsymbols")
    kept = [lines[0]]
    for line in lines[1:]:
        cells = line.split("\t")
        named = set()
        for symbol in (cells[col].split("|") if len(cells) > col else ()):
            try:
                named.add(symbol_key(symbol))
            except SymbolError:
                pass
        if not named & keys:
            kept.append(line)
    out.write_text("\n".join(kept) + "\n", encoding="utf-8")
    return len(kept) - 1


def add_documents(settings, texts: dict[str, dict[str, str]]) -> dict[str, int]:
    """Symbol key -> document id, each with its six language versions."""
    ids = {}
    with session_scope(settings.database_url) as db:
        for key, versions in sorted(texts.items()):
            doc = Document(symbol=key, status="published")
            doc.symbols.append(DocumentSymbol(symbol=key, key=key, position=0))
            for lang, text in versions.items():
                doc.versions.append(LanguageVersion(language=lang, title=None, text=text))
            db.add(doc)
            db.flush()
            ids[key] = doc.id
    return ids


def score(settings, texts, gold, keys) -> dict[str, tuple[float, float]]:
    """language (and "all") -> (F1@5, nDCG@10) of the current model on ``keys``."""
    model = service.load_backend(settings, VOCAB)
    ranked: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for key in keys:
        for lang in LANGS:
            found = model.suggest_document(DocumentInput({lang: texts[key][lang]}, (key,)))
            ranked[lang][key] = [s.uri for s in found.concepts]
        found = model.suggest_document(DocumentInput(texts[key], (key,)))
        ranked["all"][key] = [s.uri for s in found.concepts]
    return {lang: (statistics.mean(f1_at(gold[k], r[k], 5) for k in keys),
                   statistics.mean(ndcg_at(gold[k], r[k], 10) for k in keys))
            for lang, r in ranked.items()}


def heading_policy(settings, texts, headings, keys) -> list[tuple[float, float, float, float]]:
    """For ``subjects accept --vocab unbis:headings --above T``: per threshold, (T,
    precision of the headings scoring at least T against the documents' own Index headings,
    share of documents that get one or more, headings per document), whole documents."""
    from hemicycle.subjects.itp import dated_heading

    model = service.load_backend(settings, VOCAB)
    found = {k: model.suggest_document(DocumentInput(texts[k], (k,))).headings for k in keys}
    rows = []
    for threshold in (0.3, 0.5, 0.6, 0.7, 0.8):
        right = total = covered = 0
        for key, suggested in found.items():
            gold = {dated_heading(h, 2015) for h in headings[key]}
            taken = [h.heading for h in suggested if h.score >= threshold]
            total += len(taken)
            right += sum(h in gold for h in taken)
            covered += bool(taken)
        rows.append((threshold, right / total if total else 0.0, covered / len(keys),
                     total / len(keys)))
    return rows


def decide_batch(settings, ids, gold, keys, add_missed: bool) -> tuple[int, int, int]:
    """The simulated cataloguer on ``keys``: (accepted, rejected, added)."""
    accepted = rejected = added = 0
    for key in keys:
        doc_id = ids[key]
        if not add_missed:
            service.suggest_for_document(settings, doc_id, VOCAB, limit=10)
        with session_scope(settings.database_url) as db:
            suggested = list(db.scalars(select_suggested(doc_id)))
        if add_missed:
            for uri in sorted(gold[key] - set(suggested)):
                service.decide(settings, doc_id, VOCAB, uri, "accepted", "bench cataloguer")
                added += 1
            continue
        for uri in suggested:
            right = uri in gold[key]
            service.decide(settings, doc_id, VOCAB, uri, "accepted" if right else "rejected",
                           "bench cataloguer")
            accepted += right
            rejected += not right
    return accepted, rejected, added


def select_suggested(doc_id: int):
    from sqlalchemy import select

    return select(SubjectSuggestion.concept).where(
        SubjectSuggestion.document_id == doc_id, SubjectSuggestion.vocab == VOCAB
    ).order_by(SubjectSuggestion.rank)


def main() -> None:
    vocab = read_vocabulary(VOCAB, LABELS)
    corpus = read_corpus(DATA / "unpc-dev")
    gold = {k: v for k, v in read_gold_concepts(DATA / "unpc-dev" / "unpc_devset_gold.tsv")
            .items() if v}
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for doc in corpus:
        texts[doc.symbols[0]][doc.lang] = doc.text
    by_document = headings_by_document(read_itp(ITP).entries)
    indexed = set(by_document) & set(texts)
    halves = {k: fold_of(k, 2) for k in indexed}
    decided = sorted(k for k in gold if halves.get(k) == DECISIONS_FOLD and k in texts)
    held = sorted(k for k in gold if halves.get(k) == 1 - DECISIONS_FOLD and k in texts)
    with tempfile.TemporaryDirectory() as tmp:
        itp = Path(tmp) / "itp-without-dev.tsv"
        kept = index_without(ITP, set(texts), itp)
        settings = load_settings(Path(tmp) / "data")
        install_vocabulary(settings, vocab)
        ids = add_documents(settings, {k: texts[k] for k in indexed})
        half = sum(v == DECISIONS_FOLD for v in halves.values())
        print(f"dev documents indexed: {len(indexed)} (decisions half {half}, held out "
              f"{len(halves) - half}); with gold concepts: "
              f"{len(decided)} decided on, {len(held)} scored; Index lines kept without the "
              f"dev documents' own: {kept}", flush=True)
        rows = []
        started = time.perf_counter()
        first = service.learn(settings, VOCAB, itp=itp)
        rows.append(("before (learn on first use: the Index alone)", first,
                     score(settings, texts, gold, held), ""))
        batch = decide_batch(settings, ids, gold, decided, add_missed=False)
        after = service.learn(settings, VOCAB)
        rows.append(("after decisions (accept gold / reject wrong)", after,
                     score(settings, texts, gold, held),
                     f"{batch[0]} accepted, {batch[1]} rejected"))
        more = decide_batch(settings, ids, gold, decided, add_missed=True)
        added = service.learn(settings, VOCAB)
        rows.append(("after additions (+ gold concepts missed)", added,
                     score(settings, texts, gold, held), f"{more[2]} added"))
        seconds = time.perf_counter() - started
        held_indexed = sorted(k for k in indexed if halves[k] != DECISIONS_FOLD)
        policy = heading_policy(settings, texts, by_document, held_indexed)
    print(f"{'model':<48}" + "".join(f"{lang:>13}" for lang in (*LANGS, "all"))
          + f"{'spread':>8}  decisions")
    base = rows[0][2]
    for name, learnt, result, what in rows:
        cells = "".join(f"{result[lang][0]:>6.3f}/{result[lang][1]:<6.3f}"
                        for lang in (*LANGS, "all"))
        f1 = [result[lang][0] for lang in LANGS]
        print(f"{name:<48}{cells}{max(f1) - min(f1):>8.3f}  {what} (model {learnt.version}, "
              f"{learnt.documents} training versions)")
    for name, _learnt, result, _what in rows[1:]:
        print(f"F1@5 ratio, {name} / before: " + ", ".join(
            f"{lang} {result[lang][0] / max(base[lang][0], 1e-9):.2f}"
            for lang in (*LANGS, "all")))
    print(f"(cells: F1@5/nDCG@10 over the {len(held)} held-out gold documents; 'all': the "
          f"six versions at once); whole run {seconds:.0f} s")
    print(f"Index headings, last model, whole documents, the {len(held_indexed)} held-out "
          f"indexed documents against their own Index headings: threshold / precision / "
          f"documents with one or more / per document")
    for threshold, precision, covered, per_doc in policy:
        print(f"  >= {threshold:.1f}  {precision:.2f} / {covered:.2f} / {per_doc:.1f}")
    for note in first.notes:
        print(f"note (first use): {note}")


if __name__ == "__main__":
    sys.exit(main())
