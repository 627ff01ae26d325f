"""Which SPARQL queries may reach the network: none, unless every SERVICE they call is an
endpoint the administrator allowed (``sparql_service_allow`` in hemicycle.toml).

The query is read as the SPARQL grammar's tokens (strings, IRIs, comments, prefixed names
and variables are skipped whole), so the word "service" in a literal is not a call. A
federated query is held to a stricter reading because it runs in a worker that has the
network: every SERVICE must name its endpoint as a full ``<IRI>`` in the allow-list, and
the text may contain the word nowhere else and no \\u escapes, so that no reading of the
query other than ours can find a call we did not see. Queries run everywhere else in
workers that have no network at all (``offline.py``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from hemicycle.messages import Message

_TOKEN = re.compile(r"""
    (?P<space>\s+)
  | (?P<comment>\#[^\r\n]*)
  | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
               |'(?:[^'\\\r\n]|\\.)*'|"(?:[^"\\\r\n]|\\.)*")
  | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
  | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]*)
  | (?P<name>[^\s#'"<>?${}()\[\],;.=!&|^+*/@]*:[^\s#'"<>{}()\[\],;=!&|^+*/]*
             |[A-Za-z_][\w-]*)
  | (?P<other>.)
""", re.VERBOSE | re.DOTALL)
_ESCAPE = re.compile(r"\\[uU]")


class FederationRefused(ValueError):
    """A query that would call an endpoint it may not."""


@dataclass
class NetworkUse:
    """The SERVICE calls in a query: endpoints given as full IRIs, and the calls whose
    endpoint is a variable, a prefixed name or an IRI with escapes (known only later)."""

    targets: list[str] = field(default_factory=list)
    unresolved: list[str] = field(default_factory=list)

    @property
    def calls(self) -> int:
        return len(self.targets) + len(self.unresolved)


def _tokens(query: str) -> list[tuple[str, str]]:
    """(kind, text) of every token but spaces and comments."""
    return [(m.lastgroup, m.group()) for m in _TOKEN.finditer(query)
            if m.lastgroup not in ("space", "comment")]


def network_check(query: str) -> NetworkUse:
    """The SERVICE calls the query makes, as the SPARQL grammar reads it."""
    use = NetworkUse()
    tokens = _tokens(query)
    for i, (kind, text) in enumerate(tokens):
        if kind != "name" or text.upper() != "SERVICE":
            continue
        j = i + 1
        if j < len(tokens) and tokens[j][1].upper() == "SILENT":
            j += 1
        target_kind, target = tokens[j] if j < len(tokens) else ("", "")
        if target_kind == "iri" and not _ESCAPE.search(target):
            use.targets.append(target[1:-1])
        else:
            use.unresolved.append(target or "(nothing)")
    return use


def federated_endpoints(query: str, allowed: tuple[str, ...]) -> list[str]:
    """The endpoints a query calls when all of them are allowed ([] for a query that
    calls none); FederationRefused otherwise, saying why."""
    use = network_check(query)
    if not use.calls:
        return []
    if not allowed:
        raise FederationRefused(Message(
            "sparql.no_federation", "federated queries (SERVICE) are refused: this endpoint "
            "answers from its own data only"))
    if use.unresolved:
        raise FederationRefused(Message(
            "sparql.service_not_iri", "SERVICE {target}: name the endpoint as a full <IRI> "
            "(no variable, prefixed name or escape)", target=use.unresolved[0]))
    for target in use.targets:
        if target not in allowed:
            raise FederationRefused(Message(
                "sparql.service_not_allowed", "SERVICE <{target}> is not an allowed endpoint "
                "(allowed: {allowed})", target=target, allowed=", ".join(allowed)))
    if _ESCAPE.search(query):
        raise FederationRefused(Message("sparql.service_escapes",
                                        "a federated query may not use \\u escapes"))
    if len(re.findall("service", query, re.IGNORECASE)) != use.calls:
        raise FederationRefused(Message(
            "sparql.service_word", "in a federated query the word SERVICE may appear only "
            "as a call to an allowed endpoint"))
    return use.targets
