"""Screenshots of the main pages for docs/linked-data.md: `python docs/screenshots/take.py URL`
against a running `coopkg serve` (Debian chromium through Playwright)."""
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

PAGES = {
    "entity": "/doc/org/kopkun-institute?lang=id",
    "directory": "/directory?class=Organisation&lang=id",
    "search": "/search?q=kopkun&lang=en",
    "network": "/network?focus=id/event/meretas-era-baru-koperasi-2018&lang=en",
    "timeline": "/timeline?lang=id",
    "dataset": "/dataset?lang=en",
}


def main(base: str) -> None:
    out = Path(__file__).parent
    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path="/usr/bin/chromium", args=["--no-sandbox", "--headless"])
        page = browser.new_page(viewport={"width": 1200, "height": 900})
        for name, path in PAGES.items():
            page.goto(base + path)
            if name == "network":
                page.wait_for_selector("#network-canvas[data-rendered]", timeout=10000)
            page.screenshot(path=str(out / f"{name}.png"))
        browser.close()


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8080")
