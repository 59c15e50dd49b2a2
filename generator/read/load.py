"""Find cable files and read every cable in them, collecting problems instead of stopping."""

from __future__ import annotations

import hashlib
import os
import time
from pathlib import Path
from typing import Iterable, Iterator

from .. import parallel
from ..errors import CableError, Problem, Problems
from ..model import Brief, Cable, brief
from .store import RACY_NS, package_digest, stat_key
from .parse import parse_document
from ..paths import refused
from .readers import CableRowError, read_path, read_whole

CABLE_SUFFIXES = {".txt", ".html", ".htm", ".csv", ".md", ".text", ""}
"""File endings read as cables when a folder is walked (a file named directly is always read)."""
EDITORIAL_FILES = {"tags.csv"}
"""Files of a content folder that hold the editorial layer, never cables, though their ending is a cable file's."""


def is_cable_name(name: str) -> bool:
    """Whether a file of this name is read as a cable file when its folder is walked."""
    return Path(name).suffix.lower() in CABLE_SUFFIXES and name not in EDITORIAL_FILES


def cable_files(paths: Iterable[Path], problems: Problems | None = None,
                refuse_links: bool | None = None) -> Iterator[Path]:
    """Yield the cable files under the given files and folders, in a stable order; a folder that cannot be
    listed is an error in `problems`, and links are refused there too unless `refuse_links` is False."""
    links = problems if refuse_links is not False else None
    for path in paths:
        if path.is_dir():
            yield from _walk(str(path), problems, links, whole=path.name == CABLES_FOLDER)
        else:
            yield path


EDITORIAL_FOLDERS = {"annotations", "pages", "threads"}
"""Subfolders of a content folder that hold the editorial layer, never cables."""


CABLES_FOLDER = "cables"
"""The folder of a content folder that holds its cables: read whole, subfolders and all."""


def _walk(folder: str, problems: Problems | None, links: Problems | None, whole: bool = False) -> Iterator[Path]:
    """A folder's cable files (hidden names skipped), and its subfolders' where it is `whole` (a content
    folder's cables/) or holds no cable file of its own (a mirror's cable/YYYY/MM/ tree). Any other folder of
    cable files may keep beside them what is not part of the set (a corpus's raw_html/ copies, a content
    folder's notes): those subfolders are named, not read. With `links`, links are refused. build, check,
    inspect and import all read a folder so."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError as e:
        if problems is not None:  # else its cables would vanish without a word
            problems.error(folder, None, f"the folder could not be read ({e.strerror})")
        return
    mirror = mirror_cables(folder, entries)
    if mirror and not whole:
        # A mirror of the WikiLeaks site: its cables are the pages of cable/YYYY/MM/; the rest (index, tag,
        # date and origin lists, static files) is the site's navigation, which holds no cable.
        yield from _walk(mirror, problems, links, whole)
        return
    below, own = [], False
    for e in entries:
        if e.name.startswith("."):
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        cable = not is_dir and is_cable_name(e.name)
        # The entry knows whether it is a link without another system call: 100,000 files cost nothing more.
        if e.is_symlink():
            if links is not None and (is_dir or cable):
                refused(Path(e.path), links)
                continue
            if is_dir:
                continue  # a link to a folder is never walked (it may loop)
        if is_dir:
            below.append(e.path)
        elif cable:
            own = True
            yield Path(e.path)
    if own and not whole:
        for sub in below:
            if problems is not None and os.path.basename(sub) not in EDITORIAL_FOLDERS:
                problems.add(sub, None, "not read: the folder above it holds cable files of its own, and its "
                                        "subfolders are left alone; name this folder to read it")
        return
    for sub in below:
        yield from _walk(sub, problems, links, whole)


MIRROR_CABLES = "cable"
"""The folder of a WikiLeaks mirror that holds the cable pages, as cable/YYYY/MM/ID.html."""


def mirror_cables(folder: str, entries: list[os.DirEntry]) -> str | None:
    """The cable/ folder of a folder laid out as a WikiLeaks mirror (cable/ holding only year folders, beside
    the site's own pages), or None."""
    cable = next((e for e in entries if e.name == MIRROR_CABLES and not e.is_symlink() and e.is_dir()), None)
    if cable is None:
        return None
    try:
        years = [e.name for e in os.scandir(cable.path) if not e.name.startswith(".")]
    except OSError:
        return None
    if not years or not all(len(y) == 4 and y.isdigit() for y in years):
        return None
    return cable.path


def read_cables(paths: Iterable[Path], problems: Problems) -> Iterator[Cable]:
    """Yield every cable that can be read; record every one that cannot, and go on."""
    for path in cable_files(paths, problems, refuse_links=False):
        yield from read_file(path, problems)


def read_file(path: Path, problems: Problems, data: bytes | None = None,
              kind: str | None = None) -> Iterator[Cable]:
    """Yield the cables of one file (from its bytes, where the caller has read them); a bad file or row becomes
    a problem, never an exception."""
    if data is None and not path.exists():
        problems.error(str(path), None, "no such file or folder")
        return
    try:
        docs = read_path(path, data, kind)
        for doc in docs:
            if isinstance(doc, CableRowError):
                problems.error(doc.path, doc.line, doc.message)
                continue
            try:
                yield parse_document(doc, problems)
            except CableError as e:
                problems.error(str(path), e.line, e.message)
            except RecursionError:
                problems.error(str(path), doc.first_line, "the cable is too deeply nested to read")
    except CableError as e:
        problems.error(str(path), e.line, e.message)
    except Exception as e:  # noqa: BLE001 - one bad cable must not stop the others
        problems.error(str(path), None, f"could not be read ({type(e).__name__}: {e}); please report this")


# --- the collection, read once and kept in the store -------------------------------------------------

def people_of(cable: Cable, forms: list[tuple[str, str]]) -> frozenset[str]:
    """The people (keys of people.yaml) whose written forms occur in a cable's text."""
    text = "\n".join(p.text for p in cable.paragraphs)
    return frozenset(key for form, key in forms if form in text)


def file_key(path: Path, data: bytes | None = None) -> str:
    """The store's key of a file: the hash of the parser's code, the file's path and its bytes (given, or read a
    block at a time: a cables.csv may be larger than memory)."""
    h = hashlib.sha256(package_digest().encode() + b"\0" + os.fsencode(str(path)) + b"\0")
    if data is not None:
        h.update(data)
        return h.hexdigest()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 20), b""):
            h.update(block)
    return h.hexdigest()


def _read_one(path: Path) -> dict:
    """Read, hash and parse one file (or take its parse from the store); runs in a worker."""
    store, forms, forms_key = parallel.shared
    for _ in range(READ_TRIES):
        try:
            before = settled_stamp(path)
            # Refused from its size and first bytes, a file too large is never read (nor hashed). The rest is
            # read once: its bytes are hashed and, where the store has not seen them, parsed.
            why, data, kind = read_whole(path)
            key = None if why else file_key(path, data)
            if why:
                return {"stat": None, "key": None, "briefs": [], "people": [], "forms": forms_key,
                        "problems": [Problem(str(path), None, why, "error")]}
            cables, found = parsed(store, key, path, data, kind)
            stable = before == stamp(path)
        except OSError as e:
            if isinstance(e.filename, str) and Path(e.filename).is_relative_to(store.folder):
                raise  # the cache could not be written: a write's failure (see cli.write_failure), not the file's
            return {"stat": None, "key": None, "briefs": [], "people": [], "forms": forms_key,
                    "problems": [Problem(str(path), None, f"could not be read ({e.strerror})", "error")]}
        if stable:
            break
        # Edited while it was read: the hash and the parse may be of different bytes. Read it again.
        store.discard(key)
    else:
        store.discard(key)
        return {"stat": None, "key": None, "briefs": [], "people": [], "forms": forms_key,
                "problems": [Problem(str(path), None, f"the file changed each of the {READ_TRIES} times it was read; "
                                     "left out of this build (the next one reads it again)", "error")]}
    return {"stat": before[:3], "key": key, "briefs": [brief(c, key, k) for k, c in enumerate(cables)],
            "people": [people_of(c, forms) for c in cables], "problems": list(found), "forms": forms_key}


READ_TRIES = 3
"""Reads of a file that keeps changing while it is read, before it is left out of the build."""


def stamp(path: Path) -> tuple[int, int, int, int]:
    """Size, modification time and inode (the store's stat key), and the change time, which any write moves."""
    st = os.stat(path)
    return (st.st_size, st.st_mtime_ns, st.st_ino, st.st_ctime_ns)


def settled_stamp(path: Path) -> tuple[int, int, int, int]:
    """The file's stamp, once its clock tick has passed: an edit made after that moves its time, so a stamp
    that is the same after the read vouches for the bytes read (see store.RACY_NS)."""
    st = stamp(path)
    # At most one tick: a stamp in the future (a clock set wrong) is not waited for; its file is read as it is.
    wait = min(RACY_NS, RACY_NS - (time.time_ns() - max(st[1], st[3])))
    if wait > 0:
        time.sleep(wait / 1e9)
        st = stamp(path)
    return st


def parsed(store, key: str, path: Path, data: bytes | None = None,
           kind: str | None = None) -> tuple[list[Cable], list[Problem]]:
    """The cables of a file and the problems found, from the store where its bytes were seen before."""
    if store.has(key):
        try:
            return store.load(key)
        except Exception:  # noqa: BLE001 - a damaged cache entry is read again from the source
            pass
    problems = Problems()
    cables = list(read_file(path, problems, data, kind))
    store.save(key, (cables, problems.items))
    return cables, problems.items


def read_collection(paths: Iterable[Path], problems: Problems, store, known: dict,
                    forms: list[tuple[str, str]], show: bool | None = None) -> dict[str, dict]:
    """Read every cable file, parsing only those whose bytes the store has not seen (on every core).

    `known` holds, per path, what an earlier build read; a file whose size, time and inode are unchanged
    is not opened again. Returns the same, for every file read now, in a stable order.
    """
    forms_key = repr((package_digest(), forms))  # an earlier build's reading holds only for the same code
    entries: dict[str, dict] = {}
    todo: list[Path] = []
    # content/ holds no symbolic link: neither content/cables itself nor anything inside it may be one.
    for path in cable_files([p for p in paths if not refused(p, problems)], problems):
        old = known.get(str(path))
        if old and old["stat"] is not None and old["stat"] == stat_key(path) and old["forms"] == forms_key:
            entries[str(path)] = old
        else:
            entries[str(path)] = {}
            todo.append(path)
    for path, entry in zip(todo, parallel.run(_read_one, todo, (store, forms, forms_key), "Reading", show)):
        entries[str(path)] = entry
    for entry in entries.values():
        problems.items.extend(entry["problems"])
    return entries


def briefs_of(entries: dict[str, dict]) -> Iterator[tuple[Brief, frozenset[str]]]:
    """Every cable's brief and people, file by file."""
    for entry in entries.values():
        yield from zip(entry["briefs"], entry["people"])


def load_cable(store, b: Brief) -> Cable:
    """The full cable of a brief, from the store."""
    cables, _ = store.load(b.key)
    return cables[b.index]
