"""``hemicycle subjects``: vocab, list, suggest, train, eval through the real command."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from hemicycle.cli import app

runner = CliRunner()


def run(*args: str, input: str | None = None):
    return runner.invoke(app, list(args), input=input)


def test_train_suggest_eval_round(data_dir, tmp_path, arch_dir):
    assert run("subjects", "vocab", "yso", str(arch_dir / "yso-archaeology.ttl")).exit_code == 0
    lines = (arch_dir / "documents.tsv").read_text(encoding="utf-8").splitlines()
    train, test = tmp_path / "train.tsv", tmp_path / "test.tsv"
    train.write_text("\n".join(lines[:500]) + "\n", encoding="utf-8")
    test.write_text("\n".join(lines[-150:]) + "\n", encoding="utf-8")

    trained = run("subjects", "train", "--vocab", "yso", "--lang", "fi", str(train), "--json")
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.stdout)
    assert summary["backends"] == ["ensemble", "lexical", "tfidf"]
    assert summary["documents"] == 500

    listed = json.loads(run("subjects", "list", "--json").stdout)
    assert listed == [{"vocab": "yso", "trained": ["ensemble", "lexical", "tfidf"]}]

    doc = tmp_path / "doc.txt"
    doc.write_text(lines[-2].split("\t")[0], encoding="utf-8")
    suggested = run("subjects", "suggest", str(doc), "--vocab", "yso", "--lang", "fi",
                    "--limit", "3", "--json")
    assert suggested.exit_code == 0, suggested.output
    result = json.loads(suggested.stdout)
    assert result["backend"] == "ensemble" and 0 < len(result["suggestions"]) <= 3

    evaluated = run("subjects", "eval", str(test), "--vocab", "yso", "--lang", "fi",
                    "--backend", "tfidf", "--json")
    assert evaluated.exit_code == 0, evaluated.output
    scores = json.loads(evaluated.stdout)
    assert scores["documents"] == 150 and 0 < scores["F1@5"] < 1

    folder = run("subjects", "eval", str(arch_dir / "fulltext"), "--vocab", "yso", "--lang", "fi")
    assert folder.exit_code == 0 and "nDCG@10" in folder.stdout

    # learn: the same corpus again (kept in the model's parameters) and the catalogue's
    # decisions (none here), a new model version
    learnt = run("subjects", "learn", "--vocab", "yso", "--backend", "tfidf", "--json")
    assert learnt.exit_code == 0, learnt.output
    answer = json.loads(learnt.stdout)
    assert (answer["backend"], answer["documents"], answer["decisions"]) == ("tfidf", 500, 0)
    assert answer["version"].startswith("tfidf 20")
    untrained = run("subjects", "learn", "--vocab", "yso", "--backend", "lexical")
    assert untrained.exit_code == 1 and "nothing to learn into" in untrained.output


def test_bad_input_exits_non_zero_with_a_message(data_dir, tmp_path, arch_dir):
    doc = tmp_path / "doc.txt"
    doc.write_text("kaivaukset", encoding="utf-8")
    unknown = run("subjects", "suggest", str(doc), "--vocab", "nope")
    assert unknown.exit_code == 1 and "unknown vocabulary 'nope'" in unknown.output
    assert run("subjects", "vocab", "yso", str(arch_dir / "yso-archaeology.ttl")).exit_code == 0
    missing = run("subjects", "suggest", str(tmp_path / "absent.txt"), "--vocab", "yso")
    assert missing.exit_code == 1 and "no such file" in missing.output
    nodoc = run("subjects", "suggest", "S/RES/99999 (2099)", "--vocab", "yso")
    assert nodoc.exit_code == 1 and "no document with that symbol" in nodoc.output
    empty = tmp_path / "empty.txt"
    empty.write_text("", encoding="utf-8")
    assert "empty text" in run("subjects", "suggest", str(empty), "--vocab", "yso").output
    broken = tmp_path / "broken.tsv"
    broken.write_text("no tab on this line\n", encoding="utf-8")
    bad = run("subjects", "train", "--vocab", "yso", str(broken))
    assert bad.exit_code == 1 and "line 1: no TAB" in bad.output
    assert run("subjects", "train", "--vocab", "yso", "--backend", "nope",
               str(broken)).exit_code == 1
    nothing = run("subjects", "train", "--vocab", "yso")  # empty catalogue
    assert nothing.exit_code == 1 and "no training documents" in nothing.output
    stdin = run("subjects", "suggest", "-", "--vocab", "yso", "--lang", "fi", "--json",
                input="Arkeologiset kaivaukset Turussa")
    assert stdin.exit_code == 0 and json.loads(stdin.stdout)["backend"] == "lexical"


def test_index_stores_suggestions_and_resumes(settings, unbis13):
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
    from hemicycle.subjects.service import review_items
    from hemicycle.subjects.vocabulary import install_vocabulary

    install_vocabulary(settings, unbis13)
    ids = []
    with session_scope(settings.database_url) as db:
        for n, text in enumerate(("Oil spills at sea.", "Разливы нефти.", "Nothing here.")):
            doc = Document(symbol=f"S/2015/{n}", status="draft" if n < 2 else "published")
            doc.symbols.append(DocumentSymbol(symbol=doc.symbol, key=doc.symbol, position=0))
            doc.versions.append(LanguageVersion(language="en" if n != 1 else "ru", text=text))
            db.add(doc)
            db.flush()
            ids.append(doc.id)
    first = run("subjects", "index", "--vocab", "unbis13")
    assert first.exit_code == 0
    assert "2 documents looked at; suggestions stored for 2" in first.output
    assert [i.status for i in review_items(settings, ids[1], "unbis13")][:1] == ["pending"]
    assert review_items(settings, ids[2], "unbis13") == []  # published: not asked for
    assert "0 documents looked at" in run("subjects", "index", "--vocab", "unbis13").output
    again = run("subjects", "index", "--vocab", "unbis13", "--again", "--status", "draft",
                "--status", "published")
    assert "3 documents looked at; suggestions stored for 2" in again.output
    assert run("subjects", "index", "--vocab", "nope").exit_code == 1


def _pdf_with_text(path, text: str):
    import pikepdf

    pdf = pikepdf.new()
    font = pdf.make_indirect(pikepdf.Dictionary(
        Type=pikepdf.Name.Font, Subtype=pikepdf.Name.Type1, BaseFont=pikepdf.Name.Helvetica))
    stream = pdf.make_stream(f"BT /F 11 Tf 50 700 Td ({text}) Tj ET".encode("latin-1"))
    pdf.pages.append(pikepdf.Page(pikepdf.Dictionary(
        Type=pikepdf.Name.Page, MediaBox=[0, 0, 595, 842], Contents=stream,
        Resources=pikepdf.Dictionary(Font=pikepdf.Dictionary(F=font)))))
    pdf.save(path)
    return path


def test_suggest_from_pdf_and_broken_pdf(settings, unbis13, tmp_path):
    from hemicycle.subjects.vocabulary import install_vocabulary

    install_vocabulary(settings, unbis13)
    pdf = _pdf_with_text(tmp_path / "doc.pdf", "Oil spills along the coast")
    found = run("subjects", "suggest", str(pdf), "--vocab", "unbis13", "--json")
    assert found.exit_code == 0, found.output
    assert json.loads(found.stdout)["suggestions"][0]["label"] == "OIL SPILLS"
    broken = tmp_path / "broken.pdf"
    broken.write_bytes(b"%PDF-1.7\nnot really a pdf\n")
    bad = run("subjects", "suggest", str(broken), "--vocab", "unbis13")
    assert bad.exit_code == 1 and "not a readable PDF" in bad.output


def _index_and_corpus(tmp_path, dev_corpus):
    """A small Index file and a parallel corpus of two dev documents it indexes."""
    itp = tmp_path / "itp.tsv"
    itp.write_text("sc_year_code\tyear\tsubject\theading\tdocsymbols\n"
                   "S70\t2015\tUKRAINE--POLITICAL CONDITIONS\tGeneral documents\tS/2015/102\n"
                   "S70\t2015\tMIDDLE EAST SITUATION\tGeneral documents\tS/2015/98\n"
                   "S70\t2015\tMIDDLE EAST SITUATION\tGeneral documents\tS/2015/104\n"
                   "S70\tnope\tMIDDLE EAST SITUATION\tGeneral documents\tS/2015/5\n",
                   encoding="utf-8")
    folder = tmp_path / "unpc"
    folder.mkdir()
    ids, english = [], []
    for doc in dev_corpus:
        if doc.lang == "en" and doc.symbols[0] in ("S/2015/102", "S/2015/98"):
            for sentence in doc.text.splitlines():
                ids.append("2015/" + doc.symbols[0].lower())
                english.append(sentence)
    (folder / "dev.ids").write_text("\n".join(ids) + "\n", encoding="utf-8")
    (folder / "dev.en").write_text("\n".join(english) + "\n", encoding="utf-8")
    return itp, folder


def test_headings_trained_from_an_index_file_and_suggested_with_a_symbol(
        data_dir, tmp_path, dev_corpus, unbis_labels_path):
    assert run("subjects", "vocab", "unbis", str(unbis_labels_path)).exit_code == 0
    itp, folder = _index_and_corpus(tmp_path, dev_corpus)
    trained = run("subjects", "train", "--vocab", "unbis", "--backend", "headings",
                  "--itp", str(itp), str(folder), "--json")
    assert trained.exit_code == 0, trained.output
    summary = json.loads(trained.stdout)
    assert summary["backends"] == ["headings"]
    assert summary["itp"] == {"entries": 3, "lines_skipped": 1, "parts_not_in_vocabulary": 0,
                              "commonest_parts_not_in_vocabulary": []}
    assert "line 5: year 'nope' is not a year" in trained.output
    letter = "The Ministry of Foreign Affairs of Ukraine on the shelling of Kramatorsk."
    suggested = run("subjects", "suggest", "-", "--vocab", "unbis", "--symbol", "S/2015/400",
                    "--limit", "3", input=letter)
    assert suggested.exit_code == 0, suggested.output
    assert "heading\tUKRAINE--POLITICAL CONDITIONS\t" in suggested.stdout
    assert "\tukraine\t" in suggested.stdout
    as_json = json.loads(run("subjects", "suggest", "-", "--vocab", "unbis", "--json",
                             input=letter).stdout)
    assert as_json["backend"] == "headings"
    assert "UKRAINE--POLITICAL CONDITIONS" in [h["heading"] for h in as_json["headings"]]


def test_headings_training_and_symbols_that_cannot_be_used(data_dir, tmp_path,
                                                           unbis_labels_path):
    assert run("subjects", "vocab", "unbis", str(unbis_labels_path)).exit_code == 0
    no_itp = run("subjects", "train", "--vocab", "unbis", "--backend", "headings")
    assert no_itp.exit_code == 1 and "--itp FILE" in no_itp.output
    missing = run("subjects", "train", "--vocab", "unbis", "--backend", "headings",
                  "--itp", str(tmp_path / "absent.tsv"))
    assert missing.exit_code == 1 and "absent.tsv: no such file" in missing.output
    wrong = tmp_path / "wrong.tsv"
    wrong.write_text("year\tsubject\n2015\tTERRORISM\n", encoding="utf-8")
    header = run("subjects", "train", "--vocab", "unbis", "--backend", "headings",
                 "--itp", str(wrong))
    assert header.exit_code == 1 and "wrong.tsv, line 1: no column heading" in header.output
    symbol = run("subjects", "suggest", "-", "--vocab", "unbis", "--symbol", "not one",
                 input="Ukraine")
    assert symbol.exit_code == 1 and "'not one' is not a document symbol" in symbol.output


def test_accept_policy_and_undo(settings, unbis13):
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
    from hemicycle.subjects.vocabulary import install_vocabulary

    install_vocabulary(settings, unbis13)
    with session_scope(settings.database_url) as db:
        doc = Document(symbol="S/2015/9", status="published")
        doc.symbols.append(DocumentSymbol(symbol=doc.symbol, key=doc.symbol, position=0))
        doc.versions.append(LanguageVersion(language="en", text="Oil spills at sea. Floods."))
        db.add(doc)
    assert run("subjects", "index", "--vocab", "unbis13", "--status", "published").exit_code == 0
    done = run("subjects", "accept", "--vocab", "unbis13", "--above", "0.01")
    assert done.exit_code == 0
    assert "2 suggestions accepted as subjects of 1 documents" in done.output
    assert "0 suggestions accepted" in run("subjects", "accept", "--vocab", "unbis13",
                                           "--above", "0.01").output
    undone = run("subjects", "accept", "--vocab", "unbis13", "--undo")
    assert undone.exit_code == 0 and "2 subjects accepted by the policy taken back" in undone.output
    for bad, says in ((("--above", "0"), "threshold"), (("--above", "0.5", "--undo"), "either"),
                      ((), "either")):
        failed = run("subjects", "accept", "--vocab", "unbis13", *bad)
        assert failed.exit_code == 1 and says in failed.output
    assert run("subjects", "accept", "--vocab", "nope", "--above", "0.5").exit_code == 1


def test_accept_headings_and_learn_without_an_index_file(settings, unbis13, tmp_path,
                                                         monkeypatch):
    from hemicycle.catalogue.db import session_scope
    from hemicycle.catalogue.models import Document, DocumentSymbol, LanguageVersion
    from hemicycle.subjects.models import SubjectSuggestion
    from hemicycle.subjects.records import record_subjects
    from hemicycle.subjects.vocabulary import install_vocabulary

    install_vocabulary(settings, unbis13)
    with session_scope(settings.database_url) as db:
        doc = Document(symbol="S/2015/9", status="published")
        doc.symbols.append(DocumentSymbol(symbol=doc.symbol, key=doc.symbol, position=0))
        doc.versions.append(LanguageVersion(language="en", text="Oil spills at sea."))
        db.add(doc)
        db.flush()
        db.add(SubjectSuggestion(document_id=doc.id, vocab="unbis13:headings",
                                 concept="OIL SPILLS--CARIBBEAN REGION", label=None,
                                 backend="headings", model="headings x", score=0.8, rank=1))
        doc_id = doc.id
    done = run("subjects", "accept", "--vocab", "unbis13:headings", "--above", "0.7")
    assert done.exit_code == 0 and "1 suggestions accepted as subjects of 1 documents" in (
        done.output)
    with session_scope(settings.database_url) as db:
        (heading,) = record_subjects(db, doc_id)[0]
    assert (heading.vocab, heading.concept, heading.policy) == (
        "unbis13:headings", "OIL SPILLS--CARIBBEAN REGION", True)
    assert run("subjects", "accept", "--vocab", "nope:headings", "--above", "0.5"
               ).exit_code == 1
    # no model yet and no Index file: learn says which file, and writes nothing
    monkeypatch.setenv("HEMICYCLE_SUBJECTS_ITP", str(tmp_path / "gone.tsv"))
    failed = run("subjects", "learn", "--vocab", "unbis13")
    assert failed.exit_code == 1 and "gone.tsv: no such Index to Proceedings file" in (
        " ".join(failed.output.split()))
    failed = run("subjects", "learn", "--vocab", "unbis13", "--itp", str(tmp_path / "x.tsv"))
    assert failed.exit_code == 1 and "x.tsv: no such Index" in " ".join(failed.output.split())
