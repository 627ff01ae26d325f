"""Usage of pages that are not documents: research guides, FAQ answers, other web pages.

They go through the same spool and counts as documents (COUNTER Data_Type Other): the
item is ``<type>:<path>`` (a document's item is its 32-hex uid, a search's ``q:<hash>``)
and the view ``page/<language>``, so the reports can say how often each guide or
answer was read, in which language and from where.
"""

from __future__ import annotations

import hashlib
import re

from hemicycle.languages import BY_CODE

# the kinds of page counted; a new kind is a new line here (and in i18n usage.page.*)
PAGE_TYPES: tuple[str, ...] = ("guide", "faq", "page")
PAGE_DATA_TYPE = "Other"
ITEM_LIMIT = 64
_PAGE_ITEM = re.compile(r"([a-z]+):(/.*)")


def page_item(page_type: str, path: str) -> str:
    """The item a page is counted under; a path too long for the item column is cut and
    made unique again with a short hash of the whole path."""
    if page_type not in PAGE_TYPES:
        raise ValueError(f"page type {page_type!r}: expected one of {', '.join(PAGE_TYPES)}")
    if not path.startswith("/"):
        raise ValueError(f"page path {path!r}: expected the page's path, from /")
    item = f"{page_type}:{path}"
    if len(item) > ITEM_LIMIT:
        digest = hashlib.blake2b(path.encode(), digest_size=6).hexdigest()
        item = f"{item[:ITEM_LIMIT - 13]}~{digest}"
    return item


def page_of(item: str) -> tuple[str, str] | None:
    """(type, path) of a page item; None for a document or a search."""
    match = _PAGE_ITEM.fullmatch(item)
    if match and match[1] in PAGE_TYPES:
        return match[1], match[2]
    return None


def page_view(language: str) -> str:
    return f"page/{language}" if language in BY_CODE else "page"


def view_language(view: str) -> str:
    """The language version a view used (``files/fr/pdf``, ``api/text/en``,
    ``page/ar``); "" when it used none (a document's page or record)."""
    for part in view.split("/"):
        if part in BY_CODE:
            return part
    return ""
