"""A static server that behaves like GitHub Pages (a site under /REPO/ or at the root; folders answer with
their index.html, a folder without its slash is redirected, a missing page gets 404.html with status
404), and a crawler that follows every internal link and checks every fragment over HTTP."""

from __future__ import annotations

import threading
import urllib.error
import urllib.request
from contextlib import contextmanager
from html.parser import HTMLParser
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Iterator
from urllib.parse import unquote, urldefrag, urljoin, urlsplit

TYPES = {".html": "text/html; charset=utf-8", ".css": "text/css", ".js": "text/javascript",
         ".xml": "application/xml", ".json": "application/json", ".csv": "text/csv", ".txt": "text/plain"}


def handler_for(site: Path, prefix: str):
    class Pages(BaseHTTPRequestHandler):
        def log_message(self, *args):
            pass

        def do_GET(self):
            path = unquote(urlsplit(self.path).path)
            if not path.startswith(prefix):
                return self.send(404, b"outside the site", ".txt")
            rel = path[len(prefix):]
            target = (site / rel).resolve()
            if site.resolve() not in (target, *target.parents):
                return self.send(404, b"outside the site", ".txt")
            if target.is_dir():
                if not path.endswith("/"):
                    self.send_response(301)
                    self.send_header("Location", path + "/")
                    self.end_headers()
                    return
                target = target / "index.html"
            if target.is_file():
                return self.send(200, target.read_bytes(), target.suffix)
            return self.send(404, (site / "404.html").read_bytes(), ".html")

        def send(self, status: int, body: bytes, suffix: str):
            self.send_response(status)
            self.send_header("Content-Type", TYPES.get(suffix, "application/octet-stream"))
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Pages


@contextmanager
def pages_server(prefix: str = "/") -> Iterator[tuple[ThreadingHTTPServer, callable]]:
    """Start a server now (so its port is known before the build); `mount(site)` points it at a folder."""
    server = ThreadingHTTPServer(("127.0.0.1", 0), BaseHTTPRequestHandler)

    def mount(site: Path) -> None:
        server.RequestHandlerClass = handler_for(site, prefix)

    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server, mount
    finally:
        server.shutdown()
        server.server_close()


class Links(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[str] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if a.get("id"):
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        for key in ("href", "src", "action"):
            value = a.get(key)
            if value and not value.startswith("data:"):
                self.links.append(value)


def fetch(url: str) -> tuple[int, str, bytes]:
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.status, r.headers.get("Content-Type", ""), r.read()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type", ""), e.read()


def crawl(start: str, prefix_url: str, extra: list[str] = ()) -> tuple[int, list[str]]:
    """Follow every link under prefix_url from start; return (pages fetched, problems)."""
    queue = [(start, "start"), *((u, "listed") for u in extra)]
    seen: set[str] = set()
    ids: dict[str, set[str]] = {}
    fragments: list[tuple[str, str, str]] = []
    problems: list[str] = []
    origin = "{0.scheme}://{0.netloc}".format(urlsplit(prefix_url))
    while queue:
        url, referrer = queue.pop()
        if url in seen:
            continue
        seen.add(url)
        status, ctype, body = fetch(url)
        if status != 200:
            problems.append(f"{url}: HTTP {status} (linked from {referrer})")
            continue
        if "html" not in ctype:
            continue
        page = Links()
        page.feed(body.decode("utf-8"))
        ids[url] = page.ids
        for link in page.links:
            absolute = urljoin(url, link)
            if not absolute.startswith(origin):
                continue  # another site
            bare, fragment = urldefrag(absolute)
            if not bare.startswith(prefix_url):
                problems.append(f"{url}: {link} leaves the site's path {prefix_url}")
                continue
            bare = bare.split("?")[0]
            if fragment:
                fragments.append((url, bare, fragment))
            if bare not in seen:
                queue.append((bare, url))
    for url, target, fragment in fragments:
        if target in ids and fragment not in ids[target]:
            problems.append(f"{url}: #{fragment} is not an id of {target}")
    return len(seen), problems
