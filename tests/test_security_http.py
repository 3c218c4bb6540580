"""Hostile HTTP against a live `coopkg serve`: security headers, invalid UTF-8, path traversal,
header injection, oversized bodies and malformed requests. None of it may yield a 500 or kill it."""
import pytest
import requests

from hostile import get, raw_http

HTML = {"Accept": "text/html,application/xhtml+xml"}


def alive(server):
    assert requests.get(server.url + "/health", timeout=10).status_code == 200


@pytest.mark.parametrize("path", ["/", "/no-such-page", "/health"])
def test_security_headers(live_server, path):
    response = requests.get(live_server.url + path, headers=HTML, timeout=10)
    assert response.headers["X-Content-Type-Options"] == "nosniff"
    assert response.headers["X-Frame-Options"] == "DENY"
    if response.headers["Content-Type"].startswith("text/html"):
        csp = response.headers["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp
        assert "unsafe-eval" not in csp and "script-src 'self' 'unsafe-inline'" not in csp
        assert "object-src 'none'" in csp


def test_html_error_pages_escape_what_the_client_sent(live_server):
    payload = "<script>alert(1)</script>"
    response = requests.get(live_server.url + "/" + payload, headers=HTML, timeout=10)
    assert response.status_code == 404
    assert "<script>alert(1)" not in response.text
    status, _, body = get(live_server.url, b"/", method=b"X<svg/onload=alert(1)>",
                          extra=b"Accept: text/html\r\n")
    assert 400 <= status < 500
    assert b"<svg/onload" not in body


@pytest.mark.parametrize("path, params", [
    ("/query", {"query": '</textarea><script>alert(1)</script>"><img src=x onerror=alert(1)>'}),
    ("/query", {"example": "<script>alert(1)</script>"}),
    ("/search", {"q": '"><script>alert(1)</script>'}),
    ("/directory", {"q": "<script>alert(1)</script>", "province": "<script>alert(1)</script>"}),
    ("/sparql", {"query": "SELECT * WHERE { <script>alert(1)</script> }"}),
    ("/sparql", {"query": "ASK {}", "format": "<script>alert(1)</script>"}),
    ("/reconcile/preview", {"id": "<script>alert(1)</script>"}),
    ("/contribute", {"kind": "correction", "q": "<script>alert(1)</script>"}),
])
def test_reflected_input_is_escaped(live_server, path, params):
    response = requests.get(live_server.url + path, params=params, headers=HTML, timeout=20)
    assert response.status_code < 500, (path, response.status_code)
    assert "<script>alert(1)" not in response.text and "<img src=x" not in response.text


@pytest.mark.parametrize("target", [
    b"/%ff%fe", b"/?q=%ff%fe%80", b"/health?x=%c0%af", b"/\xff\xfe", b"/?lang=%ff", b"/metrics?x=%00",
    b"/vendor/yasgui/%ff.js", b"/%ed%a0%80",
])
def test_invalid_utf8_and_nul_in_urls_are_client_errors(live_server, target):
    status, _, _ = get(live_server.url, target, extra=b"Accept: text/html\r\n")
    assert 0 < status < 500
    status, _, _ = get(live_server.url, target, extra=b"Accept: application/json\r\n")
    assert 0 < status < 500


@pytest.mark.parametrize("target", [
    b"/vendor/yasgui/../../../package.json", b"/vendor/yasgui/..%2f..%2f..%2fpackage.json",
    b"/vendor/yasgui/%2e%2e/%2e%2e/%2e%2e/package.json", b"/vendor/yasgui/..%5c..%5c..%5cpackage.json",
    b"/vendor/yasgui/%252e%252e/%252e%252e/package.json", b"/vendor/..%2f..%2fpyproject.toml",
    b"/vendor/yasgui//etc/passwd", b"/vendor/yasgui/%2fetc%2fpasswd", b"/static/../../pyproject.toml",
    b"/static/%2e%2e/%2e%2e/pyproject.toml", b"/vendor/axe-core/..%00/package.json", b"//evil.example/x",
    b"/\\evil.example/x", b"/id/..%2f..%2f..%2fpyproject.toml", b"/doc/../../../etc/passwd",
    b"/dataset/dump.%2e%2e%2fsecret_key", b"/dataset/dump.nq%2f..%2f..%2fsecret_key", b"/graph-store/..%2f..%2fsecret_key",
    b"/ontology.%2e%2e%2f%2e%2e%2fsecret_key", b"/static/..%2f..%2f..%2fvar%2fsecret_key", b"/concept/..%2f..%2fetc/passwd",
    b"/vendor/yasgui/" + b"..%2f" * 20 + b"etc/passwd", b"/review/..%2f..%2faccounts.sqlite",
])
def test_path_traversal_reads_nothing_outside(live_server, target):
    status, headers, body = get(live_server.url, target)
    secret = (live_server.data_dir / "secret_key").read_bytes().strip()
    assert secret not in body and b"SQLite format 3" not in body
    if 300 <= status < 400:  # e.g. merged slashes: only ever to a path on this site
        location = headers["location"][0]
        assert location.startswith(("/", live_server.url + "/")) and not location.startswith(("//", "/\\")), location
    else:
        assert status in (400, 403, 404), (target, status)
    for secret in (b"root:x:0:0", b'"name": "coopkg"', b"[build-system]", b"@zazuko/yasgui"):
        assert secret not in body


def test_header_injection_through_parameters_and_headers(live_server):
    # A CR/LF in a reflected parameter must not start a new header.
    status, headers, _ = get(live_server.url, b"/?lang=en%0d%0aSet-Cookie:%20injected=1")
    assert status < 500
    assert not any("injected" in v for v in headers.get("set-cookie", []))
    status, headers, _ = get(live_server.url, b"/health", extra=b"X-Request-Id: abc\rSet-Cookie: injected=1\r\n")
    assert not any("injected" in v for v in headers.get("set-cookie", []))
    for value in (b"x" * 8000, b"text/html;q=" + b"9" * 500, b"*/*;q=0.5;" * 300, b"\xff\xfe/\xfe",
                  b"text/html, , ,;;;,;q=", b"application/json;q=nan, text/html;q=inf"):
        status, headers, _ = get(live_server.url, b"/", extra=b"Accept: " + value + b"\r\n")
        assert 0 < status < 500, value[:40]
        status, _, _ = get(live_server.url, b"/health", extra=b"Accept-Language: " + value + b"\r\n")
        assert 0 < status < 500
    alive(live_server)


def test_oversized_bodies_get_413(live_server):
    status, _, _ = raw_http(live_server.url, b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
                            b"Content-Length: 999999999999\r\nConnection: close\r\n\r\nabc")
    assert status == 413
    alive(live_server)


@pytest.mark.parametrize("request_bytes", [
    b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + b"\x00" * 64,  # a TLS hello on the plain port
    b"GET\r\n\r\n", b"GET / HTTP/9.9\r\nHost: x\r\n\r\n", b"GET / HTTP/1.1\r\n" + b"X: y\r\n" * 2000 + b"\r\n",
    b"GET / HTTP/1.1\r\nHost: x\r\nX-Long: " + b"a" * 300_000 + b"\r\n\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\n",
    b"POST /health HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nContent-Length: 7\r\n\r\nabcde",
])
def test_malformed_requests_do_not_hurt(live_server, request_bytes):
    status, _, _ = raw_http(live_server.url, request_bytes, timeout=5, half_close=True)
    assert status == 0 or status < 500 or status == 505
    alive(live_server)


@pytest.mark.parametrize("target", [
    b"/id/org/%22%3C%3E", b"/doc/org/%22%3C%3E", b"/id/org/a%20b", b"/network.json?focus=%22%3C%3E",
    b"/contribute/suggest?scheme=%22%3C%3E&q=x", b"/contribute?kind=correction&entity=%22%3C%3E",
    b"/reconcile/preview?id=%22", b"/reconcile/flyout?id=%22%3C%3E", b"/graph-store?graph=%22%3C%3E",
])
def test_addresses_that_are_not_iris_are_client_errors(live_server, target):
    for accept in (b"text/html", b"application/json", b"text/turtle"):
        status, _, _ = get(live_server.url, target, extra=b"Accept: " + accept + b"\r\n")
        assert 0 < status < 500, (target, accept, status)


@pytest.mark.parametrize("path, body, content_type", [
    ("/api/contributions", b"[" * 100_000, "application/json"),
    ("/api/contributions", b'{"add": ' * 50_000, "application/json"),
    ("/reconcile", b"queries=" + b"%5B" * 100_000, "application/x-www-form-urlencoded"),
    ("/reconcile", b"extend=" + b"%7B%22a%22%3A" * 50_000, "application/x-www-form-urlencoded"),
    ("/reconcile", b"query=%7B%22query%22%3A" + b"%5B" * 100_000, "application/x-www-form-urlencoded"),
])
def test_deeply_nested_json_is_a_client_error(live_server, path, body, content_type):
    response = requests.post(live_server.url + path, data=body, headers={"Content-Type": content_type}, timeout=30)
    assert 400 <= response.status_code < 500, (path, response.status_code, response.text[:200])
    alive(live_server)
