"""The small rules: which downloads count, periods, robots, data types, reader keys."""

from __future__ import annotations

import datetime as dt

import pytest
from usage_support import FIREFOX, GOOGLEBOT

from hemicycle.usage.data_types import data_type
from hemicycle.usage.exceptions import CounterError
from hemicycle.usage.identity import user_key
from hemicycle.usage.period import parse_period
from hemicycle.usage.record import is_first_byte
from hemicycle.usage.robots import LIST_VERSION, is_robot


@pytest.mark.parametrize(("header", "counts"), [
    (None, True), ("", True), ("bytes=0-", True), ("bytes=0-1023", True),
    ("bytes= 0-99, 200-300", True), ("bytes=1024-", False), ("bytes=-500", False),
    ("bytes=100-200", False), ("items=5-9", True)])
def test_only_a_download_from_byte_zero_counts(header, counts):
    assert is_first_byte(header) is counts


def test_periods_are_whole_months():
    today = dt.date(2026, 11, 25)
    p = parse_period("2025-12-15", "2026-02", today)
    assert (p.begin, p.end) == (dt.date(2025, 12, 1), dt.date(2026, 2, 28))
    assert p.months == ["2025-12", "2026-01", "2026-02"]
    assert parse_period("2024-02", "2024-02-10", today).end == dt.date(2024, 2, 29)
    for begin, end in (("2026-00", "2026-01"), ("2026-1", "2026-02"), ("2026-02-30", "2026-03"),
                       ("2026-05", "2026-04"), ("2026-12", "2026-12"), (None, "2026-01")):
        with pytest.raises(CounterError) as caught:
            parse_period(begin, end, today)
        assert caught.value.code == 3020 and caught.value.http_status == 400


def test_counter_robots_list_is_bundled():
    assert LIST_VERSION == "2025.11"
    assert is_robot(GOOGLEBOT) and is_robot("curl/8.5.0") and is_robot("python-requests/2.32")
    assert is_robot("") and is_robot("   ")
    assert not is_robot(FIREFOX)
    assert not is_robot("Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 "
                        "(KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36")


def test_data_types():
    assert data_type("meeting record") == "Conference_Item"
    assert data_type("report") == "Report"
    assert data_type("resolution") == "Other"
    assert data_type("something new") == "Other"
    assert data_type(None) == "Unspecified"


def test_reader_key_is_salted_per_day_and_old_salts_go(tmp_path):
    day, next_day = dt.date(2026, 3, 2), dt.date(2026, 3, 3)
    a = user_key(tmp_path, "192.0.2.7", FIREFOX, day)
    assert a == user_key(tmp_path, "192.0.2.7", FIREFOX, day)
    assert a != user_key(tmp_path, "192.0.2.8", FIREFOX, day)
    assert a != user_key(tmp_path, "192.0.2.7", GOOGLEBOT, day)
    assert "192" not in a and len(a) == 20
    salt = tmp_path / "usage" / "salt-2026-03-02"
    assert salt.stat().st_mode & 0o077 == 0
    b = user_key(tmp_path, "192.0.2.7", FIREFOX, next_day)
    assert b != a
    assert not salt.exists()  # yesterday's salt is gone: its hashes cannot be redone
    assert [p.name for p in (tmp_path / "usage").iterdir()] == ["salt-2026-03-03"]
