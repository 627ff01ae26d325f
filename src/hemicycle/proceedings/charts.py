"""Charts as inline SVG, drawn on the server so that they work without JavaScript.

Charts take ``rtl``: in Arabic the horizontal axis runs right to left, as the page does.
The mirroring is done here, in coordinates, and the SVG itself is laid out left to right
(``direction="ltr"``) so that the page's direction does not flip text anchors a second time.
Labels are passed in already translated; the SVG carries a <title> for screen readers.
"""

from __future__ import annotations

from html import escape

COLOURS = {"yes": "#2e7d32", "no": "#c62828", "abstain": "#f9a825",
           "non_voting": "#757575", "absent": "#bdbdbd"}


def tally_bar(tallies: dict[str, int], labels: dict[str, str], title: str,
              rtl: bool = False, width: int = 600) -> str:
    """One horizontal bar split by yes / no / abstain / non-voting / absent."""
    total = sum(tallies.values()) or 1
    x = 0.0
    parts = []
    legend = []
    for i, key in enumerate(("yes", "no", "abstain", "non_voting", "absent")):
        n = tallies.get(key, 0)
        w = width * n / total
        left = width - x - w if rtl else x
        if n:
            parts.append(f'<rect x="{left:.1f}" y="0" width="{w:.1f}" height="28" '
                         f'fill="{COLOURS[key]}"><title>{escape(labels[key])}: {n}</title>'
                         "</rect>")
        # a swatch of the colour, then the label in ink (coloured text would be unreadable)
        sx = width - 14 - i * 120 if rtl else 4 + i * 120
        lx = sx - 4 if rtl else sx + 14
        anchor = "end" if rtl else "start"
        legend.append(f'<rect x="{sx}" y="38" width="10" height="10" fill="{COLOURS[key]}"/>'
                      f'<text x="{lx}" y="48" font-size="12" text-anchor="{anchor}" '
                      f'fill="#1b1f24">{escape(labels[key])} {n}</text>')
        x += w
    return (f'<svg class="chart tally" role="img" viewBox="0 0 {width} 56" width="100%" '
            f'direction="ltr" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}</title>'
            + "".join(parts) + "".join(legend) + "</svg>")


def agreement_line(points: list[tuple[int, float | None]], title: str, x_label: str,
                   rtl: bool = False, width: int = 640, height: int = 240) -> str:
    """Agreement (0-1) per session as a line with dots; gaps where nobody voted."""
    pad_l, pad_r, pad_t, pad_b = (16, 40, 12, 36) if rtl else (40, 16, 12, 36)
    pts = [(s, v) for s, v in points if v is not None]
    if not pts:
        return (f'<svg class="chart agreement" role="img" viewBox="0 0 {width} 40" '
                f'direction="ltr" xmlns="http://www.w3.org/2000/svg"><title>{escape(title)}'
                "</title></svg>")
    lo, hi = min(s for s, _ in pts), max(s for s, _ in pts)
    span = max(1, hi - lo)
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b

    def px(s: int) -> float:
        frac = (s - lo) / span
        return pad_l + plot_w * (1 - frac if rtl else frac)

    def py(v: float) -> float:
        return pad_t + plot_h * (1 - v)

    grid = []
    # the percentage axis stands at the start of the time axis: left, or right in rtl
    label_x, label_anchor = (width - pad_r + 4, "start") if rtl else (pad_l - 4, "end")
    for v in (0, 0.25, 0.5, 0.75, 1):
        grid.append(f'<line x1="{pad_l}" x2="{width - pad_r}" y1="{py(v):.1f}" '
                    f'y2="{py(v):.1f}" stroke="#ddd"/>'
                    f'<text x="{label_x}" y="{py(v) + 4:.1f}" font-size="10" '
                    f'text-anchor="{label_anchor}">{int(v * 100)}%</text>')
    ticks = []
    step = max(1, span // 8)
    for s in range(lo, hi + 1, step):
        ticks.append(f'<text x="{px(s):.1f}" y="{height - pad_b + 14}" font-size="10" '
                     f'text-anchor="middle">{s}</text>')
    path = " ".join(f"{'M' if i == 0 else 'L'}{px(s):.1f},{py(v):.1f}"
                    for i, (s, v) in enumerate(pts))
    dots = "".join(f'<circle cx="{px(s):.1f}" cy="{py(v):.1f}" r="2.5" fill="#1565c0">'
                   f"<title>{s}: {v * 100:.0f}%</title></circle>" for s, v in pts)
    return (f'<svg class="chart agreement" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" direction="ltr" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>"
            + "".join(grid) + "".join(ticks)
            + f'<path d="{path}" fill="none" stroke="#1565c0" stroke-width="1.5"/>' + dots
            + f'<text x="{width / 2}" y="{height - 4}" font-size="11" text-anchor="middle">'
            f"{escape(x_label)}</text></svg>")


def session_bars(rows: list[tuple[int, dict[str, int]]], labels: dict[str, str], title: str,
                 x_label: str, rtl: bool = False, width: int = 640, height: int = 200) -> str:
    """A state's votes per session as stacked bars of yes / no / abstain shares."""
    keys = ("yes", "no", "abstain")
    rows = [(s, c) for s, c in rows if sum(c.get(k, 0) for k in keys)]
    if not rows:
        return ""
    pad_l, pad_r, pad_t, pad_b = 8, 8, 8, 30
    plot_w, plot_h = width - pad_l - pad_r, height - pad_t - pad_b
    step = plot_w / len(rows)
    bars = []
    for i, (session, counts) in enumerate(rows):
        total = sum(counts.get(k, 0) for k in keys)
        slot = len(rows) - 1 - i if rtl else i
        x = pad_l + slot * step
        y = pad_t + plot_h
        tip = ", ".join(f"{labels[k]} {counts.get(k, 0)}" for k in keys)
        for k in keys:
            h = plot_h * counts.get(k, 0) / total
            y -= h
            if h:
                bars.append(f'<rect x="{x:.1f}" y="{y:.1f}" width="{max(step - 1, 1):.1f}" '
                            f'height="{h:.1f}" fill="{COLOURS[k]}"><title>{session}: '
                            f"{escape(tip)}</title></rect>")
        if len(rows) <= 12 or i % max(1, len(rows) // 10) == 0:
            bars.append(f'<text x="{x + step / 2:.1f}" y="{height - pad_b + 12}" '
                        f'font-size="10" text-anchor="middle">{session}</text>')
    return (f'<svg class="chart sessions" role="img" viewBox="0 0 {width} {height}" '
            f'width="100%" direction="ltr" xmlns="http://www.w3.org/2000/svg">'
            f"<title>{escape(title)}</title>" + "".join(bars)
            + f'<text x="{width / 2}" y="{height - 4}" font-size="11" text-anchor="middle">'
            f"{escape(x_label)}</text></svg>")
