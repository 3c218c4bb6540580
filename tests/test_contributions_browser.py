"""In headless Chromium: a contributor submits an event through the form (picking the city from the
autocomplete), sees the error, fixes it; a maintainer logs in, accepts it in /review, and the event is
on its public page."""
import pytest

from coopkg.graph.accounts import Accounts
from servers import CoopkgServer
from browser_checks import serious_accessibility_violations

pytestmark = pytest.mark.browser
PASSWORD = "correct horse battery"


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    server = CoopkgServer(data)
    Accounts(data).create_user("rina", PASSWORD)
    server.start()
    yield server
    server.stop()


def test_submit_fix_accept_and_see_it_published(server, page):
    page.goto(server.url + "/contribute?kind=event&lang=en")
    page.select_option("#f-type", label="Workshop")
    page.fill("#f-name", "Lokakarya Peramban")
    page.fill("#f-start", "2019-08-10")
    page.fill("#f-end", "2019-08-01")
    page.type("#f-city", "Purwok", delay=30)
    page.locator("#city-list li", has_text="Purwokerto").first.click()
    assert page.input_value("input[name=city_iri]") == "https://w3id.org/coopkg/id/place/purwokerto"
    page.fill("#f-contributor_name", "Peramban Tester")
    page.fill("#f-contributor_contact", "peramban@example.org")
    page.click("button[type=submit]:has-text('Submit contribution')")

    report = page.locator(".validation-report")
    report.wait_for()
    assert "Lokakarya Peramban" in report.inner_text()
    assert "end date" in report.inner_text().lower()
    assert page.input_value("#f-name") == "Lokakarya Peramban"  # kept for fixing
    assert serious_accessibility_violations(server, page) == []

    page.fill("#f-end", "2019-08-12")
    page.click("button[type=submit]:has-text('Submit contribution')")
    page.locator("h1", has_text="Thank you").wait_for()

    page.goto(server.url + "/review?lang=en")
    page.fill("#f-name", "rina")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    page.locator("table.review-queue").wait_for()
    row = page.locator("table.review-queue tr", has_text="Peramban Tester")
    row.locator("a").first.click()
    diff = page.locator("table.diff").first
    diff.wait_for()
    assert "Lokakarya Peramban" in diff.inner_text() and "Purwokerto" in diff.inner_text()
    assert serious_accessibility_violations(server, page) == []
    page.click("button:has-text('Accept')")
    page.locator("h1 .state", has_text="Accepted").wait_for()

    page.goto(server.url + "/id/event/lokakarya-peramban?lang=en")
    assert "Lokakarya Peramban" in page.locator("main").inner_text()
