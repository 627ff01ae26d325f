"""Pages and the document API through the real app (TestClient), SQLite catalogue."""

from __future__ import annotations

import json
import re

import pytest
from core_pdfs import encrypted_pdf, text_pdf
from fastapi.testclient import TestClient

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.queries import find_document
from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.languages import CODES
from hemicycle.web.app import create_app
from hemicycle.web.i18n import messages

TEXT = "The Security Council, recalling its previous resolutions, " * 40


@pytest.fixture
def site(settings, tmp_path):
    en = tmp_path / "res-en.txt"
    en.write_text(TEXT, encoding="utf-8")
    ar = tmp_path / "res-ar.txt"
    ar.write_text("إن مجلس الأمن، إذ يشير إلى قراراته السابقة", encoding="utf-8")
    save_document(settings, DocumentInput(
        symbols=["S/RES/2334 (2016)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 2334 (2016)", text=TEXT),
                  "ar": VersionInput(title="القرار 2334 (2016)", text="إن مجلس الأمن")},
        files=[FileInput("en", "txt", en), FileInput("ar", "txt", ar)],
        related=[("S/PV.7853", "meeting record")],
    ))
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    return TestClient(create_app(settings))


def uid_of(settings, symbol):
    with session_scope(settings.database_url) as db:
        return find_document(db, symbol).uid


def test_home_counts_by_body_and_language(site):
    page = site.get("/?ui=en")
    assert page.status_code == 200
    assert "1 documents" in page.text
    assert re.search(r'href="/search\?body=SC">SC</a></td><td>1<', page.text)


def test_document_page_shows_every_language_and_marks_missing(site, settings):
    uid = uid_of(settings, "S/RES/2334 (2016)")
    page = site.get(f"/documents/{uid}?ui=fr")
    assert page.status_code == 200
    assert "S/RES/2334 (2016)" in page.text
    assert page.text.count("Non disponible dans cette langue") == 4  # zh fr ru es
    assert 'lang="ar" dir="rtl">القرار 2334 (2016)' in page.text
    # French interface, no French version: the English title is shown and marked as such
    assert "[English]" in page.text
    assert "<td>résolution</td>" in page.text  # the type in the interface language
    assert "S/PV.7853" in page.text
    # described for harvesters and search engines in the page head
    assert '<meta name="DC.identifier"' in page.text
    assert '<script type="application/ld+json">' in page.text
    assert f'href="/documents/{uid}/preservation"' in page.text


def test_symbol_variants_lead_to_the_document(site, settings):
    uid = uid_of(settings, "S/RES/2334 (2016)")
    for variant in ("s/res/2334(2016)", "S/RES/2334 (2016)", "s/res/2334__2016_"):
        r = site.get(f"/symbol/{variant}", follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"] == f"/documents/{uid}"
    assert site.get("/symbol/S/RES/9999 (2030)").status_code == 404


def test_download_honours_range(site, settings):
    uid = uid_of(settings, "S/RES/2334 (2016)")
    url = f"/documents/{uid}/files/en/txt"
    whole = site.get(url)
    assert whole.status_code == 200 and whole.content == TEXT.encode()
    part = site.get(url, headers={"Range": "bytes=4-11"})
    assert part.status_code == 206
    assert part.content == TEXT.encode()[4:12]
    assert part.headers["content-range"] == f"bytes 4-11/{len(TEXT.encode())}"
    assert site.get(url, headers={"Range": "bytes=999999-"}).status_code == 416
    assert site.get(f"/documents/{uid}/files/zh/pdf").status_code == 404


def test_api_document_and_openapi(site, settings):
    uid = uid_of(settings, "S/RES/2334 (2016)")
    doc = site.get(f"/api/documents/{uid}").json()
    assert doc["symbol"] == "S/RES/2334 (2016)"
    assert doc["languages"] == ["ar", "en"] and doc["missing_languages"] == ["zh", "fr", "ru", "es"]
    assert doc["related"] == [{"symbol": "S/PV.7853", "role": "meeting record", "uid": None}]
    assert site.get("/api/symbols/s/res/2334(2016)").json()["uid"] == uid
    missing = site.get("/api/documents/nope")
    assert missing.status_code == 404 and missing.json()["error"]["status"] == 404
    spec = site.get("/api/openapi.json").json()
    assert "/api/documents/{uid}" in spec["paths"] and "/api/documents" in spec["paths"]


def test_error_pages_explain_in_the_interface_language(site):
    page = site.get("/documents/nope?ui=ar")
    assert page.status_code == 404
    assert 'dir="rtl"' in page.text and "لم يتم العثور" in page.text


def test_staff_see_subject_review_on_the_document_page(site, settings):
    uid = uid_of(settings, "S/RES/2334 (2016)")
    assert 'class="subjects-review"' not in site.get(f"/documents/{uid}").text
    staff = site.get(f"/documents/{uid}", auth=("cat", "cataloguer-pw"))
    assert staff.status_code == 200 and 'class="subjects-review"' in staff.text


def test_writes_need_the_right_role(site, settings, tmp_path):
    pdf = text_pdf(tmp_path / "new.pdf", ["A new report"])
    form = {"symbol": "A/74/100", "language": "en", "title": "A report"}

    def upload(auth=None):
        with pdf.open("rb") as fh:
            return site.post("/api/documents", data=form, auth=auth,
                             files={"file": ("new.pdf", fh, "application/pdf")})

    assert upload().status_code == 401
    assert upload(("cat", "wrong-password")).status_code == 401
    created = upload(("cat", "cataloguer-pw"))
    assert created.status_code == 201, created.text
    uid = created.json()["uid"]
    assert created.json()["files"][0]["format"] == "pdf"
    assert site.delete(f"/api/documents/{uid}").status_code == 401
    assert site.delete(f"/api/documents/{uid}", auth=("cat", "cataloguer-pw")).status_code == 403
    assert site.delete(f"/api/documents/{uid}", auth=("boss", "administrator-pw")).json() == {
        "uid": uid, "status": "deleted"}
    assert site.get(f"/documents/{uid}").status_code == 410


def test_bad_uploads_are_refused_clearly(site, settings, tmp_path):
    auth = ("cat", "cataloguer-pw")
    locked = encrypted_pdf(tmp_path / "locked.pdf")
    with locked.open("rb") as fh:
        r = site.post("/api/documents", auth=auth, data={"symbol": "A/74/101", "language": "en"},
                      files={"file": ("locked.pdf", fh, "application/pdf")})
    assert r.status_code == 400 and "encrypted" in r.json()["error"]["detail"]
    r = site.post("/api/documents", auth=auth, data={"symbol": "A/74/101", "language": "xx"},
                  files={"file": ("a.txt", b"text", "text/plain")})
    assert r.status_code == 400 and "language" in r.json()["error"]["detail"]
    r = site.post("/api/documents", auth=auth, data={"symbol": "garbage//", "language": "en"},
                  files={"file": ("a.txt", b"text", "text/plain")})
    assert r.status_code == 400 and "symbol" in r.json()["error"]["detail"]
    small = create_app(settings.__class__(**{**settings.__dict__, "max_upload_bytes": 1000}))
    client = TestClient(small)
    r = client.post("/api/documents", auth=auth, data={"symbol": "A/74/102", "language": "en"},
                    files={"file": ("big.txt", b"x" * 5000, "text/plain")})
    assert r.status_code == 413 and "big.txt" in r.json()["error"]["detail"]
    with session_scope(settings.database_url) as db:
        assert find_document(db, "A/74/102") is None
        assert find_document(db, "A/74/101") is None


def test_signin_needs_csrf_and_is_rate_limited(site):
    form = site.get("/signin")
    token = re.search(r'name="csrf" value="([^"]+)"', form.text).group(1)
    no_token = site.post("/signin", data={"name": "cat", "password": "cataloguer-pw"})
    assert no_token.status_code == 403
    ok = site.post("/signin", data={"name": "cat", "password": "cataloguer-pw", "csrf": token},
                   follow_redirects=False)
    assert ok.status_code == 303
    assert "cat" in site.get("/?ui=en").text
    site.cookies.clear()
    token = re.search(r'name="csrf" value="([^"]+)"', site.get("/signin").text).group(1)
    guess = {"name": "boss", "password": "guess", "csrf": token}
    codes = [site.post("/signin", data=guess).status_code for _ in range(7)]
    assert codes[:5] == [401] * 5 and codes[5:] == [429, 429]
    blocked = site.post("/signin", data={"name": "boss", "password": "administrator-pw",
                                         "csrf": token})
    assert blocked.status_code == 429


def test_every_interface_message_exists_in_six_languages():
    missing = [f"{key}: {lang}" for key, texts in messages().items() for lang in CODES
               if not texts.get(lang)]
    assert missing == [], "untranslated interface text:\n" + "\n".join(missing)


def test_language_switch_sets_direction_and_cookie(site):
    page = site.get("/?ui=ar")
    assert '<html lang="ar" dir="rtl">' in page.text
    assert site.cookies.get("lang") == "ar"
    again = site.get("/")
    assert '<html lang="ar" dir="rtl">' in again.text
    assert '<html lang="zh" dir="ltr">' in site.get("/?ui=zh").text
    assert json.loads(json.dumps(site.get("/api/documents/x").json()))["error"]["status"] == 404
