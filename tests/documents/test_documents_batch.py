"""The document service in batches (SQLite and PostgreSQL): a bad record is rejected alone,
wherever in the batch it is and whoever finds it wrong (the checks or the database); the
change log has an entry for each change and none for a rejected record; records that
share a symbol in one batch come out as if saved one after another; a new document comes
out the same whether it is inserted as rows or merged into a catalogued record."""

from __future__ import annotations

import datetime as dt
import json

from sqlalchemy import func, select, text
from sqlalchemy.orm import selectinload

from hemicycle.catalogue.db import get_engine, session_scope
from hemicycle.catalogue.models import Change, Document
from hemicycle.documents import (
    AgendaInput,
    DocumentConflict,
    DocumentInput,
    FileInput,
    RecordError,
    SaveResult,
    SubjectInput,
    VersionInput,
    save_batch,
    save_document,
)
from hemicycle.ingest.run import ingest_folder
from hemicycle.storage import open_location


def doc(symbol: str, title: str = "A report", **more) -> DocumentInput:
    return DocumentInput(symbols=[symbol], versions={"en": VersionInput(title=title)}, **more)


def catalogued(settings) -> dict[str, dict]:
    """Every document as plain data (what a record holds, not its ids or times)."""
    with session_scope(settings.database_url) as db:
        docs = db.scalars(select(Document).options(
            selectinload(Document.symbols), selectinload(Document.versions),
            selectinload(Document.files), selectinload(Document.subjects),
            selectinload(Document.agenda_items), selectinload(Document.related))).all()
        return {d.symbol: {
            "fields": {k: getattr(d, k) for k in (
                "doc_type", "body", "session", "year", "publication_date", "action_date",
                "distribution", "status", "source", "extra")},
            "symbols": [(s.symbol, s.key, s.position) for s in d.symbols],
            "versions": sorted((v.language, v.title, v.text, v.text_source) for v in d.versions),
            "files": sorted((f.language, f.format, f.media_type, f.size, f.sha512, f.filename)
                            for f in d.files),
            "subjects": [(s.vocab, s.concept, s.label, s.origin, s.backend, s.score,
                          s.assigned_by) for s in sorted(d.subjects, key=lambda s: s.id)],
            "agenda": [(a.agenda_symbol, a.item_number, a.title, a.subject)
                       for a in sorted(d.agenda_items, key=lambda a: a.id)],
            "related": [(r.symbol, r.role) for r in sorted(d.related, key=lambda r: r.id)],
        } for d in docs}


def logged(settings) -> list[int]:
    with session_scope(settings.database_url) as db:
        return list(db.scalars(select(Change.document_id).order_by(Change.seq)))


def test_a_bad_record_in_the_middle_of_a_batch_is_rejected_alone(catalogue_settings):
    s = catalogue_settings
    save_document(s, doc("A/74/9", "The catalogued title"))
    before = logged(s)
    outcomes = save_batch(s, [
        doc("A/74/1"), doc("A/74/2"),
        doc("A/74/not a symbol"),                      # the checks refuse it
        doc("A/74/3", distribution="SECRET"),          # so they do this one
        doc("A/74/9", "Another title"),                # a conflict with the catalogue
        doc("A/74/4"),
    ])
    assert [type(o).__name__ for o in outcomes] == [
        "SaveResult", "SaveResult", "RecordError", "RecordError", "DocumentConflict",
        "SaveResult"]
    assert outcomes[2].field == "symbol" and outcomes[3].field == "distribution"
    assert "en title: differs from the catalogued one" in str(outcomes[4])
    assert set(catalogued(s)) == {"A/74/1", "A/74/2", "A/74/4", "A/74/9"}
    assert catalogued(s)["A/74/9"]["versions"][0][1] == "The catalogued title"
    saved = [o.document_id for o in outcomes if isinstance(o, SaveResult)]
    assert logged(s) == before + saved  # one change each, none for the rejected ones
    again = save_batch(s, [doc("A/74/1"), doc("A/74/2")])
    assert [(o.created, o.changed) for o in again] == [(False, False), (False, False)]
    assert logged(s) == before + saved  # nothing changed, nothing logged


def _refuse_titles(settings, title: str) -> None:
    """A rule of the database the document service does not know about."""
    engine = get_engine(settings.database_url)
    with engine.begin() as conn:
        if engine.dialect.name == "sqlite":
            conn.execute(text(
                "CREATE TRIGGER refuse_title BEFORE INSERT ON language_versions "
                f"WHEN NEW.title = '{title}' BEGIN SELECT RAISE(ABORT, 'refused title'); END"))
        else:
            conn.execute(text(
                "CREATE FUNCTION refuse_title() RETURNS trigger AS $$ BEGIN "
                f"IF NEW.title = '{title}' THEN RAISE EXCEPTION 'refused title' USING "
                "ERRCODE = 'check_violation'; END IF; RETURN NEW; END $$ LANGUAGE plpgsql"))
            conn.execute(text(
                "CREATE TRIGGER refuse_title BEFORE INSERT ON language_versions FOR EACH ROW "
                "EXECUTE FUNCTION refuse_title()"))


def test_a_record_the_database_refuses_is_rejected_alone(catalogue_settings, tmp_path):
    s = catalogue_settings
    _refuse_titles(s, "Forbidden")
    files = []
    for n in range(4):
        path = tmp_path / f"{n}.txt"
        path.write_text(f"text {n}", encoding="utf-8")
        files.append(path)
    save_document(s, doc("A/74/20", "Before"))
    outcomes = save_batch(s, [
        doc(f"A/74/{10 + n}", "Forbidden" if n == 2 else f"Report {n}",
            files=[FileInput("en", "txt", files[n])]) for n in range(4)
    ] + [doc("A/74/20", "Before")])
    assert [type(o).__name__ for o in outcomes[:4]] == [
        "SaveResult", "SaveResult", "RecordError", "SaveResult"]
    assert outcomes[2].field == "document" and "refused" in outcomes[2].reason
    assert "A/74/12" in outcomes[2].reason
    assert not outcomes[4].created and not outcomes[4].changed
    assert set(catalogued(s)) == {"A/74/10", "A/74/11", "A/74/13", "A/74/20"}
    with session_scope(s.database_url) as db:
        located = {d.symbol: d.files[0].location for d in db.scalars(
            select(Document).options(selectinload(Document.files))) if d.files}
    for n in (0, 1, 3):  # the bytes of those saved are where their records say
        assert open_location(s, located[f"A/74/{10 + n}"]).read_text() == f"text {n}"
    assert len(logged(s)) == 4  # A/74/20 once, then the three saved


def test_records_sharing_a_symbol_in_one_batch_merge_as_one_after_another(catalogue_settings):
    s = catalogue_settings
    outcomes = save_batch(s, [
        doc("S/2017/14", "Identical letters", doc_type="letter"),
        DocumentInput(symbols=["A/ES-10/738", "s/2017/14"],
                      versions={"fr": VersionInput(title="Lettres identiques")}),
        doc("A/ES-10/738", "Identical letters"),
        doc("S/2017/14", "Other letters"),  # differs from the first: a conflict
    ])
    assert [(o.created, o.changed) for o in outcomes[:3]] == [(True, True), (False, True),
                                                               (False, False)]
    assert isinstance(outcomes[3], DocumentConflict)
    assert len({o.uid for o in outcomes[:3]}) == 1
    record = catalogued(s)["S/2017/14"]
    assert [x[0] for x in record["symbols"]] == ["S/2017/14", "A/ES-10/738"]
    assert record["versions"] == [("en", "Identical letters", None, None),
                                  ("fr", "Lettres identiques", None, None)]


def full_input(path) -> DocumentInput:
    return DocumentInput(
        symbols=["A/RES/74/1", "A/RES/74/1"], doc_type="resolution", distribution="GEN",
        publication_date=dt.date(2019, 10, 1), action_date=dt.date(2019, 9, 30),
        source="test", extra={"note": "x"},
        versions={"en": VersionInput("Resolution 74/1", "The General Assembly ...", "manual"),
                  "FR": VersionInput("Résolution 74/1")},
        files=[FileInput("en", "TXT", path), FileInput("en", "txt", path)],
        subjects=[SubjectInput("http://metadata.un.org/thesaurus/1", "PEACE"),
                  SubjectInput("http://metadata.un.org/thesaurus/2", "AGEING", origin="machine",
                               backend="tfidf", score=0.5),
                  SubjectInput("http://metadata.un.org/thesaurus/1", "PEACE again")],
        agenda_items=[AgendaInput("A/74/251", "14", "Culture of peace"),
                      AgendaInput("A/74/251", "14", "Repeated")],
        related=[("A/74/L.1", "draft"), ("a/74/l.1", "draft"), ("A/74/PV.3", "meeting")],
    )


def test_a_new_document_is_the_same_inserted_as_rows_or_merged(catalogue_settings, tmp_path):
    """The bulk path (rows) and the merge path (into a catalogued record) agree."""
    import dataclasses

    path = tmp_path / "res.txt"
    path.write_text("The General Assembly ...", encoding="utf-8")
    inserted = catalogue_settings
    save_document(inserted, full_input(path))
    merged = dataclasses.replace(inserted, data_dir=tmp_path / "merged",
                                 database_url=f"sqlite:///{tmp_path / 'merged.sqlite3'}")
    save_document(merged, DocumentInput(symbols=["A/RES/74/1"]))
    result = save_document(merged, full_input(path))
    assert not result.created and result.changed
    assert catalogued(inserted) == catalogued(merged)


def test_ingest_batches_report_each_bad_row_with_its_line(catalogue_settings, tmp_path):
    save_document(catalogue_settings, DocumentInput(
        symbols=["A/74/5"], versions={"en": VersionInput(text="catalogued text")}))
    folder = tmp_path / "in"
    folder.mkdir()
    rows = [{"symbol": f"A/74/{n}", "language": "en", "text": f"text {n}"} for n in range(1, 8)]
    rows[3]["distribution"] = "SECRET"
    rows[5]["symbol"] = "A/74/1"
    (folder / "manifest.jsonl").write_text(
        "\n".join(json.dumps(r) for r in rows) + "\n", encoding="utf-8")
    summary = ingest_folder(catalogue_settings, folder, batch=2)
    # line 4: the manifest reader refuses it; line 5: the service (a conflict with the
    # catalogue); line 6: A/74/1 again in English, which breaks A/74/1 whole
    assert sorted((e.line, e.field) for e in summary.errors) == [
        (4, "distribution"), (5, "document"), (6, "language")]
    assert all(str(e).startswith(f"{folder / 'manifest.jsonl'}:{e.line}: ")
               for e in summary.errors)
    assert summary.created == 3
    with session_scope(catalogue_settings.database_url) as db:
        assert db.scalar(select(func.count(Document.id))) == 4
    again = ingest_folder(catalogue_settings, folder, batch=3)
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)


def test_a_storage_refusal_rejects_only_its_record(catalogue_settings, tmp_path):
    good = tmp_path / "good.txt"
    good.write_text("good", encoding="utf-8")
    link = tmp_path / "link.txt"
    link.symlink_to(good)  # storage never follows a link
    outcomes = save_batch(catalogue_settings, [
        doc("A/74/30", files=[FileInput("en", "txt", good)]),
        doc("A/74/31", files=[FileInput("en", "txt", link)]),
        doc("A/74/32"),
    ])
    assert isinstance(outcomes[0], SaveResult)
    assert isinstance(outcomes[1], RecordError) and outcomes[1].field == "file"
    assert "symbolic link" in outcomes[1].reason
    assert set(catalogued(catalogue_settings)) == {"A/74/30", "A/74/32"}


def test_a_new_document_that_contradicts_itself_is_rejected_alone(catalogue_settings,
                                                                  tmp_path):
    """Two different files for one language and format in one input: a conflict found
    before anything is written, for that input only; the same file twice is no conflict."""
    s = catalogue_settings
    one, two = tmp_path / "one.txt", tmp_path / "two.txt"
    one.write_text("first", encoding="utf-8")
    two.write_text("second", encoding="utf-8")
    outcomes = save_batch(s, [
        doc("A/74/31"),
        doc("A/74/32", files=[FileInput("en", "txt", one), FileInput("en", "txt", two)]),
        doc("A/74/33", files=[FileInput("en", "txt", one), FileInput("en", "txt", one)]),
    ])
    assert [type(o).__name__ for o in outcomes] == ["SaveResult", "DocumentConflict",
                                                    "SaveResult"]
    assert "file en/txt: different bytes" in str(outcomes[1]) and "A/74/32" in str(outcomes[1])
    assert set(catalogued(s)) == {"A/74/31", "A/74/33"}


def test_a_file_changed_after_the_reader_hashed_it_is_refused_with_its_name(settings,
                                                                             tmp_path):
    """The manifest reader hashes a text file as it reads it; if the file changes before
    it is stored, the copy does not match and the record is refused, naming the file."""
    import hashlib

    import pytest

    from hemicycle.ingest.text import read_document_file

    path = tmp_path / "report-en.txt"
    path.write_text("Report of the Secretary-General", encoding="utf-8")
    text, fmt, digest = read_document_file(path)
    raw = path.read_bytes()
    assert digest == (len(raw), hashlib.sha512(raw).hexdigest())
    path.write_text("Report of the Secretary-General, revised", encoding="utf-8")
    data = DocumentInput(symbols=["A/74/900"], versions={"en": VersionInput(title=text)},
                         files=[FileInput("en", fmt, path, path.name, digest=digest)])
    with pytest.raises(RecordError) as refused:
        save_document(settings, data)
    assert refused.value.field == "file" and "report-en.txt" in str(refused.value)
    assert "changed while it was stored" in str(refused.value)
    with session_scope(settings.database_url) as db:
        assert db.scalar(select(func.count(Document.id))) == 0
