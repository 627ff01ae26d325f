"""A read-only SPARQL endpoint over every loaded vocabulary, without a server to run.

The catalogue's SKOS is written once per set of vocabulary versions into an on-disk
pyoxigraph store under the data dir. Each query runs in a child process that opens
the store read-only, so a query that runs too long is killed (time limit) and one
that tries to update cannot (and is refused before it runs). Results are capped.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
import threading
from dataclasses import dataclass
from pathlib import Path

import pyoxigraph as ox
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.config import Settings
from hemicycle.thesaurus.export import ox_triples, vocab_triples
from hemicycle.thesaurus.models import Vocabulary

TIME_LIMIT_S = 10.0
MAX_RESULTS = 10_000
MAX_QUERY_CHARS = 20_000
_UPDATE = re.compile(r"\b(INSERT|DELETE|LOAD|CLEAR|CREATE|DROP|COPY|MOVE|ADD)\b\s*(DATA|WHERE|"
                     r"GRAPH|SILENT|DEFAULT|NAMED|ALL|<|\{)", re.IGNORECASE)
_build_lock = threading.Lock()


class SparqlError(ValueError):
    """A query refused or failed; ``status`` is the HTTP status that fits."""

    def __init__(self, message: str, status: int = 400) -> None:
        self.status = status
        super().__init__(message)


@dataclass
class SparqlResult:
    media_type: str
    body: bytes
    truncated: bool


def _signature(settings: Settings) -> tuple[str, list[Vocabulary]]:
    with session_scope(settings.database_url) as db:
        vocabs = list(db.scalars(select(Vocabulary).order_by(Vocabulary.name)))
    sig = hashlib.sha256(";".join(f"{v.name}:{v.version}" for v in vocabs).encode())
    return sig.hexdigest()[:16], vocabs


def store_path(settings: Settings) -> Path:
    """The store for the current versions, built if missing (atomically, once)."""
    sig, vocabs = _signature(settings)
    root = settings.data_dir / "thesaurus" / "sparql"
    path = root / sig
    if (path / "READY").is_file():
        return path
    with _build_lock:
        if (path / "READY").is_file():
            return path
        root.mkdir(parents=True, exist_ok=True)
        tmp = root / f"{sig}.{os.getpid()}.building"
        shutil.rmtree(tmp, ignore_errors=True)
        store = ox.Store(str(tmp))
        with session_scope(settings.database_url) as db:
            for vocab in vocabs:
                vocab = db.get(Vocabulary, vocab.id)
                store.bulk_extend(ox.Quad(t.subject, t.predicate, t.object)
                                  for t in ox_triples(vocab_triples(db, vocab)))
        store.flush()
        del store
        (tmp / "READY").write_text(sig)
        try:
            os.replace(tmp, path)
        except OSError:  # another process won the race
            shutil.rmtree(tmp, ignore_errors=True)
        for old in root.iterdir():
            if old.name != sig and not old.name.endswith(".building"):
                shutil.rmtree(old, ignore_errors=True)
    return path


def check_query(query: str) -> str:
    query = (query or "").strip()
    if not query:
        raise SparqlError("empty query: send a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE")
    if len(query) > MAX_QUERY_CHARS:
        raise SparqlError(f"query of {len(query):,} characters (at most {MAX_QUERY_CHARS:,})")
    if _UPDATE.search(re.sub(r'"[^"\n]*"|\'[^\'\n]*\'|<[^>\s]*>|#[^\n]*', " ", query)):
        raise SparqlError("this endpoint is read-only: SPARQL updates are refused", 403)
    return query


def run_query(settings: Settings, query: str, accept: str = "",
              time_limit: float = TIME_LIMIT_S, max_results: int = MAX_RESULTS) -> SparqlResult:
    query = check_query(query)
    path = store_path(settings)
    request = json.dumps({"store": str(path), "query": query, "accept": accept,
                          "max": max_results})
    try:
        done = subprocess.run([sys.executable, "-m", "hemicycle.thesaurus.sparql_worker"],
                              input=request.encode(), capture_output=True, timeout=time_limit)
    except subprocess.TimeoutExpired:
        raise SparqlError(f"query stopped after the time limit of {time_limit:g} s", 503) \
            from None
    if done.returncode != 0:
        message = " ".join(done.stderr.decode("utf-8", "replace").split())
        raise SparqlError(message[:500] or "query failed")
    head, _, body = done.stdout.partition(b"\n")
    meta = json.loads(head)
    return SparqlResult(meta["media_type"], body, meta["truncated"])
