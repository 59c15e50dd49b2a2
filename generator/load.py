"""Find cable files and read every cable in them, collecting problems instead of stopping."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Iterable, Iterator

from . import parallel
from .errors import CableError, Problem, Problems
from .model import Brief, Cable, brief
from .store import stat_key
from .parse import parse_document
from .readers import CableRowError, read_path

CABLE_SUFFIXES = {".txt", ".html", ".htm", ".csv", ".md", ".text", ""}
"""File endings read as cables when a folder is walked (a file named directly is always read)."""


def cable_files(paths: Iterable[Path]) -> Iterator[Path]:
    """Yield the cable files under the given files and folders, in a stable order."""
    for path in paths:
        if path.is_dir():
            for root, dirs, files in os.walk(path):
                dirs[:] = sorted(d for d in dirs if not d.startswith("."))
                for name in sorted(files):
                    p = Path(root) / name
                    if not name.startswith(".") and p.suffix.lower() in CABLE_SUFFIXES:
                        yield p
        else:
            yield path


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
    for path in cable_files(paths):
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
