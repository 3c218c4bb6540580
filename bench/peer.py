"""The Python peer: rdflib's in-memory engine on the same data and query mix, against pyoxigraph.

rdflib cannot stop a query, so it runs in a child process that reports each step as a JSON line; the
parent ends the child when the time budget is spent, and whatever had not finished is reported as
such. pyoxigraph (the engine under coopkg) runs the same mix in memory in the same child, first, so
the ratio compares the two engines on identical data and text.

    python -m coopkg.bench.peer DATA.nq [--budget SECONDS]
"""
import json
import subprocess
import sys
import time
from pathlib import Path

from .mix import load_mix


def _child(path: str) -> None:
    import pyoxigraph as ox
    import rdflib

    def say(**record):
        print(json.dumps(record), flush=True)

    started = time.perf_counter()
    store = ox.Store()
    store.bulk_load(path=path, format=ox.RdfFormat.N_QUADS)
    say(step="load", engine="pyoxigraph", seconds=time.perf_counter() - started, triples=len(store))
    queries = load_mix()
    for q in queries:
        started = time.perf_counter()
        result = store.query(q.text, use_default_graph_as_union=True)
        n = sum(1 for _ in result)
        say(step="query", engine="pyoxigraph", query=q.name, seconds=time.perf_counter() - started, answers=n)

    started = time.perf_counter()
    dataset = rdflib.Dataset(default_union=True)
    dataset.parse(path, format="nquads")
    say(step="load", engine="rdflib", seconds=time.perf_counter() - started, triples=len(dataset))
    for q in queries:
        started = time.perf_counter()
        n = sum(1 for _ in dataset.query(q.text))
        say(step="query", engine="rdflib", query=q.name, seconds=time.perf_counter() - started, answers=n)


def compare(path: Path, *, budget: float = 240.0, echo=print) -> dict:
    """Run the child for at most `budget` seconds; returns loads, per-query times and ratios."""
    child = subprocess.Popen([sys.executable, "-m", __name__, "--child", str(path)], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True)
    records, deadline = [], time.monotonic() + budget
    import selectors
    selector = selectors.DefaultSelector()
    selector.register(child.stdout, selectors.EVENT_READ)
    while time.monotonic() < deadline:
        if not selector.select(timeout=max(0.0, deadline - time.monotonic())):
            break
        line = child.stdout.readline()
        if not line:
            break
        records.append(json.loads(line))
    try:
        child.wait(timeout=max(0.0, min(5.0, deadline - time.monotonic())))
    except subprocess.TimeoutExpired:
        child.kill()
        child.wait()
    finished = child.returncode == 0
    loads = {r["engine"]: r for r in records if r["step"] == "load"}
    times = {(r["engine"], r["query"]): r for r in records if r["step"] == "query"}
    queries = []
    for q in load_mix():
        ox_r, rd_r = times.get(("pyoxigraph", q.name)), times.get(("rdflib", q.name))
        queries.append({
            "query": q.name,
            "pyoxigraph_ms": round(ox_r["seconds"] * 1000, 1) if ox_r else None,
            "rdflib_ms": round(rd_r["seconds"] * 1000, 1) if rd_r else None,
            "agree": (ox_r["answers"] == rd_r["answers"]) if ox_r and rd_r else None,
        })
    done = [q for q in queries if q["rdflib_ms"] is not None and q["pyoxigraph_ms"] is not None]
    out = {"budget_s": budget, "finished": finished,
           "load": {engine: {"seconds": round(r["seconds"], 2), "triples_per_s": round(r["triples"] / r["seconds"])}
                    for engine, r in loads.items()},
           "queries": queries, "queries_done_by_rdflib": len(done), "queries_in_mix": len(queries)}
    if "rdflib" in loads and "pyoxigraph" in loads:
        out["load_ratio_rdflib_vs_oxigraph"] = round(loads["rdflib"]["seconds"] / loads["pyoxigraph"]["seconds"], 2)
    if done:
        out["query_time_ratio_rdflib_vs_oxigraph"] = round(
            sum(q["rdflib_ms"] for q in done) / max(1e-6, sum(q["pyoxigraph_ms"] for q in done)), 1)
    if not finished:
        echo(f"[bench]   rdflib did not finish within {budget:.0f} s ({len(done)}/{len(queries)} queries done)")
    try:
        import rdflib_endpoint  # noqa: F401
        out["rdflib_endpoint"] = "installed, not measured (its engine is the rdflib engine measured here)"
    except ImportError:
        out["rdflib_endpoint"] = "not available (not installed)"
    return out


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "--child":
        _child(sys.argv[2])
    else:
        import argparse
        parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
        parser.add_argument("data")
        parser.add_argument("--budget", type=float, default=240.0)
        args = parser.parse_args()
        print(json.dumps(compare(Path(args.data), budget=args.budget), indent=2))
