"""Shared fixtures: a live `coopkg serve` on the curated graph, a bare Oxigraph server, Chromium."""
import os
import shutil

import pytest

from servers import CoopkgServer, OxigraphServer

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def live_server(tmp_path_factory):
    """One read-mostly server on the curated graph, shared by the whole session.

    Tests that write (contributions, graph store) should use their own graphs or `fresh_server`.
    """
    server = CoopkgServer(tmp_path_factory.mktemp("live") / "data",
                          env={"COOPKG_QUERY_TIMEOUT": "5"}).start()
    yield server
    server.stop()


@pytest.fixture
def fresh_server(tmp_path):
    """A server of its own, for tests that kill, restart or rewrite it."""
    servers = []

    def start(env=None, init=True):
        server = CoopkgServer(tmp_path / f"data{len(servers)}", env=env, init=init).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.stop()


@pytest.fixture
def oxigraph_server(tmp_path):
    server = OxigraphServer(tmp_path / "oxigraph")
    yield server
    server.stop()


@pytest.fixture(scope="session")
def browser():
    playwright_sync = pytest.importorskip("playwright.sync_api")
    if not os.path.exists(CHROMIUM):
        pytest.fail("Debian chromium is not installed; `make test` installs it")
    with playwright_sync.sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context()
    page = context.new_page()
    yield page
    context.close()
