"""The snapshot of the last build: what a plan for edits to notes only needs, without reading or linking the
collection again.

Editors change notes far more often than anything else. A build of the whole edition keeps a snapshot of what
a cable page takes from the linked collection (threads, margin notes, cited-by links, suggestions, where each
parse is stored, the search bundles); plan.read_notes reads an edit to existing annotation files against it.
Builds from the snapshot record their changes in an overlay that the next build of the whole edition applies
to the manifest.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from collections.abc import Mapping, MutableMapping
from pathlib import Path

from . import search
from ..errors import Problems
from ..edition.link import Site
from ..model import Brief, brief
from ..read.store import Store, digest, is_racy, write_atomic
from .write import build_lock, exchange, put_in_place, staging_folder

SNAPSHOT = "quick.pickle"
OVERLAY = "quick-overlay.pickle"
NOTES = "notes.pickle"
"""Each annotation file as the last build read it, with its scan mark (see `known_notes`)."""


class Briefs(Mapping):
    """The edition's ids in order, each brief made from the store when first asked for."""

    def __init__(self, where: dict[str, tuple[str, int]], store: Store):
        self.where = where
        self.store = store
        self.made: dict[str, Brief] = {}

    def __getitem__(self, cid: str) -> Brief:
        if cid not in self.made:
            key, index = self.where[cid]
            self.made[cid] = brief(self.full(cid), key, index)
        return self.made[cid]

    def full(self, cid: str):
        key, index = self.where[cid]
        return self.store.load(key)[0][index]

    def __contains__(self, cid: object) -> bool:
        return cid in self.where

    def __iter__(self):
        return iter(self.where)

    def __len__(self) -> int:
        return len(self.where)


class Packed(MutableMapping):
    """A dict whose values stay pickled until asked for: the snapshot holds an entry per cable (its suggestions,
    an annotated cable's result), and a note edit needs two or three of them, not a hundred thousand."""

    def __init__(self, items: Mapping | None = None):
        self._packed: dict = {}
        self._open: dict = {}
        for key, value in (items or {}).items():
            self[key] = value

    def __getitem__(self, key):
        if key not in self._open:
            self._open[key] = pickle.loads(self._packed[key])
        return self._open[key]

    def __setitem__(self, key, value) -> None:
        self._packed[key] = pickle.dumps(value, protocol=5)
        self._open[key] = value

    def __delitem__(self, key) -> None:
        del self._packed[key]
        self._open.pop(key, None)

    def __contains__(self, key: object) -> bool:
        return key in self._packed

    def __iter__(self):
        return iter(self._packed)

    def __len__(self) -> int:
        return len(self._packed)

    def merge(self, other: Mapping) -> None:
        """Take every entry of `other`, without unpickling those that are packed there too."""
        if isinstance(other, Packed):
            self._packed.update(other._packed)
            for key in other._packed:
                self._open.pop(key, None)
            self._open.update(other._open)
        else:
            self.update(other)

    def __getstate__(self) -> dict:
        return self._packed

    def __setstate__(self, state: dict) -> None:
        self._packed, self._open = state, {}


def remember(store: Store, site: Site, state: dict) -> None:
    """Keep what a quick rebuild needs, beside the manifest of the build just made."""
    annotated = sorted(site.content.annotations)
    snap = {
        "serial": state["serial"], "base": state["base"], "editorial": state["editorial"],
        "base_url": site.content.site.get("base_url", ""),  # as the build was given it (--base-url, the preview)
        "where": {cid: (b.key, b.index) for cid, b in site.cables.items()},
        "ids": digest(sorted(site.cables)), "annotated": annotated, "released": sorted(site.releases),
        "results": Packed({cid: state["cables"][cid] for cid in annotated if cid in state["cables"]}),
        "keys": state["keys"], "others": state["others"], "bundles": state.get("bundles", {}),
        "plan": state.get("plan", {}),
        "threads": site.threads, "in_threads": site.in_threads, "margins": site.margins,
        "cited_by": site.cited_by, "suggestions": Packed(site.suggestions),
    }
    write_atomic(store.folder / SNAPSHOT, pickle.dumps(snap, protocol=5))


def forget(store: Store) -> None:
    for name in (SNAPSHOT, OVERLAY):
        (store.folder / name).unlink(missing_ok=True)


def edited_notes(content_dir: Path, before: dict, now: dict) -> list[str] | None:
    """The annotation files changed in place since the last build; None if anything else changed."""
    folder = os.path.join(str(content_dir), "annotations") + os.sep
    changed = sorted({p for p, _ in now.items() ^ before.items()})  # a set operation: 250,000 files
    if any(not p.startswith(folder) or p not in before or p not in now for p in changed):
        return None
    return changed


def known_notes(store: Store, base: str, inputs: dict) -> dict[str, tuple]:
    """The annotation files as the last build parsed them (Content.parsed) whose scan mark is the one they
    have now: read by the same code with the same options, they would be parsed the same again."""
    kept = _read(store.folder / NOTES)
    if not kept or kept.get("base") != base:
        return {}
    return {path: parsed for path, (mark, parsed) in kept["files"].items()
            if mark is not None and not is_racy(mark) and inputs.get(path) == mark}


def keep_notes(store: Store, base: str, parsed: dict[str, tuple], inputs: dict) -> None:
    """Keep each annotation file as this build parsed it, with the scan mark it was read under."""
    files = {path: (inputs.get(path), got) for path, got in parsed.items()}
    kept = _read(store.folder / NOTES)
    if kept and kept.get("base") == base and kept.get("files") == files:
        return
    write_atomic(store.folder / NOTES, pickle.dumps({"base": base, "files": files}, protocol=5))


def read_snapshot(store: Store) -> dict | None:
    """The snapshot the last build of the whole edition kept, with the changes made from it since (the
    overlay), if it is there and readable."""
    snap = _read(store.folder / SNAPSHOT)
    overlay = _read(store.folder / OVERLAY) if snap else None
    if overlay and overlay.get("serial") == snap.get("serial"):
        snap["keys"].update(overlay["keys"])
        snap["results"].merge(overlay["cables"])
        snap["bundles"] = overlay["bundles"]
        snap["stale"] = overlay.get("stale", [])
    return snap


def edition_problems(head: dict, snap: dict, ids: list[str], edited: list[str], fresh: list) -> list:
    """The last build's problems, those of the edited notes and of their cables replaced by `fresh`."""
    problems = [p for p in head["problems"] if p.path not in edited]
    for p in (p for cid in ids for p in snap["results"][cid]["problems"]):
        if p in problems:
            problems.remove(p)
    return problems + fresh


def refresh_search(output: Path, store: Store, lock=None, current=None) -> bool:
    """Index the search bundles a deferred quick rebuild left stale; True if any was put in place.

    Pagefind runs without `lock` (the preview goes on rebuilding meanwhile, from its own view of the pages);
    the bundles are put in place under it, and only if the site is still the one they were made from: no
    rebuild changed their pages, and `current()` (the caller's own account of rebuilds) says so. Otherwise
    nothing is touched, and the next refresh indexes the site as it is then.
    """
    from .jobs import index_bundles

    def fresh() -> tuple[dict | None, dict | None]:
        head, snap = store.head(), read_snapshot(store)
        if not head or not snap or snap.get("serial") != head.get("serial") or not snap.get("stale"):
            return None, None
        return head, snap

    head, snap = fresh()
    if snap is None or not search.available():
        return False
    touched = {name: snap["plan"][name] for name in snap["stale"] if name in snap["plan"]}
    # A bundle whose pages are as when it was made needs no indexing, unless it is missing from the site.
    before = {name: key for name, key in snap["bundles"].items() if live_bundle(output, name)}
    briefs = Briefs(snap["where"], store)
    site = Site(briefs, None, briefs.full, threads=snap["threads"])  # bundles need only the ids and threads
    stage = staging_folder(output)
    try:
        made = index_bundles(stage, site, touched, before, snap["keys"], snap["others"], output, Problems(),
                             store)
        with lock or contextlib.nullcontext(), build_lock(output):
            head, now = fresh()
            if now is None or (current is not None and not current()) or \
                    any(now["keys"][cid] != snap["keys"][cid] for ids in touched.values() for cid in ids):
                return False  # the pages changed again: the next refresh indexes them
            indexed = [name for name in touched if (stage / search.folder(name)).is_dir()]
            if indexed:
                (store.folder / "writing").touch()
            for name in indexed:
                target = output / search.folder(name)
                target.parent.mkdir(parents=True, exist_ok=True)
                if not (target.is_dir() and exchange(stage / search.folder(name), target)):
                    put_in_place(stage / search.folder(name), target)
                # Swapped in one step, the site always has a bundle; the old one goes with the stage, unlocked.
            now["bundles"] = {**now["bundles"], **made}
            now["stale"] = [name for name in now["stale"] if name not in touched]
            keep(store, now)
            store.write_head({**head, "stale": bool(now["stale"])})
            (store.folder / "writing").unlink(missing_ok=True)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    return bool(indexed)


def live_bundle(output: Path, name: str) -> bool:
    return (output / search.folder(name) / "pagefind.js").is_file()


def keep(store: Store, snap: dict) -> None:
    """Record a change made from the snapshot: in the overlay only, which the snapshot is read with and the next
    build of the whole edition applies to the manifest (the snapshot itself, as large as the edition, stays as
    that build wrote it)."""
    overlay = {"serial": snap["serial"], "keys": {cid: snap["keys"][cid] for cid in snap["annotated"]},
               "cables": snap["results"], "bundles": snap["bundles"], "stale": list(snap.get("stale") or ())}
    write_atomic(store.folder / OVERLAY, pickle.dumps(overlay, protocol=5))


def apply_overlay(store: Store, manifest: dict) -> dict:
    """The manifest with what quick rebuilds since changed: the annotated cables' keys and results."""
    overlay = _read(store.folder / OVERLAY)
    if overlay and overlay.get("serial") == manifest.get("serial"):
        manifest["keys"].update(overlay["keys"])
        manifest["cables"].update(overlay["cables"])
        manifest["bundles"] = overlay["bundles"]
    return manifest


def _read(path: Path) -> dict | None:
    try:
        with open(path, "rb") as f:
            value = pickle.load(f)
    except (OSError, pickle.UnpicklingError, EOFError, AttributeError, ImportError, ValueError):
        return None
    return value if isinstance(value, dict) else None
