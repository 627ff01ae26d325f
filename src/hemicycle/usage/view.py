"""The dashboard as the page shows it: for each chart, its SVG, its text alternative and
the table of its numbers (the same rows its TSV gives), in the interface language."""

from __future__ import annotations

from collections.abc import Callable

from hemicycle.languages import CODES
from hemicycle.usage import charts
from hemicycle.usage.cldr import country_name, language_name
from hemicycle.usage.dashboard import Dashboard

CHART_TABLES = ("months", "countries", "items", "languages")
Translate = Callable[..., str]


def tables(board: Dashboard, lang: str, t: Translate) -> dict[str, dict]:
    """Each chart's table: its column headings and rows (plain values)."""
    countries = sorted(board.countries.items(),
                       key=lambda kv: (-kv[1].downloads, -kv[1].investigations, kv[0]))
    languages = sorted(board.languages.items(),
                       key=lambda kv: (kv[0] == "", CODES.index(kv[0]) if kv[0] in CODES
                                       else len(CODES), kv[0]))
    return {
        "months": {"head": [t("usage.month"), t("usage.investigations"),
                            t("usage.downloads")],
                   "rows": [(m, c.investigations, c.downloads)
                            for m, c in board.months.items()]},
        "countries": {"head": [t("usage.code"), t("usage.country"), t("usage.investigations"),
                               t("usage.downloads")],
                      "rows": [(code, country_name(code, lang), c.investigations, c.downloads)
                               for code, c in countries]},
        "items": {"head": [t("usage.document"), "Item_ID", t("usage.downloads")],
                  "rows": [(symbol, item, n) for item, symbol, n in board.top_items]},
        "languages": {"head": [t("usage.code"), t("usage.language"),
                               t("usage.investigations"), t("usage.downloads")],
                      "rows": [(code, language_name(code, lang) if code
                                else t("usage.no_language"), c.investigations, c.downloads)
                               for code, c in languages]},
    }


def chart_tsv(board: Dashboard, name: str, lang: str) -> str:
    """One chart's numbers as TSV, with English column names (stable for scripts)."""
    table = tables(board, lang, lambda key, **_: {
        "usage.month": "Month", "usage.investigations": "Total_Item_Investigations",
        "usage.downloads": "Total_Item_Requests", "usage.code": "Code",
        "usage.country": "Country", "usage.document": "Item",
        "usage.language": "Language", "usage.no_language": "(none)"}.get(key, key))[name]
    lines = ["\t".join(table["head"])]
    lines += ["\t".join(str(v).replace("\t", " ") for v in row) for row in table["rows"]]
    return "\n".join(lines) + "\n"


def dashboard_context(board: Dashboard, lang: str, t: Translate) -> dict:
    """The charts (SVG), the tables and the map's key for the template."""
    rtl = lang == "ar"
    data = tables(board, lang, t)
    downloads = {code: c.downloads for code, c in board.countries.items()}
    names = {code: country_name(code, lang) for code in charts.world()["countries"]}
    unit = t("usage.downloads")

    def first(rows, label, value) -> str:
        return f"{rows[0][label]} ({rows[0][value]:,})" if rows and rows[0][value] \
            else t("usage.nothing")

    country_rows = [r for r in data["countries"]["rows"] if r[3]][:10]
    language_rows = [r for r in data["languages"]["rows"] if r[0]]
    total = board.total
    return {
        "tables": data,
        "map_svg": charts.world_map(
            downloads, names, t("usage.map"),
            t("usage.map_desc", top=first(country_rows, 1, 3)), unit),
        "legend": charts.legend(downloads),
        "months_svg": charts.months_chart(
            [(m, c.investigations, c.downloads) for m, c in board.months.items()],
            t("usage.series"), t("usage.series_desc", investigations=f"{total.investigations:,}",
                                 downloads=f"{total.downloads:,}"),
            (t("usage.investigations"), t("usage.downloads"))),
        "items_svg": charts.bars(
            [(r[0], r[2]) for r in data["items"]["rows"]], t("usage.top_items"),
            t("usage.bars_desc", top=first(data["items"]["rows"], 0, 2)), key="items",
            rtl=rtl),
        "countries_svg": charts.bars(
            [(r[1], r[3]) for r in country_rows], t("usage.top_countries"),
            t("usage.bars_desc", top=first(country_rows, 1, 3)), key="countries", rtl=rtl),
        "languages_svg": charts.bars(
            [(r[1], r[3]) for r in language_rows], t("usage.languages"),
            t("usage.bars_desc", top=first(sorted(language_rows, key=lambda r: -r[3]), 1, 3)),
            key="languages", rtl=rtl),
        "colours": {"investigations": charts.INVESTIGATIONS, "downloads": charts.DOWNLOADS},
    }
