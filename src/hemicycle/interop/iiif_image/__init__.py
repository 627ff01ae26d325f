"""IIIF Image API 3.0 for document pages: ``request`` (identifiers, request syntax, what a
request means for an image, info.json), ``render`` (page pixels and derivatives) and
``cache`` (a bounded disk cache of both, and the stored files it serves)."""
