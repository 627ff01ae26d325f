"""Every error a reader or a member of staff meets is said in the interface language:
knowledge pages (guides, FAQ, ask a librarian, Member States, training), review tasks,
the usage report's dates, on pages and in JSON answers (whose ``code`` stays the same in
every language). And no source a page or an API answer reads from raises English text
that no translation can reach."""

from __future__ import annotations

import ast
import html
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from ui_site import site_environment

from hemicycle.accounts import add_user
from hemicycle.languages import CODES
from hemicycle.web.app import create_app
from hemicycle.web.i18n import translate

SRC = Path(__file__).resolve().parents[2] / "src" / "hemicycle"
ALLOWED = ", ".join(CODES)
STAFF = ("staff-admin", "pw-admin-12345")
CATALOGUER = ("staff-cat", "pw-cat-123456")


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from hemicycle.config import load_settings

    data = tmp_path_factory.mktemp("errors") / "data"
    with site_environment(data):
        settings = load_settings(data)
        add_user(settings.database_url, *STAFF, "admin")
        add_user(settings.database_url, *CATALOGUER, "cataloguer")
        yield TestClient(create_app(settings))


def _said(code: str, lang: str, /, **values) -> tuple[str, str]:
    """(the message in ``lang``, the same in English)."""
    return (translate(f"msg.{code}", lang, **values), translate(f"msg.{code}", "en", **values))


# (method, path, form data, auth, status, code, values): pages, answered in HTML
PAGES = [
    ("GET", "/guides/no-such-guide", None, None, 404, "kn.no_guide",
     {"slug": "'no-such-guide'"}),
    ("GET", "/guides/some-guide/xx", None, None, 404, "kn.no_language",
     {"value": "'xx'", "allowed": ALLOWED}),
    ("GET", "/states/XXX", None, None, 404, "kn.no_member_state", {"iso3": "'XXX'"}),
    ("GET", "/ask/answers/not-the-token", None, None, 404, "kn.no_inquiry_link", {}),
    ("GET", "/training/no-such-session", None, None, 404, "kn.no_training_session",
     {"slug": "'no-such-session'"}),
    ("POST", "/ask", {"question": "Where are the resolutions of 1971?", "website": "",
                      "stamp": "1." + "0" * 32}, None, 400, "kn.form_stamp", {}),
    ("GET", "/usage?begin=2024-05&end=2024-01", None, STAFF, 400, "usage.end_before_begin",
     {"end": "2024-01", "begin": "2024-05"}),
    ("GET", "/review?tasks=abc", None, CATALOGUER, 400, "query.page_not_number",
     {"value": "abc"}),
]

# the same families through the API: JSON with a stable code
API = [
    ("GET", "/api/states/XXX", None, 404, "kn.no_member_state", {"iso3": "'XXX'"}),
    ("GET", "/api/guides/no-such-guide/en", None, 404, "kn.no_published_version",
     {"lang": "en", "slug": "'no-such-guide'"}),
    ("GET", "/api/faq/search?q=vote&lang=xx", None, 400, "kn.lang_expected",
     {"allowed": ALLOWED}),
    ("GET", "/api/review/tasks?status=bogus", CATALOGUER, 400, "review.task_status",
     {"status": "'bogus'"}),
    ("POST", "/api/review/tasks/424242/resolve", CATALOGUER, 404, "review.no_task",
     {"task": 424242}),
    ("GET", "/api/usage/places?begin_date=2024-02-30&end_date=2024-03", STAFF, 400,
     "usage.not_in_calendar", {"name": "begin_date", "text": "'2024-02-30'"}),
    ("GET", "/api/usage/places?begin_date=2024-05&end_date=2024-01", STAFF, 400,
     "usage.end_before_begin", {"end": "2024-01", "begin": "2024-05"}),
    ("GET", "/api/usage/places?begin_date=2024-01&end_date=2024-02&limit=many", STAFF, 400,
     "usage.limit", {"value": "'many'"}),
]


@pytest.mark.parametrize("lang", CODES)
@pytest.mark.parametrize("method, path, data, auth, status, code, values", PAGES,
                         ids=[case[5] + ":" + case[1] for case in PAGES])
def test_an_error_page_speaks_the_interface_language(client, lang, method, path, data, auth,
                                                      status, code, values):
    shown, english = _said(code, lang, **values)
    assert lang == "en" or shown != english, f"msg.{code} in {lang} is the English text"
    reply = client.request(method, path, data=data, auth=auth,
                           headers={"Accept": "text/html", "Accept-Language": lang})
    assert reply.status_code == status
    text = html.unescape(reply.text)
    assert shown in text
    if lang != "en":
        assert english not in text


@pytest.mark.parametrize("lang", CODES)
@pytest.mark.parametrize("method, path, auth, status, code, values", API,
                         ids=[case[4] + ":" + case[1] for case in API])
def test_a_json_error_speaks_the_asked_language_and_keeps_its_code(client, lang, method, path,
                                                                   auth, status, code, values):
    shown, english = _said(code, lang, **values)
    reply = client.request(method, path, auth=auth, headers={"Accept-Language": lang})
    assert reply.status_code == status
    error = reply.json()["error"]
    assert error == {"status": status, "code": code, "detail": shown}
    assert reply.headers["content-language"] == lang
    assert lang == "en" or error["detail"] != english


def test_the_ui_parameter_chooses_the_language_of_a_json_error(client):
    reply = client.get("/api/states/XXX?ui=zh", headers={"Accept-Language": "fr"})
    assert reply.json()["error"]["detail"] == _said("kn.no_member_state", "zh",
                                                    iso3="'XXX'")[0]
    # and a program that names no language reads English
    fresh = TestClient(client.app)
    assert fresh.get("/api/states/XXX").json()["error"]["detail"] == (
        "no member state with ISO3 code 'XXX'")


# ---- no English-only refusal in the sources pages and API answers read from -------------

# modules whose refusals reach a page or a JSON answer; functions read only by commands
# (files of sessions, imports) keep their English
REACHED = [
    "knowledge/guides.py", "knowledge/faq.py", "knowledge/inquiries.py",
    "knowledge/training.py", "knowledge/formguard.py", "review/tasks.py", "review/queue.py",
    "usage/period.py", "usage/places.py", "thesaurus/sparql.py", "thesaurus/sparql_network.py",
    "web/limits.py", "web/ratelimit.py",
    *[f"web/routes/{name}.py" for name in (
        "ask", "faq", "guides", "training", "memberstates", "knowledge", "usage", "review",
        "documents", "iiif", "viewer", "thesaurus", "search", "proceedings", "itp",
        "interop", "citations", "storage", "assets")],
]
COMMAND_ONLY = {("knowledge/training.py", "read_sessions")}


def _english_only(node: ast.Call) -> str | None:
    """The English text a refusal is built from, when it is not a Message."""
    for arg in [*node.args, *(k.value for k in node.keywords if k.arg == "detail")]:
        if isinstance(arg, ast.JoinedStr):
            return ast.unparse(arg)
        if isinstance(arg, ast.Constant) and isinstance(arg.value, str) and " " in arg.value:
            return arg.value  # a sentence, not a code such as "invalid-field"
        if isinstance(arg, ast.Call) and getattr(arg.func, "id", None) == "str":
            return ast.unparse(arg)  # str(exc) drops the Message inside
    return None


def _refusals(tree: ast.AST):
    """(enclosing function's name, call) of every exception raised or error answer built."""
    def visit(node: ast.AST, function: str):
        for child in ast.iter_child_nodes(node):
            name = child.name if isinstance(child, ast.FunctionDef | ast.AsyncFunctionDef) \
                else function
            if isinstance(child, ast.Raise) and isinstance(child.exc, ast.Call):
                yield name, child.exc
            elif isinstance(child, ast.Call) and getattr(child.func, "id", "") in (
                    "HTTPException", "error_response", "json_error"):
                yield name, child
            yield from visit(child, name)

    yield from visit(tree, "")


def test_no_refusal_that_reaches_people_is_english_only():
    found = []
    for relative in REACHED:
        path = SRC / relative
        for function, call in _refusals(ast.parse(path.read_text(encoding="utf-8"))):
            if (relative, function) in COMMAND_ONLY:
                continue
            text = _english_only(call)
            if text is not None:
                found.append(f"{relative}:{call.lineno} ({function}): {text[:70]}")
    assert not found, "English-only refusals:\n" + "\n".join(sorted(set(found)))


def test_the_check_catches_an_english_refusal():
    tree = ast.parse('def f(x):\n    raise GuideError("not-found", f"no guide {x!r}")\n'
                     'def g():\n    raise HTTPException(400, "vote: expected yes or no")\n'
                     'def h(exc):\n    raise HTTPException(400, str(exc))\n'
                     'def k(x):\n    raise GuideError("not-found", Message("a", "b {x}", x=x))\n')
    caught = [name for name, call in _refusals(tree) if _english_only(call)]
    assert sorted(set(caught)) == ["f", "g", "h"]


@pytest.mark.parametrize("lang", CODES)
def test_a_review_api_error_keeps_its_own_code_and_speaks_the_asked_language(client, lang):
    reply = client.patch("/api/documents/no-such-draft", json={"version": "1"},
                         auth=CATALOGUER, headers={"Accept-Language": lang})
    assert reply.status_code == 404
    error = reply.json()["error"]
    reason = translate("msg.review.no_such_document", lang)
    assert error == {"status": 404, "code": "not-found", "field": None,
                     "document": "document no-such-draft",
                     "detail": translate("msg.review.error", lang,
                                         where="document no-such-draft",
                                         reason=reason)}
    assert lang == "en" or "no such document" not in error["detail"]
