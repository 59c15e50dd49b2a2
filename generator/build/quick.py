"""The quick rebuild: after edits to notes only, make again just the files of the annotated cables.

Editors change notes far more often than anything else. A full build keeps a snapshot of what a cable page
takes from the linked collection (threads, margin notes, cited-by links, suggestions, where each parse is
stored, the search bundles); an edit to existing annotation files is then rendered from the snapshot and the
store, without reading or linking the collection again. When the edit changes anything another page shows
(who or what the cable names), reports an error, or touches any other file, the full incremental build runs.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import shutil
from collections.abc import Mapping
from pathlib import Path

from . import search
from ..edition.content import load_content
from ..errors import Problems
from ..edition.link import Site
from ..model import Brief, brief
from ..options import BuildOptions
from ..read.store import Store, digest, write_atomic
from .write import build_lock, exchange, put_in_place, staging_folder

SNAPSHOT = "quick.pickle"
OVERLAY = "quick-overlay.pickle"


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


def remember(store: Store, site: Site, state: dict) -> None:
    """Keep what a quick rebuild needs, beside the manifest of the build just made."""
    annotated = sorted(site.content.annotations)
    snap = {
        "serial": state["serial"], "base": state["base"], "editorial": state["editorial"],
        "base_url": site.content.site.get("base_url", ""),  # as the build was given it (--base-url, the preview)
        "where": {cid: (b.key, b.index) for cid, b in site.cables.items()},
        "ids": digest(sorted(site.cables)), "annotated": annotated,
        "results": {cid: state["cables"][cid] for cid in annotated if cid in state["cables"]},
        "keys": state["keys"], "others": state["others"], "bundles": state.get("bundles", {}),
        "plan": state.get("plan", {}),
        "threads": site.threads, "in_threads": site.in_threads, "margins": site.margins,
        "cited_by": site.cited_by, "suggestions": site.suggestions,
    }
    write_atomic(store.folder / SNAPSHOT, pickle.dumps(snap, protocol=5))


def forget(store: Store) -> None:
    for name in (SNAPSHOT, OVERLAY):
        (store.folder / name).unlink(missing_ok=True)


def edited_notes(content_dir: Path, before: dict, now: dict) -> list[str] | None:
    """The annotation files changed in place since the last build; None if anything else changed."""
    folder = os.path.join(str(content_dir), "annotations") + os.sep
    changed = [p for p in now if now[p] != before.get(p)] + [p for p in before if p not in now]
    if any(not p.startswith(folder) or p not in before or p not in now for p in changed):
        return None
    return changed


def rebuild(content_dir: Path, output: Path, store: Store, head: dict, inputs: dict, found: Problems,
            opts: BuildOptions, timer) -> int | None:
    """Make again the files of the cables whose notes were edited; None when a full build is needed.
    With `defer_search`, the bundles to index again are noted as stale for `refresh_search`; with `strict`,
    any problem left in the edition makes it None (the full build then refuses, reporting them all)."""
    index_search, preview, defer_search, strict = opts.index_search, opts.preview, opts.defer_search, opts.strict
    from .. import parallel
    from .jobs import _Job, _cable_job, cable_key, index_bundles, swap_changes  # the renderer, loaded only now

    edited = edited_notes(content_dir, head["inputs"], inputs)
    snap = _read(store.folder / SNAPSHOT)
    if edited is None or snap is None or snap.get("serial") != head.get("serial") or snap["base"] != head["base"] \
            or not (edited or snap.get("stale")):
        return None
    loaded = Problems()
    content = load_content(content_dir, loaded)
    content.site["base_url"] = snap.get("base_url", content.site.get("base_url", ""))
    if sorted(content.annotations) != snap["annotated"]:
        return None  # a file now annotates another cable
    ids = sorted({cid for cid, ann in content.annotations.items() if ann.path in edited})
    briefs = Briefs(snap["where"], store)
    site = Site(briefs, content, briefs.full, cited_by=snap["cited_by"], threads=snap["threads"],
                in_threads=snap["in_threads"], margins=snap["margins"], suggestions=snap["suggestions"])
    if any(cid not in briefs or cid not in snap["results"] for cid in ids):
        return None
    keys = dict(snap["keys"])
    for cid in ids:
        keys[cid] = cable_key(site, cid, snap["editorial"], snap["ids"])
    timer.lap("read")
    stage = staging_folder(output)
    try:
        parallel.shared = _Job(site, stage, preview, store)
        results = {cid: _cable_job(cid) for cid in ids}
        parallel.shared = None
        fresh = [p for p in loaded.items if p.path in edited] + [p for r in results.values() for p in r["problems"]]
        if any(p.severity == "error" for p in fresh) or \
                any(results[cid]["mentions"] != snap["results"][cid]["mentions"] for cid in ids):
            return None  # the full build reports the errors, or remakes the pages listing who is named where
        problems = edition_problems(head, snap, ids, edited, fresh)
        if strict and problems:
            return None
        timer.lap("render")
        plan = snap["plan"] if index_search and search.available() else {}
        stale = set(snap.get("stale", ()))
        touched = {name: cids for name, cids in plan.items() if set(cids) & set(ids) or name in stale}
        bundles = dict(snap["bundles"])
        if defer_search and touched:
            snap["stale"], touched = sorted(touched), {}
        elif touched:  # its warnings are those of the last full build, which the head keeps
            bundles.update(index_bundles(stage, site, touched, snap["bundles"], keys, snap["others"], output,
                                         Problems(), store))
        timer.lap("search")
        (store.folder / "writing").touch()  # a build killed before the head is written is followed by a clean one
        replaced = {search.folder(n) for n in touched if bundles[n] != snap["bundles"].get(n)}
        swap_changes(stage, output, [p for r in results.values() for p in r["paths"]], replaced, set())
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    found.items.extend(problems)
    for cid in ids:
        snap["results"][cid] = results[cid]
    if not (defer_search and snap.get("stale")):
        snap["stale"] = []
    snap.update(keys=keys, bundles=bundles)
    keep(store, snap)
    store.write_head({**head, "inputs": inputs, "problems": problems, "stale": bool(snap.get("stale"))})
    (store.folder / "writing").unlink(missing_ok=True)
    return sum(len(r["paths"]) for r in results.values())


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
        head, snap = store.head(), _read(store.folder / SNAPSHOT)
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
    """Save the snapshot after a quick change, and the overlay the next full build reads from it."""
    overlay = {"serial": snap["serial"], "keys": {cid: snap["keys"][cid] for cid in snap["annotated"]},
               "cables": snap["results"], "bundles": snap["bundles"]}
    write_atomic(store.folder / OVERLAY, pickle.dumps(overlay, protocol=5))
    write_atomic(store.folder / SNAPSHOT, pickle.dumps(snap, protocol=5))


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
