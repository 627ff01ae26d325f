"""Settings in one object: environment variables over hemicycle.toml over defaults.

Everything Hemicycle keeps lives under one data directory (default ``./var``,
or ``HEMICYCLE_DATA``), so that every command finds the same catalogue, search
index and storage root with no configuration at all. Every other setting is read
here too, as ``HEMICYCLE_<NAME>`` or ``<name>`` in the ``[hemicycle]`` section of
``hemicycle.toml``: no other module reads the environment. The search index is each
node's own (``HEMICYCLE_INDEX_DIR``): web nodes sharing one catalogue keep one replica each.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_BASE_URL = "http://127.0.0.1:8000"
DEFAULT_MAX_UPLOAD_BYTES = 200 * 1024 * 1024
DEFAULT_IIIF_CACHE_MB = 1024
DEFAULT_SEARCH_EXACT_UP_TO = 10_000
DEFAULT_INQUIRY_RETENTION_DAYS = 180
DEFAULT_TRAINING_RETENTION_DAYS = 90


class ConfigError(ValueError):
    """A setting that cannot be used; the message names it and where it came from."""


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str = field(repr=False)
    max_upload_bytes: int = DEFAULT_MAX_UPLOAD_BYTES  # a file upload (web/limits.py)
    max_text_bytes: int = 10 * 1024 * 1024  # a text sent for subject suggestions
    max_body_bytes: int = 1024 * 1024  # any other request body
    base_url: str = DEFAULT_BASE_URL
    # how storage writes reach the disk: fsync (each file and folder), syncfs (once per
    # OCFL version) or off (speed tests only); hemicycle.storage checks the value
    fsync: str = "fsync"
    iiif_cache_mb: int = DEFAULT_IIIF_CACHE_MB  # the IIIF page cache's size on disk
    admin_email: str | None = None  # OAI-PMH Identify's adminEmail (default admin@<host>)
    # browser assets installed from npm at set-up (scripts/web-assets.sh), served under /assets
    assets_dir: Path = field(default_factory=lambda: default_assets_dir())
    # search counts every match up to this many; beyond, totals and facet counts are
    # estimated on a sample of about as many documents (hemicycle.search.counts)
    search_exact_up_to: int = DEFAULT_SEARCH_EXACT_UP_TO
    # where readers' addresses are resolved to country and city (hemicycle.usage.geo):
    # "embedded" (the database the geoip2fast package ships: countries), "none", or
    # the path of a MaxMind-format .mmdb file (relative paths: under the data dir)
    geoip_database: str = "embedded"
    # days an inquiry is kept after it was last touched (``hemicycle inquiries purge``)
    inquiry_retention_days: int = DEFAULT_INQUIRY_RETENTION_DAYS
    # days after a training session that its registrants' names and e-mails are kept
    training_retention_days: int = DEFAULT_TRAINING_RETENTION_DAYS
    # this node's search index (each web node keeps a replica of its own); default
    # data_dir/index
    search_index_dir: Path | None = None
    # SPARQL endpoints a federated query (SERVICE <IRI>) may call; none by default
    sparql_service_allow: tuple[str, ...] = ()
    # anonymous requests a minute per client address (0: no limit), see web/ratelimit.py
    search_per_minute: int = 60
    costly_per_minute: int = 10
    rate_limit_exempt: tuple[str, ...] = ("127.0.0.1", "::1")  # addresses or networks
    # failed sign-ins in 15 minutes: per account from any address, per address overall
    signin_failures_per_account: int = 10
    signin_failures_per_address: int = 30
    cache_max_age: int = 300  # seconds shared caches may keep public pages (web/caching.py)
    # reverse proxies whose X-Forwarded-For is believed (addresses or networks)
    trusted_proxies: tuple[str, ...] = ()
    # the Index to Proceedings file ``subjects learn`` starts from when no model is trained
    # yet (hemicycle.subjects.service.learn); default: the one bundled in corpus/
    subjects_itp: Path = field(default_factory=lambda: default_subjects_itp())

    @property
    def index_dir(self) -> Path:
        return self.search_index_dir or self.data_dir / "index"

    @property
    def storage_root(self) -> Path:
        return self.data_dir / "ocfl"

    @property
    def replica_root(self) -> Path:
        return self.data_dir / "ocfl-replica"

    @property
    def files_dir(self) -> Path:
        """Working copies of ingested files, addressed by checksum."""
        return self.data_dir / "files"

    @property
    def iiif_cache_bytes(self) -> int:
        return self.iiif_cache_mb * 1024 * 1024


def default_assets_dir() -> Path:
    """web/node_modules of the source tree (where ``make setup`` installs them)."""
    return Path(__file__).resolve().parents[2] / "web" / "node_modules"


def default_subjects_itp() -> Path:
    """The Security Council Index entries 2005-2017 bundled in the source tree."""
    return (Path(__file__).resolve().parents[2] / "corpus" / "subjects" / "itp"
            / "itp_sc_2005_2017_entries_minus_heldout.tsv")


def _read_toml(data_dir: Path) -> dict:
    for candidate in (data_dir / "hemicycle.toml", Path("hemicycle.toml")):
        if candidate.is_file():
            with candidate.open("rb") as fh:
                return tomllib.load(fh).get("hemicycle", {})
    return {}


def _secret_key(data_dir: Path) -> str:
    """A per-installation key, created once (readable by its owner only, from the first
    byte), so sessions survive restarts."""
    path = data_dir / "secret.key"
    if path.is_file():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_name(f".secret.key.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w") as fh:
        fh.write(key)
    os.replace(tmp, path)
    return key


def _whole_number(value: object) -> int:
    if isinstance(value, bool) or not str(value).strip().isdigit():
        raise ValueError("not a whole number")
    return int(str(value).strip())


def _days(value: object) -> int:
    days = _whole_number(value)
    if days < 1:
        raise ValueError("less than one day")
    return days
def _path(value: object) -> Path:
    return Path(str(value)).expanduser().resolve()


def _strings(value: object) -> tuple[str, ...]:
    """A list of strings in hemicycle.toml, or comma-separated in the environment."""
    if isinstance(value, str):
        return tuple(v.strip() for v in value.split(",") if v.strip())
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError("not a list of strings")
    return tuple(value)


def _setting(toml: dict, name: str, parse: Callable[[object], object] = str):
    """``HEMICYCLE_<NAME>`` from the environment, else ``<name>`` from hemicycle.toml, else
    None; an empty environment variable counts as unset."""
    env = f"HEMICYCLE_{name.upper()}"
    value, source = os.environ.get(env) or None, env
    if value is None:
        value, source = toml.get(name), f"hemicycle.toml: {name}"
    if value is None:
        return None
    try:
        return parse(value)
    except ValueError as exc:
        raise ConfigError(f"{source}: {value!r} is {exc}") from None


def _or(value, default):
    return default if value is None else value


def load_settings(data_dir: str | Path | None = None) -> Settings:
    data = Path(data_dir or os.environ.get("HEMICYCLE_DATA") or "var").resolve()
    toml = _read_toml(data)
    if not data.exists():  # it holds the catalogue, the secret key and readers' addresses
        data.parent.mkdir(parents=True, exist_ok=True)
        data.mkdir(mode=0o700, exist_ok=True)
    exact_up_to = _setting(toml, "search_exact_up_to", _whole_number)
    inquiry_days = _setting(toml, "inquiry_retention_days", _days)
    training_days = _setting(toml, "training_retention_days", _days)

    def number(name: str, default: int) -> int:
        return _or(_setting(toml, name, _whole_number), default)

    def strings(name: str, default: tuple[str, ...] = ()) -> tuple[str, ...]:
        return _or(_setting(toml, name, _strings), default)

    return Settings(
        data_dir=data,
        database_url=_setting(toml, "database_url")
        or f"sqlite:///{data / 'catalogue.sqlite3'}",
        secret_key=_setting(toml, "secret_key") or _secret_key(data),
        max_upload_bytes=number("max_upload_bytes", DEFAULT_MAX_UPLOAD_BYTES),
        max_text_bytes=number("max_text_bytes", 10 * 1024 * 1024),
        max_body_bytes=number("max_body_bytes", 1024 * 1024),
        base_url=_setting(toml, "base_url") or DEFAULT_BASE_URL,
        fsync=_setting(toml, "fsync") or "fsync",
        iiif_cache_mb=number("iiif_cache_mb", DEFAULT_IIIF_CACHE_MB),
        admin_email=_setting(toml, "admin_email"),
        assets_dir=Path(_setting(toml, "assets") or default_assets_dir()),
        search_exact_up_to=(DEFAULT_SEARCH_EXACT_UP_TO if exact_up_to is None
                            else max(1, exact_up_to)),
        geoip_database=_setting(toml, "geoip_database") or "embedded",
        inquiry_retention_days=DEFAULT_INQUIRY_RETENTION_DAYS if inquiry_days is None
        else inquiry_days,
        training_retention_days=DEFAULT_TRAINING_RETENTION_DAYS if training_days is None
        else training_days,
        search_index_dir=_setting(toml, "index_dir", _path),
        sparql_service_allow=strings("sparql_service_allow"),
        search_per_minute=number("search_per_minute", 60),
        costly_per_minute=number("costly_per_minute", 10),
        rate_limit_exempt=strings("rate_limit_exempt", ("127.0.0.1", "::1")),
        signin_failures_per_account=number("signin_failures_per_account", 10),
        signin_failures_per_address=number("signin_failures_per_address", 30),
        trusted_proxies=strings("trusted_proxies"),
        cache_max_age=number("cache_max_age", 300),
        subjects_itp=_setting(toml, "subjects_itp", _path) or default_subjects_itp(),
    )
