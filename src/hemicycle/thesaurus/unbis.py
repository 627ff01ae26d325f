"""UNBIS's own plain-file exports, read into the same SKOS shape as RDF files.

Three TSV layouts occur in the DHL data (told apart by their header):
``uri ar zh en fr ru es`` (concepts with six labels), ``code ar zh en fr ru es``
(the 18 domains and ~143 microthesauri, codes like ``01`` and ``01.01.00``) and
``tcode ... metadata_un_org_uri...`` (legacy T-codes to current URIs). The 2015 SKOS
export uses placeholder URIs ending in T-codes and domain codes; ``rebase`` turns
them into http://metadata.un.org/thesaurus/<id> and keeps the T-codes; concepts the
export mentions only through inverse links (no labels, no known URI) are left out.
"""

from __future__ import annotations

import csv
import re
from pathlib import Path

from hemicycle.languages import CODES
from hemicycle.thesaurus.keys import fold
from hemicycle.thesaurus.skosgraph import Resource, VocabData

UNBIS_BASE = "http://metadata.un.org/thesaurus/"
SCHEME_URI = UNBIS_BASE + "00"
TCODE = re.compile(r"^T\d{7}$")
_DIGITS = re.compile(r"^\d{2}(\d{4})?$")


class TsvError(ValueError):
    """A TSV row or header that cannot be read, with file and line."""


def tsv_kind(path: Path) -> str:
    """'labels', 'domains' or 'tcodes', from the header line; raises TsvError otherwise."""
    try:
        with path.open(encoding="utf-8") as fh:
            header = fh.readline().rstrip("\n").split("\t")
    except (OSError, UnicodeDecodeError) as exc:
        raise TsvError(f"{path}: cannot read as UTF-8 text: {exc}") from exc
    first = header[0].strip().lower() if header else ""
    langs_ok = [h.strip() for h in header[1:7]] == list(CODES)
    if first == "uri" and langs_ok:
        return "labels"
    if first == "code" and langs_ok:
        return "domains"
    if first == "tcode" and any("uri" in h for h in header):
        return "tcodes"
    raise TsvError(f"{path}:1: unknown TSV header {header[:7]}; expected 'uri' or 'code' "
                   f"followed by {' '.join(CODES)}, or 'tcode ... uri'")


def _rows(path: Path, width: int):
    with path.open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh, delimiter="\t", quoting=csv.QUOTE_NONE)
        next(reader, None)
        for number, row in enumerate(reader, start=2):
            if not row or not any(cell.strip() for cell in row):
                continue
            if len(row) < width:
                raise TsvError(f"{path}:{number}: {len(row)} columns, expected {width}")
            yield number, [cell.strip() for cell in row]


def read_tcodes(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as fh:
        header = fh.readline().rstrip("\n").split("\t")
    uri_col = next(i for i, h in enumerate(header) if "uri" in h)
    out: dict[str, str] = {}
    for number, row in _rows(path, uri_col + 1):
        code, uri = row[0], row[uri_col]
        if not TCODE.match(code) or not uri.startswith("http"):
            raise TsvError(f"{path}:{number}: expected a T-code and a URI, got {code!r} {uri!r}")
        out[code] = uri
    return out


def read_labels(path: Path) -> VocabData:
    """Concepts with a prefLabel per language. A URI on several rows keeps every row:
    the first gives the prefLabels, each later row's labels that differ from them become
    altLabels (the joined table lists one concept under the labels of each 2015 term
    that led to it, so "educational innovations" is a way in to 1001908)."""
    data = VocabData()
    for number, row in _rows(path, 7):
        uri = row[0]
        if not uri.startswith("http"):
            raise TsvError(f"{path}:{number}: field uri: {uri!r} is not a URI")
        again = uri in data.resources
        res = data.get(uri)
        before = len(res.labels)
        if not again:
            res.types.add("Concept")
            res.links["inScheme"].add(SCHEME_URI)
        known = {(tag, fold(text, tag)) for _kind, tag, text in res.labels}
        for lang, text in zip(CODES, row[1:7], strict=True):
            if text and (lang, fold(text, lang)) not in known:
                res.labels.append(("alt" if again else "pref", lang, text))
        data.triple_count += (0 if again else 2) + len(res.labels) - before
    return data


def code_uri(code: str) -> str:
    """``01`` -> .../01, ``01.01.00`` -> .../010100."""
    return UNBIS_BASE + code.replace(".", "")


def read_domains(path: Path) -> VocabData:
    """The scheme, its domains and their microthesauri as collections."""
    data = VocabData()
    scheme = data.get(SCHEME_URI)
    scheme.types.add("ConceptScheme")
    for number, row in _rows(path, 7):
        code = row[0]
        if not re.match(r"^\d{2}(\.\d{2}\.\d{2})?$", code):
            raise TsvError(f"{path}:{number}: field code: {code!r} is not like 01 or 01.01.00")
        res = data.get(code_uri(code))
        res.types.add("Collection")
        res.notation = code
        res.links["inScheme"].add(SCHEME_URI)
        for lang, text in zip(CODES, row[1:7], strict=True):
            if text:
                res.labels.append(("pref", lang, text))
        if "." in code:
            data.get(code_uri(code[:2])).links["member"].add(res.uri)
        data.triple_count += 3 + len(res.labels)
    return data


_CODE_PREFIX = re.compile(r"^\s*(\d{2}(?:\.\d{2}\.\d{2})?)\s*[-\u2013\u2014]\s+")


def unnumber_labels(data: VocabData) -> None:
    """Take the code off domain and microthesaurus labels that begin with it.

    The 2015 SKOS export writes "13 - humanitarian aid and relief" and
    "13.01.00 - protection ..." where the domain list writes the label alone; the code
    is the collection's notation, and pages show notation and label side by side for
    every domain and microthesaurus alike."""
    for res in data.resources.values():
        if res.kind != "collection":
            continue
        labels = []
        for kind, tag, text in res.labels:
            match = _CODE_PREFIX.match(text)
            if match and (res.notation in (None, match.group(1))):
                res.notation = res.notation or match.group(1)
                text = text[match.end():]
            labels.append((kind, tag, text))
        res.labels = labels


def rebase(data: VocabData, tcodes: dict[str, str]) -> VocabData:
    """Rename placeholder URIs: T-codes through ``tcodes``, domain/microthesaurus codes
    onto the UNBIS base. Only URIs under a base where a T-code was found are touched."""
    bases = {uri.rsplit("/", 1)[0] + "/" for uri in _all_uris(data)
             if TCODE.match(uri.rsplit("/", 1)[-1]) and uri.rsplit("/", 1)[-1] in tcodes}

    def rename(uri: str) -> str:
        head, _, tail = uri.rpartition("/")
        if head + "/" not in bases:
            return uri
        if tail in tcodes:
            return tcodes[tail]
        if _DIGITS.match(tail) or tail == "00":
            return UNBIS_BASE + tail
        return uri

    out = VocabData(triple_count=data.triple_count, untagged_labels=data.untagged_labels)
    for uri, res in data.resources.items():
        if rename(uri) == uri and uri.rpartition("/")[0] + "/" in bases and not res.labels:
            # a concept outside the export, present only through inverse links: no URI to
            # give it and nothing to show; links to it stay (and are reported as dangling)
            continue
        new = Resource(rename(uri), set(res.types), list(res.labels), list(res.notes),
                       notation=res.notation, deprecated=res.deprecated, titles=res.titles)
        for kind, targets in res.links.items():
            new.links[kind] = {rename(t) for t in targets}
        tail = uri.rpartition("/")[2]
        if tail in tcodes and uri.rpartition("/")[0] + "/" in bases:
            out.tcodes[tail] = new.uri
        out.resources[new.uri] = new
    out.tcodes.update({k: v for k, v in data.tcodes.items() if k not in out.tcodes})
    return out


def _all_uris(data: VocabData):
    for uri, res in data.resources.items():
        yield uri
        for targets in res.links.values():
            yield from targets
