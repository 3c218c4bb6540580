"""A full disk during a write: a clear error, nothing half-written, earlier data intact, and the
store takes writes again once there is room. The disk is made "full" for one process with
RLIMIT_FSIZE (no root, no mount needed): every write that would grow a file past the limit fails
with EFBIG, as writes fail with ENOSPC on a full disk."""
import os
import resource
import signal
import subprocess

import pyoxigraph as ox
import requests

from coopkg.graph.accounts import Accounts
from coopkg.graph.formats import rdf_syntax
from coopkg.graph.store import EmbeddedStore
from servers import COOPKG, CoopkgServer, run_cli, wait_for

KEPT = "urn:disk:kept"


def ntriples(prefix, n):
    return "\n".join(f'<urn:{prefix}:{i}> <urn:disk:p> "{prefix} value {i} padded {i * 7919}" .'
                     for i in range(n)).encode()


def limited(max_bytes):
    def apply():
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)  # get EFBIG from write(), not a signal
        resource.setrlimit(resource.RLIMIT_FSIZE, (max_bytes, max_bytes))
    return apply


def store_with(data_dir, graphs):
    store = EmbeddedStore(data_dir / "store", min_workers=1, max_workers=1)
    for graph, body in graphs.items():
        store.load_data(body, rdf_syntax("ntriples"), graph=graph)
    store.close()


def graphs_in(data_dir):
    store = EmbeddedStore(data_dir / "store", min_workers=1, max_workers=1)
    try:
        return {g: len(store.select("SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", {"g": ox.NamedNode(g)}))
                for g in store.named_graphs()}
    finally:
        store.close()


def test_coopkg_load_on_a_full_disk(tmp_path):
    data = tmp_path / "data"
    store_with(data, {KEPT: ntriples("kept", 100)})
    big = tmp_path / "big.nt"
    big.write_bytes(ntriples("big", 25_000))
    env = {**os.environ, "COOPKG_DATA_DIR": str(data)}
    result = subprocess.run([COOPKG, "load", str(big), "--graph", "urn:disk:big", "--quiet"], env=env,
                            capture_output=True, text=True, timeout=120, preexec_fn=limited(512 << 10))
    assert result.returncode == 5, result.stderr
    assert result.stderr.startswith("coopkg: ") and "Traceback" not in result.stderr
    assert "too large" in result.stderr.lower() or "space" in result.stderr.lower()
    assert graphs_in(data) == {KEPT: 100}
    # With room again, the same load works.
    run_cli(["load", str(big), "--graph", "urn:disk:big", "--quiet"], env=env, check=True)
    assert graphs_in(data) == {KEPT: 100, "urn:disk:big": 25_000}


def test_a_graph_store_write_on_a_full_disk(tmp_path):
    data = tmp_path / "data"
    store_with(data, {KEPT: ntriples("kept", 100)})
    accounts = Accounts(data)
    accounts.create_user("keeper", "a-long-password-4")
    auth = {"Authorization": "Bearer " + str(accounts.create_token("keeper")), "Content-Type": "application/n-triples"}
    server = CoopkgServer(data, init=False)
    # Small enough for waitress to keep the body in memory; large enough that the store must write
    # a file past the limit.
    body = ntriples("big", 6000)
    assert len(body) < 512 * 1024
    server.process = subprocess.Popen([COOPKG, "serve", "--port", str(server.port)], env=server.env,
                                      stdout=open(server.log, "ab"), stderr=subprocess.STDOUT,
                                      preexec_fn=limited(256 << 10))
    try:
        wait_for(server.url + "/health", server.process, log=server.log)
        response = requests.put(server.url + "/graph-store", params={"graph": "urn:disk:big"}, data=body,
                                headers=auth, timeout=60)
        assert response.status_code in (500, 507), response.status_code
        assert "could not be written" in response.text and "too large" in response.text.lower(), response.text
        # The service keeps answering, and what failed is not visible.
        assert requests.get(server.url + "/health", timeout=10).json()["triples"] == 100
        small = requests.put(server.url + "/graph-store", params={"graph": "urn:disk:small"},
                             data=ntriples("small", 10), headers=auth, timeout=60)
        assert small.status_code == 201
    finally:
        server.stop()
    assert graphs_in(data) == {KEPT: 100, "urn:disk:small": 10}
