"""How long a reader waits for search results, in headless chromium (issue 19, target 4: under 1 s on the
100,000-cable site, with Pagefind's shards merged as the search page does it).

    python bench/browser_search.py SITE [--query WORDS ...] [--runs 3] [--chromium PATH]

SITE is a built site with its search bundle. The script serves it on 127.0.0.1 (a threaded server of the
standard library), opens SITE/search/ in a new browser context for every run (so nothing is cached: the
first search of a reader who just arrived), types each query as a person would (50 ms between keys) and
times, inside the page, from the last keystroke's input event to the first result in the list. That wait
includes the page's own 150 ms pause after typing. A second search on the same page (the next query, with
the index's first files fetched) is timed as "warm".

Prints, for each query, the median and worst of the runs, cold and warm, and the shards the page merged;
the exit status is 1 if a query found nothing.
"""

from __future__ import annotations

import argparse
import functools
import http.server
import shutil
import statistics
import sys
import threading
from pathlib import Path

QUERIES = ("privatization plan", "pipeline project", "customs union", "Farrell", "debt relief negotiations")

WATCH = """() => {
  window.__t = {input: 0, first: 0, q: ""};
  const q = document.getElementById("q"), status = document.getElementById("search-status");
  q.addEventListener("input", () => { window.__t.input = performance.now(); window.__t.first = 0; });
  // The results of the whole query: its status line says "for “QUERY”" and a result is listed.
  new MutationObserver(() => {
    if (!window.__t.first && window.__t.q && status.textContent.includes("\u201c" + window.__t.q + "\u201d")
        && document.querySelector("#cable-results .result, #other-results .result"))
      window.__t.first = performance.now();
  }).observe(document.body, {childList: true, subtree: true, characterData: true});
}"""


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args) -> None:
        pass


def serve(site: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    handler = functools.partial(Quiet, directory=str(site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_address[1]}/"


def wait_for_results(page, query: str) -> float:
    """Type a query into the search box and return the ms from its last input event to its results."""
    page.fill("#q", "")
    page.evaluate("q => { window.__t.first = 0; window.__t.q = q; }", query)
    page.type("#q", query, delay=50)
    page.wait_for_function("() => window.__t.first > 0", timeout=30000)
    return page.evaluate("() => window.__t.first - window.__t.input")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--query", action="append", help="a query (repeatable); default: five of the synthetic texts")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--chromium", default=shutil.which("chromium") or shutil.which("google-chrome"))
    args = ap.parse_args()
    if not (args.site / "search" / "index.html").exists():
        raise SystemExit(f"browser_search: {args.site} has no search page")
    from playwright.sync_api import sync_playwright

    server, base = serve(args.site)
    failed = False
    try:
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=args.chromium, args=["--no-sandbox"])
            shards = None
            queries = args.query or list(QUERIES)
            for n, query in enumerate(queries):
                cold, warm = [], []
                for _ in range(args.runs):
                    context = browser.new_context()
                    page = context.new_page()
                    page.goto(base + "search/")
                    page.wait_for_load_state("load")
                    shards = page.evaluate("() => (document.getElementById('search-form').dataset.shards || '')"
                                           ".split(' ').filter(Boolean).length")
                    page.evaluate(WATCH)
                    try:
                        cold.append(wait_for_results(page, query))
                        warm.append(wait_for_results(page, queries[(n + 1) % len(queries)]))
                    except Exception as e:  # noqa: BLE001 - a query with no result is reported, not raised
                        print(f"{query!r}: no result ({type(e).__name__})")
                        failed = True
                    context.close()
                if cold:
                    print(f"{query!r:28} cold median {statistics.median(cold):6.0f} ms, worst {max(cold):6.0f} ms;"
                          f"  warm median {statistics.median(warm):6.0f} ms, worst {max(warm):6.0f} ms")
            print(f"site: {args.site}, shards merged by the page: {shards}, runs per query: {args.runs}")
            browser.close()
    finally:
        server.shutdown()
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
