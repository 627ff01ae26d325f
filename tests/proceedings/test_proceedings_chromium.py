"""Votes pages in real headless Chromium: charts drawn without JavaScript, mirrored in Arabic,
the agreement form used as a person would."""

from __future__ import annotations

import pytest
from proceedings_helpers import ROLL_CALLS70, VOTES70

from hemicycle.proceedings.importers.ga import GAFiles, import_ga


@pytest.fixture
def server(settings, live_server) -> str:
    import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70))
    return live_server.base_url


@pytest.fixture
def page(browser):
    return browser.new_context(java_script_enabled=False, locale="en-US").new_page()


def test_record_chart_and_arabic_mirror(server, page):
    page.goto(server + "/votes/records?body=GA&session=70&ui=en")
    page.click("text=A/RES/70/5")
    page.wait_for_load_state()
    chart = page.locator("svg.chart.tally")
    assert chart.is_visible()
    yes_en = page.locator("svg.chart.tally rect").first.bounding_box()
    svg_en = chart.bounding_box()
    assert abs(yes_en["x"] - svg_en["x"]) < 2  # yes starts at the left edge
    page.click("[data-ui-lang=ar]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    svg_ar = page.locator("svg.chart.tally").bounding_box()
    yes_ar = page.locator("svg.chart.tally rect").first.bounding_box()
    assert abs((yes_ar["x"] + yes_ar["width"]) - (svg_ar["x"] + svg_ar["width"])) < 2


def test_agreement_form_draws_the_line(server, page):
    page.goto(server + "/votes/agreement?ui=fr")
    page.select_option("select[name=a]", "USA")
    page.select_option("select[name=b]", "ISR")
    page.click("form.filters button[type=submit]")
    page.wait_for_load_state()
    assert "a=USA" in page.url and "b=ISR" in page.url
    assert page.locator("svg.chart.agreement path").count() == 1
    assert page.locator("svg.chart.agreement circle").count() == 1  # one session: 70
