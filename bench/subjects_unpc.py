"""Subject suggestions for UN documents, scored against the Library's own indexing.

Data (corpus/subjects, see its SOURCE.txt): the UN Parallel Corpus dev set (732 documents
of 2015, a few aligned sentences each in six languages), gold UNBIS concepts for the 85 of
them the Security Council Index to Proceedings indexed (the concepts among their headings'
parts), and 31,768 past Index entries (2005-2017; symbol -> heading, no text).

No leakage: every table learnt from the Index leaves out the entries of every dev
document (``itp.without_documents``); the documents with text a model learns from are dev
documents the Index indexed, cut into five folds by symbol (``evaluation.cross_validation``,
the split the tests use too): a document is scored by a model that never saw it nor its
entries. Nothing here reads the test set (corpus/documents/unpc).

Scored for each language version alone (five suggestions, F1@5 as Annif computes it, and
nDCG@10), and for the whole document (six versions at once), in one run:

* a naive English exact-label matcher (English text only: UNBIS English labels found as
  whole words, most frequent first);
* today's suggestions: the untrained lexical backend as it was before this work (body
  names not taken out, no training data from the Library);
* the headings backend (ours), trained fold by fold;
* Annif 1.4.3 in its own environment (bench/subjects_annif_env.py), one project per
  language and fold trained on the same training documents with the same concepts (those
  of their Index headings): tfidf, svc, fasttext, omikuji, mllm with their documented
  settings, an equal-weight ensemble (tfidf + mllm + omikuji) and nn_ensemble over tfidf,
  svc, omikuji and mllm (fasttext, with its documented lr 0.25, diverges on so few
  documents in some languages; the network is trained on the same documents: a fold has
  too few to hold some back). Annif has no Chinese
  analyser: Chinese texts and labels are given to it one character a word (what our
  analyser does too), with the simple analyser and a one-character token minimum.
  ``--no-annif`` leaves it out.

Then, for the operator's acceptance policy, the precision and coverage of the concepts
scoring above each threshold (whole documents); suggestion latency for a ten-page
document (dev texts joined: 30,000 characters, Chinese 12,000), cold caches, per
language; with ``--ablation``, what each feature brings (the headings backend trained
without it; English and whole documents). ``--latency-only`` trains the first fold's model
and measures the latency alone (a short run to repeat on a quiet machine); wall time
(what a cataloguer waits, including waiting for a core) and CPU time (what our code
costs) are printed apart, with the load average before and after.

    .venv/bin/python bench/subjects_unpc.py [--no-annif] [--ablation] [--latency-only]
"""

from __future__ import annotations

import os
import re
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from pathlib import Path

import numpy as np

from hemicycle.subjects import analysis
from hemicycle.subjects.backends import backend_class
from hemicycle.subjects.backends.headings import FEATURES, HeadingsBackend
from hemicycle.subjects.corpus import read_corpus
from hemicycle.subjects.document import DocumentInput
from hemicycle.subjects.evaluation import cross_validation, read_gold_concepts
from hemicycle.subjects.heading_tables import english_labels, heading_concepts
from hemicycle.subjects.itp import read_itp
from hemicycle.subjects.matching import analyse
from hemicycle.subjects.metrics import f1_at, ndcg_at
from hemicycle.subjects.vocabulary import Vocabulary, read_vocabulary

sys.path.insert(0, str(Path(__file__).parent))
from subjects_annif_env import annif_python, run_annif  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "corpus" / "subjects"
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
FOLDS = 5
ANNIF_SOURCES = ("tfidf", "svc", "fasttext", "omikuji", "mllm")
ANNIF_SYSTEMS = (*ANNIF_SOURCES, "ensemble", "nn_ensemble")
# fasttext with its documented learning rate diverges (NaN) on a fold's ~110 short
# documents in some languages; the network is given the four other backends
NN_SOURCES = ("tfidf", "svc", "omikuji", "mllm")
ANNIF_SETTINGS = {"fasttext": "dim=500\nlr=0.25\nepoch=30\nloss=hs\nchunksize=24\n",
                  "nn_ensemble": "nodes=100\ndropout_rate=0.2\nepochs=10\n"}
ANALYZERS = {"ar": "snowball(arabic)", "en": "snowball(english)", "fr": "snowball(french)",
             "ru": "snowball(russian)", "es": "snowball(spanish)",
             "zh": "simple(token_min_length=1)"}
_HAN = re.compile(r"([\u3400-\u9fff\uf900-\ufaff])")
_WORDS = re.compile(r"\w+")


def scores(gold: dict[str, frozenset[str]], ranked: dict[str, list[str]]) -> dict[str, float]:
    keys = [k for k in gold if k in ranked]
    return {"F1@5": statistics.mean(f1_at(gold[k], ranked[k], 5) for k in keys),
            "nDCG@10": statistics.mean(ndcg_at(gold[k], ranked[k], 10) for k in keys),
            "documents": len(keys)}


def naive_english(vocab: Vocabulary):
    """Whole-word, case-blind English labels; the most frequent first, then the earliest."""
    labels: dict[tuple[str, ...], str] = {}
    for concept in vocab.concepts.values():
        for lang, label, _pref in concept.all_labels():
            if lang == "en":
                labels.setdefault(tuple(_WORDS.findall(label.casefold())), concept.uri)
    longest = max(len(k) for k in labels)

    def suggest(text: str) -> list[str]:
        words = _WORDS.findall(text.casefold())
        count: Counter[str] = Counter()
        first: dict[str, int] = {}
        for i in range(len(words)):
            for n in range(1, longest + 1):
                uri = labels.get(tuple(words[i:i + n]))
                if uri is not None:
                    count[uri] += 1
                    first.setdefault(uri, i)
        return sorted(count, key=lambda u: (-count[u], first[u]))[:10]

    return suggest


def chinese_words(text: str) -> str:
    return _HAN.sub(r" \1 ", text)


def annif_job(work: Path, vocab: Vocabulary, folds, texts, gold, labels) -> dict:
    """Projects per language and fold, their training files and the texts to suggest for."""
    rows = ["uri," + ",".join(f"label_{lang}" for lang in LANGS)]
    for concept in vocab.concepts.values():
        cells = []
        for lang in LANGS:
            label = concept.labels.get(lang, "")
            label = chinese_words(label).strip() if lang == "zh" else label
            cells.append('"' + " ".join(label.split()).replace('"', '""') + '"')
        rows.append(concept.uri + "," + ",".join(cells))
    (work / "unbis.csv").write_text("\n".join(rows) + "\n", encoding="utf-8")
    projects, train, suggest = "", [], []
    for lang in LANGS:
        for fold in folds:
            tag = f"{lang}-f{fold.number}"
            corpus = work / f"train-{tag}.tsv"
            lines = []
            for doc in fold.train:
                if doc.lang != lang:
                    continue
                concepts = set(doc.subjects)
                for heading in doc.headings:
                    concepts.update(heading_concepts(heading, labels))
                if concepts:
                    text = chinese_words(doc.text) if lang == "zh" else doc.text
                    lines.append(" ".join(text.split()) + "\t"
                                 + " ".join(f"<{u}>" for u in sorted(concepts)))
            corpus.write_text("\n".join(lines) + "\n", encoding="utf-8")
            for backend in (*ANNIF_SOURCES, "ensemble", "nn_ensemble"):
                extra = ANNIF_SETTINGS.get(backend, "")
                if backend == "ensemble":
                    extra += f"sources=tfidf-{tag},mllm-{tag},omikuji-{tag}\n"
                if backend == "nn_ensemble":
                    extra += "sources=" + ",".join(f"{b}-{tag}" for b in NN_SOURCES) + "\n"
                projects += (f"[{backend}-{tag}]\nname={backend} {tag}\nlanguage={lang}\n"
                             f"backend={backend}\nanalyzer={ANALYZERS[lang]}\nlimit=100\n"
                             f"vocab=unbis\n{extra}\n")
                if backend != "ensemble":
                    train.append({"project": f"{backend}-{tag}", "corpus": str(corpus)})
            # nn_ensemble after its sources
            train.sort(key=lambda step: step["project"].startswith("nn_ensemble"))
            test = [k for k in fold.test if k in gold]
            for backend in ANNIF_SYSTEMS:
                suggest.append({"name": f"{lang}:{','.join(test)}", "project": f"{backend}-{tag}",
                                "texts": [chinese_words(texts[k][lang]) if lang == "zh"
                                          else texts[k][lang] for k in test]})
    return {"work": str(work), "vocabs": {"unbis": {"file": str(work / "unbis.csv")}},
            "projects": projects, "train": train, "suggest": suggest, "latency": None}


def run_annif_systems(vocab, folds, texts, gold, labels) -> tuple[dict, str]:
    """system -> language -> symbol key -> ranked URIs, or ({}, why there are none)."""
    python, how = annif_python()
    if python is None:
        return {}, how
    with tempfile.TemporaryDirectory() as tmp:
        job = annif_job(Path(tmp), vocab, folds, texts, gold, labels)
        try:
            answer = run_annif(python, job, Path(tmp) / "job.json")
        except RuntimeError as exc:
            return {}, str(exc)
    out: dict = defaultdict(lambda: defaultdict(dict))
    for name, by_project in answer["rankings"].items():
        lang, keys = name.split(":", 1)
        for project, ranked in by_project.items():
            backend = project.rsplit("-", 2)[0]
            for key, uris in zip(keys.split(","), ranked, strict=True):
                out[backend][lang][key] = uris
    errors = sorted({f"{p.rsplit('-', 2)[0]}: {e}" for p, e in answer["errors"].items()})
    return out, how + (f"; failed: {' | '.join(errors[:3])}" if errors else "")


def train_folds(vocab, folds, features=None):
    models = []
    for fold in folds:
        backend = HeadingsBackend(vocab, {"features": features} if features else None)
        backend.train_with(fold.entries, fold.train)
        models.append(backend)
    return models


def ours(models, folds, texts, gold, langs=LANGS, whole=True, scored=None):
    """language (and "all") -> symbol key -> ranked URIs; ``scored`` (a dict), if given,
    gets symbol key -> [(URI, score)] for the whole documents."""
    out: dict[str, dict[str, list[str]]] = defaultdict(dict)
    for model, fold in zip(models, folds, strict=True):
        for key in fold.test:
            if key not in gold:
                continue
            for lang in langs:
                found = model.suggest_document(DocumentInput({lang: texts[key][lang]}, (key,)))
                out[lang][key] = [s.uri for s in found.concepts]
            if whole:
                found = model.suggest_document(DocumentInput(texts[key], (key,)))
                out["all"][key] = [s.uri for s in found.concepts]
                if scored is not None:
                    scored[key] = [(s.uri, s.score) for s in found.concepts]
    return out


def policy_table(gold, scored) -> list[tuple[str, float, float, float]]:
    """For the operator's acceptance policy (``subjects accept --above T [--best N]``): per
    policy, (policy, precision of the accepted concepts, share of documents that get at
    least one, accepted per document), whole documents, out-of-fold scores."""
    rows = []
    policies = [(f">= {t:.1f}", t, 0) for t in (0.2, 0.3, 0.4, 0.5, 0.6, 0.7)]
    policies += [("best 1", 1.01, 1), ("best 1 or >= 0.5", 0.5, 1), ("best 2", 1.01, 2)]
    for name, threshold, best in policies:
        accepted = {k: [u for rank, (u, score) in enumerate(scored[k])
                        if score >= threshold or rank < best] for k in scored}
        total = sum(len(v) for v in accepted.values())
        right = sum(len(set(v) & gold[k]) for k, v in accepted.items())
        rows.append((name, right / total if total else 0.0,
                     sum(bool(v) for v in accepted.values()) / len(accepted),
                     total / len(accepted)))
    return rows


def latency(model, texts) -> dict[str, tuple[float, float, float]]:
    """language -> (wall p50, wall p95, CPU p95) in ms for a ten-page document."""
    out = {}
    for lang in LANGS:
        size = 12_000 if lang == "zh" else 30_000
        text = "\n".join(t[lang] for t in texts.values())[:size]
        doc = DocumentInput({lang: text}, ("S/2015/400",))
        model.suggest_document(doc)
        wall, cpu = [], []
        for _ in range(30):
            analyse.cache_clear()
            analysis._analysed.cache_clear()
            t, c = time.perf_counter(), time.process_time()
            model.suggest_document(doc)
            wall.append(time.perf_counter() - t)
            cpu.append(time.process_time() - c)
        wall.sort()
        cpu.sort()
        out[lang] = (1000 * wall[15], 1000 * wall[27], 1000 * cpu[27])
    return out


def print_latency(model, texts) -> None:
    load = os.getloadavg()[0]
    print("latency, ten-page document, 30 runs, cold caches (ms): wall p50 / wall p95 / "
          "CPU p95")
    for lang, (p50, p95, cpu) in latency(model, texts).items():
        print(f"  {lang}: {p50:.1f} / {p95:.1f} / {cpu:.1f}")
    print(f"load average (1 min) before / after: {load:.1f} / {os.getloadavg()[0]:.1f} on "
          f"{os.cpu_count()} cores: wall above CPU is waiting for a core")


def latency_only(vocab, folds, texts) -> None:
    started, cpu = time.perf_counter(), time.process_time()
    model = train_folds(vocab, folds[:1])[0]
    print(f"the first fold's model trained in {time.perf_counter() - started:.0f} s "
          f"({time.process_time() - cpu:.0f} s CPU)")
    print_latency(model, texts)


def main() -> None:
    with_annif = "--no-annif" not in sys.argv
    vocab = read_vocabulary("unbis", LABELS)
    itp = read_itp(DATA / "itp" / "itp_sc_2005_2017_entries_minus_heldout.tsv")
    corpus = read_corpus(DATA / "unpc-dev")
    gold = read_gold_concepts(DATA / "unpc-dev" / "unpc_devset_gold.tsv")
    texts: dict[str, dict[str, str]] = defaultdict(dict)
    for doc in corpus:
        texts[doc.symbols[0]][doc.lang] = doc.text
    folds = cross_validation(itp.entries, corpus, FOLDS)
    labels = english_labels(vocab)
    print(f"dev documents: {len(texts)}; with Index headings: "
          f"{sum(len(f.test) for f in folds)}; scored (gold concepts): {len(gold)}; Index "
          f"entries: {len(itp)} ({len(itp.problems)} lines skipped), "
          f"{len(folds[0].entries)} once the dev documents' own are left out; {FOLDS} folds")
    if "--latency-only" in sys.argv:
        latency_only(vocab, folds, texts)
        return
    table: dict[str, dict[str, dict[str, float]]] = {}

    naive = naive_english(vocab)
    table["naive English exact-label matcher"] = {
        "en": scores(gold, {k: naive(texts[k]["en"]) for k in gold})}
    lexical = backend_class("lexical")(vocab, {"mask_bodies": False})  # as it was
    table["today's suggestions (lexical, untrained)"] = {
        lang: scores(gold, {k: [s.uri for s in lexical.suggest(texts[k][lang], lang, 10)]
                            for k in gold}) for lang in LANGS}
    started = time.perf_counter()
    models = train_folds(vocab, folds)
    train_s = (time.perf_counter() - started) / FOLDS
    scored: dict[str, list[tuple[str, float]]] = {}
    ranked = ours(models, folds, texts, gold, scored=scored)
    table["hemicycle headings"] = {lang: scores(gold, r) for lang, r in ranked.items()}
    how = "left out (--no-annif)"
    if with_annif:
        annif, how = run_annif_systems(vocab, folds, texts, gold, labels)
        for system in ANNIF_SYSTEMS:
            if system in annif:
                table[f"annif {system}"] = {lang: scores(gold, annif[system][lang])
                                            for lang in LANGS if annif[system].get(lang)}

    print(f"Annif: {how}")
    print(f"{'system':<44}" + "".join(f"{lang:>13}" for lang in (*LANGS, "all"))
          + f"{'spread':>8}")
    for system, by_lang in table.items():
        cells = "".join(
            f"{by_lang[lang]['F1@5']:>6.3f}/{by_lang[lang]['nDCG@10']:<6.3f}" if lang in by_lang
            else f"{'-':>13}" for lang in (*LANGS, "all"))
        f1 = [by_lang[lang]["F1@5"] for lang in LANGS if lang in by_lang]
        spread = f"{max(f1) - min(f1):>8.3f}" if len(f1) > 1 else f"{'':>8}"
        print(f"{system:<44}{cells}{spread}")
    print("(cells: F1@5/nDCG@10 over the 85 gold documents; 'all': the six versions at once)")
    ours_f1 = table["hemicycle headings"]
    base = table["naive English exact-label matcher"]["en"]["F1@5"]
    today = table["today's suggestions (lexical, untrained)"]
    print("F1@5 ratio to the naive English matcher: " + ", ".join(
        f"{lang} {ours_f1[lang]['F1@5'] / base:.2f}" for lang in LANGS))
    print("F1@5 ratio to today's suggestions: " + ", ".join(
        f"{lang} {ours_f1[lang]['F1@5'] / max(today[lang]['F1@5'], 1e-9):.2f}"
        for lang in LANGS))
    weights = np.mean([m.weights for m in models], axis=0)
    print("learnt weights (standardised features, mean of the folds): " + ", ".join(
        f"{name} {w:+.2f}" for name, w in zip(FEATURES, weights, strict=True)))
    print(f"training per fold: {train_s:.1f} s")
    print("acceptance policy (whole documents): policy / precision / documents with one "
          "or more / accepted per document")
    for name, precision, covered, per_doc in policy_table(gold, scored):
        print(f"  {name:<17} {precision:.2f} / {covered:.2f} / {per_doc:.1f}")

    print_latency(models[0], texts)
    if "--ablation" in sys.argv:
        print("without one feature (F1@5 en / whole document):")
        for feature in FEATURES:
            kept = tuple(f for f in FEATURES if f != feature)
            r = ours(train_folds(vocab, folds, kept), folds, texts, gold, ("en",))
            print(f"  without {feature:<13} {scores(gold, r['en'])['F1@5']:.3f} / "
                  f"{scores(gold, r['all'])['F1@5']:.3f}", flush=True)


if __name__ == "__main__":
    main()
