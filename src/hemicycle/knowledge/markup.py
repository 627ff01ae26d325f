"""Markdown written by librarians, made into HTML that is safe to show.

markdown-it-py parses (CommonMark, tables, strikethrough, raw HTML allowed so that
``<details>`` or ``<abbr>`` work); nh3 (the Ammonia sanitiser) keeps only the elements
and attributes below. Before sanitising, the HTML is inspected so that whatever nh3 would
drop (a script, an ``onclick``, a ``javascript:`` link, an iframe, a style attribute) is
reported as a finding with its line: the author learns what was removed instead of it
vanishing silently, and a guide with such a finding cannot be published.

Live blocks are fenced code blocks whose info string is ``live <kind>``: plain Markdown
anywhere else (GitHub shows them as code), filled from the catalogue when the page is
shown. The rendered form is a list of segments: sanitised HTML, and the blocks between.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import cache
from html import escape
from html.parser import HTMLParser

import nh3
from markdown_it import MarkdownIt
from markdown_it.token import Token

from hemicycle.knowledge.blocks import LIVE, parse_block
from hemicycle.knowledge.findings import Finding

TAGS = {
    "a", "abbr", "b", "bdi", "blockquote", "br", "caption", "code", "dd", "del", "details",
    "div", "dl", "dt", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "kbd", "li",
    "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong", "sub", "summary", "sup",
    "table", "tbody", "td", "tfoot", "th", "thead", "tr", "ul",
}
_COMMON = {"lang", "dir", "title"}
ATTRIBUTES = {
    "*": _COMMON,
    "a": {"href", "hreflang"},
    "img": {"src", "alt", "width", "height"},
    "ol": {"start"},
    "th": {"colspan", "rowspan", "scope"},
    "td": {"colspan", "rowspan"},
    "abbr": set(),
}
ALIGN_CLASSES = {"align-left", "align-right", "align-center"}
URL_SCHEMES = {"http", "https", "mailto"}
_URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "background",
                   "poster", "data", "cite", "srcset"}
_SCHEME = re.compile(r"^([a-z][a-z0-9+.\-]*):")
_INVISIBLE = re.compile(r"[\x00-\x20\x7f]+")


@cache
def _parser() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    # every link reaches the inspection below, which reports it; nh3 then drops it
    md.validateLink = lambda url: True
    return md


@dataclass
class Rendered:
    """A Markdown text made safe: HTML and live-block segments, findings, plain words."""

    segments: list[dict] = field(default_factory=list)
    findings: list[Finding] = field(default_factory=list)
    text: str = ""
    links: list[tuple[str, int]] = field(default_factory=list)  # (url, line)

    @property
    def html(self) -> str:
        """The HTML alone (live blocks left out): for texts without blocks."""
        return "".join(s["html"] for s in self.segments if "html" in s)

    @property
    def blocks(self) -> list[dict]:
        return [s["block"] for s in self.segments if "block" in s]


def url_scheme(url: str) -> str | None:
    """The scheme of ``url`` as a browser reads it (ignoring blanks and control
    characters people use to hide ``java script:``); None for a relative URL."""
    found = _SCHEME.match(_INVISIBLE.sub("", url).lower())
    return found.group(1) if found else None


class _Inspector(HTMLParser):
    """Finds what the sanitiser is going to remove, to say so."""

    def __init__(self, line: int) -> None:
        super().__init__(convert_charrefs=True)
        self.line = line
        self.findings: list[Finding] = []

    def _find(self, code: str, message: str) -> None:
        self.findings.append(Finding(code, message, f"line {self.line}"))

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag not in TAGS:
            self._find("unsafe-tag", f"<{tag}> is not allowed and was removed")
        for name, value in attrs:
            if name.startswith("on"):
                self._find("event-handler", f"{name} on <{tag}> was removed")
            elif name == "style":
                self._find("style-attribute", f"style on <{tag}> was removed")
            elif name in _URL_ATTRIBUTES and value:
                scheme = url_scheme(value)
                if scheme is not None and scheme not in URL_SCHEMES:
                    self._find("unsafe-url", f"{scheme}: URL in {name} on <{tag}> was removed")

    handle_startendtag = handle_starttag


def sanitise(html: str) -> str:
    return nh3.clean(html, tags=TAGS, attributes=ATTRIBUTES, url_schemes=URL_SCHEMES,
                     allowed_classes={"th": ALIGN_CLASSES, "td": ALIGN_CLASSES},
                     strip_comments=True, link_rel="noopener noreferrer")


def _groups(tokens: list[Token]) -> list[list[Token]]:
    """Top-level blocks: each a run of tokens from level 0 back to level 0."""
    groups, current, depth = [], [], 0
    for token in tokens:
        current.append(token)
        depth += token.nesting
        if depth == 0:
            groups.append(current)
            current = []
    if current:
        groups.append(current)
    return groups


def _align_as_class(tokens: list[Token]) -> None:
    """Table alignment becomes a class: style attributes are not allowed at all."""
    for token in tokens:
        style = token.attrGet("style") if token.type in ("th_open", "td_open") else None
        if style:
            token.attrs.pop("style", None)
            token.attrSet("class", "align-" + str(style).split(":")[-1].strip())


def _words(tokens: list[Token]) -> list[str]:
    words = []
    for token in tokens:
        if token.type == "inline" and token.children:
            words.extend(c.content for c in token.children
                         if c.type in ("text", "code_inline") and c.content.strip())
        elif token.type in ("code_block", "fence") and not token.info.startswith(LIVE):
            words.append(token.content)
    return words


def _links(tokens: list[Token], line: int) -> list[tuple[str, int]]:
    found = []
    for token in tokens:
        if token.type != "inline":
            continue
        at = token.map[0] + 1 if token.map else line
        for child in token.children or []:
            if child.type in ("link_open", "image") and child.attrGet("href" if child.type ==
                                                                       "link_open" else "src"):
                url = child.attrGet("href") if child.type == "link_open" else child.attrGet("src")
                found.append((str(url), at))
    return found


def render_markdown(source: str, *, live_blocks: bool = True) -> Rendered:
    """Parse, inspect and sanitise ``source``. Without ``live_blocks`` (FAQ answers) a
    ``live`` fence stays a code block and is reported."""
    md = _parser()
    env: dict = {}
    tokens = md.parse(source, env)
    out = Rendered()
    words: list[str] = []
    pending: list[str] = []

    def flush() -> None:
        if pending:
            out.segments.append({"html": "".join(pending)})
            pending.clear()

    for group in _groups(tokens):
        first = group[0]
        line = (first.map[0] + 1) if first.map else 0
        for token in group:
            if token.type == "fence" and token.info.split()[:1] == [LIVE] and (
                    token.level > 0 or not live_blocks):
                where = f"line {(token.map[0] + 1) if token.map else line}"
                out.findings.append(Finding(
                    "live-block-nested" if live_blocks else "live-block",
                    "a live block must stand on its own, outside lists and quotes"
                    if live_blocks else "live blocks are for guides, not for answers", where))
        if first.type == "fence" and first.info.split()[:1] == [LIVE] and live_blocks:
            block, problems = parse_block(first.info, first.content, line)
            out.findings.extend(problems)
            if block is None:
                pending.append(f"<pre><code>{escape(first.content)}</code></pre>")
            else:
                flush()
                out.segments.append({"block": block})
            continue
        _align_as_class(group)
        raw = md.renderer.render(group, md.options, env)
        inspector = _Inspector(line)
        inspector.feed(raw)
        inspector.close()
        out.findings.extend(inspector.findings)
        pending.append(sanitise(raw))
        words.extend(_words(group))
        out.links.extend(_links(group, line))
    flush()
    out.text = " ".join(" ".join(words).split())
    return out
