"""The query page in headless Chromium: type a query in YASGUI, run it, see rows, download results,
open an example, follow a share link."""
from urllib.parse import parse_qs, urlparse

import pytest
from browser_checks import serious_accessibility_violations

pytestmark = pytest.mark.browser

QUERY = ("PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>\n"
         "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label } ORDER BY ?label LIMIT 7")


def editor_value(page) -> str:
    return page.evaluate("document.querySelector('.CodeMirror').CodeMirror.getValue()")


def open_editor(page, url):
    problems = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on("console", lambda message: problems.append(message.text)
            if message.type == "error" and "Content Security Policy" in message.text else None)
    page.goto(url)
    page.wait_for_selector(".CodeMirror", timeout=15000)
    return problems


def run_and_count_rows(page) -> int:
    page.locator(".yasqe_queryButton").click()
    page.wait_for_selector(".yasr table tbody tr", timeout=15000)
    return page.locator(".yasr table tbody tr").count()


def test_type_run_see_rows_and_download(live_server, page):
    problems = open_editor(page, live_server.url + "/query?lang=en")
    assert page.locator("#plain-query-form").is_hidden()  # the editor replaced the plain form
    starter = editor_value(page)  # prefixes prefilled, and a first question
    assert "PREFIX ckg: <https://w3id.org/coopkg/ontology#>" in starter and "ckg:Organisation" in starter
    page.locator(".CodeMirror").click()
    page.keyboard.press("Control+A")
    page.keyboard.press("Delete")
    page.keyboard.type(QUERY.replace("\n", " "))
    assert "?thing rdfs:label ?label" in editor_value(page)
    assert run_and_count_rows(page) == 7

    with page.expect_download() as download_info:
        page.locator('a.download[data-format="csv"]').click()
    download = download_info.value
    assert download.suggested_filename == "coopkg-results.csv"
    lines = open(download.path(), encoding="utf-8").read().strip().splitlines()
    assert lines[0] == "thing,label" and len(lines) == 8

    with page.expect_download() as download_info:
        page.locator('a.download[data-format="json"]').click()
    assert download_info.value.suggested_filename == "coopkg-results.srj"
    assert not problems, problems


def test_example_opens_in_the_editor_and_returns_rows(live_server, page):
    open_editor(page, live_server.url + "/query?lang=en")
    example = page.locator("li.example").filter(has_text="Who holds which position")
    expected = example.locator("pre.example-query").text_content()
    example.locator("a.open-example").click()
    assert editor_value(page).strip() == expected.strip()
    assert "example=07-who-holds-which-position" in page.url
    assert run_and_count_rows(page) > 0


def test_share_link_reopens_the_query(live_server, page, browser):
    open_editor(page, live_server.url + "/query?lang=en")
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)", QUERY)
    link = page.locator("#share-link").input_value()
    assert parse_qs(urlparse(link).query)["query"] == [QUERY]

    other = browser.new_context().new_page()
    try:
        open_editor(other, link)
        assert editor_value(other) == QUERY
        assert run_and_count_rows(other) == 7
    finally:
        other.context.close()


def test_graph_queries_offer_graph_downloads(live_server, page):
    open_editor(page, live_server.url + "/query?lang=en")
    page.evaluate("text => document.querySelector('.CodeMirror').CodeMirror.setValue(text)",
                  "CONSTRUCT WHERE { ?s a <https://w3id.org/coopkg/ontology#Workshop> }")
    assert page.locator('#downloads span[data-kind="graph"]').is_visible()
    assert page.locator('#downloads span[data-kind="bindings"]').is_hidden()
    with page.expect_download() as download_info:
        page.locator('a.download[data-format="turtle"]').click()
    assert download_info.value.suggested_filename == "coopkg-results.ttl"
    assert "Workshop" in open(download_info.value.path(), encoding="utf-8").read()


def test_no_serious_accessibility_violations(live_server, page):
    open_editor(page, live_server.url + "/query?lang=id")
    violations = serious_accessibility_violations(live_server, page)
    assert violations == [], violations
