"""A book as PDF: one HTML page of the whole book (templates/book/print.html), printed by the system's chromium
in headless mode (`--print-to-pdf`). Each cable's pages carry its marking at the top and bottom, the book's own
pages the highest marking of its cables, by CSS page rules (named pages with margin boxes, which chromium
prints); notes are endnotes after each cable. A failure of chromium is raised as PrintFailed, which the build
reports as a problem of that book alone."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import tempfile
from pathlib import Path

from jinja2 import Environment
from markupsafe import Markup

from .books import Book, drop_dead_links, outside_link, relink

BROWSERS = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
"""The browsers that can print, in the order they are looked for (CHROMIUM names another)."""

ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage", "--no-pdf-header-footer",
        "--generate-pdf-document-outline"]
"""Headless, printing one local page (which has no script) with nothing else running: no sync, no first-run,
no page header or footer of chromium's own (the page's margin boxes carry the markings)."""

SECONDS = 120
"""How long chromium may take to print a book, plus SECONDS_A_CABLE for each cable."""
SECONDS_A_CABLE = 1.0


class PrintFailed(Exception):
    """Chromium could not print the book: the message says why."""


def chromium() -> str | None:
    """The browser to print with: $CHROMIUM, else the first of BROWSERS on the PATH."""
    given = os.environ.get("CHROMIUM")
    if given:
        return given
    return next((p for p in map(shutil.which, BROWSERS) if p), None)


def page_rules(book: Book) -> Markup:
    """The named print pages of the book's markings: each prints its marking at the top and bottom of every
    page, and the page number. The words are the fixed PRINT_MARKINGS, never text from the content."""
    rules = []
    for page, text in book.view["marking_names"].items():
        words = text.replace("\\", "").replace('"', "")
        rules.append(f'@page m-{page} {{ @top-center {{ content: "{words}"; }} '
                     f'@bottom-center {{ content: "{words}"; }} @bottom-right {{ content: counter(page); }} }}\n'
                     f".m-{page} {{ page: m-{page}; }}\n")
    return Markup("".join(rules))


def print_html(book: Book, env: Environment) -> str:
    html = env.get_template("book/print.html").render(book=book.view, page_rules=page_rules(book),
                                                      style=Markup(env.get_template("book/book.css").render()))
    held = {c["anchor"]: "" for c in book.view["cables"]}
    held.update({e["anchor"]: "" for g in book.view["entries"] for e in g["rows"]})
    held.update({g["anchor"]: "" for g in book.view["entries"]})
    return drop_dead_links(relink(html, "", held, outside_link(book.view["site"].get("base_url") or "")))


def pdf_bytes(book: Book, html: str, printer: str | None = None) -> bytes:
    """Print the book's page (print_html) with chromium; PrintFailed where it cannot."""
    browser = printer or chromium()
    if not browser:
        raise PrintFailed("chromium is not installed (apt-get install chromium, or set CHROMIUM to a Chrome or "
                          "Chromium binary)")
    with tempfile.TemporaryDirectory(prefix="book-") as tmp:
        folder = Path(tmp)
        page = folder / "book.html"
        page.write_text(html, encoding="utf-8")
        out = folder / "book.pdf"
        timeout = SECONDS + SECONDS_A_CABLE * len(book.cables)
        try:  # in a session of its own, so that a chromium out of time goes with all its processes
            proc = subprocess.Popen([browser, *ARGS, f"--user-data-dir={folder / 'profile'}", f"--print-to-pdf={out}",
                                     page.as_uri()], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.PIPE, start_new_session=True,
                                    env={**os.environ, "HOME": str(folder)})
        except OSError as e:
            raise PrintFailed(f"chromium could not be run ({browser}: {e.strerror or e})") from None
        try:
            _, stderr = proc.communicate(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.communicate()
            raise PrintFailed(f"chromium did not finish printing in {timeout:.0f} s") from None
        if proc.returncode != 0 or not out.is_file() or out.stat().st_size == 0:
            lines = [ln.strip() for ln in stderr.decode("utf-8", "replace").splitlines() if ln.strip()]
            said = lines[-1][-200:] if lines else ""
            what = "failed" if proc.returncode else "wrote no PDF"
            raise PrintFailed(f"chromium {what} (exit status {proc.returncode}){': ' + said if said else ''}")
        data = out.read_bytes()
    if not data.startswith(b"%PDF-"):
        raise PrintFailed("chromium wrote something that is not a PDF")
    return reproducible(data, book.view["modified"])


PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:[0-9]{14}[^)]*\)")


def reproducible(data: bytes, modified: str) -> bytes:
    """The PDF with its creation and modification dates set to the book's own date (the newest cable's), in
    place and of the same length, so that the cross-reference offsets stay right and two builds agree."""
    stamp = re.sub(r"[^0-9]", "", modified)[:14].ljust(14, "0").encode()

    def sub(m: re.Match) -> bytes:
        old = m.group(0)
        new = b"/" + m.group(1) + b" (D:" + stamp + b"+00'00')"
        return new.ljust(len(old), b" ")[:len(old)] if len(new) <= len(old) else old
    return PDF_DATE.sub(sub, data)
