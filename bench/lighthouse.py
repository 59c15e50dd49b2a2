"""Lighthouse over the seed site as a reader on a phone would meet it (issue #18, point 8): the four categories
(performance, accessibility, best practices, SEO) with Lighthouse's default mobile emulation and simulated
throttling, on the home page, both cable pages, the thread, a TAGS page and the search page.

    .venv/bin/python bench/lighthouse.py [--site DIR] [--json OUT] [--reports DIR] [--only LABEL,...]
                                         [--performance-runs N]

Without --site the seed site (content/) is built with build.py into a temporary folder, for the address it is
served at, so its canonical and other absolute links resolve. The site is served under /REPO/ by the Pages-like
server of tests/pages_server.py, with what GitHub Pages adds on top (gzip, `Cache-Control: max-age=600`, the
types of fonts and images), so the transfer sizes Lighthouse simulates with are those of the published site.
A site given with --site is served as it is, under /REPO/ (one built without a base URL works there).

Pages are audited one after another (the machine has two cores; parallel runs would skew performance). For
each page the four scores are printed and, for each category under 100, its failing audits with their first
items (selectors, snippets, URLs). A page whose performance is under 100 is audited again, up to
--performance-runs times (default 3), and its best run kept, every run's score printed: under simulated
throttling the CPU time Lighthouse counts is what the host took, scaled up, so a busy host only ever lowers
the score, while a page that is slow in itself is slow in every run. (Accessibility, best practices and SEO
do not depend on the load.) The exit status is 1 if any score is under 100, 2 if the harness itself could not
run (tools missing, build failed, Lighthouse crashed).

Needs chromium (or Chrome; CHROMIUM or CHROME_PATH may name it) and Lighthouse from npm (`npm ci`).
"""

from __future__ import annotations

import argparse
import gzip
import json
import mimetypes
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Callable, Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from tests.pages_server import TYPES, handler_for, pages_server  # noqa: E402

PREFIX = "/REPO/"
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")
CABLES = ("07BEIJING3239", "07BEIJING6872")
LABELS = ("home", *(f"cable {c}" for c in CABLES), "thread", "tag", "search")
LIGHTHOUSE = ROOT / "node_modules" / ".bin" / "lighthouse"
INSTALL = {"lighthouse": "npm ci (Lighthouse is in package.json)",
           "chromium": "apt-get install chromium (or set CHROMIUM to a Chrome or Chromium binary)",
           "node": "apt-get install nodejs npm"}
COMPRESSED = {"application/json", "application/xml", "image/svg+xml", "application/javascript"}
ITEMS_SHOWN = 3
PAGE_TIMEOUT = 300  # seconds; a page takes 12-40 s here
PERFORMANCE_RUNS = 3


class HarnessError(Exception):
    """The harness could not measure (a tool missing, the build failed, Lighthouse crashed): not a page fault."""


@dataclass
class Failing:
    id: str
    title: str
    score: float | None
    weight: float
    display: str
    items: list[str] = field(default_factory=list)


@dataclass
class Result:
    label: str
    url: str
    seconds: float
    scores: dict[str, int | None]
    failing: dict[str, list[Failing]]
    warnings: list[str]
    benchmark_index: float | None
    settings: str = ""
    performance_runs: list[int | None] = field(default_factory=list)

    @property
    def perfect(self) -> bool:
        return all(self.scores.get(c) == 100 for c in CATEGORIES)


# --- the tools ------------------------------------------------------------------------------------------

def find_chromium() -> str | None:
    """The browser Lighthouse drives: Debian's chromium first, then Chrome (GitHub's Ubuntu runners)."""
    for name in ("CHROMIUM", "CHROME_PATH"):
        if os.environ.get(name):
            return os.environ[name]
    names = ("chromium", "google-chrome", "google-chrome-stable", "chromium-browser")
    return next((p for p in map(shutil.which, names) if p), None)


def missing_tools() -> dict[str, str]:
    """What is not installed, with how to install it."""
    absent = {}
    if not shutil.which("node"):
        absent["node"] = INSTALL["node"]
    if not LIGHTHOUSE.exists():
        absent["lighthouse"] = INSTALL["lighthouse"]
    if not find_chromium():
        absent["chromium"] = INSTALL["chromium"]
    return absent


# --- the site -------------------------------------------------------------------------------------------

def content_type(suffix: str) -> str:
    """The type Pages gives a file: the shared server's table, else the system's (fonts, images)."""
    return TYPES.get(suffix) or mimetypes.guess_type("x" + suffix, strict=False)[0] or "application/octet-stream"


def pages_handler(site: Path, prefix: str):
    """The shared Pages-like handler, sending what Pages sends on top: the right type for fonts and images
    (a browser shows no SVG sent as octet-stream), gzip for text, a 10-minute cache."""
    class Published(handler_for(site, prefix)):
        def send(self, status: int, body: bytes, suffix: str):
            kind = content_type(suffix)
            zipped = (kind.startswith("text/") or kind.split(";")[0] in COMPRESSED) \
                and "gzip" in self.headers.get("Accept-Encoding", "")
            if zipped:
                body = gzip.compress(body, mtime=0)
            self.send_response(status)
            self.send_header("Content-Type", kind)
            if zipped:
                self.send_header("Content-Encoding", "gzip")
                self.send_header("Vary", "Accept-Encoding")
            self.send_header("Cache-Control", "max-age=600")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Published


def build_seed(output: Path, base_url: str) -> None:
    """Build content/ into output for base_url, as a user would, with build.py."""
    cmd = [sys.executable, str(ROOT / "build.py"), "build", "--content", str(ROOT / "content"),
           "--output", str(output), "--base-url", base_url, "--quiet"]
    r = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT, timeout=600)
    if r.returncode != 0:
        raise HarnessError(f"the seed site did not build (exit {r.returncode}):\n{r.stderr[-3000:]}")


@contextmanager
def served(site: Path | None = None) -> Iterator[tuple[str, Path]]:
    """Serve site (or the seed site, built now into a temporary folder) under /REPO/; yield (base URL, folder)."""
    with pages_server(PREFIX) as (server, _), tempfile.TemporaryDirectory(prefix="lighthouse-") as tmp:
        base = f"http://127.0.0.1:{server.server_port}{PREFIX.rstrip('/')}"
        if site is None:
            site = Path(tmp) / "site"
            build_seed(site, base)
        if not (site / "index.html").is_file() or not (site / "404.html").is_file():
            raise HarnessError(f"{site}: not a built site (no index.html or 404.html)")
        server.RequestHandlerClass = pages_handler(site, PREFIX)
        yield base, site


def first_folder(site: Path, parent: str, prefer: str | None = None) -> str:
    """parent/NAME/ for the preferred NAME where it was built, else the first page under parent/."""
    names = sorted(p.parent.name for p in (site / parent).glob("*/index.html"))
    if not names:
        raise HarnessError(f"{site / parent}: no page to audit")
    return f"{parent}/{prefer if prefer in names else names[0]}/"


def pages_of(site: Path) -> list[tuple[str, str]]:
    """The pages to audit, as (label, path under the site's root)."""
    paths = ["", *(f"cables/{c}/" for c in CABLES), first_folder(site, "threads"),
             first_folder(site, "tags", "PREL"), "search/"]
    pages = list(zip(LABELS, paths))
    for label, path in pages:
        if not (site / path / "index.html").is_file():
            raise HarnessError(f"{site / path}: the {label} page was not built")
    return pages


# --- Lighthouse -----------------------------------------------------------------------------------------

def lighthouse(url: str, out: Path, chromium: str) -> dict:
    """Run Lighthouse with its defaults (mobile emulation, simulated throttling) on url; return its report."""
    cmd = [str(LIGHTHOUSE), url, "--output=json", f"--output-path={out}", "--quiet",
           f"--only-categories={','.join(CATEGORIES)}",
           "--chrome-flags=--headless=new --no-sandbox --disable-dev-shm-usage"]
    env = {**os.environ, "CHROME_PATH": chromium}
    try:
        r = subprocess.run(cmd, capture_output=True, text=True, env=env, timeout=PAGE_TIMEOUT)
    except subprocess.TimeoutExpired:
        raise HarnessError(f"{url}: Lighthouse took over {PAGE_TIMEOUT} s") from None
    if r.returncode != 0 or not out.is_file():
        raise HarnessError(f"{url}: Lighthouse exited {r.returncode}:\n{r.stderr[-3000:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise HarnessError(f"{url}: Lighthouse could not load the page: {report['runtimeError']}")
    return report


def text_of(value) -> str:
    """One line for a table cell: a node's selector and snippet, a source location, a URL, or the value."""
    if isinstance(value, dict):
        if value.get("type") == "node":
            return " ".join(x for x in (value.get("selector"), value.get("snippet")) if x)
        if value.get("type") == "source-location":
            return f"{value.get('url')}:{value.get('line', 0) + 1}:{value.get('column', 0) + 1}"
        if value.get("type") == "code":
            return str(value.get("value"))
        return " ".join(text_of(v) for k, v in value.items() if k in ("text", "value", "url", "snippet"))
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def item_line(item: dict, headings: list[dict]) -> str:
    """A table row as `label: value` pairs in the order of the audit's own headings."""
    keys = [h.get("key") for h in headings if h.get("key")] or list(item)
    cells = []
    for key in keys:
        value = item.get(key)
        if value in (None, "", [], {}):
            continue
        label = next((h.get("label") or h.get("text") for h in headings if h.get("key") == key), None) or key
        cells.append(f"{label if isinstance(label, str) else key}: {text_of(value)}")
    for sub in (item.get("subItems") or {}).get("items", [])[:2]:
        cells.append("[" + item_line(sub, []) + "]")
    return "; ".join(cells)[:300]


def items_of(details: dict | None) -> list[str]:
    """The first items of an audit's details, one line each (lists of tables are flattened)."""
    if not details:
        return []
    if details.get("type") == "list":
        return [line for d in details.get("items", []) for line in items_of(d)][:ITEMS_SHOWN]
    items = details.get("items")
    if not isinstance(items, list):
        return []
    headings = details.get("headings") or []
    return [item_line(i, headings) for i in items[:ITEMS_SHOWN] if isinstance(i, dict)]


def failing_audits(report: dict, category: str) -> list[Failing]:
    """The audits of category that cost it points (weighted first), and those Lighthouse could not run."""
    found = []
    for ref in report["categories"][category]["auditRefs"]:
        a = report["audits"][ref["id"]]
        broken = a.get("scoreDisplayMode") == "error"
        if broken or (a.get("score") is not None and a["score"] < 1 and ref.get("weight", 0) > 0):
            display = a.get("errorMessage", "") if broken else a.get("displayValue", "")
            found.append(Failing(a["id"], a["title"], a.get("score"), ref.get("weight", 0), str(display or ""),
                                 items_of(a.get("details"))))
    return sorted(found, key=lambda f: -f.weight)


def summarize(label: str, report: dict, seconds: float) -> Result:
    """Scores out of 100 as Lighthouse shows them, and the failing audits of each category under 100."""
    scores, failing = {}, {}
    for c in CATEGORIES:
        score = report["categories"].get(c, {}).get("score")
        scores[c] = None if score is None else round(score * 100)
        if scores[c] != 100 and c in report["categories"]:
            failing[c] = failing_audits(report, c)
    return Result(label, report["finalDisplayedUrl"], round(seconds, 1), scores, failing,
                  list(report.get("runWarnings") or []), report.get("environment", {}).get("benchmarkIndex"),
                  settings_of(report))


def settings_of(report: dict) -> str:
    """The emulation and throttling Lighthouse ran with, in one line (its defaults, unless changed)."""
    c = report["configSettings"]
    screen, t = c["screenEmulation"], c["throttling"]
    return (f"Lighthouse {report['lighthouseVersion']}, {c['formFactor']} {screen['width']}x{screen['height']}"
            f" at {screen['deviceScaleFactor']}x, {c['throttlingMethod']} throttling (RTT {t['rttMs']} ms,"
            f" {t['throughputKbps']:g} kbps, CPU x{t['cpuSlowdownMultiplier']:g}),"
            f" browser {browser_version(report)}")


def browser_version(report: dict) -> str:
    """The version of the browser Lighthouse drove, from its user agent."""
    agent = report.get("environment", {}).get("hostUserAgent", "")
    found = re.search(r"(HeadlessChrome|Chrome)/(\S+)", agent)
    return found.group(2) if found else "unknown"


@dataclass
class Options:
    site: Path | None = None          # a built site; None builds the seed site
    pages: list[tuple[str, str]] | None = None  # (label, path) to audit; None: those of pages_of
    only: set[str] | None = None      # labels (or their first word) to keep
    reports: Path | None = None       # where to keep Lighthouse's JSON reports
    chromium: str | None = None
    performance_runs: int = PERFORMANCE_RUNS


def audit_page(label: str, url: str, out: Path, options: Options) -> Result:
    """Audit url; where performance is under 100, again, up to options.performance_runs times, keeping the
    best run. Load on the machine only ever adds time to the simulated metrics, so the best run is the page's
    own cost, and a page that is slow in itself is slow in every run."""
    runs = []
    while not runs or (len(runs) < options.performance_runs and best(runs).scores["performance"] != 100):
        start = time.monotonic()
        path = out / f"{label.replace(' ', '-')}{'-' + str(len(runs) + 1) if runs else ''}.json"
        runs.append(summarize(label, lighthouse(url, path, options.chromium), time.monotonic() - start))
    result = best(runs)
    result.performance_runs = [r.scores["performance"] for r in runs]
    return result


def best(runs: list[Result]) -> Result:
    """The run with the highest performance score."""
    return max(runs, key=lambda r: (r.scores["performance"] or 0))


def audit_site(options: Options, say: Callable[[str], None] = lambda msg: None) -> list[Result]:
    """Serve the site (or build the seed site) and run Lighthouse on each page in turn."""
    absent = missing_tools()
    if options.chromium:
        absent.pop("chromium", None)
    if absent:
        raise HarnessError("; ".join(f"{tool} is not installed: {how}" for tool, how in absent.items()))
    options.chromium = options.chromium or find_chromium()
    results = []
    with served(options.site) as (base, folder), tempfile.TemporaryDirectory(prefix="lighthouse-out-") as tmp:
        out = options.reports or Path(tmp)
        try:
            out.mkdir(parents=True, exist_ok=True)
        except OSError as e:
            raise HarnessError(f"{out}: cannot keep the reports there: {e.strerror}") from None
        for label, path in options.pages or pages_of(folder):
            if options.only and label not in options.only and label.split()[0] not in options.only:
                continue
            say(f"{label}: {base}/{path}")
            results.append(audit_page(label, f"{base}/{path}", out, options))
    return results


# --- output ---------------------------------------------------------------------------------------------

def describe(result: Result) -> str:
    """The page's scores, then each failing audit with its first items."""
    lines = [f"{result.label}  {result.url}  ({result.seconds} s, benchmark index {result.benchmark_index})",
             "  " + "  ".join(f"{c} {result.scores[c] if result.scores[c] is not None else 'ERROR'}"
                              for c in CATEGORIES)]
    if len(result.performance_runs) > 1:
        lines.append(f"  performance over {len(result.performance_runs)} runs: "
                     f"{', '.join(map(str, result.performance_runs))} (the best run is shown)")
    lines += [f"  warning: {w}" for w in result.warnings]
    for category, audits in result.failing.items():
        lines.append(f"  {category} {result.scores[category]}:")
        for a in audits:
            score = "n/a" if a.score is None else f"{a.score:g}"
            lines.append(f"    {a.id} (score {score}, weight {a.weight:g}): {a.title}"
                         + (f" - {a.display}" if a.display else ""))
            lines += [f"      {item}" for item in a.items]
        if not audits:
            lines.append("    (no single audit scored under 1: the weighted metrics add up under 100)")
    return "\n".join(lines)


def progress(msg: str) -> None:
    """Say what is being audited, on stderr."""
    print(f"[lighthouse {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--site", type=Path, help="a built site to audit (default: build content/ now)")
    parser.add_argument("--json", type=Path, help="write the scores and failing audits here as JSON")
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's full JSON reports in this folder")
    parser.add_argument("--performance-runs", type=int, default=PERFORMANCE_RUNS, metavar="N",
                        help="audit a page up to N times while its performance is under 100, keeping the best "
                             f"run (default {PERFORMANCE_RUNS}; 1 for single runs)")
    parser.add_argument("--only", help="audit only these pages: home, cable, thread, tag, search "
                                       "(comma-separated; 'cable 07BEIJING3239' for one cable)")
    args = parser.parse_args(argv)
    only = {x.strip() for x in args.only.split(",")} if args.only else None
    start = time.monotonic()
    try:
        options = Options(site=args.site, only=only, reports=args.reports,
                          performance_runs=max(1, args.performance_runs))
        results = audit_site(options, say=progress)
    except HarnessError as e:
        print(f"lighthouse.py: {e}", file=sys.stderr)
        return 2
    if results:
        print(results[0].settings + "\n")
    for r in results:
        print(describe(r) + "\n")
    short = [r.label for r in results if not r.perfect]
    print(f"{len(results)} pages in {time.monotonic() - start:.0f} s: "
          + (f"under 100 on {', '.join(short)}" if short else "100 in all four categories on every page"))
    if args.json:
        try:
            args.json.write_text(json.dumps([asdict(r) for r in results], indent=2) + "\n", encoding="utf-8")
        except OSError as e:
            print(f"lighthouse.py: {args.json}: cannot write: {e.strerror}", file=sys.stderr)
            return 2
    return 1 if short else 0


if __name__ == "__main__":
    sys.exit(main())
