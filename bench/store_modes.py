"""Which way should the embedded engine run? Measures the candidates side by side in one run.

    python -m coopkg.bench.store_modes [--triples 100000] [--queries 300]

- in-process: pyoxigraph `Store.query` in the service process (no time limit is possible);
- worker pool: coopkg's EmbeddedStore.run_query (a killable worker process on a snapshot);
- server: a bare `oxigraph serve-read-only` over HTTP, the reference.
For each it prints the median and 95th-percentile latency of a short lookup, and what happens to
a query that would run for minutes when the limit is 2 seconds. docs/store.md records a run.
"""
import argparse
import random
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pyoxigraph as ox
import requests

from coopkg.graph.store import EmbeddedStore, QueryTimeout

LOOKUP = "SELECT ?p ?o WHERE { <http://example.org/s%d> ?p ?o }"
RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i . ?j ?k ?l }"


def generate(path: Path, triples: int, seed: int = 7) -> None:
    rng = random.Random(seed)
    with open(path, "w") as fh:
        for i in range(triples // 2):
            fh.write(f'<http://example.org/s{i}> <http://example.org/name> "name {i}" .\n')
            fh.write(f"<http://example.org/s{i}> <http://example.org/knows> <http://example.org/s{rng.randrange(triples // 2)}> .\n")


def percentiles(samples):
    samples = sorted(samples)
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def timed(fn, n, subjects):
    out = []
    for i in range(n):
        started = time.perf_counter()
        fn(LOOKUP % subjects[i])
        out.append(time.perf_counter() - started)
    return percentiles(out)


def main(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triples", type=int, default=100_000)
    parser.add_argument("--queries", type=int, default=300)
    args = parser.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="coopkg-modes-"))
    try:
        data = work / "data.nt"
        generate(data, args.triples)
        rng = random.Random(1)
        subjects = [rng.randrange(args.triples // 2) for _ in range(args.queries)]
        rows = []

        store = EmbeddedStore(work / "embedded", min_workers=1, max_workers=2)
        store.load(data, graph="http://example.org/g")
        raw = store._db
        rows.append(("in-process (pyoxigraph)", *timed(lambda q: list(raw.query(q, use_default_graph_as_union=True)),
                                                       args.queries, subjects), "cannot be stopped"))
        run = lambda q, t=30: store.run_query(q, results_format="json", timeout=t)  # noqa: E731
        run(LOOKUP % 0)  # start the worker and take the snapshot
        median, p95 = timed(run, args.queries, subjects)
        started = time.perf_counter()
        try:
            run(RUNAWAY, 2)
            outcome = "not stopped"
        except QueryTimeout:
            outcome = f"stopped after {time.perf_counter() - started:.1f} s, worker killed"
        rows.append(("worker pool (coopkg)", median, p95, outcome))
        store.close()

        location = work / "server"
        oxigraph = shutil.which("oxigraph", path=str(Path(sys.executable).parent)) or "oxigraph"
        subprocess.run([oxigraph, "load", "--location", str(location), "--file", str(data)], check=True,
                       capture_output=True)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            port = probe.getsockname()[1]
        server = subprocess.Popen([oxigraph, "serve-read-only", "--location", str(location), "--bind",
                                   f"127.0.0.1:{port}", "--timeout-s", "2", "--union-default-graph"],
                                  stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        url = f"http://127.0.0.1:{port}/query"
        try:
            for _ in range(200):
                try:
                    requests.get(url, params={"query": "ASK {}"}, timeout=1)
                    break
                except requests.ConnectionError:
                    time.sleep(0.05)
            http = requests.Session()
            ask = lambda q: http.post(url, data={"query": q}, headers={"Accept": "application/sparql-results+json"}).content  # noqa: E731
            median, p95 = timed(ask, args.queries, subjects)
            started = time.perf_counter()
            try:
                response = http.post(url, data={"query": RUNAWAY}, timeout=30,
                                     headers={"Accept": "application/sparql-results+json"})
                outcome = f"status {response.status_code} after {time.perf_counter() - started:.1f} s"
            except requests.Timeout:
                outcome = "no answer after 30 s (--timeout-s 2 did not stop it); client gave up"
            rows.append(("oxigraph server (HTTP)", median, p95, outcome))
        finally:
            server.terminate()
            server.wait()

        print(f"{args.triples:,} triples, {args.queries} lookups each")
        print(f"{'mode':<26} {'p50 ms':>8} {'p95 ms':>8}  runaway query, 2 s limit")
        for name, median, p95, outcome in rows:
            print(f"{name:<26} {median * 1000:>8.2f} {p95 * 1000:>8.2f}  {outcome}")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
