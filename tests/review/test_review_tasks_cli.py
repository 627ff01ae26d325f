"""``hemicycle review tasks/resolve`` and ``publish --all-above T --checked``: tasks on a
published record (a symbol its text contradicts), listed, resolved once, recomputed after
an upgrade; drafts published only when they pass a cataloguer's checks; broken requests
exit non-zero naming the task or option, on SQLite and PostgreSQL."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from review_helpers import load, make_draft
from sqlalchemy import delete
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.cli import app
from hemicycle.ingest.run import ingest_folder
from hemicycle.review.models import ReviewTask
from hemicycle.review.tasks import MAX_NOTE

CR_UNSC = Path(__file__).resolve().parents[2] / "corpus" / "documents" / "cr-unsc" / "files"
runner = CliRunner()


def tasks_json(*args: str) -> dict:
    listed = runner.invoke(app, ["review", "tasks", "--json", *args])
    assert listed.exit_code == 0, listed.output
    return json.loads(listed.stdout)


def test_tasks_listed_resolved_once_and_recomputed(catalogue_settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    # CR-UNSC's file for 542 (1983) holds the text of resolution 538 (1983)
    shutil.copy(CR_UNSC / "S_RES_0542_1983_EN.txt", folder / "542.txt")
    (folder / "manifest.jsonl").write_text(json.dumps(
        {"symbol": "S/RES/542 (1983)", "language": "en", "file": "542.txt",
         "doc_type": "resolution"}) + "\n", encoding="utf-8")
    assert ingest_folder(catalogue_settings, folder).errors == []

    found = tasks_json("--code", "symbol-contradicts-text")
    assert found["total"] == 1
    task = found["items"][0]
    assert (task["symbol"], task["record_status"], task["status"]) == (
        "S/RES/542 (1983)", "published", "open")
    assert "S/RES/538 (1983)" in task["message"]

    done = runner.invoke(app, ["review", "resolve", str(task["id"]), "--note",
                               "the corpus file holds 538", "--by", "cat"])
    assert done.exit_code == 0, done.output
    again = runner.invoke(app, ["review", "resolve", str(task["id"])])
    assert again.exit_code == 1 and f"task {task['id']}" in again.output
    assert "already resolved by cat" in again.output
    resolved = tasks_json("--status", "resolved")["items"]
    assert [(t["id"], t["note"]) for t in resolved] == [(task["id"], "the corpus file holds 538")]
    assert tasks_json("--code", "symbol-contradicts-text")["total"] == 0

    # records catalogued before review tasks existed: --refresh computes theirs
    with session_scope(catalogue_settings.database_url) as db:
        db.execute(delete(ReviewTask))
    assert tasks_json("--status", "all")["total"] == 0
    refreshed = tasks_json("--refresh", "--code", "symbol-contradicts-text")
    assert [t["symbol"] for t in refreshed["items"]] == ["S/RES/542 (1983)"]


def test_broken_task_requests_exit_non_zero_and_say_why(catalogue_settings):
    bad_status = runner.invoke(app, ["review", "tasks", "--status", "pending"])
    assert bad_status.exit_code == 1 and "'pending'" in bad_status.output
    assert "open, resolved or all" in bad_status.output
    bad_page = runner.invoke(app, ["review", "tasks", "--per-page", "0"])
    assert bad_page.exit_code == 1 and "per_page" in bad_page.output
    missing = runner.invoke(app, ["review", "resolve", "424242"])
    assert missing.exit_code == 1 and "task 424242: no such task" in missing.output
    make_draft(catalogue_settings, ["A/70/60"], date=None)  # lacks a date: a task
    task_id = tasks_json("--refresh", "--code", "missing")["items"][0]["id"]
    too_long = runner.invoke(app, ["review", "resolve", str(task_id), "--note",
                                   "x" * (MAX_NOTE + 1)])
    assert too_long.exit_code == 1 and "note" in too_long.output
    assert tasks_json("--code", "missing")["items"][0]["status"] == "open"  # nothing written


def test_publish_checked_keeps_what_a_cataloguer_would_not_pass(catalogue_settings):
    ready = make_draft(catalogue_settings, ["A/70/61"], confidence=0.9, batch="b1")
    undated = make_draft(catalogue_settings, ["A/70/62"], confidence=0.9, batch="b1",
                         date=None)
    unsure = make_draft(catalogue_settings, ["A/70/63"], confidence=0.9, batch="b1",
                        weakest=("title", 0.4))
    elsewhere = make_draft(catalogue_settings, ["A/70/64"], confidence=0.9, batch="b2")
    alone = runner.invoke(app, ["review", "publish", ready, "--checked"])
    assert alone.exit_code == 1 and "--checked go with --all-above" in alone.output
    assert load(catalogue_settings, ready).status == "draft"

    run = runner.invoke(app, ["review", "publish", "--all-above", "0.6", "--checked",
                              "--batch", "b1", "--by", "demo checks"])
    assert run.exit_code == 0, run.output
    assert "1 published, 0 refused, 2 kept for review" in run.output
    assert f"{undated}: date: missing: no date found" in run.output
    assert f"{unsure}: title: low-confidence" in run.output
    assert [load(catalogue_settings, u).status for u in (ready, undated, unsure, elsewhere)] \
        == ["published", "draft", "draft", "draft"]
    assert load(catalogue_settings, ready).extra["review"]["history"][-1]["by"] == "demo checks"
