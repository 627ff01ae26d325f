"""``hemicycle usage process`` and ``hemicycle usage report``: output files, the TSV
layout of the official samples, and clear errors."""

from __future__ import annotations

import datetime as dt
import json

from typer.testing import CliRunner
from usage_support import DATA, schema_errors, spool_line, write_spool

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSymbol
from hemicycle.cli import app

runner = CliRunner()


def prepare(settings) -> str:
    with session_scope(settings.database_url) as db:
        doc = Document(symbol="E/2026/1", doc_type="report", status="published")
        doc.symbols.append(DocumentSymbol(symbol="E/2026/1", key="E/2026/1", position=0))
        db.add(doc)
        db.flush()
        uid = doc.uid
    write_spool(settings.data_dir, "2026-03-02-5.jsonl", [
        spool_line(0, "i", uid), spool_line(60, "r", uid, view="files/en/pdf"),
        spool_line(120, "s", "q:9", view=""), "{broken\n"])
    return uid


def test_process_then_reports_in_json_and_tsv(settings, tmp_path):
    prepare(settings)
    done = runner.invoke(app, ["usage", "process"])
    assert done.exit_code == 0, done.output
    assert "2026-03-02-5.jsonl:4: not a JSON line" in done.output
    assert "3 events" in done.output
    for name, schema, sample in (("pr", "PR", "PR_sample_r51.tsv"),
                                 ("pr_p1", "PR_P1", "PRP1_sample_r51.tsv"),
                                 ("ir", "IR", "IR_sample_r51.tsv")):
        out = tmp_path / f"{name}.json"
        r = runner.invoke(app, ["usage", "report", name, "--begin", "2026-01", "--end",
                                "2026-03-31", "--output", str(out)])
        assert r.exit_code == 0, r.output
        report = json.loads(out.read_text(encoding="utf-8"))
        assert schema_errors(report, schema) == []
        assert report["Report_Header"]["Report_Filters"]["End_Date"] == "2026-03-31"
        tsv = runner.invoke(app, ["usage", "report", name, "--begin", "2026-01", "--end",
                                  "2026-03", "--format", "tsv"])
        assert tsv.exit_code == 0, tsv.output
        ours = tsv.stdout.split("\n")
        official = (DATA / sample).read_text(encoding="utf-8-sig").split("\n")
        # the same 13 header rows, then a blank row, then the column headings
        assert [r.split("\t")[0] for r in ours[:14]] == \
            [r.split("\t")[0] for r in official[:14]]
        ours_cols, official_cols = ours[14].split("\t"), official[14].split("\t")
        cut, official_cut = (ours_cols.index("Reporting_Period_Total") + 1,
                             official_cols.index("Reporting_Period_Total") + 1)
        # our columns are the official ones, in their order (we show no optional
        # attribute but Access_Method), then one Mmm-YYYY column per month
        assert ours_cols[:cut] == [c for c in official_cols[:official_cut]
                                   if c in ours_cols[:cut]]
        assert set(ours_cols[:cut]) <= set(official_cols)
        assert ours_cols[cut:] == ["Jan-2026", "Feb-2026", "Mar-2026"]
        assert official_cols[official_cut] == "Jan-2022"
    ir = runner.invoke(app, ["usage", "report", "ir", "--begin", "2026-03", "--end", "2026-03",
                             "--format", "tsv"]).stdout.split("\n")
    rows = {line.split("\t")[12]: line.split("\t") for line in ir[15:] if line}
    assert rows["Total_Item_Investigations"][0] == "E/2026/1"
    assert rows["Total_Item_Investigations"][10] == "Report"  # Data_Type of a report
    assert rows["Total_Item_Investigations"][13:] == ["2", "2"]
    assert rows["Unique_Item_Requests"][13:] == ["1", "1"]


def test_report_errors_exit_non_zero(settings, tmp_path):
    for args, message in (
            (["ir", "--begin", "2026-13", "--end", "2026-12"], "begin_date '2026-13'"),
            (["ir", "--begin", "2026-05", "--end", "2026-04"], "is before begin_date"),
            (["tr", "--begin", "2026-01", "--end", "2026-02"], "unknown report 'tr'"),
            (["pr", "--begin", "2026-01", "--end", "2026-02", "--format", "xml"], "json or tsv"),
            (["pr", "--begin", "2026-01", "--end", "2026-02", "--granularity", "Year"],
             "Month or Total"),
            (["pr", "--begin", "2026-01", "--end", "2026-02", "--output",
              str(tmp_path / "missing" / "pr.json")], "pr.json")):
        r = runner.invoke(app, ["usage", "report", *args])
        assert r.exit_code != 0, args
        assert message in r.output, (args, r.output)
    assert not (tmp_path / "missing").exists()
    assert runner.invoke(app, ["usage", "report", "pr", "--begin", "2026-01"]).exit_code != 0


def test_one_process_at_a_time(settings):
    import fcntl

    prepare(settings)
    lock = settings.data_dir / "usage" / "process.lock"
    with lock.open("w") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
        busy = runner.invoke(app, ["usage", "process"])
        assert busy.exit_code == 1 and "another usage process" in busy.output
    done = runner.invoke(app, ["usage", "process"])
    assert done.exit_code == 0 and "3 events" in done.output


def test_processed_spool_files_of_past_days_can_be_deleted(settings):
    prepare(settings)
    folder = settings.data_dir / "usage" / "spool"
    today = dt.datetime.now(dt.UTC).date().isoformat()
    # today's, read to its end, but a worker may still write to it
    (folder / f"{today}-web-1.jsonl").write_text(spool_line(0, "s", "q:1", view=""))
    (folder / "2026-03-01-5.jsonl").write_text('{"ts": 1772')  # a cut line: not read to its end
    done = runner.invoke(app, ["usage", "process", "--delete-processed"])
    assert done.exit_code == 0, done.output
    assert "deleted 1 processed spool files" in done.output
    assert sorted(p.name for p in folder.iterdir()) == ["2026-03-01-5.jsonl",
                                                        f"{today}-web-1.jsonl"]
    assert runner.invoke(app, ["usage", "process"]).exit_code == 0  # nothing lost, nothing new
