"""Runs Annif (in its own virtual environment) for the subject benchmarks.

Not imported by Hemicycle: ``subjects_archaeology.py`` and ``subjects_unpc.py`` start it
with Annif's Python and one argument, a JSON job file:

    {"work": DIR, "vocabs": {"ID": {"file": PATH, "language": "fi" | null}},
     "projects": "<projects.cfg text>",
     "train": [{"project": ID, "corpus": TSV}, ...]          (in order: sources first),
     "suggest": [{"name": KEY, "project": ID, "texts": [TEXT, ...]}, ...],
     "latency": {"project": ID, "text": TEXT, "runs": 30} | null}

It loads the vocabularies with ``annif load-vocab``, trains through Annif's own Python API
(``AnnifProject.train``, what ``annif train`` calls), suggests ten subjects for each text
(``AnnifProject.suggest``) and prints one JSON line: training seconds, the ranked URIs for
each text, latency, and the error of each project that failed (the others go on).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

job = json.loads(Path(sys.argv[1]).read_text(encoding="utf-8"))
work = Path(job["work"])
annif = str(Path(sys.executable).parent / "annif")
nltk = work / "nltk" / "tokenizers" / "punkt_tab" / "english"
nltk.mkdir(parents=True, exist_ok=True)
for name in ("collocations.tab", "sent_starters.txt", "abbrev_types.txt", "ortho_context.tab"):
    (nltk / name).touch()  # empty parameters: an untrained sentence splitter, no download
(work / "projects.cfg").write_text(job["projects"], encoding="utf-8")
os.environ.update(NLTK_DATA=str(work / "nltk"), ANNIF_PROJECTS=str(work / "projects.cfg"))
os.chdir(work)
for vocab_id, spec in job["vocabs"].items():
    command = [annif, "load-vocab", vocab_id, spec["file"]]
    if spec.get("language"):
        command += ["--language", spec["language"]]
    subprocess.run(command, check=True, capture_output=True, text=True)

from annif import create_flask_app  # noqa: E402
from annif.cli_util import open_documents  # noqa: E402
from annif.corpus.types import Document  # noqa: E402
from annif.registry import get_project  # noqa: E402

out: dict = {"train_s": {}, "rankings": {}, "errors": {}}
with create_flask_app().app_context():
    for step in job["train"]:
        pid = step["project"]
        if pid in out["errors"]:
            continue
        try:
            project = get_project(pid)
            t = time.perf_counter()
            project.train(open_documents((step["corpus"],), project.subjects,
                                         project.vocab_lang, None), None, 1)
            out["train_s"][pid] = round(time.perf_counter() - t, 1)
        except Exception as exc:  # report the project, go on with the others
            out["errors"][pid] = f"{type(exc).__name__}: {exc}"[:500]
    for item in job["suggest"]:
        pid = item["project"]
        if pid in out["errors"]:
            continue
        try:
            project = get_project(pid)
            ranked = []
            texts = item["texts"]
            for start in range(0, len(texts), 32):
                batch = project.suggest([Document(text=t) for t in texts[start:start + 32]])
                for result in batch:
                    ranked.append([project.subjects[s.subject_id].uri for s in result][:10])
            out["rankings"].setdefault(item["name"], {})[pid] = ranked
        except Exception as exc:
            out["errors"][pid] = f"{type(exc).__name__}: {exc}"[:500]
    latency = job.get("latency")
    if latency and latency["project"] not in out["errors"]:
        project = get_project(latency["project"])
        doc = Document(text=latency["text"])
        project.suggest([doc])  # models loaded once, before timing
        times = []
        for _ in range(latency.get("runs", 30)):
            t = time.perf_counter()
            project.suggest([doc])
            times.append(time.perf_counter() - t)
        times.sort()
        out["latency_ms"] = {"project": latency["project"],
                             "p50": round(1000 * times[len(times) // 2], 1),
                             "p95": round(1000 * times[int(len(times) * 0.95) - 1], 1)}
print(json.dumps(out))
