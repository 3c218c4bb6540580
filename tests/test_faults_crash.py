"""The server killed (SIGKILL) in the middle of a write or a dump: after a restart the store opens,
everything written before is intact, and no part of the interrupted change is visible.
(Kills during a contribution accept or revert are in test_contributions_crash.py.)"""
import signal
import threading
import time

import requests

from coopkg.graph.accounts import Accounts
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.store import EmbeddedStore
from servers import CoopkgServer

NT = {"Content-Type": "application/n-triples"}
KEPT, REPLACED, NEW = "urn:fault:kept", "urn:fault:replaced", "urn:fault:new"


def ntriples(prefix, n):
    return "\n".join(f'<urn:{prefix}:{i}> <urn:fault:p> "{prefix} value {i} with some padding text" .'
                     for i in range(n)).encode()


def prepared_server(tmp_path, **graphs):
    """A server (not started) whose store already holds `graphs` (name -> N-Triples), and a token."""
    data = tmp_path / "data"
    store = EmbeddedStore(data / "store", min_workers=1, max_workers=1)
    for graph, body in graphs.items():
        store.load_data(body, rdf_syntax("ntriples"), graph=graph)
    store.close()
    accounts = Accounts(data)
    accounts.create_user("keeper", "a-long-password-3")
    server = CoopkgServer(data, init=False)
    server.token = str(accounts.create_token("keeper"))
    return server


def graph_counts(server) -> dict:
    query = "SELECT ?g (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g"
    response = requests.get(server.url + "/sparql", params={"query": query},
                            headers={"Accept": "application/sparql-results+json"}, timeout=30)
    assert response.status_code == 200, response.text
    return {b["g"]["value"]: int(b["n"]["value"]) for b in response.json()["results"]["bindings"]}


def wait_for_file(directory, pattern, process, seconds=30.0) -> bool:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline and process.poll() is None:
        if any(directory.glob(pattern)):
            return True
        time.sleep(0.001)
    return False


def test_killed_during_graph_store_loads(tmp_path):
    kept, old = ntriples("kept", 200), ntriples("old", 300)
    server = prepared_server(tmp_path, **{KEPT: kept, REPLACED: old})
    server.start()
    auth = {"Authorization": "Bearer " + server.token, **NT}
    try:
        before = graph_counts(server)
        assert before == {KEPT: 200, REPLACED: 300}
        # POST to a new graph (loaded hidden, then shown) and PUT over a graph (staged, then swapped in).
        for method, target in (("POST", NEW), ("PUT", REPLACED)):
            body = ntriples("big", 20_000)
            threading.Thread(target=lambda: _quietly(requests.request, method, server.url + "/graph-store",
                                                     params={"graph": target}, data=body, headers=auth, timeout=60),
                             daemon=True).start()
            assert wait_for_file(server.data_dir / "store" / "pending", "*.json", server.process), \
                "the load never started"
            server.kill()
            server.start()
            assert graph_counts(server) == before, target
            assert list((server.data_dir / "store" / "pending").glob("*.json")) == []
            health = requests.get(server.url + "/health", timeout=10).json()
            assert health["status"] == "ok" and health["triples"] == 500
        # And the store still takes writes.
        response = requests.put(server.url + "/graph-store", params={"graph": NEW}, data=ntriples("new", 10),
                                headers=auth, timeout=30)
        assert response.status_code == 201
        assert graph_counts(server)[NEW] == 10
    finally:
        server.stop()


def test_killed_during_a_dump(tmp_path):
    server = prepared_server(tmp_path, **{KEPT: ntriples("kept", 40_000)})
    server.start()
    try:
        threading.Thread(target=lambda: _quietly(requests.get, server.url + "/dataset/dump.nq", timeout=60),
                         daemon=True).start()
        started = wait_for_file(server.data_dir / "dumps", "*.partial", server.process)
        server.process.send_signal(signal.SIGKILL)
        server.process.wait(10)
        server.process = None
        server.start()
        assert graph_counts(server) == {KEPT: 40_000}
        dump = requests.get(server.url + "/dataset/dump.nq", timeout=60)
        assert dump.status_code == 200
        assert dump.content.count(b"\n") == 40_000  # complete: never the half-written file
        assert started, "the kill should have come while the dump was being written"
    finally:
        server.stop()


def _quietly(call, *args, **kwargs):
    try:
        call(*args, **kwargs)
    except requests.RequestException:
        pass  # the server was killed under this request: that is the point
