"""MARC21 export and import throughput (records/s), with raw pymarc as the baseline.

Usage: .venv/bin/python bench/interop_marc.py [N_EXPORT] [N_IMPORT]

Export: N_EXPORT synthetic documents (titles in two languages, a subject, an agenda
item, a related document) written as ISO 2709 and as MARCXML through
``hemicycle.interop.export``; baseline: pymarc writing already-built records (no
catalogue reads, no mapping). Import: the first N_IMPORT exported records read, mapped
and saved through the document service in batches of 1,000 (the search index caught up at
the end);
baseline: pymarc reading the same file without mapping or saving.
"""

from __future__ import annotations

import datetime as dt
import io
import sys
import tempfile
import time
from pathlib import Path

from pymarc import MARCReader, MARCWriter

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import (
    AgendaItem,
    Document,
    DocumentSubject,
    DocumentSymbol,
    LanguageVersion,
    RelatedDocument,
)
from hemicycle.config import load_settings
from hemicycle.interop import marc
from hemicycle.interop.export import export_documents, matching_documents
from hemicycle.interop.marc_import import import_marc
from hemicycle.search.index import catch_up


def make_documents(settings, n: int) -> None:
    with session_scope(settings.database_url) as db:
        for i in range(n):
            symbol = f"A/RES/{40 + i % 40}/{i + 1}"
            doc = Document(symbol=symbol, body="GA", session=str(40 + i % 40), status="published",
                           doc_type="resolution", distribution="GEN", extra={},
                           publication_date=dt.date(1990, 1, 1) + dt.timedelta(days=i % 9000))
            doc.symbols.append(DocumentSymbol(symbol=symbol, key=symbol.upper(), position=0))
            doc.versions.append(LanguageVersion(language="en", title=f"Resolution {i + 1}"))
            doc.versions.append(LanguageVersion(language="fr", title=f"Résolution {i + 1}"))
            doc.subjects.append(DocumentSubject(vocab="unbis", label="PEACEKEEPING",
                                                concept="http://metadata.un.org/thesaurus/1005155"))
            doc.agenda_items.append(AgendaItem(agenda_symbol="A/74/251", item_number="14",
                                               title="Culture of peace"))
            doc.related.append(RelatedDocument(symbol=f"A/{40 + i % 40}/L.{i + 1}", role="draft"))
            db.add(doc)


def main() -> None:
    n_export = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
    n_import = int(sys.argv[2]) if len(sys.argv) > 2 else 2_000
    work = Path(tempfile.mkdtemp(prefix="hemicycle-marc-bench-"))
    source = load_settings(work / "source")
    make_documents(source, n_export)

    timings = {}
    for fmt in ("marc", "marcxml"):
        target = work / f"export.{fmt}"
        t0 = time.perf_counter()
        with target.open("wb") as fh:
            count = export_documents(source, "*", fmt, fh)
        timings[fmt] = time.perf_counter() - t0
        print(f"export {fmt}: {count:,} records in {timings[fmt]:.2f} s, "
              f"{count / timings[fmt]:,.0f} records/s")
    records = [marc.document_to_record(d) for d in matching_documents(source, "*")]
    t0 = time.perf_counter()
    writer = MARCWriter(io.BytesIO())
    for record in records:
        writer.write(record)
    raw_write = time.perf_counter() - t0
    print(f"baseline pymarc write (records already built): {len(records) / raw_write:,.0f} "
          f"records/s; ours is {timings['marc'] / raw_write:.1f}x slower "
          f"(catalogue reads and mapping)")

    subset = work / "subset.mrc"
    with (work / "export.marc").open("rb") as fh, subset.open("wb") as out:
        w = MARCWriter(out)
        for k, record in enumerate(MARCReader(fh, to_unicode=True, force_utf8=True)):
            if k >= n_import:
                break
            w.write(record)
    t0 = time.perf_counter()
    with subset.open("rb") as fh:
        read = sum(1 for _ in MARCReader(fh, to_unicode=True, force_utf8=True))
    raw_read = time.perf_counter() - t0
    target = load_settings(work / "target")
    t0 = time.perf_counter()
    report = import_marc(target, subset)
    catch_up(target)
    took = time.perf_counter() - t0
    assert report.created == read and not report.rejected, report.rejected[:3]
    print(f"import marc: {report.created:,} records in {took:.2f} s, "
          f"{report.created / took:,.0f} records/s (batches of 1,000)")
    print(f"baseline pymarc read: {read / raw_read:,.0f} records/s; ours is "
          f"{took / raw_read:.0f}x slower (validation, mapping, symbol parsing, saving)")


if __name__ == "__main__":
    main()
