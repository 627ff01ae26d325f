"""The staff dashboard's charts, drawn on the server as SVG: no script, nothing fetched,
fine under a strict Content-Security-Policy (colours are presentation attributes, not
inline styles). Each chart has a title and a description for screen readers; the page
puts its numbers in a table and a TSV beside it.

The world map's shapes are Natural Earth 1:110m countries in the Equal Earth projection
(``data/world-110m.json``, built by ``scripts/build_world_map.py``, 50 KB).
"""

from __future__ import annotations

import json
import math
from functools import cache
from pathlib import Path
from xml.sax.saxutils import escape

from markupsafe import Markup

# light to dark: readable on white, distinct for the common forms of colour blindness
SHADES = ("#deebf7", "#9ecae1", "#6baed6", "#3182bd", "#08519c", "#08306b")
EMPTY = "#eeeeee"
INVESTIGATIONS, DOWNLOADS = "#9ecae1", "#08519c"


@cache
def world() -> dict:
    return json.loads((Path(__file__).parent / "data" / "world-110m.json")
                      .read_text(encoding="utf-8"))


def classes(top: int) -> list[tuple[int, int]]:
    """Up to six ranges of counts (low, high), growing by powers: 1-2, 3-9, 10-49 ...
    so that a few very busy countries leave the others visible."""
    if top <= 0:
        return []
    if top <= len(SHADES):
        return [(n, n) for n in range(1, top + 1)]
    steps = len(SHADES)
    edges = sorted({max(1, round(top ** (i / steps))) for i in range(steps + 1)} | {1})
    ranges, low = [], 1
    for high in edges[1:]:
        if high >= low:
            ranges.append((low, high))
            low = high + 1
    return ranges or [(1, top)]


def _colour(i: int, ranges: list) -> str:
    """The shade of the i-th range: spread over the palette, the last one darkest."""
    if len(ranges) <= 1:
        return SHADES[-1]
    return SHADES[round(i * (len(SHADES) - 1) / (len(ranges) - 1))]


def shade(n: int, ranges: list[tuple[int, int]]) -> str:
    if n <= 0:
        return EMPTY
    for i, (_, high) in enumerate(ranges):
        if n <= high:
            return _colour(i, ranges)
    return SHADES[-1]


def world_map(counts: dict[str, int], names: dict[str, str], title: str, desc: str,
              unit: str) -> Markup:
    """Countries shaded by ``counts``; each country's name and count as its tooltip."""
    shapes = world()
    ranges = classes(max(counts.values(), default=0))
    parts = [f'<svg class="chart map" viewBox="0 0 {shapes["width"]} {shapes["height"]}" '
             f'role="img" aria-labelledby="map-title map-desc" direction="ltr" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="map-title">{escape(title)}</title>',
             f'<desc id="map-desc">{escape(desc)}</desc>',
             f'<path d="{shapes["other"]}" fill="{EMPTY}" stroke="#ffffff" '
             'stroke-width="0.5"/>']
    for code, d in shapes["countries"].items():
        n = counts.get(code, 0)
        label = f"{names.get(code, code)}: {n:,} {unit}"
        parts.append(f'<path d="{d}" fill="{shade(n, ranges)}" stroke="#ffffff" '
                     f'stroke-width="0.5" data-country="{code}"><title>{escape(label)}'
                     '</title></path>')
    parts.append("</svg>")
    return Markup("".join(parts))


def legend(counts: dict[str, int]) -> list[tuple[str, str]]:
    """(colour, range) pairs for the map's key."""
    ranges = classes(max(counts.values(), default=0))
    out = [(EMPTY, "0")]
    out += [(_colour(i, ranges), f"{low:,}" if low == high else f"{low:,}–{high:,}")
            for i, (low, high) in enumerate(ranges)]
    return out


def _nice(top: int) -> int:
    """A round upper bound for an axis: 1, 2, 5 x 10^n."""
    if top <= 0:
        return 1
    power = 10 ** math.floor(math.log10(top))
    return next(m * power for m in (1, 2, 5, 10) if m * power >= top)


def bars(rows: list[tuple[str, int]], title: str, desc: str, *, key: str,
         rtl: bool = False, colour: str = DOWNLOADS) -> Markup:
    """Horizontal bars, one per (label, count), labels at the start side (right in
    Arabic), counts written at the end of each bar."""
    width, row, label_w = 420, 28, 150
    height = max(1, len(rows)) * row + 8
    top = max((n for _, n in rows), default=0) or 1
    # direction="ltr" on every chart (else an Arabic page turns text-anchor around):
    # the positions are computed here, for either direction
    parts = [f'<svg class="chart bars" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="{key}-title {key}-desc" direction="ltr" '
             'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="{key}-title">{escape(title)}</title>',
             f'<desc id="{key}-desc">{escape(desc)}</desc>']
    span = width - label_w - 60
    for i, (label, n) in enumerate(rows):
        y = 4 + i * row
        length = max(1.0, span * n / top) if n else 0.0
        shown = label if len(label) <= 18 else label[:17] + "…"
        if rtl:
            text_x, bar_x, value_x, anchor, value_anchor = (
                width - 4, width - label_w - length, width - label_w - length - 4, "end",
                "end")
        else:
            text_x, bar_x, value_x, anchor, value_anchor = (
                4, label_w, label_w + length + 4, "start", "start")
        parts.append(
            f'<text x="{text_x}" y="{y + 19}" text-anchor="{anchor}" font-size="15">'
            f'{escape(shown)}</text>'
            f'<rect x="{bar_x:.1f}" y="{y + 4}" width="{length:.1f}" height="{row - 8}" '
            f'fill="{colour}"><title>{escape(label)}: {n:,}</title></rect>'
            f'<text x="{value_x:.1f}" y="{y + 19}" text-anchor="{value_anchor}" '
            f'font-size="14">{n:,}</text>')
    parts.append("</svg>")
    return Markup("".join(parts))


def months_chart(series: list[tuple[str, int, int]], title: str, desc: str,
                 labels: tuple[str, str]) -> Markup:
    """Investigations and downloads per month, side by side; months run left to right
    in every language (as the month inputs and the tables do)."""
    width, height, left, bottom, top_pad = 640, 300, 80, 50, 14
    plot_h = height - bottom - top_pad
    top = _nice(max((max(i, d) for _, i, d in series), default=0))
    step = (width - left - 8) / max(1, len(series))
    bar_w = max(1.0, step * 0.38)
    parts = [f'<svg class="chart months" viewBox="0 0 {width} {height}" role="img" '
             f'aria-labelledby="months-title months-desc" direction="ltr" '
             f'xmlns="http://www.w3.org/2000/svg">',
             f'<title id="months-title">{escape(title)}</title>',
             f'<desc id="months-desc">{escape(desc)}</desc>']
    for k in range(5):  # grid lines and the axis' numbers
        value = top * k // 4
        y = top_pad + plot_h - plot_h * k / 4
        parts.append(f'<line x1="{left}" x2="{width - 4}" y1="{y:.1f}" y2="{y:.1f}" '
                     f'stroke="#dddddd"/><text x="{left - 6}" y="{y + 6:.1f}" '
                     f'text-anchor="end" font-size="17">{value:,}</text>')
    every = max(1, math.ceil(len(series) / 12))  # at most 12 month labels
    for i, (month, investigations, downloads) in enumerate(series):
        x = left + i * step + step * 0.1
        for j, (n, colour, name) in enumerate(((investigations, INVESTIGATIONS, labels[0]),
                                               (downloads, DOWNLOADS, labels[1]))):
            h = plot_h * n / top
            parts.append(f'<rect x="{x + j * bar_w:.1f}" y="{top_pad + plot_h - h:.1f}" '
                         f'width="{bar_w:.1f}" height="{h:.1f}" fill="{colour}">'
                         f'<title>{escape(month)} {escape(name)}: {n:,}</title></rect>')
        if i % every == 0:
            parts.append(f'<text x="{x + bar_w:.1f}" y="{height - bottom + 22}" '
                         f'text-anchor="middle" font-size="17">{escape(month[5:])}</text>')
            if month.endswith("-01") or i == 0:
                parts.append(f'<text x="{x + bar_w:.1f}" y="{height - bottom + 44}" '
                             f'text-anchor="middle" font-size="17">{escape(month[:4])}'
                             '</text>')
    parts.append("</svg>")
    return Markup("".join(parts))
