"""Sample traffic for a demonstration site that has no readers: ``hemicycle usage sample``.

It writes spool lines like the web app's, for published documents of the catalogue,
from readers in real cities (capitals and large cities, weighted roughly by population
online), with robots among them, over past days. Every line carries the geography
source ``SAMPLE_SOURCE``: ``process`` counts it like any other, and every report, the
staff page and ``figures`` say that sample traffic is included, with how many events:
it is never mixed into real figures silently. It is meant for demonstration data
directories only (``make demo``), never for a site with real readers.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import random
from pathlib import Path

from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, File
from hemicycle.config import Settings
from hemicycle.usage.pages import page_item, page_view
from hemicycle.usage.spool import spool_dir

SAMPLE_SOURCE = "sample traffic (hemicycle usage sample)"

# (country, region, city, weight): real places, weights a rough share of readers
PLACES: tuple[tuple[str, str, str, int], ...] = (
    ("US", "New York", "New York", 60), ("US", "District of Columbia", "Washington", 30),
    ("US", "California", "Los Angeles", 15), ("CH", "Geneva", "Geneva", 25),
    ("FR", "Île-de-France", "Paris", 30), ("GB", "England", "London", 30),
    ("DE", "Berlin", "Berlin", 15), ("ES", "Madrid", "Madrid", 15),
    ("IT", "Lazio", "Rome", 10), ("NL", "South Holland", "The Hague", 8),
    ("BE", "Brussels Capital", "Brussels", 8), ("AT", "Vienna", "Vienna", 8),
    ("RU", "Moscow", "Moscow", 20), ("UA", "Kyiv City", "Kyiv", 6),
    ("CN", "Beijing", "Beijing", 25), ("CN", "Shanghai", "Shanghai", 15),
    ("JP", "Tokyo", "Tokyo", 12), ("KR", "Seoul", "Seoul", 8), ("IN", "Delhi", "New Delhi", 25),
    ("IN", "Maharashtra", "Mumbai", 12), ("PK", "Islamabad", "Islamabad", 6),
    ("BD", "Dhaka Division", "Dhaka", 5), ("ID", "Jakarta", "Jakarta", 6),
    ("PH", "Metro Manila", "Manila", 5), ("TH", "Bangkok", "Bangkok", 4),
    ("AU", "Australian Capital Territory", "Canberra", 4),
    ("EG", "Cairo Governorate", "Cairo", 15), ("SA", "Riyadh Region", "Riyadh", 10),
    ("AE", "Dubai", "Dubai", 6), ("JO", "Amman Governorate", "Amman", 5),
    ("LB", "Beirut Governorate", "Beirut", 4), ("MA", "Rabat-Salé-Kénitra", "Rabat", 5),
    ("DZ", "Algiers", "Algiers", 5), ("TN", "Tunis Governorate", "Tunis", 3),
    ("IQ", "Baghdad", "Baghdad", 4), ("QA", "Baladiyat ad Dawhah", "Doha", 3),
    ("KE", "Nairobi County", "Nairobi", 10), ("NG", "Lagos", "Lagos", 8),
    ("ET", "Addis Ababa", "Addis Ababa", 6), ("ZA", "Gauteng", "Pretoria", 6),
    ("SN", "Dakar", "Dakar", 5), ("CI", "Abidjan", "Abidjan", 4),
    ("CD", "Kinshasa", "Kinshasa", 3), ("GH", "Greater Accra", "Accra", 3),
    ("BR", "Distrito Federal", "Brasília", 8), ("BR", "São Paulo", "São Paulo", 10),
    ("MX", "Mexico City", "Mexico City", 10), ("AR", "Buenos Aires F.D.", "Buenos Aires", 8),
    ("CO", "Bogota D.C.", "Bogotá", 6), ("CL", "Santiago Metropolitan", "Santiago", 5),
    ("PE", "Lima Province", "Lima", 4), ("CA", "Ontario", "Ottawa", 8),
    ("CA", "Quebec", "Montreal", 6), ("TR", "Ankara", "Ankara", 5),
    ("IR", "Tehran", "Tehran", 4), ("KZ", "Almaty", "Almaty", 3),
    ("", "", "", 12),  # readers no database could place: unknown
)
BROWSERS = (
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
    "Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0",
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1",
)
ROBOTS = ("Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)",
          "python-requests/2.32.3")
# pages of the demo's knowledge services (corpus/knowledge), as hemicycle.knowledge.views
# names them
SAMPLE_PAGES = (("guide", "/guides/security-council-documents/en"),
                ("guide", "/guides/voting-data/fr"), ("faq", "/faq/symbol-meaning"),
                ("page", "/states/FRA"))


def is_sample(source: str) -> bool:
    return source == SAMPLE_SOURCE


def _documents(settings: Settings) -> list[tuple[str, list[str]]]:
    """Published documents with their files (``language/format``)."""
    with session_scope(settings.database_url) as db:
        files: dict[int, set[str]] = {}
        for doc_id, language, fmt in db.execute(
                select(File.document_id, File.language, File.format)):
            files.setdefault(doc_id, set()).add(f"{language}/{fmt}")
        return [(uid, sorted(files.get(doc_id, ()))) for doc_id, uid in db.execute(
            select(Document.id, Document.uid).where(Document.status == "published")
            .order_by(Document.id))]


def write_sample(settings: Settings, *, days: int = 365, per_day: int = 300,
                 today: dt.date | None = None, seed: int = 20) -> int:
    """Spool ``per_day`` sample events for each of the ``days`` days before ``today``;
    the number of lines written. Rerunning writes the same files again (no double)."""
    documents = _documents(settings)
    if not documents:
        raise ValueError("no published document to sample usage of: load some first")
    rng = random.Random(seed)
    today = today or dt.datetime.now(dt.UTC).date()
    weights = [w for *_, w in PLACES]
    folder = spool_dir(settings.data_dir)
    folder.mkdir(parents=True, exist_ok=True)
    written = 0
    for back in range(days, 0, -1):
        day = today - dt.timedelta(days=back)
        start = dt.datetime(day.year, day.month, day.day, tzinfo=dt.UTC).timestamp()
        season = 1.0 + 0.3 * ((day.month in (9, 10)) - (day.month in (7, 8)))
        lines = []
        for _ in range(int(per_day * season)):
            country, region, city, _w = rng.choices(PLACES, weights)[0]
            reader = hashlib.blake2b(f"{day}{rng.randrange(per_day)}".encode(),
                                     digest_size=10).hexdigest()
            agent = rng.choice(ROBOTS) if rng.random() < 0.08 else rng.choice(BROWSERS)
            roll = rng.random()
            if roll < 0.04:
                kind_, path = rng.choice(SAMPLE_PAGES)
                item, kind = page_item(kind_, path), "i"
                view = page_view(rng.choice(("ar", "zh", "en", "fr", "ru", "es")))
            else:
                # popularity: a few documents much used, a long tail
                uid, files = documents[int(len(documents) ** rng.random()) - 1]
                item = uid
                if files and roll < 0.45:
                    kind, view = "r", f"files/{rng.choice(files)}"
                else:
                    kind, view = "i", rng.choice(("page", "page", "api"))
            ts = start + rng.random() * 86399
            lines.append((ts, json.dumps({
                "ts": round(ts, 3), "kind": kind, "item": item, "view": view,
                "user": reader, "agent": agent, "geo": [country or "ZZ", region, city],
                "src": SAMPLE_SOURCE}, ensure_ascii=False, separators=(",", ":"))))
        lines.sort()
        path = folder / f"{day.isoformat()}-sample.jsonl"
        _write_whole(path, "".join(text + "\n" for _, text in lines))
        written += len(lines)
    return written


def _write_whole(path: Path, text: str) -> None:
    """A sample file already there and read is left alone (rerunning adds nothing)."""
    if path.exists():
        return
    tmp = path.with_name(f".{path.name}.part")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)
