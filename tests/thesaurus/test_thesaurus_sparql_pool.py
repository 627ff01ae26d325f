"""The SPARQL endpoint's long-lived workers: same answers as a process per query, reused,
replaced when they overrun, die or the vocabulary changes, safe under concurrent use."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from thesaurus_helpers import DOMAIN13, PREFIXES, concept_ttl

from hemicycle.thesaurus.sparql import SparqlError, pool_info, run_query, store_path
from hemicycle.thesaurus.store import load_vocabulary
from hemicycle.web.app import create_app

SIX = {"en": "water", "fr": "eau", "es": "agua", "ru": "вода", "ar": "ماء", "zh": "水"}
ENGLISH = {f"c{i}": f"term {i}" for i in range(8)}
LABEL_OF = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?l WHERE {{ "
            "<http://example.org/t/{cid}> skos:prefLabel ?l FILTER(lang(?l) = \"en\") }}")
COUNT = ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT (COUNT(?c) AS ?n) "
         "WHERE { ?c a skos:Concept }")
FOREVER = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l } ORDER BY ?a ?d ?g"


def _vocab(path: Path, english: dict[str, str]) -> Path:
    path.write_text(PREFIXES + "".join(concept_ttl(cid, {**SIX, "en": text})
                                       for cid, text in english.items()), encoding="utf-8")
    return path


@pytest.fixture
def small(settings, tmp_path):
    load_vocabulary(settings, "t", [_vocab(tmp_path / "t1.ttl", ENGLISH)])
    return settings


def _one_process(settings, query: str, accept: str = "") -> tuple[dict, bytes]:
    """The way before the pool: the worker module run once, the request on its stdin."""
    request = json.dumps({"store": str(store_path(settings)), "query": query,
                          "accept": accept, "max": 10_000})
    done = subprocess.run([sys.executable, "-m", "hemicycle.thesaurus.sparql_worker"],
                          input=request.encode(), capture_output=True, timeout=60)
    assert done.returncode == 0, done.stderr.decode()
    head, _, body = done.stdout.partition(b"\n")
    return json.loads(head), body


def _label(settings, cid: str) -> str:
    result = run_query(settings, LABEL_OF.format(cid=cid), time_limit=30)
    return json.loads(result.body)["results"]["bindings"][0]["l"]["value"]


def _count(settings) -> int:
    result = run_query(settings, COUNT, time_limit=30)
    return int(json.loads(result.body)["results"]["bindings"][0]["n"]["value"])


def _gone(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return True
    return False


def _wait_until_dead(pid: int) -> None:
    """Until the killed worker is a zombie (our child, not reaped yet) or gone."""
    stat = Path(f"/proc/{pid}/stat")
    while True:
        try:
            if stat.read_text().rsplit(")", 1)[1].split()[0] in ("Z", "X"):
                return
        except (FileNotFoundError, ProcessLookupError):
            return


def test_pool_answers_as_a_process_per_query_did(settings) -> None:
    load_vocabulary(settings, "unbis", DOMAIN13)
    queries = [(COUNT, ""), (COUNT, "text/csv"),
               ("PREFIX skos: <http://www.w3.org/2004/02/skos/core#> SELECT ?c ?l WHERE { "
                "?c skos:prefLabel ?l FILTER(lang(?l) = \"ar\") } ORDER BY ?c LIMIT 50", ""),
               ("ASK { ?s ?p ?o }", ""),
               ("CONSTRUCT { ?c ?p ?o } WHERE { ?c ?p ?o } ORDER BY ?c ?p ?o LIMIT 40",
                "text/turtle"),
               ("DESCRIBE <http://example.org/nothing>", "application/n-triples")]
    for query, accept in queries:
        head, body = _one_process(settings, query, accept)
        pooled = run_query(settings, query, accept, time_limit=30)
        assert (pooled.media_type, pooled.truncated, pooled.body) == (
            head["media_type"], head["truncated"], body), query
    with pytest.raises(SparqlError) as err:
        run_query(settings, "SELECT ?x WHERE { ?x", time_limit=30)
    assert err.value.status == 400 and "syntax" in str(err.value).lower()


def test_second_query_reuses_the_worker(small) -> None:
    assert _label(small, "c1") == ENGLISH["c1"]
    first = pool_info()
    assert _label(small, "c2") == ENGLISH["c2"]
    second = pool_info()
    assert second["idle_pids"][-1] == first["idle_pids"][-1]
    assert second["sent"] == first["sent"] + 1
    assert second["workers"] <= second["size"]


def test_overrun_is_stopped_and_the_next_query_gets_a_new_worker(small) -> None:
    assert _count(small) == len(ENGLISH)
    warm = pool_info()["idle_pids"][-1]  # the one the next query takes
    with pytest.raises(SparqlError) as err:
        run_query(small, FOREVER, time_limit=1.0)
    assert err.value.status == 503 and "time limit of 1 s" in str(err.value)
    assert warm not in pool_info()["idle_pids"] and _gone(warm)
    assert _count(small) == len(ENGLISH)
    assert pool_info()["idle_pids"][-1] != warm


def test_update_is_refused_before_reaching_a_worker(small) -> None:
    client = TestClient(create_app(small))
    assert client.get("/api/thesaurus/sparql", params={"query": COUNT}).status_code == 200
    sent = pool_info()["sent"]
    for update in ("INSERT DATA { <http://a> <http://b> <http://c> }",
                   "PREFIX ex: <http://example.org/t/> DELETE WHERE { ex:c1 ?p ?o }",
                   "DROP SILENT ALL"):
        r = client.get("/api/thesaurus/sparql", params={"query": update})
        assert r.status_code == 403 and "read-only" in r.json()["error"]["detail"]
        with pytest.raises(SparqlError) as err:
            run_query(small, update)
        assert err.value.status == 403
    r = client.post("/api/thesaurus/sparql", content="CLEAR ALL",
                    headers={"content-type": "application/sparql-update"})
    assert r.status_code == 403
    assert pool_info()["sent"] == sent
    assert _label(small, "c1") == ENGLISH["c1"]  # the store is unchanged


def test_worker_killed_between_queries_is_replaced(small) -> None:
    assert _label(small, "c3") == ENGLISH["c3"]
    victim = pool_info()["idle_pids"][-1]
    os.kill(victim, signal.SIGKILL)
    _wait_until_dead(victim)
    assert _label(small, "c4") == ENGLISH["c4"]
    assert victim not in pool_info()["idle_pids"]
    # killed just before the query is sent: the request is sent again to a fresh worker
    again = pool_info()["idle_pids"][-1]
    os.kill(again, signal.SIGKILL)
    assert _label(small, "c5") == ENGLISH["c5"]
    assert again not in pool_info()["idle_pids"] and _gone(again)


def test_worker_dying_during_a_query_gives_a_clear_error(small) -> None:
    assert _count(small) == len(ENGLISH)
    outcome: list[BaseException] = []

    def run() -> None:
        try:
            run_query(small, FOREVER, time_limit=60)
        except SparqlError as exc:
            outcome.append(exc)

    thread = threading.Thread(target=run)
    thread.start()
    while not pool_info()["running_pids"]:
        assert thread.is_alive()
        time.sleep(0.01)
    victim = pool_info()["running_pids"][0]
    os.kill(victim, signal.SIGKILL)
    thread.join(60)
    assert not thread.is_alive()
    assert len(outcome) == 1 and outcome[0].status == 500
    assert "stopped while running this query" in str(outcome[0])
    assert _count(small) == len(ENGLISH)
    assert victim not in pool_info()["idle_pids"]


def test_new_vocabulary_version_is_seen(small, tmp_path) -> None:
    assert _count(small) == len(ENGLISH)
    before = store_path(small)
    grown = {**ENGLISH, "c8": "term 8", "c9": "term 9"}
    grown["c0"] = "renamed term"
    assert load_vocabulary(small, "t", [_vocab(tmp_path / "t2.ttl", grown)]).version == 2
    assert _count(small) == len(grown)
    assert _label(small, "c0") == "renamed term" and _label(small, "c9") == "term 9"
    assert store_path(small) != before and not before.exists()


def test_concurrent_queries_from_threads(small) -> None:
    cids = sorted(ENGLISH) * 4
    with ThreadPoolExecutor(max_workers=6) as threads:
        labels = list(threads.map(lambda cid: _label(small, cid), cids))
        counts = list(threads.map(lambda _: _count(small), range(12)))
    assert labels == [ENGLISH[cid] for cid in cids]
    assert counts == [len(ENGLISH)] * 12
    info = pool_info()
    assert info["workers"] <= info["size"] and len(info["idle_pids"]) <= info["size"]


CHILD = """import os, sys
from hemicycle.config import load_settings
from hemicycle.thesaurus.sparql import pool_info, run_query
run_query(load_settings(sys.argv[1]), "ASK { ?s ?p ?o }")
print(pool_info()["idle_pids"][0], flush=True)
if sys.argv[2] == "abrupt":
    os._exit(0)  # no atexit: the worker must notice on its own
"""


@pytest.mark.parametrize("ending", ["atexit", "abrupt"])
def test_workers_do_not_outlive_their_server_process(small, ending, tmp_path) -> None:
    # stderr to a file: a pipe would be inherited by the worker and make run() wait for it
    with (tmp_path / "stderr.txt").open("w+") as errors:
        done = subprocess.run([sys.executable, "-c", CHILD, str(small.data_dir), ending],
                              stdout=subprocess.PIPE, stderr=errors, text=True, timeout=60)
        errors.seek(0)
        assert done.returncode == 0, errors.read()
    pid = int(done.stdout.split()[-1])
    if ending == "atexit":  # stopped and reaped before the server process ended
        assert _gone(pid)
        return
    deadline = time.monotonic() + 20  # orphaned: stdin EOF ends it (reaped by init)
    while not _gone(pid) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert _gone(pid)
