"""``hemicycle reindex`` and ``hemicycle search`` on a real catalogue."""

from __future__ import annotations

import json
import re

from search_corpus import catalogue, cr_unsc_sources, unpc_sources
from typer.testing import CliRunner

from hemicycle.cli import app


def run(*args: str):
    return CliRunner().invoke(app, list(args))


def test_reindex_then_search_as_json(settings):
    catalogue(settings, unpc_sources()[:30] + cr_unsc_sources()[:10])
    result = run("reindex")
    assert result.exit_code == 0, result.output
    assert re.search(r"indexed 40 documents in [\d.]+ s \([\d,]+ docs/s\)", result.stderr)

    found = run("search", "Security Council", "--lang", "en", "--json")
    assert found.exit_code == 0, found.output
    data = json.loads(found.stdout)
    assert data["total"] > 0 and data["redirect"] is None
    assert set(data["facets"]) == {"body", "year", "session", "type", "language", "subject"}
    assert {"uid", "symbol", "title", "language", "snippet"} <= set(data["hits"][0])

    sc = json.loads(run("search", "Council", "--filter", "body=SC", "--json").stdout)
    assert sc["total"] > 0 and {h["body"] for h in sc["hits"]} == {"SC"}

    by_date = json.loads(run("search", "year:1966 OR year:1965", "--sort", "date",
                             "--json").stdout)
    dates = [h["date"] for h in by_date["hits"]]
    assert dates == sorted(dates, reverse=True)

    second = json.loads(run("search", "Council", "--page", "2", "--per-page", "5",
                            "--json").stdout)
    assert second["page"] == 2 and len(second["hits"]) == 5

    symbol = json.loads(run("search", "s/res/205(1965)", "--json").stdout)
    assert symbol["redirect"] == symbol["hits"][0]["uid"]

    text = run("search", "refugees")
    assert text.exit_code == 0 and "documents (page 1 of" in text.stdout


def test_reindex_with_worker_processes(settings):
    catalogue(settings, unpc_sources()[:12])
    result = run("reindex", "--workers", "2")
    assert result.exit_code == 0, result.output
    assert "indexed 12 documents" in result.stderr
    assert json.loads(run("search", "", "--json").stdout)["total"] == 12
    refused = run("reindex", "--workers", "-1")
    assert refused.exit_code == 2 and "--workers" in refused.output


def test_bad_input_exits_non_zero_with_a_message(settings):
    catalogue(settings, unpc_sources()[:3])
    run("reindex")
    for args, message in [
        (["search", "title:"], "nothing after"),
        (["search", "(" * 50 + "a"], "nests"),
        (["search", "x" * 5000], "characters long"),
        (["search", "refugees", "--filter", "body"], "NAME=VALUE"),
        (["search", "refugees", "--filter", "colour=red"], "unknown filter"),
        (["search", "refugees", "--lang", "xx"], "unknown language"),
        (["search", "refugees", "--sort", "random"], "unknown sort"),
    ]:
        result = run(*args)
        assert result.exit_code == 1, (args, result.output)
        assert message in " ".join(result.stderr.split()), (args, result.stderr)
        assert result.stdout == ""


def test_migrate_rebuilds_an_index_of_an_older_schema(settings):
    from hemicycle.search import location

    sources = unpc_sources()[:5]
    catalogue(settings, sources)
    word = max(re.findall(r"\b[a-z]{6,}\b", sources[0].texts["en"]), key=len)
    assert run("reindex").exit_code == 0

    def found() -> int:
        return json.loads(run("search", word, "--json").stdout)["total"]

    assert found() > 0
    marker = location.current_path(settings) / "hemicycle-schema"
    marker.write_text("1")  # as an older Hemicycle left it
    assert found() == 0  # an index of another schema is never read

    result = run("migrate")
    assert result.exit_code == 0, result.output
    assert "older schema" in result.output and "indexed 5 documents" in result.output
    assert location.is_usable(location.current_path(settings))
    assert found() > 0
    again = run("migrate")  # nothing to rebuild now
    assert again.exit_code == 0 and "older schema" not in again.output
