"""Runs one SPARQL query against a read-only store (child process of sparql.run_query).

Reads {"store", "query", "accept", "max"} as JSON on stdin; writes one JSON line
(media type, truncated) then the serialised results; errors go to stderr, exit 1.
"""

from __future__ import annotations

import io
import json
import sys

import pyoxigraph as ox


def _results(store: ox.Store, query: str, accept: str, cap: int) -> tuple[str, bytes, bool]:
    result = store.query(query)
    if isinstance(result, bool):
        return "application/sparql-results+json", json.dumps(
            {"head": {}, "boolean": result}).encode(), False
    if isinstance(result, ox.QuerySolutions):
        rows = []
        for number, solution in enumerate(result):
            if number >= cap:
                break
            rows.append(solution)
        truncated = len(rows) >= cap
        out = io.BytesIO()
        fmt = (ox.QueryResultsFormat.CSV if "text/csv" in accept
               else ox.QueryResultsFormat.JSON)
        variables = result.variables
        _serialise(rows, variables, fmt, out)
        media = "text/csv" if fmt == ox.QueryResultsFormat.CSV else \
            "application/sparql-results+json"
        return media, out.getvalue(), truncated
    triples = []
    for number, triple in enumerate(result):
        if number >= cap:
            break
        triples.append(triple)
    fmt, media = ((ox.RdfFormat.N_TRIPLES, "application/n-triples") if "n-triples" in accept
                  else (ox.RdfFormat.TURTLE, "text/turtle"))
    return media, ox.serialize(triples, format=fmt), len(triples) >= cap


def _serialise(rows, variables, fmt, out) -> None:
    if fmt == ox.QueryResultsFormat.CSV:
        names = [v.value for v in variables]
        out.write((",".join(names) + "\r\n").encode())
        for row in rows:
            cells = []
            for var in variables:
                term = row[var]
                value = "" if term is None else term.value
                cells.append('"' + value.replace('"', '""') + '"')
            out.write((",".join(cells) + "\r\n").encode())
        return
    bindings = []
    for row in rows:
        item = {}
        for var in variables:
            term = row[var]
            if term is None:
                continue
            if isinstance(term, ox.NamedNode):
                item[var.value] = {"type": "uri", "value": term.value}
            elif isinstance(term, ox.BlankNode):
                item[var.value] = {"type": "bnode", "value": term.value}
            else:
                lit = {"type": "literal", "value": term.value}
                if term.language:
                    lit["xml:lang"] = term.language
                elif term.datatype and term.datatype.value != \
                        "http://www.w3.org/2001/XMLSchema#string":
                    lit["datatype"] = term.datatype.value
                item[var.value] = lit
        bindings.append(item)
    out.write(json.dumps({"head": {"vars": [v.value for v in variables]},
                          "results": {"bindings": bindings}}, ensure_ascii=False).encode())


def main() -> int:
    request = json.loads(sys.stdin.buffer.read())
    try:
        store = ox.Store.read_only(request["store"])
        media, body, truncated = _results(store, request["query"], request["accept"],
                                          int(request["max"]))
    except SyntaxError as exc:
        print(f"SPARQL syntax error: {exc}", file=sys.stderr)
        return 1
    except (OSError, ValueError, RuntimeError) as exc:
        print(f"query failed: {exc}", file=sys.stderr)
        return 1
    sys.stdout.buffer.write(json.dumps({"media_type": media, "truncated": truncated}).encode()
                            + b"\n" + body)
    return 0


if __name__ == "__main__":
    sys.exit(main())
