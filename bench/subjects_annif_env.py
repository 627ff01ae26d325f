"""Annif for the subject benchmarks: its own virtual environment, built here when missing.

``annif_python()`` gives the Python of a virtual environment with Annif 1.4.3 and the
extras its strongest backends need (omikuji, fasttext, nn for nn_ensemble), creating it
under ANNIF_VENV (default /tmp/annif-venv; never the project's .venv) with pip from the
package index. When that cannot be done it says why (the pip error) and the benchmark
prints no Annif figures: none are quoted from elsewhere.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import venv
from pathlib import Path

ANNIF = "annif==1.4.3"
EXTRAS = ("omikuji", "fasttext", "nn")
VENV = Path(os.environ.get("ANNIF_VENV", "/tmp/annif-venv"))
RUNNER = Path(__file__).with_name("subjects_annif_runner.py")


def _has_annif(python: Path) -> str | None:
    """None when ``python`` imports Annif 1.4.3 and the extras, else what is missing."""
    check = ("import importlib.metadata as m, json; out = {'annif': m.version('annif')}\n"
             "for name in ('omikuji', 'fasttext', 'tensorflow'):\n"
             "    try: __import__(name); out[name] = 'ok'\n"
             "    except Exception as exc: out[name] = repr(exc)\n"
             "print(json.dumps(out))")
    done = subprocess.run([str(python), "-c", check], capture_output=True, text=True)
    if done.returncode != 0:
        return done.stderr.strip().splitlines()[-1] if done.stderr.strip() else "no Annif"
    found = json.loads(done.stdout)
    bad = {k: v for k, v in found.items() if k != "annif" and v != "ok"}
    if found["annif"] != ANNIF.split("==")[1]:
        return f"Annif {found['annif']} installed, {ANNIF} wanted"
    return "; ".join(f"{k}: {v}" for k, v in bad.items()) or None


def annif_python() -> tuple[Path | None, str]:
    """(Annif's Python, how it was found) or (None, why there is none)."""
    python = VENV / "bin" / "python"
    if python.is_file() and _has_annif(python) is None:
        return python, f"{ANNIF} in {VENV}"
    print(f"building Annif's environment in {VENV} ({ANNIF}[{','.join(EXTRAS)}]) ...",
          file=sys.stderr)
    if not python.is_file():
        venv.EnvBuilder(with_pip=True).create(VENV)
    done = subprocess.run([str(python), "-m", "pip", "install", "-q",
                           f"annif[{','.join(EXTRAS)}]=={ANNIF.split('==')[1]}"],
                          capture_output=True, text=True)
    if done.returncode != 0:
        error = (done.stderr or done.stdout).strip().splitlines()
        return None, f"pip could not install {ANNIF}: {' / '.join(error[-3:])}"
    missing = _has_annif(python)
    if missing:
        return None, (f"{ANNIF} installed in {VENV}, but a backend's dependency does not "
                      f"import: {missing}")
    return python, f"{ANNIF} installed in {VENV} by this run"


def run_annif(python: Path, job: dict, job_file: Path) -> dict:
    """Run one job (see subjects_annif_runner.py) and return its JSON answer."""
    job_file.write_text(json.dumps(job), encoding="utf-8")
    done = subprocess.run([str(python), str(RUNNER), str(job_file)], capture_output=True,
                          text=True)
    if done.returncode != 0:
        tail = done.stderr.strip().splitlines()[-5:]
        raise RuntimeError("Annif run failed: " + " / ".join(tail))
    return json.loads(done.stdout.strip().splitlines()[-1])
