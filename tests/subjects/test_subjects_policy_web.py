"""The operator's acceptance policy as a web form (administrators only, CSRF-protected,
six languages, no inline script) and the subjects pages' errors in the reader's
language."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from sqlalchemy import select

from hemicycle.accounts import add_user
from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document, DocumentSubject, DocumentSymbol, LanguageVersion
from hemicycle.subjects import service
from hemicycle.subjects.vocabulary import install_vocabulary
from hemicycle.web.app import create_app

OIL = "http://example.org/unbis-2015/T0001209"
ROUTES = Path(__file__).resolve().parents[2] / "src" / "hemicycle" / "web" / "routes"


@pytest.fixture
def site(settings, unbis13):
    install_vocabulary(settings, unbis13)
    add_user(settings.database_url, "boss", "administrator-pw", "admin")
    add_user(settings.database_url, "cat", "cataloguer-pw", "cataloguer")
    with session_scope(settings.database_url) as db:
        doc = Document(symbol="S/2015/305", status="published")
        doc.symbols.append(DocumentSymbol(symbol="S/2015/305", key="S/2015/305", position=0))
        doc.versions.append(LanguageVersion(language="en", title=None,
                                            text="Oil spills on the coast. Oil spills again."))
        db.add(doc)
        db.flush()
        doc_id, uid = doc.id, doc.uid
    service.suggest_for_document(settings, doc_id, vocab="unbis13")
    client = TestClient(create_app(settings))
    client.doc_id, client.uid, client.app_settings = doc_id, uid, settings
    return client


def sign_in(client: TestClient, name: str, password: str) -> str:
    token = re.search(r'name="csrf" value="([^"]+)"', client.get("/signin").text).group(1)
    client.post("/signin", data={"name": name, "password": password, "csrf": token})
    return re.search(r'name="csrf" value="([^"]+)"', client.get("/subjects/policy").text
                     ).group(1) if name == "boss" else ""


def policy_subjects(settings, doc_id: int) -> list[tuple[str, str]]:
    with session_scope(settings.database_url) as db:
        return [(s.concept, s.assigned_by) for s in db.scalars(select(DocumentSubject).where(
            DocumentSubject.document_id == doc_id))]


def test_only_administrators_reach_the_policy_form(site):
    assert site.get("/subjects/policy").status_code in (401, 403)
    sign_in(site, "cat", "cataloguer-pw")
    assert site.get("/subjects/policy").status_code == 403
    assert site.post("/subjects/policy", data={"vocab": "unbis13", "above": "0.1"}
                     ).status_code == 403
    assert policy_subjects(site.app_settings, site.doc_id) == []


def test_the_policy_form_accepts_undoes_and_refuses_bad_input(site):
    token = sign_in(site, "boss", "administrator-pw")
    page = site.get("/subjects/policy?ui=en")
    assert page.status_code == 200 and "The policy has accepted no subject." in page.text
    assert '<option value="unbis13:headings">unbis13: Index to Proceedings headings' in page.text
    assert not re.search(r"<script(?![^>]*\bsrc=)", page.text)  # no inline script
    assert not re.search(r"\son[a-z]+=", page.text) and "javascript:" not in page.text
    # without the token: refused, nothing changed
    refused = site.post("/subjects/policy", data={"vocab": "unbis13", "above": "0.1",
                                                  "action": "accept"})
    assert refused.status_code == 403 and policy_subjects(site.app_settings, site.doc_id) == []
    # bad input: the form again, the reason in the reader's language, nothing changed
    for data, english, french in (
            ({"above": "lots"}, "above: &#39;lots&#39; is not a number",
             "above : « lots » n&#39;est pas un nombre"),
            ({"above": "2"}, "the threshold must be above 0 and at most 1, not 2.0",
             "le seuil doit être supérieur à 0 et au plus 1, et non 2.0"),
            ({"above": "0.5", "best": "500"}, "best must be between 0 and 100, not 500",
             "entre 0 et 100, et non 500"),
            ({"above": "0.5", "vocab": "nope"}, "choose one of the vocabularies listed",
             "choisissez l&#39;un des vocabulaires proposés"),
            ({"above": "0.5", "action": "drop"}, "the action is accept or undo",
             "l&#39;action est accept ou undo")):
        form = {"vocab": "unbis13", "action": "accept", "csrf": token} | data
        for ui, text in (("en", english), ("fr", french)):
            answer = site.post(f"/subjects/policy?ui={ui}", data=form)
            assert answer.status_code == 400 and text in answer.text, (data, ui)
    assert policy_subjects(site.app_settings, site.doc_id) == []

    done = site.post("/subjects/policy", data={"vocab": "unbis13", "above": "0.01", "best": "0",
                                               "action": "accept", "csrf": token},
                     follow_redirects=False)
    assert done.status_code == 303
    accepted = policy_subjects(site.app_settings, site.doc_id)
    assert (OIL, "policy: score >= 0.01") in accepted
    page = site.get(done.headers["location"] + "&ui=es")
    assert f"{len(accepted)} sugerencias aceptadas en 1 documentos (unbis13)." in page.text
    assert f"{len(accepted)} materias en 1 documentos" in page.text
    undone = site.post("/subjects/policy", data={"vocab": "unbis13", "action": "undo",
                                                 "csrf": token})
    assert undone.status_code == 200 and policy_subjects(site.app_settings, site.doc_id) == []
    # the interface language chosen above is kept (its cookie)
    assert f"{len(accepted)} materias retiradas de 1 documentos (unbis13)." in undone.text


@pytest.mark.parametrize("ui,title", [
    ("ar", "سياسة القبول الآلي"), ("zh", "自动采纳规则"), ("en", "Automatic acceptance policy"),
    ("fr", "Règle d&#39;acceptation automatique"), ("ru", "Правило автоматического принятия"),
    ("es", "Regla de aceptación automática")])
def test_the_policy_page_in_six_languages(site, ui, title):
    sign_in(site, "boss", "administrator-pw")
    page = site.get(f"/subjects/policy?ui={ui}")
    assert page.status_code == 200 and f"<h1>{title}</h1>" in page.text
    assert f'<html lang="{ui}" dir="{"rtl" if ui == "ar" else "ltr"}">' in page.text
    panel = site.get(f"/documents/{site.uid}/subjects?ui={ui}")
    assert 'href="/subjects/policy"' in panel.text


def test_subjects_page_errors_in_the_readers_language(site):
    sign_in(site, "cat", "cataloguer-pw")
    panel = site.get(f"/documents/{site.uid}/subjects")
    token = re.search(r'name="csrf" value="([^"]+)"', panel.text).group(1)
    html = {"Accept": "text/html"}
    for data, ui, text in (
            ({"concept": OIL, "decision": "maybe", "vocab": "unbis13"}, "fr",
             "la décision doit être l&#39;une de accepted, rejected, et non « maybe »"),
            ({"concept": "urn:x", "decision": "accepted", "vocab": "unbis13"}, "ru",
             "понятия «urn:x» нет в словаре «unbis13»"),
            ({"concept": OIL, "decision": "accepted", "vocab": "nope"}, "es",
             "vocabulario «nope» desconocido"),
            ({"concept": "----", "decision": "accepted", "vocab": "unbis13:headings"}, "zh",
             "不是会议记录索引标目")):
        answer = site.post(f"/documents/{site.uid}/subjects?ui={ui}",
                           data=data | {"csrf": token}, headers=html)
        assert answer.status_code in (400, 404) and text in answer.text, (data, ui)
    # machines keep the English
    api = TestClient(site.app).post(f"/api/documents/{site.uid}/subjects/decisions",
                    json={"concept": OIL, "decision": "maybe", "vocab": "unbis13"},
                    auth=("cat", "cataloguer-pw"))
    assert api.json()["error"]["detail"] == (
        "decision must be one of accepted, rejected, not 'maybe'")


def test_subjects_routes_give_no_english_only_error():
    tree = ast.parse((ROUTES / "subjects.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "HTTPException":
            detail = node.args[1] if len(node.args) > 1 else None
            assert not isinstance(detail, ast.Constant | ast.JoinedStr), node.lineno
            assert not (isinstance(detail, ast.Call)
                        and getattr(detail.func, "id", None) == "str"), node.lineno
