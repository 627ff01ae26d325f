"""Rendering pages: every template gets the interface language, its direction,
``t()`` for interface text, the signed-in user and a CSRF token."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from fastapi import Request
from fastapi.templating import Jinja2Templates

from hemicycle.describe.precision import date_of
from hemicycle.documents import TEXT_SOURCES
from hemicycle.languages import BY_CODE, LANGUAGES, direction
from hemicycle.web.auth import LazyCsrfToken, current_user, known_user
from hemicycle.web.i18n import localise, translate

templates = Jinja2Templates(directory=str(Path(__file__).parent / "templates"))
templates.env.globals["LANGUAGES"] = LANGUAGES
templates.env.globals["LANGUAGE"] = BY_CODE
templates.env.globals["direction"] = direction
templates.env.globals["TEXT_SOURCES"] = TEXT_SOURCES
templates.env.globals["date_of"] = date_of  # "1946" where only the year is known


def page_context(request: Request, look_up_user: bool = True) -> dict[str, Any]:
    """What every page gets. ``look_up_user=False`` (error pages) uses only what this
    request already knows, so that rendering cannot fail the way the request did."""
    lang = request.state.lang

    def t(key: str, **values: object) -> str:
        return translate(key, lang, **values)

    def url_with(**changes: object) -> str:
        """The current URL with some query parameters changed (None removes one)."""
        params = dict(request.query_params)
        for key, value in changes.items():
            if value is None:
                params.pop(key, None)
            else:
                params[key] = str(value)
        return str(request.url.include_query_params().replace_query_params(**params))

    def type_label(code: str | None) -> str:
        """A document type in the interface language (unknown codes as they are)."""
        if not code:
            return translate("doc.unknown", lang)
        text = translate(f"type.{code}", lang)
        return code if text == f"type.{code}" else text

    return {
        "request": request,
        "type_label": type_label,
        "lang": lang,
        "dir": direction(lang),
        "t": t,
        "say": lambda value: localise(value, lang),
        "user": current_user(request) if look_up_user else known_user(request),
        "csrf_token": LazyCsrfToken(request) if look_up_user else "",
        "url_with": url_with,
    }


def render(request: Request, template: str, context: dict[str, Any] | None = None,
           status_code: int = 200, headers: dict[str, str] | None = None,
           look_up_user: bool = True):
    ctx = page_context(request, look_up_user)
    ctx.update(context or {})
    return templates.TemplateResponse(request, template, ctx, status_code=status_code,
                                      headers=headers)
