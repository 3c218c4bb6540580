"""Load on a live `coopkg serve` (loopback only, bounded in time): heavy and light queries at once,
memory-hungry queries, and slow or idle clients. The light queries must keep their answers fast."""
import socket
import threading
import time

import psutil
import pytest
import requests

from coopkg.graph.formats import rdf_syntax
from coopkg.graph.store import EmbeddedStore
from servers import CoopkgServer

TIMEOUT_S = 3
WORKERS_MAX = 3
MEMORY_MB = 1024
LIGHT = "ASK { <urn:load:s1> ?p ?o }"
HEAVY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"  # 5000^3 rows: stopped at the limit
HUNGRY = ["SELECT (GROUP_CONCAT(CONCAT(?c, ?f)) AS ?x) WHERE { ?a ?b ?c . ?d ?e ?f }",
          "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } ORDER BY DESC(CONCAT(?c, ?f))",
          "SELECT DISTINCT ?c ?f WHERE { ?a ?b ?c . ?d ?e ?f }"]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    data = tmp_path_factory.mktemp("load") / "data"
    store = EmbeddedStore(data / "store", min_workers=1, max_workers=1)
    triples = "\n".join(f'<urn:load:s{i}> <urn:load:p{i % 7}> "value number {i}" .' for i in range(5000))
    store.load_data(triples.encode(), rdf_syntax("ntriples"), graph="urn:load:graph")
    store.close()
    srv = CoopkgServer(data, init=False, env={"COOPKG_QUERY_TIMEOUT": str(TIMEOUT_S),
                                             "COOPKG_QUERY_WORKERS_MAX": str(WORKERS_MAX),
                                             "COOPKG_QUERY_MEMORY_MB": str(MEMORY_MB)}).start()
    yield srv
    srv.stop()


def query(server, text, timeout=30):
    return requests.get(server.url + "/sparql", params={"query": text},
                        headers={"Accept": "application/sparql-results+json"}, timeout=timeout)


def tree_rss(process: psutil.Process) -> int:
    total = 0
    for p in [process] + process.children(recursive=True):
        try:
            total += p.memory_info().rss
        except psutil.Error:
            pass  # a worker that was just ended
    return total


class Clients:
    """Threads each sending one query in a loop until stopped; statuses are collected."""

    def __init__(self, server, texts):
        self.statuses, self._stop = [], threading.Event()
        self.threads = [threading.Thread(target=self._loop, args=(server, t), daemon=True) for t in texts]

    def _loop(self, server, text):
        while not self._stop.is_set():
            self.statuses.append(query(server, text).status_code)

    def __enter__(self):
        for t in self.threads:
            t.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        for t in self.threads:
            t.join(TIMEOUT_S * 3 + 10)


def light_latencies(server, seconds):
    latencies, end = [], time.monotonic() + seconds
    while time.monotonic() < end:
        started = time.monotonic()
        response = query(server, LIGHT)
        latencies.append(time.monotonic() - started)
        assert response.status_code == 200 and response.json()["boolean"] is True, response.text
        time.sleep(0.05)
    return latencies


def test_light_queries_answer_within_a_second_beside_heavy_ones(server):
    """Heavy queries on every worker, for longer than the time limit: each is stopped at the limit
    (and its worker replaced by a fresh one), and a light query is answered within a second all
    along (it gets a short try on the reserve worker instead of queueing behind them)."""
    assert query(server, LIGHT).status_code == 200  # the worker pool starts with the first query
    with Clients(server, [HEAVY] * WORKERS_MAX) as heavy:
        time.sleep(0.3)
        latencies = light_latencies(server, TIMEOUT_S + 1.5)
    assert max(latencies) < 1.0, sorted(latencies)[-5:]
    # Each heavy query was stopped: at the time limit or at the memory limit first (both 503).
    assert heavy.statuses and set(heavy.statuses) == {503}, heavy.statuses


def test_memory_stays_bounded_under_memory_hungry_queries(server):
    process = psutil.Process(server.process.pid)
    base = tree_rss(process)
    peak = base
    results = []
    threads = [threading.Thread(target=lambda q=q: results.append(query(server, q)), daemon=True) for q in HUNGRY]
    for t in threads:
        t.start()
    while any(t.is_alive() for t in threads):
        peak = max(peak, tree_rss(process))
        time.sleep(0.02)
    # Each worker is capped by RLIMIT_AS; the service itself must not grow with the queries.
    assert peak < base + WORKERS_MAX * MEMORY_MB * 2**20, (base >> 20, peak >> 20)
    for response in results:  # answered, stopped at the time limit, or ended at the memory limit
        assert response.status_code in (200, 503), response.status_code
        if response.status_code != 200:
            assert "memory" in response.text or "seconds" in response.text, response.text
    assert query(server, LIGHT).status_code == 200
    assert tree_rss(process) < base + 200 * 2**20  # the killed workers' memory is given back
    stopped = sum(1 for r in results if r.status_code == 503 and "seconds" in r.text)
    metrics = requests.get(server.url + "/metrics", timeout=10).text
    reported = int(float(next(line.split()[1] for line in metrics.splitlines()
                              if line.startswith("coopkg_query_timeouts_total "))))
    assert reported >= stopped


def test_a_slow_client_and_idle_connections_do_not_block_others(server):
    idle = [socket.create_connection(("127.0.0.1", server.port)) for _ in range(30)]
    request = (f"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: 127.0.0.1:{server.port}\r\n"
               "Accept: application/sparql-results+json\r\nConnection: close\r\n\r\n").encode()
    slow = socket.create_connection(("127.0.0.1", server.port))
    reply = []

    def dribble():
        for byte in request:
            slow.sendall(bytes([byte]))
            time.sleep(0.02)
        slow.settimeout(10)
        reply.append(slow.recv(4096))

    sender = threading.Thread(target=dribble, daemon=True)
    sender.start()
    try:
        latencies = []
        while sender.is_alive():
            started = time.monotonic()
            assert requests.get(server.url + "/health", timeout=5).status_code == 200
            assert query(server, LIGHT).status_code == 200
            latencies.append(time.monotonic() - started)
            time.sleep(0.05)
        sender.join()
        assert len(latencies) >= 10 and max(latencies) < 1.0, max(latencies)
        assert reply and reply[0].startswith(b"HTTP/1.1 200"), reply
    finally:
        slow.close()
        for conn in idle:
            conn.close()
