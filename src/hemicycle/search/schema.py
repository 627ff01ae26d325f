"""The fields of the search index: one index document per catalogue document.

Each language has its own title and text fields, analysed with that language's
analyzer; metadata are exact keywords (fast, for facets and filters). What a result
page shows is kept in one stored JSON ``payload``, so a hit costs one read.
"""

from __future__ import annotations

import tantivy

from hemicycle.languages import CODES
from hemicycle.search.analysis import FOLDED, KEYWORD, analyzer_name

# what the index holds changed: a new number makes ``hemicycle migrate`` rebuild older ones
# (4: terms folded by hemicycle.languages: English accents, full-width forms; 5: ``sample``;
#  6: a record without a type or body is indexed as "unknown")
SCHEMA_VERSION = 6

# name a query may use -> what it means (see hemicycle.search.querylang)
FACETS: tuple[str, ...] = ("body", "year", "session", "type", "language", "subject")
KEYWORD_FIELDS: tuple[str, ...] = ("body", "session", "type", "language", "subject")
LANGUAGE_SET = "language_set"
# every document falls in one of SAMPLE_BUCKETS buckets, drawn from its id: the first few
# buckets are a fixed random sample of the index on which big result sets are counted
SAMPLE = "sample"
SAMPLE_BUCKETS = 64


def sample_bucket(doc_id: int) -> int:
    """The bucket of a document (Knuth's multiplicative hash: consecutive ids spread)."""
    return (doc_id * 2654435761 & 0xFFFFFFFF) * SAMPLE_BUCKETS >> 32


def language_set(languages: list[str]) -> int:
    return sum(1 << CODES.index(code) for code in languages)


def languages_of_set(value: int) -> list[str]:
    return [code for i, code in enumerate(CODES) if value >> i & 1]


def title_field(lang: str) -> str:
    return f"title_{lang}"


def text_field(lang: str) -> str:
    return f"text_{lang}"


def stored_text_field(lang: str) -> str:
    """The text as written (for snippets), UTF-8, kept apart from the JSON payload."""
    return f"stored_text_{lang}"


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_integer_field("doc_id", indexed=True, fast=True)
    builder.add_bytes_field("payload", stored=True)
    for lang in CODES:
        builder.add_bytes_field(stored_text_field(lang), stored=True)
        builder.add_text_field(title_field(lang), tokenizer_name=analyzer_name(lang))
        builder.add_text_field(text_field(lang), tokenizer_name=analyzer_name(lang))
    builder.add_text_field("symbol", tokenizer_name=KEYWORD, index_option="basic")
    builder.add_text_field("symbol_text", tokenizer_name=FOLDED)
    builder.add_text_field("subject_text", tokenizer_name=FOLDED)
    for name in KEYWORD_FIELDS:
        builder.add_text_field(name, tokenizer_name=KEYWORD, fast=True, index_option="basic")
    # the document's languages again, as one number (bit i: CODES[i]): the language facet
    # counts these few combinations instead of reading a list per document
    builder.add_integer_field(LANGUAGE_SET, fast=True)
    builder.add_integer_field(SAMPLE, indexed=True)
    builder.add_integer_field("year", indexed=True, fast=True)
    builder.add_integer_field("date", indexed=True, fast=True)  # YYYYMMDD, for date order
    return builder.build()
