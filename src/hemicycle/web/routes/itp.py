"""The Index to Proceedings: ``/proceedings/index`` (the sessions), the index of one body
and session as a page, JSON, Word and MARC. Handlers only call hemicycle.proceedings.itp."""

from __future__ import annotations

import io

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import Response

from hemicycle.catalogue.db import session_scope
from hemicycle.messages import message_of
from hemicycle.proceedings import itp
from hemicycle.proceedings.itp_export import CELL, adopted_text, heading_of, to_docx, write_marc
from hemicycle.web.templating import render

router = APIRouter()
CHART_COLUMNS = 20  # roll calls of the voting chart shown at a time on the page
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def _index(request: Request, body: str, session: str) -> dict:
    try:
        with session_scope(request.app.state.settings.database_url) as db:
            return itp.build_index(db, body, session, request.state.lang)
    except (itp.UnknownBody, itp.NoData) as exc:
        raise HTTPException(404, message_of(exc)) from None


def _t(request: Request):
    from hemicycle.web.i18n import translate

    return lambda key, **values: translate(key, request.state.lang, **values)


@router.get("/proceedings/index", include_in_schema=False)
def sessions_page(request: Request):
    with session_scope(request.app.state.settings.database_url) as db:
        found = itp.available_sessions(db)
    return render(request, "proceedings/itp_sessions.html", {"sessions": found})


@router.get("/proceedings/index/{body}/{session}.docx", include_in_schema=False)
def index_docx(request: Request, body: str, session: str):
    index = _index(request, body, session)
    name = f"ITP_{index['body']}_{index['session']}_{index['lang']}.docx"
    return Response(to_docx(index, _t(request)), media_type=DOCX,
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


@router.get("/proceedings/index/{body}/{session}.mrc", include_in_schema=False)
def index_marc(request: Request, body: str, session: str):
    index = _index(request, body, session)
    out = io.BytesIO()
    write_marc(request.app.state.settings, index["body"], index["session"], out)
    name = f"ITP_{index['body']}_{index['session']}.mrc"
    return Response(out.getvalue(), media_type="application/marc",
                    headers={"Content-Disposition": f'attachment; filename="{name}"'})


# after the .docx and .mrc routes, which it would otherwise swallow
@router.get("/proceedings/index/{body}/{session}", include_in_schema=False)
def index_page(request: Request, body: str, session: str, chart_from: int = 1):
    index = _index(request, body, session)
    t = _t(request)
    columns = len(index["sections"].get("voting_chart", {}).get("columns") or [])
    start = max(0, min(chart_from - 1, max(columns - 1, 0)))
    return render(request, "proceedings/itp.html", {
        "ix": index, "s": index["sections"], "heading": heading_of(index, t),
        "cell": CELL, "adopted": lambda item: adopted_text(item, t),
        "chart_slice": {"start": start, "end": start + CHART_COLUMNS,
                        "prev": max(0, start - CHART_COLUMNS) if start else None,
                        "next": start + CHART_COLUMNS if start + CHART_COLUMNS < columns
                        else None}})


@router.get("/api/proceedings/index", tags=["proceedings"])
def api_sessions(request: Request):
    with session_scope(request.app.state.settings.database_url) as db:
        return {"sessions": itp.available_sessions(db)}


@router.get("/api/proceedings/index/{body}/{session}", tags=["proceedings"])
def api_index(request: Request, body: str, session: str):
    return _index(request, body, session)


def standalone_html(index: dict, lang: str) -> str:
    """The index page as a file (``hemicycle proceedings index --format html``): the same
    template, with the links that need a running site made relative to it."""
    from types import SimpleNamespace

    from hemicycle.languages import direction
    from hemicycle.web.i18n import translate
    from hemicycle.web.templating import templates

    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    def type_label(code: str | None) -> str:
        text = translate(f"type.{code}", lang) if code else translate("doc.unknown", lang)
        return code if code and text == f"type.{code}" else text

    path = f"/proceedings/index/{index['body']}/{index['session']}"
    request = SimpleNamespace(url=SimpleNamespace(path=path))
    return templates.env.get_template("proceedings/itp.html").render(
        request=request, lang=lang, dir=direction(lang), t=t, user=None, csrf_token="",
        url_with=lambda **changes: "?" + "&".join(f"{k}={v}" for k, v in changes.items()),
        type_label=type_label, ix=index, s=index["sections"],
        heading=heading_of(index, t), cell=CELL, adopted=lambda item: adopted_text(item, t))
