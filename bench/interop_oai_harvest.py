"""Full OAI-PMH ListRecords harvest of a synthetic catalogue: keyset tokens vs offset paging.

Usage: .venv/bin/python bench/interop_oai_harvest.py [N] [--sample-pages K]

Builds an SQLite catalogue of N documents (default 1,000,000) with SQLAlchemy Core bulk
inserts (documents, symbols, an English title each, a French one for every third; 1% of
documents deleted, 1% drafts; three documents share each datestamp so the (datestamp, id)
tie-break is exercised). Then harvests ListRecords/oai_dc through
``hemicycle.interop.oai.handle_request`` (in process, no HTTP) to the end, timing every
page. The baseline answers the same pages with LIMIT/OFFSET over the same ordering and
the same rendering; a full offset harvest is quadratic, so it is timed on K pages at
each of five depths and its whole-harvest time is estimated from those samples.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
import uuid
from pathlib import Path

from lxml import etree
from sqlalchemy import func, insert, select

from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
from hemicycle.config import load_settings
from hemicycle.interop import oai

BODIES = [("GA", "A/{s}/{n}"), ("SC", "S/{y}/{n}"), ("ECOSOC", "E/{y}/{n}")]
TYPES = ["resolution", "report", "letter", "meeting record", "draft resolution"]
BATCH = 20_000


def generate(url: str, n: int) -> None:
    engine = get_engine(url)
    base = dt.datetime(2000, 1, 1)
    start = time.perf_counter()
    with engine.begin() as conn:
        for lo in range(0, n, BATCH):
            docs, syms, versions = [], [], []
            for i in range(lo, min(n, lo + BATCH)):
                body, pattern = BODIES[i % 3]
                session = 40 + (i // 50_000) % 40
                year = 1985 + (i // 40_000) % 40
                symbol = pattern.format(s=session, y=year, n=i + 1)
                status = "deleted" if i % 100 == 37 else "draft" if i % 100 == 71 else "published"
                stamp = base + dt.timedelta(seconds=i // 3)
                docs.append({"id": i + 1, "uid": uuid.uuid4().hex, "symbol": symbol,
                             "doc_type": TYPES[i % 5], "body": body,
                             "session": str(session if body == "GA" else year),
                             "year": year, "publication_date": stamp.date(),
                             "distribution": "GEN", "status": status, "extra": {},
                             "created_at": stamp, "updated_at": stamp})
                syms.append({"document_id": i + 1, "symbol": symbol, "key": symbol.upper(),
                             "position": 0})
                versions.append({"document_id": i + 1, "language": "en",
                                 "title": f"Synthetic {TYPES[i % 5]} number {i + 1}"})
                if i % 3 == 0:
                    versions.append({"document_id": i + 1, "language": "fr",
                                     "title": f"Document synthétique no {i + 1}"})
            conn.execute(insert(Document), docs)
            conn.execute(insert(DocumentSymbol), syms)
            conn.execute(insert(LanguageVersion), versions)
            done = min(n, lo + BATCH)
            print(f"\rgenerated {done:,}/{n:,} ({done / (time.perf_counter() - start):,.0f}/s)",
                  end="", file=sys.stderr, flush=True)
    print(file=sys.stderr)


def keyset_harvest(settings, verb: str = "ListRecords", set_spec: str | None = None
                   ) -> tuple[int, list[float]]:
    args = [("verb", verb), ("metadataPrefix", "oai_dc")] + (
        [("set", set_spec)] if set_spec else [])
    times: list[float] = []
    records = 0
    started = time.perf_counter()
    while True:
        t0 = time.perf_counter()
        body = oai.handle_request(settings, args)
        times.append(time.perf_counter() - t0)
        root = etree.fromstring(body)
        records += len(root.findall(f".//{{{oai.OAI_NS}}}header"))
        token = root.find(f".//{{{oai.OAI_NS}}}resumptionToken")
        if len(times) % 200 == 0:
            elapsed = time.perf_counter() - started
            print(f"\rharvested {records:,} records, {len(times):,} pages "
                  f"({records / elapsed:,.0f} records/s)", end="", file=sys.stderr, flush=True)
        if token is None or not token.text:
            break
        args = [("verb", verb), ("resumptionToken", token.text)]
    print(file=sys.stderr)
    return records, times


def offset_page(settings, offset: int) -> float:
    """One ListRecords page the naive way: same order and rendering, LIMIT/OFFSET."""
    t0 = time.perf_counter()
    root = etree.Element(f"{{{oai.OAI_NS}}}OAI-PMH")
    with session_scope(settings.database_url) as db:
        rows = db.execute(
            select(Document.id, Document.uid, Document.updated_at, Document.status,
                   Document.body, Document.doc_type, Document.session)
            .where(Document.status != "draft")
            .order_by(Document.updated_at, Document.id)
            .offset(offset).limit(oai.RECORDS_PER_PAGE)).all()
        docs = oai._load_documents(db, [r.id for r in rows if r.status != "deleted"])
        el = etree.SubElement(root, f"{{{oai.OAI_NS}}}ListRecords")
        for row in rows:
            oai._record(el, settings, row, docs.get(row.id), oai.FORMATS["oai_dc"])
    etree.tostring(root)
    return time.perf_counter() - t0


def p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20)[18] if len(values) >= 20 else max(values)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("n", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--sample-pages", type=int, default=20)
    parser.add_argument("--data", type=Path, default=None)
    parser.add_argument("--sets-only", action="store_true",
                        help="only the selective ListIdentifiers harvests")
    opts = parser.parse_args()
    data = opts.data or Path(tempfile.mkdtemp(prefix="hemicycle-oai-bench-"))
    settings = load_settings(data)
    with session_scope(settings.database_url) as db:
        have = db.scalar(select(func.count()).select_from(Document))
    t0 = time.perf_counter()
    if have != opts.n:
        if have:
            sys.exit(f"{data} holds {have} documents, not {opts.n}: use another --data")
        generate(settings.database_url, opts.n)
    gen_s = time.perf_counter() - t0
    print(f"catalogue: {opts.n:,} documents in {data} (generated in {gen_s:.0f} s)")
    for spec in ("body:SC", "session:GA:41"):
        t0 = time.perf_counter()
        count, times = keyset_harvest(settings, "ListIdentifiers", spec)
        took = time.perf_counter() - t0
        edge = max(5, len(times) // 10)
        print(f"ListIdentifiers set={spec}: {count:,} headers in {len(times):,} pages, "
              f"{took:.1f} s; page p95 first 10% {p95(times[:edge]) * 1000:.1f} ms, "
              f"last 10% {p95(times[-edge:]) * 1000:.1f} ms")
    if opts.sets_only:
        return

    t0 = time.perf_counter()
    records, times = keyset_harvest(settings)
    total = time.perf_counter() - t0
    pages = len(times)
    head, tail = times[:max(20, pages // 10)], times[-max(20, pages // 10):]
    print(f"keyset: {records:,} records in {pages:,} pages, {total:.1f} s, "
          f"{records / total:,.0f} records/s")
    print(f"keyset page time: first 10% p95 {p95(head) * 1000:.1f} ms, "
          f"last 10% p95 {p95(tail) * 1000:.1f} ms, overall p95 {p95(times) * 1000:.1f} ms, "
          f"max {max(times) * 1000:.1f} ms")

    visible = records
    depths = [0, visible // 4, visible // 2, 3 * visible // 4,
              max(0, visible - opts.sample_pages * oai.RECORDS_PER_PAGE)]
    samples: list[tuple[int, float, float]] = []
    for depth in depths:
        ts = [offset_page(settings, depth + k * oai.RECORDS_PER_PAGE)
              for k in range(opts.sample_pages)]
        samples.append((depth, statistics.mean(ts), p95(ts)))
        print(f"offset page time at record {depth:,}: mean {statistics.mean(ts) * 1000:.1f} ms, "
              f"p95 {p95(ts) * 1000:.1f} ms")
    # estimated full offset harvest: page time grows linearly with depth (trapezoids)
    estimate = 0.0
    for (d0, m0, _), (d1, m1, _) in zip(samples, samples[1:], strict=False):
        estimate += (d1 - d0) / oai.RECORDS_PER_PAGE * (m0 + m1) / 2
    estimate += (visible - samples[-1][0]) / oai.RECORDS_PER_PAGE * samples[-1][1]
    print(f"offset: estimated full harvest {estimate:.0f} s "
          f"({visible / estimate:,.0f} records/s)")
    print(f"ratio: keyset harvest is {estimate / total:.1f}x faster than offset paging; "
          f"at the end a page costs {samples[-1][2] / p95(tail):.1f}x (p95) as much with offset")


if __name__ == "__main__":
    main()
