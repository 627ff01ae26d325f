"""What the page viewer (static/viewer.js) reads beside the IIIF manifest: the text of
one language version cut into pages, shown (and selectable) next to the page image.

Page breaks are the form feeds that pdftotext and the OCR assembly put between pages.
"""

from __future__ import annotations

from fastapi import APIRouter, HTTPException, Request

from hemicycle.messages import Message
from hemicycle.web.routes.documents import _load

router = APIRouter()


def page_texts(text: str | None) -> list[str]:
    """The text of each page (form feeds between pages); [] when there is no text."""
    if not text or not text.strip():
        return []
    return [page.strip("\n") for page in text.split("\f")]


@router.get("/api/documents/{uid}/pages/{language}", tags=["documents"])
def api_page_texts(request: Request, uid: str, language: str) -> dict:
    """The text of one language version, page by page (for the page viewer)."""
    doc, _ = _load(request, uid)
    version = doc.version(language)
    if version is None:
        raise HTTPException(404, Message("no_version",
                                         "document {symbol} has no {language} version",
                                         symbol=doc.symbol, language=language))
    return {"uid": doc.uid, "symbol": doc.symbol, "language": language,
            "text_source": version.text_source, "pages": page_texts(version.text)}
