"""Real UN text (tests/data/search) made into a real catalogue for the search tests.

Documents are written through the catalogue models; their symbols, body, session
and year come from ``hemicycle.symbols`` as the ingest would derive them.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass
from pathlib import Path

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.config import Settings

DATA = Path(__file__).resolve().parents[1] / "data" / "search"
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
MONTHS = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September",
     "October", "November", "December"], start=1)}


@dataclass
class Source:
    """One document as read from the test data, before it is catalogued."""

    symbol: str
    titles: dict[str, str]
    texts: dict[str, str]
    date: dt.date | None = None
    subjects: tuple[str, ...] = ()
    status: str = "published"


def unpc_sources() -> list[Source]:
    sources = []
    for line in (DATA / "unpc.jsonl").read_text(encoding="utf-8").splitlines():
        row = json.loads(line)
        symbol = row["id"].split("/", 1)[1]  # "2015/s/2015/305": the corpus prefixes the year
        texts = row["texts"]
        titles = {lang: text.split("\n", 1)[0][:120] for lang, text in texts.items()}
        subjects = tuple(s for s, word in (("LIBYA", "Libya"), ("REFUGEES", "refugee"))
                         if word in texts["en"])
        sources.append(Source(symbol, titles, texts, subjects=subjects))
    return sources


def cr_unsc_sources() -> list[Source]:
    sources = []
    for path in sorted((DATA / "cr-unsc").glob("*.txt")):
        number, year = re.match(r"S_RES_(\d+)_(\d+)_EN", path.name).groups()
        text = path.read_text(encoding="utf-8")
        first, second = (text.splitlines() + ["", ""])[:2]
        m = re.search(r"(\d{1,2}) (\w+) (\d{4})", second)
        date = dt.date(int(m[3]), MONTHS[m[2]], int(m[1])) if m and m[2] in MONTHS else None
        sources.append(Source(f"S/RES/{int(number)} ({year})", {"en": first.strip()},
                              {"en": text}, date=date))
    return sources


def catalogue(settings: Settings, sources: list[Source]) -> dict[str, int]:
    """Write the sources into the catalogue; returns canonical symbol -> document id."""
    from hemicycle.symbols import parse_symbol

    ids = {}
    with session_scope(settings.database_url) as db:
        for src in sources:
            sym = parse_symbol(src.symbol)
            doc = Document(symbol=sym.canonical, doc_type=sym.doc_type, body=sym.body,
                           session=sym.session, year=sym.year or (src.date.year if src.date
                                                                   else None),
                           publication_date=src.date, status=src.status, extra={})
            doc.symbols.append(DocumentSymbol(symbol=sym.canonical, key=sym.key, position=0))
            for lang in LANGS:
                if lang in src.texts or lang in src.titles:
                    doc.versions.append(LanguageVersion(language=lang,
                                                        title=src.titles.get(lang),
                                                        text=src.texts.get(lang),
                                                        text_source="born-digital"))
            for subject in src.subjects:
                doc.subjects.append(DocumentSubject(concept=subject, label=subject))
            db.add(doc)
            db.flush()
            ids[sym.canonical] = doc.id
    return ids


def make_settings(path: Path) -> Settings:
    path.mkdir(parents=True, exist_ok=True)
    return Settings(data_dir=path, database_url=f"sqlite:///{path / 'catalogue.sqlite3'}",
                    secret_key="search-tests")
