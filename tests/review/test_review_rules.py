"""The rules for changing drafts, on SQLite and PostgreSQL: corrections validated as ingest
validates, symbol clashes named, stale saves refused, publishing only with a valid symbol,
each action whole or not at all, and a published draft found by search."""

from __future__ import annotations

import pytest
from review_helpers import load, make_draft

from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.review import (
    InvalidField,
    NotADraft,
    PublishRefused,
    StaleDraft,
    SymbolTaken,
    confident_drafts,
    list_drafts,
    publish,
    reject,
    update_draft,
    version_of,
)
from hemicycle.review.actions import DraftNotFound
from hemicycle.search.index import catch_up
from hemicycle.search.query import search


def test_edit_then_publish_is_found_by_search(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, ["A/70/1"], title="REPOR OF THE SECRETARY-GENERAL",
                     text="Zanzibar cloves harvest report")
    catch_up(s)
    assert search(s, "Zanzibar").total == 0  # a draft is not searchable
    version = version_of(load(s, uid))
    result = update_draft(s, uid, {"symbols": ["a/70/2"], "title": "Report on cloves",
                                   "date": "2015-06-01", "distribution": "gen"}, "cat",
                          version=version)
    assert result.status == "draft" and result.symbol == "A/70/2"
    assert result.changes["symbols"] == [["A/70/1"], ["A/70/2"]]
    doc = load(s, uid)
    assert [x.symbol for x in doc.symbols] == ["A/70/2"]
    assert (doc.body, doc.session, doc.year) == ("GA", "70", 2015)  # derived as ingest does
    assert doc.publication_date.isoformat() == "2015-06-01" and doc.distribution == "GEN"
    assert doc.version("en").title == "Report on cloves"
    catch_up(s)
    assert search(s, "Zanzibar").total == 0
    published = publish(s, uid, "cat", version=result.version)
    assert published.status == "published"
    catch_up(s)
    hits = search(s, "Zanzibar")
    assert [h.uid for h in hits.hits] == [uid] and hits.hits[0].symbol == "A/70/2"
    history = load(s, uid).extra["review"]["history"]
    assert [(h["action"], h["by"]) for h in history] == [("edit", "cat"), ("publish", "cat")]
    assert all(h["at"] for h in history)
    with pytest.raises(NotADraft, match="A/70/2.*is published, not a draft"):
        publish(s, uid, "cat")


def test_symbol_of_another_document_is_refused_naming_it(catalogue_settings):
    s = catalogue_settings
    other = save_document(s, DocumentInput(symbols=["S/2015/305"],
                                           versions={"en": VersionInput(title="Letter")}))
    uid = make_draft(s, ["S/2015/30"])
    before = load(s, uid)
    with pytest.raises(SymbolTaken) as caught:
        update_draft(s, uid, {"symbols": ["S/2015/30", "s/2015/305"], "title": "Changed"},
                     "cat")
    assert "S/2015/305" in str(caught.value) and other.uid in str(caught.value)
    assert caught.value.other_uid == other.uid and caught.value.field == "symbols"
    after = load(s, uid)  # nothing half-written: not even the title
    assert [x.symbol for x in after.symbols] == ["S/2015/30"]
    assert after.version("en").title == before.version("en").title
    assert after.updated_at == before.updated_at


@pytest.mark.parametrize(("changes", "field", "words"), [
    ({"symbols": ["A/RES/"]}, "symbols", "A/RES/"),
    ({"date": "12/05/2015"}, "date", "ISO"),
    ({"date": "2015-02-30"}, "date", "2015-02-30"),
    ({"language": "klingon"}, "language", "klingon"),
    ({"distribution": "SECRET"}, "distribution", "SECRET"),
    ({"colour": "red"}, "colour", "not a field"),
])
def test_invalid_values_are_refused_naming_the_field(catalogue_settings, changes, field, words):
    s = catalogue_settings
    uid = make_draft(s, ["A/70/5"])
    with pytest.raises(InvalidField) as caught:
        update_draft(s, uid, {**changes, "title": "Should not be saved"}, "cat")
    assert caught.value.field == field and words in str(caught.value)
    assert "A/70/5" in str(caught.value)  # the message names the document
    assert load(s, uid).version("en").title != "Should not be saved"


def test_stale_save_is_refused(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, ["E/2015/L.12"])
    opened = version_of(load(s, uid))  # two cataloguers open the same draft
    first = update_draft(s, uid, {"title": "First correction"}, "alice", version=opened)
    with pytest.raises(StaleDraft, match="alice"):
        update_draft(s, uid, {"title": "Second correction"}, "bob", version=opened)
    with pytest.raises(StaleDraft):
        publish(s, uid, "bob", version=opened)
    assert load(s, uid).version("en").title == "First correction"
    assert load(s, uid).status == "draft"
    # a save within the same second still makes a new version
    second = update_draft(s, uid, {"title": "Second correction"}, "bob", version=first.version)
    assert second.version != first.version
    with pytest.raises(StaleDraft):
        update_draft(s, uid, {"title": "Third"}, "alice", version=first.version)


def test_publishing_without_a_symbol_is_refused_until_one_is_given(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, None, identifier="scan-77aa")
    with pytest.raises(PublishRefused, match="no document symbol.*scan-77aa") as caught:
        publish(s, uid, "cat")
    assert caught.value.field == "symbols" and load(s, uid).status == "draft"
    with pytest.raises(InvalidField, match="symbols"):
        publish(s, uid, "cat", changes={"symbols": "A/70/Q/"})
    assert load(s, uid).status == "draft"
    done = publish(s, uid, "cat", changes={"symbols": "S/2015/99"})
    doc = load(s, uid)
    assert done.status == "published" and doc.symbol == "S/2015/99"
    assert [x.symbol for x in doc.symbols] == ["S/2015/99"] and doc.body == "SC"
    assert doc.extra["review"]["identifier"] == "scan-77aa"


def test_clearing_symbols_falls_back_to_the_local_identifier(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, None, identifier="scan-1234")
    update_draft(s, uid, {"symbols": ["A/70/8"]}, "cat")
    update_draft(s, uid, {"symbols": []}, "cat")
    assert load(s, uid).symbol == "scan-1234"
    with pytest.raises(PublishRefused):
        publish(s, uid, "cat")


def test_reject_needs_a_reason_and_keeps_it(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, ["A/70/9"])
    with pytest.raises(InvalidField, match="reason"):
        reject(s, uid, "  ", "cat")
    assert load(s, uid).status == "draft"
    reject(s, uid, "duplicate scan of A/70/9", "cat")
    doc = load(s, uid)
    assert doc.status == "rejected"
    assert doc.extra["review"]["history"][-1]["reason"] == "duplicate scan of A/70/9"
    catch_up(s)
    assert list_drafts(s).total == 0 and search(s, "Secretary").total == 0
    with pytest.raises(DraftNotFound):
        reject(s, "0" * 32, "no such", "cat")


def test_language_change_moves_the_text(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, ["A/70/10"], language="en", text="Rapport du Secrétaire général")
    update_draft(s, uid, {"language": "fr"}, "cat")
    doc = load(s, uid)
    assert doc.languages == ["fr"] and doc.version("fr").text.startswith("Rapport")
    publish(s, uid, "cat")
    catch_up(s)
    assert [h.uid for h in search(s, "Secrétaire", lang="fr").hits] == [uid]


def test_queue_filters_paging_and_bulk_threshold(catalogue_settings):
    s = catalogue_settings
    sure = make_draft(s, ["A/70/20"], confidence=0.97, batch="b1")
    unsure = make_draft(s, ["A/70/21"], confidence=0.97, batch="b1", weakest=("title", 0.3))
    nosym = make_draft(s, None, identifier="scan-b2", batch="b2", language="fr")
    queue = list_drafts(s)
    assert queue.total == 3 and queue.batches == ["b1", "b2"]
    assert [e.uid for e in queue.entries] == [nosym, unsure, sure]  # newest first
    entries = {e.uid: e for e in queue.entries}
    assert (entries[unsure].weakest_field, entries[unsure].weakest_confidence) == ("title", 0.3)
    assert entries[unsure].flagged() and not entries[sure].flagged()
    assert entries[nosym].weakest_field == "symbols" and entries[nosym].label == "scan-b2"
    assert {e.uid for e in list_drafts(s, batch="b1").entries} == {sure, unsure}
    assert [e.uid for e in list_drafts(s, language="fr").entries] == [nosym]
    assert {e.uid for e in list_drafts(s, below=0.8).entries} == {unsure, nosym}
    paged = list_drafts(s, per_page=2, page=2)
    assert paged.total == 3 and paged.pages == 2 and [e.uid for e in paged.entries] == [sure]
    assert confident_drafts(s, 0.95) == [sure]
    assert confident_drafts(s, 0.95, batch="b2") == []
    # a field a cataloguer saved counts as certain
    update_draft(s, unsure, {"title": "Report on A/70/21"}, "cat")
    assert set(confident_drafts(s, 0.95)) == {sure, unsure}


def test_document_type_chosen_or_derived_from_the_symbol(catalogue_settings):
    s = catalogue_settings
    uid = make_draft(s, ["A/70/60"])
    assert load(s, uid).doc_type is None
    update_draft(s, uid, {"symbols": "A/RES/70/60"}, "cat")
    assert load(s, uid).doc_type == "resolution"
    update_draft(s, uid, {"doc_type": "report"}, "cat")
    assert load(s, uid).doc_type == "report"
    update_draft(s, uid, {"doc_type": ""}, "cat")  # "(from the symbol)" in the form
    assert load(s, uid).doc_type == "resolution"
    with pytest.raises(InvalidField, match="doc_type"):
        update_draft(s, uid, {"doc_type": "x" * 41}, "cat")


def test_two_saves_at_once_from_the_same_version_one_wins(catalogue_settings):
    import threading

    s = catalogue_settings
    uid = make_draft(s, ["A/70/70"])
    opened = version_of(load(s, uid))
    barrier = threading.Barrier(2)
    outcomes: dict[str, object] = {}

    def save(who: str) -> None:
        barrier.wait()
        try:
            outcomes[who] = update_draft(s, uid, {"title": f"by {who}"}, who, version=opened)
        except StaleDraft as exc:
            outcomes[who] = exc

    threads = [threading.Thread(target=save, args=(who,)) for who in ("alice", "bob")]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    won = [who for who, o in outcomes.items() if not isinstance(o, StaleDraft)]
    assert len(outcomes) == 2 and len(won) == 1
    assert load(s, uid).version("en").title == f"by {won[0]}"
    assert len(load(s, uid).extra["review"]["history"]) == 1
