"""Request counts and latencies kept in memory, written out in the Prometheus text format.

Labels are the matched route (e.g. `/id/<path:rest>`), never the raw path, so a scanner requesting
millions of different URLs cannot grow the label set. Store figures are read when /metrics is
scraped; the costly ones (triples, bytes on disk) are cached per store generation.
"""
import os
import threading
import time
from pathlib import Path

from flask import g, request

BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0)
UNMATCHED = "(unmatched)"


class Metrics:
    def __init__(self):
        self._lock = threading.Lock()
        self.started = time.time()
        self.requests: dict[tuple[str, str, int], int] = {}
        self.latency: dict[str, list] = {}  # route -> [bucket counts..., +Inf count, sum]
        self.in_flight = 0
        self._store_cache: tuple | None = None

    def begin(self) -> None:
        with self._lock:
            self.in_flight += 1

    def observe(self, route: str, method: str, status: int, seconds: float) -> None:
        with self._lock:
            self.in_flight = max(0, self.in_flight - 1)
            key = (route, method, status)
            self.requests[key] = self.requests.get(key, 0) + 1
            row = self.latency.setdefault(route, [0] * (len(BUCKETS) + 2))
            for i, bound in enumerate(BUCKETS):
                if seconds <= bound:
                    row[i] += 1
            row[len(BUCKETS)] += 1
            row[len(BUCKETS) + 1] += seconds

    def store_figures(self, store, data_dir) -> dict:
        generation = getattr(store, "generation", 0)
        cached = self._store_cache
        if cached and cached[0] == generation and time.monotonic() - cached[1] < 60:
            figures = dict(cached[2])
        else:
            figures = {}
            try:
                figures["triples"] = store.triple_count()
            except Exception:  # a remote store that is down: report what we can
                figures["triples"] = None
            figures["disk_bytes"] = directory_bytes(Path(data_dir) / "store") if getattr(store, "kind", "") == "embedded" else None
            self._store_cache = (generation, time.monotonic(), dict(figures))
        figures["generation"] = generation
        figures["query_timeouts"] = getattr(store, "query_timeouts", 0) or 0
        return figures

    def render(self, store, data_dir) -> str:
        with self._lock:
            requests = dict(self.requests)
            latency = {k: list(v) for k, v in self.latency.items()}
            in_flight = self.in_flight
        out = []

        def family(name, kind, help_text):
            out.append(f"# HELP {name} {help_text}")
            out.append(f"# TYPE {name} {kind}")

        family("coopkg_http_requests_total", "counter", "HTTP requests answered, by route, method and status.")
        for (route, method, status), n in sorted(requests.items()):
            out.append(f'coopkg_http_requests_total{{endpoint="{_label(route)}",method="{method}",status="{status}"}} {n}')
        family("coopkg_http_request_duration_seconds", "histogram", "Time to answer a request (until the body starts), by route.")
        for route, row in sorted(latency.items()):
            label = _label(route)
            for i, bound in enumerate(BUCKETS):
                out.append(f'coopkg_http_request_duration_seconds_bucket{{endpoint="{label}",le="{bound:g}"}} {row[i]}')
            out.append(f'coopkg_http_request_duration_seconds_bucket{{endpoint="{label}",le="+Inf"}} {row[len(BUCKETS)]}')
            out.append(f'coopkg_http_request_duration_seconds_count{{endpoint="{label}"}} {row[len(BUCKETS)]}')
            out.append(f'coopkg_http_request_duration_seconds_sum{{endpoint="{label}"}} {row[len(BUCKETS) + 1]:.6f}')
        family("coopkg_http_requests_in_flight", "gauge", "Requests being answered now.")
        out.append(f"coopkg_http_requests_in_flight {in_flight}")

        figures = self.store_figures(store, data_dir)
        family("coopkg_query_timeouts_total", "counter", "Public SPARQL queries stopped at their time limit.")
        out.append(f"coopkg_query_timeouts_total {figures['query_timeouts']}")
        if figures["triples"] is not None:
            family("coopkg_store_triples", "gauge", "Quads in the store, every graph included.")
            out.append(f"coopkg_store_triples {figures['triples']}")
        if figures["disk_bytes"] is not None:
            family("coopkg_store_disk_bytes", "gauge", "Bytes the embedded store occupies on disk.")
            out.append(f"coopkg_store_disk_bytes {figures['disk_bytes']}")
        family("coopkg_store_generation", "counter", "Changes applied to the store since the service started.")
        out.append(f"coopkg_store_generation {figures['generation']}")
        family("coopkg_start_time_seconds", "gauge", "When the service started (Unix time).")
        out.append(f"coopkg_start_time_seconds {self.started:.3f}")
        return "\n".join(out) + "\n"


def _label(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def directory_bytes(path: Path) -> int:
    total = 0
    for root, _dirs, files in os.walk(path):
        if os.path.basename(root) == "snapshots":
            continue
        for name in files:
            try:
                total += os.lstat(os.path.join(root, name)).st_size
            except OSError:
                pass  # a file removed by compaction while we walk
    return total


def metrics_of(app) -> Metrics:
    return app.extensions["coopkg"].extras["metrics"]


def init_app(app) -> None:
    metrics = app.extensions["coopkg"].extras.setdefault("metrics", Metrics())

    @app.before_request
    def _begin():
        g.metrics_started = time.perf_counter()
        metrics.begin()

    @app.after_request
    def _observe(response):
        started = getattr(g, "metrics_started", None)
        if started is not None:
            route = request.url_rule.rule if request.url_rule is not None else UNMATCHED
            metrics.observe(route, request.method if request.method in _METHODS else "OTHER",
                            response.status_code, time.perf_counter() - started)
            g.metrics_started = None
        return response


_METHODS = {"GET", "HEAD", "POST", "PUT", "DELETE", "OPTIONS", "PATCH"}
