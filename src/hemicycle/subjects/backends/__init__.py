"""Subject backends: one small module each, registered by name (Annif's shape).

Importing this package registers every backend whose dependencies import.
"""

from __future__ import annotations

from hemicycle.subjects.backends import (  # noqa: F401,E402  (registration)
    ensemble,
    headings,
    lexical,
    tfidf,
)
from hemicycle.subjects.backends.base import (
    REGISTRY,
    Backend,
    Suggestion,
    backend_class,
    register,
)

__all__ = ["REGISTRY", "Backend", "Suggestion", "backend_class", "register"]
