"""The knowledge pages in real headless Chromium: a 390 px phone in Arabic, the FAQ and
"Ask a librarian" used as a person would, an editor publishing a guide."""

from __future__ import annotations

import time

import pytest
from knowledge_helpers import add_documents, save_guide

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.knowledge import faq, training
from hemicycle.knowledge.formguard import form_stamp

PHONE = {"width": 390, "height": 844}


@pytest.fixture
def server(settings, live_server) -> str:
    add_documents(settings)
    save_guide(settings)
    save_guide(settings, lang="ar", title="العثور على وثائق مجلس الأمن",
               body="تُرقَّم القرارات في سلسلة واحدة منذ عام 1946.\n\n| الوثيقة | الرمز |\n"
                    "|---|---|\n| قرار | S/RES/*الرقم* (*السنة*) |\n\n```live documents\n"
                    "- S/RES/242 (1967)\n- S/RES/2334 (2016)\n- CEDAW/C/UZB/Q/5\n```\n\n"
                    "```live search\nq: security council\nlimit: 3\n```\n")
    with session_scope(settings.database_url) as db:
        faq.save_text(db, "country-vote", "en", question="How did a country vote on a "
                      "resolution?", answer="Open the [voting records](/votes/records).",
                      who="ed", publish=True)
        import datetime as dt

        training.announce(db, "intro", topic="UN documentation: an introduction",
                          language="en", starts_at=dt.datetime(2099, 1, 5, 15), capacity=5,
                          who="ed", place="Dag Hammarskjöld Library")
    add_user(settings.database_url, "ed", "a long password", "editor")
    return live_server.base_url


def _no_sideways_scroll(page) -> None:
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]


def test_guide_on_a_phone_in_arabic(server, browser):
    page = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(server + "/guides/sc-documents/ar?ui=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("[data-live=documents] li").count() == 3
    assert page.locator("[data-live=search] li").count() >= 1
    _no_sideways_scroll(page)
    heading = page.locator("h1").bounding_box()
    assert heading["x"] + heading["width"] > PHONE["width"] - 40  # starts on the right
    for url in ("/guides?ui=ar", "/faq?ui=ar", "/ask?ui=ar", "/training?ui=ar",
                "/training/intro?ui=ar", "/states?ui=ar"):
        page.goto(server + url)
        _no_sideways_scroll(page)


def test_faq_question_answer_and_vote(server, browser):
    page = browser.new_context(viewport=PHONE, java_script_enabled=False).new_page()
    page.goto(server + "/faq?ui=en")
    page.fill("input[name=q]", "how did countries vote")
    page.click("form.searchbox button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-answer=country-vote] a", has_text="voting records").count() == 1
    page.click("[data-answer=country-vote] h2 a")
    page.wait_for_load_state()
    before = page.context.cookies()
    with page.expect_response(lambda r: r.request.method == "POST") as voted:
        page.click("button[name=vote][value=yes]")
    assert "set-cookie" not in voted.value.headers  # the vote sets no cookie
    page.wait_for_load_state()
    assert page.locator("[data-thanks]").is_visible()
    assert page.context.cookies() == before


def test_ask_a_librarian_and_read_the_answer(server, browser, settings):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    page.goto(server + "/guides/sc-documents/en?ui=fr")
    page.click("text=Poser une question sur cette page")
    page.wait_for_load_state()
    trap = page.locator("input[name=website]").bounding_box()  # the honeypot: off screen
    assert trap["x"] + trap["width"] <= 0 or trap["x"] >= PHONE["width"]
    page.fill("textarea[name=question]", "Où trouver le vote sur la résolution 242 (1967) ?")
    # a person who took half a minute to write (the stamp is what the form was shown with)
    old = form_stamp(settings.secret_key, "ask", time.time() - 30)
    page.evaluate("(v) => document.querySelector('input[name=stamp]').value = v", old)
    page.click("form.kn-form button[type=submit]")
    page.wait_for_load_state()
    reference = page.locator("[data-reference]").inner_text()
    assert reference.startswith("Q-")
    page.click("[data-private-link]")
    page.wait_for_load_state()
    assert page.locator(f"[data-inquiry='{reference}']").is_visible()
    _no_sideways_scroll(page)


def test_register_for_training(server, browser, settings):
    page = browser.new_context(viewport=PHONE).new_page()
    page.goto(server + "/training?ui=es")
    page.click("[data-session=intro] a")
    page.wait_for_load_state()
    page.fill("input[name=name]", "Ana Pérez")
    page.fill("input[name=email]", "ana@mission.example")
    page.select_option("select[name=audience]", "mission")
    old = form_stamp(settings.secret_key, "training", time.time() - 30)
    page.evaluate("(v) => document.querySelector('input[name=stamp]').value = v", old)
    page.click("form.kn-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-registered=registered]").is_visible()


def test_editor_publishes_a_guide(server, browser):
    page = browser.new_context(java_script_enabled=False).new_page()
    page.goto(server + "/knowledge/guides/new?ui=en")
    page.fill("input[name=name]", "ed")
    page.fill("input[name=password]", "a long password")
    page.click("form button[type=submit]")
    page.wait_for_load_state()
    assert "/knowledge/guides/new" in page.url
    page.fill("input[name=slug]", "voting")
    page.select_option("select[name=lang]", "fr")
    page.fill("input[name=title]", "Les votes")
    page.fill("textarea[name=body]", "Les votes enregistrés.\n\n```live documents\n"
                                     "- S/RES/242 (1967)\n```\n")
    page.click("form.kn-form button[type=submit]")
    page.wait_for_load_state()
    assert page.locator("[data-state=draft]").is_visible()
    assert page.locator("[data-preview] [data-live=documents]").is_visible()
    page.click("button[value=submit]")
    page.wait_for_load_state()
    page.click("button[value=publish]")
    page.wait_for_load_state()
    assert page.locator("[data-state=published]").is_visible()
    page.goto(server + "/guides/voting/fr")
    assert page.locator("h1").inner_text() == "Les votes"
