"""Quality gates on the built site, with the real checkers: the Nu HTML checker on every page and style sheet,
axe-core (WCAG 2.2 AA) in chromium on one page of each kind with the Content-Security-Policy in force, reflow
at 320 px, keyboard use with a visible focus, and the printed page."""

from __future__ import annotations

import html
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.build.site import build

from .browser import axe_script, chromium_path, missing, vnu_command
from .conftest import ROOT, need_shared
from .pages_server import pages_server

AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]
KINDS = {
    "home": "",
    "cable": "cables/07BEIJING3239/",
    "source": "cables/07BEIJING3239/source.html",
    "TAGS index": "tags/",
    "tag": "tags/PREL/",
    "thread": "threads/scrs-beijing-2007/",
    "search": "search/?q=workshop",
    "404": "cables/no/such/page",
}
# Long unbroken words the pages must wrap at 320 px: the id form the publisher's parser once made of a
# SECTION line, and a file name as long as a real one.
LONG_WORDS = "08SECTIO04OF07BEIJING3049 and 08SECTIO04OF07BEIJING3049_cablegate-201108300212.txt"


def reject_inline(site: Path) -> None:
    """Sanity: the checkers below would be moot on pages that inline what the CSP forbids."""
    page = (site / "index.html").read_text()
    assert "Content-Security-Policy" in page and "<style" not in page


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("quality") / "seed"
    problems = build(ROOT / "content", out, Problems(), base_url="https://example.org/REPO")
    assert not problems.errors and not problems.warnings, [str(p) for p in problems]
    reject_inline(out)
    return out


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    dev = need_shared("corpus", "dev")
    out = tmp_path_factory.mktemp("quality") / "corpus"
    assert not build(dev, out, Problems()).errors
    return out


def vnu(*sites: Path) -> tuple[int, list[str]]:
    """Run the Nu HTML checker over every HTML page and style sheet; return (files checked, error lines)."""
    files = sorted(str(p) for site in sites for pattern in ("*.html", "*.css") for p in site.rglob(pattern))
    r = subprocess.run([*vnu_command(), "--errors-only", "--also-check-css", "--format", "gnu", *files],
                       capture_output=True, text=True, timeout=600)
    errors = [line for line in (r.stdout + r.stderr).splitlines() if line.strip()]
    assert errors or r.returncode == 0, f"vnu exited {r.returncode} without a message"
    return len(files), errors


def test_nu_validator_finds_no_error_in_the_seed_and_corpus_sites(seed_site, corpus_site):
    checked, errors = vnu(seed_site, corpus_site)
    assert checked > 1500
    assert not errors, "\n".join(errors[:30])


def test_nu_validator_reports_an_invalid_page(tmp_path):
    """The check above can fail: a page and a style sheet with errors are reported, with their places."""
    (tmp_path / "bad.html").write_text('<!DOCTYPE html><html lang="en"><title>x</title><p><div>x</p>')
    (tmp_path / "bad.css").write_text("p { colr: red; }\n")
    (tmp_path / "extra").mkdir()
    text = "\n".join(vnu(tmp_path)[1])
    assert "bad.html" in text and "bad.css" in text and "colr" in text


# --- in the browser -----------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The seed site, plus a thread whose words are long, built for and served under /REPO/ as on Pages."""
    content = tmp_path_factory.mktemp("quality-content") / "content"
    shutil.copytree(ROOT / "content", content)
    thread = content / "threads" / "scrs-beijing-2007.yaml"
    text = thread.read_text()
    text = text.replace('title: "', f'title: "{LONG_WORDS.split()[0]}: ', 1)
    thread.write_text(text.replace("\nsummary: |\n", f"\nsummary: |\n  {LONG_WORDS}.\n\n", 1))
    with pages_server("/REPO/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/REPO"
        out = tmp_path_factory.mktemp("quality-served") / "site"
        problems = build(content, out, Problems(), base_url=base)
        assert not problems.errors and not problems.warnings, [str(p) for p in problems]
        assert LONG_WORDS in (out / "threads" / "scrs-beijing-2007" / "index.html").read_text()
        mount(out)
        yield base, out


RECORD_CSP = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + e.blockedURI);
});
"""


def open_enforced(browser, url: str, scheme: str = "light", width: int = 1280):
    """Open a page with its CSP in force; return (page, problems seen while loading it)."""
    context = browser.new_context(color_scheme=scheme, viewport={"width": width, "height": 900})
    context.add_init_script(RECORD_CSP)  # injected by the browser, so the page's CSP does not apply to it
    page = context.new_page()
    problems: list[str] = []
    # The 404 page's own status is logged as a failed load: that one is what the page is for.
    page.on("console", lambda m: m.type == "error" and m.location.get("url") != url
            and problems.append(f"console: {m.text} ({m.location.get('url')})"))
    page.on("pageerror", lambda e: problems.append(f"script error: {e}"))
    page.on("requestfailed", lambda r: problems.append(f"failed: {r.url} {r.failure}"))
    page.on("response", lambda r: r.status >= 400 and r.url != url and problems.append(f"{r.status}: {r.url}"))
    page.goto(url, wait_until="networkidle")
    settle(page)
    problems += [f"CSP: {v}" for v in page.evaluate("window.__csp")]
    return page, problems


def settle(page) -> None:
    """Wait for the search page's results, which its script draws after loading the index."""
    if "/search/" in page.url:
        for _ in range(100):
            if 'class="result"' in page.content():
                return
            page.wait_for_timeout(100)
        raise AssertionError("the search page drew no result")


def axe(browser, url: str, scheme: str) -> list[str]:
    """Run axe-core on a page (in a context that lets the script in) and return its violations."""
    context = browser.new_context(color_scheme=scheme, bypass_csp=True)
    page = context.new_page()
    try:
        page.goto(url, wait_until="networkidle")
        settle(page)
        page.add_script_tag(path=str(axe_script()))
        result = page.evaluate("tags => axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS)
        return [f"{v['id']} ({v['impact']}): {v['help']}: "
                + "; ".join(n["target"][0] if isinstance(n["target"][0], str) else str(n["target"])
                            for n in v["nodes"][:5]) for v in result["violations"]]
    finally:
        context.close()


@pytest.mark.parametrize("scheme", ["light", "dark"])
@pytest.mark.parametrize("kind", list(KINDS))
def test_each_kind_of_page_is_accessible_and_loads_cleanly(browser, served, kind, scheme):
    base, _ = served
    url = f"{base}/{KINDS[kind]}"
    page, problems = open_enforced(browser, url, scheme)
    page.context.close()
    assert not problems, problems
    violations = axe(browser, url, scheme)
    assert not violations, "\n".join(violations)


def test_axe_and_the_problem_listeners_catch_real_faults(browser, served, tmp_path):
    """The checks above can fail: an image without text, low contrast and a blocked inline script."""
    base, out = served
    bad = out / "bad.html"
    bad.write_text('<!DOCTYPE html><html lang="en"><head><title>x</title>'
                   "<meta http-equiv=\"Content-Security-Policy\" content=\"script-src 'self'\">"
                   '</head><body><main><img src="nothing.png"><p id="x">grey</p>'
                   "<script>document.title = 'ran'</script></main></body></html>")
    try:
        page, problems = open_enforced(browser, f"{base}/bad.html")
        page.context.close()
        assert any(p.startswith("CSP: script-src") for p in problems), problems
        assert any("nothing.png" in p for p in problems), problems
        assert any(v.startswith("image-alt") for v in axe(browser, f"{base}/bad.html", "light"))
    finally:
        bad.unlink()


@pytest.mark.parametrize("kind", list(KINDS))
def test_no_horizontal_scroll_at_320_px(browser, served, kind):
    base, _ = served
    page, _ = open_enforced(browser, f"{base}/{KINDS[kind]}", width=320)
    try:
        wide = page.evaluate("""() => {
          const out = [];
          for (const el of document.querySelectorAll('body *')) {
            const r = el.getBoundingClientRect();
            if (r.width && r.right > document.documentElement.clientWidth + 1) out.push(el.tagName + '.' + el.className + ': ' + Math.round(r.right));
          }
          return [document.documentElement.scrollWidth, out.slice(0, 8)];
        }""")
        assert wide[0] <= 320, f"{kind}: the page is {wide[0]} px wide at 320 px: {wide[1]}"
    finally:
        page.context.close()


def test_the_long_words_wrap_at_320_px(browser, served):
    base, _ = served
    page, _ = open_enforced(browser, f"{base}/threads/scrs-beijing-2007/", width=320)
    try:
        assert page.evaluate("document.documentElement.scrollWidth") <= 320
        assert page.get_by_text("08SECTIO04OF07BEIJING3049", exact=False).first.is_visible()
    finally:
        page.context.close()


FOCUSABLE = ("a[href], button, input, select, textarea, summary, [tabindex]:not([tabindex='-1']), "
             "[contenteditable='true']")


def visible_focusables(page) -> list[str]:
    return page.evaluate("""sel => [...document.querySelectorAll(sel)]
        // A radio group is one tab stop, its checked radio (the arrow keys move within it).
        .filter(el => !(el.type === 'radio' && !el.checked && el.form === null
                        && document.querySelector(`input[type=radio][name="${el.name}"]:checked`)))
        .filter(el => !el.disabled && !el.closest('[hidden], [inert]') && el.getClientRects().length
                      && getComputedStyle(el).visibility !== 'hidden'
                      && (!el.closest('details:not([open])') || (el.matches('details > summary')
                          && !el.parentElement.parentElement.closest('details:not([open])'))))
        .map(el => el.outerHTML.slice(0, 120))""", FOCUSABLE)


FOCUS_STATE = """() => {
  const el = document.activeElement;
  const style = getComputedStyle(el);
  // The first line box: a link that wraps has a bounding box whose corner lies on other words.
  const r = el.getClientRects()[0] || el.getBoundingClientRect();
  const x = Math.min(Math.max(r.left + Math.min(r.width, 8) / 2, 0), innerWidth - 1);
  const y = Math.min(Math.max(r.top + Math.min(r.height, 8) / 2, 0), innerHeight - 1);
  const top = document.elementFromPoint(x, y);
  return {
    html: el.outerHTML.slice(0, 120),
    ring: el.matches(':focus-visible') && style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2,
    shown: r.bottom > 0 && r.top < innerHeight && !!top && (el === top || el.contains(top) || top.contains(el)),
  };
}"""


@pytest.mark.parametrize("kind", ["home", "cable", "thread", "search"])
def test_every_control_is_reachable_by_keyboard_with_a_visible_focus(browser, served, kind):
    base, _ = served
    page, _ = open_enforced(browser, f"{base}/{KINDS[kind]}")
    try:
        wanted = visible_focusables(page)
        reached, faults = [], []
        for _ in range(len(wanted) + 5):
            page.keyboard.press("Tab")
            state = page.evaluate(FOCUS_STATE)
            if state["html"].startswith("<body") or (reached and state["html"] == reached[0]):
                break  # focus left the page for the browser's own controls, or came round again
            reached.append(state["html"])
            if not state["ring"]:
                faults.append(f"no visible focus ring: {state['html']}")
            if not state["shown"]:
                faults.append(f"focused but hidden or covered: {state['html']}")
        assert not faults, faults[:5]
        assert len(reached) >= 12, reached
        assert set(wanted) <= set(reached), sorted(set(wanted) - set(reached))[:5]
        assert reached[0].startswith('<a class="skip"'), "the first Tab reaches the skip link"
    finally:
        page.context.close()


def test_details_open_from_the_keyboard(browser, served):
    base, _ = served
    page, _ = open_enforced(browser, f"{base}/{KINDS['cable']}")
    try:
        summary = page.locator("details > summary").first
        summary.focus()
        opened = summary.evaluate("s => s.parentElement.open")
        page.keyboard.press("Enter")
        assert summary.evaluate("s => s.parentElement.open") != opened
    finally:
        page.context.close()


def test_the_printed_cable_shows_its_banners_and_endnotes(served, tmp_path):
    base, out = served
    pdf = tmp_path / "cable.pdf"
    subprocess.run([chromium_path(), "--headless=new", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    "--disable-background-networking", "--no-pdf-header-footer", f"--user-data-dir={tmp_path / 'p'}",
                    f"--print-to-pdf={pdf}", f"{base}/{KINDS['cable']}"],
                   capture_output=True, timeout=120, check=True)
    pdftotext = shutil.which("pdftotext")
    if not pdftotext:
        missing("pdftotext", "apt-get install poppler-utils")
    text = subprocess.run([pdftotext, "-layout", str(pdf), "-"], capture_output=True, text=True, check=True).stdout
    pages = text.split("\f")[:-1] if text.endswith("\f") else text.split("\f")
    cable = json.loads((out / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text())
    marking = cable["classification"]
    assert len(pages) >= 3
    for n, printed in enumerate(pages, 1):  # a classified page carries its marking at top and bottom
        lines = [line.strip() for line in printed.strip().splitlines() if line.strip()]
        assert lines[0] == marking and lines[-1] == marking, f"page {n}: {lines[:1]} ... {lines[-1:]}"
    assert "Skip to the text" not in text and "Search the cables" not in text
    for control in ("Copy", "Download", "Related cables", "For reference managers", "Original text", "Filters"):
        assert control not in text, f"{control!r} is printed"
    flat = " ".join(text.split())
    assert flat.count(f"This page: {base}/cables/07BEIJING3239/") == 1 and flat.count("Source: WikiLeaks") == 1
    notes = [n for n in cable["editorial"]["notes"]]
    assert notes and "Notes" in text
    last = "\n".join(pages[-2:])
    for note in notes[-2:]:
        words = " ".join(html.unescape(re.sub(r"<[^>]+>", "", note["html"])).split()[:5])
        assert words in " ".join(text.split()), f"endnote missing from print: {words}"
    assert "Cite" in text or "cite" in last


@pytest.mark.parametrize("depth", ["nothing-here", "cables/00NOWHERE1/", "a/b/c/d/e/f.html"])
def test_the_404_page_is_styled_at_any_depth(browser, served, depth):
    base, _ = served
    page, problems = open_enforced(browser, f"{base}/{depth}")
    try:
        assert not problems, problems
        rules = page.evaluate("""() => [...document.styleSheets]
            .filter(s => s.href && s.href.includes('/REPO/assets/')).map(s => s.cssRules.length)""")
        assert rules and rules[0] > 50, f"the style sheet did not load at /{depth}: {rules}"
        assert page.locator("h1").first.is_visible()
    finally:
        page.context.close()
