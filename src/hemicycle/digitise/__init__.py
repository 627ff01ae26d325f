"""Digitisation: scans in, preserved, searchable, described draft records out.

A scan is split into pages; each page is one independent task (orientation,
deskew, OCR with every output in one Tesseract run) so that a local process
pool or a Dask cluster can run them; the job table makes a batch resumable;
when a document's pages are all done, its outputs are assembled (PDF/A, text,
hOCR) and it enters the catalogue as a draft for review.
"""
