"""Sessions end when they must: sign-out, a new password, a new role or a removed account
end every session of that user at once, on every device (real cookies, the real app)."""

from __future__ import annotations

import httpx
import pytest
from fastapi.testclient import TestClient
from security_helpers import BOSS, CAT, publish_one, sign_in, signed_in
from typer.testing import CliRunner

from hemicycle.accounts import add_user
from hemicycle.cli import app as cli_app
from hemicycle.web.app import create_app


def _devices(settings, n: int = 2) -> list[TestClient]:
    """``n`` browsers signed in as the cataloguer (each its own cookie)."""
    app = create_app(settings)
    clients = [TestClient(app) for _ in range(n)]
    for client in clients:
        sign_in(client, *CAT)
        assert signed_in(client)
    return clients


def _copy(cookies_from: TestClient, app) -> TestClient:
    """A thief's browser holding a copy of the victim's cookie."""
    thief = TestClient(app)
    for name, value in cookies_from.cookies.items():
        thief.cookies.set(name, value)
    return thief


def test_sign_out_ends_every_session_of_the_user(staffed) -> None:
    phone, laptop = _devices(staffed)
    stolen = _copy(laptop, laptop.app)
    assert signed_in(stolen)
    token = laptop.cookies.get("hemicycle_session")
    reply = phone.post("/signout", data={"csrf": _token(phone)}, follow_redirects=False)
    assert reply.status_code == 303
    assert not signed_in(phone) and not signed_in(laptop) and not signed_in(stolen)
    replay = TestClient(laptop.app)
    replay.cookies.set("hemicycle_session", token)
    assert not signed_in(replay)
    # the other account is untouched, and signing in again works
    boss = TestClient(laptop.app)
    sign_in(boss, *BOSS)
    sign_in(laptop, *CAT)
    assert signed_in(laptop) and signed_in(boss) and not signed_in(stolen)


def _token(client: TestClient) -> str:
    from security_helpers import form_token

    return form_token(client.get("/?ui=en").text)


@pytest.mark.parametrize("command", [
    ["user", "password", "cat", "--password", "another-password"],
    ["user", "role", "cat", "admin"],
    ["user", "remove", "cat"],
    ["user", "signout", "cat"],
    ["user", "add", "cat", "--role", "cataloguer", "--password", "reset-password"],
])
def test_account_changes_end_sessions_at_once(staffed, command) -> None:
    phone, laptop = _devices(staffed)
    boss = TestClient(phone.app)
    sign_in(boss, *BOSS)
    result = CliRunner().invoke(cli_app, command)
    assert result.exit_code == 0, result.output
    assert not signed_in(phone) and not signed_in(laptop)
    assert signed_in(boss)


def test_unknown_user_commands_fail_clearly(staffed) -> None:
    runner = CliRunner()
    for command in (["user", "remove", "nobody"], ["user", "role", "nobody", "admin"],
                    ["user", "password", "nobody", "--password", "long-enough"],
                    ["user", "signout", "nobody"]):
        result = runner.invoke(cli_app, command)
        assert result.exit_code == 1 and "no user called 'nobody'" in result.output, command
    result = runner.invoke(cli_app, ["user", "role", "cat", "emperor"])
    assert result.exit_code == 1 and "unknown role" in result.output


def test_the_role_is_the_one_in_the_catalogue_not_in_the_cookie(staffed) -> None:
    (client,) = _devices(staffed, 1)
    assert client.get("/usage", follow_redirects=False).status_code == 403
    add_user(staffed.database_url, *CAT, "admin")  # a reset by another administrator
    assert client.get("/usage", follow_redirects=False).status_code in (303, 401)


def test_real_server_cookies(live_server, tmp_path) -> None:
    """Over HTTP with uvicorn: the cookie a browser keeps after signing out is dead."""
    publish_one(live_server, tmp_path)
    add_user(live_server.database_url, *CAT, "cataloguer")
    with httpx.Client(base_url=live_server.base_url) as browser:
        sign_in(browser, *CAT)
        assert signed_in(browser)
        kept = dict(browser.cookies)
        browser.post("/signout", data={"csrf": _token(browser)})
        assert not signed_in(browser)
    with httpx.Client(base_url=live_server.base_url, cookies=kept) as replay:
        assert not signed_in(replay)
