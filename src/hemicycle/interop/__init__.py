"""Sharing the catalogue with other systems: OAI-PMH, MARC21, Dublin Core, JSON-LD,
sitemaps and Atom feeds. Each module speaks one standard; none of them writes the
catalogue except the MARC importer, which goes through ``hemicycle.documents``."""
