"""The search page and /api/search through the real application (FastAPI TestClient)."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import pytest
from fastapi.testclient import TestClient

from hemicycle.web.app import create_app


@pytest.fixture(scope="module")
def client(corpus):
    settings, _, _ = corpus
    return TestClient(create_app(settings))


def links(page: str, attr: str = "href") -> list[str]:
    return [m.replace("&amp;", "&") for m in re.findall(rf'{attr}="([^"]*)"', page)]


def facet_links(page: str, facet: str) -> list[str]:
    block = re.search(rf'<ul data-facet="{facet}">(.*?)</ul>', page, re.S).group(1)
    return links(block)


def test_results_page_lists_hits_with_snippets(client):
    api = client.get("/api/search", params={"q": "refugees"}).json()
    page = client.get("/search", params={"q": "refugees"})
    assert page.status_code == 200
    assert f'data-total="{api["total"]}"' in page.text
    for hit in api["hits"]:
        assert f'href="/documents/{hit["uid"]}"' in page.text
    assert "<mark>" in page.text
    assert page.text.count('class="result"') == len(api["hits"])


def test_facet_links_select_and_unselect(client):
    page = client.get("/search", params={"q": "Council", "facets": "wait"}).text
    sc = next(u for u in facet_links(page, "body") if "body=SC" in u)
    filtered = client.get(sc + "&facets=wait")
    api = client.get("/api" + sc).json()
    assert api["filters"] == {"body": ["SC"]}
    assert api["total"] > 0 and all(h["body"] == "SC" for h in api["hits"])
    assert f'data-total="{api["total"]}"' in filtered.text
    unselect = next(u for u in facet_links(filtered.text, "body") if "body=SC" not in u
                    and "body=" not in u)
    assert parse_qs(urlsplit(unselect).query) == {"q": ["Council"]}
    assert 'aria-current="true"' in re.search(r'<ul data-facet="body">(.*?)</ul>',
                                              filtered.text, re.S).group(1)


def test_sort_switch_and_paging(client):
    page = client.get("/search", params={"q": "Council"}).text
    by_date = next(u for u in links(page) if "sort=date" in u)
    dated = client.get("/api" + by_date).json()
    assert dated["sort"] == "date"
    nxt = re.search(r'href="([^"]*)" rel="next"', page).group(1).replace("&amp;", "&")
    second = client.get("/api" + nxt).json()
    first = client.get("/api/search", params={"q": "Council"}).json()
    assert second["page"] == 2
    assert not {h["uid"] for h in first["hits"]} & {h["uid"] for h in second["hits"]}
    assert 'rel="prev"' in client.get(nxt).text


def test_a_symbol_redirects_to_its_document(client):
    response = client.get("/search", params={"q": "s/res/240(1967)"}, follow_redirects=False)
    assert response.status_code == 303
    uid = client.get("/api/search", params={"q": "S/RES/240 (1967)"}).json()["redirect"]
    assert response.headers["location"] == f"/documents/{uid}"


def test_no_results_page_helps(client):
    page = client.get("/search", params={"q": "xyzzyplugh", "lang": "en", "body": "SC"})
    assert page.status_code == 200
    assert "data-no-results" in page.text
    assert 'data-total="0"' in page.text
    assert "Search in all languages" in page.text and "Search without the filters" in page.text


@pytest.mark.parametrize("params", [{"q": "title:"}, {"q": "(" * 100 + "a"},
                                    {"q": "x" * 60_000}, {"q": "refugees", "page": "zero"},
                                    {"q": "refugees", "year": "last"}, {"q": "a", "lang": "xx"}])
def test_hostile_input_gets_a_clear_400(client, params):
    page = client.get("/search", params=params)
    assert page.status_code == 400
    assert "data-search-error" in page.text
    api = client.get("/api/search", params=params)
    assert api.status_code == 400
    detail = api.json()["error"]["detail"]
    assert detail and detail in page.text.replace("&#39;", "'").replace("&quot;", '"')


def test_api_returns_the_same_as_the_page_and_is_described(client):
    api = client.get("/api/search", params=[("q", "Council"), ("body", "SC"), ("body", "GA")])
    body = api.json()
    assert api.status_code == 200
    assert set(body) >= {"total", "hits", "facets", "redirect", "page", "pages"}
    assert {h["body"] for h in body["hits"]} <= {"SC", "GA"}
    assert set(body["facets"]) == {"body", "year", "session", "type", "language", "subject"}
    hit = body["hits"][0]
    assert hit["url"] == f"/documents/{hit['uid']}"
    five = client.get("/api/search", params={"q": "Council", "per_page": "5"}).json()
    assert len(five["hits"]) == 5 and five["pages"] == -(-five["total"] // 5)
    assert client.get("/api/search", params={"q": "a", "per_page": "1000"}).status_code == 400
    spec = client.get("/api/openapi.json").json()
    op = spec["paths"]["/api/search"]["get"]
    assert "200" in op["responses"] and "400" in op["responses"]
    assert {p["name"] for p in op["parameters"]} >= {"q", "lang", "body", "year", "sort", "page"}
    assert "SearchOut" in json.dumps(spec["components"])


def test_titles_show_the_interface_language_or_say_which_they_are(client):
    # CR-UNSC resolutions have English titles only; the UNPC documents have all six
    fr = client.get("/search", params={"q": "year:1967", "ui": "fr"}).text
    assert 'data-title-lang="en"' in fr
    assert re.search(r'<a class="title"[^>]*lang="en"', fr)
    fr_unpc = client.get("/search", params={"q": "Libye", "ui": "fr"}).text
    assert re.search(r'<a class="title"[^>]*lang="fr"', fr_unpc)
    assert 'data-title-lang="' not in fr_unpc
    ar = client.get("/search", params={"q": "Libye", "ui": "ar"}).text
    assert '<html lang="ar" dir="rtl">' in ar
    assert re.search(r'<a class="title"[^>]*lang="ar" dir="rtl"', ar)


def test_interface_text_exists_in_six_languages():
    path = Path(__file__).resolve().parents[2] / "src/hemicycle/web/i18n/search.json"
    messages = json.loads(path.read_text(encoding="utf-8"))
    for key, texts in messages.items():
        assert set(texts) == {"ar", "zh", "en", "fr", "ru", "es"}, key
        assert all(t.strip() for t in texts.values()), key
