"""Keyboard, focus and the few scripts, in real Chromium: the skip link, focus order,
visible focus, facets behind a button on a phone, the page viewer with two languages
side by side and the page's text beside the image."""

from __future__ import annotations


def _focused(page) -> dict:
    return page.evaluate("""() => {
        const e = document.activeElement;
        const r = e.getBoundingClientRect();
        return {tag: e.tagName, id: e.id, cls: e.className && e.className.baseVal === undefined
                ? e.className : "", text: (e.textContent || "").trim().slice(0, 40),
                outline: getComputedStyle(e).outlineStyle, visible: r.width > 0 && r.height > 0,
                index: [...document.querySelectorAll("*")].indexOf(e)};
    }""")


def test_skip_link_then_focus_follows_reading_order(site, browser):
    base, _ids, _settings = site
    page = browser.new_page(viewport={"width": 1280, "height": 900})
    page.goto(base + "/search?q=climate&ui=fr")
    page.keyboard.press("Tab")
    first = _focused(page)
    assert "skip-link" in first["cls"] and first["visible"]
    assert first["outline"] != "none"  # the focus can be seen
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "content"
    page.goto(base + "/search?q=climate&ui=fr")
    order = []
    for _ in range(25):
        page.keyboard.press("Tab")
        order.append(_focused(page))
    assert all(step["visible"] for step in order[1:])
    positions = [step["index"] for step in order]
    assert positions == sorted(positions), "focus jumps back in the page"
    texts = [step["text"] for step in order]
    assert texts.index("Recherche") < texts.index("Français") < texts.index("Se connecter")


def test_facets_collapse_behind_a_button_on_a_phone(site, browser):
    base, _ids, _settings = site
    phone = browser.new_page(viewport={"width": 390, "height": 844}, is_mobile=True)
    phone.goto(base + "/search?q=climate&ui=ar")
    facets = phone.locator("details.facets-toggle aside.facets")
    assert not facets.is_visible()
    phone.locator("details.facets-toggle > summary").click()
    assert facets.is_visible()
    wide = browser.new_page(viewport={"width": 1280, "height": 900})
    wide.goto(base + "/search?q=climate&ui=ar")
    assert wide.locator("details.facets-toggle aside.facets").is_visible()
    assert not wide.locator("details.facets-toggle > summary").is_visible()
    # the year histogram's bars are links a keyboard reaches, named by year and count
    bar = wide.locator("svg.histogram a").first
    assert "2005" in bar.get_attribute("aria-label")
    bar.focus()
    assert wide.evaluate("document.activeElement.closest('svg.histogram') !== null")


def test_page_viewer_shows_pages_text_and_two_languages(site, browser):
    base, ids, _settings = site
    page = browser.new_page(viewport={"width": 1280, "height": 900}, bypass_csp=True)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(base + f"/documents/{ids['scanned']}?ui=en")
    page.wait_for_selector("section[data-viewer][data-viewer-ready=true]", timeout=20000)
    pane = page.locator("[data-viewer-pane='0']")
    assert pane.locator(".thumbs button").count() >= 1
    assert pane.locator("[data-viewer-status]").inner_text().startswith("Page 1 of ")
    page.wait_for_function("document.querySelector('[data-viewer-text]').textContent !== '…'")
    assert "Restoration of the lawful rights" in pane.locator("[data-viewer-text]").inner_text()
    page.wait_for_selector(".osd canvas", timeout=20000)  # OpenSeadragon drew the page
    # the viewer shows the pages: the thumbnails meant for readers without scripts go
    assert not page.locator("#page-images").is_visible()
    page.locator("[data-viewer-compare]").click()
    second = page.locator("[data-viewer-pane='1']")
    assert second.get_attribute("data-lang") == "ru"
    page.wait_for_function(
        "document.querySelectorAll('[data-viewer-text]')[1].textContent !== '…'")
    assert "Восстановление" in second.locator("[data-viewer-text]").inner_text()
    assert second.locator("[data-viewer-text]").get_attribute("lang") == "ru"
    boxes = [p.bounding_box() for p in (pane, second)]
    assert abs(boxes[0]["y"] - boxes[1]["y"]) < 5  # side by side
    assert not errors


def test_without_javascript_the_scan_shows_its_page_thumbnails(site, browser):
    base, ids, _settings = site
    context = browser.new_context(viewport={"width": 390, "height": 844},
                                  java_script_enabled=False)
    page = context.new_page()
    page.goto(base + f"/documents/{ids['scanned']}?ui=fr")
    fallback = page.locator("#page-images[data-viewer-fallback]")
    assert fallback.is_visible()
    thumbs = fallback.locator("ul.page-images img")
    assert thumbs.count() >= 1
    thumbs.first.scroll_into_view_if_needed()
    page.wait_for_function("document.querySelector('#page-images img').naturalWidth > 0")
    link = fallback.locator("a").first.get_attribute("href")
    assert link.startswith("/iiif/3/") and link.endswith("/default.jpg")
    # the viewer's place says what it needs and links the manifest
    assert page.locator("section[data-viewer]").get_attribute("data-viewer-ready") is None
    assert page.locator("[data-viewer-mount] a[href$='manifest.json']").count() == 1
    context.close()
