"""Rebuilding the search index from the catalogue, in documents per second.

Fills a fresh SQLite catalogue (through the real migrations) with the synthetic corpus of
``search_generate.py`` (default 20,000 documents), then times ``rebuild_index``, the
code ``hemicycle reindex`` runs: reading the catalogue in batches, analysing six
languages, writing a new index generation and swapping it in. The baseline, in the same
run, fills an SQLite FTS5 table from the same catalogue rows.

``--cores 1`` (or 2) pins the whole run to that many cores (the writer then runs as many
threads, and documents are prepared in as many worker processes where there are two or
more; their CPU is counted in). ``--before DIR`` rebuilds the same catalogue with another
copy of the sources as well (``git archive <commit> src | tar -x -C DIR``: today's code
against a change), in its own process, alternately with ours, and prints the ratio.

    .venv/bin/python bench/search_reindex.py [--docs N] [--cores 1] [--before DIR]
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from sqlalchemy import insert, select  # noqa: E402

from hemicycle.catalogue.db import session_scope  # noqa: E402
from hemicycle.catalogue.models import (  # noqa: E402
    Document,
    DocumentSubject,
    DocumentSymbol,
    LanguageVersion,
    utcnow,
)
from hemicycle.config import Settings  # noqa: E402
from search_generate import LANGS, records  # noqa: E402


def fill_catalogue(settings: Settings, n: int) -> int:
    seen: set[str] = set()
    now = utcnow()
    docs, symbols, versions, subjects = [], [], [], []
    for record in records(n):
        if record.symbol_keys[0] in seen:
            continue  # a redrawn symbol that came out twice
        seen.add(record.symbol_keys[0])
        docs.append({"id": record.id, "uid": record.uid, "symbol": record.symbol,
                     "doc_type": record.doc_type, "body": record.body,
                     "session": record.session, "year": record.year,
                     "publication_date": record.date, "status": "published", "extra": {},
                     "created_at": now, "updated_at": now})
        symbols.append({"document_id": record.id, "symbol": record.symbol,
                        "key": record.symbol_keys[0], "position": 0})
        for lang in LANGS:
            if lang in record.texts:
                versions.append({"document_id": record.id, "language": lang,
                                 "title": record.titles.get(lang), "text": record.texts[lang],
                                 "text_source": "born-digital"})
        for label in record.subjects:
            subjects.append({"document_id": record.id, "vocab": "unbis", "concept": label,
                             "label": label, "origin": "human", "assigned_at": now})
    with session_scope(settings.database_url) as db:
        for model, rows in ((Document, docs), (DocumentSymbol, symbols),
                            (LanguageVersion, versions), (DocumentSubject, subjects)):
            for start in range(0, len(rows), 5000):
                db.execute(insert(model.__table__), rows[start:start + 5000])
    return len(docs)


def fts5_from_catalogue(settings: Settings, path: Path) -> int:
    db = sqlite3.connect(path)
    cols = ", ".join(f"title_{lang}, text_{lang}" for lang in LANGS)
    db.execute(f"CREATE VIRTUAL TABLE fts USING fts5({cols}, body UNINDEXED, year UNINDEXED, "
               "tokenize='porter unicode61 remove_diacritics 2')")
    d, v = Document.__table__, LanguageVersion.__table__
    count = 0
    with session_scope(settings.database_url) as session:
        ids = list(session.scalars(select(d.c.id).where(d.c.status == "published")
                                   .order_by(d.c.id)))
        for start in range(0, len(ids), 2000):
            batch = ids[start:start + 2000]
            rows = {r.id: {"body": r.body, "year": r.year} for r in session.execute(
                select(d.c.id, d.c.body, d.c.year).where(d.c.id.in_(batch)))}
            for r in session.execute(select(v.c.document_id, v.c.language, v.c.title, v.c.text)
                                     .where(v.c.document_id.in_(batch))):
                rows[r.document_id][f"title_{r.language}"] = r.title
                rows[r.document_id][f"text_{r.language}"] = r.text
            names = [f"{kind}_{lang}" for lang in LANGS for kind in ("title", "text")]
            db.executemany(
                f"INSERT INTO fts(rowid, {cols}, body, year) VALUES "
                f"({','.join('?' * (len(names) + 3))})",
                [(i, *(row.get(name) for name in names), row["body"], row["year"])
                 for i, row in rows.items()])
            count += len(rows)
    db.commit()
    db.close()
    return count


def _children_cpu() -> float:
    """CPU seconds of the finished child processes (the rebuild's worker processes)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


_STAMP = ("import sys; from pathlib import Path; from alembic.script import ScriptDirectory; "
          "from hemicycle.catalogue.db import alembic_config, make_engine; "
          "e = make_engine(f'sqlite:///{Path(sys.argv[1]) / \"cat.sqlite3\"}'); "
          "heads = ScriptDirectory.from_config(alembic_config(e)).get_heads(); "
          "c = e.raw_connection(); c.execute('DELETE FROM alembic_version'); "
          "c.executemany('INSERT INTO alembic_version VALUES (?)', [(h,) for h in heads]); "
          "c.commit()")


def catalogue_for(src: Path, work: Path) -> Path:
    """A copy of the catalogue in ``work`` stamped with the migration heads of the code in
    ``src``: older code refuses a catalogue migrated past what it knows, and the columns
    added since are ones it does not read."""
    copy = work / "before"
    copy.mkdir()
    source, target = sqlite3.connect(work / "cat.sqlite3"), sqlite3.connect(copy / "cat.sqlite3")
    source.backup(target)  # with what is still in the write-ahead log
    source.close()
    target.close()
    subprocess.run([sys.executable, "-c", _STAMP, str(copy)], check=True,
                   env={**os.environ, "PYTHONPATH": str(src)})
    return copy


def rebuild_in(src: Path, work: Path, cores: list[int]) -> tuple[float, float]:
    """Wall and CPU seconds of ``rebuild_index`` run with the sources in ``src`` (another
    process, the same cores) on the catalogue in ``work``; the CPU of the worker processes
    that prepare documents counted in."""
    script = ("import json, resource, sys, time; from pathlib import Path; "
              "from hemicycle.config import Settings; "
              "from hemicycle.search.index import rebuild_index; "
              "w = Path(sys.argv[1]); "
              "s = Settings(data_dir=w, database_url=f'sqlite:///{w / \"cat.sqlite3\"}', "
              "secret_key='bench'); "
              "t, c = time.perf_counter(), time.process_time(); n = rebuild_index(s); "
              "u = resource.getrusage(resource.RUSAGE_CHILDREN); "
              "print(json.dumps([n, time.perf_counter() - t, "
              "time.process_time() - c + u.ru_utime + u.ru_stime]))")
    out = subprocess.run(
        ["taskset", "-c", ",".join(map(str, cores)), sys.executable, "-c", script, str(work)],
        env={**os.environ, "PYTHONPATH": str(src)}, capture_output=True, text=True)
    if out.returncode:
        sys.exit(f"rebuild with the sources in {src} failed:\n{out.stderr[-3000:]}")
    _n, wall, cpu = json.loads(out.stdout.strip().splitlines()[-1])
    return wall, cpu


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--docs", type=int, default=20_000)
    parser.add_argument("--cores", type=int, default=0, help="pin the run to N cores")
    parser.add_argument("--before", type=Path, help="sources of the code to compare with")
    parser.add_argument("--pairs", type=int, default=2, help="with --before: runs of each")
    args = parser.parse_args()
    cores = sorted(os.sched_getaffinity(0))
    if args.cores:
        cores = cores[:args.cores]
        os.sched_setaffinity(0, cores)
    from hemicycle.search.index import rebuild_index

    work = Path(tempfile.mkdtemp(prefix="hemicycle-reindex-"))
    try:
        settings = Settings(data_dir=work, database_url=f"sqlite:///{work / 'cat.sqlite3'}",
                            secret_key="bench")
        t = time.perf_counter()
        n = fill_catalogue(settings, args.docs)
        print(f"catalogue: {n:,} documents in {time.perf_counter() - t:.0f} s", file=sys.stderr)

        t, c = time.perf_counter(), time.process_time()
        base = fts5_from_catalogue(settings, work / "fts5.sqlite3")
        base_wall, base_cpu = time.perf_counter() - t, time.process_time() - c

        t, c, w = time.perf_counter(), time.process_time(), _children_cpu()
        ours = rebuild_index(settings)
        ours_wall = time.perf_counter() - t
        ours_cpu = time.process_time() - c + _children_cpu() - w
        assert ours == base == n, (ours, base, n)
        result = {
            "documents": n,
            "ours_docs_per_s": n / ours_wall, "ours_docs_per_cpu_s": n / ours_cpu,
            "fts5_docs_per_s": n / base_wall, "fts5_docs_per_cpu_s": n / base_cpu,
        }
        print(f"{n:,} documents from the catalogue")
        print(f"baseline, SQLite FTS5 fill:  {result['fts5_docs_per_s']:8,.0f} docs/s "
              f"({base_wall:.1f} s wall, {result['fts5_docs_per_cpu_s']:,.0f} docs per CPU-s)")
        print(f"ours, rebuild_index:         {result['ours_docs_per_s']:8,.0f} docs/s "
              f"({ours_wall:.1f} s wall, {result['ours_docs_per_cpu_s']:,.0f} docs per CPU-s)")
        ratio = result['ours_docs_per_s'] / result['fts5_docs_per_s']
        print(f"ratio ours/baseline (wall): {ratio:.2f}  ({len(cores)} core(s))")
        if args.before:
            ours_src = Path(__file__).resolve().parents[1] / "src"
            runs: dict[str, list[tuple[float, float]]] = {"before": [], "now": []}
            before_work = catalogue_for(args.before, work)
            for _ in range(args.pairs):
                runs["before"].append(rebuild_in(args.before, before_work, cores))
                runs["now"].append(rebuild_in(ours_src, work, cores))
            for name, timings in runs.items():
                print(f"{name:6}: " + ", ".join(f"{n / wall:,.0f} docs/s ({n / cpu:,.0f} per "
                                                 f"CPU-s)" for wall, cpu in timings))
            best = {name: min(w for w, _ in timings) for name, timings in runs.items()}
            cpu = {name: min(c for _, c in timings) for name, timings in runs.items()}
            print(f"ratio now/before: {best['before'] / best['now']:.2f} (wall, best of "
                  f"{args.pairs}), {cpu['before'] / cpu['now']:.2f} (CPU)")
            result["before_docs_per_s"] = n / best["before"]
            result["now_docs_per_s"] = n / best["now"]
        print(json.dumps(result))
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
