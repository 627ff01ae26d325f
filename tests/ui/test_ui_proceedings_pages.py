"""Votes and proceedings pages as people read them, on session 70 of the real roll calls:
state history summary first and paged, legends and chart tables, dates that do not
wrap, the ITP without dangling links, its voting chart in slices, a fast Word export."""

from __future__ import annotations

import io
import re
import sys
from pathlib import Path

import pytest
from fastapi.testclient import TestClient

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "proceedings"))

from proceedings_helpers import ROLL_CALLS70, VOETEN70, VOTES70  # noqa: E402

from hemicycle.proceedings.importers.ga import GAFiles, import_ga  # noqa: E402


@pytest.fixture(scope="module")
def client(tmp_path_factory):
    from hemicycle.config import load_settings
    from hemicycle.web.app import create_app

    settings = load_settings(tmp_path_factory.mktemp("ui-votes") / "data")
    import_ga(settings, GAFiles(ROLL_CALLS70, VOTES70, None, VOETEN70))
    return TestClient(create_app(settings))


def test_state_history_is_summary_first_and_paged(client):
    first = client.get("/votes/states/FRA?ui=fr&per_page=20").text
    total = int(re.search(r'<h3 id="votes-list">([\d,]+)', first).group(1).replace(",", ""))
    assert total > 40
    rows = re.findall(r'<tr><td>(?:<time datetime="[\d-]+">[\d-]+</time>)?</td>', first)
    assert len(rows) == 20
    assert first.index("<figure") < first.index('id="votes-list"')  # the chart comes first
    assert 'class="legend"' in first and "<details class=\"chart-data\">" in first
    pages = -(-total // 20)
    last = client.get(f"/votes/states/FRA?ui=fr&page={pages}&per_page=20").text
    assert len(re.findall(r'<tr><td>(?:<time|</td>)', last)) == total - 20 * (pages - 1)
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert client.get("/votes/states/FRA?page=0").status_code == 400
    assert client.get("/votes/states/FRA?per_page=5000").status_code == 400
    assert len(re.findall(r'<tr><td>(?:<time|</td>)', client.get("/votes/states/FRA").text)) == min(
        total, 100)


def test_every_chart_has_a_legend_and_a_text_alternative(client):
    record = re.search(r'href="/votes/records/(\d+)"', client.get("/votes/records").text)
    page = client.get(f"/votes/records/{record.group(1)}?ui=es").text
    if "<svg" in page:
        assert re.search(r'<svg class="chart tally" role="img"[^>]*><title>', page)
        assert page.count('class="swatch v-') == 5
    agreement = client.get("/votes/agreement?a=FRA&b=USA&ui=zh").text
    assert 'class="swatch v-agreement"' in agreement


def test_dates_are_marked_up_not_to_wrap(client):
    page = client.get("/votes/states/USA").text
    assert re.search(r'<time datetime="\d{4}-\d\d-\d\d">', page)
    css = client.get("/static/hemicycle.css").text
    assert re.search(r"\.nowrap, time \{ white-space: nowrap; \}", css)


def test_quality_findings_are_in_the_interface_language(client):
    page = client.get("/votes/quality?ui=ru").text
    if 'class="finding-code"' in page:
        assert 'class="source-text"' in page
        assert "Замечание в записи импортёра" in page


def test_itp_table_of_contents_links_only_sections_with_content(client):
    page = client.get("/proceedings/index/GA/70?ui=en").text
    toc = re.search(r'<nav class="itp-toc.*?</nav>', page, re.S).group(0)
    for name, status in re.findall(r'id="([a-z_]+)" data-status="(\w+)"', page):
        linked = f'href="#{name}"' in toc
        assert linked == (status == "ok"), name
        if status != "ok":
            entry = re.search(rf'data-toc="{name}">(.*?)</li>', toc).group(1)
            assert "Not available: " in entry  # the reason, not a link


def test_itp_voting_chart_comes_in_slices_of_roll_calls(client):
    page = client.get("/proceedings/index/GA/70?ui=en")
    chart = re.search(r'id="voting_chart".*?</section>', page.text, re.S).group(0)
    columns = re.findall(r'<th class="rc"', chart)
    assert len(columns) == 20
    total = int(re.search(r"Roll calls 1–20 of (\d+)", chart).group(1))
    assert total > 20
    rows = re.findall(r"<tr><th scope=\"row\">", chart)
    assert len(rows) > 150
    later = client.get("/proceedings/index/GA/70?ui=en&chart_from=21").text
    assert re.search(r"Roll calls 21–\d+ of", later)
    assert client.get("/proceedings/index/GA/70?chart_from=x").status_code == 400


def test_itp_word_export_has_every_row(client):
    import docx

    ix = client.get("/api/proceedings/index/GA/70?ui=fr").json()
    answer = client.get("/proceedings/index/GA/70.docx?ui=fr")
    assert answer.status_code == 200
    document = docx.Document(io.BytesIO(answer.content))
    chart = ix["sections"]["voting_chart"]
    table = next(t for t in document.tables if len(t.columns) == len(chart["columns"]) + 1)
    assert len(table.rows) == len(chart["rows"]) + 1
    assert table.rows[0].cells[0].text
    first = chart["rows"][0]
    assert table.rows[1].cells[0].text == first["name"]
    header = table.rows[0]._tr
    assert header.xpath("./w:trPr/w:tblHeader")  # repeated on every page
