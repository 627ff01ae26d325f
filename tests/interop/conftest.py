"""Fixtures for the interop tests: schemas (offline) and a live uvicorn server."""

from __future__ import annotations

import socket
import threading
import time

import pytest
from interop_helpers import load_schema
from lxml import etree

from hemicycle.config import Settings


@pytest.fixture(scope="session")
def oai_schema() -> etree.XMLSchema:
    return load_schema("oai-pmh-with-metadata.xsd")


@pytest.fixture(scope="session")
def marc_schema() -> etree.XMLSchema:
    return load_schema("MARC21slim.xsd")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live_server(settings: Settings):
    """A real uvicorn server for ``settings`` on a free loopback port; yields its base URL."""
    import dataclasses

    import uvicorn

    from hemicycle.web.app import create_app

    port = _free_port()
    base = f"http://127.0.0.1:{port}"
    live = dataclasses.replace(settings, base_url=base)
    server = uvicorn.Server(uvicorn.Config(create_app(live), host="127.0.0.1", port=port,
                                           log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("uvicorn did not start")
        time.sleep(0.05)
    yield live
    server.should_exit = True
    thread.join(timeout=10)
