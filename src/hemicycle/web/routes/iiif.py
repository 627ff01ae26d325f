"""IIIF: Image API 3.0 for document pages and a Presentation 3.0 manifest per document.

    /iiif/3/{uid}/manifest.json                                   the document's manifest
    /iiif/3/{identifier}                                          303 to its info.json
    /iiif/3/{identifier}/info.json                                one page's image information
    /iiif/3/{identifier}/{region}/{size}/{rotation}/{quality}.{format}   the pixels

``{identifier}`` is ``{uid}~{language}~{format}~p{page}`` (see interop/iiif_image/request.py).
Documents are visible as on their page: drafts are unknown (404), withdrawn ones gone (410).
Every answer, errors included, allows any origin: viewers load pages from other sites.
"""

from __future__ import annotations

import hashlib

from fastapi import APIRouter, HTTPException, Request
from fastapi.responses import JSONResponse, RedirectResponse, Response

from hemicycle.catalogue.models import Document, File
from hemicycle.digitise.sources import MAX_PIXELS
from hemicycle.interop import iiif_manifest
from hemicycle.interop.iiif_image import cache as iiif_cache
from hemicycle.interop.iiif_image import render as iiif_render
from hemicycle.interop.iiif_image import request as iiif_request
from hemicycle.interop.iiif_image.request import ImageApiError
from hemicycle.languages import CODES
from hemicycle.messages import Message
from hemicycle.web.errors import json_error, public_detail
from hemicycle.web.i18n import translate
from hemicycle.web.routes.documents import _load
from hemicycle.web.templating import templates

router = APIRouter()

CORS = {"Access-Control-Allow-Origin": "*"}
IMAGE_CACHE = "public, max-age=86400"
JSON_CACHE = "public, max-age=3600"
STAFF_ONLY_CACHE = "private, no-store"
LD_IMAGE = f'application/ld+json;profile="{iiif_request.CONTEXT}"'
LD_PRESENTATION = f'application/ld+json;profile="{iiif_manifest.PRESENTATION_CONTEXT}"'


def _refusal(request: Request, exc: ImageApiError) -> Response:
    """An error as JSON (the shape of the site's API errors), open to any origin: the
    site's own error pages would drop the CORS header a viewer needs to read it."""
    return json_error(request, exc.status, public_detail(request, exc.message), headers=CORS)


def _document(request: Request, uid: str) -> Document:
    """The document as its page would show it (drafts unknown, withdrawn ones gone)."""
    try:
        doc, _ = _load(request, uid)
    except HTTPException as exc:
        raise ImageApiError(exc.status_code, exc.detail) from None
    if doc.status == "deleted":
        raise ImageApiError(410, Message("withdrawn", "document {symbol} was withdrawn",
                                         symbol=doc.symbol))
    return doc


def _page(request: Request, identifier: str,
          ) -> tuple[iiif_request.PageId, Document, File, tuple[int, int]]:
    page_id = iiif_request.parse_identifier(identifier)
    doc = _document(request, page_id.uid)
    file = next((f for f in doc.files if f.language == page_id.language
                 and f.format == page_id.format), None)
    if file is None or file.format not in iiif_render.PAGE_FORMATS:
        raise ImageApiError(404, Message(
            "iiif.no_page_file", "document {symbol} has no {fmt} file with page images in "
            "{language}", symbol=doc.symbol, fmt=page_id.format, language=page_id.language))
    sizes = iiif_cache.stored_page_sizes(request.app.state.settings, file)
    if page_id.page > len(sizes):
        raise ImageApiError(404, Message(
            "iiif.no_page", "{identifier}: the file has {count} page(s), no page {page}",
            identifier=identifier, count=len(sizes), page=page_id.page))
    width, height = sizes[page_id.page - 1]
    if width * height > MAX_PIXELS:  # refused before any rendering is attempted
        raise ImageApiError(400, Message(
            "iiif.too_many_pixels", "{identifier}: a page of {width}x{height} pixels is over "
            "the limit of {limit} pixels", identifier=identifier, width=width, height=height,
            limit=f"{MAX_PIXELS:,}"))
    return page_id, doc, file, (width, height)


def _etag(*parts: str) -> str:
    return '"' + hashlib.sha256("\n".join(parts).encode()).hexdigest()[:40] + '"'


def _not_modified(request: Request, etag: str) -> bool:
    return etag in [t.strip() for t in request.headers.get("if-none-match", "").split(",")]


def _cache(doc: Document, public: str) -> str:
    """Shared caches may keep what readers see, never a draft's pages (staff only)."""
    return STAFF_ONLY_CACHE if doc.unpublished else public


def _json(request: Request, data: dict, ld_type: str, etag: str, cache: str) -> Response:
    headers = {**CORS, "ETag": etag, "Cache-Control": cache, "Vary": "Accept"}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    accept = request.headers.get("accept", "")
    media = ld_type if "application/ld+json" in accept else "application/json"
    return JSONResponse(data, media_type=media, headers=headers)


def text_maps(key: str, **values: object) -> dict[str, str]:
    """An interface message in the six languages (a IIIF language map's source)."""
    return {code: translate(key, code, **values) for code in CODES}


def manifest_link(doc: Document) -> str | None:
    """For the document page: the manifest's path when the document has page images."""
    return f"/iiif/3/{doc.uid}/manifest.json" if iiif_manifest.has_page_images(doc) else None


templates.env.globals["iiif_manifest_link"] = manifest_link


@router.get("/iiif/3/{uid}/manifest.json", tags=["iiif"])
@router.head("/iiif/3/{uid}/manifest.json", include_in_schema=False)
def manifest(request: Request, uid: str) -> Response:
    """IIIF Presentation 3.0 manifest: the document's pages, one Range per language."""
    settings = request.app.state.settings
    try:
        doc = _document(request, uid)
        data = iiif_manifest.build_manifest(settings, doc, text_maps)
    except ImageApiError as exc:
        return _refusal(request, exc)
    if data is None:
        return _refusal(request, ImageApiError(
            404, f"document {doc.symbol} has no page images (no PDF or image file)"))
    etag = _etag("manifest", settings.base_url, doc.updated_at.isoformat(),
                 *sorted(f"{f.language}{f.format}{f.sha512}" for f in doc.files))
    return _json(request, data, LD_PRESENTATION, etag, _cache(doc, JSON_CACHE))


@router.get("/iiif/3/{identifier}", include_in_schema=False)
@router.head("/iiif/3/{identifier}", include_in_schema=False)
def base_uri(identifier: str) -> Response:
    return RedirectResponse(f"/iiif/3/{identifier}/info.json", status_code=303, headers=CORS)


@router.get("/iiif/3/{identifier}/info.json", tags=["iiif"])
@router.head("/iiif/3/{identifier}/info.json", include_in_schema=False)
def image_info(request: Request, identifier: str) -> Response:
    """IIIF Image API 3.0 image information for one page."""
    try:
        page_id, doc, file, (width, height) = _page(request, identifier)
    except ImageApiError as exc:
        return _refusal(request, exc)
    settings = request.app.state.settings
    data = iiif_request.info(iiif_manifest.service_url(settings.base_url, page_id), width, height)
    response = _json(request, data, LD_IMAGE,
                     _etag("info", settings.base_url, file.sha512, page_id.text),
                     _cache(doc, JSON_CACHE))
    response.headers["Link"] = f'<{iiif_request.PROFILE_URI}>;rel="profile"'
    return response


IMAGE_PATH = "/iiif/3/{identifier}/{region}/{size}/{rotation}/{quality_format}"


@router.get(IMAGE_PATH, tags=["iiif"])
@router.head(IMAGE_PATH, include_in_schema=False)
def image(request: Request, identifier: str, region: str, size: str, rotation: str,
          quality_format: str) -> Response:
    """IIIF Image API 3.0 image request: a region of a page, scaled, rotated, encoded."""
    settings = request.app.state.settings
    try:
        wanted = iiif_request.parse_request(region, size, rotation, quality_format)
        page_id, doc, file, (width, height) = _page(request, identifier)
        plan = iiif_request.plan(wanted, width, height, (region, size))
    except ImageApiError as exc:
        return _refusal(request, exc)
    service = iiif_manifest.service_url(settings.base_url, page_id)
    etag = _etag("image", file.sha512, page_id.text, plan.canonical)
    headers = {**CORS, "ETag": etag, "Cache-Control": _cache(doc, IMAGE_CACHE),
               "Link": f'<{iiif_request.PROFILE_URI}>;rel="profile", '
                       f'<{service}/{plan.canonical}>;rel="canonical"'}
    if _not_modified(request, etag):
        return Response(status_code=304, headers=headers)
    try:
        path = iiif_cache.stored_derivative(settings, file, page_id.page, plan)
        try:  # read now: the cache may prune the file before a streamed answer would finish
            body = path.read_bytes()
        except OSError:
            body = iiif_cache.stored_derivative(settings, file, page_id.page, plan).read_bytes()
    except ImageApiError as exc:
        return _refusal(request, exc)
    return Response(body, media_type=iiif_request.OUTPUT_FORMATS[plan.format][1],
                    headers=headers)
