"""The interface in real headless Chromium: search, open a document, download, Arabic."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
@pytest.fixture
def server(settings, tmp_path):
    text = "The Security Council condemns the destruction of cultural heritage in the region."
    f = tmp_path / "S_RES_2347_2017-EN.txt"
    f.write_text(text, encoding="utf-8")
    save_document(settings, DocumentInput(
        symbols=["S/RES/2347 (2017)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 2347 (2017)", text=text),
                  "ar": VersionInput(title="القرار 2347 (2017)",
                                     text="إن مجلس الأمن يدين تدمير التراث الثقافي")},
        files=[FileInput("en", "txt", f)],
    ))
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    proc = subprocess.Popen([HEMICYCLE, "serve", "--port", str(port)],
                            env={**os.environ, "HEMICYCLE_DATA": str(settings.data_dir)},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            httpx.get(base + "/", timeout=1)
            break
        except httpx.HTTPError:
            time.sleep(0.2)
    yield base
    proc.terminate()
    proc.wait(timeout=10)


@pytest.fixture
def page(browser):
    return browser.new_context(accept_downloads=True, locale="en-US").new_page()


def test_search_open_download_and_arabic(server, page, tmp_path):
    page.goto(server + "/?ui=en")
    page.fill("input[name=q]", "cultural heritage")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/search" in page.url
    page.click("text=Resolution 2347 (2017)")
    page.wait_for_load_state()
    assert "/documents/" in page.url
    assert page.locator("h1.symbol").inner_text() == "S/RES/2347 (2017)"
    with page.expect_download() as info:
        page.click("a.download")
    saved = tmp_path / "downloaded.txt"
    info.value.save_as(saved)
    assert "cultural heritage" in saved.read_text(encoding="utf-8")
    page.click("[data-ui-lang=ar]")
    page.wait_for_load_state()
    assert page.locator("html").get_attribute("dir") == "rtl"
    assert page.locator("html").get_attribute("lang") == "ar"
    assert "القرار 2347 (2017)" in page.locator("p.title").inner_text()
    # right-to-left really mirrors the layout: the brand sits at the right edge
    box = page.locator("a.brand").bounding_box()
    assert box["x"] > page.viewport_size["width"] / 2
    page.screenshot(path=str(tmp_path / "arabic.png"))


def test_symbol_typed_in_search_box_opens_document(server, page):
    page.goto(server + "/")
    page.fill("input[name=q]", "s/res/2347(2017)")
    page.press("input[name=q]", "Enter")
    page.wait_for_load_state()
    assert "/documents/" in page.url
    assert page.locator("h1.symbol").inner_text() == "S/RES/2347 (2017)"
