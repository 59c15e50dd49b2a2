"""Write the site atomically: build into a temporary folder beside the output, then swap it in.

The swap is one system call where the platform has one (Linux renameat2 with RENAME_EXCHANGE), so a
build killed at any instant leaves either the old site or the new one, never neither. Folders left by
a killed build are cleared by the next one.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import re
import shutil
import tempfile
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

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


def clear_leftovers(output: Path) -> None:
    """Remove the folders of builds that were killed, and restore a site lost between two renames."""
    pattern = re.compile(rf"^\.{re.escape(output.name)}-(new|old)-(\d+)-")
    leftovers = []
    if not output.parent.is_dir():
        return
    for p in output.parent.iterdir():
        m = pattern.match(p.name)
        if m and not _alive(int(m.group(2))):
            leftovers.append((m.group(1), p))
    for kind, p in sorted(leftovers):
        if kind == "old" and not output.exists():
            os.replace(p, output)
        else:
            shutil.rmtree(p, ignore_errors=True)


def stamp_times(root: Path, epoch: int) -> None:
    """Give every file and folder the same modification time (SOURCE_DATE_EPOCH), for archives."""
    for folder, dirs, files in os.walk(root):
        for name in files:
            os.utime(os.path.join(folder, name), (epoch, epoch))
    for folder, dirs, files in os.walk(root, topdown=False):
        os.utime(folder, (epoch, epoch))


def source_date_epoch() -> int | None:
    """SOURCE_DATE_EPOCH from the environment (reproducible-builds.org), if set and valid."""
    value = os.environ.get("SOURCE_DATE_EPOCH", "").strip()
    return int(value) if value.isdigit() else None


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
    if output.exists() and exchange(tmp, output):
        shutil.rmtree(tmp, ignore_errors=True)  # tmp now holds the previous site
        return
    old = output.parent / f".{output.name}-old-{os.getpid()}-{tmp.name[-8:]}"
    if output.exists():
        os.replace(output, old)
    os.replace(tmp, output)
    shutil.rmtree(old, ignore_errors=True)
