"""Every setting comes through ``hemicycle.config.Settings``: from the environment, from
hemicycle.toml, or its default; no other module reads the environment."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.config import ConfigError, load_settings

SRC = Path(__file__).resolve().parents[2] / "src" / "hemicycle"
SETTINGS = ("HEMICYCLE_FSYNC", "HEMICYCLE_IIIF_CACHE_MB", "HEMICYCLE_ADMIN_EMAIL",
            "HEMICYCLE_BASE_URL", "HEMICYCLE_MAX_UPLOAD_BYTES", "HEMICYCLE_SECRET_KEY")


@pytest.fixture
def clean_env(data_dir, monkeypatch):
    for name in SETTINGS:
        monkeypatch.delenv(name, raising=False)
    return data_dir


def test_defaults_with_no_configuration(clean_env) -> None:
    s = load_settings(clean_env)
    assert s.database_url == f"sqlite:///{clean_env / 'catalogue.sqlite3'}"
    assert (s.fsync, s.iiif_cache_mb, s.admin_email) == ("fsync", 1024, None)
    assert s.iiif_cache_bytes == 1024 ** 3
    assert s.max_upload_bytes == 200 * 1024 * 1024
    assert s.base_url == "http://127.0.0.1:8000"


def test_toml_then_environment(clean_env, monkeypatch) -> None:
    (clean_env / "hemicycle.toml").write_text(
        '[hemicycle]\nfsync = "syncfs"\niiif_cache_mb = 64\nadmin_email = "lib@un.example"\n'
        'base_url = "https://toml.example"\nmax_upload_bytes = 1000\n', encoding="utf-8")
    s = load_settings(clean_env)
    assert (s.fsync, s.iiif_cache_mb, s.admin_email) == ("syncfs", 64, "lib@un.example")
    assert (s.base_url, s.max_upload_bytes) == ("https://toml.example", 1000)
    monkeypatch.setenv("HEMICYCLE_FSYNC", "off")
    monkeypatch.setenv("HEMICYCLE_IIIF_CACHE_MB", "0")
    monkeypatch.setenv("HEMICYCLE_ADMIN_EMAIL", "env@un.example")
    s = load_settings(clean_env)
    assert (s.fsync, s.iiif_cache_mb, s.admin_email) == ("off", 0, "env@un.example")


@pytest.mark.parametrize(("source", "value"), [("env", "lots"), ("toml", '"-5"')])
def test_a_bad_setting_names_itself(clean_env, monkeypatch, source, value) -> None:
    if source == "env":
        monkeypatch.setenv("HEMICYCLE_IIIF_CACHE_MB", value)
        where = "HEMICYCLE_IIIF_CACHE_MB: 'lots'"
    else:
        (clean_env / "hemicycle.toml").write_text(f"[hemicycle]\niiif_cache_mb = {value}\n")
        where = "hemicycle.toml: iiif_cache_mb: '-5'"
    with pytest.raises(ConfigError, match=where):
        load_settings(clean_env)
    result = CliRunner().invoke(app, ["migrate"])
    assert result.exit_code == 1
    assert "is not a whole number" in result.output and "Traceback" not in result.output


def test_no_module_but_config_reads_our_environment() -> None:
    """``os.environ``/``os.getenv`` reads of HEMICYCLE_* anywhere else bypass Settings."""
    found = []
    for path in SRC.rglob("*.py"):
        if path == SRC / "config.py":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str) \
                    and node.value.startswith("HEMICYCLE_") and _reads_environment(tree):
                found.append((str(path.relative_to(SRC)), node.value))
    # the --data option hands the data directory on to load_settings
    assert set(found) == {("cli/__init__.py", "HEMICYCLE_DATA")}


def _reads_environment(tree: ast.AST) -> bool:
    return any(isinstance(n, ast.Attribute) and n.attr in ("environ", "getenv")
               for n in ast.walk(tree))
