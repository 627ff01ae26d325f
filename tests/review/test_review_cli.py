"""``hemicycle review``: list as JSON, bulk publishing by confidence (only the confident
drafts), refusals named with a non-zero exit."""

from __future__ import annotations

import json

from review_helpers import load, make_draft
from typer.testing import CliRunner

from hemicycle.cli import app
from hemicycle.search.query import search

runner = CliRunner()


def test_list_publish_by_threshold_and_reject(settings):
    sure = make_draft(settings, ["A/70/50"], confidence=0.97, batch="b1",
                      text="Narwhal migration survey")
    unsure = make_draft(settings, ["A/70/51"], confidence=0.97, batch="b1",
                        weakest=("date", 0.5))
    other_batch = make_draft(settings, ["A/70/52"], confidence=0.99, batch="b2")
    listed = runner.invoke(app, ["review", "list", "--below", "0.8", "--json"])
    assert listed.exit_code == 0, listed.output
    items = json.loads(listed.stdout)["items"]
    assert [i["uid"] for i in items] == [unsure]
    assert items[0]["weakest_field"] == "date" and items[0]["needs_attention"] is True

    bulk = runner.invoke(app, ["review", "publish", "--all-above", "0.95", "--batch", "b1",
                               "--by", "night-run"])
    assert bulk.exit_code == 0, bulk.output
    assert "1 published, 0 refused" in bulk.output
    assert (load(settings, sure).status, load(settings, unsure).status,
            load(settings, other_batch).status) == ("published", "draft", "draft")
    assert load(settings, sure).extra["review"]["history"][-1]["by"] == "night-run"
    assert [h.uid for h in search(settings, "narwhal").hits] == [sure]
    # a second run finds nothing more to do in that batch
    again = runner.invoke(app, ["review", "publish", "--all-above", "0.95", "--batch", "b1"])
    assert again.exit_code == 0 and "0 published" in again.output

    by_symbol = runner.invoke(app, ["review", "publish", "A/70/52"])
    assert by_symbol.exit_code == 0 and load(settings, other_batch).status == "published"


def test_refusals_exit_non_zero_naming_the_document(settings):
    nosym = make_draft(settings, None, identifier="scan-cli-1")
    ok = make_draft(settings, ["S/2015/70"])
    mixed = runner.invoke(app, ["review", "publish", nosym, ok])
    assert mixed.exit_code == 1
    assert "scan-cli-1" in mixed.output and "no document symbol" in mixed.output
    assert load(settings, ok).status == "published"  # the others still go through
    assert load(settings, nosym).status == "draft"
    no_reason = runner.invoke(app, ["review", "reject", nosym, "--reason", " "])
    assert no_reason.exit_code == 1 and "reason" in no_reason.output
    unknown = runner.invoke(app, ["review", "reject", "nothing-here", "--reason", "x"])
    assert unknown.exit_code == 1 and "nothing-here" in unknown.output
    assert runner.invoke(app, ["review", "publish"]).exit_code == 1
    assert runner.invoke(app, ["review", "list", "--below", "7"]).exit_code == 1
    rejected = runner.invoke(app, ["review", "reject", nosym, "--reason", "blank page"])
    assert rejected.exit_code == 0 and load(settings, nosym).status == "rejected"
