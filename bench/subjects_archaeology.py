"""Subject indexing quality, speed and memory on Annif's archaeology corpus, beside Annif.

Split as the issue says: the first 5,000 lines of documents.tsv train, the last 1,404
test. Ours: lexical, tfidf, ensemble (hemicycle.subjects). Baseline in the same run: Annif
1.4.3's strongest backends, each with the settings its documentation gives (Annif wiki,
"Backends"): tfidf, svc, fasttext (dim 500, lr 0.25, epoch 30, loss hs, chunksize 24),
omikuji (Parabel defaults), mllm, an equal-weight ensemble of tfidf + mllm + omikuji, and
nn_ensemble (nodes 100, dropout 0.2, 10 epochs) over tfidf, svc, fasttext, omikuji and mllm
trained, as its documentation advises, on documents its sources did not see (sources on the
first 4,000 training lines, the network on the last 1,000). Annif runs in its own virtual
environment (bench/subjects_annif_env.py builds it when missing; never .venv) and every
system's suggestions are scored by the same code (hemicycle.subjects.metrics). Without Annif
no Annif figure is printed. Also: suggestion latency for a ten-page text (the 28 long
documents of the corpus joined, about 30,000 characters), batch documents/s, memory.

    .venv/bin/python bench/subjects_archaeology.py
"""

from __future__ import annotations

import resource
import sys
import tempfile
import time
from pathlib import Path

from hemicycle.subjects import analysis
from hemicycle.subjects.backends import backend_class
from hemicycle.subjects.corpus import Corpus, read_tsv_corpus
from hemicycle.subjects.evaluation import evaluate_backend
from hemicycle.subjects.metrics import evaluate
from hemicycle.subjects.vocabulary import read_vocabulary

sys.path.insert(0, str(Path(__file__).parent))
from subjects_annif_env import annif_python, run_annif  # noqa: E402

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "subjects" / "annif-archaeology"
METRICS = ("F1@5", "P@1", "P@3", "P@5", "nDCG@10")
SOURCES = ("tfidf", "svc", "fasttext", "omikuji", "mllm")
# each backend's settings as Annif's documentation gives them
SETTINGS = {
    "tfidf": "", "svc": "", "omikuji": "", "mllm": "",
    "fasttext": "dim=500\nlr=0.25\nepoch=30\nloss=hs\nchunksize=24\n",
}
ANNIF_SYSTEMS = (*SOURCES, "ensemble", "nn_ensemble")


def long_text() -> str:
    texts = [p.read_text(encoding="utf-8") for p in sorted((DATA / "fulltext").glob("*.txt"))]
    return "\n\n".join(texts)[:30_000]  # ~10 pages of 3,000 characters


def clear_caches(backend) -> None:
    """Forget analysed texts and remembered words: every timed run starts cold."""
    analysis._analysed.cache_clear()
    for b in (backend, *getattr(backend, "sources", {}).values()):
        if getattr(b, "fast_chars", None) is not None:
            b.fast_chars._ids.clear()


def latency_ms(backend, text: str, runs: int = 50) -> dict[str, float]:
    """Wall-clock and CPU-time percentiles (the machine is shared: CPU time is what our
    code costs, wall time adds the wait for a core)."""
    backend.suggest(text, "fi", 10)
    wall, cpu = [], []
    for _ in range(runs):
        clear_caches(backend)
        t, c = time.perf_counter(), time.process_time()
        backend.suggest(text, "fi", 10)
        wall.append(time.perf_counter() - t)
        cpu.append(time.process_time() - c)
    wall.sort()
    cpu.sort()
    return {"p50": round(1000 * wall[len(wall) // 2], 1),
            "p95": round(1000 * wall[int(len(wall) * 0.95) - 1], 1),
            "cpu_p95": round(1000 * cpu[int(len(cpu) * 0.95) - 1], 1)}


def annif_projects() -> str:
    cfg = ""
    for suffix in ("", "-nnsrc"):  # the nn_ensemble's sources: trained on other documents
        for backend in SOURCES:
            cfg += (f"[{backend}-fi{suffix}]\nname={backend}\nlanguage=fi\nbackend={backend}\n"
                    f"analyzer=snowball(finnish)\nlimit=100\nvocab=yso\n{SETTINGS[backend]}\n")
    cfg += ("[ensemble-fi]\nname=ensemble\nlanguage=fi\nbackend=ensemble\n"
            "sources=tfidf-fi,mllm-fi,omikuji-fi\nlimit=100\nvocab=yso\n\n")
    cfg += ("[nn_ensemble-fi]\nname=nn_ensemble\nlanguage=fi\nbackend=nn_ensemble\n"
            f"sources={','.join(b + '-fi-nnsrc' for b in SOURCES)}\nlimit=100\nvocab=yso\n"
            "nodes=100\ndropout_rate=0.2\nepochs=10\n")
    return cfg


def run_annif_systems(work: Path, test: Corpus, text: str) -> tuple[dict, str]:
    """Annif's systems scored on the test split, or ({}, why there are none)."""
    python, how = annif_python()
    if python is None:
        return {}, how
    lines = (DATA / "documents.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    (work / "train.tsv").write_text("".join(lines[:5000]), encoding="utf-8")
    (work / "src.tsv").write_text("".join(lines[:4000]), encoding="utf-8")
    (work / "nn.tsv").write_text("".join(lines[4000:5000]), encoding="utf-8")
    train = [{"project": f"{b}-fi", "corpus": str(work / "train.tsv")} for b in SOURCES]
    train += [{"project": f"{b}-fi-nnsrc", "corpus": str(work / "src.tsv")} for b in SOURCES]
    train += [{"project": "nn_ensemble-fi", "corpus": str(work / "nn.tsv")}]
    job = {"work": str(work), "vocabs": {"yso": {"file": str(DATA / "yso-archaeology.ttl")}},
           "projects": annif_projects(), "train": train,
           "suggest": [{"name": "test", "project": f"{b}-fi",
                        "texts": [d.text for d in test]} for b in ANNIF_SYSTEMS],
           "latency": {"project": "ensemble-fi", "text": text, "runs": 30}}
    try:
        answer = run_annif(python, job, work / "job.json")
    except RuntimeError as exc:
        return {}, str(exc)
    out: dict = {}
    for name in ANNIF_SYSTEMS:
        ranked = answer["rankings"].get("test", {}).get(f"{name}-fi")
        if ranked is None:
            out[name] = {"error": answer["errors"].get(f"{name}-fi", "no answer")}
            continue
        out[name] = evaluate([d.subjects for d in test], ranked)
        out[name]["train_s"] = answer["train_s"].get(f"{name}-fi")
    out["latency_ms"] = answer.get("latency_ms")
    return out, how + "; measured in this run"


def main() -> None:
    vocab = read_vocabulary("yso", DATA / "yso-archaeology.ttl")
    corpus = read_tsv_corpus(DATA / "documents.tsv", vocab, "fi")
    train, test = Corpus(corpus.documents[:5000]), Corpus(corpus.documents[-1404:])
    text = long_text()
    ours: dict[str, dict] = {}
    ensemble = backend_class("ensemble")(vocab, {"lang": "fi"})
    t = time.perf_counter()
    ensemble.train(train)
    ensemble_train_s = time.perf_counter() - t
    for name, backend in (("lexical", ensemble.sources["lexical"]),
                          ("tfidf", ensemble.sources["tfidf"]), ("ensemble", ensemble)):
        t = time.perf_counter()
        scores = evaluate_backend(backend, test, "fi")
        elapsed = time.perf_counter() - t
        scores["docs_per_s"] = round(len(test) / elapsed, 1)
        scores["latency_ms"] = latency_ms(backend, text)
        ours[name] = scores
    ours["ensemble"]["train_s"] = round(ensemble_train_s, 1)
    rss_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    with tempfile.TemporaryDirectory() as tmp:
        annif, how = run_annif_systems(Path(tmp), test, text)

    print(f"test documents: {len(test)}; train: {len(train)}; Annif: {how}")
    print(f"{'system':<22}" + "".join(f"{m:>9}" for m in METRICS) + f"{'docs/s':>9}"
          + f"{'p95 ms':>9}" + f"{'cpu p95':>9}")
    for name, s in ours.items():
        print(f"{'hemicycle ' + name:<22}" + "".join(f"{s[m]:>9.4f}" for m in METRICS)
              + f"{s['docs_per_s']:>9}" + f"{s['latency_ms']['p95']:>9}"
              + f"{s['latency_ms']['cpu_p95']:>9}")
    for name in ANNIF_SYSTEMS if annif else ():
        s = annif[name]
        if "error" in s:
            print(f"{'annif ' + name:<22}failed: {s['error']}")
            continue
        print(f"{'annif ' + name:<22}" + "".join(f"{s[m]:>9.4f}" for m in METRICS))
    ours_single = max(ours[n]["F1@5"] for n in ("lexical", "tfidf"))
    measured = {n: annif[n]["F1@5"] for n in ANNIF_SYSTEMS if annif and "F1@5" in annif[n]}
    singles = {n: f for n, f in measured.items() if n in SOURCES}
    if singles:
        best = max(singles, key=singles.get)
        print(f"F1@5 ratio, our best single / Annif's best single ({best}): "
              f"{ours_single / singles[best]:.3f}")
    combined = {n: f for n, f in measured.items() if n not in SOURCES}
    if combined:
        best = max(combined, key=combined.get)
        print(f"F1@5 ratio, our ensemble / Annif's best combination ({best}): "
              f"{ours['ensemble']['F1@5'] / combined[best]:.3f}")
    if annif and annif.get("latency_ms"):
        print(f"latency p95 for a {len(text):,}-character text: ours (ensemble) "
              f"{ours['ensemble']['latency_ms']['p95']} ms, Annif ensemble "
              f"{annif['latency_ms']['p95']} ms")
    print(f"ensemble training: {ensemble_train_s:.1f} s; peak memory of this process "
          f"{rss_mb:.0f} MB")
    print(f"ensemble weights learned on held-out data: {ensemble.weights}")


if __name__ == "__main__":
    main()
