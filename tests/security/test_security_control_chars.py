"""Control characters: refused at the catalogue's door (manifest, API, review) with the
field and the character, and every XML writer safe with what is already stored."""

from __future__ import annotations

import json

import pytest
from lxml import etree
from security_helpers import CAT, publish_one
from sqlalchemy import select, update
from typer.testing import CliRunner

from hemicycle.catalogue.changes import record_changes
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import LanguageVersion
from hemicycle.cli import app
from hemicycle.documents import DocumentInput, RecordError, VersionInput, save_document
from hemicycle.ingest.run import ingest_folder
from hemicycle.search.index import catch_up

OAI = "http://www.openarchives.org/OAI/2.0/"


@pytest.mark.parametrize("char", ["\x00", "\x01", "\x1b", "\x7f", "\ufffe"])
def test_a_title_with_a_control_character_is_refused(catalogue_settings, char):
    data = DocumentInput(symbols=["A/74/1"], versions={"en": VersionInput(title=f"a{char}b")})
    with pytest.raises(RecordError) as err:
        save_document(catalogue_settings, data)
    assert err.value.field == "title (en)"
    assert f"U+{ord(char):04X}" in err.value.reason


@pytest.mark.parametrize("char", ["\x01", "\x08", "\x0c", "\x1f", "\x85", "\ud800", "\uffff"])
def test_a_control_character_deep_in_extra_is_refused(catalogue_settings, char):
    """However deep in ``extra`` (a key or a value), escaped by JSON or not."""
    for extra in ({"extraction": {"title": {"value": ["ok", f"x{char}y"]}}},
                  {"notes": {f"k{char}": "fine"}}):
        data = DocumentInput(symbols=["A/74/1"], extra=extra)
        with pytest.raises(RecordError) as err:
            save_document(catalogue_settings, data)
        assert err.value.field == "extra" and f"U+{ord(char):04X}" in err.value.reason


def test_backslashes_and_escapes_as_text_pass(catalogue_settings):
    extra = {"note": "C:\\bin\\f \\u0001 written out, tab\there, line\nend"}
    data = DocumentInput(symbols=["A/74/3"], versions={"en": VersionInput(title="a\\bc")},
                         extra=extra)
    assert save_document(catalogue_settings, data).created


def test_tabs_and_line_ends_pass_and_control_characters_leave_text(catalogue_settings):
    data = DocumentInput(symbols=["A/74/2"], versions={"en": VersionInput(
        title="a\ttitle", text="page one\x0cpage\x00 two\r\nend\x01")})
    uid = save_document(catalogue_settings, data).uid
    with session_scope(catalogue_settings.database_url) as db:
        version = db.query(LanguageVersion).filter_by(language="en").one()
        assert version.document.uid == uid
        assert version.title == "a\ttitle"
        assert version.text == "page one\x0cpage two\r\nend"  # the page break is kept


def test_the_manifest_names_file_line_and_field(settings, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [{"symbol": "A/74/1", "language": "en", "text": "x", "title": "Clean"},
            {"symbol": "A/74/2", "language": "en", "text": "x", "title": "Bell\x07"},
            {"symbol": "A/74/3", "language": "fr", "text": "x", "title": "Nul\x00"},
            {"symbol": "A/74/4", "language": "en", "text": "x", "agenda_title": "Esc\x1b"}]
    (folder / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    summary = ingest_folder(settings, folder)
    assert [str(e).split(": ", 1)[1] for e in summary.errors] == [
        "title (en): contains the control character U+0007 at position 5",
        "title (fr): contains the control character U+0000 at position 4",
        "agenda title: contains the control character U+001B at position 4",
    ]
    assert [str(e).split(":")[1] for e in summary.errors] == ["2", "3", "4"]
    assert summary.created == 1


def test_the_api_refuses_it_with_400(site):
    reply = site.post("/api/documents", auth=CAT,
                      data={"symbol": "A/74/9", "language": "en", "title": "x\x01y"},
                      files={"file": ("a.txt", b"some text", "text/plain")})
    assert reply.status_code == 400
    detail = reply.json()["error"]["detail"]
    assert "title (en)" in detail and "U+0001" in detail


def _stored_with_a_control_character(settings, tmp_path) -> str:
    """A document whose title holds U+0001, as data written before the rule would."""
    uid = publish_one(settings, tmp_path)
    with session_scope(settings.database_url) as db:
        db.execute(update(LanguageVersion).values(title="Resolution\x01 2334"))
        record_changes(db, db.scalars(select(LanguageVersion.document_id)).all())
    catch_up(settings)
    return uid


def test_every_xml_writer_copes_with_stored_control_characters(staffed, tmp_path):
    from fastapi.testclient import TestClient

    from hemicycle.web.app import create_app

    uid = _stored_with_a_control_character(staffed, tmp_path)
    client = TestClient(create_app(staffed))
    for prefix in ("oai_dc", "marcxml"):
        listing = client.get("/oai", params={"verb": "ListRecords", "metadataPrefix": prefix})
        assert listing.status_code == 200
        root = etree.fromstring(listing.content)
        assert root.find(f"{{{OAI}}}error") is None
        assert "Resolution\ufffd 2334" in listing.text
        identifier = root.find(f".//{{{OAI}}}identifier").text
        record = client.get("/oai", params={"verb": "GetRecord", "metadataPrefix": prefix,
                                            "identifier": identifier})
        assert record.status_code == 200 and etree.fromstring(record.content) is not None
    feed = client.get("/feeds/search.atom", params={"q": "resolution"})
    assert feed.status_code == 200 and uid in feed.text
    assert "Resolution\ufffd 2334" in etree.fromstring(feed.content).findtext(
        ".//{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}title")
    out = tmp_path / "export.xml"
    exported = CliRunner().invoke(app, ["export", "marcxml", "*", "--output", str(out)],
                                  env={"HEMICYCLE_DATA": str(staffed.data_dir),
                                       "HEMICYCLE_DATABASE_URL": staffed.database_url})
    assert exported.exit_code == 0, exported.output
    assert "Resolution\ufffd 2334" in out.read_text(encoding="utf-8")
    etree.parse(str(out))


def test_a_reviewer_cannot_store_one_either():
    from hemicycle.review.actions import InvalidField, normalise_changes

    with pytest.raises(InvalidField, match="U\\+0001"):
        normalise_changes("A/74/1", {"title": "edited\x01"})
    assert normalise_changes("A/74/1", {"title": "edited"}) == {"title": "edited"}
