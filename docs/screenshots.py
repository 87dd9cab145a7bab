"""Screenshots of the three doors for docs/: Swagger UI, ReDoc and the admin.

    .venv/bin/python manage.py runserver 127.0.0.1:8020 &       # with the demo articles
    .venv/bin/python docs/screenshots.py http://127.0.0.1:8020 USERNAME PASSWORD

Uses Debian's Chromium through Playwright, as the browser tests do.
"""

from __future__ import annotations

import shutil
import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).parent / "screenshots"


def main(base: str, username: str, password: str) -> None:
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=chromium, args=["--headless=new", "--no-sandbox"]
        )
        page = browser.new_page(viewport={"width": 1366, "height": 850})
        page.goto(f"{base}/api/docs/")
        page.locator(".opblock").first.wait_for()
        page.screenshot(path=OUT / "swagger-ui.png")
        page.goto(f"{base}/api/redoc/")
        page.locator("h1").first.wait_for()
        page.wait_for_timeout(1500)
        page.screenshot(path=OUT / "redoc.png")
        page.goto(f"{base}/admin/login/")
        page.fill("#id_username", username)
        page.fill("#id_password", password)
        page.click("input[type=submit]")
        page.goto(f"{base}/admin/articles/article/")
        page.screenshot(path=OUT / "admin-articles.png")
        page.goto(f"{base}/admin/articles/article/?q=glaciers")
        page.screenshot(path=OUT / "admin-search.png")
        first = page.locator("#result_list tbody th a").first.get_attribute("href").split("?")[0]
        page.goto(f"{base}{first}")
        page.wait_for_timeout(2000)  # the body's rich text editor starts
        page.screenshot(path=OUT / "admin-edit.png")
        page.goto(f"{base}{first.removesuffix('change/')}preview/")
        page.screenshot(path=OUT / "admin-preview.png", full_page=True)
        browser.close()


if __name__ == "__main__":
    main(*sys.argv[1:4])
