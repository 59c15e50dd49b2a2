"""The build cache: parsed cables by content hash, and the manifest of what the last build wrote.

It lives in a git-ignored folder beside the output (.cache/site for site/). Deleting it is always
safe: the next build is a clean one.
"""

from __future__ import annotations

import functools
import hashlib
import os
import pickle
import re
import tempfile
import time
from pathlib import Path
from typing import Any

from .. import __version__

PACKAGE = Path(__file__).resolve().parents[1]
TEMPLATES = PACKAGE.parent / "templates"
KEY = re.compile(r"[0-9a-f]{64}")
"""A parse's key in the store: the SHA-256 of the file's path and bytes, in hex."""
STORE_FORMAT = 1
"""Raised when what the cache holds changes shape."""


def default_folder(output: Path) -> Path:
    """The cache of a build into `output`: .cache/<name> beside it."""
    output = output.resolve()
    return output.parent / ".cache" / output.name


def digest(*parts: Any) -> str:
    """A short stable hash of plain values (strings, numbers, lists, dicts, dataclasses), by their repr:
    a pickle is not canonical (equal values may pickle differently), a repr is."""
    return hashlib.blake2b(repr(parts).encode("utf-8", "surrogatepass"), digest_size=16).hexdigest()


@functools.lru_cache(maxsize=1)
def package_digest() -> str:
    """Hash of the generator's own code and data, without the templates: what a cached parse was made by. A
    parse is kept only for the code that made it (a cable pickled by other code may lack fields or differ)."""
    return folder_digest((PACKAGE,))


def code_digest() -> str:
    """Hash of the generator's own code, data, templates and assets: a change to any of them renders anew."""
    return folder_digest((PACKAGE, TEMPLATES))


def folder_digest(folders: tuple[Path, ...]) -> str:
    """Hash of every file of the folders (compiled Python left out), with the version and the store's format."""
    h = hashlib.blake2b(f"{__version__}/{STORE_FORMAT}".encode(), digest_size=16)
    for folder in folders:
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d != "__pycache__")
            for name in sorted(files):
                if name.endswith((".pyc", ".pyo")):
                    continue
                path = os.path.join(root, name)
                h.update(os.path.relpath(path, folder).encode() + b"\0")
                with open(path, "rb") as f:
                    h.update(f.read())
    return h.hexdigest()


def write_atomic(path: Path, data: bytes) -> None:
    """Write a file under a temporary name, then rename it into place."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


class Store:
    """One cache folder."""

    def __init__(self, folder: Path):
        self.folder = folder
        self.parsed = folder / "parsed"
        self.templates = folder / "templates"
        """Compiled templates (jinja2's bytecode cache)."""

    def _path(self, key: str) -> Path:
        if not KEY.fullmatch(key):  # keys are hashes; anything else would name a path of its own choosing
            raise ValueError(f"not a store key: {key[:80]!r}")
        return self.parsed / key[:2] / f"{key}.pickle"

    def has(self, key: str) -> bool:
        return self._path(key).exists()

    def save(self, key: str, value: Any) -> None:
        """Keep the parse of one file: under a name of this process's, then renamed into place."""
        path = self._path(key)
        tmp = f"{path}.{os.getpid()}.tmp"
        data = pickle.dumps(value, protocol=5)
        try:
            f = open(tmp, "wb")
        except FileNotFoundError:
            path.parent.mkdir(parents=True, exist_ok=True)
            f = open(tmp, "wb")
        with f:
            f.write(data)
        os.replace(tmp, path)

    def load(self, key: str) -> Any:
        with open(self._path(key), "rb") as f:
            return pickle.load(f)

    def discard(self, key: str | None) -> None:
        """Forget the parse kept under `key` (it may be of other bytes than the key's)."""
        if key:
            self._path(key).unlink(missing_ok=True)

    def prune(self, keep: set[str]) -> None:
        """Remove parses no cable file gives any more, and what a killed build left half-written."""
        if not self.parsed.is_dir():
            return
        for sub in self.parsed.iterdir():
            for p in sub.iterdir():
                if p.name.endswith(".tmp") or p.stem not in keep:
                    p.unlink(missing_ok=True)

    # --- the manifest of the last build --------------------------------------------------------

    @property
    def _manifest(self) -> Path:
        return self.folder / "manifest.pickle"

    @property
    def _dirty(self) -> Path:
        return self.folder / "writing"

    def manifest(self) -> dict | None:
        """What the last complete build recorded; None after a build that stopped while writing."""
        return self._read(self._manifest)

    @property
    def _head(self) -> Path:
        return self.folder / "head.pickle"

    def head(self) -> dict | None:
        """The small part of the manifest a no-op build needs: options, output mark, inputs, problems."""
        return self._read(self._head)

    def _read(self, path: Path) -> dict | None:
        if self._dirty.exists():
            return None
        try:
            with open(path, "rb") as f:
                value = pickle.load(f)
        except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
            return None
        return value if isinstance(value, dict) and value.get("format") == STORE_FORMAT else None

    def begin_writing(self) -> None:
        """Mark the output as being changed in place: a build killed now is followed by a clean one."""
        self.folder.mkdir(parents=True, exist_ok=True)
        self._manifest.unlink(missing_ok=True)
        self._head.unlink(missing_ok=True)
        self._dirty.touch()

    def finish(self, manifest: dict) -> None:
        """Record a complete build (under a new serial, which what was kept for quick rebuilds must match)."""
        manifest["format"] = STORE_FORMAT
        manifest["serial"] = os.urandom(8).hex()
        self._head.unlink(missing_ok=True)
        write_atomic(self._manifest, pickle.dumps(manifest, protocol=5))
        self.write_head({k: manifest[k] for k in HEAD})
        self._dirty.unlink(missing_ok=True)

    def write_head(self, head: dict) -> None:
        write_atomic(self._head, pickle.dumps(head, protocol=5))

    def forget(self) -> None:
        """Drop the manifest (the output changed in a way it does not describe)."""
        self._manifest.unlink(missing_ok=True)
        self._head.unlink(missing_ok=True)


HEAD = ("format", "serial", "base", "mark", "inputs", "problems", "pages")
"""The keys of the manifest kept apart in head.pickle, for the no-op check."""


# --- has anything changed since the last build? ------------------------------------------------------

BUILD_MARK = "catalog.json"
"""Every build writes it last; a folder holding it may be replaced by the next build."""


def stat_key(path: Path | str) -> tuple[int, int, int] | None:
    """Size, modification time and inode: a file whose three are unchanged is taken as unchanged."""
    try:
        st = os.stat(path)
    except OSError:
        return None
    return (st.st_size, st.st_mtime_ns, st.st_ino)


RACY_NS = 50_000_000
"""Files changed this close (in ns) before a scan may change again within the same tick of the file system's
clock (ext4 stamps files from a clock of 4-10 ms ticks), leaving size, time and inode as they were."""


def racy(st: os.stat_result, now_ns: int) -> bool:
    """Whether a file's stamp cannot vouch for its bytes: it was changed within RACY_NS of `now_ns`."""
    return now_ns - st.st_mtime_ns < RACY_NS


def is_racy(mark: tuple | None) -> bool:
    """Whether a scan's mark is that of a file changed just before the scan (see `scan`)."""
    return bool(mark) and mark[0] == "racy"


def scan(content_dir: Path) -> dict[str, tuple | None]:
    """The size, time and inode of every input file: equal scans mean nothing changed.

    A stamp vouches for a file's bytes only once the clock tick it was made in has passed (see RACY_NS): where
    a file was changed just before, the scan waits out that tick and takes its stamp again, so that whatever
    the build reads after it is at least as new as the stamp recorded for it."""
    found: dict[str, tuple | None] = {}
    fresh: dict[str, int] = {}

    def walk(folder: str, now: int) -> None:
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError:
            return
        for e in entries:
            try:
                if e.is_dir(follow_symlinks=False):
                    if not e.name.startswith("."):
                        walk(e.path, now)
                    continue
                note(e.path, e.stat(), now)
            except OSError:
                found[e.path] = None

    def note(path: str, st: os.stat_result, now: int) -> None:
        found[path] = (st.st_size, st.st_mtime_ns, st.st_ino)
        if racy(st, now):
            fresh[path] = st.st_mtime_ns
        else:
            fresh.pop(path, None)

    walk(str(content_dir), time.time_ns())
    for _ in range(SETTLE_ROUNDS):
        if not fresh:
            break
        # At most one tick: a stamp in the future (a clock set wrong) is not waited for, it stays racy.
        time.sleep(min(RACY_NS, max(0, max(fresh.values()) + RACY_NS - time.time_ns())) / 1e9)
        now = time.time_ns()
        for path in list(fresh):
            try:
                note(path, os.stat(path), now)
            except OSError:
                found[path] = None
                fresh.pop(path, None)
    for path in fresh:  # still changing: a mark no later scan equals, so the next build reads it again
        found[path] = ("racy", time.time_ns())
    return found


SETTLE_ROUNDS = 3
"""Times a scan waits for files that are being changed as it runs."""


def build_base(preview: bool, base_url: str | None, searching: bool, formats: tuple[str, ...] = ()) -> str:
    """What every page depends on besides content/: the code, the templates and the build's options."""
    return digest(code_digest(), preview, base_url, searching, *([sorted(formats)] if formats else []))


def unchanged(store: Store, content_dir: Path, output: Path, base: str) -> tuple[dict | None, dict]:
    """The last build's head if it describes `output` as it is (else None), and the scan of content/.
    When the scan equals the head's inputs, nothing needs doing."""
    head = store.head()
    if not head or head["base"] != base or head["mark"] != stat_key(output / BUILD_MARK) \
            or not (output / BUILD_MARK).exists():
        head = None
    return head, scan(content_dir)
