"""A synthetic MARC21 file of N records made from the real records' patterns.

Usage: .venv/bin/python bench/interop_marc_generate.py OUT.mrc [N] [--templates
FILE.mrc]

The templates are real records: without ``--templates``, the bundled corpus
(corpus/documents: Security Council resolutions, UNPC documents in six languages, UN
General Debate statements) is ingested into a scratch catalogue and exported with
Hemicycle's own DHL MARC mapping (``export marc``), and that file is kept beside OUT as
OUT.templates.mrc; the exported statements (089 $b "speech", which an import reads as
speech records of the proceedings) are left out. Record k of the output is template k
mod T, written once as it is, then in variants: the numbers of its symbols (191), titles
(245, 246), agenda items (991) and related documents (993) drawn again within the ranges
real ones take (sessions 1-79, years 1946-2025, document numbers up to twice the
template's), the dates (269, 992) moved into the year the new symbol names, and one to
three UNBIS subjects (650, with their concept URIs) drawn from the thesaurus labels in
corpus/thesaurus. A symbol that comes out twice gets the next free Add.k suffix, so
every record is a distinct document. Deterministic (seed 1)."""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import itertools
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from pymarc import Field, Indicators, MARCReader, MARCWriter, Record, Subfield

from hemicycle.catalogue.queries import lookup_key
from hemicycle.interop.marc import stripped_symbol
from hemicycle.proceedings.marc_import import record_kind
from hemicycle.symbols import Symbol, SymbolError, parse_symbol

ROOT = Path(__file__).resolve().parents[1]
CORPUS = ["cr-unsc", "unpc", "ungdc"]
LABELS = ROOT / "corpus" / "thesaurus" / "unbis-labels" / "unbis_concepts_uri_6lang_joined.tsv"
_NUMBER = re.compile(r"\d+")


def build_templates(target: Path) -> Path:
    """Ingest the bundled corpus into a scratch catalogue and export it as MARC."""
    from hemicycle.config import load_settings
    from hemicycle.ingest.run import ingest_folder
    from hemicycle.interop.export import export_documents

    with tempfile.TemporaryDirectory(prefix="marc-templates-") as tmp:
        settings = load_settings(Path(tmp) / "data")
        for folder in CORPUS:
            ingest_folder(settings, ROOT / "corpus" / "documents" / folder)
        with target.open("wb") as fh:
            export_documents(settings, "*", "marc", fh)
    return target


def read_templates(path: Path) -> list[Record]:
    """The documents among the exported records (a General Debate statement comes out
    with 089 $b "speech", which an import takes for a speech record: left out)."""
    with path.open("rb") as fh:
        return [r for r in MARCReader(fh, to_unicode=True, force_utf8=True)
                if r is not None and record_kind(r) == "documents"]


def subjects() -> list[tuple[str, str]]:
    with LABELS.open(encoding="utf-8") as fh:
        return [(row["uri"], row["en"].upper()) for row in csv.DictReader(fh, delimiter="\t")
                if row.get("en")]


class Variants:
    """Symbols, numbers and dates drawn again for one variant of a template."""

    def __init__(self, rng: random.Random, seen: set[str]):
        self.rng = rng
        self.seen = seen
        self.year = None

    def number(self, match: re.Match) -> str:
        text = match.group(0)
        value = int(text)
        if len(text) == 4 and 1945 <= value <= 2030:
            self.year = self.year or self.rng.randint(1946, 2025)
            return str(self.year)
        if value <= 80:
            return str(self.rng.randint(1, 79))
        return str(self.rng.randint(1, max(99, 2 * value)))

    def renumber(self, text: str) -> str:
        return _NUMBER.sub(self.number, text)

    def symbol(self, template: str) -> tuple[str, Symbol | None]:
        """A new symbol of the template's series (a local identifier stays one), parsed."""
        symbol = _parsed(template) is not None
        candidates = (self.renumber(template) for _attempt in range(5))
        extra = (f"{template}/Add.{k}" if symbol else f"{template}-{k}"
                 for k in range(1, 100_000))
        for candidate in itertools.chain(candidates, extra):
            parsed = _parsed(candidate)
            if symbol and parsed is None:
                continue
            key = parsed.key if parsed else candidate.strip().upper()
            if key not in self.seen:
                self.seen.add(key)
                return candidate, parsed
        raise SystemExit(f"no free variant of {template!r}")

    def date(self, value: str) -> str:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        year = self.year or self.rng.randint(1946, 2025)
        return day.replace(year=year, day=min(day.day, 28)).isoformat()


def _parsed(text: str) -> Symbol | None:
    try:
        return parse_symbol(text)
    except SymbolError:
        return None


def variant(template: Record, rng: random.Random, seen: set[str],
            concepts: list[tuple[str, str]]) -> Record:
    """A new record from ``template``, built field by field (a deep copy costs more than
    the rest of the work together)."""
    v = Variants(rng, seen)
    record = Record(leader=str(template.leader), force_utf8=True)
    for field in template.fields:
        tag = field.tag
        if field.is_control_field():
            record.add_field(Field(tag=tag, data=field.data))
            continue
        subfields = list(field.subfields)
        if tag == "191":
            symbol, parsed = v.symbol(field["a"])
            subfields = [Subfield("a", symbol)] + (
                [Subfield("b", parsed.body)] if parsed and parsed.body else []) + (
                [Subfield("c", parsed.session)] if parsed and parsed.session else []) + [
                Subfield("q", stripped_symbol(symbol))]
        elif tag in ("245", "246", "991"):
            subfields = [Subfield(s.code, v.renumber(s.value) if s.code in "abc" else s.value)
                         for s in subfields]
        elif tag == "993":
            related = v.renumber(field["a"])
            if _parsed(related) is not None:
                subfields = [Subfield(s.code, related if s.code == "a" else s.value)
                             for s in subfields]
        elif tag in ("269", "992"):
            subfields = [Subfield(s.code, v.date(s.value) if s.code == "a" else s.value)
                         for s in subfields]
        elif tag == "650":
            continue
        record.add_field(Field(tag=tag, indicators=Indicators(*field.indicators),
                               subfields=subfields))
    for uri, label in rng.sample(concepts, rng.randint(1, 3)):
        record.add_ordered_field(Field(tag="650", indicators=Indicators(" ", "7"), subfields=[
            Subfield("a", label), Subfield("0", uri), Subfield("2", "unbist")]))
    return record


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", type=Path)
    parser.add_argument("count", type=int, nargs="?", default=1_000_000)
    parser.add_argument("--templates", type=Path)
    args = parser.parse_args()
    started = time.perf_counter()
    templates_file = args.templates or args.out.with_suffix(".templates.mrc")
    if not templates_file.is_file():
        print(f"building templates from the corpus into {templates_file} ...", file=sys.stderr)
        build_templates(templates_file)
    templates = read_templates(templates_file)
    concepts = subjects()
    rng = random.Random(1)
    seen = {lookup_key(f["a"]) for t in templates for f in t.get_fields("191")}
    with args.out.open("wb") as fh:
        writer = MARCWriter(fh)
        for k in range(args.count):
            template = templates[k % len(templates)]
            writer.write(template if k < len(templates) else
                         variant(template, rng, seen, concepts))
            if k % 100_000 == 0 and k:
                print(f"{k:,} records, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"{args.count:,} records from {len(templates):,} templates written to {args.out} "
          f"({args.out.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
