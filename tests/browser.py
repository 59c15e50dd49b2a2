"""The external checkers the quality tests run: the system's chromium (driven by Playwright), Java with the Nu
HTML checker, and axe-core (both from npm, see package.json).

`make test` installs all of them. Where one is missing the tests that need it fail with a message saying how
to install it; they skip instead only when SKIP_EXTERNAL_CHECKS=1 is set, a choice made on purpose (a machine
without chromium, Java or Node), never by accident in CI.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SKIP_FLAG = "SKIP_EXTERNAL_CHECKS"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run", "--disable-dev-shm-usage"]


def missing(what: str, how: str) -> None:
    """Fail (or skip, where SKIP_EXTERNAL_CHECKS=1) for want of a checker."""
    if os.environ.get(SKIP_FLAG) == "1":
        pytest.skip(f"{what} is not installed ({SKIP_FLAG}=1)")
    pytest.fail(f"{what} is not installed: {how}, or run `make test`, which installs it. "
                f"To skip these checks on purpose, set {SKIP_FLAG}=1.", pytrace=False)


def jing_command(schema: Path) -> list[str]:
    """jing (Debian's package) with a RELAX NG schema, up to the files to check."""
    jing = shutil.which("jing")
    if not jing:
        missing("jing", "apt-get install jing")
    return [jing, str(schema)]


def chromium_path() -> str:
    # Debian's chromium first; then Chrome, which GitHub's Ubuntu runners carry (their chromium-browser may
    # be a stub that asks for a snap).
    names = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
    path = os.environ.get("CHROMIUM") or next((p for p in map(shutil.which, names) if p), None)
    if not path:
        missing("chromium", "apt-get install chromium (or set CHROMIUM to a Chrome or Chromium binary)")
    return path


def vnu_command() -> list[str]:
    """The Nu HTML checker's command line, up to its options."""
    jar = ROOT / "node_modules" / "vnu-jar" / "build" / "dist" / "vnu.jar"
    java = shutil.which("java")
    if not java:
        missing("java", "apt-get install default-jre-headless")
    if not jar.is_file():
        missing("the Nu HTML checker (vnu-jar)", "npm ci")
    return [java, "-Xss4m", "-jar", str(jar)]


def axe_script() -> Path:
    path = ROOT / "node_modules" / "axe-core" / "axe.min.js"
    if not path.is_file():
        missing("axe-core", "npm ci")
    return path


@pytest.fixture(scope="session")
def browser():
    path = chromium_path()
    from playwright.sync_api import sync_playwright
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=path, args=ARGS)
        yield b
        b.close()
