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
    max_upload_bytes: int = 200 * 1024 * 1024
    base_url: str = "http://127.0.0.1:8000"
    # browser assets installed from npm at set-up (scripts/web-assets.sh), served under /assets
    assets_dir: Path = field(default_factory=lambda: default_assets_dir())

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


def default_assets_dir() -> Path:
    """web/node_modules of the source tree (where ``make setup`` installs them)."""
    return Path(__file__).resolve().parents[2] / "web" / "node_modules"


def _read_toml(data_dir: Path) -> dict:
    for candidate in (data_dir / "hemicycle.toml", Path("hemicycle.toml")):
        if candidate.is_file():
            with candidate.open("rb") as fh:
                return tomllib.load(fh).get("hemicycle", {})
    return {}


def _secret_key(data_dir: Path) -> str:
    """A per-installation key, created once, so sessions survive restarts."""
    path = data_dir / "secret.key"
    if path.is_file():
        return path.read_text().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(key)
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)
    return key


def load_settings(data_dir: str | Path | None = None) -> Settings:
    data = Path(data_dir or os.environ.get("HEMICYCLE_DATA") or "var").resolve()
    toml = _read_toml(data)
    data.mkdir(parents=True, exist_ok=True)
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
        base_url=os.environ.get("HEMICYCLE_BASE_URL") or toml.get("base_url")
        or "http://127.0.0.1:8000",
        assets_dir=Path(os.environ.get("HEMICYCLE_ASSETS") or toml.get("assets_dir")
                        or default_assets_dir()),
    )
