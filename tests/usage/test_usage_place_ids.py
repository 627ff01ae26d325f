"""Places as small integer ids (``usage_places``): what readers' addresses become once
processed (IPv4, IPv6, private, malformed, a country without a city), ids given once and
kept across batches and runs; and migration 0904 down and up with data in it, on SQLite
and PostgreSQL, giving the same reports before and after."""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter

import pytest
from alembic import command
from sqlalchemy import select, text
from usage_support import FIREFOX, build_mmdb, write_spool

from hemicycle.catalogue.db import alembic_config, make_engine, session_scope
from hemicycle.usage.dashboard import build_dashboard
from hemicycle.usage.figures import year_figures
from hemicycle.usage.geo import open_resolver
from hemicycle.usage.models import UsageEvent, UsagePlace
from hemicycle.usage.period import parse_period
from hemicycle.usage.places import PlaceRequest, build_place_report, place_report_tsv
from hemicycle.usage.process import TII, TIR, process_spool
from hemicycle.usage.record import record_event
from hemicycle.usage.spool import UnreadPlace, parse_line

NOW = dt.datetime(2026, 12, 1, tzinfo=dt.UTC)
T0 = dt.datetime(2026, 3, 2, 10, 0, tzinfo=dt.UTC).timestamp()


def _places(settings) -> dict[tuple[str, str, str], int]:
    with session_scope(settings.database_url) as db:
        return {(c, r, t): i for i, c, r, t in db.execute(
            select(UsagePlace.id, UsagePlace.country, UsagePlace.region, UsagePlace.city))}


def _event_places(settings) -> Counter:
    with session_scope(settings.database_url) as db:
        return Counter(db.scalars(select(UsageEvent.place)))


def test_readers_places_get_one_small_id_each(catalogue_settings, tmp_path):
    s = catalogue_settings
    geo = open_resolver(str(build_mmdb(tmp_path / "city.mmdb")), tmp_path)
    addresses = ["81.2.69.5", "2a02:ec80::7", "192.168.1.1", "41.184.1.1", "not an address",
                 "::1", "81.2.69.200", "2a02:ec80::99"]
    for n, address in enumerate(addresses):
        record_event(s.data_dir, "r", "doc-1", address, FIREFOX, view="files/fr/pdf",
                     now=T0 + n * 60, resolver=geo)
    write_spool(s.data_dir, "2026-03-02-old.jsonl", [  # before geography; a broken place
        json.dumps({"ts": T0 + 900, "kind": "i", "item": "doc-1", "user": "u1",
                    "agent": FIREFOX}) + "\n",
        json.dumps({"ts": T0 + 960, "kind": "i", "item": "doc-1", "user": "u2",
                    "agent": FIREFOX, "geo": ["fr", "x", "y"], "src": "db"}) + "\n"])
    result = process_spool(s, batch=2)  # places met again in later batches: same id
    assert result.events == 10 and len(result.unplaced) == 1
    places = _places(s)
    assert places == {("ZZ", "", ""): 0,
                      ("GB", "England", "London"): places[("GB", "England", "London")],
                      ("FR", "Île-de-France", "Paris"): places[("FR", "Île-de-France", "Paris")],
                      ("NG", "", ""): places[("NG", "", "")]}
    assert sorted(places.values()) == [0, 1, 2, 3]
    london, paris, nigeria = (places[("GB", "England", "London")],
                              places[("FR", "Île-de-France", "Paris")], places[("NG", "", "")])
    # private, malformed, loopback, before geography, unreadable place: unknown (id 0)
    assert _event_places(s) == {london: 2, paris: 2, nigeria: 1, 0: 5}
    # a later run: known places keep their id, a new one gets the next
    record_event(s.data_dir, "r", "doc-1", "2a02:ec80::5", FIREFOX, now=T0 + 3600,
                 resolver=geo)
    write_spool(s.data_dir, "2026-03-02-new.jsonl", [json.dumps(
        {"ts": T0 + 3700, "kind": "i", "item": "doc-1", "user": "u3", "agent": FIREFOX,
         "geo": ["KE", "Nairobi County", "Nairobi"], "src": "db"}) + "\n"])
    process_spool(s)
    again = _places(s)
    assert {k: v for k, v in again.items() if k[0] != "KE"} == places
    assert again[("KE", "Nairobi County", "Nairobi")] == 4
    # the reports give the names back
    period = parse_period("2026-03", "2026-03", NOW.date())
    report = build_place_report(s, PlaceRequest(period, ("city",), granularity="Total"))
    assert {(r["Country"], r["Region"], r["City"]): r["Performance"][TII]["2026-03"]
            for r in report["Rows"]} == {
        ("GB", "England", "London"): 2, ("FR", "Île-de-France", "Paris"): 3,
        ("NG", "", ""): 1, ("ZZ", "", ""): 5, ("KE", "Nairobi County", "Nairobi"): 1}
    assert build_dashboard(s, period).cities == 3


def test_a_place_read_before_is_still_checked_in_every_line(tmp_path):
    """Places found valid are remembered (one lookup per line after the first), but a
    line whose place only looks like one of them is still an unknown place."""
    path = tmp_path / "2026-03-02-1.jsonl"
    line = {"ts": T0, "kind": "i", "item": "doc-1", "user": "u", "agent": FIREFOX,
            "geo": ["FR", "Île-de-France", "Paris"], "src": "db"}
    for number in (1, 2):
        event = parse_line(path, number, json.dumps(line).encode())
        assert (event.country, event.region, event.city, event.source) == (
            "FR", "Île-de-France", "Paris", "db")
    for geo, src in ((["FR", ["Île-de-France"], "Paris"], "db"),
                     (["FR", "Île-de-France", 7], "db"), (["fr", "Île-de-France", "Paris"], "db"),
                     (["FR", "Île-de-France", "P" * 81], "db"),
                     (["FR", "Île-de-France", "Paris"], 5),
                     (["FR", "Île-de-France", "Paris"], "d" * 81)):
        with pytest.raises(UnreadPlace) as caught:
            parse_line(path, 3, json.dumps({**line, "geo": geo, "src": src}).encode())
        assert caught.value.event.country == "ZZ" and caught.value.event.item == "doc-1"


def _spool_two_years(settings) -> list[dict]:
    """Events over December 2025 and three months of 2026 in five places (one unknown,
    one a country without a city); every click counts (no two within 30 s)."""
    places = [("FR", "Île-de-France", "Paris"), ("KE", "Nairobi County", "Nairobi"),
              ("JP", "Tokyo", "Tokyo"), ("NG", "", ""), ("ZZ", "", "")]
    start = dt.datetime(2025, 12, 1, tzinfo=dt.UTC).timestamp()
    events, lines = [], {}
    for n in range(240):
        ts = start + (n * 7 % 110) * 86400 + n * 60
        event = {"ts": ts, "kind": "r" if n % 3 == 0 else "i", "item": f"doc-{n % 4}",
                 "view": "files/en/pdf" if n % 3 == 0 else "page", "user": f"u{n}",
                 "agent": FIREFOX, "geo": list(places[n % 5]), "src": "test-db"}
        day = dt.datetime.fromtimestamp(ts, dt.UTC).date().isoformat()
        lines.setdefault(day, []).append(json.dumps(event, ensure_ascii=False) + "\n")
        events.append(event)
    for day, day_lines in lines.items():
        write_spool(settings.data_dir, f"{day}-w1.jsonl", day_lines)
    return events


def _answers(settings) -> list:
    """Every report and page by place for the whole span, as they are shown."""
    period = parse_period("2025-12", "2026-03", NOW.date())
    out = []
    for by in (("city",), ("country", "city"), ("city", "item"), ("country", "language"),
               ("country",)):
        for granularity in ("Month", "Total"):
            report = build_place_report(settings, PlaceRequest(
                period, by, granularity=granularity), now=NOW)
            out += [report, place_report_tsv(report, period)]
    board = build_dashboard(settings, period)
    out += [board.cities, board.countries, board.languages, board.months,
            year_figures(settings, 2026)]
    return out


def _month(event: dict) -> str:
    return dt.datetime.fromtimestamp(event["ts"], dt.UTC).strftime("%Y-%m")


def test_migration_0904_down_and_up_keeps_every_answer(catalogue_settings):
    s = catalogue_settings
    events = _spool_two_years(s)
    assert process_spool(s).events == len(events)
    before = _answers(s)
    engine = make_engine(s.database_url)
    cfg = alembic_config(engine)
    command.downgrade(cfg, "0903_usage")
    with engine.connect() as conn:  # the names are back in the rows, by month per city
        assert Counter(tuple(r) for r in conn.execute(text(
            "SELECT country, region, city FROM usage_events"))) == Counter(
            tuple(e["geo"]) for e in events)
        assert dict(((m, c, t), n) for m, c, t, n in conn.execute(text(
            "SELECT month, country, city, count FROM usage_city_monthly "
            f"WHERE metric = '{TIR}'"))) == dict(Counter(
            (_month(e), e["geo"][0], e["geo"][2]) for e in events if e["kind"] == "r"))
        bits: dict[tuple[int, str], int] = {}
        for e in events:
            if e["geo"][2]:
                key = (int(_month(e)[:4]), e["geo"][2])
                bits[key] = bits.get(key, 0) | 1 << (int(_month(e)[5:]) - 1)
        assert {(y, c): m for y, c, m in conn.execute(text(
            "SELECT year, city, months FROM usage_city_yearly"))} == bits
        assert "usage_places" not in {r[0] for r in conn.execute(text(
            "SELECT table_name FROM information_schema.tables") if engine.dialect.name
            == "postgresql" else text("SELECT name FROM sqlite_master"))}
    command.upgrade(cfg, "heads")
    engine.dispose()
    assert _answers(s) == before
    # ids given by the migration and by process do not collide
    write_spool(s.data_dir, "2026-03-30-w2.jsonl", [json.dumps(
        {"ts": dt.datetime(2026, 3, 30, 9, tzinfo=dt.UTC).timestamp(), "kind": "i",
         "item": "doc-1", "user": "late", "agent": FIREFOX,
         "geo": ["BR", "São Paulo", "São Paulo"], "src": "test-db"}, ensure_ascii=False)
        + "\n"])
    process_spool(s)
    places = _places(s)
    assert len(places) == 6 and len(set(places.values())) == 6
    period = parse_period("2026-03", "2026-03", NOW.date())
    assert build_dashboard(s, period).cities == 4
