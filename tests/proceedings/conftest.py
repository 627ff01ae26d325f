"""Fixtures for the proceedings tests: the session-70 sample of the real GA votes."""

from __future__ import annotations

from pathlib import Path

import pytest
from proceedings_helpers import ROLL_CALLS70, UNVOTES, VOETEN70, VOTES70, read_csv, write_csv


@pytest.fixture
def issues70(tmp_path: Path) -> Path:
    """The issue tags of the session-70 roll calls (a subset of the real file)."""
    rcids = {r["rcid"] for r in read_csv(ROLL_CALLS70)}
    rows = [r for r in read_csv(UNVOTES / "un_roll_call_issues.csv") if r["rcid"] in rcids]
    return write_csv(tmp_path / "issues70.csv", ["rcid", "short_name", "issue"],
                     [[r["rcid"], r["short_name"], r["issue"]] for r in rows])


@pytest.fixture
def ga70(issues70: Path):
    from hemicycle.proceedings.importers.ga import GAFiles

    return GAFiles(ROLL_CALLS70, VOTES70, issues70, VOETEN70)
