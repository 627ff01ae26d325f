"""Where a reader is, to the city and no finer, from the address, when an event is recorded.

The address is resolved at the moment its event is spooled, then dropped: only the
country (ISO 3166-1 alpha-2), the region and the city names go on, with the name and
date of the database that resolved them. Two databases, chosen by
``Settings.geoip_database``:

* ``embedded``: the data file the geoip2fast package ships (MaxMind GeoLite2 Country,
  IPv4 and IPv6). Countries only: the package does not ship city data, so region and
  city stay unknown.
* a path to a MaxMind-format ``.mmdb`` file the operator supplies (GeoLite2 City or
  Country, GeoIP2, DB-IP Lite ...), read with ``maxminddb``: countries and cities.
* ``none``: every reader is unknown.

Nothing is ever downloaded. A private, reserved, malformed or unlisted address is
"unknown" (country ``ZZ``, CLDR's Unknown Region). A database that cannot be read is
an error when the resolver is opened (``hemicycle serve``, ``hemicycle usage process``);
a lookup that fails later is logged and its event counted as unknown, never lost.
"""

from __future__ import annotations

import datetime as dt
import importlib.metadata
import ipaddress
import logging
import re
import threading
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import geoip2fast
import maxminddb
from geoip2fast import GeoIP2Fast

log = logging.getLogger(__name__)

UNKNOWN = "ZZ"  # CLDR's code for Unknown Region
EMBEDDED, NONE = "embedded", "none"
SOURCE_LIMIT = 80
_COUNTRY = re.compile(r"[A-Z]{2}")


@dataclass(frozen=True)
class Place:
    country: str = UNKNOWN
    region: str = ""
    city: str = ""


UNKNOWN_PLACE = Place()


class GeoDatabaseError(Exception):
    """The configured database cannot be used; the message names the file and why."""


def _address(text: str) -> ipaddress.IPv4Address | ipaddress.IPv6Address | None:
    """A public address worth looking up, or None (malformed, private, reserved)."""
    try:
        address = ipaddress.ip_address(text.strip())
    except ValueError:
        return None
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped:
        address = address.ipv4_mapped
    return address if address.is_global else None


def _clean(text, limit: int = 80) -> str:
    return text.strip()[:limit] if isinstance(text, str) else ""


class Resolver:
    """Resolves an address to a Place; ``source`` names the database and its date."""

    source = "none"

    def locate(self, address: str) -> Place:
        """Never raises: anything that goes wrong is an unknown place."""
        ip = _address(address)
        if ip is None:
            return UNKNOWN_PLACE
        try:
            return self._lookup(ip)
        except Exception as exc:  # a database gone bad must not break a page
            _warn_once(self.source, f"{type(exc).__name__}: {exc}")
            return UNKNOWN_PLACE

    def _lookup(self, ip) -> Place:
        return UNKNOWN_PLACE


@lru_cache(maxsize=64)
def _warn_once(source: str, problem: str) -> None:
    log.warning("geography: lookup in %s failed (%s); counted as unknown", source, problem)


class EmbeddedResolver(Resolver):
    """The geoip2fast package's own file: countries, IPv4 and IPv6, loaded on first use
    (about 0.3 s and 60 MB per process)."""

    FILE = "geoip2fast-ipv6.dat.gz"

    def __init__(self) -> None:
        self.path = Path(geoip2fast.__file__).with_name(self.FILE)
        if not self.path.is_file():
            raise GeoDatabaseError(f"{self.path}: the embedded database is missing")
        self._engine: GeoIP2Fast | None = None
        self._source = ""
        self._broken = ""  # why the file could not be loaded: not tried again
        self._lock = threading.Lock()

    def _load(self) -> GeoIP2Fast:
        with self._lock:
            if self._broken:
                raise GeoDatabaseError(self._broken)
            if self._engine is None:
                try:
                    engine = GeoIP2Fast(geoip2fast_data_file=str(self.path))
                except Exception as exc:  # the package's loader raises bare Exceptions
                    self._broken = f"{self.path}: cannot be read ({exc})"
                    raise GeoDatabaseError(self._broken) from None
                # e.g. MAXMIND:GeoLite2-Country-IPv4IPv6-en-20240618
                info = str(engine.get_database_info().get("source_info", ""))
                match = re.search(r"(\d{4})(\d{2})(\d{2})$", info)
                day = "-".join(match.groups()) if match else "of unknown date"
                version = importlib.metadata.version("geoip2fast")
                self._source = f"GeoLite2-Country {day} (geoip2fast {version})"
                self._engine = engine
        return self._engine

    @property
    def source(self) -> str:  # type: ignore[override]
        """Never raises: an unreadable file is named as such (its events are unknown)."""
        if self._engine is None:
            try:
                self._load()
            except GeoDatabaseError as exc:
                _warn_once("the embedded database", str(exc))
                return "GeoLite2-Country (geoip2fast), unreadable"
        return self._source

    def open(self) -> EmbeddedResolver:
        """Load now rather than on the first event (a start-up check)."""
        self._load()
        return self

    def _lookup(self, ip) -> Place:
        result = (self._engine or self._load()).lookup(str(ip))
        code = result.country_code
        return Place(code) if _COUNTRY.fullmatch(code or "") else UNKNOWN_PLACE


def _en(names) -> str:
    return _clean(names.get("en") or next(iter(names.values()), "")) if isinstance(
        names, dict) and names else ""


class MmdbResolver(Resolver):
    """A MaxMind DB file (format 2.x): country, first subdivision and city, in English."""

    def __init__(self, path: Path) -> None:
        if not path.is_file():
            raise GeoDatabaseError(f"{path}: no such file (geoip_database)")
        try:
            reader = maxminddb.open_database(str(path))
        except (maxminddb.InvalidDatabaseError, OSError, ValueError) as exc:
            raise GeoDatabaseError(f"{path}: not a MaxMind DB file we can read "
                                   f"({_why_unreadable(path) or exc})") from None
        meta = reader.metadata()
        if meta.binary_format_major_version != 2:
            raise GeoDatabaseError(
                f"{path}: MaxMind DB format {meta.binary_format_major_version}."
                f"{meta.binary_format_minor_version}, newer than this reader understands "
                "(2.x); update maxminddb or supply a format 2 database")
        kind = str(meta.database_type)
        if not re.search(r"city|country", kind, re.I):
            raise GeoDatabaseError(f"{path}: database type {kind!r} has no countries "
                                   "(expected a City or Country database)")
        built = dt.datetime.fromtimestamp(meta.build_epoch, dt.UTC).date()
        self.path, self._reader = path, reader
        self.source = f"{kind} {built.isoformat()}"[:SOURCE_LIMIT]

    def _lookup(self, ip) -> Place:
        record = self._reader.get(str(ip))
        if not isinstance(record, dict):
            return UNKNOWN_PLACE
        country = record.get("country") or record.get("registered_country") or {}
        code = country.get("iso_code") if isinstance(country, dict) else country
        if not isinstance(code, str) or not _COUNTRY.fullmatch(code.upper()):
            return UNKNOWN_PLACE
        subdivisions = record.get("subdivisions") or [{}]
        region = _en(subdivisions[0].get("names")) if isinstance(subdivisions, list) \
            and isinstance(subdivisions[0], dict) else ""
        city = record.get("city")
        return Place(code.upper(), region, _en(city.get("names"))
                     if isinstance(city, dict) else "")


def _why_unreadable(path: Path) -> str:
    """The pure-Python reader says more than the C one (a newer format, a cut file)."""
    try:
        reader = maxminddb.open_database(str(path), maxminddb.MODE_MEMORY)
    except Exception as exc:
        return str(exc)
    meta = reader.metadata()
    if meta.binary_format_major_version != 2:
        return (f"MaxMind DB format {meta.binary_format_major_version}."
                f"{meta.binary_format_minor_version}, newer than this reader understands "
                "(2.x); update maxminddb or supply a format 2 database")
    return ""


def open_resolver(setting: str, data_dir: Path) -> Resolver:
    """The resolver ``Settings.geoip_database`` names; GeoDatabaseError if unusable."""
    choice = (setting or EMBEDDED).strip()
    if choice.lower() == NONE:
        return Resolver()
    if choice.lower() == EMBEDDED:
        return EmbeddedResolver()
    path = Path(choice).expanduser()
    return MmdbResolver(path if path.is_absolute() else data_dir / path)


_opened: dict[tuple[str, Path], Resolver] = {}
_opened_lock = threading.Lock()


def resolver_for(settings) -> Resolver:
    """One resolver per configuration and process (the database is loaded once)."""
    key = (settings.geoip_database, settings.data_dir)
    with _opened_lock:
        resolver = _opened.get(key)
        if resolver is None:
            resolver = _opened[key] = open_resolver(*key)
        return resolver


def check_database(settings) -> str:
    """Open (and for the embedded one, load) the configured database: its source line,
    or GeoDatabaseError. Run at start-up so a bad file is found before any reader."""
    resolver = resolver_for(settings)
    if isinstance(resolver, EmbeddedResolver):
        resolver.open()
    return resolver.source
