"""Importers of votes and speeches: one module per source, all run through ``run_import``."""
