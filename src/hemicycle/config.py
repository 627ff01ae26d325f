"""Settings in one object: environment variables over hemicycle.toml over defaults.

Everything Hemicycle keeps lives under one data directory (default ``./var``,
or ``HEMICYCLE_DATA``), so that every command finds the same catalogue, search
index and storage root with no configuration at all.
"""

from __future__ import annotations

import os
import secrets
import tomllib
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Settings:
    data_dir: Path
    database_url: str
    secret_key: str = field(repr=False)
    max_upload_bytes: int = 200 * 1024 * 1024  # a file upload (web/limits.py)
    max_text_bytes: int = 10 * 1024 * 1024  # a text sent for subject suggestions
    max_body_bytes: int = 1024 * 1024  # any other request body
    base_url: str = "http://127.0.0.1:8000"
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

    @property
    def index_dir(self) -> Path:
        return self.data_dir / "index"

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


def _strings(toml: dict, key: str, default: list[str] | None = None) -> tuple[str, ...]:
    value = toml.get(key, default or [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ValueError(f"hemicycle.toml: {key}: expected a list of strings")
    return tuple(value)


def load_settings(data_dir: str | Path | None = None) -> Settings:
    data = Path(data_dir or os.environ.get("HEMICYCLE_DATA") or "var").resolve()
    toml = _read_toml(data)
    if not data.exists():  # it holds the catalogue, the secret key and readers' addresses
        data.parent.mkdir(parents=True, exist_ok=True)
        data.mkdir(mode=0o700, exist_ok=True)
    url = (
        os.environ.get("HEMICYCLE_DATABASE_URL")
        or toml.get("database_url")
        or f"sqlite:///{data / 'catalogue.sqlite3'}"
    )
    return Settings(
        data_dir=data,
        database_url=url,
        secret_key=os.environ.get("HEMICYCLE_SECRET_KEY") or toml.get("secret_key")
        or _secret_key(data),
        max_upload_bytes=int(toml.get("max_upload_bytes", 200 * 1024 * 1024)),
        max_text_bytes=int(toml.get("max_text_bytes", 10 * 1024 * 1024)),
        max_body_bytes=int(toml.get("max_body_bytes", 1024 * 1024)),
        base_url=os.environ.get("HEMICYCLE_BASE_URL") or toml.get("base_url")
        or "http://127.0.0.1:8000",
        sparql_service_allow=_strings(toml, "sparql_service_allow"),
        search_per_minute=int(toml.get("search_per_minute", 60)),
        costly_per_minute=int(toml.get("costly_per_minute", 10)),
        rate_limit_exempt=_strings(toml, "rate_limit_exempt", ["127.0.0.1", "::1"]),
        signin_failures_per_account=int(toml.get("signin_failures_per_account", 10)),
        signin_failures_per_address=int(toml.get("signin_failures_per_address", 30)),
        trusted_proxies=_strings(toml, "trusted_proxies"),
        cache_max_age=int(toml.get("cache_max_age", 300)),
    )
