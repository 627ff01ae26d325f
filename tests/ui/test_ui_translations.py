"""Every message that reaches a page is translated: template keys, Message codes raised
in the sources, and no interface text written into a template in one language."""

from __future__ import annotations

import ast
import re
import string
from pathlib import Path

import pytest

from hemicycle.languages import CODES
from hemicycle.messages import Message
from hemicycle.web.i18n import localise, messages

SRC = Path(__file__).resolve().parents[2] / "src" / "hemicycle"
TEMPLATES = SRC / "web" / "templates"
# words a template may show as they are: names of formats and standards, units
NOT_WORDS = {"JSON", "CSV", "BibTeX", "RIS", "CSL-JSON", "IIIF", "OpenAPI", "Word", "MARC",
             "ISO3", "API", "SPARQL", "KB", "SHA-512",
             "YYYY-MM-DD", "UTC"}
_SYMBOL = re.compile(r"^[A-Z]+(?:/[A-Z0-9.-]+)+$")  # a document symbol given as an example


def _fields(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def _message_calls() -> list[tuple[Path, int, str, str]]:
    """(file, line, code, English text) of every Message("code", "text", ...) in src."""
    found = []
    for path in SRC.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        constants = {node.targets[0].id: node.value.value for node in ast.walk(tree)
                     if isinstance(node, ast.Assign) and len(node.targets) == 1
                     and isinstance(node.targets[0], ast.Name)
                     and isinstance(node.value, ast.Constant)
                     and isinstance(node.value.value, str)}
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and getattr(node.func, "id", None) == "Message"):
                continue
            code, english = node.args[0], node.args[1]
            assert isinstance(code, ast.Constant), f"{path}:{node.lineno}: a literal code"
            found.append((path, node.lineno, code.value, _literal(english, constants)))
    return found


def _literal(node: ast.expr, constants: dict[str, str]) -> str:
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return constants[node.id]
    if isinstance(node, ast.BinOp):
        return _literal(node.left, constants) + _literal(node.right, constants)
    raise AssertionError(f"Message text must be a literal, not {ast.dump(node)}")


def test_every_message_code_has_six_translations_matching_its_english():
    calls = _message_calls()
    assert len(calls) > 60
    catalogue = messages()
    for path, line, code, english in calls:
        where = f"{path.relative_to(SRC)}:{line}"
        texts = catalogue.get(f"msg.{code}")
        assert texts is not None, f"{where}: msg.{code} is missing from web/i18n"
        assert texts["en"] == english, f"{where}: msg.{code} says otherwise in English"
        for lang in CODES:
            assert texts.get(lang, "").strip(), f"{where}: msg.{code} has no {lang} text"
            assert _fields(texts[lang]) <= _fields(english) | set(
                Message(code, english).values) | _fields(texts["en"]) | {"names"}, (
                f"{where}: msg.{code} in {lang} uses a value the code does not give")


def test_every_translation_file_entry_has_the_six_languages():
    for key, texts in messages().items():
        missing = [lang for lang in CODES if not (texts.get(lang) or "").strip()]
        assert not missing, f"{key} lacks {missing}"
        english = _fields(texts["en"])
        for lang in CODES:
            assert _fields(texts[lang]) <= english | {"names"}, f"{key} ({lang}): {texts[lang]}"


_KEY = re.compile(r"""\bt\(\s*["']([a-z0-9_.]+)["']""")


def test_every_key_a_template_names_is_translated():
    catalogue = messages()
    checked = 0
    for path in TEMPLATES.rglob("*.html"):
        for key in _KEY.findall(path.read_text(encoding="utf-8")):
            if key.endswith((".", "_")):
                continue  # a family completed at run time (t("votes.vote." ~ k))
            checked += 1
            assert key in catalogue, f"{path.relative_to(TEMPLATES)}: {key} has no translations"
    assert checked > 300


def _visible_text(source: str) -> tuple[str, list[str]]:
    text = re.sub(r"\{#.*?#\}", " ", source, flags=re.S)
    # scripts, styles and code samples (an API address with its parameters) are not prose
    text = re.sub(r"<(script|style|code)\b.*?</\1>", " ", text, flags=re.S)
    text = re.sub(r"\{\{.*?\}\}|\{%.*?%\}", " ", text, flags=re.S)
    attributes = re.findall(r'\b(?:aria-label|title|placeholder|alt)="([^"]*)"', text)
    text = re.sub(r"<[^>]*>", " ", text, flags=re.S)
    return re.sub(r"&[a-z#0-9]+;", " ", text), attributes


def test_no_template_writes_interface_text_in_one_language():
    for path in TEMPLATES.rglob("*.html"):
        text, attributes = _visible_text(path.read_text(encoding="utf-8"))
        words = [w for w in re.findall(r"[^\W\d_][\w\-/.]*", text) if w not in NOT_WORDS]
        assert not words, f"{path.relative_to(TEMPLATES)}: untranslated text {words[:5]}"
        for value in attributes:
            words = [w for w in re.findall(r"[^\W\d_][\w\-/.]*", value)
                     if w not in NOT_WORDS and not _SYMBOL.match(w)]
            assert not words, f"{path.relative_to(TEMPLATES)}: untranslated attribute {value!r}"


def test_a_template_with_english_text_is_caught(tmp_path):
    text, _ = _visible_text("<p>{{ t('site.name') }} Search results</p>")
    assert re.findall(r"[^\W\d_][\w\-/.]*", text) == ["Search", "results"]


@pytest.mark.parametrize("lang", CODES)
def test_a_message_is_shown_in_the_interface_language(lang):
    message = Message("query.page_not_number", "page '{value}' is not a page number",
                      value="abc")
    assert str(message) == "page 'abc' is not a page number"  # logs, JSON, command line
    shown = localise(message, lang)
    assert "abc" in shown
    assert (shown == str(message)) == (lang == "en")


def test_nested_messages_are_translated_too():
    inner = Message("query.nul", "the query contains a NUL character")
    outer = Message("invalid_search", "invalid search: {reason}", reason=inner)
    assert localise(outer, "fr") == "recherche non valide : la requête contient un caractère NUL"


def test_pages_raise_no_untranslated_error():
    """Route modules whose errors reach readers' pages give HTTPException a Message."""
    reader_routes = ["search", "proceedings", "itp", "thesaurus", "interop", "citations",
                     "viewer", "assets", "storage", "review"]
    for path in [SRC / "web" / "routes" / f"{name}.py" for name in reader_routes] + [
            SRC / "web" / "auth.py"]:
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Call) and getattr(node.func, "id", None) == "HTTPException":
                detail = node.args[1] if len(node.args) > 1 else None
                assert not isinstance(detail, ast.Constant | ast.JoinedStr), (
                    f"{path.name}:{node.lineno}: an error detail in English only")
                assert not (isinstance(detail, ast.Call)
                            and getattr(detail.func, "id", None) == "str"), (
                    f"{path.name}:{node.lineno}: str(exc) loses the message's code")


def test_sparql_refusals_are_shown_in_the_interface_language(settings):
    from fastapi.testclient import TestClient

    from hemicycle.web.app import create_app

    client = TestClient(create_app(settings))
    html = {"Accept": "text/html"}
    empty = client.post("/thesaurus/sparql?ui=fr", data={"query": " "}, headers=html)
    assert empty.status_code == 400
    assert "requête vide : envoyez un SELECT, ASK, CONSTRUCT ou DESCRIBE SPARQL" in empty.text
    update = client.post("/thesaurus/sparql?ui=ar", data={"update": "DROP ALL"}, headers=html)
    assert update.status_code == 403 and "نقطة الوصول هذه للقراءة فقط" in update.text
    # a program that asks for no language gets English; the code is the same in every one
    machine = TestClient(create_app(settings)).post("/thesaurus/sparql", data={"query": " "})
    assert machine.json()["error"] == {
        "status": 400, "code": "sparql.empty",
        "detail": "empty query: send a SPARQL SELECT, ASK, CONSTRUCT or DESCRIBE"}
    russian = TestClient(create_app(settings)).post(
        "/thesaurus/sparql", data={"query": " "}, headers={"Accept-Language": "ru"})
    assert russian.json()["error"]["code"] == "sparql.empty"
    assert russian.json()["error"]["detail"].startswith("пустой запрос")
    assert russian.headers["content-language"] == "ru"
