"""MARC21 in and out: DHL mapping, export then import gives the same records, and the
pymarc test files are read with their broken records reported and the rest kept."""

from __future__ import annotations

import pytest
from interop_helpers import DOCUMENTS, MARC_DATA, make_catalogue
from lxml import etree
from sqlalchemy import func, select
from sqlalchemy.orm import selectinload
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.cli import app
from hemicycle.config import load_settings
from hemicycle.interop import marc
from hemicycle.interop.marc_import import import_marc
from hemicycle.marc21.files import read_marc

runner = CliRunner()


def _snapshot(settings) -> dict[str, dict]:
    """Everything the MARC mapping carries, per primary symbol."""
    with session_scope(settings.database_url) as db:
        docs = db.scalars(select(Document).options(
            selectinload(Document.symbols), selectinload(Document.versions),
            selectinload(Document.subjects), selectinload(Document.agenda_items),
            selectinload(Document.related))).all()
        return {d.symbol: {
            "status": d.status, "doc_type": d.doc_type, "distribution": d.distribution,
            "publication_date": d.publication_date, "action_date": d.action_date,
            "symbols": [s.symbol for s in d.symbols],
            "titles": {v.language: v.title for v in d.versions},
            "subjects": sorted((s.vocab, s.concept, s.label) for s in d.subjects),
            "agenda": sorted((a.agenda_symbol, a.item_number, a.title, a.subject)
                             for a in d.agenda_items),
            "related": sorted((r.symbol, r.role) for r in d.related),
        } for d in docs}


def _count(settings) -> int:
    with session_scope(settings.database_url) as db:
        return db.scalar(select(func.count()).select_from(Document))


@pytest.mark.parametrize("fmt", ["marc", "marcxml"])
def test_interop_export_then_import_gives_the_same_records(settings, tmp_path, fmt,
                                                           marc_schema):
    make_catalogue(settings)
    out = tmp_path / f"export.{fmt}"
    result = runner.invoke(app, ["--data", str(settings.data_dir), "export", fmt, "*",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    if fmt == "marcxml":
        assert marc_schema.validate(etree.parse(str(out))), marc_schema.error_log.last_error
    other = load_settings(tmp_path / "other")
    result = runner.invoke(app, ["--data", str(other.data_dir), "import", "marc", str(out)])
    assert result.exit_code == 0, result.output
    before = {k: v for k, v in _snapshot(settings).items() if v["status"] == "published"}
    after = _snapshot(other)
    assert after == before
    assert len(after) == sum(1 for d in DOCUMENTS if d[4] == "published")
    # importing the same file again changes nothing
    report = import_marc(other, out)
    assert (report.created, report.updated, report.rejected) == (0, 0, [])
    assert report.unchanged == len(before)


def test_interop_dhl_mapping_fields(settings):
    make_catalogue(settings)
    with session_scope(settings.database_url) as db:
        doc = db.scalar(select(Document).where(Document.symbol == "S/RES/2334 (2016)"))
        record = marc.document_to_record(doc)
    f191 = record.get("191")
    assert f191.get_subfields("a", "b", "c", "q") == ["S/RES/2334 (2016)", "SC", "71",
                                                       "SRES23342016"]
    assert record.get("245")["a"] == "Resolution 2334 (2016)"
    assert [(f["a"], f["y"]) for f in record.get_fields("246")] == [
        ("Résolution 2334 (2016)", "fre")]
    assert record.get("041").get_subfields("a") == ["eng", "fre"]
    assert record.get("089")["b"] == "resolution"
    assert record.get("269")["a"] == "2016-12-23"
    assert record.get("264")["c"] == "2016" and record.get("264").indicator2 == "1"
    fixed = record.get("008").data
    assert len(fixed) == 40
    # single date 2016, unknown place, international intergovernmental, 245 in English
    assert (fixed[6], fixed[7:11], fixed[15:18], fixed[28], fixed[35:38]) == (
        "s", "2016", "xx ", "i", "eng")
    subject = record.get("650")
    assert subject.indicators == [" ", "7"] or tuple(subject.indicators) == (" ", "7")
    assert subject.get_subfields("a", "2") == ["PEACEKEEPING", "unbist"]
    assert record.get("991").get_subfields("a", "b") == ["A/74/251", "14"]
    assert record.get("993").indicator1 == "3"
    assert str(record.leader)[9] == "a"


def test_interop_008_year_dates_a_record_without_269():
    from pymarc import Field, Record, Subfield

    def record(fixed: str, date: str | None = None) -> Record:
        r = Record(force_utf8=True)
        r.add_field(Field(tag="008", data=fixed))
        r.add_field(Field(tag="191", indicators=[" ", " "],
                          subfields=[Subfield("a", "A/RES/1 (I)")]))
        if date:
            r.add_field(Field(tag="269", indicators=[" ", " "], subfields=[Subfield("a", date)]))
        return r

    fields = marc.record_to_fields(record("461124s1946    xx           i000 0 eng d"))
    assert (str(fields["publication_date"]), fields["date_precision"]) == ("1946-01-01", "year")
    # 269 says more than 008 and wins; an unknown year or a short 008 gives no date
    fields = marc.record_to_fields(record("461124s1946    xx           i000 0 eng d", "1946-01-24"))
    assert (str(fields["publication_date"]), fields["date_precision"]) == ("1946-01-24", "day")
    for fixed in ("461124nuuuu    xx           i000 0 eng d", "4611"):
        assert marc.record_to_fields(record(fixed))["publication_date"] is None


def test_interop_import_pymarc_files_reports_broken_records(settings, tmp_path):
    report = import_marc(settings, MARC_DATA / "bad_records.mrc")
    rejected = {p.number: p.reason for p in report.rejected}
    assert set(rejected) == set(range(1, 10))
    # 1 and 8 are readable but identify nothing (a lone 245): not a document
    assert "no symbol" in rejected[1] and "no symbol" in rejected[8]
    assert "base address" in rejected[2] and "bad leader" in rejected[2]
    assert "bad directory" in rejected[4]
    assert "encoding" in rejected[5]
    assert "longer than the data" in rejected[9]
    assert report.created == 0 and _count(settings) == 0

    good = import_marc(settings, MARC_DATA / "marc.dat")
    assert good.rejected == [] and good.created == 20
    assert _count(settings) == 20
    xml = import_marc(settings, MARC_DATA / "batch.xml")
    assert xml.rejected == [] and xml.created + xml.unchanged == 2

    mixed = import_marc(settings, MARC_DATA / "utf8_without_leader_flag.dat")
    assert "mixed encodings" in mixed.rejected[0].reason
    cp1251 = import_marc(settings, MARC_DATA / "1251.dat")
    assert len(cp1251.rejected) == 6
    assert all("invalid MARC-8" in p.reason for p in cp1251.rejected)
    indicators = import_marc(settings, MARC_DATA / "bad_indicator.dat")
    assert [p.number for p in indicators.rejected] == [1, 2]
    assert "bad indicators" in indicators.rejected[0].reason
    assert "record length" in indicators.rejected[1].reason
    tags = import_marc(settings, MARC_DATA / "bad_tag.xml")
    assert "bad tag '42'" in tags.rejected[0].reason and tags.rejected[0].where == "line 2"
    assert _count(settings) == 20 + xml.created


def test_interop_import_cli_exits_non_zero_and_names_records(settings, tmp_path):
    result = runner.invoke(app, ["--data", str(settings.data_dir), "import", "marc",
                                 str(MARC_DATA / "bad_records.mrc")])
    assert result.exit_code == 1
    assert "record 4 (byte 381): bad directory" in result.output
    assert "9 rejected" in result.output
    missing = runner.invoke(app, ["--data", str(settings.data_dir), "import", "marc",
                                  str(tmp_path / "nope.mrc")])
    assert missing.exit_code == 1 and "no such file" in " ".join(missing.output.split())
    broken_xml = tmp_path / "broken.xml"
    broken_xml.write_text("<collection><record>")
    result = runner.invoke(app, ["--data", str(settings.data_dir), "import", "marc",
                                 str(broken_xml)])
    assert result.exit_code == 1 and "not well-formed XML" in " ".join(result.output.split())


def test_interop_unmappable_records_are_rejected_whole(settings, tmp_path):
    make_catalogue(settings)
    out = tmp_path / "all.xml"
    runner.invoke(app, ["--data", str(settings.data_dir), "export", "marcxml", "*",
                        "-o", str(out)])
    text = out.read_text(encoding="utf-8")
    broken = text.replace(">2016-12-23<", ">23 December 2016<", 1)  # in S/RES/2334
    head, _, tail = broken.rpartition('code="y">fre<')  # the last French title: A/74/PV.52
    broken = head + 'code="y">xxx<' + tail
    target = tmp_path / "broken.xml"
    target.write_text(broken, encoding="utf-8")
    other = load_settings(tmp_path / "other")
    report = import_marc(other, target)
    reasons = [p.reason for p in report.rejected]
    assert any("269 $a" in r and "23 December 2016" in r for r in reasons)
    assert any("246 $y" in r and "xxx" in r for r in reasons)
    assert len(report.rejected) == 2
    assert report.created == len(list(read_marc(target))) - 2
    with session_scope(other.database_url) as db:
        for symbol in ("S/RES/2334 (2016)", "A/74/PV.52"):
            assert db.scalar(select(Document).where(Document.symbol == symbol)) is None


def test_interop_export_dc_validates(settings, tmp_path):
    from interop_helpers import load_schema

    make_catalogue(settings)
    out = tmp_path / "dc.xml"
    result = runner.invoke(app, ["--data", str(settings.data_dir), "export", "dc", "*",
                                 "-o", str(out)])
    assert result.exit_code == 0, result.output
    schema = load_schema("oai_dc.xsd")
    records = etree.parse(str(out)).getroot()
    assert len(records) == sum(1 for d in DOCUMENTS if d[4] == "published")
    for dc in records:
        assert schema.validate(dc), schema.error_log.last_error
    bad = runner.invoke(app, ["--data", str(settings.data_dir), "export", "mods", "*"])
    assert bad.exit_code != 0


@pytest.mark.parametrize("fmt", ["marc", "marcxml"])
def test_interop_import_into_sqlite_and_postgresql(catalogue_settings, tmp_path, fmt):
    """A file exported from one catalogue imports the same records into SQLite and PostgreSQL."""
    import dataclasses

    from hemicycle.interop.export import export_documents

    source = dataclasses.replace(catalogue_settings, data_dir=tmp_path / "source",
                                 database_url=f"sqlite:///{tmp_path / 'source.sqlite3'}")
    make_catalogue(source)
    out = tmp_path / f"export.{fmt}"
    with out.open("wb") as fh:
        assert export_documents(source, "*", fmt, fh) == 4
    report = import_marc(catalogue_settings, out)
    assert (report.created, report.rejected) == (4, [])
    before = {k: v for k, v in _snapshot(source).items() if v["status"] == "published"}
    assert _snapshot(catalogue_settings) == before
