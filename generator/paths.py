"""Paths the generator writes or deletes, each checked to lie inside the folder it belongs to.

Every file of a build is named by a relative path made from validated parts (a cable id, a slug, a TAGS
folder); `inside` checks the joined result once more, without touching the file system, before anything is
opened, so that no part that slipped through a check upstream can reach outside the output.
"""

from __future__ import annotations

import os
from pathlib import Path

from .errors import Problems


class UnsafePath(ValueError):
    """A path that would lead outside its folder, or that names nothing safely."""


def check_relative(rel: str) -> str:
    """Return `rel` if it is a plain relative path (no "..", no "/" at the start, no NUL or backslash)."""
    if not rel or "\0" in rel or "\\" in rel or rel.startswith("/"):
        raise UnsafePath(f"refused to write {rel!r}: not a plain relative path")
    parts = rel.split("/")
    # A trailing "/" leaves one empty part; any other empty, "." or ".." part is refused.
    if any(p in ("", ".", "..") for p in parts[:-1]) or parts[-1] in (".", ".."):
        raise UnsafePath(f"refused to write {rel!r}: it would lead outside its folder")
    return rel


def inside(root: Path | str, rel: str) -> str:
    """The path of `rel` under `root`, after checking that it stays there (see check_relative)."""
    check_relative(rel)
    root_s = os.path.normpath(os.fspath(root))
    joined = os.path.normpath(os.path.join(root_s, rel))
    if os.path.commonpath([root_s, joined]) != root_s or joined == root_s:
        raise UnsafePath(f"refused to write {rel!r}: it would lead outside {root_s}")
    return joined


def contained(root: Path, path: Path) -> Path:
    """`path` if it lies inside `root` once links are resolved, else UnsafePath (for files named by others)."""
    real_root, real = os.path.realpath(root), os.path.realpath(path)
    if os.path.commonpath([real_root, real]) != real_root or real == real_root:
        raise UnsafePath(f"refused to write {path}: it lies outside {root}")
    return path


def refused(path: Path, problems: Problems) -> bool:
    """Whether `path`, a file or folder inside content/, is a symbolic link (then an error says it is not read)."""
    # Even a link to another file of content/ is refused: one rule, with no target to resolve and trust.
    if not path.is_symlink():
        return False
    try:
        target = os.readlink(path)
    except OSError:
        target = "?"
    problems.error(str(path), None, f"a symbolic link (to {target}) is refused: the content folder must hold "
                                    "the files themselves, not links to them (copy the file in), so that nothing "
                                    "from outside it is published")
    return True
