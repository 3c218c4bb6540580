"""HTTP load: several clients (threads, one connection each) sending requests for a fixed time."""
import statistics
import threading
import time
from dataclasses import dataclass, field
from typing import Callable

import requests

#: a request as (method, url, keyword arguments for requests)
Request = tuple[str, str, dict]


@dataclass
class LoadResult:
    clients: int
    seconds: float
    completed: int = 0
    errors: int = 0
    latencies: list[float] = field(default_factory=list)
    error_samples: list[str] = field(default_factory=list)

    @property
    def qps(self) -> float:
        return self.completed / self.seconds if self.seconds else 0.0

    def as_dict(self) -> dict:
        return {"clients": self.clients, "seconds": round(self.seconds, 3), "completed": self.completed,
                "errors": self.errors, "qps": round(self.qps, 3), **percentiles(self.latencies),
                "error_samples": self.error_samples[:3]}


def percentiles(samples: list[float]) -> dict:
    """Median and 95th percentile in milliseconds (nearest rank)."""
    if not samples:
        return {"p50_ms": None, "p95_ms": None}
    ordered = sorted(samples)
    p95 = ordered[min(len(ordered) - 1, max(0, round(0.95 * len(ordered)) - 1))]
    return {"p50_ms": round(statistics.median(ordered) * 1000, 2), "p95_ms": round(p95 * 1000, 2)}


def send(session: requests.Session, request: Request, timeout: float = 120.0) -> requests.Response:
    method, url, kwargs = request
    return session.request(method, url, timeout=timeout, **kwargs)


def timed(session, request: Request, ok: Callable[[requests.Response], bool] = lambda r: r.status_code == 200,
          timeout: float = 120.0) -> tuple[float, requests.Response]:
    started = time.perf_counter()
    response = send(session, request, timeout)
    response.content  # noqa: B018  (read the whole body inside the timing)
    elapsed = time.perf_counter() - started
    if not ok(response):
        raise RuntimeError(f"{request[1][:120]} answered {response.status_code}: {response.text[:200]}")
    return elapsed, response


def sample_latency(requests_: list[Request], repeats: int, timeout: float = 120.0) -> list[float]:
    """Sequential latencies: every request `repeats` times, one after another, after one warm-up each."""
    session = requests.Session()
    for request in requests_:
        timed(session, request, timeout=timeout)
    out = []
    for _ in range(repeats):
        for request in requests_:
            out.append(timed(session, request, timeout=timeout)[0])
    return out


def run_load(requests_: list[Request], clients: int, duration: float, timeout: float = 120.0) -> LoadResult:
    """`clients` threads loop over the mix (each from its own offset) until `duration` has passed.

    A request in flight when time is up still counts once it ends; throughput is completed requests
    over the time until the last of them ended.
    """
    result = LoadResult(clients, 0.0)
    lock = threading.Lock()
    start_gate = threading.Barrier(clients + 1)
    stop_at = [0.0]

    def client(n: int):
        session = requests.Session()
        i = n * max(1, len(requests_) // max(clients, 1))
        start_gate.wait()
        while time.perf_counter() < stop_at[0]:
            request = requests_[i % len(requests_)]
            i += 1
            try:
                elapsed, _ = timed(session, request, timeout=timeout)
                with lock:
                    result.completed += 1
                    result.latencies.append(elapsed)
            except Exception as exc:  # a failed request is counted and reported, not fatal
                with lock:
                    result.errors += 1
                    if len(result.error_samples) < 3:
                        result.error_samples.append(str(exc)[:300])

    threads = [threading.Thread(target=client, args=(n,), daemon=True) for n in range(clients)]
    for t in threads:
        t.start()
    started = time.perf_counter()
    stop_at[0] = started + duration
    start_gate.wait()
    for t in threads:
        t.join()
    result.seconds = time.perf_counter() - started
    return result
