"""Make what a plan finds stale: render it into a fresh folder beside the site, index the search bundles whose
pages changed, and swap it in (the whole folder for a fresh tree, else only what changed, in one step)."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from .. import parallel
from ..errors import Problems
from ..edition.link import Site
from ..options import BuildOptions, source_date_epoch
from ..paths import inside
from ..read.store import Store, digest
from ..render import bookfiles, books, tei
from ..render.outputs import mentions_of, other_pages, sitemaps, tei_corpus
from ..render.views import ASSETS, environment
from . import quick, search
from .jobs import _cable_job, _Job, index_bundles, keep_citations, load_citations, swap_changes, write_file
from .plan import Plan, Widen, check_notes_plan, others_key
from .write import put_in_place, stamp_times, staging_folder


class KeepPrevious(Exception):
    """The preview found errors while rendering: it keeps serving the last good site."""


class Refused(Exception):
    """A strict build found a problem: it writes nothing, so the previous site and its cache stay as they were."""


@dataclass
class Made:
    """What a build made: the record of every output it leaves in the site."""

    cables: dict[str, dict]
    """Each cable's result (its files, what it names, its problems), in the edition's order; for a plan
    from the snapshot, those it made only."""
    others: dict[str, str]
    """Each page beside the cables: path -> hash of its text."""
    others_key: str | None
    """The key of the pages beside the cables (None: unchanged since the snapshot)."""
    bundles: dict[str, str]
    """Each search bundle's key."""
    pages: int
    """The HTML pages of the site."""
    written: int
    """The files written by this build."""
    problems: list
    """The problems of the edition: every one found, or for a plan from the snapshot the last build's with
    those of the edited notes and their cables replaced."""
    untouched: bool = False
    """Nothing needed writing: the site already was this build's."""


def render_cables(out: Path | None, site: Site, ids: list[str], opts: BuildOptions, store: Store | None
                  ) -> dict[str, dict]:
    """Join these cables with their notes and, given `out`, make their files there, on every core."""
    held = store is not None and load_citations(store)  # before the workers are forked: they start with them
    job = _Job(site, out, opts.preview, store, opts.formats)
    results = dict(zip(ids, parallel.run(_cable_job, ids, job, "Rendering" if out else "Checking", opts.show)))
    learnt = [e for r in results.values() for e in r.pop("csl", ())]
    if store is not None and out is not None:
        keep_citations(store, learnt, held)
    return results

def make(plan: Plan, output: Path, store: Store, opts: BuildOptions, found: Problems, timer) -> Made:
    """Render what `plan` finds stale, index the bundles whose pages changed, swap the result in."""
    site, before = plan.site, plan.before or {}
    output = output.resolve()
    output.parent.mkdir(parents=True, exist_ok=True)
    stage = staging_folder(output)
    try:
        results = render_cables(stage, site, plan.cables, opts, store)
        fresh = [p for r in results.values() for p in r["problems"]]
        if opts.preview and any(p.severity == "error" for p in fresh):
            raise KeepPrevious
        if not plan.whole:
            check_notes_plan(plan, results, fresh + plan.notes_problems())
        timer.lap("render")
        # A plan from the snapshot records only the cables it made (the snapshot keeps the rest).
        cables = results if not plan.whole else \
            {cid: results.get(cid) or before["cables"][cid] for cid in site.cables}
        staged = [p for r in results.values() for p in r["paths"]]
        others, key, html = _others(plan, cables, stage, staged, opts, store, None if plan.fresh else output,
                                    found)
        timer.lap("render")
        bundles = {} if plan.whole else dict(before["bundles"])
        bundles.update(index_bundles(stage, site, plan.search, before.get("bundles", {}), plan.keys, others,
                                     None if plan.fresh else output, found if plan.whole else Problems(), store))
        if opts.index_search and plan.whole and not plan.bundles:
            found.add("pagefind", None, "search is not indexed: the pagefind package is not installed "
                                        "(pip install 'pagefind[bin]'); the search page will say so")
        timer.lap("search")
        problems = _problems(plan, cables, results, fresh, found)
        if opts.strict and problems:
            if not plan.whole:
                raise Widen  # the whole edition is read, to refuse with every problem
            raise Refused  # before anything is swapped in (the stage is removed below)
        untouched = _swap(plan, stage, output, staged, bundles, cables, others, store)
    finally:
        shutil.rmtree(stage, ignore_errors=True)
    pages = len(html) + 1 if plan.whole else plan.head["pages"]
    written = len(staged) if not plan.fresh else sum(len(r["paths"]) for r in results.values()) + len(others)
    return Made(cables, others, key, bundles, pages, written, problems, untouched)


def _others(plan: Plan, cables: dict, stage: Path, staged: list[str], opts: BuildOptions, store: Store,
            live: Path | None, found: Problems | None = None) -> tuple[dict[str, str], str | None, list[str]]:
    """Make the pages beside the cables where what they show changed: each page's hash, their key, the HTML
    pages of the site. A plan from the snapshot keeps them (check_notes_plan saw that nothing they show did)."""
    before = plan.before or {}
    if not plan.whole:
        return before["others"], None, []
    site = plan.site
    html = [p for r in cables.values() for p in r["paths"] if p.endswith(".html")]
    mentions = mentions_of(cables)
    key = others_key(plan, mentions)
    corpus = "tei" in opts.formats
    whole = corpus or bool(books.wanted(opts.formats))  # made from every cable: made again when one changed
    if not plan.fresh and key == before.get("others_key") and not (whole and plan.cables):
        html += [p for p in before["others"] if p.endswith(".html") and p != "404.html"]
        return before["others"], key, html
    env = environment(opts.preview, store.templates, opts.formats)
    was = before.get("others", {})
    others = {}

    def put(path: str, text: str | bytes) -> None:
        others[path] = digest(text)
        if was.get(path) != others[path]:
            write_file(inside(stage, path), text)
            staged.append(path)
    for path, text in other_pages(site, mentions, env, [search.folder(n) for n in plan.bundles if n]):
        put(path, text)
        if path.endswith(".html") and path != "404.html":
            html.append(path)
    if corpus:  # made from the cables' own documents, where they are now
        put(tei.CORPUS, tei_corpus(site, [stage] + ([live] if live else [])))
    for path, body in bookfiles.book_files(site, opts.formats, env, found if found is not None else Problems()):
        put(path, body)
    for path, text in sitemaps(site, env, html):
        put(path, text)
    if plan.fresh:
        shutil.copytree(ASSETS, stage / "assets")
    return others, key, html


def _problems(plan: Plan, cables: dict, results: dict, fresh: list, found: Problems) -> list:
    """The problems of the edition after this build (see Made.problems); a whole edition's go to `found`."""
    if plan.whole:
        for r in cables.values():
            found.items.extend(r["problems"])
        return list(found.items)
    mine = plan.notes_problems() + fresh
    return quick.edition_problems(plan.head, plan.snapshot, list(results), plan.notes, mine)


def _swap(plan: Plan, stage: Path, output: Path, staged: list[str], bundles: dict, cables: dict,
          others: dict, store: Store) -> bool:
    """Put the stage in place: whole for a fresh tree, else what changed. True if nothing needed it."""
    epoch = source_date_epoch()
    if plan.fresh:
        stage.chmod(0o755)
        if epoch is not None:
            stamp_times(stage, epoch)
        put_in_place(stage, output)
        return False
    before = plan.before
    was = before.get("bundles", {})
    replaced = {search.folder(n) for n in bundles if bundles[n] != was.get(n)}
    gone: set[str] = set()
    if plan.whole:
        gone = {p for cid, r in before["cables"].items() if cid not in cables for p in r["paths"]}
        gone |= set(before["others"]) - set(others)
        gone |= {search.folder(n) for n in set(was) - set(bundles)}
    # A cable made again may make fewer files than before (another release chosen, a release removed).
    made_now = {p for r in cables.values() for p in r["paths"]}
    gone |= {p for cid in plan.cables if cid in before["cables"]
             for p in before["cables"][cid]["paths"] if p not in made_now}
    if not (staged or replaced or gone):
        return True  # the site is already this build's
    if plan.whole:
        store.begin_writing()
    else:  # the manifest stays, completed by the overlay; a build killed now is followed by a clean one
        (store.folder / "writing").touch()
    swap_changes(stage, output, staged, replaced, gone)
    return False
