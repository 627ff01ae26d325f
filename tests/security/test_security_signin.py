"""Password spraying: failed sign-ins are limited per account across addresses and per
address across accounts (form and HTTP Basic alike), and X-Forwarded-For is believed
only from the proxies named in ``trusted_proxies`` (by the app and by ``hemicycle serve``)."""

from __future__ import annotations

import base64
import dataclasses
import os
import subprocess
import sys
import time

import httpx
from fastapi.testclient import TestClient
from security_helpers import BOSS, CAT, form_token, running

from hemicycle.web.app import create_app


def _tight(settings):
    return dataclasses.replace(settings, signin_failures_per_account=4,
                               signin_failures_per_address=3)


def _form_signin(app, address: str, name: str, password: str) -> int:
    client = TestClient(app, client=(address, 40000))
    token = form_token(client.get("/signin").text)
    return client.post("/signin", data={"name": name, "password": password, "csrf": token},
                       follow_redirects=False).status_code


def test_one_account_from_many_addresses(staffed) -> None:
    app = create_app(_tight(staffed))
    codes = [_form_signin(app, f"198.51.100.{i}", "boss", "guess") for i in range(1, 6)]
    assert codes == [401, 401, 401, 401, 429]
    # blocked for everyone, the right password included; other accounts are not
    assert _form_signin(app, "198.51.100.77", *BOSS) == 429
    assert TestClient(app, client=("198.51.100.78", 1)).get(
        "/api/documents/x", auth=BOSS).status_code == 429
    assert _form_signin(app, "198.51.100.79", *CAT) == 303


def test_one_address_trying_many_accounts(staffed) -> None:
    app = create_app(_tight(staffed))
    codes = [_form_signin(app, "203.0.113.9", name, "guess")
             for name in ("admin", "root", "librarian", "boss")]
    assert codes == [401, 401, 401, 429]
    assert _form_signin(app, "203.0.113.9", *CAT) == 429
    basic = TestClient(app, client=("203.0.113.9", 2))
    assert basic.get("/api/documents/x", auth=CAT).status_code == 429
    assert _form_signin(app, "203.0.113.10", *CAT) == 303  # another address is not


def test_limits_in_hemicycle_toml(data_dir) -> None:
    from hemicycle.config import load_settings

    (data_dir / "hemicycle.toml").write_text(
        '[hemicycle]\nsignin_failures_per_account = 7\nsignin_failures_per_address = 9\n'
        'trusted_proxies = ["10.0.0.0/8", "::1"]\n', encoding="utf-8")
    settings = load_settings(data_dir)
    assert settings.signin_failures_per_account == 7
    assert settings.signin_failures_per_address == 9
    assert settings.trusted_proxies == ("10.0.0.0/8", "::1")


def _basic(name: str, password: str) -> dict:
    raw = base64.b64encode(f"{name}:{password}".encode()).decode()
    return {"Authorization": f"Basic {raw}"}


def _spray(base_url: str, forwarded: bool) -> list[int]:
    """Wrong passwords for many accounts, each from a different X-Forwarded-For."""
    codes = []
    with httpx.Client(base_url=base_url) as client:
        for i in range(8):
            headers = _basic(f"user{i}", "guess")
            if forwarded:
                headers["X-Forwarded-For"] = f"192.0.2.{i + 1}"
            codes.append(client.get("/api/documents/x", headers=headers).status_code)
    return codes


def test_hemicycle_serve_ignores_forwarded_for_from_untrusted_peers(staffed, tmp_path) -> None:
    """The real command: uvicorn must not rewrite the client address on its own."""
    (staffed.data_dir / "hemicycle.toml").write_text(
        "[hemicycle]\nsignin_failures_per_address = 3\n", encoding="utf-8")
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    env = {**os.environ, "HEMICYCLE_DATA": str(staffed.data_dir)}
    server = subprocess.Popen([sys.executable, "-c", "from hemicycle.cli import main; main()",
                               "serve", "--port", str(port)], env=env, stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(base + "/robots.txt", timeout=2)
                break
            except httpx.TransportError:
                assert time.monotonic() < deadline and server.poll() is None, "no server"
                time.sleep(0.2)
        assert _spray(base, forwarded=True) == [401, 401, 401] + [429] * 5
    finally:
        server.terminate()
        server.wait(timeout=30)


def test_trusted_proxy_passes_the_client_address(staffed) -> None:
    settings = dataclasses.replace(staffed, signin_failures_per_address=3,
                                   signin_failures_per_account=100,
                                   trusted_proxies=("127.0.0.1",))
    with running(settings) as base:
        assert _spray(base, forwarded=True) == [401] * 8  # each its own address
        assert _spray(base, forwarded=False) == [401, 401, 401] + [429] * 5
