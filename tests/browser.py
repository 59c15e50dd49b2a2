"""Headless Chromium for tests: the system's chromium (Debian's package), driven by Playwright.

Where chromium is missing, browser tests skip with the reason, unless REQUIRE_BROWSER=1 (CI sets it),
in which case they fail: a CI run must never pass by skipping them.
"""

from __future__ import annotations

import os
import shutil

import pytest

ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    # Debian's chromium first; then Chrome, which GitHub's Ubuntu runners carry (their chromium-browser may
    # be a stub that asks for a snap).
    names = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
    path = os.environ.get("CHROMIUM") or next((p for p in map(shutil.which, names) if p), None)
    if not path:
        message = ("no chromium on PATH: install Debian's package (apt-get install chromium) or set CHROMIUM "
                   "to its path")
        if os.environ.get("REQUIRE_BROWSER") == "1":
            pytest.fail(message + " (REQUIRE_BROWSER=1)")
        pytest.skip(message)
    return path


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        yield b
        b.close()
