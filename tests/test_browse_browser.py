"""The pages in headless Chromium against a live `coopkg serve` on the browse fixture: search, open
an entity, switch language (remembered), follow a relation, filter the directory, see the network
drawn, and no serious accessibility violations (axe-core from /vendor/axe-core)."""
import re

import pytest

from browse_app import FIXTURE
from servers import CoopkgServer, run_cli
from browser_checks import serious_accessibility_violations

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    server = CoopkgServer(tmp_path_factory.mktemp("browse-browser") / "data", init=False)
    run_cli(["load", str(FIXTURE), "--quiet"], env=server.env, check=True)
    server.start()
    yield server
    server.stop()


def test_search_open_entity_switch_language_follow_relation(server, page):
    page.goto(server.url + "/?lang=id")
    page.fill("#site-search", "kopkun")
    page.press("#site-search", "Enter")
    page.wait_for_url(re.compile(r"/search\?q=kopkun"))
    first = page.locator("ol.results li a").first
    assert first.inner_text() == "Kopkun"
    first.click()
    page.wait_for_url(re.compile(r"/doc/org/kopkun$"))
    assert page.locator("h1").inner_text() == "Kopkun"
    assert "Koperasi konsumen di Purwokerto." in page.locator(".entity-summary").inner_text()
    # switch to English; the choice is remembered on pages opened afterwards
    page.click("a.lang-switch")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "A consumer cooperative in Purwokerto." in page.locator(".entity-summary").inner_text()
    page.locator("table.properties a", has_text="Purwokerto").first.click()
    page.wait_for_url(re.compile(r"/doc/place/purwokerto$"))
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Purwokerto"
    assert page.locator("h2#incoming").inner_text() == "Referred to by"


def test_directory_filter_by_province(server, page):
    page.goto(server.url + "/directory?class=Organisation&lang=en")
    total = lambda: int(page.locator("[data-total]").get_attribute("data-total"))  # noqa: E731
    before = total()
    page.locator('fieldset[data-facet="province"] a', has_text="Central Java").click()
    page.wait_for_url(re.compile(r"province=id%2Fplace%2Fjawa-tengah"))
    assert total() < before and total() == 2
    assert page.locator('fieldset[data-facet="province"] a[aria-current="true"]').count() == 1
    # the URL alone reproduces the filtered page
    shared = page.url
    page.goto(server.url + "/")
    page.goto(shared)
    assert total() == 2


def test_network_view_draws_nodes(server, page):
    page.set_viewport_size({"width": 390, "height": 800})  # a phone
    page.goto(server.url + "/network?focus=id/org/kopkun&lang=en")
    page.wait_for_selector("#network-canvas[data-rendered]", timeout=10000)
    assert int(page.locator("#network-canvas").get_attribute("data-rendered")) >= 5
    assert page.locator("#network-canvas canvas").count() >= 1
    assert page.locator("table.network-table tbody tr").count() >= 4


@pytest.mark.parametrize("path", ["/doc/org/kopkun", "/directory", "/search?q=kopkun", "/timeline",
                                  "/network?focus=id/org/kopkun", "/dataset", "/ontology", "/directory/overview"])
def test_no_serious_accessibility_violations(server, page, path):
    page.goto(server.url + path + ("&" if "?" in path else "?") + "lang=id")
    violations = serious_accessibility_violations(server, page)
    assert violations == [], violations
