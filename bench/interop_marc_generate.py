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
import functools
import itertools
import random
import re
import sys
import tempfile
import time
from pathlib import Path

from pymarc import MARCReader

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


Fields = list  # [(tag, data)] for control fields, [(tag, ind1, ind2, [(code, value)])] else


def read_templates(path: Path) -> list[tuple[str, Fields]]:
    """(leader, fields) of the documents among the exported records (a General Debate
    statement comes out with 089 $b "speech", which an import takes for a speech record:
    left out)."""
    with path.open("rb") as fh:
        records = [r for r in MARCReader(fh, to_unicode=True, force_utf8=True)
                   if r is not None and record_kind(r) == "documents"]
    return [(str(r.leader), [(f.tag, f.data) if f.is_control_field() else
                             (f.tag, f.indicator1, f.indicator2,
                              [(sf.code, sf.value) for sf in f.subfields])
                             for f in r.fields]) for r in records]


def subjects() -> list[tuple[str, str]]:
    with LABELS.open(encoding="utf-8") as fh:
        return [(row["uri"], row["en"].upper()) for row in csv.DictReader(fh, delimiter="\t")
                if row.get("en")]


def encode(leader: str, fields: Fields) -> bytes:
    """One ISO 2709 record, UTF-8 (leader/09 ``a``): leader, directory, fields."""
    directory, data = [], []
    offset = 0
    for field in fields:
        if len(field) == 2:
            body = field[1].encode("utf-8") + b"\x1e"
        else:
            body = (field[1] + field[2]).encode("utf-8") + b"".join(
                b"\x1f" + code.encode("utf-8") + value.encode("utf-8")
                for code, value in field[3]) + b"\x1e"
        directory.append(f"{field[0]}{len(body):04d}{offset:05d}".encode("ascii"))
        data.append(body)
        offset += len(body)
    base = 24 + 12 * len(directory) + 1
    length = base + offset + 1
    head = f"{length:05d}{leader[5:9]}a22{base:05d}{leader[17:20]}4500".encode("ascii")
    return head + b"".join(directory) + b"\x1e" + b"".join(data) + b"\x1d"


class Variants:
    """Symbols, numbers and dates drawn again for one variant of a template. A symbol
    comes from its template by new numbers, so its form stays the template's: each form is
    checked by ``hemicycle.symbols`` once; a new symbol must not have the key of one made
    before (``_key``)."""

    def __init__(self, rng: random.Random, seen: set[str], forms: dict[str, bool]):
        self.rng = rng
        self.seen = seen
        self.forms = forms
        self.year: int | None = None

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

    def renumbers(self, symbol: str) -> bool:
        """Whether new numbers in this symbol's form still make a symbol."""
        form = _NUMBER.sub("#", symbol)
        if form not in self.forms:
            sample = _NUMBER.sub(lambda m: str(int(m.group(0)) + 1), symbol)
            self.forms[form] = _parsed(symbol) is not None and _parsed(sample) is not None
        return self.forms[form]

    def symbol(self, template: str) -> str:
        """A new symbol of the template's series (a local identifier stays one)."""
        renumbered = (self.renumber(template) for _attempt in range(5)
                      if self.renumbers(template) or _parsed(template) is None)
        suffix = "/Add.{}" if _parsed(template) is not None else "-{}"
        extra = (template + suffix.format(k) for k in range(1, 100_000))
        for candidate in itertools.chain(renumbered, extra):
            key = _key(candidate)
            if key not in self.seen:
                self.seen.add(key)
                return candidate
        raise SystemExit(f"no free variant of {template!r}")

    def date(self, value: str) -> str:
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return value
        year = self.year or self.rng.randint(1946, 2025)
        return day.replace(year=year, day=min(day.day, 28)).isoformat()


_QUALIFIER = re.compile(r" \([^)]*\)$")


def _key(canonical: str) -> str:
    """A key no finer than a symbol's comparison key (``hemicycle.symbols``): brackets at
    the end dropped (S/RES/18 (2018) is S/RES/18 (1947)), spaces and case ignored; two
    symbols it tells apart are two documents. A parse per new symbol would cost more than
    all the rest of the work."""
    return _QUALIFIER.sub("", canonical).replace(" ", "").upper()


@functools.lru_cache(maxsize=65536)
def _parsed(text: str) -> Symbol | None:
    try:
        return parse_symbol(text)
    except SymbolError:
        return None


def variant(fields: Fields, rng: random.Random, seen: set[str], forms: dict[str, bool],
            concepts: list[tuple[str, str]]) -> Fields:
    """The fields of a new record made from a template's."""
    v = Variants(rng, seen, forms)
    out: Fields = []
    for field in fields:
        tag = field[0]
        if len(field) == 2 or tag not in ("191", "245", "246", "991", "993", "269", "992",
                                          "650"):
            out.append(field)
            continue
        subfields = field[3]
        if tag == "191":
            symbol = v.symbol(dict(subfields)["a"])
            parsed = _parsed(_NUMBER.sub("1", symbol)) if v.renumbers(symbol) else None
            subfields = [("a", symbol)] + (
                [("b", parsed.body)] if parsed and parsed.body else []) + (
                [("c", parsed.session)] if parsed and parsed.session else []) + [
                ("q", stripped_symbol(symbol))]
        elif tag in ("245", "246", "991"):
            subfields = [(c, v.renumber(x) if c in "abc" else x) for c, x in subfields]
        elif tag == "993":
            related = dict(subfields).get("a", "")
            if v.renumbers(related):
                subfields = [(c, v.renumber(x) if c == "a" else x) for c, x in subfields]
        elif tag in ("269", "992"):
            subfields = [(c, v.date(x) if c == "a" else x) for c, x in subfields]
        elif tag == "650":
            continue
        out.append((tag, field[1], field[2], subfields))
    at = next((i for i, f in enumerate(out) if f[0] > "650"), len(out))
    out[at:at] = [("650", " ", "7", [("a", label), ("0", uri), ("2", "unbist")])
                  for uri, label in rng.sample(concepts, rng.randint(1, 3))]
    return out


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
    seen = {_key(dict(f[3])["a"]) for _, fields in templates for f in fields
            if f[0] == "191"}
    forms: dict[str, bool] = {}
    with args.out.open("wb", buffering=1 << 20) as fh:
        for k in range(args.count):
            leader, fields = templates[k % len(templates)]
            fh.write(encode(leader, fields if k < len(templates) else
                            variant(fields, rng, seen, forms, concepts)))
            if k % 100_000 == 0 and k:
                print(f"{k:,} records, {time.perf_counter() - started:.0f} s", file=sys.stderr)
    print(f"{args.count:,} records from {len(templates):,} templates written to {args.out} "
          f"({args.out.stat().st_size / 1e6:,.0f} MB) in {time.perf_counter() - started:.0f} s",
          file=sys.stderr)


if __name__ == "__main__":
    main()
