"""The queue page, the review form on the draft's page and the review API, through the
real app: who may see and change drafts, CSRF, errors that name the field."""

from __future__ import annotations

import datetime as dt
import html

import pytest
from argon2 import PasswordHasher
from fastapi.testclient import TestClient
from review_helpers import CAT, CAT_PW, form_token, load, make_draft, sign_in

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import User
from hemicycle.describe import checks
from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.languages import CODES
from hemicycle.review.tasks import refresh_all
from hemicycle.search.query import search
from hemicycle.web.app import create_app
from hemicycle.web.i18n import messages


@pytest.fixture
def site(settings):
    add_user(settings.database_url, CAT, CAT_PW, "cataloguer")
    with session_scope(settings.database_url) as db:  # an account of a role with no rights
        db.add(User(name="reader", role="reader",
                    password_hash=PasswordHasher().hash("pw-12345678")))
    return TestClient(create_app(settings))


def _form(client: TestClient, uid: str) -> dict:
    page = client.get(f"/documents/{uid}")
    assert page.status_code == 200 and 'class="review-form"' in page.text
    return {"csrf": form_token(page.text), "version": form_token(page.text, "version")}


def test_drafts_and_queue_are_for_staff_only(site, settings):
    uid = make_draft(settings, ["A/70/1"])
    assert site.get(f"/documents/{uid}").status_code == 404
    assert site.get(f"/api/documents/{uid}").status_code == 404
    queue = site.get("/review", follow_redirects=False)
    assert queue.status_code == 303 and queue.headers["location"].startswith("/signin?next=")
    assert site.get("/api/review").status_code == 401
    assert site.get("/api/review", auth=("cat", "wrong-password")).status_code == 401
    assert site.get("/api/review", auth=("reader", "pw-12345678")).status_code == 403
    assert site.post(f"/api/documents/{uid}/publish",
                     auth=("reader", "pw-12345678")).status_code == 403
    assert site.post(f"/api/documents/{uid}/publish").status_code == 401
    assert load(settings, uid).status == "draft"
    sign_in(site)
    page = site.get("/review")
    assert page.status_code == 200 and f"/documents/{uid}" in page.text
    assert 'href="/review"' in page.text  # the staff link in the header
    assert site.get(f"/documents/{uid}").status_code == 200
    assert site.get(f"/api/documents/{uid}", auth=(CAT, CAT_PW)).json()["status"] == "draft"
    api = site.get("/api/review", auth=(CAT, CAT_PW)).json()
    assert api["total"] == 1 and api["items"][0]["symbol"] == "A/70/1"


def test_form_without_csrf_is_refused(site, settings):
    uid = make_draft(settings, ["A/70/2"])
    sign_in(site)
    form = _form(site, uid)
    reply = site.post(f"/documents/{uid}/review",
                      data={"action": "publish", "version": form["version"],
                            "symbols": "A/70/2", "language": "en"})
    assert reply.status_code == 403 and load(settings, uid).status == "draft"
    # a signed-in session calling the API needs the token too
    assert site.post(f"/api/documents/{uid}/publish").status_code == 403
    assert load(settings, uid).status == "draft"


def test_form_correct_then_publish_then_visible_to_everyone(site, settings):
    uid = make_draft(settings, ["A/70/3"], title="REPOR", text="Quetzal feathers inventory")
    sign_in(site)
    form = _form(site, uid)
    fields = {"symbols": "A/70/33", "date": "2015-05-13", "distribution": "GEN",
              "language": "en", "title": "Report on quetzal feathers", "doc_type": ""}
    bad = site.post(f"/documents/{uid}/review",
                    data={**form, **fields, "date": "13 May", "action": "save"})
    assert bad.status_code == 400 and "date" in bad.text and "ISO" in bad.text
    assert "Report on quetzal feathers" in bad.text  # what was typed is kept
    saved = site.post(f"/documents/{uid}/review", data={**form, **fields, "action": "save"},
                      follow_redirects=False)
    assert saved.status_code == 303 and "review=saved" in saved.headers["location"]
    after = site.get(saved.headers["location"]).text
    assert "Saved; the record stays a draft." in after
    assert "Corrected · cat" in after and "Symbols (one per line); Date" in after
    stale = site.post(f"/documents/{uid}/review", data={**form, **fields, "action": "publish"})
    assert stale.status_code == 409 and "reload" in stale.text
    form = _form(site, uid)
    done = site.post(f"/documents/{uid}/review", data={**form, **fields, "action": "publish"},
                     follow_redirects=False)
    assert done.status_code == 303
    anonymous = TestClient(create_app(settings))
    page = anonymous.get(f"/documents/{uid}")
    assert page.status_code == 200 and "Report on quetzal feathers" in page.text
    assert "review-form" not in page.text
    assert [h.symbol for h in search(settings, "quetzal").hits] == ["A/70/33"]


def test_form_reject_and_symbol_clash(site, settings):
    other = save_document(settings, DocumentInput(symbols=["S/2015/305"],
                                                  versions={"en": VersionInput(title="L")}))
    uid = make_draft(settings, ["S/2015/35"])
    sign_in(site)
    form = _form(site, uid)
    clash = site.post(f"/documents/{uid}/review",
                      data={**form, "action": "save", "symbols": "S/2015/305", "language": "en"})
    assert clash.status_code == 409 and other.uid in clash.text
    no_reason = site.post(f"/documents/{uid}/review",
                          data={**form, "action": "reject", "language": "en"})
    assert no_reason.status_code == 400 and load(settings, uid).status == "draft"
    gone = site.post(f"/documents/{uid}/review",
                     data={**form, "action": "reject", "reason": "blank page"},
                     follow_redirects=False)
    assert gone.status_code == 303 and gone.headers["location"].startswith("/review?rejected=")
    assert load(settings, uid).status == "rejected"


def test_review_errors_are_in_the_interface_language(site, settings):
    uid = make_draft(settings, ["A/70/4"])
    sign_in(site)
    form = _form(site, uid)
    no_reason = site.post(f"/documents/{uid}/review?ui=fr",
                          data={**form, "action": "reject", "language": "en"})
    assert no_reason.status_code == 400
    assert "un motif est requis pour rejeter un brouillon" in no_reason.text
    bad_date = site.post(f"/documents/{uid}/review?ui=ru",
                         data={**form, "action": "save", "language": "en", "date": "13 May"})
    assert "13 May&#39; — не дата в формате ISO (ГГГГ-ММ-ДД)" in bad_date.text
    no_token = site.post(f"/documents/{uid}/review?ui=ar",
                         data={"action": "publish", "version": form["version"]})
    assert no_token.status_code == 403 and "رمز CSRF مفقود أو غير صحيح" in no_token.text
    assert "页码从 1 开始" in site.get("/review?page=0&ui=zh").text
    # the API says it in the language asked for, with the same stable code; English else
    api = TestClient(create_app(settings)).post(f"/api/documents/{uid}/reject?ui=es",
                                                json={"reason": ""}, auth=(CAT, CAT_PW))
    assert "se requiere un motivo" in api.json()["error"]["detail"]
    assert api.json()["error"]["code"] == "invalid-field"
    plain = TestClient(create_app(settings)).post(f"/api/documents/{uid}/reject",
                                                  json={"reason": ""}, auth=(CAT, CAT_PW))
    assert "a reason is required to reject a draft" in plain.text


def test_api_patch_publish_reject(site, settings):
    auth = (CAT, CAT_PW)
    uid = make_draft(settings, ["E/2015/1"], text="Okapi conservation report")
    version = site.get("/api/review", auth=auth).json()["items"][0]["version"]
    missing = site.patch(f"/api/documents/{uid}", auth=auth, json={"title": "x"})
    assert missing.status_code == 400 and "version" in missing.text
    bad = site.patch(f"/api/documents/{uid}", auth=auth,
                     json={"version": version, "symbols": ["E/2015/"]})
    assert bad.status_code == 400
    error = bad.json()["error"]
    assert error["field"] == "symbols" and error["code"] == "invalid-field"
    assert "E/2015/1" in error["detail"]
    ok = site.patch(f"/api/documents/{uid}", auth=auth,
                    json={"version": version, "symbols": ["E/2015/2"], "date": "2015-01-02"})
    assert ok.status_code == 200 and ok.json()["symbol"] == "E/2015/2"
    stale = site.patch(f"/api/documents/{uid}", auth=auth, json={"version": version,
                                                                 "title": "Late"})
    assert stale.status_code == 409 and stale.json()["error"]["code"] == "stale"
    published = site.post(f"/api/documents/{uid}/publish", auth=auth,
                          json={"version": ok.json()["version"]})
    assert published.status_code == 200 and published.json()["status"] == "published"
    assert site.get(f"/api/documents/{uid}").json()["symbol"] == "E/2015/2"
    assert [h.uid for h in search(settings, "okapi").hits] == [uid]
    again = site.post(f"/api/documents/{uid}/reject", auth=auth, json={"reason": "late"})
    assert again.status_code == 409 and again.json()["error"]["code"] == "not-draft"
    other = make_draft(settings, ["E/2015/3"])
    nosym = make_draft(settings, None, identifier="scan-ee")
    refused = site.post(f"/api/documents/{nosym}/publish", auth=auth)
    assert refused.status_code == 409 and "scan-ee" in refused.json()["error"]["detail"]
    rejected = site.post(f"/api/documents/{other}/reject", auth=auth,
                         json={"reason": "illegible"})
    assert rejected.status_code == 200 and load(settings, other).status == "rejected"
    assert site.post(f"/api/documents/{'0' * 32}/publish", auth=auth).status_code == 404
    assert site.get("/api/review?below=2", auth=auth).status_code == 400


def test_queue_page_filters_and_arabic_is_right_to_left(site, settings):
    make_draft(settings, ["A/70/40"], batch="b1", weakest=("title", 0.2))
    make_draft(settings, ["A/70/41"], batch="b2")
    sign_in(site)
    flagged = site.get("/review?attention=true")
    assert "A/70/40" in flagged.text and "A/70/41" not in flagged.text
    assert 'class="draft attention"' in flagged.text
    by_batch = site.get("/review?batch=b2")
    assert "A/70/41" in by_batch.text and "A/70/40" not in by_batch.text
    arabic = site.get("/review?ui=ar")
    assert '<html lang="ar" dir="rtl">' in arabic.text and "مسودات" in arabic.text
    assert site.get("/review?page=0").status_code == 400


def test_interface_text_in_six_languages():
    import json
    from pathlib import Path

    import hemicycle.web

    path = Path(hemicycle.web.__file__).parent / "i18n" / "review.json"
    texts = json.loads(path.read_text(encoding="utf-8"))
    assert texts and all(set(v) == set(CODES) and all(v.values()) for v in texts.values())
    assert all(k in messages() for k in texts)


def test_drafts_and_rejected_drafts_are_neither_harvested_nor_counted(site, settings):
    from hemicycle.usage.spool import spool_dir

    published = save_document(settings, DocumentInput(
        symbols=["A/70/900"], versions={"en": VersionInput(title="Published")})).uid
    draft = make_draft(settings, ["A/70/901"])
    rejected = make_draft(settings, ["A/70/902"])
    sign_in(site)
    form = _form(site, rejected)
    site.post(f"/documents/{rejected}/review",
              data={**form, "action": "reject", "reason": "duplicate scan"})
    assert load(settings, rejected).status == "rejected"
    # staff at work on drafts is not usage; a reader on a published document is
    for uid in (draft, rejected):
        assert site.get(f"/documents/{uid}").status_code == 200
    assert site.get(f"/documents/{published}").status_code == 200
    lines = "".join(p.read_text() for p in spool_dir(settings.data_dir).glob("*.jsonl"))
    assert published in lines and draft not in lines and rejected not in lines
    # OAI-PMH: a draft turned down was never published, so it is no deleted record either
    listed = site.get("/oai", params={"verb": "ListIdentifiers", "metadataPrefix": "oai_dc"})
    assert published in listed.text
    assert draft not in listed.text and rejected not in listed.text
    # and the public still cannot open it
    assert TestClient(create_app(settings)).get(f"/documents/{rejected}").status_code == 404


def test_tasks_are_said_in_the_interface_language(site, settings):
    undated = make_draft(settings, ["A/70/42"], date=None)
    make_draft(settings, ["A/70/43"], weakest=("title", 0.35))
    refresh_all(settings)  # what an importer does after saving (record_saved)
    sign_in(site)
    for lang, missing, proposed, field in (
            ("fr", "Aucune date trouvée", "Proposé : REPORT OF THE SECRETARY-GENERAL "
                                          "(confiance 0.35)", "<td>Titre</td>"),
            ("ar", "لم يُعثر على تاريخ", "القيمة المقترحة: REPORT OF THE SECRETARY-GENERAL "
                                        "(درجة الثقة 0.35)", "<td>العنوان</td>"),
            ("zh", "未找到日期", "建议值：REPORT OF THE SECRETARY-GENERAL（置信度 0.35）",
             "<td>标题</td>")):
        queue = site.get(f"/review?ui={lang}").text
        assert missing in queue and proposed in queue and field in queue, lang
        assert "no date found" not in queue and "(read:" not in queue
        record = site.get(f"/documents/{undated}?ui={lang}").text
        assert missing in record


def test_a_findings_detail_is_said_in_the_interface_language(site, settings):
    """The check's own sentence ("2031-01-01 is after today") is kept with its message's
    code and values, so the queue and the record say it in the reader's language; a
    finding kept as English text only (before codes were kept) stays English, marked so."""
    today = dt.date(2026, 12, 7)
    future = checks.date_in_range("date", dt.date(2031, 1, 1), today)
    source = checks.date_against_year("date", dt.date(2014, 3, 5), 2015, "marc")
    kept = [f.to_json() for f in (future, source)]
    assert kept[0]["said"] == {"code": "finding.after_today",
                               "values": {"date": "2031-01-01", "today": "2026-12-07"}}
    old = {"code": "no-text", "field": "text", "message": "OCR read 3 letters"}
    uid = save_document(settings, DocumentInput(
        symbols=["A/70/44"], publication_date=dt.date(2015, 5, 12), source="marc",
        extra={"findings": [*kept, old]},
        versions={"en": VersionInput(title="REPORT", text="Report.")})).uid
    refresh_all(settings)
    sign_in(site)
    said = {
        "fr": ("2031-01-01 est postérieure à aujourd’hui (2026-12-07)",
               "2014-03-05 n’est pas en 2015, l’année qu’indique la notice MARC"),
        "ar": ("2031-01-01 لاحق لتاريخ اليوم (2026-12-07)",
               "2014-03-05 ليس في عام 2015، وهو العام الذي يذكره سجل MARC"),
        "zh": ("2031-01-01 晚于今天（2026-12-07）", "2014-03-05 不在MARC 记录所述的 2015 年内"),
        "en": ("2031-01-01 is after today (2026-12-07)",
               "2014-03-05 is not in 2015, the year the MARC record states")}
    for lang, sentences in said.items():
        for page in (site.get(f"/review?ui={lang}").text,
                     site.get(f"/documents/{uid}?ui={lang}").text):
            for sentence in sentences:
                assert html.escape(sentence, quote=False) in page, (lang, sentence)
            assert '<span lang="en" dir="ltr">OCR read 3 letters</span>' in page, lang
            if lang != "en":
                assert "is after today" not in page, lang
