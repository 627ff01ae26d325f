"""Fixtures of the interface tests (the site itself is built in ui_site.py)."""

from __future__ import annotations

from ui_site import site  # noqa: F401  (a module-scoped fixture)
