"""Guides from draft to review to publication, with history, diffs, translations and the
change log, on SQLite and PostgreSQL."""

from __future__ import annotations

import pytest
from knowledge_helpers import EDITOR, GUIDE_EN, add_documents, checker, save_guide

from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import audit, guides
from hemicycle.knowledge.blocks import fill_block
from hemicycle.knowledge.guides import GuideError


def test_draft_review_publish_and_history(catalogue_settings):
    s = catalogue_settings
    add_documents(s)
    save_guide(s, publish=False)
    with session_scope(s.database_url) as db:
        assert guides.published_revision(db, "sc-documents", "en") is None
        page = guides.page_of(db, "sc-documents", "en")
        assert page.state == "draft" and page.guide.original_language == "en"
        with pytest.raises(GuideError) as refused:
            guides.publish(db, "sc-documents", "en", "boss")
        assert refused.value.code == "bad-state"  # a draft goes to review first
    with session_scope(s.database_url) as db:
        guides.submit(db, "sc-documents", "en", EDITOR, checker=checker(s))
    with session_scope(s.database_url) as db:
        first = guides.publish(db, "sc-documents", "en", "boss", note="first",
                               checker=checker(s))
        assert first.number == 1 and first.submitted_by == EDITOR
        assert [seg.get("block", {}).get("kind") for seg in first.rendered
                if "block" in seg] == ["documents", "search"]
    # a change makes a new draft; readers still see revision 1
    with session_scope(s.database_url) as db:
        page, findings = guides.save_page(db, "sc-documents", "en", title="Security Council",
                                          summary="How to find them",
                                          body=GUIDE_EN.replace("1946", "1946 (S/RES/1)"),
                                          who=EDITOR, version=1, checker=checker(s))
        assert page.state == "draft" and page.version == 2 and findings == []
        assert guides.published_revision(db, "sc-documents", "en").number == 1
    with session_scope(s.database_url) as db:
        guides.submit(db, "sc-documents", "en", EDITOR, checker=checker(s))
        guides.publish(db, "sc-documents", "en", "boss", checker=checker(s))
    with session_scope(s.database_url) as db:
        assert [h["number"] for h in guides.history(db, "sc-documents", "en")] == [2, 1]
        lines = guides.diff(db, "sc-documents", "en", 1, 2)
        assert ("del", "Security Council resolutions are numbered in one series since 1946.") \
            in lines
        assert ("add", "Security Council resolutions are numbered in one series since 1946 "
                       "(S/RES/1).") in lines
        assert guides.published_revision(db, "sc-documents", "en", 1).number == 1
        log = audit.changes(db, kind="guide")
        assert [c["action"] for c in reversed(log)] == [
            "created", "page-created", "submitted", "published", "saved", "submitted",
            "published"]
        assert all(c["who"] and c["at"] for c in log)


def test_stale_saves_and_errors_are_refused(catalogue_settings):
    s = catalogue_settings
    add_documents(s)
    save_guide(s)
    with session_scope(s.database_url) as db, pytest.raises(GuideError) as stale:
        guides.save_page(db, "sc-documents", "en", title="T", summary="", body="x",
                         who="other", version=0)
    assert stale.value.code == "stale"
    hostile = (GUIDE_EN + "\n<img src=x onerror=alert(1)>\n\n```live documents\n"
               "- S/RES/9999 (2030)\n```\n")
    with session_scope(s.database_url) as db:
        page, findings = guides.save_page(db, "sc-documents", "en", title="Security Council",
                                          summary="", body=hostile, who=EDITOR,
                                          checker=checker(s))
        assert {f.code for f in findings} == {"event-handler", "unknown-symbol"}
        assert page.body == hostile  # nothing the editor wrote is lost
    with session_scope(s.database_url) as db, pytest.raises(GuideError) as refused:
        guides.submit(db, "sc-documents", "en", EDITOR, checker=checker(s))
    assert refused.value.code == "has-errors"
    assert {f.code for f in refused.value.findings} == {"event-handler", "unknown-symbol"}
    with session_scope(s.database_url) as db:
        revision = guides.published_revision(db, "sc-documents", "en")
        assert revision.number == 1 and "onerror" not in str(revision.rendered)
    for bad in ({"slug": "Bad Slug"}, {"lang": "xx"}, {"title": ""}):
        args = {"slug": "ok", "lang": "en", "title": "T"} | bad
        with session_scope(s.database_url) as db, pytest.raises(GuideError) as invalid:
            guides.save_page(db, args["slug"], args["lang"], title=args["title"], summary="",
                             body="x", who=EDITOR)
        assert invalid.value.code == "invalid-field"


def test_translations_and_deleting_an_original(catalogue_settings):
    s = catalogue_settings
    add_documents(s)
    save_guide(s)
    save_guide(s, lang="fr", title="Conseil de sécurité", body=GUIDE_EN.replace(
        "Security Council resolutions", "Les résolutions du Conseil de sécurité"))
    save_guide(s, lang="ar", title="مجلس الأمن", publish=False)
    with session_scope(s.database_url) as db:
        versions = guides.translations(db, "sc-documents")
        assert list(versions) == ["ar", "en", "fr"]
        assert versions["en"]["original"] and not versions["fr"]["original"]
        assert not versions["ar"]["published"]
        with pytest.raises(GuideError) as refused:
            guides.delete_page(db, "sc-documents", "en", "boss")
        assert refused.value.code == "original-has-translations"
        assert "ar, fr" in str(refused.value)
    with session_scope(s.database_url) as db:
        guides.set_original(db, "sc-documents", "fr", "boss")
        guides.delete_page(db, "sc-documents", "en", "boss")
    with session_scope(s.database_url) as db:
        assert list(guides.translations(db, "sc-documents")) == ["ar", "fr"]
        assert guides.published_revision(db, "sc-documents", "fr").number == 1
        guides.delete_page(db, "sc-documents", "ar", "boss")
        guides.delete_page(db, "sc-documents", "fr", "boss")
    with session_scope(s.database_url) as db:
        assert guides.guide_by_slug(db, "sc-documents") is None
        assert audit.changes(db, subject="sc-documents")[0]["action"] == "guide-deleted"


def test_blocks_are_filled_from_the_catalogue(catalogue_settings):
    s = catalogue_settings
    add_documents(s)
    save_guide(s)
    with session_scope(s.database_url) as db:
        revision = guides.published_revision(db, "sc-documents", "en")
        blocks = [fill_block(s, db, seg["block"], "fr") for seg in revision.rendered
                  if "block" in seg]
        documents, search = blocks
        assert documents["items"][0]["symbol"] == "S/RES/242 (1967)"
        assert documents["items"][0]["title_lang"] == "fr"  # the reader's language first
        assert search["total"] >= 2 and search["url"] == "/search?q=security+council"
        missing = fill_block(s, db, {"kind": "documents", "line": 1,
                                     "symbols": ["A/RES/74/1"]}, "en")
        assert missing["items"] == [{"asked": "A/RES/74/1", "missing": True}]
        votes = fill_block(s, db, {"kind": "votes", "line": 1, "resolution": "A/RES/70/5"},
                           "en")
        assert votes["missing"]
