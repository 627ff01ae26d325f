"""Runs Annif (in its own virtual environment) for bench/subjects_archaeology.py.

Not imported by Hemicycle: ``subjects_archaeology.py`` starts it with Annif's Python.
Trains tfidf, mllm and omikuji on the training split, evaluates those and an equal-
weight ensemble on the test split, times suggestion of one long text, prints JSON.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

work, train, test, vocab, longtext = (Path(a) for a in sys.argv[1:6])
annif = str(Path(sys.executable).parent / "annif")
nltk = work / "nltk" / "tokenizers" / "punkt_tab"
for lang in ("finnish", "english", "swedish"):  # empty parameters: untrained splitter
    (nltk / lang).mkdir(parents=True, exist_ok=True)
    for name in ("collocations.tab", "sent_starters.txt", "abbrev_types.txt",
                 "ortho_context.tab"):
        (nltk / lang / name).touch()
projects = ""
for backend in ("tfidf", "mllm", "omikuji"):
    projects += (f"[{backend}-fi]\nname={backend}\nlanguage=fi\nbackend={backend}\n"
                 f"analyzer=snowball(finnish)\nlimit=100\nvocab=yso\n\n")
projects += ("[ensemble-fi]\nname=ensemble\nlanguage=fi\nbackend=ensemble\n"
             "sources=tfidf-fi,mllm-fi,omikuji-fi\nlimit=100\nvocab=yso\n")
(work / "projects.cfg").write_text(projects)
env = dict(os.environ, NLTK_DATA=str(work / "nltk"), ANNIF_PROJECTS=str(work / "projects.cfg"))
run = {"cwd": work, "env": env, "check": True, "capture_output": True, "text": True}
subprocess.run([annif, "load-vocab", "yso", str(vocab)], **run)
out: dict = {}
for project in ("tfidf-fi", "mllm-fi", "omikuji-fi"):
    t = time.perf_counter()
    subprocess.run([annif, "train", project, str(train)], **run)
    out.setdefault(project, {})["train_s"] = round(time.perf_counter() - t, 1)
names = {"F1@5": "F1@5", "Precision@1": "P@1", "Precision@3": "P@3", "Precision@5": "P@5",
         "NDCG@10": "nDCG@10"}
for project in ("tfidf-fi", "mllm-fi", "omikuji-fi", "ensemble-fi"):
    t = time.perf_counter()
    text = subprocess.run([annif, "eval", project, str(test)], **run).stdout
    scores = out.setdefault(project, {})
    scores["eval_s"] = round(time.perf_counter() - t, 1)
    for line in text.splitlines():
        key, _, value = line.partition(":")
        if key.strip() in names:
            scores[names[key.strip()]] = float(value)
# latency of one long text through Annif's Python API, models loaded once
os.environ.update(env)
os.chdir(work)
from annif import create_flask_app  # noqa: E402
from annif.corpus.types import Document  # noqa: E402
from annif.registry import get_project  # noqa: E402

with create_flask_app().app_context():
    project = get_project("ensemble-fi")
    text = Document(text=longtext.read_text(encoding="utf-8"))
    project.suggest([text])  # load models
    times = []
    for _ in range(30):
        t = time.perf_counter()
        project.suggest([text])
        times.append(time.perf_counter() - t)
    times.sort()
    out["latency_ms"] = {"p50": round(1000 * times[len(times) // 2], 1),
                         "p95": round(1000 * times[int(len(times) * 0.95) - 1], 1)}
print(json.dumps(out))
