"""The cataloguer in the loop: drafts (digitised scans) are reviewed, corrected,
published or rejected.

``hemicycle.review.actions`` holds the rules for changing a draft (one transaction per
action, history kept in ``extra["review"]``); ``hemicycle.review.queue`` lists the drafts
waiting, weakest extracted field first in mind. The web pages, the API and the
``hemicycle review`` command only translate requests into these calls.
"""

from hemicycle.review.actions import (
    FIELDS,
    DraftNotFound,
    InvalidField,
    NotADraft,
    PublishRefused,
    ReviewError,
    StaleDraft,
    SymbolTaken,
    draft_fields,
    publish,
    reject,
    update_draft,
    version_of,
)
from hemicycle.review.queue import (
    QueueEntry,
    QueuePage,
    confident_drafts,
    list_drafts,
    weakest_field,
)

__all__ = [
    "FIELDS", "DraftNotFound", "InvalidField", "NotADraft", "PublishRefused", "QueueEntry",
    "QueuePage",
    "ReviewError", "StaleDraft", "SymbolTaken", "confident_drafts", "draft_fields", "list_drafts",
    "publish",
    "reject", "update_draft", "version_of", "weakest_field",
]
