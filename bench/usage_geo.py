"""Usage with geography at scale: processing with vs without places, and the dashboard and
reports by place over a year.

A synthetic year of a busy library (default 1,000,000 events; ``--events 30000000`` for
the issue's year of ~30 million events and ~3 million downloads): readers' addresses
are drawn from the embedded database itself (random public IPv4 addresses and IPv6
addresses in the regional registries' blocks, kept when the database places them, so
countries come in the proportions of the address space; 8% of readers unplaced),
user agents with ~12% robots and machines, items log-uniform over the documents, 10%
downloads, 15% searches, 8% double clicks. The embedded database has countries only;
to give the city tables a realistic size each address is given a city from a pool per
country (``--cities``, default 70,000 in all), the way a City database would.

Same run, same events, two fresh SQLite catalogues:
* baseline: the spool lines without places (as before geography), ``process``;
* ours: the same lines with their places, ``process`` (counts by place and roll-ups).
Then on ours: the staff dashboard for the year, the country and city reports, and the
year's figures, each timed (median of 3 after a warm-up).

    .venv/bin/python bench/usage_geo.py [--events N] [--items N] [--cities N]
"""

from __future__ import annotations

import argparse
import datetime as dt
import ipaddress
import json
import random
import shutil
import statistics
import sys
import tempfile
import time
from pathlib import Path

from sqlalchemy import insert

from hemicycle.catalogue.db import get_engine
from hemicycle.catalogue.models import Document
from hemicycle.config import load_settings
from hemicycle.usage.dashboard import build_dashboard
from hemicycle.usage.figures import year_figures
from hemicycle.usage.geo import UNKNOWN_PLACE, Place, open_resolver
from hemicycle.usage.period import Period
from hemicycle.usage.places import PlaceRequest, build_place_report
from hemicycle.usage.process import process_spool

BROWSERS = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_5) AppleWebKit/605.1.15 (KHTML, like Gecko) "
    "Version/17.5 Safari/605.1.15",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
    "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Mobile Safari/537.36",
]
ROBOTS = [
    "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
    "Mozilla/5.0 (compatible; bingbot/2.0; +http://www.bing.com/bingbot.htm)",
    "Mozilla/5.0 (compatible; YandexBot/3.0; +http://yandex.com/bots)",
    "python-requests/2.32.3", "curl/8.5.0", "Wget/1.21.4", "",
]
VIEWS = ["page", "page", "api", "api/text/en", "api/text/fr", "api/text/es"]
LANGS = ["en", "en", "en", "fr", "fr", "es", "ar", "ru", "zh"]
TYPES = ["resolution", "meeting record", "report", None, "draft resolution", "decision"]
BODIES = ["GA", "SC", "ECOSOC", "HRC", None]
# the regional registries' IPv6 blocks (IANA): where assigned IPv6 addresses are
IPV6_BLOCKS = [ipaddress.ip_network(n) for n in (
    "2001:200::/23", "2400::/12", "2600::/12", "2800::/12", "2a00::/12", "2c00::/12")]


def draw_addresses(n: int, rng: random.Random, resolver) -> list[tuple[str, Place]]:
    """``n`` addresses the database places (and 8% it cannot), 15% of them IPv6."""
    out: list[tuple[str, Place]] = []
    while len(out) < n:
        if rng.random() < 0.08:
            out.append((f"10.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(256)}",
                        UNKNOWN_PLACE))
            continue
        if rng.random() < 0.15:
            block = rng.choice(IPV6_BLOCKS)
            address = str(block[rng.randrange(block.num_addresses)])
        else:
            address = str(ipaddress.IPv4Address(rng.randrange(1 << 24, 224 << 24)))
        place = resolver.locate(address)
        if place != UNKNOWN_PLACE:
            out.append((address, place))
    return out


def with_cities(pool: list[tuple[str, Place]], cities: int) -> list[Place]:
    """A city per address, from a pool per country sized by its share of addresses."""
    share: dict[str, int] = {}
    for _, place in pool:
        share[place.country] = share.get(place.country, 0) + 1
    out = []
    for address, place in pool:
        if place == UNKNOWN_PLACE:
            out.append(place)
            continue
        size = max(3, cities * share[place.country] // len(pool))
        number = int(ipaddress.ip_address(address)) >> 10
        out.append(Place(place.country, f"{place.country} region {number % 7}",
                         f"{place.country} city {number % size}"))
    return out


def generate(folders: tuple[Path, Path], events: int, items: int, places: list[Place],
             source: str, seed: int = 7) -> Period:
    """The same spool twice: ``folders[0]`` without places, ``folders[1]`` with them.

    Lines are put together from pieces encoded once (agents, places, views), not by
    ``json.dumps`` per event: 30 million events twice must be written in minutes."""
    rng = random.Random(seed)
    random_, randrange, uniform = rng.random, rng.randrange, rng.uniform
    first = dt.date(2026, 1, 1)
    days = 365
    per_day = events // days
    uids = [f"{n:032x}" for n in range(items)]
    agents = [json.dumps(a) for a in BROWSERS + ROBOTS]
    geo = [json.dumps([p.country, p.region, p.city], ensure_ascii=False, separators=(",", ":"))
           for p in places]
    src = json.dumps(source, ensure_ascii=False)
    downloads = [json.dumps(f"files/{lang}/pdf") for lang in LANGS]
    views = [json.dumps(v) for v in VIEWS]
    page = json.dumps("page")
    for folder in folders:
        (folder / "usage" / "spool").mkdir(parents=True)
    written = 0
    for d in range(days):
        day = first + dt.timedelta(d)
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
        n_today = per_day if d < days - 1 else events - written
        plain: list[tuple[float, str]] = []
        placed: list[tuple[float, str]] = []
        readers = max(50, n_today // 8)
        while len(plain) < n_today:
            ts = start + random_() * 86390
            reader = randrange(readers)
            where = geo[(reader * 7919 + d * 104729) % len(places)]
            agent = (agents[len(BROWSERS) + reader % len(ROBOTS)] if reader % 9 == 0
                     else agents[reader % len(BROWSERS)])
            item = uids[(int(items ** random_()) - 1) * 7919 % items]
            roll = random_()
            if roll < 0.15:
                kind, what, view = "s", f"q:{randrange(50000):x}", page
            elif roll < 0.25:
                kind, what, view = "r", item, downloads[randrange(len(LANGS))]
            else:
                kind, what, view = "i", item, views[randrange(len(VIEWS))]
            head = f'"kind":"{kind}","item":"{what}","view":{view},"user":"{d:03d}r{reader}"'
            clicks = 2 if random_() < 0.08 else 1
            for c in range(clicks):
                when = round(min(ts + c * uniform(1, 29), start + 86399.9), 3)
                line = f'{{"ts":{when!r},{head},"agent":{agent}'
                plain.append((when, line + "}"))
                placed.append((when, f'{line},"geo":{where},"src":{src}}}'))
        for folder, lines in zip(folders, (plain, placed), strict=True):
            lines = sorted(lines[:n_today])
            half = len(lines) // 2
            for pid, part in ((1, lines[:half]), (2, lines[half:])):
                path = folder / "usage" / "spool" / f"{day.isoformat()}-{pid}.jsonl"
                path.write_text("".join(text + "\n" for _, text in part), encoding="utf-8")
        written += min(n_today, len(plain))
    return Period(first, first + dt.timedelta(days - 1))


def add_documents(url: str, items: int) -> None:
    engine = get_engine(url)
    rows = [{"uid": f"{n:032x}", "symbol": f"A/BENCH/{n}", "doc_type": TYPES[n % len(TYPES)],
             "body": BODIES[n % len(BODIES)], "status": "published", "extra": {}}
            for n in range(items)]
    with engine.begin() as conn:
        for i in range(0, len(rows), 20000):
            conn.execute(insert(Document), rows[i:i + 20000])


def timed(label: str, work, repeat: int = 3):
    work()  # warm-up: the same query plans and page cache for every repeat
    times = []
    for _ in range(repeat):
        started = time.perf_counter()
        result = work()
        times.append(time.perf_counter() - started)
    print(f"{label}: median {statistics.median(times) * 1000:,.0f} ms "
          f"(min {min(times) * 1000:,.0f}, max {max(times) * 1000:,.0f})", flush=True)
    return result


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--events", type=int, default=1_000_000)
    ap.add_argument("--items", type=int, default=100_000)
    ap.add_argument("--cities", type=int, default=70_000)
    ap.add_argument("--addresses", type=int, default=200_000)
    args = ap.parse_args()
    begun = time.perf_counter()
    resolver = open_resolver("embedded", Path("."))
    rng = random.Random(11)
    started = time.perf_counter()
    pool = draw_addresses(args.addresses, rng, resolver)
    print(f"drew {len(pool):,} addresses from {resolver.source} in "
          f"{time.perf_counter() - started:.1f} s; "
          f"{len({p.country for _, p in pool}):,} countries", flush=True)
    started = time.perf_counter()
    for address, _ in pool:
        resolver.locate(address)
    lookup = (time.perf_counter() - started) / len(pool)
    print(f"resolution when spooling (embedded database): {lookup * 1e6:.1f} µs per event "
          f"({1 / lookup:,.0f} addresses/s)", flush=True)
    places = with_cities(pool, args.cities)
    with tempfile.TemporaryDirectory(prefix="usage-geo-bench-") as tmp:
        plain_dir, placed_dir = Path(tmp) / "plain", Path(tmp) / "placed"
        started = time.perf_counter()
        period = generate((plain_dir, placed_dir), args.events, args.items, places,
                          resolver.source)
        print(f"generated {args.events:,} events twice in {time.perf_counter() - started:.0f} s",
              flush=True)
        rates, cpus = {}, {}
        for name, folder in (("baseline, no places", plain_dir), ("ours, with places",
                                                                  placed_dir)):
            settings = load_settings(folder)
            add_documents(settings.database_url, args.items)
            started, cpu = time.perf_counter(), time.process_time()
            result = process_spool(settings)
            seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
            rates[name] = result.lines / seconds
            cpus[name] = cpu
            print(f"{name}: process {result.lines:,} lines ({result.events:,} events, "
                  f"{result.robots:,} robots) in {seconds:.1f} s = {rates[name]:,.0f} "
                  f"lines/s; {cpu:.1f} CPU s", flush=True)
            if folder == plain_dir:  # not read again: its disk space back (~1 GB/M events)
                shutil.rmtree(plain_dir)
        ratio = rates["ours, with places"] / rates["baseline, no places"]
        print(f"ratio with/without places: {ratio:.2f} (CPU seconds without/with: "
              f"{cpus['baseline, no places'] / cpus['ours, with places']:.2f})")
        settings = load_settings(placed_dir)
        size = (placed_dir / "catalogue.sqlite3").stat().st_size
        print(f"catalogue with places: {size / 1e9:.2f} GB", flush=True)
        board = timed("dashboard for the year (build_dashboard)",
                      lambda: build_dashboard(settings, period))
        print(f"  {board.total.downloads:,} downloads, {board.known_countries} countries, "
              f"{board.cities:,} cities")
        timed("country report for the year (JSON, Total)", lambda: build_place_report(
            settings, PlaceRequest(period, ("country",), granularity="Total")))
        timed("country report for the year (JSON, by month)", lambda: build_place_report(
            settings, PlaceRequest(period, ("country",))))
        report = timed("city report for the year (JSON, by month)", lambda: build_place_report(
            settings, PlaceRequest(period, ("city",))))
        print(f"  {len(report['Rows']):,} cities")
        timed("city report for the year (JSON, Total)", lambda: build_place_report(
            settings, PlaceRequest(period, ("city",), granularity="Total")))
        timed("country x language report (by month)", lambda: build_place_report(
            settings, PlaceRequest(period, ("country", "language"))))
        timed("body x type report (by month)", lambda: build_place_report(
            settings, PlaceRequest(period, ("body", "type"))), repeat=1)
        timed("figures for the year", lambda: year_figures(settings, 2026))
    print(f"whole run: {(time.perf_counter() - begun) / 60:.1f} min", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
