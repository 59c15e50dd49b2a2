"""Write the site atomically: build into a temporary folder beside the output, then swap it in.

The swap is one system call where the platform has one (Linux renameat2 with RENAME_EXCHANGE), so a
build killed at any instant leaves either the old site or the new one, never neither. Folders left by
a killed build are cleared by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import posixpath
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

from ..options import source_date_epoch

RENAME_EXCHANGE = 2
AT_FDCWD = -100


def _renameat2():
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or None, use_errno=True)
        fn = libc.renameat2
    except (OSError, AttributeError):
        return None
    fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]
    fn.restype = ctypes.c_int
    return fn


_RENAMEAT2 = _renameat2()


def exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step; False where the platform or file system cannot."""
    if _RENAMEAT2 is None:
        return False
    return _RENAMEAT2(AT_FDCWD, os.fsencode(a), AT_FDCWD, os.fsencode(b), RENAME_EXCHANGE) == 0


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


def clear_leftovers(output: Path, cache: Path | None = None) -> None:
    """Remove the folders of builds that were killed, and restore a site lost between two renames.

    Called with the output's lock held (build_lock), so a folder of any other process is a killed build's,
    whether or not its pid has since been given to another process. `cache`: the store folder, whose view-
    folders (what Pagefind was given to read) go the same way."""
    pattern = re.compile(rf"^\.{re.escape(output.name)}-(new|old)-(\d+)-")
    leftovers = []
    if not output.parent.is_dir():
        return
    mine = str(os.getpid())
    for p in output.parent.iterdir():
        m = pattern.match(p.name)
        if m and m.group(2) != mine:
            leftovers.append((m.group(1), p))
    for kind, p in sorted(leftovers):
        if kind == "old" and not output.exists():
            os.replace(p, output)
        else:
            shutil.rmtree(p, ignore_errors=True)
    if cache is not None and cache.is_dir():
        for p in cache.iterdir():
            m = re.match(r"view-(\d+)-", p.name)
            if (m and m.group(1) != mine) or re.fullmatch(r"view-[a-z0-9_]{8}", p.name):  # older builds' names
                shutil.rmtree(p, ignore_errors=True)


def stamp_times(root: Path, epoch: int) -> None:
    """Give every file and folder the same modification time (SOURCE_DATE_EPOCH), for archives."""
    for folder, dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (epoch, epoch))
    for folder, dirs, files in os.walk(root, topdown=False):
        os.utime(folder, (epoch, epoch))


def staging_folder(output: Path) -> Path:
    """A fresh hidden folder beside `output` (same file system, so its files can be renamed into it)."""
    output = output.resolve()
    return Path(tempfile.mkdtemp(prefix=f".{output.name}-new-{os.getpid()}-", dir=output.parent))


@contextmanager
def atomic_tree(output: Path) -> Iterator[Path]:
    """Yield a fresh folder; on success it replaces `output`, on failure it is removed."""
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    clear_leftovers(output)
    tmp = staging_folder(output)
    tmp.chmod(0o755)
    try:
        yield tmp
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    epoch = source_date_epoch()
    if epoch is not None:
        stamp_times(tmp, epoch)
    put_in_place(tmp, output)


def put_in_place(tmp: Path, output: Path) -> None:
    """Swap a complete new tree in for `output` in one step where the platform can, and remove the old one."""
    if output.exists() and exchange(tmp, output):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous site
        return
    # Two renames: a build killed between them leaves the old site under the -old- name, which the next build
    # puts back (clear_leftovers).
    old = output.parent / f".{output.name}-old-{os.getpid()}-{tmp.name[-8:]}"
    if output.exists():
        os.replace(output, old)
    os.replace(tmp, output)
    shutil.rmtree(old, ignore_errors=True)


def swap_in(stage: Path, output: Path, staged: list[str], replaced: set[str], gone: set[str],
            epoch: int | None) -> None:
    """Put what changed in place in one step. `stage` holds the changed files (`staged`) and the `replaced`
    folders whole; `gone` names what goes. The deepest folder holding every change is made whole in `stage`
    from the unchanged files of `output` (hard links), then exchanged for the live one: one system call, so
    a build killed at any moment leaves the previous site or this one. A change to one cable's files links
    that cable's folder only; changes all over the site link the whole site."""
    if epoch is not None:
        stamp_times(stage, epoch)  # before the unchanged files join: they keep their own times
    folder = common_folder(output, staged, replaced, gone)
    if folder and _RENAMEAT2 is not None:
        cut = len(folder) + 1
        new, live = stage / folder, output / folder
        complete_with(new, live, {p[cut:] for p in replaced}, {p[cut:] for p in gone})
        finish_tree(new, epoch)
        if exchange(new, live):
            shutil.rmtree(new, ignore_errors=True)  # it now holds the folder as it was
            return
    complete_with(stage, output, replaced, gone)  # and where no folder can be exchanged, the whole site
    finish_tree(stage, epoch)
    put_in_place(stage, output)


def common_folder(output: Path, staged: list[str], replaced: set[str], gone: set[str]) -> str:
    """The deepest folder of `output` (relative, "" for the site) under which every change falls. A file that
    goes counts from its folder's parent: its folder may go with it."""
    folders = [posixpath.dirname(p.rstrip("/")) for p in [*staged, *replaced]]
    folders += [posixpath.dirname(posixpath.dirname(p.rstrip("/"))) for p in gone]
    common = posixpath.commonpath(folders) if folders and "" not in folders else ""
    while common and not (output / common).is_dir():
        common = posixpath.dirname(common)
    return common


def finish_tree(root: Path, epoch: int | None) -> None:
    """Give a staged tree the mode of a site folder and, for reproducible builds, its folders' times."""
    root.chmod(0o755)
    if epoch is not None:
        for folder, _, _ in os.walk(root):
            os.utime(folder, (epoch, epoch))


def complete_with(stage: Path, output: Path, replaced: set[str], gone: set[str]) -> None:
    """Make `stage`, which holds the files and folders that changed, a whole site: every other file of
    `output` is hard-linked into it (no bytes are copied). Folders in `replaced` come whole from `stage`;
    paths in `gone` are left out."""
    skip = replaced | gone

    def walk(src: str, dst: str, rel: str) -> None:
        with os.scandir(src) as entries:
            for e in entries:
                r = rel + e.name
                if r in skip:
                    continue
                target = os.path.join(dst, e.name)
                if e.is_dir(follow_symlinks=False):
                    os.makedirs(target, exist_ok=True)
                    walk(e.path, target, r + "/")
                elif not os.path.lexists(target):
                    try:
                        os.link(e.path, target, follow_symlinks=False)
                    except OSError:  # a file system without hard links
                        shutil.copy2(e.path, target, follow_symlinks=False)

    walk(str(output), str(stage), "")
    for folder in gone:  # a folder that held only what is gone goes too
        prune_empty(stage, stage / os.path.dirname(folder))


def prune_empty(root: Path, folder: Path) -> None:
    """Remove `folder` and the folders above it up to `root` while they are empty."""
    while folder != root and folder.is_dir() and not any(folder.iterdir()):
        folder.rmdir()
        folder = folder.parent


# --- one build at a time per output ------------------------------------------------------------------

class Busy(Exception):
    """Another process is building into the same output."""


_held: dict[str, list] = {}
"""Locks this process holds, by lock file: [file descriptor, depth] (a build inside a preview takes it again)."""


def _let_go_in_child() -> None:
    """A forked worker closes its copy of the build lock: flock is held while any copy of the descriptor is
    open, so workers that outlive a killed build for a moment would keep the next build out."""
    for fd, _ in _held.values():
        try:
            os.close(fd)
        except OSError:
            pass
    _held.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_let_go_in_child)


def lock_file(output: Path) -> Path:
    """Where the lock of builds into `output` lives: beside its cache (.cache/site.lock for site/)."""
    output = output.resolve()
    return output.parent / ".cache" / f"{output.name}.lock"


@contextmanager
def build_lock(output: Path) -> Iterator[None]:
    """Hold the output's lock for the duration; Busy if another process holds it. The kernel lets go of it
    when the process ends, however it ends, so a killed build never leaves a stale lock behind."""
    import fcntl

    path = lock_file(output)
    key = str(path)
    if key in _held:
        _held[key][1] += 1
        try:
            yield
        finally:
            _held[key][1] -= 1
        return
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o644)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        try:
            pid = os.pread(fd, 32, 0).decode("ascii", "replace").strip() or "?"
        finally:
            os.close(fd)
        raise Busy(f"another build of {output} is running (pid {pid}); wait for it to finish") from None
    try:
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"{os.getpid()}\n".encode(), 0)
        _held[key] = [fd, 1]
        yield
    finally:
        _held.pop(key, None)
        os.close(fd)  # closing lets go of the lock; the file stays (removing it would race with a new build)
