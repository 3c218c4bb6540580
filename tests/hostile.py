"""Tools for the security, load and fault tests: raw HTTP over a socket, and a loopback listener
that records every connection it receives (the service must make none)."""
import socket
import threading
import time
from urllib.parse import urlsplit


def raw_http(url: str, request: bytes, timeout: float = 10.0, half_close: bool = False) -> tuple[int, dict, bytes]:
    """Send bytes exactly as given (no client-side cleaning) and parse the reply. `half_close` ends
    our side after sending, for requests a server would otherwise wait to see completed."""
    parts = urlsplit(url)
    with socket.create_connection((parts.hostname, parts.port), timeout=timeout) as sock:
        sock.sendall(request)
        if half_close:
            sock.shutdown(socket.SHUT_WR)
        chunks = []
        while True:
            try:
                chunk = sock.recv(65536)
            except (ConnectionResetError, socket.timeout):
                break
            if not chunk:
                break
            chunks.append(chunk)
    data = b"".join(chunks)
    head, _, body = data.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    status = int(lines[0].split()[1]) if lines and len(lines[0].split()) > 1 else 0
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(b":")
        headers.setdefault(name.decode("latin-1").strip().lower(), []).append(value.decode("latin-1").strip())
    return status, headers, body


def get(url: str, target: bytes, extra: bytes = b"", method: bytes = b"GET") -> tuple[int, dict, bytes]:
    host = urlsplit(url).netloc.encode()
    return raw_http(url, method + b" " + target + b" HTTP/1.1\r\nHost: " + host + b"\r\n" + extra
                    + b"Connection: close\r\n\r\n")


class Listener:
    """A TCP server on 127.0.0.1 that accepts and records connections; a fetch of any URL naming it
    shows up in `received`."""

    def __init__(self):
        self.sock = socket.socket()
        self.sock.bind(("127.0.0.1", 0))
        self.sock.listen(16)
        self.sock.settimeout(0.1)
        self.port = self.sock.getsockname()[1]
        self.url = f"http://127.0.0.1:{self.port}"
        self.received: list[bytes] = []
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._serve, daemon=True)
        self._thread.start()

    def _serve(self):
        while not self._stop.is_set():
            try:
                conn, _ = self.sock.accept()
            except socket.timeout:
                continue
            except OSError:
                return
            with conn:
                conn.settimeout(1)
                try:
                    data = conn.recv(4096)
                except OSError:
                    data = b"(connection without data)"
                self.received.append(data or b"(empty connection)")

    def settle(self, seconds: float = 0.3) -> list[bytes]:
        """Give a late fetch a moment to arrive, then report what came in."""
        time.sleep(seconds)
        return list(self.received)

    def close(self):
        self._stop.set()
        self._thread.join(2)
        self.sock.close()
