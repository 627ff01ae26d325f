"""Votes pages in real headless Chromium: charts drawn without JavaScript, mirrored in Arabic,
the agreement form used as a person would."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest
from playwright.sync_api import sync_playwright
from proceedings_helpers import ROLL_CALLS70, VOTES70

from hemicycle.proceedings.importers.ga import GAFiles, import_ga

CHROMIUM = "/usr/bin/chromium"
HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def server(settings):
    import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70))
    port = _port()
    proc = subprocess.Popen([HEMICYCLE, "serve", "--port", str(port)],
                            env={**os.environ, "HEMICYCLE_DATA": str(settings.data_dir)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/votes", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def page():
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, headless=True, args=ARGS)
        context = browser.new_context(java_script_enabled=False, locale="en-US")
        yield context.new_page()
        browser.close()


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
