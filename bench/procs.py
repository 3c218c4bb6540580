"""The processes a benchmark runs: `coopkg serve`, the bare Oxigraph server, and their memory."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

import psutil
import requests

BIN = Path(sys.executable).parent
COOPKG = str(BIN / "coopkg") if (BIN / "coopkg").exists() else shutil.which("coopkg")
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")
ASK = "ASK {}"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def run(args, *, env=None, check=True, log: Path | None = None) -> float:
    """Run a command to its end; returns wall-clock seconds. Output goes to `log` (or is discarded)."""
    started = time.perf_counter()
    with open(log, "ab") if log else open(os.devnull, "wb") as out:
        code = subprocess.call(args, env=env, stdout=out, stderr=subprocess.STDOUT)
    elapsed = time.perf_counter() - started
    if check and code != 0:
        tail = log.read_text(errors="replace")[-2000:] if log else ""
        raise RuntimeError(f"{' '.join(map(str, args))} exited with {code}\n{tail}")
    return elapsed


class Server:
    """A server child process; `ready_url` answers once it can serve queries."""

    def __init__(self, name: str, args: list[str], url: str, ready_url: str, env=None, log: Path | None = None):
        self.name, self.url, self.ready_url = name, url, ready_url
        self.log = log
        self.started = time.perf_counter()
        out = open(log, "ab") if log else subprocess.DEVNULL
        self.process = subprocess.Popen(args, env=env, stdout=out, stderr=subprocess.STDOUT)
        self.ready_after: float | None = None

    def wait_ready(self, timeout: float = 120.0, accept=lambda r: r.status_code == 200) -> float:
        """Seconds from spawning the process to the first accepted answer of `ready_url`."""
        deadline = self.started + timeout
        session = requests.Session()
        while time.perf_counter() < deadline:
            if self.process.poll() is not None:
                tail = self.log.read_text(errors="replace")[-2000:] if self.log else ""
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}\n{tail}")
            try:
                if accept(session.get(self.ready_url, timeout=5, headers={"Accept": "application/sparql-results+json"})):
                    self.ready_after = time.perf_counter() - self.started
                    return self.ready_after
            except requests.RequestException:
                pass
            time.sleep(0.01)
        raise RuntimeError(f"{self.name} did not answer {self.ready_url} within {timeout:.0f} s")

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.stop()


def coopkg_server(data_dir: Path, *, env: dict | None = None, threads: int = 16, log: Path | None = None,
                  ready_path: str = "/health") -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = {**os.environ, "COOPKG_DATA_DIR": str(data_dir), **(env or {})}
    return Server("coopkg serve", [COOPKG, "serve", "--port", str(port), "--threads", str(threads)], url,
                  url + ready_path, env=env, log=log)


def bare_server(location: Path, *, log: Path | None = None) -> Server:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    args = [OXIGRAPH, "serve-read-only", "--location", str(location), "--bind", f"127.0.0.1:{port}",
            "--union-default-graph"]
    return Server("oxigraph serve-read-only", args, url, f"{url}/query?query={ASK}", log=log)


def wait_idle(pid: int, *, below: float = 10.0, window: float = 2.0, timeout: float = 900.0) -> float:
    """Seconds until a process's own CPU use stays under `below` % for `window` seconds: a service
    that builds indexes in the background after start-up is measured once they are built."""
    started = time.perf_counter()
    process = psutil.Process(pid)
    while time.perf_counter() - started < timeout:
        if process.cpu_percent(interval=window) < below:
            break
    return time.perf_counter() - started


def tree_rss(pid: int) -> int:
    """Resident bytes of a process and all its descendants (query workers, the fork server)."""
    try:
        root = psutil.Process(pid)
        procs = [root] + root.children(recursive=True)
    except psutil.Error:
        return 0
    total = 0
    for proc in procs:
        try:
            total += proc.memory_info().rss
        except psutil.Error:
            pass
    return total


class PeakRss:
    """Samples a process tree's resident memory in a thread; `peak` is the largest sum seen."""

    def __init__(self, pid: int, interval: float = 0.1):
        self.pid, self.interval, self.peak = pid, interval, 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._sample, daemon=True)

    def _sample(self):
        while not self._stop.is_set():
            self.peak = max(self.peak, tree_rss(self.pid))
            self._stop.wait(self.interval)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self.peak = max(self.peak, tree_rss(self.pid))
