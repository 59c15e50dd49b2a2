"""Build the site: one path for every build, whatever changed.

    scan content/ (sizes, times, inodes)            equal to the recorded scan? nothing is stale: stop here
    read the edition: from the snapshot where only notes changed (plan.read_notes), else whole:
        briefs = read the cables, parsing only bytes not seen       (load, store; on every core)
        site = link the briefs and the editorial layer              (link)
    plan: key every output by what it shows; stale = the keys that differ from those recorded (plan)
    make: render what is stale on every core, index the search bundles whose pages changed, swap it in:
        a fresh tree as one folder, or only what changed, in one step (make, write)
    record the keys, the problems and the snapshot for the next build (here)
"""

from __future__ import annotations

import json
import os
import time
from dataclasses import replace
from pathlib import Path

from jinja2 import TemplateError

from . import quick, search
from ..edition.content import Content, checked_base_url, load_content
from ..errors import Problem, Problems, as_built
from .jobs import cable_key
from .make import KeepPrevious, Made, Refused, make, render_cables
from .plan import Plan, Widen, plan_all, read_notes
from ..edition.link import Site, link_site, people_forms
from ..edition.releases import choose, distinct, order_key, releases_of
from ..read.load import is_cable_name, load_cable, read_collection
from ..options import BuildOptions
from ..read.store import (BUILD_MARK, Store, build_base, default_folder, digest, is_racy, stat_key, unchanged,
                    write_atomic)
from .write import Busy, build_lock, clear_leftovers


# --- reading and linking ----------------------------------------------------------------------------

def sources_of(content_dir: Path, problems: Problems) -> list[Path]:
    """Where the cables are: content/cables/, or the content folder itself when it holds cable files (read as
    inspect and import read a folder: see load._walk)."""
    folder = content_dir / "cables"
    if folder.is_dir():
        return [folder]
    if not any(p.is_file() and is_cable_name(p.name) for p in content_dir.iterdir()):
        problems.error(str(content_dir), None, "no cables: neither a cables/ folder nor cable files here")
        return []
    return [content_dir]


def collect(content_dir: Path, problems: Problems, store: Store, known: dict, base_url: str | None,
            show: bool | None = None, suggested: dict | None = None, notes: dict | None = None
            ) -> tuple[Site, dict]:
    """Read the cables (from the store where their bytes are known) and the editorial layer (the annotation
    files in `notes` as they were read before: see load_content); link them."""
    content = load_content(content_dir, problems, notes)
    if base_url is not None:
        content.site["base_url"] = checked_base_url(base_url, "--base-url", None, problems)
    forms = people_forms(content)
    read = Problems()
    entries = read_collection(sources_of(content_dir, problems), read, store, known, forms, show)
    problems.items.extend(left_out(p) for p in read)
    found: dict[str, list] = {}
    for path, entry in entries.items():
        for b, who in zip(entry["briefs"], entry["people"]):
            found.setdefault(b.id, []).append((b, who))
    briefs, people, copies, releases = [], {}, {}, {}
    for cid, candidates in found.items():
        # The copy the publisher filed under the id itself is the cable; one filed under a repaired id (a section
        # released as a record of its own) is a part of it. Else the first read.
        keep = next((c for c in candidates if not c[0].aliases), candidates[0])
        # Other releases of it (see edition/releases.py) are kept beside it; the chosen one is the reading text.
        kept = [keep]
        for c in candidates:
            if c is not keep and not c[0].aliases and not keep[0].aliases and \
                    all(c[0].source.sha256 != k[0].source.sha256 and distinct(c[0], k[0]) for k in kept):
                kept.append(c)
        if len(kept) > 1:
            kept.sort(key=lambda c: order_key(c[0]))
            ann = content.annotations.get(cid)
            reading, wrong = choose([c[0] for c in kept], ann.release if ann else None)
            if wrong:
                problems.error(ann.path, ann.release_line, f"{wrong}; the latest release is the reading text")
                reading = len(kept) - 1
            releases[cid] = releases_of(cid, [c[0] for c in kept], reading)
            keep = kept[reading]
        else:
            ann = content.annotations.get(cid)
            if ann and ann.release:
                problems.error(ann.path, ann.release_line, f"release {ann.release!r}: the content holds one release "
                                                           f"of {cid} only, so there is none to choose")
        briefs.append(keep[0])
        people[cid] = keep[1]
        for b, _ in candidates:
            if any(b is k[0] for k in kept):
                continue
            led = "; its publisher id leads to the cable's page" if b.aliases else ""
            problems.error(b.source.path, None,
                           f"cable {cid} is also in {keep[0].source.path}; this copy is left out of the site{led}")
            copies.setdefault(cid, []).extend(b.aliases)
    kin = digest([(b.key, b.index) for b in briefs], sorted((k, sorted(v)) for k, v in people.items()))
    cached = suggested.get("suggestions") if suggested and suggested.get("kin") == kin else None
    site = link_site(briefs, content, problems, lambda cid: load_cable(store, site.cables[cid]), people, cached)
    site.kin = kin
    site.releases = releases
    site.load_release = lambda r: store.load(r.key)[0][r.index]
    for cid, more in copies.items():
        site.aliases[cid] = tuple(dict.fromkeys(site.aliases.get(cid, ()) + tuple(more)))
    for cid, ann in content.annotations.items():
        if cid not in site.cables:
            problems.error(ann.path, None, f"annotations for {cid}, which is not among the cables in {content_dir}; "
                                           "left out of the site")
    own = content_dir / "tags.csv"
    tags_file = own if own.exists() else "the generator's tags.csv (add a tags.csv to the content folder)"
    for code, ids in site.tags.items():
        row = content.tags.get(code)
        if not row or not row.get("definition"):
            first = site.cables[ids[0]]
            problems.add(first.source.path, first.subject_line,
                         f"TAGS code {code} has no expansion in {tags_file} "
                         f"({len(ids)} cable{'s' * (len(ids) != 1)})")
    return site, entries


def left_out(p: Problem) -> Problem:
    """A cable file (or row) that could not be read is not in the site: its error says so."""
    return replace(p, message=f"{p.message}; left out of the site") if p.severity == "error" else p


def check(content_dir: Path, problems: Problems, base_url: str | None = None, cache_dir: Path | None = None) -> tuple[Site, dict]:
    """Read and link everything, and check every reference the editor wrote; write nothing but the cache."""
    store = Store(cache_dir or default_folder(Path("site").resolve()))
    old = store.manifest() or {}
    site, _ = collect(content_dir, problems, store, old.get("entries", {}), base_url)
    results = join_all(site)
    for r in results.values():
        problems.items.extend(r["problems"])
    return site, results


def join_all(site: Site) -> dict[str, dict]:
    """Join every cable with its notes, writing nothing: what each names, and the problems found."""
    return render_cables(None, site, list(site.cables), BuildOptions(), None)


# --- keys: what each page shows, so that an unchanged page is not made again ------------------------

def editorial_digest(content: Content, content_dir: Path) -> str:
    """The editorial files every page may show (site settings, entries, TAGS, pages, threads), as read: the
    hashes load_content took of the bytes it read, never the files read again (they may have changed since)."""
    notes = os.path.join(str(content_dir), "annotations") + os.sep
    return digest(sorted((os.path.relpath(p, content_dir), h) for p, h in content.sources.items()
                         if not p.startswith(notes)))


def cable_keys(site: Site, base: str) -> dict[str, str]:
    """The key of each cable's files: its bytes, its notes, the editorial layer, and what the collection
    adds to its page (threads, margin notes, cited by, suggestions, which references resolve)."""
    ids_digest = digest(sorted(site.cables))
    return {cid: cable_key(site, cid, base, ids_digest) for cid in site.cables}


def mark_of(output: Path) -> tuple | None:
    return stat_key(output / BUILD_MARK)


# --- the build --------------------------------------------------------------------------------------

def build(content_dir: Path, output: Path, problems: Problems, options: BuildOptions | None = None, *,
          scanned: tuple = (), **given) -> Problems:
    """Check, then render and write what changed; the previous site stays if anything fails midway.
    `options` say how (a field of BuildOptions may also be given by name: `base_url=...`). With `strict`,
    any problem keeps the previous site (and the cache's record of it) as it was. Problems come back as
    `as_built` says (the preview's as found: an error there keeps the last good site).
    `scanned`: (options, head, inputs) as the caller just found them, to spare reading them twice."""
    opts = replace(options or BuildOptions(), **given)
    found = Problems()
    try:
        with build_lock(output):
            written = _build(content_dir, output, found, opts, scanned)
    except Busy as e:
        found.error(str(output), None, f"{e}; nothing was written")
        written = False
    problems.extend(found if opts.preview else as_built(found, written, opts.strict))
    return problems


def _build(content_dir: Path, output: Path, found: Problems, opts: BuildOptions, scanned: tuple) -> bool:
    """Build into `output`, collecting what is wrong into `found`; True if `output` now holds this build's
    site (written now, or left as it was because nothing was stale)."""
    timer = Timer()
    if not_an_address(opts.base_url):  # a mistake in the command, not in content/: no site for another address
        found.error("--base-url", None, f"base_url {opts.base_url!r} is not an address like "
                                        "https://USER.github.io/REPO; nothing was written")
        return False
    if not replaceable(output, found):
        return False
    store = Store(opts.cache_dir or default_folder(output))
    clear_leftovers(output.resolve(), store.folder)
    base = build_base(opts.preview, opts.base_url, opts.index_search and search.installed(), opts.formats)
    if scanned and scanned[0] == base and opts.cache_dir is None:
        _, head, inputs = scanned
    else:
        head, inputs = unchanged(store, content_dir, output, base)

    # The inputs every output was made from are those recorded: nothing can be stale, nothing is read.
    if head and head["inputs"] == inputs and not head.get("stale"):
        found.items.extend(head["problems"])
        if opts.strict and found.items:
            return False  # the site is the last build's, which had problems
        timer.report(store, "nothing changed", 0, head["pages"])
        return True
    try:
        # Only notes changed: the plan comes from the last build's snapshot, unless it cannot answer.
        if head:
            plan = read_notes(content_dir, store, head, inputs, opts, Problems())
            if plan is not None:
                timer.lap("read")
                try:
                    made = make(plan, output, store, opts, found, timer)
                except (Widen, TemplateError):
                    pass  # the whole edition is read below, and reports what this found
                else:
                    record_notes(plan, made, store, inputs, found)
                    timer.report(store, "built (notes only)", made.written, made.pages)
                    return True
        # Anything else: the edition is read and linked whole.
        plan, entries = read_all(content_dir, output, store, head, base, inputs, opts, found, timer)
        if plan is None:
            return False
        made = make(plan, output, store, opts, found, timer)
    except search.SearchIndexError as e:
        found.error("pagefind", None, f"{e}; the previous site is kept")
        return False
    except KeepPrevious:
        found.items.extend(p for r in join_all(plan.site).values() for p in r["problems"])
        return False
    except Refused:
        return False
    except TemplateError as e:
        name = getattr(e, "filename", None) or getattr(e, "name", None) or "templates"
        found.error(str(name), getattr(e, "lineno", None),
                    f"template error: {e.message or e}; the previous site is kept")
        return False
    record_all(plan, made, store, base, inputs, entries, output)
    # "nothing changed" also when the scan could not vouch for some file (changed just before it) and reading
    # it again showed the same bytes.
    timer.report(store, "nothing changed" if made.untouched else "built", made.written, made.pages)
    return True


def read_all(content_dir: Path, output: Path, store: Store, head: dict | None, base: str, inputs: dict,
             opts: BuildOptions, found: Problems, timer: "Timer") -> tuple[Plan | None, dict]:
    """Read and link the whole edition, key every cable, and plan; None where the preview keeps its site."""
    last = quick.apply_overlay(store, store.manifest() or {})
    before = last if head and last.get("mark") == head["mark"] else None
    site, entries = collect(content_dir, found, store, last.get("entries", {}), opts.base_url, opts.show, last,
                            quick.known_notes(store, base, inputs))
    timer.lap("read")
    timer.cables = len(site.cables)
    if found.errors and opts.preview and (output / BUILD_MARK).exists():
        return None, entries  # the preview keeps serving the last good site and shows these problems
    editorial = digest(base, editorial_digest(site.content, content_dir))
    return plan_all(site, cable_keys(site, editorial), editorial, before, opts), entries


def record_all(plan: Plan, made: Made, store: Store, base: str, inputs: dict, entries: dict,
               output: Path) -> None:
    """Record what a build of the whole edition left in the site: the manifest, and the snapshot that the
    next plan from the snapshot starts from."""
    site = plan.site
    state = {"base": base, "inputs": settled(inputs, entries), "entries": entries, "keys": plan.keys,
             "editorial": plan.editorial, "kin": site.kin, "suggestions": site.suggestions, "plan": plan.bundles,
             "cables": made.cables, "others": made.others, "others_key": made.others_key,
             "bundles": made.bundles, "pages": made.pages, "problems": made.problems, "mark": mark_of(output)}
    quick.forget(store)
    store.finish(state)
    quick.remember(store, site, state)
    quick.keep_notes(store, base, site.content.parsed, inputs)
    store.prune({e["key"] for e in entries.values() if e.get("key")})


def record_notes(plan: Plan, made: Made, store: Store, inputs: dict, found: Problems) -> None:
    """Record a build from the snapshot: the snapshot and overlay with the new keys and results, the head."""
    snap = plan.snapshot
    found.items.extend(made.problems)
    snap["results"].update((cid, made.cables[cid]) for cid in plan.cables)
    snap.update(keys=plan.keys, bundles=made.bundles, stale=plan.deferred)
    quick.keep(store, snap)
    quick.keep_notes(store, plan.head["base"], plan.site.content.parsed, inputs)
    store.write_head({**plan.head, "inputs": inputs, "problems": made.problems, "stale": bool(plan.deferred)})
    (store.folder / "writing").unlink(missing_ok=True)


def settled(inputs: dict, entries: dict) -> dict:
    """The scan of content/ as the next build compares it: a cable file that was changed just before the scan
    (marked racy there) takes the stamp it had when this build read it, once its clock tick had passed."""
    return {path: entries[path]["stat"] if is_racy(mark) and entries.get(path, {}).get("stat") else mark
            for path, mark in inputs.items()}


# --- guards and figures -----------------------------------------------------------------------------

def not_an_address(base_url: str | None) -> bool:
    """Whether an address given to the build is wrong, by the rule for base_url in content/site.yaml."""
    wrong = Problems()
    if base_url is not None:
        checked_base_url(base_url, "--base-url", None, wrong)
    return bool(wrong.items)


def replaceable(output: Path, problems: Problems) -> bool:
    """Refuse to replace a folder that holds something other than an earlier build."""
    if not output.exists():
        return True
    if not output.is_dir():
        problems.error(str(output), None, "the output is a file, not a folder; nothing was written")
        return False
    if any(output.iterdir()) and not (output / BUILD_MARK).exists():
        problems.error(str(output), None, f"not replaced: this folder is not empty and has no {BUILD_MARK}, so it "
                                          "is not a site built here; choose another --output or remove it")
        return False
    return True


class Timer:
    """Seconds per phase of a build, kept in the cache as last-build.json (the benchmark reads it)."""

    def __init__(self):
        self.start = self.mark = time.perf_counter()
        self.phases: dict[str, float] = {}
        self.cables: int | None = None
        """The cables of the edition, once linked; a build that linked none keeps the last build's count."""

    def lap(self, phase: str) -> None:
        now = time.perf_counter()
        self.phases[phase] = self.phases.get(phase, 0.0) + now - self.mark
        self.mark = now

    def report(self, store: Store, what: str, written: int, pages: int) -> None:
        self.lap("write")
        seconds = {k: round(v, 4) for k, v in self.phases.items()}
        seconds["total"] = round(time.perf_counter() - self.start, 4)
        path = store.folder / "last-build.json"
        cables = self.cables if self.cables is not None else last_cables(path)
        doc = {"result": what, "seconds": seconds, "pages": {"written": written, "total": pages}, "cables": cables}
        try:
            write_atomic(path, (json.dumps(doc, indent=1) + "\n").encode())
        except OSError:
            pass  # the record is for the benchmark and the closing line: the site is in place without it


def last_cables(record: Path) -> int | None:
    """How many cables the build recorded in `record` (last-build.json) had, if it says."""
    try:
        cables = json.loads(record.read_bytes()).get("cables")
    except (OSError, ValueError, AttributeError):
        return None
    return cables if isinstance(cables, int) else None
