"""What the security tests share: a small site's content, staff accounts, signing in."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager

from hemicycle.config import Settings
from hemicycle.documents import DocumentInput, FileInput, VersionInput, save_document
from hemicycle.search.index import catch_up

TEXT = "The Security Council, recalling its previous resolutions on the situation, " * 20
CAT = ("cat", "cataloguer-pw")
BOSS = ("boss", "administrator-pw")


def publish_one(settings: Settings, tmp_path) -> str:
    """One published resolution with an English text file, searchable; its uid."""
    path = tmp_path / "res-en.txt"
    path.write_text(TEXT, encoding="utf-8")
    uid = save_document(settings, DocumentInput(
        symbols=["S/RES/2334 (2016)"], doc_type="resolution",
        versions={"en": VersionInput(title="Resolution 2334 (2016)", text=TEXT)},
        files=[FileInput("en", "txt", path)],
    )).uid
    catch_up(settings)
    return uid


def form_token(html: str) -> str:
    return re.search(r'name="csrf" value="([^"]+)"', html).group(1)


def sign_in(client, name: str, password: str) -> None:
    """Through the sign-in form, as a browser does (the client keeps the cookie)."""
    token = form_token(client.get("/signin").text)
    reply = client.post("/signin", data={"name": name, "password": password, "csrf": token},
                        follow_redirects=False)
    assert reply.status_code == 303, reply.text


def signed_in(client) -> bool:
    """Whether the client's cookie opens a staff page (the review queue)."""
    reply = client.get("/review", follow_redirects=False)
    assert reply.status_code in (200, 303), reply.status_code
    return reply.status_code == 200


@contextmanager
def running(settings: Settings) -> Iterator[str]:
    """The real app under uvicorn on a free loopback port, with these settings (limits
    and all); yields its base URL."""
    from hemicycle.web.app import create_app
    from served import free_port, serving

    port = free_port()
    with serving(create_app(settings), port, proxy_headers=False):
        yield f"http://127.0.0.1:{port}"
