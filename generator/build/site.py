"""Build the site: read everything, check it, link it, render what changed, then put it in place.

    inputs = what content/ holds now (sizes and times)          nothing changed? stop here
    briefs = read the cables, parsing only bytes not seen        (load, store; on every core)
    site = link the briefs and the editorial layer               (link)
    key every page by what it shows; keep the pages whose key is unchanged
    render the cables' files on every core, then the other pages (outputs)
    index for search, bundle by bundle, only where pages changed (search)
    write: a clean build into a fresh folder that is swapped in; a small change file by file,
    each renamed into place, after everything has rendered       (write)
"""

from __future__ import annotations

import json
import os
import shutil
import time
from dataclasses import replace
from pathlib import Path

from jinja2 import TemplateError

from .. import parallel
from . import quick, search
from ..edition.content import Content, checked_base_url, load_content
from ..errors import Problem, Problems, as_built
from .jobs import _cable_job, _Job, cable_key, index_bundles, swap_changes, write_file
from ..edition.link import Site, link_site, people_forms
from ..read.load import is_cable_name, load_cable, read_collection
from ..options import BuildOptions
from ..render.outputs import mentions_of, other_pages, sitemaps
from ..paths import inside
from ..render.views import ASSETS, environment
from ..read.store import (BUILD_MARK, Store, build_base, default_folder, digest, is_racy, stat_key, unchanged,
                    write_atomic)
from .write import Busy, atomic_tree, build_lock, clear_leftovers, staging_folder

CLEAN_SHARE = 0.5
"""When more than this share of the cables changed, a clean build (one folder swap) is made instead."""


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
            show: bool | None = None, suggested: dict | None = None) -> tuple[Site, dict]:
    """Read the cables (from the store where their bytes are known) and the editorial layer; link them."""
    content = load_content(content_dir, problems)
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
    briefs, people, copies = [], {}, {}
    for cid, candidates in found.items():
        # The copy the publisher filed under the id itself is the cable; one filed under a repaired id (a section
        # released as a record of its own) is a part of it. Else the first read.
        keep = next((c for c in candidates if not c[0].aliases), candidates[0])
        briefs.append(keep[0])
        people[cid] = keep[1]
        for b, _ in candidates:
            if b is keep[0]:
                continue
            led = "; its publisher id leads to the cable's page" if b.aliases else ""
            problems.error(b.source.path, None,
                           f"cable {cid} is also in {keep[0].source.path}; this copy is left out of the site{led}")
            copies.setdefault(cid, []).extend(b.aliases)
    kin = digest([(b.key, b.index) for b in briefs], sorted((k, sorted(v)) for k, v in people.items()))
    cached = suggested.get("suggestions") if suggested and suggested.get("kin") == kin else None
    site = link_site(briefs, content, problems, lambda cid: load_cable(store, site.cables[cid]), people, cached)
    site.kin = kin
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
    results = dict(zip(site.cables, join_all(site)))
    for r in results.values():
        problems.items.extend(r["problems"])
    return site, results


# --- the cables' files, made on every core ----------------------------------------------------------

class KeepPrevious(Exception):
    """The preview found errors while rendering: it keeps serving the last good site."""


class Refused(Exception):
    """A strict build found a problem: it writes nothing, so the previous site and its cache stay as they were."""


def stop_on_errors(results: dict[str, dict], preview: bool) -> None:
    if preview and any(p.severity == "error" for r in results.values() for p in r["problems"]):
        raise KeepPrevious


# --- keys: what each page shows, so that an unchanged page is not made again ------------------------

def editorial_digest(content: Content, content_dir: Path) -> str:
    """The editorial files every page may show (site settings, entries, TAGS, pages, threads), as read: the
    hashes load_content took of the bytes it read, never the files read again (they may have changed since)."""
    notes = os.path.join(str(content_dir), "annotations") + os.sep
    return digest(sorted((os.path.relpath(p, content_dir), h) for p, h in content.sources.items()
                         if not p.startswith(notes)))


def cable_keys(site: Site, base: str, content_dir: Path) -> dict[str, str]:
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
    site (written now, or left as it was because nothing changed)."""
    preview, base_url, index_search, strict = opts.preview, opts.base_url, opts.index_search, opts.strict
    timer = Timer()
    if not_an_address(base_url):  # a mistake in the command, not in content/: no site for another address
        found.error("--base-url", None, f"base_url {base_url!r} is not an address like https://USER.github.io/REPO; "
                                        "nothing was written")
        return False
    if not replaceable(output, found):
        return False
    store = Store(opts.cache_dir or default_folder(output))
    clear_leftovers(output.resolve(), store.folder)
    base = build_base(preview, base_url, index_search and search.installed())
    if scanned and scanned[0] == base and opts.cache_dir is None:
        _, head, inputs = scanned
    else:
        head, inputs = unchanged(store, content_dir, output, base)
    if head and head["inputs"] == inputs and not head.get("stale"):
        found.items.extend(head["problems"])
        if strict and found.items:
            return False  # the site is the last build's, which had problems
        timer.report(store, "nothing changed", 0, head["pages"])
        return True
    if head:
        noted = Problems()
        try:
            written = quick.rebuild(content_dir, output, store, head, inputs, noted, opts, timer)
        except search.SearchIndexError as e:
            found.error("pagefind", None, f"{e}; the previous site is kept")
            return False
        except TemplateError:
            written = None  # the full build reports it
        if written is not None:
            found.extend(noted)
            timer.report(store, "built (notes only)", written, head["pages"])
            return True
    last = quick.apply_overlay(store, store.manifest() or {})
    old = last if head and last.get("mark") == head["mark"] else None
    site, entries = collect(content_dir, found, store, last.get("entries", {}), base_url, opts.show, last)
    timer.lap("read")
    timer.cables = len(site.cables)
    if found.errors and preview and (output / BUILD_MARK).exists():
        return False  # the preview keeps serving the last good site and shows these problems
    editorial = digest(base, editorial_digest(site.content, content_dir))
    keys = cable_keys(site, editorial, content_dir)
    state = {"base": base, "inputs": inputs, "entries": entries, "keys": keys, "editorial": editorial,
             "kin": site.kin, "suggestions": site.suggestions}
    try:
        if old is None or sum(old["keys"].get(c) != k for c, k in keys.items()) > CLEAN_SHARE * len(keys):
            written = clean_build(output, site, keys, state, store, opts, found, timer)
        else:
            written = update(output, site, keys, old, state, store, opts, found, timer)
    except search.SearchIndexError as e:
        found.error("pagefind", None, f"{e}; the previous site is kept")
        return False
    except KeepPrevious:
        found.items.extend(p for r in join_all(site) for p in r["problems"])
        return False
    except Refused:
        return False
    except TemplateError as e:
        name = getattr(e, "filename", None) or getattr(e, "name", None) or "templates"
        found.error(str(name), getattr(e, "lineno", None),
                    f"template error: {e.message or e}; the previous site is kept")
        return False
    state.update(problems=list(found.items), mark=mark_of(output), pages=state["pages"],
                 inputs=settled(inputs, entries))
    quick.forget(store)
    store.finish(state)
    quick.remember(store, site, state)
    store.prune({e["key"] for e in entries.values() if e.get("key")})
    # "nothing changed" also when the scan could not vouch for some file (changed just before it) and reading
    # it again showed the same bytes.
    timer.report(store, "nothing changed" if state.pop("untouched", False) else "built", written, state["pages"])
    return True


def settled(inputs: dict, entries: dict) -> dict:
    """The scan of content/ as the next build compares it: a cable file that was changed just before the scan
    (marked racy there) takes the stamp it had when this build read it, once its clock tick had passed."""
    return {path: entries[path]["stat"] if is_racy(mark) and entries.get(path, {}).get("stat") else mark
            for path, mark in inputs.items()}


def join_all(site: Site) -> list[dict]:
    """Join every cable with its notes, writing nothing: what each names, and the problems found."""
    return list(parallel.run(_cable_job, list(site.cables), _Job(site, None), "Checking"))


def render_cables(out: Path, site: Site, ids: list[str], preview: bool, show: bool | None,
                  store: Store) -> dict[str, dict]:
    """Make the files of these cables on every core, into `out`."""
    return dict(zip(ids, parallel.run(_cable_job, ids, _Job(site, out, preview, store), "Rendering", show)))


def write_others(site: Site, mentions: dict, env, plan: dict, dest: Path, before: dict[str, str],
                 html: list[str]) -> tuple[dict[str, str], list[str]]:
    """Render every page but the cables' into `dest`, skipping those whose text equals the `before` build's;
    add the HTML pages to `html`. Returns each page's text hash, and the pages written."""
    others, written = {}, []

    def put(path: str, text: str) -> None:
        others[path] = digest(text)
        if before.get(path) != others[path]:
            write_file(inside(dest, path), text)
            written.append(path)
    for path, text in other_pages(site, mentions, env, [search.folder(n) for n in plan if n]):
        put(path, text)
        if path.endswith(".html") and path != "404.html":
            html.append(path)
    for path, text in sitemaps(site, env, html):
        put(path, text)
    return others, written


def clean_build(output: Path, site: Site, keys: dict, state: dict, store: Store, opts: BuildOptions,
                found: Problems, timer: "Timer") -> int:
    """Render every page into a fresh folder and swap it in."""
    preview, strict, index_search, show = opts.preview, opts.strict, opts.index_search, opts.show
    env = environment(preview, store.templates)
    plan = state["plan"] = search.shards(site) if index_search and search.available() else {}
    with atomic_tree(output) as out:
        results = render_cables(out, site, list(site.cables), preview, show, store)
        stop_on_errors(results, preview)
        timer.lap("render")
        html = [p for r in results.values() for p in r["paths"] if p.endswith(".html")]
        mentions = mentions_of(results)
        others, _ = write_others(site, mentions, env, plan, out, {}, html)  # the tree is swapped in whole
        shutil.copytree(ASSETS, out / "assets")
        timer.lap("render")
        state["bundles"] = index_bundles(out, site, plan, {}, keys, others, None, found, store) if plan else {}
        if index_search and not plan:
            found.add("pagefind", None, "search is not indexed: the pagefind package is not installed "
                                        "(pip install 'pagefind[bin]'); the search page will say so")
        timer.lap("search")
        for r in results.values():
            found.items.extend(r["problems"])
        if strict and found.items:
            raise Refused  # before the swap: the fresh folder is removed
    state.update(cables=results, others=others, pages=len(html) + 1)
    state["others_key"] = others_key(site, state, mentions, plan)
    return sum(len(r["paths"]) for r in results.values()) + len(others)


def update(output: Path, site: Site, keys: dict, old: dict, state: dict, store: Store, opts: BuildOptions,
           found: Problems, timer: "Timer") -> int:
    """Render only what changed into a staging folder, then rename each file into the site."""
    preview, strict, index_search, show = opts.preview, opts.strict, opts.index_search, opts.show
    env = environment(preview, store.templates)
    plan = state["plan"] = search.shards(site) if index_search and search.available() else {}
    changed = [cid for cid, k in keys.items() if old["keys"].get(cid) != k]
    stage = staging_folder(output)
    try:
        results = render_cables(stage, site, changed, preview, show, store)
        stop_on_errors(results, preview)
        timer.lap("render")
        cables = {cid: results.get(cid) or old["cables"][cid] for cid in site.cables}  # the edition's order
        staged = [p for r in results.values() for p in r["paths"]]
        html = [p for r in cables.values() for p in r["paths"] if p.endswith(".html")]
        mentions = mentions_of(cables)
        state["others_key"] = others_key(site, state, mentions, plan)
        if state["others_key"] == old.get("others_key"):
            others = old["others"]  # nothing the other pages show has changed
            html += [p for p in others if p.endswith(".html") and p != "404.html"]
        else:
            others, written = write_others(site, mentions, env, plan, stage, old["others"], html)
            staged += written
        timer.lap("render")
        bundles = index_bundles(stage, site, plan, old.get("bundles", {}), keys, others, output, found, store) \
            if plan else {}
        timer.lap("search")
        gone = {p for cid, r in old["cables"].items() if cid not in cables for p in r["paths"]}
        gone |= set(old["others"]) - set(others)
        for r in cables.values():
            found.items.extend(r["problems"])
        if strict and found.items:
            raise Refused  # before the first file is replaced (the staging folder is removed below)
        replaced = {search.folder(n) for n in bundles if bundles[n] != old.get("bundles", {}).get(n)}
        gone |= {search.folder(n) for n in set(old.get("bundles", {})) - set(bundles)}
        state["untouched"] = not (staged or replaced or gone)
        if not state["untouched"]:  # else the site is already this build's: nothing to swap
            store.begin_writing()
            swap_changes(stage, output, staged, replaced, gone)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    state.update(cables=cables, others=others, pages=len(html) + 1, bundles=bundles)
    return len(staged)


def others_key(site: Site, state: dict, mentions: dict, plan: dict) -> str:
    """What the pages beside the cables show: every brief, the editorial layer but the notes, which cables
    are annotated, who is named where, and the search bundles."""
    return digest(state["editorial"], [(b.key, b.index) for b in site.cables.values()],
                  sorted(site.content.annotations), mentions, sorted(plan))


# --- search -----------------------------------------------------------------------------------------

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
