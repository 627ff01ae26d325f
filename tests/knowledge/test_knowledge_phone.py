"""Every knowledge page, for readers and for staff, in real headless Chromium on a 390 px
phone in each of the six languages: the page's language and direction, no sideways
scrolling, no interface key left untranslated. The content is the demo's own (bundled
guides, FAQ and training sessions) on the proceedings data."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from knowledge_helpers import load_state_data

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import faq_files, guide_files, inquiries, training
from hemicycle.languages import CODES

CORPUS = Path(__file__).resolve().parents[2] / "corpus" / "knowledge"
PHONE = {"width": 390, "height": 844}
GUIDE = "security-council-documents"
READER_PAGES = ("/guides", f"/guides/{GUIDE}/en", f"/guides/{GUIDE}/ar",
                f"/guides/{GUIDE}/en/history", f"/guides/{GUIDE}/en/diff?from=1&to=1",
                "/faq", "/faq?q=vote", "/faq/country-vote", "/ask?from=/faq", "/training",
                "/training/voting-data-fr", "/states", "/states/UZB")
# /search (where guides and answers show beside documents) is the search page's own layout
STAFF_PAGES = ("/knowledge", "/knowledge/guides", "/knowledge/guides/new",
               f"/knowledge/guides/{GUIDE}/fr/edit", "/knowledge/faq", "/knowledge/faq/new",
               "/knowledge/faq/veto/zh/edit", "/knowledge/inquiries", "/knowledge/training",
               "/knowledge/training/edit", "/knowledge/training/voting-data-fr/people",
               "/knowledge/changes")


@pytest.fixture
def site(settings, tmp_path, live_server):
    load_state_data(settings, tmp_path)
    guide_files.import_folder(settings, CORPUS / "guides", "demo")
    faq_files.import_folder(settings, CORPUS / "faq", "demo")
    with session_scope(settings.database_url) as db:
        for fields in training.read_sessions(CORPUS / "training.yaml"):
            training.announce(db, who="demo", **fields)
        inquiry, _token = inquiries.file_inquiry(
            db, "¿Dónde encuentro las actas literales de 1971?", "es", "/faq")
        reference = inquiry.reference
    add_user(settings.database_url, "boss", "a long password", "admin")
    return live_server.base_url, reference


def _check(page, url: str, lang: str, whole_page: bool = True) -> None:
    """The page's language and direction; nothing wider than the phone (the whole page, or
    for staff pages what the knowledge pages put in <main>: the signed-in header belongs
    to the site's layout); no interface key shown untranslated."""
    where = f"{url} in {lang}"
    html = page.locator("html")
    assert html.get_attribute("lang") == lang, where
    assert html.get_attribute("dir") == ("rtl" if lang == "ar" else "ltr"), where
    width = page.evaluate("document.documentElement.scrollWidth") if whole_page else \
        page.evaluate("""() => { const m = document.querySelector('main');
            const r = m.getBoundingClientRect();
            return Math.max(m.scrollWidth, r.right) - Math.min(0, r.left); }""")
    assert width <= PHONE["width"], where
    shown = page.locator("main").inner_text()
    assert not re.search(r"\bkn\.[a-z_]+", shown), where  # an interface key, untranslated


def test_every_knowledge_page_on_a_phone_in_six_languages(site, browser):
    base, reference = site
    page = browser.new_context(viewport=PHONE).new_page()
    for lang in CODES:
        for url in READER_PAGES:
            reply = page.goto(f"{base}{url}{'&' if '?' in url else '?'}ui={lang}")
            assert reply.status == 200, f"{url} in {lang}: {reply.status}"
            _check(page, url, lang)
    page.goto(base + "/signin")
    page.fill("input[name=name]", "boss")
    page.fill("input[name=password]", "a long password")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    for lang in CODES:
        for url in (*STAFF_PAGES, f"/knowledge/inquiries/{reference}"):
            reply = page.goto(f"{base}{url}{'&' if '?' in url else '?'}ui={lang}")
            assert reply.status == 200, f"{url} in {lang}: {reply.status}"
            _check(page, url, lang, whole_page=False)
