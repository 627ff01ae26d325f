"""Sitemaps (sitemaps.org 0.9) of the published documents, for search engines.

Up to PAGE_SIZE documents: one ``urlset``. More: a ``sitemapindex`` whose pages are
id ranges (page n holds ids n*PAGE_SIZE+1 .. (n+1)*PAGE_SIZE), so any page is one
index range scan, and only ranges that hold documents are listed.
"""

from __future__ import annotations

from lxml import etree
from sqlalchemy import func, select

from hemicycle.catalogue.db import session_scope
from hemicycle.catalogue.models import Document
from hemicycle.config import Settings

SITEMAP_NS = "http://www.sitemaps.org/schemas/sitemap/0.9"
PAGE_SIZE = 50_000  # the protocol's limit per file


class NoSuchPage(LookupError):
    pass


def _published():
    return Document.status == "published"


def _base(settings: Settings) -> str:
    return settings.base_url.rstrip("/")


def sitemap(settings: Settings) -> bytes:
    """``/sitemap.xml``: the urlset itself when small, else the index of pages."""
    with session_scope(settings.database_url) as db:
        total = db.scalar(select(func.count()).select_from(Document).where(_published())) or 0
        if total <= PAGE_SIZE:
            return _urlset(settings, db, None)
        bucket = (Document.id - 1) // PAGE_SIZE
        rows = db.execute(select(bucket.label("page"), func.max(Document.updated_at))
                          .where(_published()).group_by("page").order_by("page")).all()
    root = etree.Element(f"{{{SITEMAP_NS}}}sitemapindex", nsmap={None: SITEMAP_NS})
    for page, lastmod in rows:
        entry = etree.SubElement(root, f"{{{SITEMAP_NS}}}sitemap")
        etree.SubElement(entry, f"{{{SITEMAP_NS}}}loc").text = (
            f"{_base(settings)}/sitemap-{int(page) + 1}.xml")
        etree.SubElement(entry, f"{{{SITEMAP_NS}}}lastmod").text = lastmod.strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def sitemap_page(settings: Settings, page: int) -> bytes:
    """``/sitemap-<page>.xml``: the documents of one id range; NoSuchPage if it holds none."""
    if page < 1:
        raise NoSuchPage(f"sitemap pages start at 1, not {page}")
    with session_scope(settings.database_url) as db:
        return _urlset(settings, db, page)


def _urlset(settings: Settings, db, page: int | None) -> bytes:
    query = select(Document.uid, Document.updated_at).where(_published()).order_by(Document.id)
    if page is not None:
        query = query.where(Document.id > (page - 1) * PAGE_SIZE, Document.id <= page * PAGE_SIZE)
    rows = db.execute(query).all()
    if page is not None and not rows:
        raise NoSuchPage(f"sitemap page {page} holds no documents")
    root = etree.Element(f"{{{SITEMAP_NS}}}urlset", nsmap={None: SITEMAP_NS})
    for uid, updated in rows:
        url = etree.SubElement(root, f"{{{SITEMAP_NS}}}url")
        etree.SubElement(url, f"{{{SITEMAP_NS}}}loc").text = f"{_base(settings)}/documents/{uid}"
        etree.SubElement(url, f"{{{SITEMAP_NS}}}lastmod").text = updated.strftime(
            "%Y-%m-%dT%H:%M:%SZ")
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
