"""Runs SPARQL queries against a read-only store (child process of sparql.run_query).

Two modes:

* ``python -m hemicycle.thesaurus.sparql_worker`` answers one query: reads {"store",
  "query", "accept", "max"} as JSON on stdin; writes one JSON line (media type,
  truncated) then the serialised results; errors go to stderr, exit 1.
* ``... --serve PARENT_PID`` stays up and answers queries one after the other over its pipes, so a
  query costs no Python start-up (see ``sparql.py`` for the framing). The store stays
  open between queries and is reopened when a request names another one. It exits when
  its stdin closes or its parent goes away, and the kernel ends it (SIGALRM, no handler)
  if one query runs well past its time limit even when no parent is left to kill it.

Both drop the network first (``offline.py``) unless started with ``--network`` (the pool
for federated queries to allowed endpoints): whatever a query says, it cannot connect.
"""

from __future__ import annotations

import io
import json
import os
import signal
import struct
import sys
import threading
import time

import pyoxigraph as ox

from hemicycle.thesaurus.offline import forbid_network


def _results(store: ox.Store, query: str, accept: str, cap: int) -> tuple[str, bytes, bool]:
    result = store.query(query)
    if isinstance(result, (bool, ox.QueryBoolean)):  # pyoxigraph 0.5: QueryBoolean
        return "application/sparql-results+json", json.dumps(
            {"head": {}, "boolean": bool(result)}).encode(), False
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


HEADER = struct.Struct(">IQ")  # header length, body length
ACK = b"A"  # sent once a request is read, before it runs
GRACE_S = 5.0  # the parent kills at the limit; the worker's own alarm is a fallback


def _answer(request: dict, stores: dict) -> tuple[dict, bytes]:
    """(header, body) for one request; ``stores`` caches the open store by (path, stamp)."""
    key = (request["store"], request.get("stamp"))
    try:
        if stores.get("key") != key:
            stores.clear()
            stores["store"] = ox.Store.read_only(request["store"])
            stores["key"] = key
        media, body, truncated = _results(stores["store"], request["query"],
                                          request["accept"], int(request["max"]))
    except SyntaxError as exc:  # "kind" and "reason": the parent words the sentence around
        return {"error": f"SPARQL syntax error: {exc}", "kind": "syntax", "reason": str(exc),
                "status": 400}, b""
    except (OSError, ValueError, RuntimeError) as exc:
        return {"error": f"query failed: {exc}", "kind": "failed", "reason": str(exc),
                "status": 400}, b""
    except Exception as exc:  # noqa: BLE001 - a bug here must not end the worker
        stores.clear()
        return {"error": f"query failed: {type(exc).__name__}: {exc}", "kind": "failed",
                "reason": f"{type(exc).__name__}: {exc}", "status": 500}, b""
    return {"media_type": media, "truncated": truncated}, body


def _read_exactly(stream, size: int) -> bytes | None:
    data = bytearray()
    while len(data) < size:
        chunk = stream.read(size - len(data))
        if not chunk:
            return None
        data += chunk
    return bytes(data)


def _watch_parent(parent: int) -> None:
    """Exit once the parent is gone even if our stdin was inherited by someone else."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _write(out, header: dict, body: bytes) -> None:
    head = json.dumps(header).encode()
    out.write(HEADER.pack(len(head), len(body)) + head + body)
    out.flush()


def serve(parent: int, network: bool = False) -> int:
    """Answer framed requests until stdin closes: request = HEADER + JSON (no body)."""
    offline = False if network else forbid_network()
    threading.Thread(target=_watch_parent, args=(parent,), daemon=True).start()
    signal.signal(signal.SIGALRM, signal.SIG_DFL)
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    _write(out, {"ready": os.getpid(), "offline": offline}, b"")
    stores: dict = {}
    while True:
        frame = _read_exactly(inp, HEADER.size)
        if frame is None:
            return 0
        head_len, _ = HEADER.unpack(frame)
        raw = _read_exactly(inp, head_len)
        if raw is None:
            return 0
        request = json.loads(raw)
        out.write(ACK)  # received: from here a death is a crash on this query
        out.flush()
        limit = float(request.get("time_limit") or 0)
        if limit > 0:
            signal.setitimer(signal.ITIMER_REAL, limit + GRACE_S)
        header, body = _answer(request, stores)
        signal.setitimer(signal.ITIMER_REAL, 0)
        _write(out, header, body)


def main() -> int:
    network = "--network" in sys.argv[1:]
    if "--serve" in sys.argv[1:]:
        return serve(int(sys.argv[sys.argv.index("--serve") + 1]), network)
    if not network:
        forbid_network()
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
