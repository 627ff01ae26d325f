"""One catalogue, an index replica per web node (SQLite and PostgreSQL): two `hemicycle
serve` processes, each with its own index directory. A change made through either one is
searchable there at once (the request catches its own index up) and in the other soon
after (its follower reads the change log); a third node added while the two serve builds
its replica from the catalogue and follows from there."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx
import pytest

HEMICYCLE = str(Path(sys.executable).with_name("hemicycle"))
CATALOGUER = ("cat", "a long cataloguer password")
ADMIN = ("boss", "a long administrator password")
PATIENCE_S = 60  # how long another node may take under a loaded test machine


def _port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Node:
    """A `hemicycle serve` process with its own index directory."""

    def __init__(self, env: dict, index_dir: Path):
        self.port = _port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.proc = subprocess.Popen(
            [HEMICYCLE, "serve", "--port", str(self.port)],
            env={**env, "HEMICYCLE_INDEX_DIR": str(index_dir)},
            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        deadline = time.monotonic() + 60
        while True:
            assert self.proc.poll() is None, self.proc.stderr.read()
            try:
                if httpx.get(self.url + "/", timeout=5).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            assert time.monotonic() < deadline, "the node did not start"
            time.sleep(0.1)

    def found(self, query: str) -> set[str]:
        answer = httpx.get(self.url + "/api/search", params={"q": query}, timeout=30)
        assert answer.status_code == 200, answer.text
        return {hit["symbol"] for hit in answer.json()["hits"]}

    def upload(self, symbol: str, text: str, tmp_path: Path) -> str:
        path = tmp_path / f"{symbol.replace('/', '_')}.txt"
        path.write_text(text, encoding="utf-8")
        with path.open("rb") as fh:
            answer = httpx.post(self.url + "/api/documents", auth=CATALOGUER, timeout=60,
                                data={"symbol": symbol, "language": "en"},
                                files={"file": (path.name, fh, "text/plain")})
        assert answer.status_code == 201, answer.text
        return answer.json()["uid"]

    def withdraw(self, uid: str) -> None:
        answer = httpx.delete(f"{self.url}/api/documents/{uid}", auth=ADMIN, timeout=60)
        assert answer.status_code == 200, answer.text

    def stop(self) -> None:
        self.proc.terminate()
        self.proc.wait(timeout=30)


def eventually(check, what: str) -> None:
    deadline = time.monotonic() + PATIENCE_S
    while not check():
        assert time.monotonic() < deadline, what
        time.sleep(0.1)


@pytest.fixture
def nodes(catalogue_settings, tmp_path):
    env = {**os.environ, "HEMICYCLE_DATA": str(catalogue_settings.data_dir)}
    if catalogue_settings.database_url.startswith("postgresql"):
        env["HEMICYCLE_DATABASE_URL"] = catalogue_settings.database_url
    for (name, password), role in ((CATALOGUER, "cataloguer"), (ADMIN, "admin")):
        subprocess.run([HEMICYCLE, "user", "add", name, "--role", role], check=True,
                       env={**env, "HEMICYCLE_PASSWORD": password}, capture_output=True)
    started: list[Node] = []

    def start(name: str) -> Node:
        started.append(Node(env, tmp_path / f"index-{name}"))
        return started[-1]

    yield start
    for node in started:
        node.stop()


def test_a_change_through_either_node_is_searchable_in_both(nodes, tmp_path):
    a, b = nodes("a"), nodes("b")
    first = a.upload("A/74/101", "A report on zanzibarite deposits", tmp_path)
    assert a.found("zanzibarite") == {"A/74/101"}  # the writer sees its own write at once
    eventually(lambda: b.found("zanzibarite") == {"A/74/101"}, "node b never caught up")

    b.upload("A/74/102", "Another report on zanzibarite and tanzanite", tmp_path)
    assert b.found("tanzanite") == {"A/74/102"}
    eventually(lambda: a.found("tanzanite") == {"A/74/102"}, "node a never caught up")

    b.withdraw(first)  # taken out of both indexes too
    assert b.found("zanzibarite") == {"A/74/102"}
    eventually(lambda: a.found("zanzibarite") == {"A/74/102"}, "node a kept a withdrawn one")

    c = nodes("c")  # a node added while the others serve: its replica is built, then follows
    eventually(lambda: c.found("zanzibarite") == {"A/74/102"}, "node c never built its index")
    a.upload("A/74/103", "Zanzibarite again", tmp_path)
    eventually(lambda: c.found("zanzibarite") == {"A/74/102", "A/74/103"},
               "node c does not follow the change log")
    for name in "abc":  # three replicas, each in its own directory
        assert (tmp_path / f"index-{name}" / "current").is_symlink()
