"""Every page type in real Chromium, in the six languages: axe-core finds no serious or
critical accessibility violation, nothing overflows a 390 px or a 1280 px screen, the
header keeps to two rows at 1280 px (the navigation on its own), and screenshots at both
widths are kept as test artefacts. Staff pages are seen signed in."""

from __future__ import annotations

import pytest
from ui_site import STAFF, STAFF_PW, artefacts_dir

from hemicycle.languages import CODES
from hemicycle.web.assets import axe_source

PAGES = {
    "home": "/",
    "results": "/search?q=climate",
    "results_none": "/search?q=climte+chnage",
    "results_thesaurus": "/search?q=refugees",  # "also searched": labels in six scripts
    "advanced": "/search/advanced?q=climate",
    "document": "/documents/{text}",
    "document_pages": "/documents/{scanned}",
    "not_held": "/symbol/A/RES/70/999",
    "votes": "/votes",
    "records": "/votes/records",
    "record": "/votes/records/{record}",
    "state": "/votes/states/FRA",
    "agreement": "/votes/agreement?a=FRA&b=USA",
    "session": "/votes/sessions/70",
    "quality": "/votes/quality",
    "speeches": "/speeches",
    "speech": "/speeches/{speech}",
    "itp_sessions": "/proceedings/index",
    "itp": "/proceedings/index/GA/70",
    "thesaurus": "/thesaurus",
    "concept": "/thesaurus/unbis/{concept}",
    "vocabulary": "/thesaurus/unbis",
    "thesaurus_az": "/thesaurus/unbis/az",
    "thesaurus_search": "/thesaurus/unbis/search?q=refugee",
    "sparql": "/thesaurus/sparql",
    "subjects": "/documents/{text}/subjects",
    "preservation": "/documents/{text}/preservation",
    "api_docs": "/api/docs",
    "guides": "/guides",
    "guide": "/guides/voting-data/en",
    "faq": "/faq?q=vote",
    "faq_answer": "/faq/cite-document",
    "ask": "/ask",
    "member_state": "/states/FRA",
    "training": "/training",
    "error": "/search?q=x&page=abc",
    "not_found": "/documents/nothere",
    "signin": "/signin",
    # staff pages
    "review_queue": "/review",
    "review_draft": "/documents/{draft}/review",
    "usage": "/usage",
    "knowledge": "/knowledge",
}
STAFF_PAGES = {"review_queue", "review_draft", "usage", "knowledge"}
SEVERE = ("serious", "critical")


def _url(site, name: str, lang: str) -> str:
    base, ids, _ = site
    path = PAGES[name].format(**ids)
    return f"{base}{path}{'&' if '?' in path else '?'}ui={lang}"


def _violations(page, axe: str) -> list[str]:
    page.add_script_tag(content=axe)
    result = page.evaluate("""async () => {
        const r = await axe.run(document, {resultTypes: ["violations"]});
        return r.violations.map(v => ({id: v.id, impact: v.impact,
            nodes: v.nodes.slice(0, 3).map(n => n.target.join(" "))}));
    }""")
    return [f"{v['id']} ({v['impact']}): {v['nodes']}" for v in result if v["impact"] in SEVERE]


def _signed_in(site, browser) -> dict:
    """The cookies of a staff member signed in through the form."""
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{site[0]}/signin?ui=en")
    page.fill("input[name=name]", STAFF)
    page.fill("input[name=password]", STAFF_PW)
    page.click("form[action='/signin'] button[type=submit]")
    page.wait_for_load_state()
    state = context.storage_state()
    context.close()
    return state


@pytest.mark.parametrize("name", PAGES)
def test_page_in_six_languages(site, browser, name):
    axe = axe_source(site[2])
    out = artefacts_dir() / "pages"
    out.mkdir(exist_ok=True)
    state = _signed_in(site, browser) if name in STAFF_PAGES else None
    problems = []
    for lang in CODES:
        # bypass_csp: axe-core is injected as a script of the test's own (the pages
        # themselves run under the site's policy in tests/security)
        wide = browser.new_context(bypass_csp=True, viewport={"width": 1280, "height": 900},
                                   locale=lang, storage_state=state).new_page()
        response = wide.goto(_url(site, name, lang))
        assert response.status < 500, f"{name} [{lang}]: {response.status}"
        assert "/signin" not in wide.url or name == "signin", f"{name}: not signed in"
        wide.wait_for_load_state("networkidle")
        assert wide.locator("html").get_attribute("lang") == lang
        assert wide.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        # the header in two rows: brand, languages and account on the first, the main
        # navigation (its "Menu" summary hidden) on one row below it; nothing wider than
        # the screen
        rows = wide.evaluate("""() => {
            const top = e => e.getBoundingClientRect().top;
            const parts = [...document.querySelectorAll("header.site > *:not(.skip-link)")]
                .filter(e => e.offsetParent && !e.matches("details.menu"));
            const links = [...document.querySelectorAll("nav.main a")];
            return [parts.map(top), links.map(top), document.documentElement.scrollWidth];
        }""")
        first, nav, width = rows
        if max(first) - min(first) > 12:
            problems.append(f"{name} [{lang}] 1280 px: the header's first row wraps ({first})")
        if max(nav) - min(nav) > 12 or min(nav) <= max(first):
            problems.append(f"{name} [{lang}] 1280 px: the navigation is not one row ({nav})")
        if width > 1280:
            problems.append(f"{name} [{lang}] 1280 px: the page is {width} px wide")
        problems += [f"{name} [{lang}]: {v}" for v in _violations(wide, axe)]
        wide.screenshot(path=str(out / f"{name}-{lang}-1280.png"), full_page=True)
        wide.context.close()

        narrow = browser.new_context(bypass_csp=True, viewport={"width": 390, "height": 844},
                                     locale=lang, is_mobile=True, has_touch=True,
                                     storage_state=state).new_page()
        narrow.goto(_url(site, name, lang))
        narrow.wait_for_load_state("networkidle")
        # on a phone the navigation folds under "Menu", and opens from it
        menu = narrow.locator("details.menu")
        if menu.evaluate("m => m.open") or narrow.locator("nav.main a").first.is_visible():
            problems.append(f"{name} [{lang}] 390 px: the navigation is not folded")
        narrow.locator("details.menu > summary").click()
        if not narrow.locator("nav.main a[href='/search']").is_visible():
            problems.append(f"{name} [{lang}] 390 px: the menu does not open")
        overflow = narrow.evaluate("document.documentElement.scrollWidth")
        if overflow > 390:
            problems.append(f"{name} [{lang}] 390 px: the page is {overflow} px wide")
        narrow.screenshot(path=str(out / f"{name}-{lang}-390.png"), full_page=True)
        narrow.context.close()
    assert not problems, "\n".join(problems)
