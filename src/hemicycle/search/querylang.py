"""The query language people type, parsed into a small tree.

Words, "phrases", AND / OR / NOT (also + and -), parentheses, fields
(``symbol:`` ``title:`` ``text:`` ``body:`` ``year:`` ``lang:`` ``type:``
``subject:`` ``session:``) and prefixes (``climat*``). Words side by side must all
match (AND). The parser is forgiving where intent is clear (an unclosed quote or
parenthesis closes at the end, a dangling operator is dropped, an unknown
``field:`` is read as plain words) and refuses with ``QueryError`` what it cannot
read sensibly (too long, too deep, a field with nothing after it).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from hemicycle.messages import Message

MAX_QUERY_CHARS = 1000
MAX_DEPTH = 12
MAX_CLAUSES = 64

FIELDS = {
    "symbol": "symbol", "title": "title", "text": "text", "body": "body", "year": "year",
    "lang": "language", "language": "language", "type": "type", "subject": "subject",
    "session": "session",
}
OPERATORS = {"AND", "OR", "NOT", "&&", "||"}


class QueryError(ValueError):
    """A query that cannot be run; the message says what is wrong with it."""


@dataclass(frozen=True)
class Leaf:
    text: str
    field: str | None = None  # None: every text field
    phrase: bool = False
    prefix: bool = False


@dataclass(frozen=True)
class Node:
    op: str  # "and" | "or" | "not"
    children: tuple[Leaf | Node, ...]


Tree = Leaf | Node

_TOKEN = re.compile(r'\s*(?:(\()|(\))|("[^"]*"?)|([^\s()"]+))')


@dataclass
class _Tok:
    kind: str  # "(", ")", "phrase", "word"
    text: str


def _lex(query: str) -> list[_Tok]:
    tokens: list[_Tok] = []
    for m in _TOKEN.finditer(query):
        if m.group(1):
            tokens.append(_Tok("(", "("))
        elif m.group(2):
            tokens.append(_Tok(")", ")"))
        elif m.group(3):
            body = m.group(3)[1:]
            tokens.append(_Tok("phrase", body[:-1] if body.endswith('"') else body))
        elif m.group(4):
            tokens.append(_Tok("word", m.group(4)))
    return tokens


class _Parser:
    def __init__(self, tokens: list[_Tok]) -> None:
        self.tokens = tokens
        self.pos = 0
        self.clauses = 0

    def peek(self) -> _Tok | None:
        return self.tokens[self.pos] if self.pos < len(self.tokens) else None

    def take(self) -> _Tok:
        tok = self.tokens[self.pos]
        self.pos += 1
        return tok

    def parse(self) -> Tree | None:
        trees = []
        while self.peek() is not None:
            tree = self.or_expr(0, None)
            if tree is not None:
                trees.append(tree)
            if self.peek() is not None and self.peek().kind == ")":
                self.take()  # a stray closing parenthesis: ignored
        return _combine("and", trees)

    def or_expr(self, depth: int, field: str | None) -> Tree | None:
        parts = [self.and_expr(depth, field)]
        while self._is_op("OR", "||"):
            self.take()
            parts.append(self.and_expr(depth, field))
        return _combine("or", [p for p in parts if p is not None])

    def and_expr(self, depth: int, field: str | None) -> Tree | None:
        parts: list[Tree] = []
        while True:
            tok = self.peek()
            if tok is None or tok.kind == ")" or self._is_op("OR", "||"):
                break
            if self._is_op("AND", "&&"):
                self.take()
                continue
            unary = self.unary(depth, field)
            if unary is not None:
                parts.append(unary)
        return _combine("and", parts)

    def _is_op(self, *names: str) -> bool:
        tok = self.peek()
        return tok is not None and tok.kind == "word" and tok.text in names

    def unary(self, depth: int, field: str | None) -> Tree | None:
        tok = self.peek()
        negate = False
        if tok.kind == "word" and tok.text == "NOT":
            self.take()
            negate = True
        elif tok.kind == "word" and tok.text[0] in "+-" and len(tok.text) > 1:
            negate = tok.text[0] == "-"
            self.tokens[self.pos] = _Tok("word", tok.text[1:])
        elif tok.kind == "word" and tok.text in ("+", "-"):
            self.take()  # a lone sign: nothing to apply it to
            return None
        if self.peek() is None or self.peek().kind == ")":
            return None  # a dangling NOT
        tree = self.primary(depth, field)
        if tree is None:
            return None
        return Node("not", (tree,)) if negate else tree

    def primary(self, depth: int, field: str | None) -> Tree | None:
        tok = self.take()
        if tok.kind == "(":
            if depth + 1 > MAX_DEPTH:
                raise QueryError(_too_deep())
            tree = self.or_expr(depth + 1, field)
            if self.peek() is not None and self.peek().kind == ")":
                self.take()
            return tree  # an unclosed parenthesis closes at the end
        if tok.kind == "phrase":
            return self.leaf(tok.text, field, phrase=True)
        if tok.kind == ")":
            return None
        name, sep, rest = tok.text.partition(":")
        if sep and name.lower() in FIELDS and field is None:
            target = FIELDS[name.lower()]
            if rest:
                return self.leaf(rest, target)
            nxt = self.peek()
            if nxt is not None and nxt.kind == "phrase":
                self.take()
                return self.leaf(nxt.text, target, phrase=True)
            if nxt is not None and nxt.kind == "(":
                self.take()
                if depth + 1 > MAX_DEPTH:
                    raise QueryError(_too_deep())
                tree = self.or_expr(depth + 1, target)
                if self.peek() is not None and self.peek().kind == ")":
                    self.take()
                return tree
            raise QueryError(Message("query.empty_field", "the field {name}: has nothing after it",
                                     name=name))
        if tok.text in OPERATORS:
            return None
        return self.leaf(tok.text, field)

    def leaf(self, text: str, field: str | None, phrase: bool = False) -> Leaf | None:
        prefix = False
        if not phrase and len(text) > 1 and text.endswith("*"):
            text, prefix = text.rstrip("*"), True
        elif phrase and text.endswith("*"):
            text = text.rstrip("*")
        text = text.strip()
        if field != "symbol":
            text = text.replace("*", " ").strip()
        if not text:
            return None
        self.clauses += 1
        if self.clauses > MAX_CLAUSES:
            raise QueryError(Message("query.too_many_words",
                                     "the query has more than {most} words or phrases",
                                     most=MAX_CLAUSES))
        return Leaf(text, field, phrase=phrase, prefix=prefix)


def _too_deep() -> Message:
    return Message("query.too_deep", "the query nests parentheses more than {most} deep",
                   most=MAX_DEPTH)


def _combine(op: str, parts: list[Tree]) -> Tree | None:
    if not parts:
        return None
    if len(parts) == 1:
        return parts[0]
    return Node(op, tuple(parts))


def check_length(query: str) -> None:
    if len(query) > MAX_QUERY_CHARS:
        raise QueryError(Message(
            "query.too_long", "the query is {length} characters long; at most {most} are read",
            length=f"{len(query):,}", most=f"{MAX_QUERY_CHARS:,}"))


def parse_query(query: str) -> Tree | None:
    """The tree of ``query``, or None when it asks for nothing (an empty query)."""
    check_length(query)
    if "\x00" in query:
        raise QueryError(Message("query.nul", "the query contains a NUL character"))
    return _Parser(_lex(query)).parse()


# ---- the advanced search form writes the same language ----------------------------------

ADVANCED_FIELDS: tuple[str, ...] = (
    "query", "all", "phrase", "any", "none", "symbol", "title", "text", "body", "type",
    "subject", "language", "year_from", "year_to")
_YEAR = re.compile(r"^\d{1,4}$")


def _quoted(value: str) -> str:
    value = " ".join(value.replace('"', " ").split())
    return f'"{value}"' if re.search(r'[\s()]', value) else value


def _words(value: str) -> list[str]:
    return [w for w in re.split(r'[\s"()]+', value) if w and w not in OPERATORS]


def _fielded(name: str, value: str) -> str:
    words = _words(value)
    if len(words) == 1:
        return f"{name}:{words[0]}"
    return f"{name}:({' '.join(words)})"


def compose_query(fields: dict[str, str]) -> str:
    """The query, in the syntax of the search box, that the advanced form's fields ask for.

    ``query`` is kept as typed (in parentheses when it has an OR); the other fields become
    words, a "phrase", (a OR b), -word, field:value and year:from..to. The result parses
    back with ``parse_query``; QueryError names the field that cannot be used.
    """
    unknown = sorted(set(fields) - set(ADVANCED_FIELDS))
    if unknown:
        raise QueryError(Message("query.unknown_field", "unknown advanced search field '{name}'",
                                 name=unknown[0]))
    get = {name: (fields.get(name) or "").strip() for name in ADVANCED_FIELDS}
    parts: list[str] = []
    if get["query"]:
        parts.append(f"({get['query']})" if re.search(r"\bOR\b|\|\|", get["query"])
                     else get["query"])
    parts += _words(get["all"])
    phrase = " ".join(get["phrase"].replace('"', " ").split())
    if phrase:
        parts.append(f'"{phrase}"')
    alternatives = _words(get["any"])
    if len(alternatives) == 1:
        parts.append(alternatives[0])
    elif alternatives:
        parts.append("(" + " OR ".join(alternatives) + ")")
    parts += [f"-{w.lstrip('+-')}" for w in _words(get["none"]) if w.lstrip("+-")]
    if get["symbol"]:
        parts.append(f"symbol:{_quoted(get['symbol'])}")
    for name in ("title", "text"):
        if _words(get[name]):
            parts.append(_fielded(name, get[name]))
    for name in ("body", "type", "subject"):
        if get[name]:
            parts.append(f"{name}:{_quoted(get[name])}")
    if get["language"]:
        parts.append(f"lang:{_quoted(get['language'])}")
    low, high = get["year_from"], get["year_to"]
    for name, value in (("year_from", low), ("year_to", high)):
        if value and not _YEAR.match(value):
            raise QueryError(Message("query.form_not_year", "{name}: '{value}' is not a year",
                                     name=name, value=value))
    if low and high and int(low) > int(high):
        raise QueryError(Message("query.form_years_backwards", "the years run from {low} to "
                                 "{high}: the range ends before it starts", low=low, high=high))
    if low and high and low == high:
        parts.append(f"year:{low}")
    elif low or high:
        parts.append(f"year:{low}..{high}")
    query = " ".join(parts)
    parse_query(query)  # what the form writes, the box must read
    return query
