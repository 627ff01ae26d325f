"""The Index to Proceedings built from real data through the real importers (GA session 70
roll calls, General Debate speakers of every session with the texts of session 75, the
Security Council resolution tables, UN Parallel Corpus documents of session 70, the UNBIS
domain 13 thesaurus), checked against the source files, on SQLite and PostgreSQL; then
its page, JSON, Word, MARC and CLI."""

from __future__ import annotations

import datetime as dt
import io
import json
import re
import shutil
from collections import Counter
from pathlib import Path

import openpyxl
import pytest
from fastapi.testclient import TestClient
from proceedings_helpers import (
    CRUNSC,
    ROLL_CALLS70,
    ROOT,
    UNGDC,
    UNGDC_TEXTS,
    UNVOTES,
    VOETEN70,
    VOTES70,
    read_csv,
)
from sqlalchemy import select
from typer.testing import CliRunner

from hemicycle.catalogue.db import session_scope
from hemicycle.documents import DocumentInput, SubjectInput, VersionInput, save_document
from hemicycle.proceedings import itp
from hemicycle.proceedings.codes import VOTES
from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.proceedings.importers.gdc import GDCFiles, import_gdc
from hemicycle.proceedings.importers.sc import SCFiles, import_sc
from hemicycle.proceedings.models import MemberState, Speech, Vote, VotingRecord
from hemicycle.symbols import symbol_sort_key
from hemicycle.web.i18n import translate

UNPC = ROOT / "corpus" / "documents" / "unpc"
UNBIS13 = ROOT / "corpus" / "thesaurus" / "unbis-domain13" / "unbis-domain13.ttl"
T = "http://example.org/unbis-2015/"
SEAFARERS, TIBETAN = T + "T0003907", T + "T0010088"  # REFUGEE SEAFARERS, TIBETAN REFUGEES
LANGS = ("ar", "zh", "en", "fr", "ru", "es")
W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"


def _unpc_session70(tmp: Path, limit: int = 14) -> Path:
    """A folder with the English and French versions of some session-70 UNPC documents
    and the English texts of the 13 Security Council resolutions of 2015 it holds."""
    folder = tmp / "unpc70"
    (folder / "files").mkdir(parents=True)
    rows, symbols = [], []
    for line in (UNPC / "manifest.jsonl").read_text("utf-8").splitlines():
        row = json.loads(line)
        if row["symbol"].startswith("s/res/") and row["language"] == "en":
            shutil.copy(UNPC / row["file"], folder / row["file"])
            rows.append(row)
            continue
        if not row["symbol"].lower().startswith("a/70/") or row["language"] not in ("en", "fr"):
            continue
        if row["symbol"] not in symbols:
            if len(symbols) == limit:
                continue
            symbols.append(row["symbol"])
        shutil.copy(UNPC / row["file"], folder / row["file"])
        rows.append(row)
    (folder / "manifest.jsonl").write_text(
        "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in rows), "utf-8")
    return folder


def build_catalogue(settings, tmp: Path) -> None:
    from hemicycle.ingest.run import ingest_folder
    from hemicycle.thesaurus.store import load_vocabulary

    texts = tmp / "texts75"
    texts.mkdir()
    for path in UNGDC_TEXTS.glob("*_75_2020.txt"):
        shutil.copy(path, texts / path.name)
    import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70, UNVOTES / "un_roll_call_issues.csv",
                                VOETEN70))
    import_gdc(settings, GDCFiles(UNGDC / "Speakers_by_session.xlsx", texts))
    import_sc(settings, SCFiles(CRUNSC / "UNSC_Record-Table_2722.csv",
                                CRUNSC / "UNSC_Record_Voting_2722.csv",
                                CRUNSC / "resolution_years.csv"))
    load_vocabulary(settings, "unbis", [UNBIS13])
    summary = ingest_folder(settings, _unpc_session70(tmp))
    assert not summary.errors
    # two resolutions as the DHL catalogues them (title in two languages, subjects), and
    # one record whose type contradicts its symbol (a draft catalogued as a resolution)
    save_document(settings, DocumentInput(
        symbols=["A/RES/70/5"], doc_type="resolution",
        versions={"en": VersionInput(title="Necessity of ending the embargo against Cuba"),
                  "fr": VersionInput(title="Nécessité de lever le blocus imposé à Cuba")},
        subjects=[SubjectInput(SEAFARERS)]))
    save_document(settings, DocumentInput(
        symbols=["A/RES/70/10"], doc_type="resolution",
        versions={"en": VersionInput(title="Report of the International Atomic Energy Agency")},
        subjects=[SubjectInput(SEAFARERS), SubjectInput(TIBETAN)]))
    save_document(settings, DocumentInput(  # as corpus/documents/ungdc catalogues one
        symbols=[], identifier="UNGDC/75/NZL", doc_type="speech", body="GA", session="75",
        versions={"en": VersionInput(title="General Debate, session 75: New Zealand")}))
    save_document(settings, DocumentInput(
        symbols=["A/70/L.1"], doc_type="resolution",
        versions={"en": VersionInput(title="Draft outcome document")}))


@pytest.fixture
def catalogue(catalogue_settings, tmp_path):
    build_catalogue(catalogue_settings, tmp_path)
    return catalogue_settings


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    """One SQLite catalogue shared by the page, export and CLI tests."""
    from hemicycle.config import load_settings
    from hemicycle.web.app import create_app

    data = tmp_path_factory.mktemp("itp-site")
    with pytest.MonkeyPatch.context() as env:
        env.delenv("HEMICYCLE_DATABASE_URL", raising=False)
        env.setenv("HEMICYCLE_DATA", str(data))
        settings = load_settings(data)
        build_catalogue(settings, tmp_path_factory.mktemp("itp-inputs"))
    return settings, TestClient(create_app(settings))


def _index(settings, body="GA", session=70, lang="en") -> dict:
    with session_scope(settings.database_url) as db:
        return itp.build_index(db, body, session, lang)


def _source_votes() -> dict[tuple[str, str], str]:
    """(rcid, ISO2) -> yes/no/abstain as the unvotes file prints them."""
    return {(r["rcid"], r["country_code"]): r["vote"] for r in read_csv(VOTES70)}


# ---- content, on both databases ---------------------------------------------------------

def test_resolutions_and_chart_equal_the_imported_votes(catalogue):
    ix = _index(catalogue)
    assert ix["order"] == list(itp.SECTIONS)
    res = ix["sections"]["resolutions"]
    roll_calls = read_csv(ROLL_CALLS70)
    assert len(res["items"]) == len({r["unres"] for r in roll_calls})
    assert all(r["outcome"] == "recorded" for r in res["items"])
    assert [r["symbol"] for r in res["items"]] == sorted(
        (r["symbol"] for r in res["items"]), key=symbol_sort_key)
    chart = ix["sections"]["voting_chart"]
    assert chart["status"] == "ok"
    assert [c["symbol"] for c in chart["columns"]] == [r["symbol"] for r in res["items"]]
    with session_scope(catalogue.database_url) as db:
        iso2 = dict(db.execute(select(MemberState.iso3, MemberState.iso2)).all())
        stored = {(rid, iso3): VOTES[v][0] for rid, iso3, v in db.execute(
            select(Vote.record_id, MemberState.iso3, Vote.vote)
            .join(MemberState, MemberState.id == Vote.state_id)
            .join(VotingRecord, VotingRecord.id == Vote.record_id)
            .where(VotingRecord.session_no == 70, VotingRecord.body == "GA"))}
        rcid = dict(db.execute(select(VotingRecord.id, VotingRecord.source_id)).all())
    source = _source_votes()
    rows = {r["state"]: r for r in chart["rows"]}
    sample = ["USA", "CUB", "ISR", "RUS", "TUR", "CZE", "FRA", "CHN"] + sorted(rows)[::17]
    for iso3 in sample:
        for col, cell in zip(chart["columns"], rows[iso3]["cells"], strict=True):
            assert cell == stored.get((col["record_id"], iso3)), (iso3, col["symbol"])
            printed = source.get((rcid[col["record_id"]], iso2[iso3]))
            if printed is not None:  # the unvotes file: yes/no/abstain
                assert cell == printed, (iso3, col["symbol"])
    # every tally in the list is the count of the chart's cells, and of the source rows
    for i, r in enumerate(res["items"]):
        cells = Counter(row["cells"][i] for row in chart["rows"])
        for name in ("yes", "no", "abstain"):
            assert r["tally"][name] == cells[name], (r["symbol"], name)
        rc = rcid[r["record_id"]]
        assert r["tally"]["yes"] == sum(1 for (c, _), v in source.items()
                                        if c == rc and v == "yes")
    # the name of the day: 2015 is before Türkiye and Czechia
    assert rows["TUR"]["name"] == "Turkey" and rows["CZE"]["name"] == "Czech Republic"
    names = [r["name"] for r in chart["rows"]]
    assert names.index("Afghanistan") == 0 and names.index("Zimbabwe") == len(names) - 1
    # the catalogued resolution gives its title in the interface language and its page
    fr = {r["symbol"]: r for r in _index(catalogue, lang="fr")["sections"]["resolutions"]["items"]}
    assert fr["A/RES/70/5"]["title"] == "Nécessité de lever le blocus imposé à Cuba"
    assert fr["A/RES/70/5"]["document_url"].startswith("/documents/")
    uncatalogued = next(r for s, r in fr.items() if s not in ("A/RES/70/5", "A/RES/70/10"))
    assert uncatalogued["title"] is None and uncatalogued["document_url"] is None
    assert uncatalogued["title_en"]  # the roll-call description, in English


def test_speeches_by_state_are_complete_with_names_of_the_day(catalogue):
    book = openpyxl.load_workbook(UNGDC / "Speakers_by_session.xlsx", read_only=True)
    rows = list(book.worksheets[0].iter_rows(values_only=True))
    head = list(rows[0])
    at = {c: head.index(c) for c in ("Session", "ISO Code", "Name of Person Speaking")}
    listed75 = {r[at["ISO Code"]] for r in rows[1:] if r[at["Session"]] == 75}
    ix = _index(catalogue, session=75)
    sp = ix["sections"]["speeches"]
    with session_scope(catalogue.database_url) as db:
        stored = db.execute(select(Speech.id, Speech.state_id).where(
            Speech.session_no == 75, Speech.body == "GA")).all()
    listed_ids = [s["id"] for g in sp["by_state"] for s in g["speeches"]]
    assert sorted(listed_ids) == sorted(i for i, _ in stored) and sp["total"] == len(stored)
    by_iso = {g["state"]: g for g in sp["by_state"] if g["state"]}
    assert set(by_iso) <= listed75 | {p.name.split("_")[0] for p in
                                      UNGDC_TEXTS.glob("*_75_2020.txt")}
    assert by_iso["CZE"]["name"] == "Czechia" and by_iso["TUR"]["name"] == "Turkey"
    # the catalogued statement is linked from its speech, and listed with the documents
    nzl = by_iso["NZL"]["speeches"][0]["document_uid"]
    assert nzl and [s["document_uid"] for s in by_iso["USA"]["speeches"]] == [None]
    assert nzl in {d["uid"] for d in ix["sections"]["documents"]["items"]}
    assert all(s["meeting"] is None for s in by_iso["USA"]["speeches"])
    speakers = [s["speaker"] for s in sp["by_speaker"]]
    assert len(speakers) == len(set(speakers)) and speakers
    # a later session prints the later name
    later = _index(catalogue, session=78)["sections"]["speeches"]["by_state"]
    assert {g["state"]: g["name"] for g in later if g["state"]}["TUR"] == "Türkiye"
    # speeches with no authority are listed, and counted by the quality section
    orphans = sum(len(g["speeches"]) for g in sp["by_state"] if not g["authority"])
    assert orphans == sum(1 for _, sid in stored if sid is None)
    assert ix["sections"]["quality"]["counts"].get("speech_without_authority", 0) == orphans
    assert ix["sections"]["quality"]["counts"]["speech_without_meeting"] == len(stored)


def test_subjects_documents_and_quality(catalogue):
    ix = _index(catalogue, lang="fr")
    subj = ix["sections"]["subject_index"]
    terms = {t["concept"]: t for t in subj["terms"]}
    assert terms[SEAFARERS]["label"] == "MARINS REFUGIES"
    assert [d["symbol"] for d in terms[SEAFARERS]["documents"]] == ["A/RES/70/5", "A/RES/70/10"]
    assert [d["symbol"] for d in terms[TIBETAN]["documents"]] == ["A/RES/70/10"]
    assert terms[TIBETAN]["origins"] == ["human"]
    issues = {c["issue"]: c for c in subj["issue_categories"]}
    source = Counter(r["short_name"] for r in read_csv(UNVOTES / "un_roll_call_issues.csv")
                     if r["rcid"] in {x["rcid"] for x in read_csv(ROLL_CALLS70)})
    assert {k: len(v["records"]) for k, v in issues.items()} == dict(source)
    docs = ix["sections"]["documents"]["items"]
    symbols = [d["symbol"] for d in docs]
    assert symbols == sorted(symbols, key=symbol_sort_key) and len(symbols) == 14 + 3
    assert {"A/RES/70/5", "A/70/L.1"} <= set(symbols)
    quality = ix["sections"]["quality"]
    mismatch = [f for f in quality["findings"] if f["code"] == "symbol_type_mismatch"]
    assert [f["symbol"] for f in mismatch] == ["A/70/L.1"]
    assert "tally_recount_mismatch" not in quality["counts"]
    assert {r["importer"] for r in quality["importer_findings"]} == {"ga", "gdc"}
    for name in ("meetings", "supplements", "committee_reports"):
        assert ix["sections"][name]["status"] == "not_available"
        assert ix["sections"][name]["reason"] == itp.REASONS[ix["sections"][name]["reason_code"]]


def test_security_council_year_outcomes_unknown_and_no_chart(catalogue):
    years = {int(r["res_no"]) for r in read_csv(CRUNSC / "resolution_years.csv")
             if r["year"] == "1967"}
    by_year, by_session = _index(catalogue, "SC", 1967), _index(catalogue, "sc", 22)
    assert by_year == by_session and by_year["label"] == "SC 22 (1967)"
    items = by_year["sections"]["resolutions"]["items"]
    assert {int(re.match(r"S/RES/(\d+)", r["symbol"]).group(1)) for r in items} == years
    assert {r["outcome"] for r in items} == {"unknown"} and all(r["tally"] is None
                                                                for r in items)
    assert all(r["dl_voting_url"].startswith("https://") for r in items)
    chart = by_year["sections"]["voting_chart"]
    assert chart["status"] == "not_available" and "Security Council" in chart["reason"]


def test_security_council_2015_from_the_catalogue(catalogue):
    unpc = sorted({json.loads(line)["symbol"] for line in
                   (UNPC / "manifest.jsonl").read_text("utf-8").splitlines()
                   if json.loads(line)["symbol"].startswith("s/res/")})
    ix = _index(catalogue, "SC", 2015)
    items = ix["sections"]["resolutions"]["items"]
    numbers = [int(re.match(r"S/RES/(\d+) \(2015\)$", r["symbol"]).group(1)) for r in items]
    assert numbers == sorted(int(s.split("/")[2].split("_")[0]) for s in unpc)
    assert all(r["document_url"] and r["outcome"] == "unknown" for r in items)
    # the CR-UNSC tables give no year after 1994: the catalogued resolution places the
    # record, and its Digital Library voting record is linked
    voting = {int(r["res_no"]): r["url_record"]
              for r in read_csv(CRUNSC / "UNSC_Record_Voting_2722.csv")}
    assert [r["dl_voting_url"] for r in items] == [voting[n] for n in numbers]
    assert all(r["record_url"] for r in items)
    assert [d["symbol"] for d in ix["sections"]["documents"]["items"]] == [
        r["symbol"] for r in items]
    assert ix["sections"]["voting_chart"]["status"] == "not_available"
    assert ix["sections"]["speeches"]["status"] == "not_available"


def test_bad_body_and_empty_session(catalogue):
    with session_scope(catalogue.database_url) as db:
        with pytest.raises(itp.UnknownBody, match="unknown body 'ECOSOC'"):
            itp.build_index(db, "ECOSOC", 70)
        with pytest.raises(itp.NoData, match="nothing for GA 150"):
            itp.build_index(db, "GA", 150)
        with pytest.raises(itp.NoData, match="not a session number"):
            itp.build_index(db, "GA", "seventy")


# ---- outputs (one SQLite site) ----------------------------------------------------------

def test_page_in_six_languages_arabic_rtl(site):
    settings, client = site
    for lang in LANGS:
        page = client.get(f"/proceedings/index/GA/70?ui={lang}")
        assert page.status_code == 200
        headings = re.findall(r'<section class="itp-section" id="(\w+)"[^>]*>\s*<h2>([^<]+)</h2>',
                              page.text)
        assert [h[0] for h in headings] == list(itp.SECTIONS)
        assert [h[1] for h in headings] == [translate(f"itp.section.{n}", lang)
                                            for n in itp.SECTIONS]
        assert (f'dir="{"rtl" if lang == "ar" else "ltr"}"') in page.text.split(">", 2)[1]
    ar = client.get("/proceedings/index/GA/70?ui=ar").text
    # an empty section says why, in the interface language
    assert re.search(r'data-reason="no_supplements"><strong>[^<]+</strong>: '
                     + re.escape(translate("itp.reason.no_supplements", "ar")), ar)
    assert re.search(r'<html lang="ar" dir="rtl"', ar) and "جدول التصويت" in ar
    assert '<style media="print">' in ar and "break-before: page" in ar
    listing = client.get("/proceedings/index?ui=en").text
    assert 'href="/proceedings/index/GA/70"' in listing
    assert 'href="/proceedings/index/SC/22"' in listing


def test_json_api_and_errors(site):
    settings, client = site
    api = client.get("/api/proceedings/index/GA/70").json()
    assert api == json.loads(json.dumps(_index(settings)))
    assert client.get("/api/proceedings/index").json()["sessions"][0]["body"] == "GA"
    for url in ("/api/proceedings/index/XX/70", "/api/proceedings/index/GA/150",
                "/proceedings/index/GA/150", "/proceedings/index/UN/1",
                "/proceedings/index/GA/70x.docx"):
        answer = client.get(url)
        assert answer.status_code == 404, url
    assert "unknown body" in client.get("/api/proceedings/index/XX/70").json()["error"]["detail"]


def test_docx_opens_with_the_sections_and_counts(site):
    import docx

    settings, client = site
    answer = client.get("/proceedings/index/GA/70.docx?ui=fr")
    assert answer.status_code == 200
    doc = docx.Document(io.BytesIO(answer.content))
    ix = _index(settings, lang="fr")
    headings = [p.text for p in doc.paragraphs if p.style.name == "Heading 1"]
    assert headings == [translate(f"itp.section.{n}", "fr") for n in itp.SECTIONS]
    res = ix["sections"]["resolutions"]["items"]
    chart = ix["sections"]["voting_chart"]
    tables = [t for t in doc.tables if len(t.columns) == 4
              and t.rows[0].cells[0].text == translate("itp.symbol", "fr")]
    assert len(tables[0].rows) == len(res) + 1
    assert [r.cells[0].text for r in tables[0].rows[1:]] == [r["symbol"] for r in res]
    chart_table = next(t for t in doc.tables if len(t.columns) == len(chart["columns"]) + 1)
    assert len(chart_table.rows) == len(chart["rows"]) + 1
    # the French index names states in French, as the UN does
    usa = next(r for r in chart_table.rows if r.cells[0].text == "États-Unis d'Amérique")
    cells = next(r for r in chart["rows"] if r["state"] == "USA")["cells"]
    assert [c.text for c in usa.cells[1:]] == [{"yes": "Y", "no": "N", "abstain": "A"}.get(c, c)
                                               if c in ("yes", "no", "abstain") else
                                               {"non_voting": "X", "absent": "–"}.get(c, "")
                                               for c in cells]
    speeches = next(t for t in doc.tables if len(t.columns) == 5
                    and t.rows[0].cells[1].text == translate("itp.speaker", "fr"))
    assert len(speeches.rows) == ix["sections"]["speeches"]["total"] + 1
    assert 'w:tblHeader' in speeches.rows[0]._tr.xml  # repeated on every page
    assert doc.paragraphs[0]._p.pPr is None or doc.paragraphs[0]._p.pPr.find(
        f"{{{W}}}bidi") is None  # French reads left to right


def test_marc_export_reads_back_with_the_dhl_fields(site):
    from pymarc import MARCReader

    from hemicycle.proceedings.marc import speech_fields, voting_fields

    settings, client = site
    answer = client.get("/proceedings/index/GA/70.mrc")
    assert answer.status_code == 200
    records = list(MARCReader(io.BytesIO(answer.content), to_unicode=True, force_utf8=True))
    votes = [r for r in records if r["089"]["b"] == "voting record"]
    speeches = [r for r in records if r["089"]["b"] == "speech"]
    ix = _index(settings)
    assert len(votes) == len(read_csv(ROLL_CALLS70))
    assert len(speeches) == ix["sections"]["speeches"]["total"]
    source = _source_votes()
    by_symbol = {r["symbol"]: r for r in ix["sections"]["resolutions"]["items"]}
    for record in votes:
        fields = voting_fields(record)  # raises if 996 disagrees with the 967 fields
        item = by_symbol[fields["resolution_symbol"]]
        assert fields["yes"] == item["tally"]["yes"] and fields["no"] == item["tally"]["no"]
        assert fields["session_no"] == 70 and fields["body"] == "GA"
        assert record["591"]["a"] == "RECORDED"
    first = voting_fields(votes[0])
    rc = read_csv(ROLL_CALLS70)[0]["rcid"]
    assert first["yes"] == sum(1 for (c, _), v in source.items() if c == rc and v == "yes")
    one = speech_fields(next(r for r in speeches if r["710"] and r["710"]["9"] == "USA"))
    # the authority's name is the UN's short name, not the unvotes file's "United States"
    assert one["speaker"] and one["name"] == "United States of America"
    assert one["session_no"] == 70
    assert one["agenda_item"] == "General debate" and one["meeting_symbol"] is None


def test_cli_writes_each_format_and_fails_clearly(site, tmp_path, monkeypatch):
    import docx

    from hemicycle.cli import app

    settings, _client = site
    monkeypatch.setenv("HEMICYCLE_DATA", str(settings.data_dir))
    monkeypatch.delenv("HEMICYCLE_DATABASE_URL", raising=False)
    runner = CliRunner()
    for fmt in ("html", "json", "docx", "marc"):
        out = tmp_path / f"itp.{fmt}"
        result = runner.invoke(app, ["proceedings", "index", "--body", "GA", "--session", "75",
                                     "--format", fmt, "--output", str(out), "--lang", "ar"])
        assert result.exit_code == 0, result.output
        assert out.stat().st_size > 0
    data = json.loads((tmp_path / "itp.json").read_text("utf-8"))
    assert data["sections"]["speeches"]["total"] == _index(settings, session=75)[
        "sections"]["speeches"]["total"]
    assert 'dir="rtl"' in (tmp_path / "itp.html").read_text("utf-8")
    arabic = docx.Document(str(tmp_path / "itp.docx"))
    assert arabic.paragraphs[0].text == translate("itp.title", "ar")
    assert arabic.paragraphs[0]._p.pPr.find(f"{{{W}}}bidi") is not None  # right to left
    assert all(t._tbl.tblPr.find(f"{{{W}}}bidiVisual") is not None for t in arabic.tables)
    for args, message in ((["--body", "XX", "--session", "70"], "unknown body"),
                          (["--body", "GA", "--session", "150"], "nothing for GA 150"),
                          (["--body", "GA", "--session", "70", "--format", "pdf"],
                           "unknown format")):
        out = tmp_path / "bad.html"
        result = runner.invoke(app, ["proceedings", "index", *args, "--output", str(out)])
        assert result.exit_code == 1 and message in result.output, result.output
        assert not out.exists()


def test_every_itp_message_has_six_languages():
    from hemicycle.web.i18n import I18N_DIR, messages

    ours = json.loads((I18N_DIR / "itp.json").read_text("utf-8"))
    merged = messages()
    for key in ours:
        assert set(merged[key]) == set(LANGS) and all(merged[key].values()), key
    needed = ([f"itp.section.{n}" for n in itp.SECTIONS] + [f"itp.check.{c}" for c in itp.CHECKS]
              + [f"itp.reason.{c}" for c in itp.REASONS]
              + [f"itp.outcome.{o}" for o in ("recorded", "without_vote", "non_recorded",
                                               "unknown")] + [f"itp.body.{b}" for b in itp.BODIES])
    assert [k for k in needed if k not in merged] == []


def test_names_in_the_index_are_in_its_language_and_its_alphabetical_order(site):
    from hemicycle.proceedings.states import name_sort_key, state_name

    settings, client = site
    for lang in ("zh", "ar", "ru"):
        ix = _index(settings, lang=lang)
        chart = ix["sections"]["voting_chart"]
        day = dt.date.fromisoformat(chart["name_date"])
        names = [r["name"] for r in chart["rows"]]
        assert names == [state_name(r["state"], lang, day) for r in chart["rows"]]
        assert names == sorted(names, key=name_sort_key(lang)), lang
        groups = [g for g in ix["sections"]["speeches"]["by_state"] if g["state"]]
        assert all(g["name"] == state_name(g["state"], lang, dt.date(2015, 12, 31))
                   for g in groups)
    page = client.get("/proceedings/index/GA/70?ui=zh").text
    assert "俄罗斯联邦" in page and "美利坚合众国" in page


def test_the_index_lists_the_vote_on_a_resolution_as_a_whole(catalogue_settings, tmp_path):
    """A/RES/72/39 had separate recorded votes on three paragraphs after the vote on the
    whole (real roll calls 5596, 5985-5987): the resolutions list shows the whole."""
    import csv
    import gzip

    from proceedings_helpers import UNVOTES, write_csv

    from hemicycle.proceedings.importers.ga import GAFiles, import_ga

    wanted = {"5596", "5985", "5986", "5987"}
    with gzip.open(UNVOTES / "un_roll_calls.csv.gz", "rt", encoding="utf-8") as fh:
        rolls = [r for r in csv.DictReader(fh) if r["rcid"] in wanted]
    with gzip.open(UNVOTES / "un_votes.csv.gz", "rt", encoding="utf-8") as fh:
        votes = [r for r in csv.DictReader(fh) if r["rcid"] in wanted]
    import_ga(catalogue_settings, GAFiles(
        write_csv(tmp_path / "r.csv", list(rolls[0]), [list(r.values()) for r in rolls]),
        write_csv(tmp_path / "v.csv", list(votes[0]), [list(r.values()) for r in votes])))
    ix = _index(catalogue_settings, session=72)
    [item] = [r for r in ix["sections"]["resolutions"]["items"] if r["symbol"] == "A/RES/72/39"]
    with session_scope(catalogue_settings.database_url) as db:
        whole = db.scalar(select(VotingRecord).where(VotingRecord.source_id == "5596"))
        assert item["record_id"] == whole.id and item["tally"]["yes"] == whole.yes
