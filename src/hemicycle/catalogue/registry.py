"""Every package's tables on the one shared metadata (for Alembic and schema tests).

A package with tables adds its models module to MODEL_MODULES; nothing else needs
to know it exists.
"""

from __future__ import annotations

import importlib

from sqlalchemy import MetaData

MODEL_MODULES: tuple[str, ...] = (
    "hemicycle.catalogue.models",
    "hemicycle.thesaurus.models",
    "hemicycle.proceedings.models",
    "hemicycle.interop.models",
    "hemicycle.subjects.models",
    "hemicycle.storage.models",
    "hemicycle.usage.models",
    "hemicycle.review.models",
    "hemicycle.documents.models",
    "hemicycle.knowledge.models",
)


def metadata() -> MetaData:
    from hemicycle.catalogue.models import Base

    for name in MODEL_MODULES:
        importlib.import_module(name)
    return Base.metadata
