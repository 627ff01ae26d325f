"""The knowledge commands: import/export round trips of the bundled guides and FAQ,
check-links with findings and exit codes, purging, training files, views."""

from __future__ import annotations

import datetime as dt
import http.server
import json
import threading
from pathlib import Path

import pytest
from knowledge_helpers import add_documents, save_guide
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.cli import app
from hemicycle.knowledge import faq_files, guide_files, inquiries
from hemicycle.knowledge.links import LinkChecker, fetch_problem
from hemicycle.knowledge.markup import render_markdown

ROOT = Path(__file__).resolve().parents[2]
CORPUS = ROOT / "corpus" / "knowledge"
runner = CliRunner()


def _tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*.*"))}


def test_bundled_guides_and_faq_round_trip(settings, tmp_path):
    """The demo's files read back to the same bytes (what a library keeps in git)."""
    guide_files.import_folder(settings, CORPUS / "guides", "demo")  # no catalogue: no links
    faq_files.import_folder(settings, CORPUS / "faq", "demo")
    guide_files.export_folder(settings, tmp_path / "guides")
    faq_files.export_folder(settings, tmp_path / "faq")
    assert _tree(tmp_path / "guides") == _tree(CORPUS / "guides")
    assert _tree(tmp_path / "faq") == _tree(CORPUS / "faq")
    guides = {p.parent.name: set() for p in (CORPUS / "guides").glob("*/*.md")}
    for p in (CORPUS / "guides").glob("*/*.md"):
        guides[p.parent.name].add(p.stem)
    assert len(guides) >= 3 and all(len(langs) >= 3 for langs in guides.values())
    entries = {p.parent.name for p in (CORPUS / "faq").glob("*/*.md")}
    assert all(len(list((CORPUS / "faq" / e).glob("*.md"))) == 6 for e in entries)


def test_import_export_and_refusal_through_the_command(settings, tmp_path):
    add_documents(settings)
    save_guide(settings)
    out = tmp_path / "out"
    done = runner.invoke(app, ["guides", "export", str(out)])
    assert done.exit_code == 0 and "1 file(s) written" in done.output
    broken = tmp_path / "broken"
    (broken / "g").mkdir(parents=True)
    (broken / "g" / "en.md").write_text("---\nguide: g\nlanguage: en\ntitle: T\n---\n\n"
                                        "<img src=x onerror=alert(1)>\n", encoding="utf-8")
    refused = runner.invoke(app, ["guides", "import", str(broken)])
    assert refused.exit_code == 1
    assert "g/en.md:7: event-handler" in refused.output and "nothing was imported" in \
        refused.output
    again = runner.invoke(app, ["guides", "import", str(out), "--by", "librarian"])
    assert again.exit_code == 0 and "1 unchanged" in again.output
    listed = runner.invoke(app, ["guides", "list", "--json"])
    assert [(p["slug"], p["state"]) for p in json.loads(listed.stdout)] == [
        ("sc-documents", "published")]


def test_check_links_reports_what_no_longer_resolves(settings):
    from hemicycle.catalogue.models import Document
    from hemicycle.knowledge import guides

    add_documents(settings)
    with session_scope(settings.database_url) as db:
        uid = db.query(Document.uid).filter(Document.symbol == "CEDAW/C/UZB/Q/5").scalar()
    save_guide(settings, body=f"See [the report](/documents/{uid}) and "
                              "[UN](https://www.un.org/).\n\n```live documents\n"
                              "- S/RES/242 (1967)\n```\n")
    assert runner.invoke(app, ["guides", "check-links"]).exit_code == 0
    with session_scope(settings.database_url) as db:  # later, both are withdrawn
        db.query(Document).filter(Document.symbol.in_(
            ["S/RES/242 (1967)", "CEDAW/C/UZB/Q/5"])).update({"status": "deleted"})
        guides.save_page(db, "sc-documents", "en", title="T", summary="",
                         body="A draft with [a typo](/guids/x).\n", who="ed")
    checked = runner.invoke(app, ["guides", "check-links", "--json"])
    assert checked.exit_code == 1
    found = {(c["name"], f["code"], f["where"]) for c in json.loads(checked.stdout)
             for f in c["findings"]}
    published = "sc-documents/en (published 1)"
    assert (published, "broken-link", "line 1") in found
    assert (published, "unknown-symbol", "line 3") in found
    assert (published, "external-unchecked", "line 1") in found
    assert ("sc-documents/en (working copy)", "broken-link", "line 1") in found


def test_external_links_are_fetched_only_when_asked(settings):
    class Handler(http.server.BaseHTTPRequestHandler):
        def do_HEAD(self):  # noqa: N802 - the standard library's name
            self.send_response(404 if self.path == "/gone" else 200)
            self.end_headers()

        do_GET = do_HEAD  # noqa: N815

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    base = f"http://127.0.0.1:{server.server_address[1]}"
    try:
        rendered = render_markdown(f"[ok]({base}/ok) [gone]({base}/gone)\n")
        with session_scope(settings.database_url) as db:
            quiet = LinkChecker(settings)(db, rendered)
            asked = LinkChecker(settings, external=True, timeout=5)(db, rendered)
        assert {f.code for f in quiet} == {"external-unchecked"}
        assert [(f.code, "HTTP 404" in f.message) for f in asked] == [("external-link", True)]
    finally:
        server.shutdown()
    assert "did not answer" in fetch_problem("http://127.0.0.1:9/", 2)


def test_purge_and_training_commands(settings, tmp_path):
    with session_scope(settings.database_url) as db:
        old, _ = inquiries.file_inquiry(db, "An old question about votes", "en", "/")
        db.flush()
        old.updated_at = dt.datetime(2020, 1, 1)
    purged = runner.invoke(app, ["inquiries", "purge"])
    assert purged.exit_code == 0 and "1 inquiry(ies)" in purged.output
    assert runner.invoke(app, ["inquiries", "purge", "--days", "0"]).exit_code == 1
    assert runner.invoke(app, ["inquiries", "list", "--status", "lost"]).exit_code == 1
    sessions = tmp_path / "training.yaml"
    sessions.write_text("- slug: intro\n  topic: Intro\n  language: en\n  starts_at: "
                        "2099-01-05T15:00\n  capacity: 10\n  place: Library\n",
                        encoding="utf-8")
    assert runner.invoke(app, ["training", "import", str(sessions)]).exit_code == 0
    bad = tmp_path / "bad.yaml"
    bad.write_text("- slug: x\n  topic: X\n  language: en\n  starts_at: tomorrow\n"
                   "  capacity: 1\n  place: Library\n", encoding="utf-8")
    refused = runner.invoke(app, ["training", "import", str(bad)])
    assert refused.exit_code == 1 and "session 1: starts_at" in refused.output
    report = runner.invoke(app, ["training", "report", "--json"])
    assert report.exit_code == 0 and json.loads(report.stdout)[0]["audience"] == "mission"
    assert runner.invoke(app, ["training", "purge"]).exit_code == 0
    views = runner.invoke(app, ["knowledge", "views", "--json"])
    assert views.exit_code == 0 and json.loads(views.stdout) == []
    assert runner.invoke(app, ["knowledge", "views", "--from", "2026"]).exit_code == 1


@pytest.mark.parametrize("path", ["guides", "faq"])
def test_import_of_a_missing_folder_fails(settings, tmp_path, path):
    result = runner.invoke(app, [path, "import", str(tmp_path / "nowhere")])
    assert result.exit_code == 1 and "not a folder" in result.output
