"""Thesaurus pages in real headless Chromium: autocomplete as you type, and the same
search working with JavaScript switched off; Arabic A-Z right to left."""

from __future__ import annotations

import pytest
from thesaurus_helpers import DOMAIN13

from hemicycle.thesaurus.store import load_vocabulary


@pytest.fixture
def base_url(settings, live_server) -> str:
    load_vocabulary(settings, "unbis", DOMAIN13)
    return live_server.base_url


def test_autocomplete_fills_suggestions_and_search_works(base_url, browser) -> None:
    page = browser.new_context(locale="fr-FR").new_page()
    page.goto(base_url + "/thesaurus/unbis?ui=fr")
    page.select_option("select[name=lang]", "fr")
    page.type("#thq", "réfug", delay=30)
    # the suggestions for the whole word typed (answers to earlier keystrokes are dropped)
    page.wait_for_function("""() => {
        const values = [...document.querySelectorAll('#thq-suggestions option')]
            .map(e => e.value.toUpperCase());
        return values.length > 0 && values.every(v => v.startsWith('REFUGI'));
    }""")
    page.press("#thq", "Enter")
    page.wait_for_load_state()
    assert "/thesaurus/unbis/search" in page.url
    first = page.locator("ul.hits a").first
    assert first.inner_text().upper().startswith("REFUGI")
    first.click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text().upper().startswith("REFUGI")


def test_search_without_javascript_and_arabic_az(base_url, browser) -> None:
    page = browser.new_context(java_script_enabled=False, locale="ar").new_page()
    page.goto(base_url + "/thesaurus/unbis?ui=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    page.select_option("select[name=lang]", "en")
    page.fill("#thq", "refugees")
    page.press("#thq", "Enter")
    page.wait_for_load_state()
    assert page.locator("ul.hits a").count() > 0
    page.goto(base_url + "/thesaurus/unbis/az?lang=ar&ui=ar")
    letters = page.locator("nav.az-letters a")
    assert letters.count() > 0
    entries = page.locator("ul.az li")
    assert entries.count() > 0
    assert page.locator("ul.az").get_attribute("dir") == "rtl"
