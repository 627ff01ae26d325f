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


def add_document(settings, symbol: str, doc_type: str | None = "resolution") -> str:
    """A published document to count usage of (uid returned)."""
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document, DocumentSymbol

    with session_scope(settings.database_url) as db:
        doc = Document(symbol=symbol, doc_type=doc_type, status="published")
        doc.symbols.append(DocumentSymbol(symbol=symbol, key=symbol, position=0))
        db.add(doc)
        db.flush()
        return doc.uid
