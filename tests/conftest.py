"""Shared fixtures: a fresh data directory, a real SQLite file and a real PostgreSQL
database per test (the server is started by scripts/test-postgres.sh)."""

from __future__ import annotations

import os
import subprocess
import uuid
from pathlib import Path

import pytest

from hemicycle.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
PG_ADMIN_URL = os.environ.get(
    "HEMICYCLE_TEST_PG", "postgresql://hemicycle:hemicycle@127.0.0.1:54329/hemicycle"
)


@pytest.fixture
def data_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    path = tmp_path / "data"
    path.mkdir()
    monkeypatch.setenv("HEMICYCLE_DATA", str(path))
    monkeypatch.delenv("HEMICYCLE_DATABASE_URL", raising=False)
    return path


@pytest.fixture
def settings(data_dir: Path) -> Settings:
    """Settings for a fresh data directory with an SQLite catalogue."""
    return load_settings(data_dir)


@pytest.fixture(scope="session")
def pg_server() -> str:
    subprocess.run(["bash", str(ROOT / "scripts" / "test-postgres.sh")], check=True)
    return PG_ADMIN_URL


@pytest.fixture
def pg_url(pg_server: str) -> str:
    """A fresh, empty PostgreSQL database for one test, dropped afterwards."""
    import psycopg

    name = f"t_{uuid.uuid4().hex[:16]}"
    admin = pg_server.replace("postgresql://", "postgresql://", 1)
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    url = admin.rsplit("/", 1)[0] + "/" + name
    yield url
    from hemicycle.catalogue.db import dispose_all

    dispose_all()
    with psycopg.connect(admin, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture(params=["sqlite", "postgresql"])
def catalogue_settings(request: pytest.FixtureRequest, data_dir: Path,
                       monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings whose catalogue is SQLite or PostgreSQL: run a test against both."""
    if request.param == "postgresql":
        url = request.getfixturevalue("pg_url")
        monkeypatch.setenv("HEMICYCLE_DATABASE_URL", url)
    return load_settings(data_dir)


CHROMIUM = "/usr/bin/chromium"
# As root, without a sandbox; no background traffic (this machine has no network).
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]


@pytest.fixture
def live_server(settings: Settings):
    """The real app under uvicorn on a free loopback port; yields its Settings (base_url set)."""
    import dataclasses

    from hemicycle.web.app import create_app
    from served import free_port, serving

    port = free_port()
    live = dataclasses.replace(settings, base_url=f"http://127.0.0.1:{port}")
    with serving(create_app(live), port):
        yield live


@pytest.fixture
def browser():
    """Debian's Chromium, headless, driven by Playwright."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        chromium = pw.chromium.launch(executable_path=CHROMIUM, headless=True,
                                      args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()
