"""Subject indexing quality, speed and memory on Annif's archaeology corpus, beside Annif.

Split as the issue says: the first 5,000 lines of documents.tsv train, the last 1,404
test. Ours: lexical, tfidf, ensemble (hemicycle.subjects). Baseline: Annif 1.4 (tfidf,
mllm, omikuji, equal-weight ensemble) run from its own virtual environment, given by
ANNIF_PYTHON (default /tmp/annif-venv/bin/python; `pip install annif[omikuji]` there,
never in .venv). Without it the Annif figures measured on this machine on 2026-11-25 are
quoted and marked so. Also: suggestion latency for a ten-page text (the 28 long
documents of the corpus joined, about 30,000 characters), batch documents/s, memory.

    .venv/bin/python bench/subjects_archaeology.py
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from hemicycle.subjects import analysis
from hemicycle.subjects.backends import backend_class
from hemicycle.subjects.corpus import Corpus, read_tsv_corpus
from hemicycle.subjects.evaluation import evaluate_backend
from hemicycle.subjects.vocabulary import read_vocabulary

ROOT = Path(__file__).resolve().parents[1]
DATA = ROOT / "tests" / "data" / "subjects" / "annif-archaeology"
ANNIF_PYTHON = Path(os.environ.get("ANNIF_PYTHON", "/tmp/annif-venv/bin/python"))
# measured with bench/subjects_annif_runner.py on this machine, 2026-11-25
ANNIF_KNOWN = {
    "tfidf-fi": {"F1@5": 0.2395, "P@1": 0.3932, "P@3": 0.2238, "P@5": 0.1656, "nDCG@10": 0.5069},
    "mllm-fi": {"F1@5": 0.1194, "P@1": 0.1375, "P@3": 0.1325, "P@5": 0.1325, "nDCG@10": 0.1232},
    "omikuji-fi": {"F1@5": 0.2342, "P@1": 0.4238, "P@3": 0.2272, "P@5": 0.1561,
                   "nDCG@10": 0.5203},
    "ensemble-fi": {"F1@5": 0.2405, "P@1": 0.4523, "P@3": 0.2371, "P@5": 0.1611,
                    "nDCG@10": 0.5471},
}
METRICS = ("F1@5", "P@1", "P@3", "P@5", "nDCG@10")


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


def run_annif(work: Path, text: str) -> tuple[dict, str]:
    if not ANNIF_PYTHON.is_file():
        return ANNIF_KNOWN, "quoted (Annif not installed here)"
    lines = (DATA / "documents.tsv").read_text(encoding="utf-8").splitlines(keepends=True)
    (work / "train.tsv").write_text("".join(lines[:5000]), encoding="utf-8")
    (work / "test.tsv").write_text("".join(lines[-1404:]), encoding="utf-8")
    (work / "long.txt").write_text(text, encoding="utf-8")
    done = subprocess.run(
        [str(ANNIF_PYTHON), str(Path(__file__).with_name("subjects_annif_runner.py")),
         str(work), str(work / "train.tsv"), str(work / "test.tsv"),
         str(DATA / "yso-archaeology.ttl"), str(work / "long.txt")],
        capture_output=True, text=True)
    if done.returncode != 0:
        print(done.stderr[-2000:], file=sys.stderr)
        return ANNIF_KNOWN, "quoted (Annif run failed)"
    return json.loads(done.stdout.strip().splitlines()[-1]), "measured in this run"


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
        annif, how = run_annif(Path(tmp), text)

    print(f"test documents: {len(test)}; train: {len(train)}; Annif figures {how}")
    print(f"{'system':<22}" + "".join(f"{m:>9}" for m in METRICS) + f"{'docs/s':>9}"
          + f"{'p95 ms':>9}" + f"{'cpu p95':>9}")
    for name, s in ours.items():
        print(f"{'hemicycle ' + name:<22}" + "".join(f"{s[m]:>9.4f}" for m in METRICS)
              + f"{s['docs_per_s']:>9}" + f"{s['latency_ms']['p95']:>9}"
              + f"{s['latency_ms']['cpu_p95']:>9}")
    for name in ("tfidf-fi", "mllm-fi", "omikuji-fi", "ensemble-fi"):
        s = annif[name]
        print(f"{'annif ' + name:<22}" + "".join(f"{s[m]:>9.4f}" for m in METRICS))
    best_single = max(annif[n]["F1@5"] for n in ("tfidf-fi", "mllm-fi", "omikuji-fi"))
    ours_single = max(ours[n]["F1@5"] for n in ("lexical", "tfidf"))
    print(f"F1@5 ratio, our best single / Annif best single: {ours_single / best_single:.3f}")
    print(f"F1@5 ratio, our ensemble / Annif ensemble: "
          f"{ours['ensemble']['F1@5'] / annif['ensemble-fi']['F1@5']:.3f}")
    if "latency_ms" in annif:
        print(f"latency p95 for a {len(text):,}-character text: ours (ensemble) "
              f"{ours['ensemble']['latency_ms']['p95']} ms, Annif ensemble "
              f"{annif['latency_ms']['p95']} ms")
    print(f"ensemble training: {ensemble_train_s:.1f} s; peak memory of this process "
          f"{rss_mb:.0f} MB")
    print(f"ensemble weights learned on held-out data: {ensemble.weights}")


if __name__ == "__main__":
    main()
