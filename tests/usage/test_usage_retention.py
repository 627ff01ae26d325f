"""Pruning raw usage events: reports keep their figures, open days are kept, late lines
of a pruned day are refused, an interrupted prune finishes (SQLite and PostgreSQL)."""

from __future__ import annotations

import datetime as dt

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner
from usage_support import add_document, spool_line, write_spool

from hemicycle.catalogue.db import session_scope
from hemicycle.cli import app
from hemicycle.usage.models import UsageDirtyDay, UsageEvent, UsagePrunedDay
from hemicycle.usage.period import parse_period
from hemicycle.usage.process import process_spool
from hemicycle.usage.reports import ReportRequest, build_report
from hemicycle.usage.retention import prune

DAY = 86400
START = dt.date(2026, 3, 2)  # the day of offset 0 in spool_line
PERIOD = parse_period("2026-01", "2026-03")
# days before START: 30 and 31 January, 1 and 27 February, 2 and 3 March
SPAN = (-31, -30, -29, -3, 0, 1)


def day_lines(k: int, uids: list[str]) -> list[str]:
    """A day's traffic: two readers, views, a download with its double click, searches."""
    base = k * DAY
    a, b = uids
    return [spool_line(base, "i", a), spool_line(base + 10, "i", a),  # double click
            spool_line(base + 200, "r", a, view="files/en/pdf"),
            spool_line(base + 3700 + 60 * abs(k), "i", a),  # next hour: another session
            spool_line(base + 50, "i", b, user="reader-b"),
            spool_line(base + 80, "r", b, user="reader-b", view="files/fr/pdf"),
            spool_line(base + 400 + abs(k), "s", f"q:{k % 3}", view="")]


def file_name(k: int, worker: str = "w1") -> str:
    return f"{(START + dt.timedelta(days=k)).isoformat()}-{worker}.jsonl"


def reports(settings) -> dict:
    """What the reports say, without the header's creation time."""
    out = {}
    for name in ("pr", "ir"):
        report = build_report(settings, ReportRequest(name, PERIOD))
        header = {k: v for k, v in report["Report_Header"].items() if k != "Created"}
        out[name] = (header, report["Report_Items"])
    return out


def events_by_day(settings) -> dict[dt.date, int]:
    with session_scope(settings.database_url) as db:
        return {day: n for day, n in db.execute(
            select(UsageEvent.day, func.count()).group_by(UsageEvent.day))}


def fill(settings) -> list[str]:
    uids = [add_document(settings, "A/RES/80/1", "resolution"),
            add_document(settings, "S/PV.9001", "meeting record")]
    for k in SPAN:
        write_spool(settings.data_dir, file_name(k), day_lines(k, uids))
    return uids


def test_pruning_keeps_every_figure_and_refuses_late_lines(catalogue_settings):
    s = catalogue_settings
    uids = fill(s)
    process_spool(s)
    before = reports(s)
    assert before["ir"][1] and before["pr"][1]  # there is usage to compare
    stored = events_by_day(s)
    assert set(stored) == {START + dt.timedelta(days=k) for k in SPAN}
    # 27 February's file has a line still being written: that day stays open
    write_spool(s.data_dir, file_name(-3, "w2"), [spool_line(-3 * DAY + 900, "i", uids[0])[:30]])
    today = START + dt.timedelta(days=4)  # 6 March: keep 3 days, so 3 March stays
    result = prune(s, keep_days=3, today=today, batch=5)
    closed = {START + dt.timedelta(days=k) for k in (-31, -30, -29, 0)}
    assert set(result.days) == closed
    assert result.open_days == [dt.date(2026, 2, 27)]
    assert result.events == sum(stored[d] for d in closed)
    assert set(events_by_day(s)) == {dt.date(2026, 2, 27), dt.date(2026, 3, 3)}
    assert reports(s) == before
    again = prune(s, keep_days=3, today=today)
    assert (again.days, again.events) == ([], 0)

    # late lines: one for pruned 2 March is refused, one for 3 March (kept) counts
    write_spool(s.data_dir, file_name(0, "w3"), [spool_line(5000, "r", uids[0],
                                                             view="files/es/pdf")])
    write_spool(s.data_dir, file_name(1, "w3"), [spool_line(DAY + 5000, "r", uids[0],
                                                             view="files/es/pdf")])
    late = process_spool(s)
    assert late.late == [f"{file_name(0, 'w3')}:1: day 2026-03-02 already closed and "
                         "pruned; event not counted"]
    assert (late.events, late.days) == (1, 1)
    assert START not in events_by_day(s)
    after = reports(s)
    assert after["pr"][0] == before["pr"][0]
    ir_before = {i["Item"]: i for g in before["ir"][1] for i in g["Items"]}
    ir_after = {i["Item"]: i for g in after["ir"][1] for i in g["Items"]}
    requests = [ir["A/RES/80/1"]["Attribute_Performance"][0]["Performance"]
                ["Total_Item_Requests"]["2026-03"] for ir in (ir_before, ir_after)]
    assert requests[1] == requests[0] + 1  # 3 March's line only
    assert ir_after["S/PV.9001"] == ir_before["S/PV.9001"]


def test_dirty_days_and_undated_unread_files_keep_events(catalogue_settings):
    s = catalogue_settings
    fill(s)

    def killed(_total: int):
        def step(_n: int) -> None:
            raise KeyboardInterrupt

        return step

    with pytest.raises(KeyboardInterrupt):
        process_spool(s, count_days=killed)  # every day but the first is left dirty
    with session_scope(s.database_url) as db:
        dirty = sorted(db.scalars(select(UsageDirtyDay.day)))
    assert len(dirty) == len(SPAN) - 1
    today = START + dt.timedelta(days=30)
    result = prune(s, keep_days=0, today=today)
    assert result.open_days == dirty
    assert result.days == [START + dt.timedelta(days=SPAN[0])]
    process_spool(s)  # counts the rest
    write_spool(s.data_dir, "imported.jsonl", [spool_line(0, "i", "x")])  # any day
    blocked = prune(s, keep_days=0, today=today)
    assert (blocked.days, blocked.events, blocked.blocked_by) == ([], 0, ["imported.jsonl"])
    process_spool(s)
    assert len(prune(s, keep_days=0, today=today).days) == len(SPAN) - 1
    assert events_by_day(s) == {}


def test_an_interrupted_prune_refuses_late_lines_and_finishes(catalogue_settings):
    s = catalogue_settings
    uids = fill(s)
    process_spool(s)
    before = reports(s)
    calls = []

    def start(_total: int):
        def step(_n: int) -> None:
            calls.append(_n)
            raise KeyboardInterrupt  # killed after the first batch was committed

        return step

    today = START + dt.timedelta(days=10)
    with pytest.raises(KeyboardInterrupt):
        prune(s, keep_days=0, today=today, batch=4, start=start)
    remaining = sum(events_by_day(s).values())
    assert 0 < remaining < sum(len(day_lines(k, uids)) for k in SPAN)
    with session_scope(s.database_url) as db:
        assert len(list(db.scalars(select(UsagePrunedDay.day)))) == len(SPAN)
    # a late line now would recount a half-deleted day: refused
    write_spool(s.data_dir, file_name(1, "w9"), [spool_line(DAY + 60, "i", uids[1])])
    assert len(process_spool(s).late) == 1
    finished = prune(s, keep_days=0, today=today)
    assert (finished.days, finished.events) == ([], remaining)
    assert events_by_day(s) == {}
    assert reports(s) == before


def test_prune_command(settings):
    fill(settings)
    runner = CliRunner()
    assert runner.invoke(app, ["usage", "process"]).exit_code == 0
    done = runner.invoke(app, ["usage", "prune", "--keep-days", "0"])
    assert done.exit_code == 0, done.output
    total = sum(len(day_lines(k, ["a", "b"])) for k in SPAN)
    assert f"pruned {len(SPAN)} closed days, {total} raw events deleted" in done.output
    write_spool(settings.data_dir, file_name(0, "w4"), [spool_line(30, "i", "late")])
    late = runner.invoke(app, ["usage", "process"])
    assert late.exit_code == 0, late.output
    assert f"refused {file_name(0, 'w4')}:1: day 2026-03-02 already closed" in late.output
    assert "1 lines of pruned days refused" in late.output
    wrong = runner.invoke(app, ["usage", "prune", "--keep-days", "-1"])
    assert wrong.exit_code != 0
    assert "--keep-days" in wrong.output


def test_whole_pruned_months_fold_their_daily_counts_by_place(catalogue_settings):
    from usage_support import geo_line

    from hemicycle.usage.models import UsageGeoDaily
    from hemicycle.usage.places import PlaceRequest, build_place_report

    s = catalogue_settings
    uids = fill(s)
    # a January line with a place, and a February one
    write_spool(s.data_dir, file_name(-31, "w2"),
                [geo_line(-31 * DAY + 60, "r", uids[0], ("FR", "", "Paris"),
                          view="files/fr/pdf")])
    process_spool(s)

    def by_country():
        report = build_place_report(s, PlaceRequest(PERIOD, ("country",)))
        return report["Rows"]

    before = by_country()
    by_item = build_place_report(s, PlaceRequest(PERIOD, ("city", "item")))["Rows"]
    with session_scope(s.database_url) as db:
        months = {d.strftime("%Y-%m") for d in db.scalars(select(UsageGeoDaily.day))}
    assert months == {"2026-01", "2026-02", "2026-03"}
    # 6 March, keep 3 days: January and February are whole, closed and without events
    result = prune(s, keep_days=3, today=START + dt.timedelta(days=4))
    assert result.months == ["2026-01", "2026-02"]
    with session_scope(s.database_url) as db:
        days = set(db.scalars(select(UsageGeoDaily.day)))
        pruned = set(db.scalars(select(UsagePrunedDay.day)))
    # January and February are left on their first days, March as it was
    assert {d for d in days if d.month < 3} == {dt.date(2026, 1, 1), dt.date(2026, 2, 1)}
    assert any(d.month == 3 and d.day > 1 for d in days)
    assert by_country() == before  # the sums stay
    assert build_place_report(s, PlaceRequest(PERIOD, ("city", "item")))["Rows"] == by_item
    # a second prune has nothing left to fold
    assert prune(s, keep_days=3, today=START + dt.timedelta(days=4)).months == []
    assert dt.date(2026, 2, 10) in pruned  # a day without use, in a folded month
    # a late line for any day of a folded month is refused, the month's sums kept
    write_spool(s.data_dir, "2026-02-10-w9.jsonl",
                [geo_line(-20 * DAY, "r", uids[0], ("KE", "", "Nairobi"),
                          view="files/en/pdf")])
    late = process_spool(s)
    assert late.late and late.events == 0
    assert by_country() == before
