"""`hemicycle storage validate` on every official OCFL 1.0 fixture object."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.storage.validation import validate_path

FIXTURES = Path(__file__).resolve().parents[1] / "data" / "storage" / "ocfl" / "1.0"


def _objects(kind: str) -> list[str]:
    return sorted(p.name for p in (FIXTURES / kind).iterdir() if p.is_dir())


def test_fixture_sets_are_present():
    assert len(_objects("good-objects")) == 10
    assert len(_objects("warn-objects")) == 14
    assert len(_objects("bad-objects")) == 52


@pytest.mark.parametrize("name", _objects("good-objects"))
def test_good_objects_valid(name):
    report = validate_path(FIXTURES / "good-objects" / name)
    assert report.valid and report.codes == set(), report.to_json()


@pytest.mark.parametrize("name", _objects("warn-objects"))
def test_warn_objects_report_their_warnings(name):
    report = validate_path(FIXTURES / "warn-objects" / name)
    wanted = set(re.findall(r"W\d{3}", name))
    assert report.valid, report.to_json()
    assert wanted <= report.warning_codes, (wanted, report.warning_codes)


@pytest.mark.parametrize("name", _objects("bad-objects"))
def test_bad_objects_invalid_with_their_code(name):
    report = validate_path(FIXTURES / "bad-objects" / name)
    wanted = set(re.findall(r"E\d{3}", name))
    assert not report.valid
    assert wanted & report.error_codes, (name, sorted(report.error_codes))


def test_cli_reports_codes_and_exit_status():
    runner = CliRunner()
    bad = runner.invoke(app, ["storage", "validate", "--json",
                              str(FIXTURES / "bad-objects" / "E058_no_sidecar")])
    assert bad.exit_code == 1
    data = json.loads(bad.stdout)
    assert data["valid"] is False and "E058" in {e["code"] for e in data["errors"]}
    warn = runner.invoke(app, ["storage", "validate",
                               str(FIXTURES / "warn-objects" / "W004_uses_sha256")])
    assert warn.exit_code == 0 and "W004 warning" in warn.stdout and "VALID object" in warn.stdout
    missing = runner.invoke(app, ["storage", "validate", "/nonexistent/root"])
    assert missing.exit_code == 1


def test_root_hierarchy_errors(settings, tmp_path):
    from hemicycle.storage import store_files

    src = tmp_path / "f"
    src.write_bytes(b"x")
    store_files(settings, "doc", {"a": src})
    root = settings.storage_root
    assert validate_path(root).valid
    (root / "abc").mkdir()
    assert "E073" in validate_path(root).error_codes  # empty directory in the hierarchy
    (root / "abc" / "stray.txt").write_text("x")
    assert "E072" in validate_path(root).error_codes  # files outside any object
