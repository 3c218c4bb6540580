"""`coopkg bench`: coopkg against the bare Oxigraph server on the same generated data, in one run.

Steps (each section is reported on its own; a missing feature is "not available", a failing one
"failed: ..." and the run goes on):
  1. generate the data (cached by size and seed), `coopkg init` a fresh store, export its curated
     part and load that into a fresh bare Oxigraph store, so both hold the same base;
  2. load: `coopkg load` of the generated file against `oxigraph load` of the same file;
  3. start-up: `coopkg serve` spawned to its first answered query (and the bare server likewise);
  4. SPARQL: the researcher mix through coopkg's /sparql and the bare server's /query, answers
     compared, then 1/4/16 concurrent clients for a fixed time each;
  5. pages, reconciliation, memory (peak RSS of each server's process tree);
  6. contribution validation on the stopped store, at 10 thousand triples and at the full size;
  7. the Python peer: rdflib's in-memory engine on the same data (bench/peer.py).
"""
import json
import os
import platform
import shutil
import statistics
import sys
import time
from pathlib import Path

import psutil
import requests

from coopkg.graph.synthetic import generate_file

from . import clients, features, mix, procs

SMALL_STORE = 10_000


class Run:
    def __init__(self, size: int, *, seed: int = 1, quick: bool = False, workdir: Path, echo=print,
                 duration: float | None = None, concurrency=(1, 4, 16), peer_budget: float | None = None,
                 peer_max: int = 200_000, query_timeout: float = 300.0, reuse_stores: bool = False):
        self.size, self.seed, self.quick, self.workdir, self.echo = size, seed, quick, Path(workdir), echo
        self.duration = duration if duration is not None else (1.0 if quick else 10.0)
        self.repeats = 2 if quick else 15
        self.concurrency = tuple(concurrency)
        self.peer_budget = peer_budget if peer_budget is not None else (10.0 if quick else 240.0)
        self.peer_max = peer_max
        # The public default (30 s) would stop heavy queries that the bare server finishes: the
        # benchmark compares the same work, so coopkg gets a limit above the slowest query.
        self.query_timeout, self.reuse_stores = query_timeout, reuse_stores
        self.results: dict = {"size": size, "seed": seed, "quick": quick, "machine": machine(),
                              "coopkg_query_timeout_s": query_timeout,
                              "started": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), "sections": {},
                              "timings_s": {}}
        self.logs = self.workdir / "logs"

    # ---- helpers ----
    def section(self, name, func, *args):
        self.echo(f"[bench] {name} ...")
        started = time.perf_counter()
        try:
            value = func(*args)
        except NotAvailable as exc:
            value = {"status": f"not available: {exc}"}
        except Exception as exc:  # the run goes on; the table says what failed
            value = {"status": f"failed: {type(exc).__name__}: {str(exc)[:400]}"}
        elapsed = time.perf_counter() - started
        self.results["timings_s"][name] = round(elapsed, 2)
        if value is not None:
            self.results["sections"][name] = value
        self.echo(f"[bench] {name} done in {elapsed:.1f} s")
        return value

    def data_file(self, triples: int) -> tuple[Path, dict]:
        folder = self.workdir / "data"
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"synthetic-{triples}-s{self.seed}-{generator_version()}.nq"
        meta = path.with_suffix(".json")
        if not (path.exists() and meta.exists()):
            counts = generate_file(path.with_suffix(".tmp"), triples, self.seed)
            path.with_suffix(".tmp").rename(path)
            meta.write_text(json.dumps(counts.as_dict()))
        return path, json.loads(meta.read_text())

    def coopkg_env(self, data_dir: Path) -> dict:
        return {**os.environ, "COOPKG_DATA_DIR": str(data_dir)}

    def init_store(self, name: str, data: Path | None = None) -> tuple[Path, float | None]:
        """A fresh coopkg data directory with the curated graph (and `data` loaded); load seconds."""
        data_dir = self.workdir / name
        shutil.rmtree(data_dir, ignore_errors=True)
        env = self.coopkg_env(data_dir)
        procs.run([procs.COOPKG, "init"], env=env, log=self.logs / f"{name}-init.log")
        seconds = None
        if data is not None:
            seconds = procs.run([procs.COOPKG, "load", "--quiet", str(data)], env=env,
                                log=self.logs / f"{name}-load.log")
        return data_dir, seconds

    # ---- the run ----
    def run(self) -> dict:
        self.workdir.mkdir(parents=True, exist_ok=True)
        self.logs.mkdir(exist_ok=True)
        self.echo("[bench] generate ...")
        started = time.perf_counter()
        data, counts = self.data_file(self.size)
        self.results["timings_s"]["generate"] = round(time.perf_counter() - started, 2)
        self.counts = counts
        self.results["generated"] = counts
        if self.reuse_stores and self.reuse():
            self.echo("[bench] load: reusing the stores (and load figures) of the previous run")
        else:
            self.section("load", self.load, data)
        self.section("serve", self.serve)
        self.section("contribution validation", self.validation)
        self.section("python peer", self.peer, data)
        self.results["finished"] = time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        self.results["machine"]["load_average_end"] = [round(x, 1) for x in os.getloadavg()]
        return self.results

    def reuse(self) -> bool:
        """Serve the stores an earlier run of this size loaded; its load figures are carried over."""
        self.coopkg_dir, self.bare_dir = self.workdir / f"coopkg-{self.size}", self.workdir / f"bare-{self.size}"
        previous = self.workdir / f"results-{self.size}.json"
        if not (self.coopkg_dir.exists() and self.bare_dir.exists() and previous.exists()):
            return False
        earlier = json.loads(previous.read_text())
        load = earlier.get("sections", {}).get("load")
        if not load or "coopkg" not in load:
            return False
        self.results["sections"]["load"] = {**load, "from_run_started": earlier.get("started")}
        procs.run([procs.OXIGRAPH, "optimize", "--location", str(self.bare_dir)], log=self.logs / "bare-optimize.log")
        return True

    def load(self, data: Path) -> dict:
        base = self.workdir / "base.nq"
        self.coopkg_dir, _ = self.init_store(f"coopkg-{self.size}")
        procs.run([procs.COOPKG, "export", "--format", "nquads", "--output", str(base)],
                  env=self.coopkg_env(self.coopkg_dir), log=self.logs / "export.log")
        self.bare_dir = self.workdir / f"bare-{self.size}"
        shutil.rmtree(self.bare_dir, ignore_errors=True)
        procs.run([procs.OXIGRAPH, "load", "--location", str(self.bare_dir), "--file", str(base)],
                  log=self.logs / "bare-load-base.log")
        triples = self.counts["triples"]
        coopkg_s = procs.run([procs.COOPKG, "load", "--quiet", str(data)], env=self.coopkg_env(self.coopkg_dir),
                             log=self.logs / "coopkg-load.log")
        bare_s = procs.run([procs.OXIGRAPH, "load", "--location", str(self.bare_dir), "--file", str(data)],
                           log=self.logs / "bare-load.log")
        # The read-only server cannot compact; coopkg's read-write store compacts in the background.
        # Measured at 10M triples, the uncompacted bare store answered the mix 5-10 times slower, so
        # it is optimised (as `oxigraph load` itself advises) before serving; not part of the load time.
        optimize_s = procs.run([procs.OXIGRAPH, "optimize", "--location", str(self.bare_dir)],
                               log=self.logs / "bare-optimize.log")
        return {"triples": triples, "bare_optimize_s": round(optimize_s, 2),
                "coopkg": {"seconds": round(coopkg_s, 2), "triples_per_s": round(triples / coopkg_s)},
                "bare": {"seconds": round(bare_s, 2), "triples_per_s": round(triples / bare_s)},
                "ratio": round(bare_s / coopkg_s, 3)}

    # ---- the servers ----
    def serve(self) -> dict:
        if not hasattr(self, "coopkg_dir"):
            raise NotAvailable("the stores were not loaded")
        coopkg = procs.coopkg_server(self.coopkg_dir, log=self.logs / "coopkg-serve.log",
                                     env={"COOPKG_QUERY_TIMEOUT": str(self.query_timeout)},
                                     ready_path="/sparql?query=ASK%20%7B%7D")
        out, bare = {}, None
        try:
            with procs.PeakRss(coopkg.process.pid) as coopkg_rss:
                self.startup_coopkg(coopkg, out)
                # Background index builds after start-up would otherwise share the CPUs with the
                # measurement; how long they take (and what they hold) is reported on its own.
                warm_s = procs.wait_idle(coopkg.process.pid, timeout=60 if self.quick else 900)
                out["startup"]["warm_s"] = round(out["startup"]["coopkg_s"] + warm_s, 2)
                out["startup"]["main_rss_warm_mib"] = round(psutil.Process(coopkg.process.pid).memory_info().rss / 2**20, 1)
                # The bare server starts once coopkg is up, so the two start-ups do not share the CPUs.
                bare = procs.bare_server(self.bare_dir, log=self.logs / "bare-serve.log")
                with procs.PeakRss(bare.process.pid) as bare_rss:
                    bare_s = bare.wait_ready(timeout=300)
                    out["startup"].update(bare_s=round(bare_s, 3), ratio=round(out["startup"]["coopkg_s"] / bare_s, 3))
                self.sparql_available = self.has_sparql(coopkg)
                out["sparql"] = self.guard(lambda: self.sparql(coopkg, bare))
                out["pages"] = self.guard(lambda: self.pages(coopkg))
                out["reconciliation"] = self.guard(lambda: self.reconcile(coopkg))
        finally:
            coopkg.stop()
            if bare:
                bare.stop()
        out["memory"] = {"coopkg_peak_mib": round(coopkg_rss.peak / 2**20, 1),
                         "bare_peak_mib": round(bare_rss.peak / 2**20, 1),
                         "ratio": round(coopkg_rss.peak / bare_rss.peak, 3) if bare_rss.peak else None}
        for key, value in out.items():
            self.results["sections"][key] = value
        return None

    def guard(self, func):
        try:
            return func()
        except NotAvailable as exc:
            return {"status": f"not available: {exc}"}
        except Exception as exc:
            return {"status": f"failed: {type(exc).__name__}: {str(exc)[:400]}"}

    def startup_coopkg(self, coopkg, out):
        # Any answer of /sparql counts as up; a 404 means this checkout has no /sparql yet.
        seen = {}

        def answered(response):
            seen["status"] = response.status_code
            return response.status_code in (200, 404)

        coopkg_s = coopkg.wait_ready(timeout=300, accept=answered)
        first = ("first answered SPARQL query" if seen.get("status") == 200
                 else "first answer of the server (no /sparql in this checkout)")
        out["startup"] = {"coopkg_s": round(coopkg_s, 3), "measured": first}

    def has_sparql(self, coopkg) -> bool:
        try:
            r = requests.get(coopkg.url + "/sparql", params={"query": "ASK {}"},
                             headers={"Accept": mix.RESULTS_JSON}, timeout=30)
        except requests.RequestException:
            return False
        return r.status_code == 200

    def sparql(self, coopkg, bare) -> dict:
        if not self.sparql_available:
            raise NotAvailable("coopkg has no /sparql endpoint in this checkout")
        queries = mix.load_mix()
        ours = [mix.coopkg_request(coopkg.url, q) for q in queries]
        theirs = [mix.bare_request(bare.url, q) for q in queries]
        per_query, session_a, session_b = [], requests.Session(), requests.Session()
        for q, a, b in zip(queries, ours, theirs):
            row = {"query": q.name, "description": q.description}
            try:  # first answers (cold) are not timed; then a few timed repeats, alternating engines
                ra, rb = clients.timed(session_a, a)[1], clients.timed(session_b, b)[1]
                samples_a, samples_b = [], []
                for _ in range(max(1, self.repeats // 5)):
                    samples_a.append(clients.timed(session_a, a)[0])
                    samples_b.append(clients.timed(session_b, b)[0])
            except Exception as exc:  # one failing query is reported, the others still measured
                per_query.append({**row, "agree": False, "error": str(exc)[:300], "coopkg_ms": None, "bare_ms": None})
                continue
            size_a, size_b = mix.answer_size(ra, q), mix.answer_size(rb, q)
            per_query.append({**row, "answers_coopkg": size_a, "answers_bare": size_b, "agree": size_a == size_b,
                              "coopkg_ms": round(statistics.median(samples_a) * 1000, 1),
                              "bare_ms": round(statistics.median(samples_b) * 1000, 1)})
        # Long enough that one client gets through the whole mix at least once (heavy queries
        # would otherwise decide the throughput by where the window happens to end).
        mix_s = sum(p["bare_ms"] or 0 for p in per_query) / 1000
        duration = self.duration if self.quick else max(self.duration, 1.5 * mix_s)
        levels = {}
        for n in self.concurrency:
            a = clients.run_load(ours, n, duration)
            b = clients.run_load(theirs, n, duration)
            levels[str(n)] = {"coopkg": a.as_dict(), "bare": b.as_dict(),
                              "ratio_qps": round(a.qps / b.qps, 3) if b.qps else None,
                              "ratio_p50": _ratio(a.as_dict()["p50_ms"], b.as_dict()["p50_ms"]),
                              "ratio_p95": _ratio(a.as_dict()["p95_ms"], b.as_dict()["p95_ms"])}
            self.echo(f"[bench]   {n:>2} clients: coopkg {a.qps:.2f} q/s, bare {b.qps:.2f} q/s")
        return {"queries": per_query, "all_agree": all(p["agree"] for p in per_query), "clients": levels,
                "duration_s": round(duration, 1), "bare_sequential_mix_s": round(mix_s, 2)}

    def pages(self, coopkg) -> dict:
        out = {}
        candidates = features.page_candidates(coopkg.url, self.seed, self.counts["cooperatives"])
        session = requests.Session()
        for page, alternatives in candidates.items():
            chosen = None
            for requests_ in alternatives:
                try:
                    if all(session.request(m, u, timeout=120, **kw).status_code == 200 for m, u, kw in requests_):
                        chosen = requests_
                        break
                except requests.RequestException:
                    continue
            if chosen is None:
                status = session.request(*alternatives[0][0][:2], timeout=120, **alternatives[0][0][2]).status_code
                verdict = "not available" if status == 404 else "failed"
                out[page] = {"status": f"{verdict} (answered {status})", "url": alternatives[0][0][1]}
                continue
            samples = clients.sample_latency(chosen, max(2, self.repeats // len(chosen) + 1))
            out[page] = {"url": chosen[0][1], "requests": len(samples), **clients.percentiles(samples)}
        return out

    def reconcile(self, coopkg) -> dict:
        request, n = features.reconcile_batch(coopkg.url, self.seed, self.counts["cooperatives"],
                                              self.counts["persons"])
        session = requests.Session()
        first = session.request(request[0], request[1], timeout=300, **request[2])
        if first.status_code == 404:
            raise NotAvailable("coopkg has no /reconcile endpoint in this checkout")
        if first.status_code != 200:
            raise RuntimeError(f"/reconcile answered {first.status_code}: {first.text[:200]}")
        answered = len(first.json())
        samples = [clients.timed(session, request, timeout=300)[0] for _ in range(1 if self.quick else 5)]
        median = statistics.median(samples)
        return {"queries_per_batch": n, "answered": answered, "batch_s": round(median, 3),
                "queries_per_s": round(n / median, 1)}

    # ---- offline parts ----
    def validation(self) -> dict:
        validate = features.validator()
        if validate is None:
            raise NotAvailable("graph/contribution_validation.py or graph/validation.py has not landed")
        if not hasattr(self, "coopkg_dir"):
            raise NotAvailable("the store was not loaded")
        stores = {f"{self.size} triples": (self.coopkg_dir, self.counts)}
        if self.size > SMALL_STORE:
            data, counts = self.data_file(SMALL_STORE)
            small_dir, _ = self.init_store(f"coopkg-{SMALL_STORE}", data)
            stores = {f"{SMALL_STORE} triples": (small_dir, counts), **stores}
        out = {}
        from coopkg.graph.settings import Settings
        from coopkg.graph.store import open_store
        for label, (data_dir, counts) in stores.items():
            changes = features.contribution_changes(self.seed, counts["cooperatives"])
            with open_store(Settings.from_env(data_dir=data_dir)) as store:
                report = validate(store, changes)  # warm-up: shapes parsed, caches filled
                samples = []
                for _ in range(2 if self.quick else 5):
                    started = time.perf_counter()
                    validate(store, changes)
                    samples.append(time.perf_counter() - started)
                store_triples = store.triple_count()
            out[label] = {"store_triples": store_triples, "contribution_triples": len(changes),
                          "median_s": round(statistics.median(samples), 3), "max_s": round(max(samples), 3),
                          "state": getattr(report, "state", "?")}
        return out

    def peer(self, data: Path) -> dict:
        from . import peer
        size = min(self.size, self.peer_max)
        path = data if size == self.size else self.data_file(size)[0]
        result = peer.compare(path, budget=self.peer_budget, echo=self.echo)
        result["triples"] = size
        sparql = self.results["sections"].get("sparql", {})
        if size == self.size and "queries" in sparql:
            ours = {q["query"]: q["coopkg_ms"] for q in sparql["queries"]}
            done = [q for q in result["queries"] if q.get("rdflib_ms") is not None and q["query"] in ours]
            if done:
                result["coopkg_vs_rdflib_total"] = round(
                    sum(q["rdflib_ms"] for q in done) / max(1e-9, sum(ours[q["query"]] for q in done)), 2)
        return result


class NotAvailable(Exception):
    """A part of coopkg the benchmark measures is not in this checkout yet."""


def generator_version() -> str:
    """Changes with the generator's code, so a cached data file is never from an older generator."""
    import hashlib
    from coopkg.graph import synthetic
    return hashlib.sha256(Path(synthetic.__file__).read_bytes()).hexdigest()[:8]


def _ratio(a, b):
    return round(a / b, 3) if a is not None and b else None


def machine() -> dict:
    cpu = platform.processor() or ""
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    import pyoxigraph
    return {"cpus": os.cpu_count(), "cpu": cpu, "memory_gib": round(psutil.virtual_memory().total / 2**30, 1),
            "python": sys.version.split()[0], "pyoxigraph": getattr(pyoxigraph, "__version__", "?"),
            "platform": platform.platform(), "load_average_start": [round(x, 1) for x in os.getloadavg()]}
