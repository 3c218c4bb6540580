"""In headless Chromium: a maintainer logs in, reviews the links proposed from a partner spreadsheet
on /review/links, accepts the pre-selected clear matches, publishes, and the link is on the entity's
public page; the review page has no serious accessibility violations."""
from pathlib import Path

import pytest

from coopkg.graph import linksets, partners
from coopkg.graph.accounts import Accounts
from coopkg.graph.bootstrap import initialise
from coopkg.graph.store import EmbeddedStore
from servers import CoopkgServer
from browser_checks import serious_accessibility_violations

pytestmark = pytest.mark.browser
FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASSWORD = "correct horse battery"
PARTNER = "dinkop-jateng"


@pytest.fixture
def server(tmp_path):
    data = tmp_path / "data"
    server = CoopkgServer(data, init=False)
    with EmbeddedStore(data / "store", min_workers=0, max_workers=1) as store:
        initialise(store)  # what `coopkg init` does, without one more process
        partners.add_partner(store, PARTNER, title="Mitra Ekosistem Koperasi Jawa Tengah",
                             namespace="https://data.dinkop.jatengprov.example/mitra/")
        partners.import_file(store, PARTNER, FIXTURES / "partner_registry.csv",
                             FIXTURES / "partner_registry.mapping.json")
        linksets.propose(store, data, PARTNER)
    Accounts(data).create_user("rina", PASSWORD)
    server.start()
    yield server
    server.stop()


def test_review_accept_publish_and_see_the_link(server, page):
    page.goto(server.url + f"/review/links/{PARTNER}?lang=en")
    page.fill("#f-name", "rina")
    page.fill("#f-password", PASSWORD)
    page.click("button[type=submit]:has-text('Log in')")
    table = page.locator("table.link-review")
    table.wait_for()
    assert "Bappenas" in table.inner_text()
    assert serious_accessibility_violations(server, page) == []

    # Clear matches come pre-selected; the maintainer leaves them and accepts.
    page.click("button[type=submit]:has-text('Accept (owl:sameAs)')")
    page.locator("[role=status]", has_text="decided").wait_for()
    page.goto(server.url + f"/review/links/{PARTNER}?status=accepted&lang=en")
    assert "Badan Perencanaan Pembangunan Nasional" in page.locator("table.link-review").inner_text()
    page.click("button[type=submit]:has-text('Publish the linkset')")
    page.locator("[role=status]", has_text="published").wait_for()

    page.goto(server.url + "/doc/org/bappenas?lang=en")
    assert "data.dinkop.jatengprov.example/mitra/JTG-0020" in page.content()
