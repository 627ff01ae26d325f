"""Every page type in real Chromium, in the six languages: axe-core finds no serious or
critical accessibility violation, nothing overflows a 390 px screen, the header keeps to
one line at 1280 px, and screenshots at both widths are kept as test artefacts."""

from __future__ import annotations

import pytest
from ui_site import artefacts_dir

from hemicycle.languages import CODES
from hemicycle.web.assets import axe_source

PAGES = {
    "home": "/",
    "results": "/search?q=climate",
    "results_none": "/search?q=climte+chnage",
    "advanced": "/search/advanced?q=climate",
    "document": "/documents/{text}",
    "document_pages": "/documents/{scanned}",
    "votes": "/votes",
    "records": "/votes/records",
    "record": "/votes/records/{record}",
    "state": "/votes/states/FRA",
    "agreement": "/votes/agreement?a=FRA&b=USA",
    "session": "/votes/sessions/70",
    "quality": "/votes/quality",
    "speeches": "/speeches",
    "itp_sessions": "/proceedings/index",
    "itp": "/proceedings/index/GA/70",
    "thesaurus": "/thesaurus",
    "concept": "/thesaurus/unbis/{concept}",
    "api_docs": "/api/docs",
    "error": "/search?q=x&page=abc",
    "signin": "/signin",
}
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


@pytest.mark.parametrize("name", PAGES)
def test_page_in_six_languages(site, browser, name):
    axe = axe_source(site[2])
    out = artefacts_dir() / "pages"
    out.mkdir(exist_ok=True)
    problems = []
    for lang in CODES:
        wide = browser.new_page(viewport={"width": 1280, "height": 900}, locale=lang)
        response = wide.goto(_url(site, name, lang))
        assert response.status < 500, f"{name} [{lang}]: {response.status}"
        wide.wait_for_load_state("networkidle")
        assert wide.locator("html").get_attribute("lang") == lang
        assert wide.locator("html").get_attribute("dir") == ("rtl" if lang == "ar" else "ltr")
        # the header on one line: every part of it starts on the same row
        tops = wide.eval_on_selector_all(
            "header.site > *:not(.skip-link)",
            "els => els.filter(e => e.offsetParent).map(e => e.getBoundingClientRect().top)")
        if max(tops) - min(tops) > 12:
            problems.append(f"{name} [{lang}] 1280 px: the header wraps ({tops})")
        problems += [f"{name} [{lang}]: {v}" for v in _violations(wide, axe)]
        wide.screenshot(path=str(out / f"{name}-{lang}-1280.png"), full_page=True)
        wide.close()

        narrow = browser.new_page(viewport={"width": 390, "height": 844}, locale=lang,
                                   is_mobile=True, has_touch=True)
        narrow.goto(_url(site, name, lang))
        narrow.wait_for_load_state("networkidle")
        overflow = narrow.evaluate("document.documentElement.scrollWidth")
        if overflow > 390:
            problems.append(f"{name} [{lang}] 390 px: the page is {overflow} px wide")
        narrow.screenshot(path=str(out / f"{name}-{lang}-390.png"), full_page=True)
        narrow.close()
    assert not problems, "\n".join(problems)
