"""Fixtures for the interop tests: the XML schemas, offline."""

from __future__ import annotations

import pytest
from interop_helpers import load_schema
from lxml import etree


@pytest.fixture(scope="session")
def oai_schema() -> etree.XMLSchema:
    return load_schema("oai-pmh-with-metadata.xsd")


@pytest.fixture(scope="session")
def marc_schema() -> etree.XMLSchema:
    return load_schema("MARC21slim.xsd")
