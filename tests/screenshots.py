"""Remake docs/screenshots/: each kind of page of the seed edition at 1280 px and at 390 px, in chromium.

    .venv/bin/python -m tests.screenshots

It builds the seed site into a temporary folder, serves it under /REPO/ as GitHub Pages would, and writes
<kind>-1280.png and <kind>-390.png (the first screen of each page).
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from generator.errors import Problems
from generator.build.site import build

from .browser import chromium_path
from .pages_server import pages_server

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "docs" / "screenshots"
PAGES = {
    "home": "",
    "cable": "cables/07BEIJING3239/",
    "cable-2": "cables/07BEIJING6872/",
    "original-text": "cables/07BEIJING3239/source.html",
    "thread": "threads/scrs-beijing-2007/",
    "tags": "tags/",
    "tag": "tags/PREL/",
    "people": "people/",
    "search": "search/?q=workshop",
    "about": "about/",
}
SIZES = ((1280, 800), (390, 844))


def main() -> int:
    from playwright.sync_api import sync_playwright

    OUT.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp, pages_server("/REPO/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/REPO"
        site = Path(tmp) / "site"
        problems = build(ROOT / "content", site, Problems(), base_url=base)
        if problems.errors:
            print("\n".join(str(p) for p in problems), file=sys.stderr)
            return 1
        mount(site)
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=chromium_path(), args=["--no-sandbox"])
            for width, height in SIZES:
                for kind, path in PAGES.items():
                    page = browser.new_page(viewport={"width": width, "height": height})
                    page.goto(f"{base}/{path}", wait_until="networkidle")
                    if "search" in kind:
                        page.wait_for_selector(".result", timeout=10000)
                    page.screenshot(path=str(OUT / f"{kind}-{width}.png"))
                    page.close()
            browser.close()
    print(f"wrote {len(list(OUT.glob('*.png')))} screenshots to {OUT.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
