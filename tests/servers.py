"""Real servers for tests: `coopkg serve` and the Oxigraph server, on free loopback ports."""
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import requests

BIN = Path(sys.executable).parent
COOPKG = str(BIN / "coopkg")
OXIGRAPH = shutil.which("oxigraph", path=str(BIN)) or shutil.which("oxigraph")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, process: subprocess.Popen, timeout: float = 30.0, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}: {log.read_text() if log else ''}")
        try:
            requests.get(url, timeout=1)  # any answer, even 503, means the server is up
            return
        except requests.RequestException:
            pass
        time.sleep(0.05)
    raise RuntimeError(f"server at {url} did not start within {timeout} s")


class CoopkgServer:
    """`coopkg serve` on a data directory, as a child process."""

    def __init__(self, data_dir: Path, env: dict | None = None, init: bool = True):
        self.data_dir = Path(data_dir)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.env = {**os.environ, "COOPKG_DATA_DIR": str(self.data_dir), **(env or {})}
        self.log = self.data_dir.parent / f"serve-{self.port}.log"
        self.process = None
        if init:
            run_cli(["init"], env=self.env, check=True)

    def start(self) -> "CoopkgServer":
        self.data_dir.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen([COOPKG, "serve", "--port", str(self.port)], env=self.env,
                                        stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        wait_for(self.url + "/health", self.process, log=self.log)
        return self

    def stop(self, sig=signal.SIGTERM) -> None:
        if self.process and self.process.poll() is None:
            self.process.send_signal(sig)
            try:
                self.process.wait(15)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
        self.process = None

    def kill(self) -> None:
        self.stop(signal.SIGKILL)


class OxigraphServer:
    """A bare Oxigraph SPARQL server (read-write), the reference remote store."""

    def __init__(self, location: Path, union_default_graph: bool = True):
        self.location = Path(location)
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.query_url, self.update_url, self.gsp_url = self.url + "/query", self.url + "/update", self.url + "/store"
        args = [OXIGRAPH, "serve", "--location", str(self.location), "--bind", f"127.0.0.1:{self.port}"]
        if union_default_graph:
            args.append("--union-default-graph")
        self.log = self.location.parent / f"oxigraph-{self.port}.log"
        self.process = subprocess.Popen(args, stdout=open(self.log, "ab"), stderr=subprocess.STDOUT)
        wait_for(self.url + "/query?query=ASK%7B%7D", self.process, log=self.log)

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


def run_cli(args, *, env=None, input=None, check=False, timeout=300) -> subprocess.CompletedProcess:
    result = subprocess.run([COOPKG, *args], env=env, input=input, capture_output=True, text=True,
                            timeout=timeout)
    if check and result.returncode != 0:
        raise AssertionError(f"coopkg {' '.join(args)} exited {result.returncode}:\n{result.stderr}")
    return result
