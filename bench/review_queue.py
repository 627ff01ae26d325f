"""The review queue at scale: confidence filters by the database vs reading every draft's JSON.

A fresh catalogue gets N synthetic drafts (default 20,000) shaped as ``hemicycle digitise``
saves them (extraction with value, confidence and reason per field; OCR facts per page),
written a day or more ago, then the migration-style backfill of ``review_drafts``.
Baseline, same run: the queue as it was before the table (every draft's ``extra`` read in
chunks of 2,000, the weakest field computed in Python), kept here. Ours: ``list_drafts`` and
``confident_drafts`` (SQL WHERE / ORDER BY / LIMIT on ``review_drafts``, after the
catch-up check). Both must give the same drafts; the ratios are printed.

    .venv/bin/python bench/review_queue.py [--drafts N] [--repeat N] [--database-url URL]
"""

from __future__ import annotations

import argparse
import dataclasses
import datetime as dt
import random
import statistics
import tempfile
import time
from pathlib import Path

from sqlalchemy import func, insert, select

from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.catalogue.models import Document, LanguageVersion
from hemicycle.config import load_settings
from hemicycle.review.confidence import catch_up, weakest_field
from hemicycle.review.queue import confident_drafts, list_drafts

FIELDS = ("symbols", "date", "distribution", "language", "title", "doc_type")
_CHUNK = 2000


def make_drafts(url: str, n: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    start = dt.datetime(2026, 1, 1)
    engine = get_engine(url)
    with engine.begin() as conn:
        first = (conn.scalar(select(func.max(Document.id))) or 0) + 1
        for base in range(0, n, 5000):
            docs, versions = [], []
            for i in range(base, min(n, base + 5000)):
                when = start + dt.timedelta(minutes=7 * i)
                extraction = {"language": {"value": "en", "confidence": 0.99}}
                for name in FIELDS:
                    if name != "language" and rng.random() < 0.95:
                        extraction[name] = {"value": f"value {i} {name}",
                                            "confidence": round(rng.betavariate(30, 1), 3),
                                            "reason": "found in the masthead, line 2"}
                pages = [{"page": p, "language": "en", "confidence": 88.5, "words": 412,
                          "skew": 0.3, "rotated": 0} for p in range(1, rng.randint(2, 9))]
                docs.append({"id": first + i, "uid": f"{i:032x}", "symbol": f"scan-{i:08x}",
                             "status": "draft", "created_at": when, "updated_at": when,
                             "extra": {"extraction": extraction, "ocr": {
                                 "engine": "tesseract 5.3", "batch": f"batch-{i % 20}",
                                 "source_file": f"scan-{i}.tif", "source_sha256": "ab" * 32,
                                 "pages": pages, "confidence": 88.5, "pdfa": "PDF/A-2b",
                                 "review": True}}})
                versions.append({"document_id": first + i, "language": "en",
                                 "title": f"Report {i}", "text_source": "ocr"})
            conn.execute(insert(Document), docs)
            conn.execute(insert(LanguageVersion), versions)


# ---- the baseline: the queue as it was, reading every draft's JSON --------------------

def _scan(db, stmt):
    ids = db.scalars(stmt.order_by(Document.created_at.desc(), Document.id.desc())).all()
    for start in range(0, len(ids), _CHUNK):
        chunk = ids[start:start + _CHUNK]
        extras = dict(db.execute(select(Document.id, Document.extra)
                                 .where(Document.id.in_(chunk))).all())
        for doc_id in chunk:
            yield doc_id, extras.get(doc_id) or {}


def baseline_page(url: str, below: float, page: int, per_page: int) -> tuple[int, list[str]]:
    with session_scope(url) as db:
        stmt = select(Document.id).where(Document.status == "draft")
        matching = [i for i, extra in _scan(db, stmt) if (weakest_field(extra)[1] or 0) < below]
        ids = matching[(page - 1) * per_page:page * per_page]
        uids = dict(db.execute(select(Document.id, Document.uid)
                               .where(Document.id.in_(ids))).all())
        return len(matching), [uids[i] for i in ids]


def baseline_confident(url: str, threshold: float) -> list[str]:
    with session_scope(url) as db:
        chosen = [i for i, extra in _scan(db, select(Document.id)
                                          .where(Document.status == "draft"))
                  if (weakest_field(extra)[1] or 0) >= threshold]
        uids = dict(db.execute(select(Document.id, Document.uid)
                               .where(Document.id.in_(chosen))).all())
        return [uids[i] for i in chosen]


def timed(fn, repeat: int):
    times, result = [], None
    for _ in range(repeat):
        t = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times), result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--drafts", type=int, default=20_000)
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--database-url", help="an empty database (default: a new SQLite file)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(Path(tmp))
        url = args.database_url or settings.database_url
        settings = dataclasses.replace(settings, database_url=url)
        t = time.perf_counter()
        make_drafts(url, args.drafts)
        made = time.perf_counter() - t
        t = time.perf_counter()
        with session_scope(url) as db:
            filled = catch_up(db)  # what the migration's backfill does for existing drafts
        backfill = time.perf_counter() - t
        print(f"{args.drafts:,} drafts written in {made:.1f} s; table filled for {filled:,} "
              f"in {backfill:.2f} s (one-off) on {url.split(':', 1)[0]}")
        rows = []
        for page in (1, 20):
            base_s, (base_total, base_uids) = timed(
                lambda p=page: baseline_page(url, 0.8, p, 50), args.repeat)
            ours_s, queue = timed(lambda p=page: list_drafts(settings, below=0.8, page=p,
                                                             per_page=50), args.repeat)
            assert (queue.total, [e.uid for e in queue.entries]) == (base_total, base_uids)
            rows.append((f"queue page {page}, below 0.8 ({base_total:,} match)", base_s, ours_s))
        base_s, base_uids = timed(lambda: baseline_confident(url, 0.95), args.repeat)
        ours_s, uids = timed(lambda: confident_drafts(settings, 0.95), args.repeat)
        assert uids == base_uids
        rows.append((f"confident_drafts 0.95 ({len(uids):,} drafts)", base_s, ours_s))


        def check() -> int:
            with session_scope(url) as db:
                return catch_up(db)

        check_s, _ = timed(check, args.repeat)
        rows.append(("of which the catch-up check (nothing to do)", float("nan"), check_s))
        print(f"{'median of ' + str(args.repeat):<44} {'baseline s':>10} {'ours s':>8} "
              f"{'ratio':>7}")
        for name, base_s, ours_s in rows:
            if base_s != base_s:  # no baseline for this line
                print(f"{name:<44} {'-':>10} {ours_s:>8.3f} {'-':>7}")
            else:
                print(f"{name:<44} {base_s:>10.3f} {ours_s:>8.3f} {base_s / ours_s:>7.1f}")


if __name__ == "__main__":
    main()
