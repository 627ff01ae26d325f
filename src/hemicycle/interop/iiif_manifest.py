"""IIIF Presentation API 3.0: one manifest per document, its pages in every language.

One manifest per document, not a collection of per-language manifests: a document is
one citable thing with one symbol, and its language versions are parts of it. The
canvases of each language follow one another and ``structures`` holds one Range per
language, labelled in the six languages, so a viewer's table of contents switches
language. The Arabic range is ``right-to-left``; a document whose only pages are
Arabic is ``right-to-left`` as a whole.

Interface text comes in through ``text(key, **values) -> {language: text}`` so that this
module does not depend on the web layer.
"""

from __future__ import annotations

from collections.abc import Callable
from urllib.parse import quote

from hemicycle.catalogue.models import Document, File
from hemicycle.config import Settings
from hemicycle.describe.precision import date_of
from hemicycle.interop.iiif_image import cache as iiif_cache
from hemicycle.interop.iiif_image import render as iiif_render
from hemicycle.interop.iiif_image import request as iiif_request
from hemicycle.languages import CODES, direction

PRESENTATION_CONTEXT = "http://iiif.io/api/presentation/3/context.json"
# which file of a language version shows its pages: the scan's own pixels first
PAGE_FILE_ORDER = ("tiff", "png", "jpeg", "pdf", "pdfa")
Text = Callable[..., dict[str, str]]
HOCR_PROFILE = "http://kba.github.io/hocr-spec/1.2/"


def page_files(document: Document) -> dict[str, File]:
    """The file whose pages stand for each language version (languages in UN order)."""
    chosen: dict[str, File] = {}
    for code in CODES:
        files = {f.format: f for f in document.files if f.language == code}
        fmt = next((fmt for fmt in PAGE_FILE_ORDER if fmt in files), None)
        if fmt:
            chosen[code] = files[fmt]
    return chosen


def has_page_images(document: Document) -> bool:
    return any(f.format in iiif_render.PAGE_FORMATS for f in document.files)


def manifest_url(base_url: str, uid: str) -> str:
    return f"{base_url.rstrip('/')}/iiif/3/{uid}/manifest.json"


def service_url(base_url: str, page_id: iiif_request.PageId) -> str:
    return f"{base_url.rstrip('/')}/iiif/3/{page_id.text}"


def _map(texts: dict[str, str]) -> dict[str, list[str]]:
    return {code: [texts[code]] for code in CODES if texts.get(code)}


def _value(value: str) -> dict[str, list[str]]:
    return {"none": [value]}


def _metadata(document: Document, text: Text) -> list[dict]:
    rows = [("iiif.symbol", " · ".join(s.symbol for s in document.symbols) or document.symbol)]
    date = date_of(document) or (document.action_date.isoformat()
                                  if document.action_date else None)
    if date:
        rows.append(("iiif.date", date))
    if document.body:
        rows.append(("iiif.body", document.body))
    if document.doc_type:
        rows.append(("iiif.type", document.doc_type))
    if document.distribution:
        rows.append(("iiif.distribution", document.distribution))
    rows.append(("iiif.languages", ", ".join(document.languages) or "-"))
    return [{"label": _map(text(key)), "value": _value(value)} for key, value in rows]


def _canvas(base: str, document: Document, file: File, page: int, size: tuple[int, int],
            text: Text) -> dict:
    root = f"{base}/iiif/3/{document.uid}"
    page_id = iiif_request.PageId(document.uid, file.language, file.format, page)
    service = service_url(base, page_id)
    canvas_id = f"{root}/canvas/{file.language}/p{page}"
    width, height = size
    full_w, full_h = iiif_request.max_size(width, height)
    return {
        "id": canvas_id,
        "type": "Canvas",
        "label": _map(text("iiif.page", page=page)),
        "width": width,
        "height": height,
        "items": [{
            "id": f"{root}/page/{file.language}/p{page}",
            "type": "AnnotationPage",
            "items": [{
                "id": f"{root}/annotation/{file.language}/p{page}",
                "type": "Annotation",
                "motivation": "painting",
                "target": canvas_id,
                "body": {
                    "id": f"{service}/full/max/0/default.jpg",
                    "type": "Image",
                    "format": "image/jpeg",
                    "width": full_w,
                    "height": full_h,
                    "service": [{"id": service, "type": "ImageService3",
                                 "profile": iiif_request.PROFILE}],
                },
            }],
        }],
    }


def build_manifest(settings: Settings, document: Document, text: Text) -> dict | None:
    """The manifest of ``document``, or None when it has no page images."""
    base = settings.base_url.rstrip("/")
    chosen = page_files(document)
    if not chosen:
        return None
    root = f"{base}/iiif/3/{document.uid}"
    items: list[dict] = []
    ranges: list[dict] = []
    for code, file in chosen.items():
        sizes = iiif_cache.stored_page_sizes(settings, file)
        canvases = [_canvas(base, document, file, n, size, text)
                    for n, size in enumerate(sizes, start=1)]
        items.extend(canvases)
        rng = {"id": f"{root}/range/{code}", "type": "Range",
               "label": _map(text(f"iiif.language.{code}")),
               "items": [{"id": c["id"], "type": "Canvas"} for c in canvases]}
        if direction(code) == "rtl":
            rng["viewingDirection"] = "right-to-left"
        ranges.append(rng)
    titles = {v.language: f"{document.symbol}: {v.title}" if v.title else document.symbol
              for v in document.versions}
    symbol = document.symbol
    manifest: dict = {
        "@context": PRESENTATION_CONTEXT,
        "id": manifest_url(base, document.uid),
        "type": "Manifest",
        "label": _map(titles) or _value(symbol),
        "metadata": _metadata(document, text),
        "summary": _map(text("iiif.summary", symbol=symbol)),
        "homepage": [{"id": f"{base}/documents/{document.uid}", "type": "Text",
                      "label": _map(text("iiif.homepage")), "format": "text/html"}],
        "rendering": [
            {"id": f"{base}/documents/{document.uid}/files/{f.language}/{f.format}",
             "type": "Text", "label": _map(text("iiif.rendering")),
             "format": "application/pdf", "language": [f.language]}
            for code in CODES for f in document.files
            if f.language == code and f.media_type == "application/pdf"] + [
            # a digitised scan's OCR text, plain and with word positions
            {"id": f"{base}/documents/{document.uid}/files/{f.language}/{f.format}",
             "type": "Text", "label": _map(text("iiif.ocr_text")), "format": "text/plain",
             "language": [f.language]}
            for code in CODES for f in document.files
            if f.language == code and f.format == "txt" and _digitised(document)],
        "seeAlso": _see_also(settings, document, text) + [
            {"id": f"{base}/documents/{document.uid}/files/{f.language}/{f.format}",
             "type": "Dataset", "format": "text/vnd.hocr+html",
             "label": _map(text("iiif.hocr")), "profile": HOCR_PROFILE}
            for code in CODES for f in document.files
            if f.language == code and f.format == "hocr"],
        "items": items,
        "structures": ranges,
    }
    if list(chosen) == ["ar"]:
        manifest["viewingDirection"] = "right-to-left"
    return manifest


def _digitised(document: Document) -> bool:
    """Whether the record's text was read from its page images (its "txt" is OCR)."""
    return any(v.text_source == "ocr" for v in document.versions)


def _see_also(settings: Settings, document: Document, text: Text) -> list[dict]:
    """The record's metadata in MARCXML and Dublin Core, through OAI-PMH GetRecord."""
    from hemicycle.interop.oai import oai_identifier

    base = settings.base_url.rstrip("/")
    identifier = quote(oai_identifier(settings, document.uid), safe="")
    return [
        {"id": f"{base}/oai?verb=GetRecord&metadataPrefix=marcxml&identifier={identifier}",
         "type": "Dataset", "format": "text/xml", "label": _map(text("iiif.marcxml")),
         "profile": "http://www.loc.gov/standards/marcxml/schema/MARC21slim.xsd"},
        {"id": f"{base}/oai?verb=GetRecord&metadataPrefix=oai_dc&identifier={identifier}",
         "type": "Dataset", "format": "text/xml", "label": _map(text("iiif.oai_dc")),
         "profile": "http://www.openarchives.org/OAI/2.0/oai_dc.xsd"},
    ]
