"""Drafts as ``hemicycle digitise`` writes them (status draft, ``extra["extraction"]`` with a
value and confidence per field, ``extra["ocr"]``), saved through the real ingest code."""

from __future__ import annotations

import datetime as dt
import re

from fastapi.testclient import TestClient
from sqlalchemy import select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.catalogue.queries import document_by_uid
from hemicycle.documents import DocumentInput, VersionInput, save_document

CAT, CAT_PW = "cat", "cataloguer-pw"


def make_draft(settings, symbols: list[str] | None, *, confidence: float = 0.9,
               title: str = "REPORT OF THE SECRETARY-GENERAL", language: str = "en",
               date: str | None = "2015-05-12", batch: str = "batch-1",
               text: str = "Report of the Secretary-General on the situation.",
               identifier: str | None = None, weakest: tuple[str, float] | None = None) -> str:
    """A draft like digitise saves it; ``weakest`` lowers one field's confidence."""
    extraction = {"language": {"value": language, "confidence": 0.99}}
    if symbols:
        extraction["symbols"] = {"value": symbols, "confidence": confidence}
    if date:
        extraction["date"] = {"value": date, "confidence": confidence}
    if title:
        extraction["title"] = {"value": title, "confidence": confidence}
    if weakest:
        extraction[weakest[0]]["confidence"] = weakest[1]
    ocr = {"engine": "tesseract", "batch": batch, "source_file": "scan.png",
           "confidence": 91.5, "pages": [{"page": 1, "confidence": 91.5}], "review": True}
    result = save_document(settings, DocumentInput(
        symbols=symbols or [], identifier=identifier or (None if symbols else "scan-0f3a9c"),
        publication_date=dt.date.fromisoformat(date) if date else None, status="draft",
        source="digitise",
        extra={"extraction": extraction, "ocr": ocr},
        versions={language: VersionInput(title=title, text=text, text_source="ocr")}))
    return result.uid


def load(settings, uid: str) -> Document:
    with session_scope(settings.database_url) as db:
        doc = document_by_uid(db, uid)
        db.expunge_all()
    return doc


def statuses(settings) -> dict[str, str]:
    with session_scope(settings.database_url) as db:
        return dict(db.execute(select(Document.symbol, Document.status)).all())


def form_token(html: str, name: str = "csrf") -> str:
    return re.search(rf'name="{name}" value="([^"]+)"', html).group(1)


def sign_in(client: TestClient, name: str = CAT, password: str = CAT_PW) -> None:
    token = form_token(client.get("/signin").text)
    reply = client.post("/signin", data={"name": name, "password": password, "csrf": token},
                        follow_redirects=False)
    assert reply.status_code == 303
