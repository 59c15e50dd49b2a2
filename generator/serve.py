"""Preview: build, serve the site on 127.0.0.1, rebuild when a source changes, and reload the open page.

The preview has a folder of its own beside the output's cache (.cache/preview-site/ for site/): the pages
it serves carry the local address and the live-reload script, so they never go into the output folder,
which `serve` leaves as it found it. livereload serves the pages and tells the browser to reload; watchdog
reports changed files at once. Rebuilds run in a thread of their own, one at a time (changes made during
one are built together after it), while the server goes on answering from the last good site; the search
bundles a quick rebuild left stale are indexed by another thread, and put in place only if no rebuild
changed the site meanwhile. A rebuild that fails leaves the last good site in place, and every page served
shows the problems until it is fixed. Only requests addressed to this preview are answered (the Host a
DNS-rebinding page sends, or a foreign page's Origin, gets 403), and nothing outside the site folder is
served: such requests get 404, as missing pages do.
"""

from __future__ import annotations

import datetime
import errno
import html
import ipaddress
import json
import os
import re
import signal
import sys
import threading
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path
from typing import Callable
from urllib.parse import urlsplit

from livereload import Server
from livereload.handlers import ForceReloadHandler, LiveReloadHandler, LiveReloadJSHandler, StaticFileHandler
from livereload.watcher import Watcher
from tornado import web
from tornado.ioloop import IOLoop
from watchdog.events import FileSystemEvent, FileSystemEventHandler
from watchdog.observers import Observer

from .errors import Problems, report
from .render.views import ASSETS, TEMPLATES
from .read.store import Store, default_folder, write_atomic

DEBOUNCE = 0.03
"""Seconds to wait after a change for the rest of a save (editors write a file in several steps)."""

IGNORED = re.compile(r"(^\.|~$|\.sw[px]$|^4913$|\.tmp$|^#.*#$)")
"""Editors' scratch files: hidden files, backups, Vim swap and probe files, Emacs autosaves."""

LOOPBACK = ("127.0.0.1", "localhost", "::1")
"""The names a browser on this machine reaches the preview by (and the --host given)."""

ANY_ADDRESS = ("0.0.0.0", "::", "")

STATUS = "status.json"
"""What the preview is doing, beside the site it serves: changes seen, changes built, whether a rebuild or
a search refresh is under way (tests and tools poll it to know when the preview has settled)."""


def preview_folder(output: Path) -> Path:
    """The preview's own folder for a site built into `output`: .cache/preview-<name>/ beside it."""
    output = output.resolve()
    return default_folder(output).parent / f"preview-{output.name}"


# --- which requests are this preview's ---------------------------------------------------------------

def allowed_hosts(host: str, port: int) -> frozenset[str]:
    """The Host headers the preview answers: the loopback names and the --host, with the port."""
    names = {f"[{n}]" if ":" in n else n for n in (*LOOPBACK, host) if n not in ANY_ADDRESS}
    hosts = {f"{n}:{port}" for n in names} | (names if port == 80 else set())
    return frozenset(h.lower() for h in hosts)


@dataclass(frozen=True)
class Addressed:
    """Who may talk to the preview: the Host headers it answers, and whether any IP address will do (when it
    listens on every address; an address, unlike a name, cannot be rebound to an attacker's page)."""

    hosts: frozenset[str]
    port: int
    any_ip: bool = False

    def host(self, value: str | None) -> bool:
        """A Host header (name[:port]) names this preview."""
        value = (value or "").strip().lower()
        if value in self.hosts:
            return True
        m = re.fullmatch(r"(\[[0-9a-f:.]+\]|[0-9.]+)(?::(\d+))?", value) if self.any_ip else None
        if not m or int(m.group(2) or 80) != self.port:
            return False
        try:
            ipaddress.ip_address(m.group(1).strip("[]"))
        except ValueError:
            return False
        return True

    def origin(self, value: str) -> bool:
        """A page's Origin (scheme://host[:port]) is one of this preview's own addresses."""
        try:
            parts = urlsplit(value)
        except ValueError:
            return False
        if parts.scheme != "http" or parts.path or parts.query or parts.username or not parts.netloc:
            return False
        return self.host(parts.netloc)


ADDRESSED: Addressed = Addressed(frozenset(), 0)
"""The addresses of the preview being served (one per process); nothing is answered until it is set."""


def refuse_foreign(handler: web.RequestHandler) -> None:
    """Refuse (403) a request for another host name, or sent by a page of another origin."""
    request = handler.request
    origin = request.headers.get("Origin")
    if not ADDRESSED.host(request.host) or (origin is not None and not ADDRESSED.origin(origin)):
        handler.foreign = True
        raise web.HTTPError(403)
    if request.path == "/forcereload" and request.headers.get("Sec-Fetch-Site", "same-origin") not in (
            "same-origin", "none"):
        handler.foreign = True  # an image on another site must not reload the editor's pages
        raise web.HTTPError(403)


REFUSED = (b"403 Forbidden: the preview answers only requests for its own address (127.0.0.1, localhost, [::1] "
           b"or the --host given), from its own pages\n")


def write_refusal(handler: web.RequestHandler) -> None:
    """A refused request's answer: plain text (nothing is injected into it, nothing of the site is in it)."""
    handler.clear_header("Content-Length")
    handler.set_header("Content-Type", "text/plain; charset=UTF-8")
    handler.finish(REFUSED)


def _prepare(self) -> None:
    refuse_foreign(self)


def _write_error(self, status_code: int, **kwargs) -> None:
    if getattr(self, "foreign", False):
        return write_refusal(self)
    return web.RequestHandler.write_error(self, status_code, **kwargs)


def _check_origin(self, origin: str) -> bool:
    return ADDRESSED.origin(origin)


class PreviewServer(Server):
    """livereload's server whose every endpoint (pages, /livereload, /livereload.js, /forcereload) answers
    only requests addressed to this preview; the websocket also checks the page's Origin."""

    def application(self, *args, **kwargs):
        # livereload builds its handler list from these classes, and tornado calls prepare() and
        # check_origin() on them before any other method: the checks go there.
        for handler in (LiveReloadHandler, LiveReloadJSHandler, ForceReloadHandler):
            handler.prepare = _prepare
            handler.write_error = _write_error
        LiveReloadHandler.check_origin = _check_origin
        return super().application(*args, **kwargs)


# --- one thing at a time, in a thread ----------------------------------------------------------------

class Coalescing:
    """Run `work` in a thread of its own whenever asked, one run at a time: asks made during a run make one
    more run after it. `changed` is called after each change of state (asked, started, finished)."""

    def __init__(self, work: Callable[[], None], name: str, changed: Callable[[], None], delay: float = 0.0):
        self.work = work
        self.delay = delay
        self.changed = changed
        self.cond = threading.Condition()
        self.asked = False
        self.running = False
        self.stopped = False
        self.thread = threading.Thread(target=self._loop, name=name, daemon=True)

    @property
    def busy(self) -> bool:
        with self.cond:
            return self.asked or self.running

    def start(self) -> None:
        self.thread.start()

    def ask(self) -> None:
        with self.cond:
            self.asked = True
            self.cond.notify()
        self.changed()

    def stop(self) -> None:
        """Take no more work: the run under way, if any, is the last."""
        with self.cond:
            self.stopped = True
            self.cond.notify()

    def _loop(self) -> None:
        while True:
            with self.cond:
                while not self.asked and not self.stopped:
                    self.cond.wait()
            if self.delay:
                time.sleep(self.delay)  # the rest of a save, and the files saved with it
            with self.cond:
                if self.stopped:
                    return
                self.asked, self.running = False, True
            self.changed()
            try:
                self.work()
            except Exception:  # noqa: BLE001 - a bug: say it, keep serving the last good site
                print(f"[serve] internal error in the {self.thread.name}; the last good site is served",
                      file=sys.stderr, flush=True)
                traceback.print_exc()
            finally:
                with self.cond:
                    self.running = False
                self.changed()


# --- the preview -------------------------------------------------------------------------------------

@dataclass
class Preview:
    """What the preview knows between rebuilds."""

    content: Path
    folder: Path
    """The preview's own folder: the site it serves (site/), that site's cache (.cache/) and status.json."""
    base_url: str
    problems: list = field(default_factory=list)
    """Problems of the latest rebuild, shown on every page until a rebuild has none."""
    failed: bool = False
    """True when the latest rebuild did not replace the site (the last good one is served)."""
    last_seconds: float = 0.0

    lock: threading.Lock = field(default_factory=threading.Lock)
    """Held while the served site changes: by a rebuild, or by the search bundles a refresh puts in place."""
    generation: int = 0
    """Counts the rebuilds begun: a search refresh begun before one is not put in place."""
    status: dict = field(default_factory=dict)
    status_lock: threading.RLock = field(default_factory=threading.RLock)

    @property
    def output(self) -> Path:
        return self.folder / "site"

    @property
    def store(self) -> Store:
        return Store(default_folder(self.output))

    @property
    def options(self):
        """The preview's builds: for its own address, search indexed after the page is served."""
        from .options import BuildOptions
        return BuildOptions(preview=True, base_url=self.base_url, defer_search=True)

    def rebuild(self) -> None:
        """Build into the preview's folder; on errors keep the last good site. Search bundles that a quick
        rebuild left to index are indexed by `refresh_search`, after the page has reloaded."""
        from .build.site import BUILD_MARK, build

        start = time.perf_counter()
        had_site = (self.output / BUILD_MARK).exists()
        with self.lock:
            self.generation += 1
            problems = build(self.content, self.output, Problems(), self.options)
        self.last_seconds = time.perf_counter() - start
        self.problems = sorted(problems, key=lambda p: (p.severity != "error", p.path, p.line or 0))
        self.failed = bool(problems.errors) and had_site
        report(problems)
        state = "failed: serving the last good site" if self.failed else "built"
        count = f" with {len(problems)} problem{'s' * (len(problems) != 1)}" if len(problems) else ""
        print(f"[serve] {state} in {self.last_seconds:.2f} s{count}", file=sys.stderr, flush=True)
        self.note(result="failed" if self.failed else "built", problems=len(problems))

    def refresh_search(self) -> None:
        """Index what the last quick rebuild left to index (pages are served and rebuilt meanwhile)."""
        from .build.quick import refresh_search
        from .build.search import SearchIndexError
        from .build.write import Busy

        with self.lock:
            begun = self.generation
        start = time.perf_counter()
        try:
            done = refresh_search(self.output, self.store, self.lock, lambda: self.generation == begun)
        except (OSError, SearchIndexError, Busy) as e:
            if self.generation == begun:  # else the site changed under it: the next round indexes it
                print(f"[serve] the search index was not updated: {e}", file=sys.stderr, flush=True)
            return
        if done:
            print(f"[serve] search index updated in {time.perf_counter() - start:.2f} s", file=sys.stderr,
                  flush=True)

    def note(self, **changes) -> None:
        """Record what the preview is doing in status.json."""
        with self.status_lock:
            self.status.update(changes)
            try:
                write_atomic(self.folder / STATUS, (json.dumps(self.status, sort_keys=True) + "\n").encode())
            except OSError:
                pass  # a convenience for tools: the preview goes on without it

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


def inside(root: str, path: str) -> bool:
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    return real == real_root or real.startswith(real_root + os.sep)


class SiteFiles(StaticFileHandler):
    """Files of the site folder only; every other request, and any missing file, gets the site's 404 page.

    A file is read whole when the request is checked, and answered from those bytes: a rebuild replacing it
    meanwhile cannot make the length sent differ from the body."""

    foreign = False

    def prepare(self) -> None:
        refuse_foreign(self)

    @classmethod
    def get_absolute_path(cls, root: str, path: str) -> str:
        try:
            absolute = super().get_absolute_path(root, path)
            if not inside(root, absolute):
                raise web.HTTPError(404)  # a link inside the site that leads out of it
        except (web.HTTPError, ValueError, OSError):  # outside the root: not part of the site
            raise web.HTTPError(404) from None
        return absolute

    def validate_absolute_path(self, root: str, absolute_path: str) -> str | None:
        try:
            path = super().validate_absolute_path(root, absolute_path)
        except web.HTTPError as e:
            if e.status_code == 403:  # a folder without index.html, a device, a socket: not part of the site
                raise web.HTTPError(404) from None
            raise
        if path is None:
            return None  # redirected to the folder's address with its slash
        try:
            if not inside(root, path):
                raise web.HTTPError(404)
            with open(path, "rb") as f:
                stat = os.fstat(f.fileno())
                body = f.read()
        except (OSError, ValueError):
            raise web.HTTPError(404) from None  # removed by a rebuild since it was found
        self.body = inject(body, block) if (block := panel_for(path)) else body
        self.modified_at = datetime.datetime.fromtimestamp(int(stat.st_mtime), datetime.timezone.utc)
        return path

    def get_modified_time(self) -> datetime.datetime:
        return self.modified_at

    def get_content_size(self) -> int:
        return len(self.body)

    def compute_etag(self) -> None:
        return None  # every answer is fresh: the page may have been rebuilt a moment ago

    def set_extra_headers(self, path: str) -> None:
        self.set_header("Cache-Control", "no-cache")

    def get_content(self, abspath, start=None, end=None):  # noqa: D102 - from the bytes read when checked
        return self.body[start:end]

    def write_error(self, status_code: int, **kwargs) -> None:
        if self.foreign:
            return write_refusal(self)  # a refused request learns nothing of the content
        page = Path(self.root) / "404.html"
        body = None
        if status_code == 404:
            try:
                body = page.read_bytes()
            except OSError:
                pass
        if body is None:
            body = (f"<!DOCTYPE html><html lang=en><head><meta charset=utf-8><title>{status_code}</title></head>"
                    f"<body><h1>{status_code} {html.escape(self._reason)}</h1></body></html>").encode()
        if PREVIEW is not None:
            body = inject(body, PREVIEW.panel())
        self.set_header("Content-Type", "text/html; charset=UTF-8")
        self.finish(body)


# --- watching, rebuilding, reloading -----------------------------------------------------------------

class Changes(FileSystemEventHandler, Watcher):
    """A livereload watcher fed by watchdog events: rebuild in a thread, then reload every open page."""

    def __init__(self, preview: Preview, folders: list[Path]):
        FileSystemEventHandler.__init__(self)
        Watcher.__init__(self)
        self.preview = preview
        self.folders = folders
        self._tasks = {str(f): {} for f in folders}  # so that livereload does not watch the working folder
        self.loop: IOLoop | None = None
        self.paths: list[str] = []
        self.seen = 0
        """Changes reported so far; `built` of them were in place when the latest rebuild began."""
        self.built = 0
        self.guard = threading.Lock()
        self.observer = Observer()
        self.builder = Coalescing(self.rebuild, "rebuild thread", self.report, DEBOUNCE)
        self.searcher = Coalescing(preview.refresh_search, "search thread", self.report)

    def start(self, callback) -> bool:
        """Called by livereload on its loop; True means: no polling needed."""
        self.loop = IOLoop.current()
        self.builder.start()
        self.searcher.start()
        for folder in self.folders:
            self.observer.schedule(self, str(folder), recursive=True)
        self.observer.daemon = True
        self.observer.start()
        self.searcher.ask()  # what the first build (a quick one, after edits made while stopped) left stale
        return True

    def examine(self):
        return None, None

    def stop(self) -> None:
        """Stop watching, and let the rebuild and the search refresh under way finish (nothing of theirs, no
        Pagefind run, is left writing into the preview's folder); a second Ctrl+C stops at once."""
        self.observer.stop()
        workers = (self.builder, self.searcher)
        for worker in workers:
            worker.stop()
        if any(w.running for w in workers):
            print("[serve] stopping once the rebuild or search refresh under way is done (Ctrl+C again: at once)",
                  file=sys.stderr, flush=True)
        for worker in workers:
            if worker.thread.is_alive():
                worker.thread.join()

    def report(self) -> None:
        with self.preview.status_lock:  # read and written together: a later state is never overwritten
            with self.guard:
                seen, built = self.seen, self.built
            self.preview.note(changes=seen, built=built, building=self.builder.busy,
                              indexing=self.searcher.busy, generation=self.preview.generation)

    def on_any_event(self, event: FileSystemEvent) -> None:
        if event.event_type in ("opened", "closed_no_write") or event.is_directory and event.event_type == "modified":
            return
        path = os.fsdecode(getattr(event, "dest_path", "") or event.src_path)
        if not self.read_by_builds(path):
            return
        with self.guard:
            self.paths.append(path)
            self.seen += 1
        self.builder.ask()

    def read_by_builds(self, path: str) -> bool:
        """Not an editor's scratch file, nor in a hidden folder (a build skips those, e.g. .git/)."""
        if IGNORED.search(os.path.basename(path)):
            return False
        for folder in self.folders:
            if path.startswith(str(folder) + os.sep):
                return not any(part.startswith(".") for part in Path(path[len(str(folder)) + 1:]).parts)
        return True

    def rebuild(self) -> None:
        with self.guard:
            paths, self.paths = self.paths, []
            taken = self.seen
        if not paths:
            return
        paths = list(dict.fromkeys(reversed(paths)))[::-1]  # each file once, where it was last changed
        print(f"[serve] changed: {paths[-1]}" + (f" and {len(paths) - 1} more" if len(paths) > 1 else ""),
              file=sys.stderr, flush=True)
        self.filepath = paths[-1]
        self.preview.rebuild()
        styles = all(p.endswith(".css") for p in paths) and not self.preview.failed
        self.loop.add_callback(LiveReloadHandler.reload_waiters, paths[-1] if styles else "*")
        self.searcher.ask()
        with self.guard:
            self.built = taken


def local_address(host: str, port: int) -> str:
    shown = f"[{host}]" if ":" in host else host
    return f"http://{shown}:{port}"


def is_loopback(host: str) -> bool:
    try:
        return host == "localhost" or ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def serve(content: Path, output: Path, host: str = "127.0.0.1", port: int = 8000) -> int:
    """Build once into the preview's folder, then serve it and rebuild when content/, templates/ or the
    assets change. `output` is left as it is: the preview only takes its folder's name from it."""
    global PREVIEW, ADDRESSED
    preview = PREVIEW = Preview(content, preview_folder(output), local_address(host, port))
    ADDRESSED = Addressed(allowed_hosts(host, port), port, any_ip=host in ANY_ADDRESS)
    preview.folder.mkdir(parents=True, exist_ok=True)
    preview.note(pid=os.getpid(), url=preview.base_url, site=str(preview.output))
    preview.rebuild()
    preview.output.mkdir(parents=True, exist_ok=True)
    folders = [preview.content, TEMPLATES] + ([ASSETS] if not ASSETS.is_relative_to(TEMPLATES) else [])
    watcher = Changes(preview, folders)
    watcher.report()
    server = PreviewServer(watcher=watcher)
    server.SFH = SiteFiles
    if not is_loopback(host):
        print(f"[serve] warning: serving on {host}, reachable from other machines", file=sys.stderr)
    print(f"[serve] {preview.output} on {preview.base_url}/ (Ctrl+C to stop)", file=sys.stderr, flush=True)
    signal.signal(signal.SIGTERM, interrupted)  # `kill` stops the preview as Ctrl+C does
    try:
        server.serve(root=str(preview.output), host=host, port=port, open_url_delay=None, restart_delay=0)
    except OSError as e:
        if e.errno == errno.EADDRINUSE:
            print(f"[serve] error: port {port} on {host} is in use; try --port {port + 1}", file=sys.stderr)
            return 1
        raise
    watcher.stop()
    print("[serve] stopped", file=sys.stderr, flush=True)
    return 0


def interrupted(signum, frame) -> None:
    raise KeyboardInterrupt
