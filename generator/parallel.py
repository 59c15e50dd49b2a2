"""Run per-cable work on every core: forked workers that inherit the linked collection, and a progress bar."""

from __future__ import annotations

import gc
import multiprocessing
import os
import sys
from typing import Any, Callable, Iterator

PARALLEL_FROM = 200
"""Fewer items than this are done in this process: forking costs more than it saves."""
PROGRESS_FROM = 300
"""A progress bar is shown for more items than this, on a terminal, outside CI."""

shared: Any = None
"""What the workers need (the linked site, the output folder): set before forking, read in the workers."""


def workers() -> int:
    """How many processes to use: the cores this process may run on."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:
        return max(1, os.cpu_count() or 1)


def progress(total: int, label: str, enabled: bool | None = None):
    """A tqdm bar on stderr for long runs, or a stand-in that does nothing."""
    if enabled is None:
        enabled = total > PROGRESS_FROM and sys.stderr.isatty() and not os.environ.get("CI")
    if enabled:
        try:
            from tqdm import tqdm
            return tqdm(total=total, desc=label, unit=" cables", leave=False, file=sys.stderr)
        except ImportError:
            pass
    return _Quiet()


class _Quiet:
    def update(self, n: int = 1) -> None:
        pass

    def close(self) -> None:
        pass


def _die_with_parent() -> None:
    """Ask Linux to end this worker when the build that forked it is killed (else it would wait forever)."""
    try:
        import ctypes
        import signal
        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):
        pass


def run(fn: Callable[[Any], Any], items: list, state: Any, label: str, show: bool | None = None,
        chunk: int = 16) -> Iterator[Any]:
    """Yield fn(item) for every item, in order, computed by forked workers when there are many items."""
    global shared
    shared = state
    bar = progress(len(items), label, show)
    try:
        if len(items) < PARALLEL_FROM or workers() == 1 or "fork" not in multiprocessing.get_all_start_methods():
            for item in items:
                yield fn(item)
                bar.update()
            return
        gc.collect()
        gc.freeze()  # the collector would otherwise touch, and so copy, every inherited object
        try:
            with multiprocessing.get_context("fork").Pool(workers(), initializer=_die_with_parent) as pool:
                try:
                    for result in pool.imap(fn, items, chunksize=chunk):
                        yield result
                        bar.update()
                except OSError as e:
                    # A worker's failure to read or write (a full disk) is the same error as in this process,
                    # for the caller to report: not wrapped in the worker's traceback.
                    raise e.with_traceback(None) from None
        finally:
            gc.unfreeze()
    finally:
        bar.close()
        shared = None
