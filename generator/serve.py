"""Preview: build, serve the site on 127.0.0.1, rebuild when a source changes, and reload the open page.

livereload serves the pages and tells the browser to reload; watchdog reports changed files at once
(livereload's own watcher polls every 0.8 s and ignores a second change within 3 s). A rebuild that
fails leaves the last good site in place, and every page served shows the problems until it is fixed.
Nothing outside the site folder is served: such requests get 404, as missing pages do.
"""

from __future__ import annotations

import errno
import html
import os
import re
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

from livereload import Server
from livereload.handlers import LiveReloadHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .errors import Problems
from .render import ASSETS, TEMPLATES

DEBOUNCE = 0.03
"""Seconds to wait after a change for the rest of a save (editors write a file in several steps)."""

IGNORED = re.compile(r"(^\.|~$|\.sw[px]$|^4913$|\.tmp$|^#.*#$)")
"""Editors' scratch files: hidden files, backups, Vim swap and probe files, Emacs autosaves."""


@dataclass
class Preview:
    """What the preview knows between rebuilds."""

    content: Path
    output: Path
    base_url: str
    problems: list = field(default_factory=list)
    """Problems of the latest rebuild, shown on every page until a rebuild has none."""
    failed: bool = False
    """True when the latest rebuild did not replace the site (the last good one is served)."""
    last_seconds: float = 0.0

    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while the site changes: by a rebuild, or by the search bundles a refresh swaps in."""
    indexing: threading.Lock = field(default_factory=threading.Lock)
    busy: bool = False
    """A search refresh is running (one at a time; `again` asks it for one more round)."""
    again: bool = False

    def rebuild(self) -> None:
        """Build into a fresh folder and swap it in; on errors keep the last good site. Search bundles that
        a quick rebuild left to index are indexed by `refresh_search`, after the page has reloaded."""
        from .cli import report
        from .site import BUILD_MARK, build

        start = time.perf_counter()
        had_site = (self.output / BUILD_MARK).exists()
        with self.lock:
            problems = build(self.content, self.output, Problems(), preview=True, base_url=self.base_url,
                             defer_search=True)
        self.last_seconds = time.perf_counter() - start
        self.problems = sorted(problems, key=lambda p: (p.severity != "error", p.path, p.line or 0))
        self.failed = bool(problems.errors) and had_site
        report(problems)
        state = "failed: serving the last good site" if self.failed else "built"
        print(f"[serve] {state} in {self.last_seconds:.2f} s"
              f"{f' with {len(problems)} problem' + 's' * (len(problems) != 1) if len(problems) else ''}", file=sys.stderr, flush=True)

    def refresh_search(self) -> None:
        """Index what the last quick rebuild left to index (in a thread: pages are served meanwhile)."""
        from .quick import refresh_search
        from .store import Store, default_folder

        with self.indexing:
            if self.busy:
                self.again = True  # the running refresh goes round once more
                return
            self.busy = True
        try:
            while True:
                self.again = False
                start = time.perf_counter()
                if refresh_search(self.output, Store(default_folder(self.output)), self.lock):
                    print(f"[serve] search index updated in {time.perf_counter() - start:.2f} s",
                          file=sys.stderr, flush=True)
                with self.indexing:
                    if not self.again:
                        self.busy = False
                        return
        except Exception:
            with self.indexing:
                self.busy = False
            raise

    def panel(self) -> bytes:
        """The problems of the latest rebuild as an HTML block for the top of every page (empty if none)."""
        if not self.problems:
            return b""
        errors = sum(p.severity == "error" for p in self.problems)
        if self.failed:
            title = "The last rebuild failed: you are seeing the last good build"
        elif errors:
            title = f"Built with {errors} error{'s' * (errors != 1)}: what they concern is left out"
        else:
            title = f"Built with {len(self.problems)} warning{'s' * (len(self.problems) != 1)}"
        items = "".join(f"<li><code>{html.escape(str(p))}</code></li>" for p in self.problems[:200])
        more = f"<p>and {len(self.problems) - 200} more (see the terminal)</p>" if len(self.problems) > 200 else ""
        return (f'<section class="preview-problems" role="alert" aria-labelledby="preview-problems-title">'
                f'<h2 id="preview-problems-title">{html.escape(title)}</h2><ul>{items}</ul>{more}</section>'
                ).encode("utf-8")


PREVIEW: Preview | None = None
"""The preview being served (one per process)."""


def inject(page: bytes, block: bytes) -> bytes:
    """Put a block at the start of a page's body."""
    m = re.search(rb"<body[^>]*>", page)
    return page[:m.end()] + block + page[m.end():] if m else block + page


def panel_for(path: str) -> bytes:
    """The problems panel for an HTML file of the site, or nothing."""
    return PREVIEW.panel() if PREVIEW is not None and str(path).endswith(".html") else b""


class SiteFiles(StaticFileHandler):
    """Files of the site folder only; every other request, and any missing file, gets the site's 404 page."""

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            absolute = super().get_absolute_path(root, path)
            real_root, real = os.path.realpath(root), os.path.realpath(absolute)
        except (web.HTTPError, ValueError, OSError):
            raise web.HTTPError(404) from None
        if real != real_root and not real.startswith(real_root + os.sep):
            raise web.HTTPError(404)  # a link inside the site that leads out of it
        return absolute

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            return super().validate_absolute_path(root, absolute_path)
        except web.HTTPError as e:
            if e.status_code == 403:  # a folder without index.html, a device, a socket: not part of the site
                raise web.HTTPError(404) from None
            raise

    def get_content_size(self) -> int:
        return super().get_content_size() + len(panel_for(self.absolute_path))

    @classmethod
    def get_content(cls, abspath, start=None, end=None):
        block = panel_for(abspath)
        if not block:
            return super().get_content(abspath, start, end)
        with open(abspath, "rb") as f:
            return inject(f.read(), block)

    def write_error(self, status_code: int, **kwargs) -> None:
        page = Path(self.root) / "404.html"
        if status_code == 404 and page.is_file():
            body = page.read_bytes()
        else:
            body = (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{status_code}</title></head>"
                    f"<body><h1>{status_code} {html.escape(self._reason)}</h1></body></html>").encode()
        if PREVIEW is not None:
            body = inject(body, PREVIEW.panel())
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(body)


class Changes(FileSystemEventHandler, Watcher):
    """A livereload watcher fed by watchdog events: rebuild at once, then reload every open page."""

    def __init__(self, preview: Preview, folders: list[Path]):
        FileSystemEventHandler.__init__(self)
        Watcher.__init__(self)
        self.preview = preview
        self.folders = folders
        self._tasks = {str(f): {} for f in folders}  # so that livereload does not watch the working folder
        self.loop: IOLoop | None = None
        self.pending: str | None = None
        self.observer = Observer()

    def start(self, callback) -> bool:
        """Called by livereload on its loop; True means: no polling needed."""
        self.loop = IOLoop.current()
        for folder in self.folders:
            self.observer.schedule(self, str(folder), recursive=True)
        self.observer.daemon = True
        self.observer.start()
        return True

    def examine(self):
        return None, None

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or event.is_directory and event.event_type == "modified":
            return
        path = os.fsdecode(getattr(event, "dest_path", "") or event.src_path)
        if IGNORED.search(os.path.basename(path)) or self.loop is None:
            return
        self.loop.add_callback(self.changed, path)

    def changed(self, path: str) -> None:
        first = self.pending is None
        self.pending = path
        if first:
            self.loop.call_later(DEBOUNCE, self.rebuild)

    def rebuild(self) -> None:
        path, self.pending = self.pending, None
        print(f"[serve] changed: {path}", file=sys.stderr, flush=True)
        self.filepath = path
        self.preview.rebuild()
        LiveReloadHandler.reload_waiters(path if path.endswith(".css") and not self.preview.failed else "*")
        threading.Thread(target=self.preview.refresh_search, daemon=True).start()


def local_address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def serve(content: Path, output: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build once, then serve `output` and rebuild when content/, templates/ or the assets change."""
    global PREVIEW
    preview = PREVIEW = Preview(content, output.resolve(), local_address(host, port))
    preview.rebuild()
    preview.output.mkdir(parents=True, exist_ok=True)
    folders = [preview.content, TEMPLATES] + ([ASSETS] if not ASSETS.is_relative_to(TEMPLATES) else [])
    server = Server(watcher=Changes(preview, folders))
    server.SFH = SiteFiles
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"[serve] warning: serving on {host}, reachable from other machines", file=sys.stderr)
    print(f"[serve] {preview.output} on {preview.base_url}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
    try:
        server.serve(root=str(preview.output), host=host, port=port, open_url_delay=None, restart_delay=0)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print(f"[serve] error: port {port} on {host} is in use; try --port {port + 1}", file=sys.stderr)
            return 1
        raise
    return 0
