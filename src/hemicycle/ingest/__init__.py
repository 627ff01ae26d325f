"""Ingest: getting documents into Hemicycle (bytes to storage, then records to the catalogue)."""
