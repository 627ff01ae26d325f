"""``hemicycle subjects``: suggest, train and evaluate automatic subject indexing.

The verbs mirror the REST API under /api/subjects one to one. Results go to stdout
(``--json`` for machines), progress and errors to stderr.
"""

from __future__ import annotations

import json
import sys
import time
from pathlib import Path
from typing import Annotated

import typer

from hemicycle.cli.common import console, fail, progress_bar, settings

VocabOption = Annotated[str, typer.Option("--vocab", help="Vocabulary name (see `subjects list`).")]
LangOption = Annotated[str | None, typer.Option("--lang", help="Language of the text (xx).")]
BackendOption = Annotated[str | None, typer.Option(
    "--backend", help="headings, ensemble, tfidf or lexical (default: the best trained).")]


def _read_text(path: Path) -> str:
    if path.suffix.lower() == ".pdf":
        import pypdfium2

        try:
            pdf = pypdfium2.PdfDocument(str(path))
        except pypdfium2.PdfiumError as exc:
            fail(f"{path}: not a readable PDF ({exc})")
        from hemicycle.subjects.service import MAX_CHARS

        parts: list[str] = []
        size = 0
        for page in pdf:  # only as many pages as suggesting will read
            parts.append(page.get_textpage().get_text_range())
            size += len(parts[-1])
            if size > MAX_CHARS:
                break
        return "\n".join(parts)
    try:
        return path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        fail(f"{path}: not UTF-8 text ({exc.reason} at byte {exc.start})")


def _print_suggestions(result: dict, as_json: bool) -> None:
    if as_json:
        sys.stdout.write(json.dumps(result, ensure_ascii=False, indent=1) + "\n")
        return
    for note in result.get("notes", []):
        console.print(f"[dim]{note}[/]", highlight=False)
    for s in result["suggestions"]:
        sys.stdout.write(f"<{s['uri']}>\t{s['label']}\t{s['score']:.4f}\n")
    for h in result.get("headings", []):
        sys.stdout.write(f"heading\t{h['heading']}\t{h['score']:.4f}\n")


app = typer.Typer(name="subjects", help="Automatic subject indexing: suggest, train, eval.",
                  no_args_is_help=True)


@app.command("vocab")
def vocab_cmd(
    name: str,
    path: Annotated[Path | None, typer.Argument(
        help="SKOS file (.ttl, .rdf, ...) or TSV table; left out: the thesaurus "
             "package's copy of NAME in the catalogue.")] = None,
    lang: LangOption = None,
) -> None:
    """Load (or refresh) a vocabulary for subject indexing."""
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.vocabulary import (
        check_name,
        install_vocabulary,
        read_vocabulary,
        vocabulary_from_catalogue,
    )

    s = settings()
    try:
        if path is None:
            vocab = vocabulary_from_catalogue(s, check_name(name))
            if vocab is None:
                fail(f"the catalogue holds no thesaurus called {name!r} "
                     f"(load it with `hemicycle thesaurus load`, or give a FILE)")
        else:
            vocab = read_vocabulary(check_name(name), path, lang)
        install_vocabulary(s, vocab)
    except SubjectError as exc:
        fail(str(exc))
    console.print(f"vocabulary {name}: {len(vocab)} concepts, "
                  f"languages {', '.join(vocab.languages)}")


@app.command("list")
def list_cmd(as_json: Annotated[bool, typer.Option("--json")] = False) -> None:
    """Vocabularies and their trained backends."""
    from hemicycle.subjects.service import trained_backends
    from hemicycle.subjects.vocabulary import vocabulary_names

    s = settings()
    data = [{"vocab": n, "trained": trained_backends(s, n)} for n in vocabulary_names(s)]
    if as_json:
        sys.stdout.write(json.dumps(data, indent=1) + "\n")
    for item in [] if as_json else data:
        sys.stdout.write(f"{item['vocab']}\t{', '.join(item['trained']) or '-'}\n")


@app.command("suggest")
def suggest_cmd(
    target: Annotated[str, typer.Argument(help="A text/PDF file, '-' for stdin, or a "
                                               "document symbol or uid.")],
    vocab: VocabOption,
    lang: LangOption = None,
    limit: Annotated[int, typer.Option("--limit", "-k")] = 10,
    backend: BackendOption = None,
    symbol: Annotated[list[str] | None, typer.Option(
        "--symbol", help="The text's document symbol (repeatable): its series, year and "
                         "type help the headings backend.")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Suggest subjects (and Index to Proceedings headings) for a file or a document."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.queries import find_document
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.service import suggest_for_document, suggest_text

    s = settings()
    path = Path(target)
    try:
        if target == "-" or path.is_file():
            text = sys.stdin.read() if target == "-" else _read_text(path)
            result = suggest_text(s, vocab, text, lang, limit, backend, symbol or ()).to_json()
        elif path.suffix.lower() in (".txt", ".pdf", ".md", ".html", ".tsv"):
            fail(f"{target}: no such file")
        else:
            with session_scope(s.database_url) as db:
                doc = find_document(db, target)
            if doc is None:
                fail(f"{target}: no such file, and no document with that symbol or uid")
            found = suggest_for_document(s, doc.id, vocab, limit, backend)
            result = {"vocab": vocab, "document": doc.uid, "symbol": doc.symbol,
                      "suggestions": [vars(x) for x in found], "notes": []}
    except SubjectError as exc:
        fail(str(exc))
    _print_suggestions(result, as_json)


@app.command("index")
def index_cmd(
    vocab: VocabOption,
    status: Annotated[list[str] | None, typer.Option(
        "--status", help="Document status to cover (repeatable; default: draft).")] = None,
    again: Annotated[bool, typer.Option(help="Redo documents that have suggestions.")] = False,
    limit: Annotated[int, typer.Option("--limit", "-k")] = 10,
    backend: BackendOption = None,
) -> None:
    """Store suggestions for every catalogue document that has none yet (resumable)."""
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.service import (
        check_limit,
        documents_to_suggest,
        load_backend,
        suggest_for_document,
    )

    s = settings()
    try:
        load_backend(s, vocab, backend)
        check_limit(limit)
        ids = documents_to_suggest(s, vocab, status or ["draft"], again)
        stored = 0
        with progress_bar() as bar:
            task = bar.add_task(f"suggest {vocab}", total=len(ids), rate="")
            for doc_id in ids:
                stored += bool(suggest_for_document(s, doc_id, vocab, limit, backend))
                bar.advance(task)
    except SubjectError as exc:
        fail(str(exc))
    # documents that got nothing (no text, no label found) are looked at again next time
    console.print(f"{len(ids)} documents looked at; suggestions stored for {stored}")


@app.command("accept")
def accept_cmd(
    vocab: VocabOption,
    above: Annotated[float | None, typer.Option(
        "--above", help="Accept every stored suggestion scoring at least this (0-1].")] = None,
    best: Annotated[int, typer.Option(
        "--best", help="Also accept each document's N best suggestions, whatever their "
                       "score.")] = 0,
    undo: Annotated[bool, typer.Option(
        "--undo", help="Take back what the policy accepted and no cataloguer confirmed.")
                    ] = False,
    status: Annotated[list[str] | None, typer.Option(
        "--status", help="Document status to cover (repeatable; default: draft and "
                         "published).")] = None,
) -> None:
    """The operator's policy: machine suggestions above a score become subjects, marked as
    the machine's and as accepted by the policy (reversible with --undo)."""
    from hemicycle.search.index import catch_up
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.service import accept_above, undo_policy

    if (above is None) == (not undo):
        fail("give either --above SCORE or --undo")
    s = settings()
    try:
        if undo:
            done = undo_policy(s, vocab)
            console.print(f"{done.undone} subjects accepted by the policy taken back from "
                          f"{done.documents} documents")
        else:
            done = accept_above(s, vocab, above, status or ("draft", "published"), best)
            policy = (f"best {best} or " if best else "") + f"score >= {above:g}"
            console.print(f"{done.accepted} suggestions accepted as subjects of "
                          f"{done.documents} documents (policy: {policy})")
    except SubjectError as exc:
        fail(str(exc))
    catch_up(s)  # the subject facet and subject: queries see them now


@app.command("train")
def train_cmd(
    vocab: VocabOption,
    corpus: Annotated[list[Path] | None, typer.Argument(
        help="TSV corpora or folders; default: catalogue records with subjects.")] = None,
    backend: Annotated[str, typer.Option(help="headings, ensemble, tfidf, lexical or all")
                       ] = "all",
    lang: LangOption = None,
    itp: Annotated[Path | None, typer.Option(
        "--itp", help="Index to Proceedings entries (TSV: year, subject, heading, "
                      "docsymbols) for the headings backend; documents of the corpus (or "
                      "of the catalogue) it indexes are labelled with their headings.")
                   ] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Train backends (a model is replaced only once its successor is complete)."""
    from hemicycle.subjects.backends import REGISTRY
    from hemicycle.subjects.corpus import Corpus, read_corpus
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.itp import headings_by_document, read_itp
    from hemicycle.subjects.service import catalogue_corpus, check_lang, train
    from hemicycle.subjects.vocabulary import load_vocabulary

    s = settings()
    names = ["ensemble"] if backend == "all" else [backend]
    try:
        code = check_lang(lang)
        for name in names:
            if name not in REGISTRY:
                raise SubjectError(f"unknown backend {name!r}: expected one of "
                                   f"{', '.join(sorted(REGISTRY))} or all")
        if "headings" in names and itp is None:
            fail("the headings backend learns from an Index to Proceedings file: --itp FILE")
        indexed: frozenset[str] = frozenset()
        if itp is not None:
            entries = read_itp(itp)
            indexed = frozenset(headings_by_document(entries.entries))
            for problem in entries.problems[:20]:
                console.print(f"[yellow]skipped:[/] {problem}", highlight=False)
            if len(entries.problems) > 20:
                console.print(f"[yellow]{len(entries.problems) - 20} more lines skipped[/]")
        voc = load_vocabulary(s, vocab)
        if corpus:
            docs = Corpus([])
            for path in corpus:
                part = read_corpus(path, voc, code)
                docs.documents.extend(part.documents)
                docs.problems.extend(part.problems)
        else:
            docs = catalogue_corpus(s, vocab, indexed)
        if not docs.documents and "headings" not in names:
            fail(f"no training documents for vocabulary {vocab!r}: give a corpus, or "
                 "catalogue documents with subjects")
        for problem in docs.problems[:20]:
            console.print(f"[yellow]skipped:[/] {problem}", highlight=False)
        started = time.monotonic()
        with progress_bar() as bar:
            tasks: dict[str, int] = {}

            def step(name: str, done: int, total: int) -> None:
                if name not in tasks:
                    tasks[name] = bar.add_task(f"train {name}", total=total, rate="")
                bar.update(tasks[name], completed=done, total=total)

            params = ({"lang": code or "en"} | ({"itp": str(itp.resolve())} if itp else {})
                      | {"corpora": [str(p.resolve()) for p in corpus or ()]})
            trained = train(s, vocab, docs, names, params, step)
    except SubjectError as exc:
        fail(str(exc))
    summary = {"vocab": vocab, "documents": len(docs), "backends": sorted(trained),
               "seconds": round(time.monotonic() - started, 1),
               "ensemble_weights": getattr(trained.get("ensemble"), "weights", {})}
    if itp is not None:
        from hemicycle.subjects.itp import unknown_parts

        unknown = unknown_parts(entries.entries, voc)
        summary["itp"] = {"entries": len(entries), "lines_skipped": len(entries.problems),
                          "parts_not_in_vocabulary": len(unknown),
                          "commonest_parts_not_in_vocabulary": [p for p, _ in
                                                                unknown.most_common(5)]}
    if as_json:
        sys.stdout.write(json.dumps(summary, indent=1) + "\n")
    else:
        console.print(f"trained {', '.join(summary['backends'])} on {len(docs)} documents")
        if itp is not None:
            info = summary["itp"]
            console.print(f"Index entries: {info['entries']} read, {info['lines_skipped']} "
                          f"lines skipped; {info['parts_not_in_vocabulary']} heading parts are "
                          f"not labels of {vocab!r} (e.g. "
                          f"{'; '.join(info['commonest_parts_not_in_vocabulary'][:3])}): their "
                          f"headings are kept, those parts give no concept", highlight=False)


@app.command("learn")
def learn_cmd(
    vocab: VocabOption,
    backend: BackendOption = None,
    itp: Annotated[Path | None, typer.Option(
        "--itp", help="First use (no model yet): the Index to Proceedings file to start "
                      "from (default: the subjects_itp setting, the bundled Security "
                      "Council Index).")] = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Retrain a trained model from cataloguers' decisions in the catalogue, beside what it
    learnt before (its corpora and Index to Proceedings file); a new model version. With
    no model yet, the headings backend is trained from the Index to Proceedings file."""
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.service import learn

    s = settings()
    try:
        with progress_bar() as bar:
            task = bar.add_task("learn", total=None, rate="")
            done = learn(s, vocab, backend,
                         lambda _name, d, t: bar.update(task, completed=d, total=t), itp)
    except SubjectError as exc:
        fail(str(exc))
    if as_json:
        sys.stdout.write(json.dumps(vars(done)) + "\n")
        return
    for note in done.notes:
        console.print(f"[yellow]note:[/] {note}", highlight=False)
    start = " (first model, from the Index to Proceedings file)" if done.first else ""
    console.print(f"{done.backend} retrained on {done.documents} documents "
                  f"({done.decisions} cataloguers' decisions): model {done.version}{start}",
                  highlight=False)


@app.command("eval")
def eval_cmd(
    corpus: Annotated[Path, typer.Argument(help="TSV corpus or folder of documents.")],
    vocab: VocabOption,
    lang: LangOption = None,
    backend: BackendOption = None,
    as_json: Annotated[bool, typer.Option("--json")] = False,
) -> None:
    """Evaluate suggestions against a corpus: F1@5, P@1/3/5, nDCG@10."""
    from hemicycle.subjects.errors import SubjectError
    from hemicycle.subjects.evaluation import evaluate_backend
    from hemicycle.subjects.service import check_lang, load_backend

    s = settings()
    try:
        model = load_backend(s, vocab, backend)
        code = check_lang(lang)
        from hemicycle.subjects.corpus import read_corpus

        docs = read_corpus(corpus, model.vocab, code)
        with progress_bar() as bar:
            task = bar.add_task(f"eval {model.name}", total=len(docs), rate="")
            scores = evaluate_backend(model, docs, code,
                                      lambda d, t: bar.update(task, completed=d))
    except SubjectError as exc:
        fail(str(exc))
    scores = {"vocab": vocab, "backend": model.name, **scores}
    if as_json:
        sys.stdout.write(json.dumps(scores, indent=1) + "\n")
    else:
        for key, value in scores.items():
            sys.stdout.write(f"{key}\t{value:.4f}\n" if isinstance(value, float)
                             else f"{key}\t{value}\n")
