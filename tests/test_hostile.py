"""Hostile content renders inert, in the HTML and in chromium; YAML tags and symbolic links in content/ are refused.

Payloads go into a cable's text and subject, a cable given as a WikiLeaks HTML page, its headnote and notes, the
glossary, people, organisations, a thread, the site settings and the editorial pages. Every page of the built
site is parsed for anything that could run; chromium opens each page that carries a payload, with the
Content-Security-Policy in force and without it (so that escaping alone is shown to suffice), hovers, focuses
and clicks what carries one, and must see no dialog, no marker and no policy violation.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass, field
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import quote

import pytest
import yaml

from generator.errors import Problems
from generator.edition.markup import render as markdown
from generator.build.site import build

from .conftest import ROOT
from .pages_server import fetch, pages_server


def run(*args: str) -> subprocess.CompletedProcess:
    """The command line, as an editor runs it."""
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=300)

# No quote and no space in it, so that it fits any context: a quoted or bare attribute, a URL, a script.
RUN = "alert(1),window.__pwned=1,document.title=/PWNED/.source"
"""What a payload does if it ever runs: a dialog, a marker on window, a changed title."""

MARKUP = (
    f"<script>{RUN}</script>",
    f"<img src=x onerror={RUN}>",
    f'<svg onload="{RUN}">',
    f"<a href='javascript:{RUN}'>js-link</a>",
    f"<iframe src=javascript:{RUN}></iframe>",
    f"<details open ontoggle={RUN}>",
    f"</title></textarea></script></style><script>{RUN}</script>",
    "<style>*{display:none}</style>",
    f'" onmouseover="{RUN}" x="',
    f"' onfocus='{RUN}' autofocus x='",
    f"--><script>{RUN}</script><!--",
    f'<a href="javascript:{RUN}">js-link-2</a>',
)
"""Text that is markup if anything forgets to escape it, or that breaks out of an attribute."""

LINKS = (
    f"[x](javascript:{RUN})",
    f"[y](data:text/html,<script>{RUN}</script>)",
    f"[z](JAVASCRIPT:{RUN})",
    f"[w](  JaVaScRiPt:{RUN} )",
    f"[v](jav&#x09;ascript:{RUN})",
    f"[u](javascript&colon;{RUN})",
    f"[t](&#106;avascript:{RUN})",
    "[s](vbscript:msgbox(1))",
    f"[r](<javascript:{RUN}>)",
    f"[q](<java\tscript:{RUN}>)",
    "[p](data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==)",
    f"![o](javascript:{RUN})",
    f"<javascript:{RUN}>",
    f"<JavaScript:{RUN}>",
    f'[n](https://example.org/ "t\\" onmouseover=\\"{RUN}")',
    "[m][evil]",
    f'<a href="jav&#x09;ascript:{RUN}">l</a>',
)
"""Markdown links to script URLs, in the spellings that slip past a naive check (entities, case, controls)."""

REFERENCE = f"[evil]: javascript:{RUN}"
TEXT = " ".join(MARKUP)
MARKDOWN = "\n\n".join((TEXT, " ".join(LINKS), REFERENCE))
SEEN_AS_TEXT = (*MARKUP, f"[x](javascript:{RUN})", f"[s](vbscript:msgbox(1))")
"""What each page carrying a payload must show, as text: proof that the payload reached it."""


# --- the hostile content ------------------------------------------------------------------------------

def hostile_content(dest: Path) -> Path:
    """A copy of content/ with payloads everywhere an editor or a cable file can put text."""
    shutil.copytree(ROOT / "content", dest)
    cable = dest / "cables" / "002_80421150e0992e02.txt"
    text = cable.read_text(encoding="utf-8")
    text = text.replace("STABILIZATION WORKSHOP", f"STABILIZATION WORKSHOP {MARKUP[0]} {MARKUP[8]} {MARKUP[9]}", 1)
    text = text.replace("The delegation cleared this cable.",
                        f"The delegation cleared this cable. {TEXT} {' '.join(LINKS)}", 1)
    cable.write_text(text, encoding="utf-8")
    seed = dest / "cables" / "000_7c665ef8620d339f.txt"
    # Named .html, a WikiLeaks page keeps that ending in the site: its download is an HTML file.
    seed.with_suffix(".html").write_text(wikileaks_page(seed.read_text(encoding="utf-8")), encoding="utf-8")
    seed.unlink()
    edit_yaml(dest / "annotations" / "07BEIJING6872.yaml", annotate)
    edit_yaml(dest / "glossary.yaml", lambda d: d.update(evil=entry("term", "expansion")))
    edit_yaml(dest / "people.yaml", lambda d: d.update(evil=entry("name", "description")))
    edit_yaml(dest / "organizations.yaml", lambda d: d.update(evil=entry("name", "description")))
    edit_yaml(dest / "threads" / "scrs-beijing-2007.yaml", thread)
    edit_yaml(dest / "site.yaml", lambda d: d.update(subtitle=TEXT, description=TEXT))
    for name in ("home", "about", "how-to-read"):
        page = dest / "pages" / f"{name}.md"
        page.write_text(page.read_text(encoding="utf-8") + "\n\n" + MARKDOWN + "\n", encoding="utf-8")
    return dest


def wikileaks_page(text: str) -> str:
    """07BEIJING3239 as a WikiLeaks cable page: payloads in its text, and live ones beside its <pre>."""
    body = text[text.index("VZCZC"):].replace("S/CRS cleared this message.", f"S/CRS cleared this message. {TEXT}")
    return ("<table class='cable'><tr><th>Reference ID</th><th>Created</th><th>Classification</th><th>Origin</th>"
            "</tr><tr><td>07BEIJING3239</td><td>2007-05-15 03:01</td><td>CONFIDENTIAL</td><td>Embassy Beijing</td>"
            f"</tr></table>\n<script>{RUN}</script>\n<img src=x onerror={RUN}>\n"
            f"<code><pre>{html.escape(body, quote=False)}</pre></code>\n")


def edit_yaml(path: Path, change) -> None:
    # Dumped by PyYAML, every payload is quoted as YAML needs: the test never hand-escapes one.
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=10_000), encoding="utf-8")


def entry(name: str, description: str) -> dict:
    # "delegation" is in 07BEIJING6872 ¶4, so the cable page links or marks it with the hostile entry.
    return {name: f"Evil {TEXT}", description: MARKDOWN, "forms": ["delegation", MARKUP[0]], "sources": [MARKDOWN]}


def annotate(data: dict) -> None:
    data["headnote"] = MARKDOWN
    data["notes"].append({"paragraph": "4", "anchor": "The delegation cleared this cable.", "text": MARKDOWN})
    data["notes"].append({"paragraph": "4", "text": f"A note without anchor. {MARKDOWN}"})


def thread(data: dict) -> None:
    data["title"] = f"Evil thread {TEXT}"
    data["summary"] = MARKDOWN
    data["events"][0]["label"] = f"Evil event {TEXT}"
    data["links"][0]["note"] = MARKDOWN


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The hostile site, built for and served under /REPO/ as on GitHub Pages: (address, folder)."""
    root = tmp_path_factory.mktemp("hostile")
    content = hostile_content(root / "content")
    with pages_server("/REPO/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/REPO"
        problems = build(content, root / "site", Problems(), base_url=base)
        assert not list(problems), [str(p) for p in problems]  # every payload is text the build takes as is
        mount(root / "site")
        yield base, root / "site"


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("hostile-seed") / "site"
    problems = build(ROOT / "content", out, Problems())
    assert not problems.errors, [str(p) for p in problems.errors]
    return out


# --- what a page could run, read from its HTML ----------------------------------------------------------

URL_ATTRIBUTES = {"href", "src", "action", "formaction", "xlink:href", "poster", "data", "background", "cite",
                  "srcset", "ping", "manifest", "longdesc", "codebase", "lowsrc", "dynsrc", "usemap", "icon"}
SCRIPT_SCHEMES = {"javascript", "vbscript", "data"}
EMBEDDING = {"iframe", "frame", "frameset", "object", "embed", "applet", "base", "portal", "style"}
CONTROLS = "".join(map(chr, range(0x21)))


def scheme(url: str) -> str | None:
    """The scheme a browser reads in a URL: as its parser does, controls and spaces around and tabs within dropped."""
    url = re.sub(r"[\t\n\r]", "", url).strip(CONTROLS)
    m = re.match(r"([A-Za-z][A-Za-z0-9+.-]*):", url)
    return m.group(1).lower() if m else None


class Audit(HTMLParser):
    """What in a page could run or restyle it, its policies, the tags and attributes it uses, and its text."""

    def __init__(self, base_url: str = ""):
        super().__init__(convert_charrefs=True)  # attribute values and text arrive decoded, as a browser reads them
        self.base_url = base_url
        self.found: list[str] = []
        self.policies: list[str] = []
        self.tags: set[str] = set()
        self.attributes: set[str] = set()
        self.text: list[str] = []
        self._json: list[str] | None = None
        self._body = False

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        a = {name: value or "" for name, value in attrs}
        self.attributes.update(f"{tag} {name}" for name in a)
        for name, value in a.items():
            if name.startswith("on"):
                self.found.append(f"<{tag} {name}>: an event handler")
            if name == "style":
                self.found.append(f"<{tag} style>: an inline style")
            if name in URL_ATTRIBUTES:
                urls = [u.split()[0] for u in value.split(",") if u.split()] if name == "srcset" else [value]
                for url in urls:
                    if scheme(url) in SCRIPT_SCHEMES and not (tag == "link" and a.get("rel") == "icon"
                                                              and url == "data:,"):
                        self.found.append(f"<{tag} {name}={url[:60]!r}>: a {scheme(url)}: URL")
        if tag == "body":
            self._body = True
        if tag in EMBEDDING:
            self.found.append(f"<{tag}>: an element that embeds or restyles")
        equiv = a.get("http-equiv", "").lower()
        if tag == "meta" and equiv == "refresh":
            self.found.append("<meta http-equiv=refresh>")
        if tag == "meta" and equiv == "content-security-policy":
            if self._body:
                self.found.append("a Content-Security-Policy in <body>, where browsers ignore it")
            self.policies.append(a.get("content", ""))
        if tag == "link" and set(a.get("rel", "").lower().split()) & {"stylesheet", "preload", "modulepreload"} \
                and not self.own(a.get("href", "")):
            self.found.append(f"<link href={a.get('href')!r}>: a resource from elsewhere")
        if tag == "script":
            if not self.policies:
                self.found.append("a script before the Content-Security-Policy")
            if a.get("type") == "application/ld+json" and "src" not in a:
                self._json = []
            elif not self.own(a.get("src", "")):
                src = f" src={a['src']!r}" if "src" in a else ""
                self.found.append(f"<script{src}>: a script that is not a file of the site")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script" and self._json is not None:
            try:
                json.loads("".join(self._json))
            except ValueError:
                self.found.append("a JSON-LD block that is not JSON: something broke out of it")
            self._json = None

    def handle_data(self, data):
        if self._json is not None:
            self._json.append(data)
        else:
            self.text.append(data)

    def handle_comment(self, data):
        if "alert(" in data:
            self.found.append(f"a comment holding a payload: {data[:60]!r}")

    def own(self, url: str) -> bool:
        """Whether a URL names a file of the site (relative, or under its base_url)."""
        if not url:
            return False
        if self.base_url and url.startswith(self.base_url + "/"):
            return True
        return scheme(url) is None and not url.startswith("//")


def audit(path: Path, base_url: str = "") -> Audit:
    a = Audit(base_url)
    a.feed(path.read_text(encoding="utf-8"))
    a.close()
    return a


def pages(site: Path) -> list[Path]:
    """Every HTML page the generator writes; the verbatim copies of cable files are not its pages."""
    return [p for p in sorted(site.rglob("*.html")) if not (p.parent.parent.name == "cables"
                                                           and p.stem == p.parent.name)]


def policy_problems(policy: str, search_page: bool) -> list[str]:
    """What a Content-Security-Policy allows that this site's must not."""
    directives: dict[str, list[str]] = {}
    for part in policy.split(";"):
        words = part.split()
        if words:
            directives.setdefault(words[0].lower(), [w.lower() for w in words[1:]])
    out = [f"{w} in {d}" for d, ws in directives.items() for w in ws
           if w in ("'unsafe-inline'", "'unsafe-eval'", "'unsafe-hashes'", "*", "data:", "http:", "https:")
           and not (d == "img-src" and w == "data:")]
    # Pagefind compiles its WebAssembly index reader; 'wasm-unsafe-eval' allows exactly that, no JavaScript eval.
    script = ["'self'", "'wasm-unsafe-eval'"] if search_page else ["'self'"]
    for name, want in (("default-src", ["'self'"]), ("script-src", script), ("style-src", ["'self'"]),
                       ("object-src", ["'none'"]), ("base-uri", ["'none'"])):
        if directives.get(name) != want:
            out.append(f"{name} is {' '.join(directives.get(name, ['missing']))}, not {' '.join(want)}")
    return out


def csp_problems(site: Path) -> list[str]:
    out = []
    for page in pages(site):
        policies = audit(page).policies
        rel = page.relative_to(site).as_posix()
        if len(policies) != 1:
            out.append(f"{rel}: {len(policies)} Content-Security-Policy meta elements")
        out += [f"{rel}: {p}" for policy in policies for p in policy_problems(policy, rel == "search/index.html")]
    return out


def test_every_page_of_a_normal_build_of_content_carries_a_strict_csp(seed_site):
    """The seed site as published: one policy on every page, no inline script or style, nothing but 'self'."""
    assert len(pages(seed_site)) > 20
    assert not csp_problems(seed_site)


def test_every_page_of_the_hostile_build_carries_a_strict_csp(served):
    assert not csp_problems(served[1])


def test_the_csp_check_can_fail(tmp_path):
    weak = {"index.html": "", "about/index.html": "default-src 'self'; script-src 'self' 'unsafe-inline'; "
            "style-src 'self'; object-src 'none'; base-uri 'none'", "search/index.html": "script-src *"}
    for path, policy in weak.items():
        (tmp_path / path).parent.mkdir(parents=True, exist_ok=True)
        meta = f'<meta http-equiv="Content-Security-Policy" content="{policy}">' if policy else ""
        (tmp_path / path).write_text(f"<!DOCTYPE html><html><head>{meta}</head><body></body></html>")
    found = "\n".join(csp_problems(tmp_path))
    assert "index.html: 0 Content-Security-Policy" in found
    assert "about/index.html: 'unsafe-inline' in script-src" in found
    assert "search/index.html: * in script-src" in found and "object-src is missing" in found


def test_no_page_of_the_hostile_build_holds_anything_that_could_run(served, seed_site):
    """Nothing that runs or restyles, and no tag or attribute that the seed site does not use."""
    # An injected element, or an attribute a quote broke out into, is a tag or attribute the site never makes.
    base, site = served
    seed = [audit(p) for p in pages(seed_site)]
    tags = set().union(*(a.tags for a in seed))
    attributes = set().union(*(a.attributes for a in seed))
    # A Markdown link's title ([n](https://... "title")) is an attribute no seed text happens to use.
    attributes.add("a title")
    found = []
    for page in pages(site):
        a = audit(page, base)
        rel = page.relative_to(site).as_posix()
        found += [f"{rel}: {f}" for f in a.found]
        found += [f"{rel}: <{t}>, a tag the site never makes" for t in sorted(a.tags - tags)]
        found += [f"{rel}: {t}, an attribute the site never makes" for t in sorted(a.attributes - attributes)]
    assert not found, "\n".join(found)


CARRIERS = {
    "cable": ("cables/07BEIJING6872/", SEEN_AS_TEXT),
    "original text": ("cables/07BEIJING6872/source.html", SEEN_AS_TEXT),
    "cable from an HTML page": ("cables/07BEIJING3239/", MARKUP),
    # The page's own lines, as written: the payloads inside its <pre> are escaped there, those beside it not.
    "its original text": ("cables/07BEIJING3239/source.html", MARKUP[:2]),
    "glossary": ("glossary/", SEEN_AS_TEXT),
    "people": ("people/", SEEN_AS_TEXT),
    "organizations": ("organizations/", SEEN_AS_TEXT),
    "thread": ("threads/scrs-beijing-2007/", SEEN_AS_TEXT),
    "threads": ("threads/", MARKUP),
    "home": ("", SEEN_AS_TEXT),
    "about": ("about/", SEEN_AS_TEXT),
    "how to read": ("how-to-read/", SEEN_AS_TEXT),
    "chronology": ("chronology/", (MARKUP[0], MARKUP[8], MARKUP[9])),
}
"""Pages that show a payload: their address under the site, and the payloads each must show as text."""


@pytest.mark.parametrize("kind", list(CARRIERS))
def test_the_payloads_reach_the_page_as_text(served, kind):
    """The checks are not vacuous: every payload is on the page, shown as the text it is."""
    address, shown = CARRIERS[kind]
    path = served[1] / address
    text = "".join(audit(path / "index.html" if path.is_dir() else path).text)
    assert not [p for p in shown if p not in text], [p for p in shown if p not in text]


@pytest.mark.parametrize("link", LINKS)
def test_markdown_makes_no_link_to_a_script_url(link):
    a = Audit()
    a.feed(markdown(f"{link}\n\n{REFERENCE}"))
    assert not a.found, a.found
    assert ("a href" in a.attributes) == link.startswith("[n]"), link  # only the https: link is a link


def test_the_html_checks_catch_live_markup(tmp_path):
    page = tmp_path / "bad.html"
    page.write_text('<html><head><script>x</script><meta http-equiv="Content-Security-Policy" content="">'
                    f'<link rel="stylesheet" href="https://elsewhere.example/s.css"></head><body>'
                    f'<a href="jav&#x09;ascript:{RUN}">a</a><a href=" \x01JavaScript:x">b</a><p style="x">'
                    f'<img src=x onerror={RUN}><form action="data:text/html,x"></form><iframe></iframe>'
                    '<script type="application/ld+json">{"a": "</script><script>x</script>'
                    '<script src="https://elsewhere.example/x.js"></script></body></html>')
    found = "\n".join(audit(page).found)
    for what in ("a script before the Content-Security-Policy", "a resource from elsewhere",
                 "<a href='jav\\tascript:", "<a href=' \\x01JavaScript:x'>: a javascript: URL", "an inline style",
                 "<img onerror>: an event handler", "<form action='data:text/html,x'>: a data: URL", "<iframe>",
                 "JSON-LD block that is not JSON", "a script that is not a file of the site"):
        assert what in found, (what, found)


# --- in chromium ------------------------------------------------------------------------------------

RECORD = """
window.__violations = [];
document.addEventListener("securitypolicyviolation", (e) => {
  window.__violations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sample}`);
}, true);
"""
"""Injected by the browser before any script of the page, which the page's policy does not restrain."""

MARK = """
() => {
  for (const d of document.querySelectorAll("details")) d.open = true;
  const carries = (el) => [...el.childNodes].some((n) => n.nodeType === 3 && n.data.includes("PWNED"))
    || [...el.attributes].some((a) => a.value.includes("PWNED"));
  const block = "p, li, dd, dt, td, th, h1, h2, h3, blockquote, figcaption";
  const control = "a[href], button, summary, input, select";
  const marked = [...document.querySelectorAll("body *")].filter((el) => carries(el)
    || (el.matches(control) && (el.closest(block) || el).textContent.includes("PWNED")));
  marked.forEach((el, k) => el.setAttribute("data-hostile", String(k)));
  return marked.map((el) => ({link: el.matches("a[href]"), visible: el.getClientRects().length > 0}));
}
"""
"""Open every <details>; mark what carries a payload (in its text or an attribute), and the controls beside it."""

PROD = """
() => {
  const kinds = ["mouseover", "mouseenter", "mousemove", "pointerover", "pointerenter", "focus", "focusin",
                 "blur", "load", "error", "toggle", "animationstart", "transitionend"];
  for (const el of document.querySelectorAll("*")) for (const kind of kinds) el.dispatchEvent(new Event(kind));
}
"""
"""Fire every event a handler could wait for, on every element of the page."""


@dataclass
class Evidence:
    """What chromium saw of a page."""

    dialogs: list[str] = field(default_factory=list)
    console: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)
    state: dict = field(default_factory=dict)
    marked: int = 0
    missed: list[str] = field(default_factory=list)
    """Hovers, focuses and clicks that could not be made."""

    def ran(self) -> list[str]:
        """Every sign that something ran, or tried to and was stopped by the policy."""
        out = [f"dialog: {d}" for d in self.dialogs]
        if self.state.get("title") == "PWNED":
            out.append("document.title was set")
        if self.state.get("pwned") != "undefined":
            out.append(f"window.__pwned is {self.state.get('pwned')}")
        out += [f"policy violation: {v}" for v in self.state.get("violations", [])]
        out += [f"console: {m}" for m in self.console if "Content Security Policy" in m]
        out += [f"script error: {e}" for e in self.errors]
        return out


def exercise(browser, url: str, enforce: bool) -> Evidence:
    """Open a page, hover, focus and click what carries a payload, fire every event everywhere; tell what ran."""
    from playwright.sync_api import Error as PlaywrightError  # as tests/browser.py: imported where it is used

    seen = Evidence()
    context = browser.new_context(bypass_csp=not enforce)
    context.add_init_script(RECORD)
    page = context.new_page()
    page.on("dialog", lambda d: (seen.dialogs.append(d.message), d.dismiss()))
    page.on("console", lambda m: seen.console.append(f"{m.type}: {m.text}"))
    page.on("pageerror", lambda e: seen.errors.append(str(e)))
    try:
        page.goto(url, wait_until="load")
        if "/search/" in url:
            wait_for_results(page)
        # From now on a navigation is answered "204 No Content", which leaves the page where it is: a click
        # shows what a link would run without leaving. Nothing reaches another host.
        site = url.split("/REPO/")[0] + "/REPO/"
        page.route("**/*", lambda route: route.fulfill(status=204)
                   if route.request.is_navigation_request() or not route.request.url.startswith(site)
                   else route.continue_())
        marked = page.evaluate(MARK)
        seen.marked = len(marked)
        for k, el in enumerate(marked):
            target = page.locator(f'[data-hostile="{k}"]').first  # a note's popover holds a copy
            actions = [("hover", lambda: target.hover(timeout=2000, force=True))] if el["visible"] else []
            actions.append(("focus", lambda: target.focus(timeout=2000)))
            if el["link"] and el["visible"]:
                actions.append(("click", lambda: target.click(timeout=2000, force=True, no_wait_after=True)))
            for name, action in actions:
                try:
                    action()
                except PlaywrightError as e:  # a live payload may hide or move things: go on, and tell
                    seen.missed.append(f"{name} {k}: {str(e).splitlines()[0]}")
            page.keyboard.press("Escape")  # a note marker opens a popover over what comes next
        page.keyboard.press("Tab")
        page.evaluate(PROD)
        page.wait_for_timeout(200)  # an image's error, an autofocus, a timer: given time to fire
        seen.state = page.evaluate("() => ({title: document.title, pwned: typeof window.__pwned, "
                                   "violations: window.__violations || []})")
    finally:
        context.close()
    return seen


def wait_for_results(page, seconds: float = 15) -> None:
    """Wait until the search page has drawn every result it counts (polled: waiting for a function needs eval)."""
    for _ in range(int(seconds * 10)):
        status, drawn = page.evaluate("() => [document.getElementById('search-status').textContent, "
                                      "document.querySelectorAll('.result').length]")
        assert "could not" not in status, status
        m = re.match(r"(\d+) cables? and (\d+) other", status)
        if m and drawn >= min(int(m.group(1)), 20) + min(int(m.group(2)), 20):
            return
        page.wait_for_timeout(100)
    raise AssertionError(f"the search page has not drawn its results: {status!r}, {drawn} drawn")


# The indexes of threads and by date, and How to read, show what other pages show: the HTML checks cover them.
BROWSED = {**{kind: address for kind, (address, _) in CARRIERS.items()
              if kind not in ("threads", "chronology", "how to read")},
           "search": "search/?q=PWNED", "search for a payload": "search/?q=" + quote(MARKUP[0]),
           "404": "no/such/" + quote(MARKUP[0]) + "/page"}
"""Pages chromium opens: every kind of page that carries a payload, the search page, and the 404 page."""


@pytest.mark.parametrize("policy", ["enforced", "bypassed"])
@pytest.mark.parametrize("kind", list(BROWSED))
def test_nothing_runs_in_the_browser(browser, served, kind, policy):
    """No dialog, no marker, no script error and no policy violation, with the page's CSP and without it."""
    base, _ = served
    seen = exercise(browser, f"{base}/{BROWSED[kind]}", policy == "enforced")
    assert not seen.ran(), seen.ran()
    assert seen.marked or kind == "404", "no element carries a payload: the check would be vacuous"
    assert not seen.missed, seen.missed


def test_the_search_finds_the_payloads_and_shows_them_as_text(browser, served):
    context = browser.new_context()
    page = context.new_page()
    try:
        page.goto(f"{served[0]}/search/?q=PWNED", wait_until="load")
        wait_for_results(page)
        texts = page.evaluate("() => [...document.querySelectorAll('.result')].map((r) => r.textContent)")
    finally:
        context.close()
    assert len(texts) >= 5 and any("<script>alert(1)" in t for t in texts), texts


@pytest.mark.parametrize("policy", ["enforced", "bypassed"])
def test_the_browser_check_catches_a_live_payload(browser, served, policy):
    """The check can fail: a copy of the cable page with a live script and handlers is caught, HTML check too."""
    # Without the policy the payload runs (dialog, marker, title); with it, the policy reports what it blocked.
    base, site = served
    page = site / "cables" / "07BEIJING6872" / "live.html"
    text = (site / "cables" / "07BEIJING6872" / "index.html").read_text(encoding="utf-8")
    page.write_text(text.replace("<main id=\"main\">", f'<main id="main"><script>{RUN}</script>'
                                 f'<img src=x onerror="{RUN}"><p onmouseover="{RUN}">PWNED</p>', 1))
    try:
        seen = exercise(browser, f"{base}/cables/07BEIJING6872/live.html", policy == "enforced")
        found = audit(page).found
    finally:
        page.unlink()
    if policy == "bypassed":
        assert seen.dialogs and seen.state["pwned"] == "number" and seen.state["title"] == "PWNED", seen
    else:
        assert not seen.dialogs and len(seen.state["violations"]) >= 2, seen
    assert seen.ran()
    assert any("script that is not a file" in f for f in found) and any("onerror" in f for f in found)


def test_a_cable_given_as_html_is_not_offered_as_a_live_page(browser, served):
    """The downloadable source of a cable read from a WikiLeaks HTML page, opened as a visitor would open it."""
    base, site = served
    page = (site / "cables" / "07BEIJING3239" / "index.html").read_text(encoding="utf-8")
    href = re.findall(r'href="([^"]+)" download>file \(', page)[0]  # the source note's download link
    status, ctype, _ = fetch(f"{base}/cables/07BEIJING3239/{href}")
    assert status == 200
    seen = exercise(browser, f"{base}/cables/07BEIJING3239/{href}", enforce=True)
    assert "html" not in ctype and not seen.ran(), (ctype, seen.ran())


# --- YAML: plain data only ---------------------------------------------------------------------------

POISONED = {
    "annotations/07BEIJING6872.yaml": '!!python/object/apply:os.system ["touch {marker}"]',
    "glossary.yaml": "!!python/name:os.system",
    "people.yaml": '!!python/object/new:subprocess.Popen [["touch", "{marker}"]]',
    "organizations.yaml": "!!python/module:os",
    "threads/scrs-beijing-2007.yaml": '!!python/object/apply:subprocess.call [["touch", "{marker}"]]',
    "site.yaml": '!<tag:yaml.org,2002:python/object/apply:os.system> ["touch {marker}"]',
}
"""A YAML file of content/ and the tag that would run code in it, were it read with an unsafe loader."""


def poison(content: Path, name: str, marker: Path) -> int:
    """Add a key holding the file's tag at the end of a YAML file; return its line."""
    path = content / name
    tag = POISONED[name].format(marker=marker)
    text = path.read_text(encoding="utf-8").rstrip("\n") + f"\nzz_evil: {tag}\n"
    path.write_text(text, encoding="utf-8")
    return text.count("\n")


def tag_of(name: str) -> str:
    return POISONED[name].split()[0].replace("!<tag:yaml.org,2002:", "!!").rstrip(">")


@pytest.mark.parametrize("name", list(POISONED))
def test_a_python_tag_in_a_yaml_file_is_refused_by_the_build(tmp_path, name):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    marker = tmp_path / "PWNED"
    line = poison(content, name, marker)
    problems = build(content, tmp_path / "site", Problems(), index_search=False)
    assert not marker.exists(), "the tag ran"
    [err] = [p for p in problems if p.path == str(content / name)]  # a warning: the build was written
    assert err.line == line and f"the YAML tag {tag_of(name)} is refused" in err.message, str(err)
    assert "plain data" in err.message


def test_python_tags_are_refused_by_check_on_the_command_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    marker = tmp_path / "PWNED"
    lines = {name: poison(content, name, marker) for name in POISONED}
    r = run("check", "--content", str(content), "--output", str(tmp_path / "site"))
    assert not marker.exists(), "a tag ran"
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    for name, line in lines.items():
        assert f"{content / name}:{line}: error: the YAML tag {tag_of(name)} is refused" in r.stderr, r.stderr


# --- symbolic links: content/ holds files, not links ----------------------------------------------------

SECRET = "OUTSIDE-SECRET-7f3a"
"""A word only the files outside content/ hold: found anywhere in the built site, something leaked."""


def outside_cable(folder: Path) -> Path:
    """A cable of its own (07BEIJING9999) outside content/: followed, it would be a page of the site."""
    text = (ROOT / "content" / "cables" / "002_80421150e0992e02.txt").read_text(encoding="utf-8")
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "secret.txt"
    path.write_text(text.replace("6872", "9999").replace("The delegation", f"The {SECRET} delegation"))
    return path


def link_cable(content: Path, outside: Path) -> Path:
    link = content / "cables" / "evil.txt"
    link.symlink_to(outside_cable(outside))
    return link


def link_cable_folder(content: Path, outside: Path) -> Path:
    outside_cable(outside / "more")
    link = content / "cables" / "more"
    link.symlink_to(outside / "more", target_is_directory=True)
    return link


def link_cables(content: Path, outside: Path) -> Path:
    shutil.copytree(content / "cables", outside / "cables")
    outside_cable(outside / "cables")
    shutil.rmtree(content / "cables")
    (content / "cables").symlink_to(outside / "cables", target_is_directory=True)
    return content / "cables"


def link_passwd(content: Path, outside: Path) -> Path:
    link = content / "cables" / "passwd.txt"
    link.symlink_to("/etc/passwd")
    return link


def link_annotations(content: Path, outside: Path) -> Path:
    (outside / "annotations").mkdir(parents=True)
    (outside / "annotations" / "07BEIJING6872.yaml").write_text(f'cable: "07BEIJING6872"\nheadnote: "{SECRET}"\n')
    shutil.rmtree(content / "annotations")
    (content / "annotations").symlink_to(outside / "annotations", target_is_directory=True)
    return content / "annotations"


def link_file(name: str, text: str):
    def make(content: Path, outside: Path) -> Path:
        outside.mkdir(parents=True, exist_ok=True)
        (outside / Path(name).name).write_text(text)
        (content / name).unlink(missing_ok=True)
        (content / name).symlink_to(outside / Path(name).name)
        return content / name
    return make


def link_threads(content: Path, outside: Path) -> Path:
    shutil.copytree(content / "threads", outside / "threads")
    path = outside / "threads" / "scrs-beijing-2007.yaml"
    path.write_text(path.read_text().replace("title: \"", f"title: \"{SECRET} "))
    shutil.rmtree(content / "threads")
    (content / "threads").symlink_to(outside / "threads", target_is_directory=True)
    return content / "threads"


LINKS_OUT = {
    "a cable file": link_cable,
    "a folder of cables": link_cable_folder,
    "content/cables itself": link_cables,
    "/etc/passwd as a cable": link_passwd,
    "the annotations folder": link_annotations,
    "glossary.yaml": link_file("glossary.yaml", f's-crs:\n  term: "S/CRS"\n  expansion: "{SECRET}"\n'),
    "people.yaml": link_file("people.yaml", f'evil:\n  name: "{SECRET}"\n  description: "x"\n'),
    "site.yaml": link_file("site.yaml", f'title: "{SECRET}"\n'),
    "tags.csv": link_file("tags.csv", "tag,kind,definition,definition_confidence,definition_source\n"
                                      f"PREL,subject,{SECRET},verified_plusd_wording,x\n"),
    "a page": link_file("pages/about.md", f"{SECRET}\n"),
    "a thread file": link_file("threads/evil.yaml", f'title: "{SECRET}"\n'),
    "the threads folder": link_threads,
}
"""Each way a symbolic link in content/ could bring in something from outside it."""


def leaked(site: Path) -> list[str]:
    """Files of the built site holding the secret word or a line of /etc/passwd."""
    return [str(p) for p in site.rglob("*") if p.is_file() and
            (SECRET.encode() in p.read_bytes() or b"root:x:0:0" in p.read_bytes())]


@pytest.mark.parametrize("case", list(LINKS_OUT))
def test_a_symbolic_link_out_of_content_is_refused(tmp_path, case):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    link = LINKS_OUT[case](content, tmp_path / "outside")
    # Without the search index, which is compressed: every file left is one the leak check can read.
    problems = build(content, tmp_path / "site", Problems(), index_search=False)
    refusals = [p for p in problems if "symbolic link" in p.message]  # warnings: the build was written
    assert [p.path for p in refusals] == [str(link)], [str(p) for p in problems]
    assert f"a symbolic link (to {os.readlink(link)}) is refused" in refusals[0].message
    assert (tmp_path / "site" / "index.html").exists()
    assert not leaked(tmp_path / "site")


def test_without_the_refusal_the_link_would_leak(tmp_path):
    """The cases above can fail: the same secret, copied into content/ as a real file, reaches the site."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    shutil.copy(outside_cable(tmp_path / "outside"), content / "cables" / "copied.txt")
    build(content, tmp_path / "site", Problems(), index_search=False)
    assert leaked(tmp_path / "site")


def test_a_symbolic_link_inside_content_is_refused_too(tmp_path):
    """Even a link to another file of content/: one rule (see README, "Writing the editorial layer")."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "pages" / "about.md").unlink()
    (content / "pages" / "about.md").symlink_to("how-to-read.md")
    r = run("check", "--content", str(content), "--output", str(tmp_path / "site"))
    assert r.returncode == 1, r.stderr
    assert (f"{content / 'pages' / 'about.md'}: error: a symbolic link (to how-to-read.md) is refused: the content folder "
            "must hold the files themselves") in r.stderr, r.stderr
