"""Processing the spool: COUNTER rules, idempotence, resuming, broken lines (SQLite and
PostgreSQL)."""

from __future__ import annotations

import dataclasses

import pytest
from usage_support import FIREFOX, GOOGLEBOT, add_document, performance, spool_line, write_spool

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.usage.period import parse_period
from hemicycle.usage.process import process_spool
from hemicycle.usage.reports import ReportRequest, build_report

MARCH = parse_period("2026-03", "2026-03", )


def item_report(settings) -> dict:
    return build_report(settings, ReportRequest("ir", MARCH))


def platform_report(settings) -> dict:
    return build_report(settings, ReportRequest("pr", MARCH))


def searches(report: dict) -> int:
    for item in report["Report_Items"]:
        for ap in item["Attribute_Performance"]:
            if ap["Data_Type"] == "Platform":
                return ap["Performance"]["Searches_Platform"]["2026-03"]
    return 0


def test_counter_rules(catalogue_settings):
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/1")
    other = add_document(s, "S/PV.8000", "meeting record")
    lines = [
        # reader A, page view: 0, 10 and 25 s are one double click; 100 s counts again
        spool_line(0, "i", uid), spool_line(10, "i", uid), spool_line(25, "i", uid),
        spool_line(100, "i", uid),
        # the JSON record is another view: counted, not a double click of the page
        spool_line(5, "i", uid, view="api"),
        # a download (also an investigation), its double click 20 s later
        spool_line(200, "r", uid, view="files/en/pdf"),
        spool_line(220, "r", uid, view="files/en/pdf"),
        # the next hour is a new session: unique counts again
        spool_line(3700, "i", uid),
        # another reader
        spool_line(50, "i", uid, user="reader-b"),
        spool_line(60, "i", other, user="reader-b"),
        # robots and machines, whatever they do, never count
        spool_line(300, "i", uid, user="bot", agent=GOOGLEBOT),
        spool_line(301, "r", uid, user="bot", agent=GOOGLEBOT, view="files/en/pdf"),
        spool_line(302, "i", uid, user="script", agent="python-requests/2.32"),
        spool_line(303, "i", uid, user="blank", agent=""),
        # searches: the same search within 30 s once, another search, a later repeat
        spool_line(400, "s", "q:1", view=""), spool_line(410, "s", "q:1", view=""),
        spool_line(415, "s", "q:2", view=""), spool_line(500, "s", "q:1", view=""),
    ]
    write_spool(s.data_dir, "2026-03-02-100.jsonl", lines)
    result = process_spool(s)
    assert (result.lines, result.robots, result.events, result.broken) == (18, 4, 14, [])
    perf = performance(item_report(s), "A/RES/74/1")
    # page 2 + api 1 + download 1 + next hour 1 + reader B 1
    assert perf["Total_Item_Investigations"] == {"2026-03": 6}
    assert perf["Total_Item_Requests"] == {"2026-03": 1}
    # sessions: A 10h, A 11h, B 10h
    assert perf["Unique_Item_Investigations"] == {"2026-03": 3}
    assert perf["Unique_Item_Requests"] == {"2026-03": 1}
    assert performance(item_report(s), "S/PV.8000") == {
        "Total_Item_Investigations": {"2026-03": 1}, "Unique_Item_Investigations": {"2026-03": 1}}
    pr = platform_report(s)
    assert searches(pr) == 3
    by_type = {ap["Data_Type"]: ap["Performance"]
               for ap in pr["Report_Items"][0]["Attribute_Performance"]}
    assert by_type["Conference_Item"]["Total_Item_Investigations"] == {"2026-03": 1}
    assert by_type["Other"]["Total_Item_Investigations"] == {"2026-03": 6}


def test_rerun_counts_nothing_twice_and_a_cut_line_waits(catalogue_settings):
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/2")
    first = [spool_line(0, "i", uid), spool_line(100, "i", uid)]
    cut = spool_line(200, "r", uid, view="files/en/pdf")
    path = write_spool(s.data_dir, "2026-03-02-7.jsonl", first + [cut[:25]])
    assert process_spool(s).events == 2
    again = process_spool(s)
    assert (again.lines, again.events, again.days) == (0, 0, 0)
    assert "Total_Item_Requests" not in performance(item_report(s), "A/RES/74/2")
    # the writer finishes its line, and writes another
    with path.open("a", encoding="utf-8") as fh:
        fh.write(cut[25:] + spool_line(400, "i", uid))
    later = process_spool(s)
    assert (later.lines, later.events, later.broken) == (2, 2, [])
    perf = performance(item_report(s), "A/RES/74/2")
    assert perf["Total_Item_Investigations"] == {"2026-03": 4}
    assert perf["Total_Item_Requests"] == {"2026-03": 1}
    assert process_spool(s).events == 0


def test_interrupted_run_resumes_to_the_same_totals(catalogue_settings, tmp_path):
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/3")
    lines = [spool_line(i * 40, "i", uid, user=f"r{i % 3}") for i in range(30)]
    lines += [spool_line(i * 29, "r", uid, user="r9", view="files/fr/pdf") for i in range(7)]
    write_spool(s.data_dir, "2026-03-02-1.jsonl", lines[:20])
    write_spool(s.data_dir, "2026-03-02-2.jsonl", lines[20:])
    calls = []

    def crash(_n: int) -> None:
        calls.append(_n)
        if len(calls) == 2:
            raise KeyboardInterrupt  # killed after the second batch was committed

    with pytest.raises(KeyboardInterrupt):
        process_spool(s, batch=6, advance=crash)
    process_spool(s, batch=6)
    resumed = performance(item_report(s), "A/RES/74/3")
    # the same events processed in one go, in a fresh catalogue
    fresh_dir = tmp_path / "fresh"
    fresh = dataclasses.replace(s, data_dir=fresh_dir,
                                database_url=f"sqlite:///{fresh_dir / 'c.sqlite3'}")
    add_document(fresh, "A/RES/74/3")
    with session_scope(fresh.database_url) as db:  # same uid, so the reports compare
        db.get(Document, 1).uid = uid
    write_spool(fresh_dir, "all.jsonl", lines)
    process_spool(fresh)
    assert resumed == performance(item_report(fresh), "A/RES/74/3")
    assert resumed["Total_Item_Investigations"] == {"2026-03": 30 + 1}
    assert resumed["Total_Item_Requests"] == {"2026-03": 1}  # 29 s apart: one long click


def test_broken_lines_are_named_and_skipped(catalogue_settings):
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/4")
    write_spool(s.data_dir, "2026-03-02-9.jsonl", [
        spool_line(0, "i", uid),
        "this is not json\n",
        '{"ts": "yesterday", "kind": "i", "item": "x", "user": "u"}\n',
        '{"ts": 1772445600, "kind": "z", "item": "x", "user": "u"}\n',
        '{"ts": 1772445600, "kind": "i", "item": "", "user": "u"}\n',
        "[1, 2]\n",
        spool_line(100, "i", uid),
    ])
    result = process_spool(s)
    assert result.events == 2
    assert [b.split(":")[:2] for b in result.broken] == [
        ["2026-03-02-9.jsonl", str(n)] for n in (2, 3, 4, 5, 6)]
    assert "not a JSON line" in result.broken[0]
    assert "ts: expected seconds" in result.broken[1]
    assert "kind: expected one of i, r, s" in result.broken[2]
    assert "item: expected a text" in result.broken[3]
    assert process_spool(s).broken == []  # reported once, not again and again
    assert performance(item_report(s), "A/RES/74/4")["Total_Item_Investigations"] == {
        "2026-03": 2}


def test_a_later_file_recounts_its_day(catalogue_settings):
    """Two web workers' files for one day: a double click split across them counts once."""
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/5")
    write_spool(s.data_dir, "2026-03-02-1.jsonl", [spool_line(0, "i", uid)])
    process_spool(s)
    write_spool(s.data_dir, "2026-03-02-2.jsonl", [spool_line(12, "i", uid),
                                                    spool_line(90, "i", uid)])
    assert process_spool(s).days == 1
    assert performance(item_report(s), "A/RES/74/5")["Total_Item_Investigations"] == {
        "2026-03": 2}
    assert FIREFOX  # the reader's agent is a browser: nothing was left out as a robot


def test_a_double_click_across_the_hour_is_one_session(catalogue_settings):
    """The kept click is the last one: its session alone is counted, so that a unique
    count never exceeds its total."""
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/6")
    write_spool(s.data_dir, "2026-03-02-3.jsonl", [
        spool_line(3590, "i", uid), spool_line(3605, "i", uid),  # 10:59:50, 11:00:05
        spool_line(3595, "r", uid, view="files/en/pdf"),
        spool_line(3620, "r", uid, view="files/en/pdf")])
    process_spool(s)
    assert performance(item_report(s), "A/RES/74/6") == {
        "Total_Item_Investigations": {"2026-03": 2}, "Total_Item_Requests": {"2026-03": 1},
        "Unique_Item_Investigations": {"2026-03": 1}, "Unique_Item_Requests": {"2026-03": 1}}


def test_killed_between_days_and_months_finishes_next_run(catalogue_settings):
    s = catalogue_settings
    uid = add_document(s, "A/RES/74/7")
    write_spool(s.data_dir, "2026-03-02-4.jsonl", [spool_line(0, "i", uid)])
    write_spool(s.data_dir, "2026-03-03-4.jsonl", [spool_line(86400, "i", uid)])

    def killed_after_first_day(_total: int):
        def step(_n: int) -> None:
            raise KeyboardInterrupt

        return step

    with pytest.raises(KeyboardInterrupt):
        process_spool(s, count_days=killed_after_first_day)
    assert item_report(s)["Report_Items"] == []  # the month is not summed yet
    assert process_spool(s).days == 1  # the day left over
    assert performance(item_report(s), "A/RES/74/7")["Total_Item_Investigations"] == {
        "2026-03": 2}
