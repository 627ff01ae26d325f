"""Request bodies have limits per endpoint, enforced while reading: a body announced or
sent past its limit is answered 413 at once (the rest is never read), and an upload from
someone who may not upload is answered 401 before its body is read. Over real HTTP."""

from __future__ import annotations

import base64
import dataclasses
import socket

from security_helpers import CAT, running

from hemicycle.accounts import add_user
from hemicycle.config import load_settings

MB = 1024 * 1024


def _exchange(base_url: str, head: str, body: bytes = b"") -> tuple[int, bytes]:
    """Send a request head (and the start of a body), never the rest; the status line
    and what came back. A server that waited for the whole body would never answer."""
    host, port = base_url.removeprefix("http://").split(":")
    with socket.create_connection((host, int(port)), timeout=30) as sock:
        sock.sendall(head.encode() + body)
        reply = b""
        while b"\r\n\r\n" not in reply:
            chunk = sock.recv(65536)
            if not chunk:
                break
            reply += chunk
    return int(reply.split(b" ", 2)[1]), reply


def _head(method: str, path: str, **headers: str) -> str:
    lines = [f"{method} {path} HTTP/1.1", "Host: 127.0.0.1", "Connection: close"]
    lines += [f"{k.replace('_', '-')}: {v}" for k, v in headers.items()]
    return "\r\n".join(lines) + "\r\n\r\n"


def _basic(name: str, password: str) -> str:
    return "Basic " + base64.b64encode(f"{name}:{password}".encode()).decode()


def test_announced_bodies_over_the_limit_get_413_at_once(settings) -> None:
    add_user(settings.database_url, *CAT, "cataloguer")
    small = dataclasses.replace(settings, max_upload_bytes=64 * 1024)
    with running(small) as base:
        status, _ = _exchange(base, _head("POST", "/api/thesaurus/sparql",
                                          Content_Type="application/sparql-query",
                                          Content_Length=str(100 * MB)), b"SELECT")
        assert status == 413
        status, reply = _exchange(base, _head(
            "POST", "/api/documents", Content_Type="multipart/form-data; boundary=x",
            Content_Length=str(MB), Authorization=_basic(*CAT)), b"--x\r\n")
        assert status == 413 and b"application/json" in reply
        status, _ = _exchange(base, _head("POST", "/signin",
                                          Content_Type="application/x-www-form-urlencoded",
                                          Content_Length=str(50 * MB)), b"name=a")
        assert status == 413


def test_uploads_from_strangers_get_401_before_the_body(settings) -> None:
    add_user(settings.database_url, *CAT, "cataloguer")
    with running(settings) as base:
        for path in ("/api/documents", "/api/subjects/unbis/eval", "/api/subjects/unbis/train",
                     "/api/subjects/unbis/vocabulary"):
            for auth in ({}, {"Authorization": _basic("cat", "wrong-password")}):
                status, _ = _exchange(base, _head(
                    "POST", path, Content_Type="multipart/form-data; boundary=x",
                    Content_Length=str(50 * MB), **auth), b"--x\r\n")
                assert status == 401, (path, auth, status)


def test_streamed_bodies_are_cut_at_the_limit(settings) -> None:
    tight = dataclasses.replace(settings, max_body_bytes=16 * 1024)
    with running(tight) as base:
        chunk = b"x" * 4096
        body = b"".join(b"%x\r\n%s\r\n" % (len(chunk), chunk) for _ in range(8))  # 32 KiB
        status, _ = _exchange(base, _head("POST", "/oai", Transfer_Encoding="chunked",
                                          Content_Type="application/x-www-form-urlencoded"),
                              body)
        assert status == 413
        ok, _ = _exchange(base, _head("POST", "/oai", Content_Length="13",
                                      Content_Type="application/x-www-form-urlencoded"),
                          b"verb=Identify")
        assert ok == 200


def test_limits_come_from_hemicycle_toml(data_dir) -> None:
    (data_dir / "hemicycle.toml").write_text(
        "[hemicycle]\nmax_body_bytes = 4096\nmax_text_bytes = 65536\n"
        "max_upload_bytes = 1048576\n", encoding="utf-8")
    settings = load_settings(data_dir)
    assert (settings.max_body_bytes, settings.max_text_bytes, settings.max_upload_bytes) == (
        4096, 65536, MB)
