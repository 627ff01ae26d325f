"""Fixtures for the security tests: a small site (one published resolution, a cataloguer
and an administrator) on SQLite and PostgreSQL, served by the real app."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from security_helpers import BOSS, CAT, publish_one

from hemicycle.accounts import add_user
from hemicycle.config import Settings
from hemicycle.web.app import create_app


@pytest.fixture
def staffed(catalogue_settings, tmp_path) -> Settings:
    """SQLite or PostgreSQL settings with one document and two staff accounts."""
    publish_one(catalogue_settings, tmp_path)
    add_user(catalogue_settings.database_url, *CAT, "cataloguer")
    add_user(catalogue_settings.database_url, *BOSS, "admin")
    return catalogue_settings


@pytest.fixture
def site(staffed) -> TestClient:
    return TestClient(create_app(staffed))
