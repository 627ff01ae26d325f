"""Markdown from editors, made safe: hostile HTML is removed and reported with its line;
live blocks are read and checked where they are written."""

from __future__ import annotations

import pytest

from hemicycle.knowledge.markup import render_markdown

HOSTILE = [
    ("<script>alert(1)</script>", "unsafe-tag", "<script"),
    ("<img src=x onerror=alert(1)>", "event-handler", "onerror"),
    ("<svg onload=alert(1)></svg>", "unsafe-tag", "<svg"),
    ("[click](javascript:alert(1))", "unsafe-url", "javascript:"),
    ('<a href="JaVaScRiPt:alert(1)">x</a>', "unsafe-url", "javascript:"),
    ('<a href=" java\tscript:alert(1)">x</a>', "unsafe-url", "script:"),
    ('<a href="jav&#x61;script:alert(1)">x</a>', "unsafe-url", "alert"),
    ("[x](vbscript:msgbox(1))", "unsafe-url", "vbscript"),
    ('<img src="data:text/html;base64,PHNjcmlwdD4=">', "unsafe-url", "data:"),
    ('<iframe src="https://example.org"></iframe>', "unsafe-tag", "<iframe"),
    ('<p style="position:fixed">x</p>', "style-attribute", "style="),
    ("<style>body{display:none}</style>", "unsafe-tag", "display:none"),
    ('<form action="https://example.org"><input name=a></form>', "unsafe-tag", "<form"),
    ('<object data="x.swf"></object>', "unsafe-tag", "<object"),
    ('<div onmouseover="steal()">x</div>', "event-handler", "onmouseover"),
    ('<meta http-equiv="refresh" content="0;url=https://example.org">', "unsafe-tag",
     "refresh"),
]


@pytest.mark.parametrize(("source", "code", "gone"), HOSTILE)
def test_hostile_html_is_removed_and_reported(source, code, gone):
    rendered = render_markdown(f"Intro.\n\n{source}\n")
    assert gone.lower() not in rendered.html.lower()
    assert code in {f.code for f in rendered.findings}
    assert all(f.where == "line 3" for f in rendered.findings if f.code == code)


def test_safe_markdown_keeps_its_structure():
    rendered = render_markdown(
        "# Votes\n\nSee [the records](/votes/records) and <abbr title=\"General Assembly\">"
        "GA</abbr>.\n\n| a | b |\n|--:|:-:|\n| 1 | 2 |\n\n<details><summary>More</summary>"
        "\n\nText\n\n</details>\n")
    assert rendered.findings == []
    html = rendered.html
    assert '<a href="/votes/records" rel="noopener noreferrer">' in html
    assert '<abbr title="General Assembly">GA</abbr>' in html
    assert '<th class="align-right">a</th>' in html and "style" not in html
    assert "<details>" in html and "<summary>More</summary>" in html
    assert rendered.links == [("/votes/records", 3)]


def test_live_blocks_become_segments_and_errors_name_their_line():
    source = ("Intro\n\n```live search\nq: climate change\nbody: SC\nlimit: 3\n```\n\n"
              "Between\n\n```live votes\nS/RES/242 (1967)\n```\n\n"
              "```live bogus\nx\n```\n\n```live search\nlimit: 99\n```\n\n"
              "- item\n\n  ```live documents\n  - A/RES/74/1\n  ```\n")
    rendered = render_markdown(source)
    blocks = rendered.blocks
    assert [b["kind"] for b in blocks] == ["search", "votes"]
    assert blocks[0] == {"kind": "search", "line": 3, "q": "climate change", "limit": 3,
                         "filters": {"body": ["SC"]}, "sort": "relevance"}
    assert blocks[1]["resolution"] == "S/RES/242 (1967)"
    found = {(f.code, f.where) for f in rendered.findings}
    assert ("live-block", "line 15") in found  # bogus kind
    assert ("live-block", "line 19") in found  # limit out of range
    assert ("live-block-nested", "line 25") in found
    assert [list(s) for s in rendered.segments][:3] == [["html"], ["block"], ["html"]]


def test_broken_yaml_and_bad_values_in_blocks():
    cases = {
        "```live search\nq: [unclosed\n```\n": "live search",
        "```live documents\nsymbols: 12\n```\n": "list of document symbols",
        "```live agenda\nsession: 75\n```\n": "agenda item's title",
        "```live agenda\nagenda: not a symbol\nitem: 8\n```\n": "agenda:",
        "```live search\nq: x\nlang: klingon\n```\n": "unknown language",
        "```live concept\nconcept: x\nextra: 1\n```\n": "unknown key 'extra'",
    }
    for source, words in cases.items():
        rendered = render_markdown(source)
        assert rendered.blocks == [], source
        assert any(words in f.message for f in rendered.findings), (source, rendered.findings)


def test_answers_have_no_live_blocks():
    rendered = render_markdown("```live votes\nA/RES/74/1\n```\n", live_blocks=False)
    assert rendered.blocks == [] and "<pre><code>" in rendered.html
    assert [f.code for f in rendered.findings] == ["live-block"]
