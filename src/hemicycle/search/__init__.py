"""Six-language full-text search over the catalogue (a Tantivy index derived from it).

``hemicycle.search.index`` builds and updates the index; ``hemicycle.search.query``
runs searches. The index can always be thrown away and rebuilt from the catalogue.
"""
