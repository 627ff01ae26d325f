"""Describing a document from what it says about itself: the one place that reads
metadata out of a record's text, symbol and manifest.

Every way in (manifest ingest, MARC import, digitisation) hands its record here before
it is saved (through ``hemicycle.documents.describe_input``): the date it was adopted or
issued, its meeting and agenda item, its title, type, body and period (a Security
Council year, a General Assembly or ECOSOC session) are read from the symbol (through
``hemicycle.symbols``), from the text's own words in the six languages, and from what
the manifest or MARC record states. Each field says where it came from and how sure it
is; what looks wrong (a date no UN document can have, a symbol the text contradicts, a
scan without text) becomes a finding, never a silent guess. Nothing here touches the
catalogue: it is text in, description out.
"""

from hemicycle.describe.fields import (
    REVIEW_BELOW,
    SOURCES,
    Description,
    Field,
    Finding,
)
from hemicycle.describe.paragraphs import paragraphs
from hemicycle.describe.periods import Period, period_of
from hemicycle.describe.record import Given, describe
from hemicycle.describe.titles import is_sentence

__all__ = ["REVIEW_BELOW", "SOURCES", "Description", "Field", "Finding", "Given", "Period",
           "describe", "is_sentence", "paragraphs", "period_of"]
