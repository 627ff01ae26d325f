"""The Index to Proceedings page in real headless Chromium: it renders, and printed it is
a document of its own (each section on a new page, table headers repeated, no site
navigation)."""

from __future__ import annotations

import pytest
from proceedings_helpers import ROLL_CALLS70, VOETEN70, VOTES70

from hemicycle.proceedings.importers.ga import GAFiles, import_ga
from hemicycle.web.i18n import translate


@pytest.fixture
def server(settings, live_server) -> str:
    import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70, None, VOETEN70))
    return live_server.base_url


def _style(page, selector: str, prop: str) -> str:
    return page.eval_on_selector(selector, f"e => getComputedStyle(e).{prop}")


def test_index_page_renders_and_prints_section_by_section(server, browser):
    page = browser.new_context(java_script_enabled=True, locale="ar").new_page()
    page.goto(server + "/proceedings/index/GA/70?ui=ar")
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("h1").first.inner_text() == translate("itp.title", "ar")
    chart = page.locator("#voting_chart table.itp-chart")
    assert chart.is_visible()
    assert page.locator("#voting_chart tbody tr").count() > 150
    assert _style(page, "#resolutions", "breakBefore") != "page"  # on screen: one page
    assert _style(page, "nav.itp-toc", "display") != "none"
    page.emulate_media(media="print")
    assert _style(page, "#resolutions", "breakBefore") == "page"
    assert _style(page, "#voting_chart", "breakBefore") == "page"
    assert _style(page, "#resolutions thead", "display") == "table-header-group"
    assert _style(page, "nav.itp-toc", "display") == "none"
    pdf = page.pdf(format="A4")
    import pypdfium2

    from hemicycle.proceedings.itp import SECTIONS

    # a cover, then every section on pages of its own
    assert len(pypdfium2.PdfDocument(pdf)) >= len(SECTIONS) + 1
