"""Shared helpers for the usage tests: spool lines with explicit times, schema checks."""

from __future__ import annotations

import datetime as dt
import json
from functools import cache
from pathlib import Path

import jsonschema

DATA = Path(__file__).resolve().parents[1] / "data" / "usage"
FIREFOX = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0"
GOOGLEBOT = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)"
# 2 March 2026, 10:00:00 UTC: a day well inside a month, an hour with room after it
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC).timestamp()


def spool_line(offset: float, kind: str, item: str, user: str = "reader-a",
               agent: str = FIREFOX, view: str = "page") -> str:
    return json.dumps({"ts": T0 + offset, "kind": kind, "item": item, "view": view,
                       "user": user, "agent": agent}) + "\n"


def write_spool(data_dir: Path, name: str, lines: list[str], mode: str = "a") -> Path:
    folder = data_dir / "usage" / "spool"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    with path.open(mode, encoding="utf-8") as fh:
        fh.write("".join(lines))
    return path


@cache
def _spec() -> dict:
    return json.loads((DATA / "COUNTER_SUSHI_API-5.1.json").read_text(encoding="utf-8"))


def schema_errors(report: dict, schema: str) -> list[str]:
    """Messages of every way ``report`` breaks the official R5.1 schema ``schema``."""
    root = {"$ref": f"#/components/schemas/{schema}", "components": _spec()["components"]}
    validator = jsonschema.Draft202012Validator(root,
                                                format_checker=jsonschema.FormatChecker())
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(report)]


def performance(report: dict, symbol: str) -> dict:
    """The Performance of one item of an IR."""
    for group in report["Report_Items"]:
        for item in group["Items"]:
            if item["Item"] == symbol:
                return item["Attribute_Performance"][0]["Performance"]
    raise AssertionError(f"{symbol} not in the report")


def add_document(settings, symbol: str, doc_type: str | None = "resolution",
                 body: str | None = None) -> str:
    """A published document to count usage of (uid returned)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document, DocumentSymbol

    with session_scope(settings.database_url) as db:
        doc = Document(symbol=symbol, doc_type=doc_type, body=body, status="published")
        doc.symbols.append(DocumentSymbol(symbol=symbol, key=symbol, position=0))
        db.add(doc)
        db.flush()
        return doc.uid


# a small City database, written in the test by mmdb-writer (MaxMind DB format 2.0)
CITY_RECORDS = {
    "81.2.69.0/24": {"country": {"iso_code": "GB"},
                     "subdivisions": [{"iso_code": "ENG", "names": {"en": "England"}}],
                     "city": {"names": {"en": "London", "fr": "Londres"}}},
    "2a02:ec80::/29": {"country": {"iso_code": "FR"},
                       "subdivisions": [{"names": {"en": "Île-de-France"}}],
                       "city": {"names": {"en": "Paris"}}},
    "41.184.0.0/16": {"country": {"iso_code": "NG"}},  # a country, no city
    "196.200.0.0/16": {"registered_country": {"iso_code": "ma"}},  # registered only
    "203.0.113.0/24": {"country": {"iso_code": "X1"}},  # not a country code
}


def build_mmdb(path: Path, records: dict | None = None, *, database_type="GeoLite2-City",
               major: int = 2) -> Path:
    from mmdb_writer import MMDBWriter
    from netaddr import IPSet

    writer = MMDBWriter(ip_version=6, database_type=database_type, ipv4_compatible=True,
                        description="Hemicycle test database")
    for network, record in (CITY_RECORDS if records is None else records).items():
        writer.insert_network(IPSet([network]), record)
    writer.binary_format_major_version = major
    writer.to_db_file(str(path))
    return path


def geo_line(offset: float, kind: str, item: str, place: tuple[str, str, str],
             user: str = "reader-a", view: str = "page", source: str = "test-db 2026-03-01",
             agent: str = FIREFOX) -> str:
    return json.dumps({"ts": T0 + offset, "kind": kind, "item": item, "view": view,
                       "user": user, "agent": agent, "geo": list(place),
                       "src": source}) + "\n"
