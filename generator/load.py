"""Find cable files and read every cable in them, collecting problems instead of stopping."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Iterable, Iterator

from .errors import CableError, Problems
from .model import Cable
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


def read_cables(paths: Iterable[Path], problems: Problems, cache: dict | None = None) -> Iterator[Cable]:
    """Yield every cable that can be read; record every one that cannot, and go on.

    With a cache (the preview keeps one), a file whose size and modification time are unchanged since
    it was last read gives the same cables and problems without being read again.
    """
    for path in cable_files(paths):
        if cache is None:
            yield from read_file(path, problems)
        else:
            yield from read_cached(path, problems, cache)


def read_cached(path: Path, problems: Problems, cache: dict) -> list[Cable]:
    try:
        st = path.stat()
    except OSError:
        return list(read_file(path, problems))
    key = (st.st_size, st.st_mtime_ns, st.st_ino)
    hit = cache.get(path)
    if hit is None or hit[0] != key:
        found = Problems()
        hit = cache[path] = (key, list(read_file(path, found)), found)
    problems.extend(hit[2])
    return hit[1]


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
