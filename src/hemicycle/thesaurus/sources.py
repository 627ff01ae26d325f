"""Reading the files of one load (RDF in any supported syntax and UNBIS TSVs) into
one vocabulary, in order: earlier files win where two describe the same concept."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hemicycle.languages import CODES
from hemicycle.thesaurus import unbis
from hemicycle.thesaurus.casing import apply_label_case
from hemicycle.thesaurus.rdfparse import RdfError, format_of, read_triples
from hemicycle.thesaurus.skosgraph import VocabData, collect
from hemicycle.thesaurus.validation import Report, validate


@dataclass
class ReadResult:
    data: VocabData
    report: Report


def read_sources(paths: list[Path], fmt: str | None = None,
                 required: tuple[str, ...] = CODES, label_case: str = "as-given") -> ReadResult:
    """Parse and validate ``paths`` together; fatal problems are in the report, never raised.
    Labels are written under ``label_case`` (see casing.py) before validation."""
    source = ", ".join(str(p) for p in paths)
    report = Report(source)
    data = VocabData()
    tcodes: dict[str, str] = {}
    parts: list[tuple[Path, str]] = []
    for path in paths:
        if not path.is_file():
            report.add("UNREADABLE", None, f"{path}: no such file")
            continue
        if path.suffix.lower() == ".tsv":
            try:
                kind = unbis.tsv_kind(path)
                if kind == "tcodes":
                    tcodes.update(unbis.read_tcodes(path))
                else:
                    parts.append((path, kind))
            except unbis.TsvError as exc:
                report.add("SYNTAX", None, str(exc))
        else:
            parts.append((path, "rdf"))
    for path, kind in parts:
        try:
            if kind == "labels":
                part = unbis.read_labels(path)
            elif kind == "domains":
                part = unbis.read_domains(path)
            else:
                part = collect(read_triples(path, format_of(path, fmt)))
        except RdfError as exc:
            report.add(exc.code, None, str(exc), line=exc.line, column=exc.column)
            continue
        except unbis.TsvError as exc:
            report.add("SYNTAX", None, str(exc))
            continue
        if tcodes:
            part = unbis.rebase(part, tcodes)
        data.merge(part)
    if not report.fatal:
        unbis.unnumber_labels(data)
        apply_label_case(data, label_case)
        if not data.concepts():
            report.add("NO_CONCEPTS", None, f"{source}: no resource is, or is used as, "
                       "a skos:Concept")
        validate(data, source, required, report)
    return ReadResult(data, report)
