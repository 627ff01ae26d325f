"""In real headless Chromium against the live app: a cataloguer signs in, opens the queue,
opens a draft, corrects its symbol, publishes it, and the public then finds it by search;
the queue in Arabic is laid out right to left."""

from __future__ import annotations

from review_helpers import CAT, CAT_PW, load, make_draft

from hemicycle.accounts import add_user


def test_cataloguer_corrects_and_publishes_in_chromium(live_server, browser):
    settings = live_server
    base = settings.base_url
    add_user(settings.database_url, CAT, CAT_PW, "cataloguer")
    uid = make_draft(settings, ["A/70/80"], weakest=("symbols", 0.4),
                     text="Axolotl habitat restoration in the valley")
    page = browser.new_context(locale="en-US").new_page()
    page.goto(f"{base}/review?ui=en")
    assert "/signin" in page.url  # staff only
    page.fill("input[name=name]", CAT)
    page.fill("input[name=password]", CAT_PW)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_load_state()
    assert page.url.endswith("/review?ui=en")
    row = page.locator(f"tr.draft[data-uid='{uid}']")
    assert "attention" in row.get_attribute("class")
    row.locator("a").click()
    page.wait_for_load_state()
    assert page.locator("tr.field.low[data-field=symbols]").count() == 1
    page.fill("#review-symbols", "A/70/81")
    page.fill("#review-title", "Axolotl habitat restoration")
    page.click("button[value=publish]")
    page.wait_for_load_state()
    assert "now visible and searchable" in page.content()
    assert load(settings, uid).symbol == "A/70/81"

    public = browser.new_context(locale="en-US").new_page()
    public.goto(f"{base}/search?q=axolotl&ui=en")
    link = public.locator(f"a[href*='{uid}']").first
    assert "A/70/81" in public.content()
    link.click()
    public.wait_for_load_state()
    assert "Axolotl habitat restoration" in public.content()

    page.goto(f"{base}/review?ui=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.evaluate("getComputedStyle(document.body).direction") == "rtl"
    assert "مسودات بانتظار المراجعة" in page.locator("h1").inner_text()
