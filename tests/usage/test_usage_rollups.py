"""The roll-ups by place that the dashboard, the figures and the reports read (countries,
cities per month and per year, page views), checked against counts made here from the
spool lines themselves, on SQLite and PostgreSQL; and the migration that made them."""

from __future__ import annotations

import datetime as dt
import json
import random
from collections import Counter

from alembic import command
from sqlalchemy import delete, select
from usage_support import FIREFOX, GOOGLEBOT, add_document, write_spool

from hemicycle.catalogue.db import alembic_config, make_engine, session_scope
from hemicycle.knowledge.views import views_by_language
from hemicycle.usage.dashboard import build_dashboard
from hemicycle.usage.figures import year_figures
from hemicycle.usage.models import UsageCityYearly, UsageGeoDaily, UsagePlace
from hemicycle.usage.period import parse_period
from hemicycle.usage.places import PlaceRequest, build_place_report
from hemicycle.usage.process import TII, TIR, process_spool, sum_month
from hemicycle.usage.rollups import distinct_cities
from hemicycle.usage.top import top_items

CITIES = [("FR", "Île-de-France", "Paris"), ("FR", "Occitanie", "Toulouse"),
          ("KE", "Nairobi County", "Nairobi"), ("BR", "São Paulo", "São Paulo"),
          ("JP", "Tokyo", "Tokyo"), ("EG", "Cairo", "Cairo"), ("ZZ", "", "")]
PAGES = ["guide:/guides/climate/fr", "faq:/faq/veto"]


def _spool(settings, uids: list[str]) -> list[dict]:
    """Five months over two years of events (no two clicks of one reader within 30 s,
    so each counts), robots and a broken line among them; the events written."""
    rng = random.Random(20)
    events, lines = [], {}
    start = dt.datetime(2025, 11, 1, tzinfo=dt.UTC).timestamp()
    for n in range(600):
        ts = start + rng.randrange(150) * 86400 + rng.randrange(86000)
        place = rng.choice(CITIES[:3] if ts < start + 61 * 86400 else CITIES)
        item = rng.choice(uids + PAGES)
        kind = "r" if item in uids and rng.random() < 0.4 else "i"
        view = (f"files/{rng.choice(['fr', 'en', 'ar'])}/pdf" if kind == "r"
                else "page/es" if item in PAGES else "page")
        event = {"ts": ts, "kind": kind, "item": item, "view": view, "user": f"u{n}",
                 "agent": GOOGLEBOT if n % 17 == 0 else FIREFOX, "geo": list(place),
                 "src": "test-db"}
        day = dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat()
        lines.setdefault(day, []).append(json.dumps(event, ensure_ascii=False) + "\n")
        if n % 17:
            events.append(event)
    lines.setdefault("2026-01-05", []).append('{"ts": "broken"\n')
    for day, day_lines in lines.items():
        write_spool(settings.data_dir, f"{day}-w1.jsonl", day_lines)
    return events


def _month(event: dict) -> str:
    return dt.datetime.fromtimestamp(event["ts"], dt.UTC).strftime("%Y-%m")


def _filled(settings):
    uids = [add_document(settings, f"A/RES/80/{n}") for n in range(12)]
    events = _spool(settings, uids)
    result = process_spool(settings)
    assert len(result.broken) == 1 and "2026-01-05" in result.broken[0]
    assert result.events == len(events)
    return uids, events


def _cities(events: list[dict], months: list[str]) -> set[tuple]:
    return {tuple(e["geo"]) for e in events if _month(e) in months and e["geo"][0] != "ZZ"}


def test_cities_countries_pages_and_tops_as_counted_from_the_lines(catalogue_settings):
    s = catalogue_settings
    uids, events = _filled(s)
    with session_scope(s.database_url) as db:
        for begin, end in (("2025-11", "2025-11"), ("2026-01", "2026-03"),
                           ("2025-12", "2026-02"), ("2025-11", "2026-03"),
                           ("2024-01", "2024-12")):
            period = parse_period(begin, end, dt.date(2026, 12, 1))
            assert distinct_cities(db, period) == len(_cities(events, period.months)), begin
    # a city of both years is one city; the early months have three cities only
    year = parse_period("2025-11", "2026-03", dt.date(2026, 12, 1))
    assert len(_cities(events, year.months)) == 6
    board = build_dashboard(s, year)
    assert board.cities == 6
    assert {c: (n.investigations, n.downloads) for c, n in board.countries.items()} == {
        country: (sum(1 for e in events if e["geo"][0] == country),
                  sum(1 for e in events if e["geo"][0] == country and e["kind"] == "r"))
        for country in {e["geo"][0] for e in events}}
    figures = year_figures(s, 2026)
    in_2026 = [e for e in events if _month(e) >= "2026-01"]
    assert figures.cities == len(_cities(in_2026, [_month(e) for e in in_2026]))
    assert figures.countries == len({e["geo"][0] for e in in_2026} - {"ZZ"})
    assert figures.downloads == sum(1 for e in in_2026 if e["kind"] == "r")
    for kind, item in (("guide", PAGES[0]), ("faq", PAGES[1])):
        assert figures.page_views[kind]["es"] == sum(1 for e in in_2026 if e["item"] == item)
    with session_scope(s.database_url) as db:
        views = views_by_language(db)
    assert sum(v.views for v in views) == sum(1 for e in events if e["item"] in PAGES)
    # the most downloaded documents, by key from the kept tops
    downloads = Counter(e["item"] for e in events if e["kind"] == "r")
    with session_scope(s.database_url) as db:
        ranked = top_items(db, year, TIR, 5)
    assert ranked == sorted(downloads.items(), key=lambda kv: (-kv[1], kv[0]))[:5]
    # the report by city and item reads the daily rows by month
    report = build_place_report(s, PlaceRequest(year, ("city", "item"), metrics=(TII,)))
    counted = {(r["City"], r["Item_ID"], month): n for r in report["Rows"]
               for month, n in r["Performance"][TII].items()}
    assert counted == dict(Counter((e["geo"][2], e["item"], _month(e)) for e in events))


def test_a_month_summed_again_without_a_city_clears_it(catalogue_settings):
    """A recount can take a city's last use of a month away: its month bit goes, and the
    city with it when that was its only month."""
    s = catalogue_settings
    _, events = _filled(s)
    period = parse_period("2026-03", "2026-03", dt.date(2026, 12, 1))
    march = [e for e in events if _month(e) == "2026-03"]
    tokyo = [e for e in events if e["geo"][2] == "Tokyo"]
    assert march and tokyo and {_month(e) for e in tokyo} > {"2026-03"}
    with session_scope(s.database_url) as db:
        before = distinct_cities(db, period)
        in_tokyo = UsageGeoDaily.place == select(UsagePlace.id).where(
            UsagePlace.city == "Tokyo").scalar_subquery()
        db.execute(delete(UsageGeoDaily).where(in_tokyo, UsageGeoDaily.month == "2026-03"))
    sum_month(s, "2026-03")
    tokyo_yearly = UsageCityYearly.place == select(UsagePlace.id).where(
        UsagePlace.city == "Tokyo").scalar_subquery()
    with session_scope(s.database_url) as db:
        assert distinct_cities(db, period) == before - 1
        months = db.scalar(select(UsageCityYearly.months).where(
            UsageCityYearly.year == 2026, UsageCityYearly.metric == TII, tokyo_yearly))
        assert months == sum(1 << (int(m[5:]) - 1) for m in {_month(e) for e in tokyo}
                             if m.startswith("2026") and m != "2026-03")
        db.execute(delete(UsageGeoDaily).where(in_tokyo))
    for month in ("2026-01", "2026-02"):
        sum_month(s, month)
    with session_scope(s.database_url) as db:
        assert db.scalar(select(UsageCityYearly.months).where(tokyo_yearly)) is None


def test_migration_keeps_the_counts_of_folded_months(catalogue_settings):
    """0903 moves months kept only in the old ``usage_geo_monthly`` (their daily rows
    pruned) back onto their first day, and fills the page and city tables."""
    s = catalogue_settings
    _, events = _filled(s)
    period = parse_period("2025-11", "2026-03", dt.date(2026, 12, 1))

    def figures():
        with session_scope(s.database_url) as db:
            pages = views_by_language(db)
            cities = distinct_cities(db, period)
        by_city = build_place_report(s, PlaceRequest(period, ("city", "language")))
        return pages, cities, by_city["Rows"]

    before = figures()
    engine = make_engine(s.database_url)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0902_usage")
    with engine.begin() as conn:  # as a prune did before 0903: December's daily rows gone
        conn.exec_driver_sql("DELETE FROM usage_geo_daily WHERE day >= '2025-12-01' "
                             "AND day <= '2025-12-31'")
    command.upgrade(cfg, "heads")
    engine.dispose()
    assert figures() == before
    with session_scope(s.database_url) as db:
        december = set(db.scalars(select(UsageGeoDaily.day).where(
            UsageGeoDaily.month == "2025-12")))
    assert december == {dt.date(2025, 12, 1)}
