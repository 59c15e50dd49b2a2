"""Find cable files and read every cable in them, collecting problems instead of stopping."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Iterator

from . import parallel
from .content import refused
from .errors import CableError, Problem, Problems
from .model import Brief, Cable, brief
from .store import stat_key
from .parse import parse_document
from .readers import CableRowError, read_path

CABLE_SUFFIXES = {".txt", ".html", ".htm", ".csv", ".md", ".text", ""}
"""File endings read as cables when a folder is walked (a file named directly is always read)."""


def cable_files(paths: Iterable[Path], problems: Problems | None = None) -> Iterator[Path]:
    """Yield the cable files under the given files and folders, in a stable order (see `_walk` for `problems`)."""
    for path in paths:
        if path.is_dir():
            yield from _walk(str(path), problems)
        else:
            yield path


def _walk(folder: str, problems: Problems | None) -> Iterator[Path]:
    """A folder's cable files, then its subfolders' (hidden names skipped); with `problems`, links are refused."""
    try:
        entries = sorted(os.scandir(folder), key=lambda e: e.name)
    except OSError:
        return  # as os.walk does: a folder that cannot be listed holds nothing
    below = []
    for e in entries:
        if e.name.startswith("."):
            continue
        try:
            is_dir = e.is_dir()
        except OSError:
            is_dir = False
        cable = not is_dir and Path(e.name).suffix.lower() in CABLE_SUFFIXES
        # The entry knows whether it is a link without another system call: 100,000 files cost nothing more.
        if e.is_symlink():
            if problems is not None and (is_dir or cable):
                refused(Path(e.path), problems)
                continue
            if is_dir:
                continue  # a link to a folder is never walked (it may loop)
        if is_dir:
            below.append(e.path)
        elif cable:
            yield Path(e.path)
    for sub in below:
        yield from _walk(sub, problems)


def read_cables(paths: Iterable[Path], problems: Problems) -> Iterator[Cable]:
    """Yield every cable that can be read; record every one that cannot, and go on."""
    for path in cable_files(paths):
        yield from read_file(path, problems)


def read_file(path: Path, problems: Problems) -> Iterator[Cable]:
    """Yield the cables of one file; a bad file or row becomes a problem, never an exception."""
    if not path.exists():
        problems.error(str(path), None, "no such file or folder")
        return
    try:
        docs = read_path(path)
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


def _read_one(path: Path) -> dict:
    """Read, hash and parse one file (or take its parse from the store); runs in a worker."""
    store, forms, forms_key = parallel.shared
    try:
        data = path.read_bytes()
    except OSError as e:
        return {"stat": None, "key": None, "briefs": [], "people": [], "forms": forms_key,
                "problems": [Problem(str(path), None, f"could not be read ({e.strerror})", "error")]}
    key = hashlib.sha256(os.fsencode(str(path)) + b"\0" + data).hexdigest()
    cables = None
    if store.has(key):
        try:
            cables, found = store.load(key)
        except Exception:  # noqa: BLE001 - a damaged cache entry is read again from the source
            cables = None
    if cables is None:
        problems = Problems()
        cables = list(read_file(path, problems))
        found = problems.items
        store.save(key, (cables, found))
    return {"stat": stat_key(path), "key": key, "briefs": [brief(c, key, k) for k, c in enumerate(cables)],
            "people": [people_of(c, forms) for c in cables], "problems": list(found), "forms": forms_key}


def read_collection(paths: Iterable[Path], problems: Problems, store, known: dict,
                    forms: list[tuple[str, str]], show: bool | None = None) -> dict[str, dict]:
    """Read every cable file, parsing only those whose bytes the store has not seen (on every core).

    `known` holds, per path, what an earlier build read; a file whose size, time and inode are unchanged
    is not opened again. Returns the same, for every file read now, in a stable order.
    """
    forms_key = repr(forms)
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
