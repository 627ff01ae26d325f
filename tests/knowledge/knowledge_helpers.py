"""Small builders shared by the knowledge tests: documents in the catalogue, guide texts."""

from __future__ import annotations

from hemicycle.catalogue.db import session_scope
from hemicycle.documents import DocumentInput, VersionInput, save_document
from hemicycle.knowledge import guides
from hemicycle.knowledge.links import LinkChecker
from hemicycle.search.index import catch_up

EDITOR = "editor1"


def add_documents(settings) -> None:
    """Three real Security Council documents (titles as the DHL catalogues them)."""
    save_document(settings, DocumentInput(
        symbols=["S/RES/242 (1967)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 242 (1967) of 22 November 1967",
                                     text="The Security Council, expressing its continuing "
                                          "concern with the grave situation in the Middle "
                                          "East"),
                  "fr": VersionInput(title="Résolution 242 (1967) du 22 novembre 1967",
                                     text="Le Conseil de sécurité, exprimant l'inquiétude que "
                                          "continue de lui causer la grave situation au "
                                          "Moyen-Orient")}))
    save_document(settings, DocumentInput(
        symbols=["S/RES/2334 (2016)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 2334 (2016)",
                                     text="The Security Council, reaffirming its relevant "
                                          "resolutions, including resolutions 242 (1967)")}))
    save_document(settings, DocumentInput(
        symbols=["CEDAW/C/UZB/Q/5"], doc_type="report",
        versions={"en": VersionInput(title="List of issues and questions in relation to the "
                                           "fifth periodic report of Uzbekistan")}))
    catch_up(settings)  # writers never touch the index: it follows the change log


def checker(settings) -> LinkChecker:
    return LinkChecker(settings)


GUIDE_EN = """Security Council resolutions are numbered in one series since 1946.

## A resolution

```live documents
- S/RES/242 (1967)
```

## Searching

```live search
q: security council
limit: 3
```

See [resolution 242](/symbol/S/RES/242%20(1967)).
"""


def save_guide(settings, slug="sc-documents", lang="en", body=GUIDE_EN, title="Security Council",
               publish=True) -> None:
    with session_scope(settings.database_url) as db:
        guides.save_page(db, slug, lang, title=title, summary="How to find them", body=body,
                         who=EDITOR)
    if publish:
        with session_scope(settings.database_url) as db:
            guides.submit(db, slug, lang, EDITOR, checker=checker(settings))
        with session_scope(settings.database_url) as db:
            guides.publish(db, slug, lang, "reviewer", checker=checker(settings))
