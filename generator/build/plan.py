"""What a build makes: the outputs found stale by comparing the key of each with the key the last build
recorded for it.

Every build takes the same steps (site.py tells them): read the edition, decide what is stale (here), render
that and swap it in (make.py), record the keys (site.py). A build differs from another only by its inputs:

    nothing changed     the scan of content/ equals the one recorded: no output can be stale, nothing is read
    notes only          the edition is the last build's snapshot with the edited notes read again (read_notes)
    anything else       the edition is read and linked whole (read_all); a fresh tree when most is stale
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from . import quick, search
from ..edition.content import load_content
from ..edition.link import Site
from ..errors import Problems
from ..options import BuildOptions
from ..read.store import Store, digest
from .jobs import cable_key

CLEAN_SHARE = 0.5
"""When more than this share of the cables is stale, the whole site is made in a fresh tree, swapped in as
one folder (cheaper than completing a staged copy file by file)."""


class Widen(Exception):
    """A plan read from the snapshot does not hold: the edit changes what other pages show, or reports a
    problem the whole edition must be read to report. The build reads everything and decides again."""


@dataclass
class Plan:
    """What one build makes, and from what."""

    site: Site
    """The edition as read: linked whole, or the last build's snapshot with the edited notes read again."""
    keys: dict[str, str]
    """The key of each cable's files now (jobs.cable_key): what they show, hashed."""
    cables: list[str]
    """The cables whose files are stale: their key differs from the recorded one, or none was recorded."""
    before: dict | None
    """What the live site holds, as recorded (each cable's result, the other pages' hashes, the search
    bundles' keys); None when the site is made whole in a fresh tree."""
    search: dict[str, list[str]]
    """The search bundles to index where their pages changed: name ("" for the main one) -> its cables."""
    bundles: dict[str, list[str]]
    """Every search bundle of the edition (the record keeps it for the next build's plan)."""
    editorial: str
    """The key of what every page shows besides the cables: code, options and the editorial files."""
    deferred: list[str] = field(default_factory=list)
    """Bundles left stale for the caller to index later (the preview's --defer-search)."""
    notes: list[str] = field(default_factory=list)
    """The annotation files edited since the last build (a plan from the snapshot)."""
    snapshot: dict | None = None
    """The last build's snapshot this plan was read from, if any."""
    head: dict | None = None
    """The last build's head (its problems and page count), for a plan from the snapshot."""
    loaded: list = field(default_factory=list)
    """The problems found loading content/ for a plan from the snapshot."""

    @property
    def fresh(self) -> bool:
        return self.before is None

    @property
    def whole(self) -> bool:
        """Whether the edition was read whole (not from a snapshot): then the pages beside the cables are
        checked for staleness too, and every problem of the edition is reported."""
        return self.snapshot is None

    def notes_problems(self) -> list:
        """The problems found loading the edited notes (a plan from the snapshot)."""
        return [p for p in self.loaded if p.path in self.notes]


def stale(keys: dict[str, str], recorded: dict[str, str]) -> list[str]:
    """The cables whose key differs from the recorded one, in the edition's order."""
    return [cid for cid, k in keys.items() if recorded.get(cid) != k]


def plan_all(site: Site, keys: dict[str, str], editorial: str, before: dict | None, opts: BuildOptions) -> Plan:
    """The plan for an edition read whole: the stale cables, in a fresh tree where most are stale."""
    bundles = search.shards(site) if opts.index_search and search.available() else {}
    changed = stale(keys, before["keys"]) if before else list(keys)
    if before is not None and len(changed) > CLEAN_SHARE * len(keys):
        before, changed = None, list(keys)  # a fresh tree holds every cable's files
    return Plan(site, keys, changed, before, bundles, bundles, editorial)


def read_notes(content_dir: Path, store: Store, head: dict, inputs: dict, opts: BuildOptions,
               loaded: Problems) -> Plan | None:
    """The plan when only annotation files of annotated cables changed, read from the last build's snapshot
    without reading or linking the cables again; None when the snapshot cannot answer."""
    if {"tei", "epub", "pdf"} & set(opts.formats):
        return None  # the edition's teiCorpus and books hold every note: made with the whole edition
    edited = quick.edited_notes(content_dir, head["inputs"], inputs)
    snap = quick.read_snapshot(store)
    if edited is None or snap is None or snap.get("serial") != head.get("serial") or snap["base"] != head["base"] \
            or not (edited or snap.get("stale")):
        return None
    content = load_content(content_dir, loaded, quick.known_notes(store, head["base"], inputs))
    content.site["base_url"] = snap.get("base_url", content.site.get("base_url", ""))
    if sorted(content.annotations) != snap["annotated"]:
        return None  # a file now annotates another cable
    ids = sorted({cid for cid, ann in content.annotations.items() if ann.path in edited})
    if any(cid in snap.get("released", ()) or content.annotations[cid].release for cid in ids):
        return None  # the choice of a release changes what the indexes show: the whole edition is read
    briefs = quick.Briefs(snap["where"], store)
    site = Site(briefs, content, briefs.full, cited_by=snap["cited_by"], threads=snap["threads"],
                in_threads=snap["in_threads"], margins=snap["margins"], suggestions=snap["suggestions"])
    if any(cid not in briefs or cid not in snap["results"] for cid in ids):
        return None
    keys = dict(snap["keys"])
    for cid in ids:
        keys[cid] = cable_key(site, cid, snap["editorial"], snap["ids"])
    bundles = snap["plan"] if opts.index_search and search.available() else {}
    left = set(snap.get("stale", ()))
    touched = {name: cids for name, cids in bundles.items() if set(cids) & set(ids) or name in left}
    before = {"keys": snap["keys"], "cables": snap["results"], "others": snap["others"],
              "bundles": snap["bundles"], "others_key": None}
    deferred = sorted(touched) if opts.defer_search else []
    return Plan(site, keys, ids, before, {} if deferred else touched, bundles, snap["editorial"],
                deferred=deferred, notes=edited, snapshot=snap, head=head, loaded=list(loaded.items))


def check_notes_plan(plan: Plan, results: dict[str, dict], fresh: list) -> None:
    """Widen a plan from the snapshot whose rendering reports an error, or changes who or what a cable
    names (the pages listing them would be stale, which only the whole edition can tell)."""
    before = plan.before or {}
    if any(p.severity == "error" for p in fresh) or \
            any(results[cid]["mentions"] != before["cables"][cid]["mentions"] for cid in results):
        raise Widen


def others_key(plan: Plan, mentions: dict) -> str:
    """What the pages beside the cables show: every brief, the editorial layer but the notes, which cables
    are annotated, who is named where, and the search bundles."""
    site = plan.site
    return digest(plan.editorial, [(b.key, b.index) for b in site.cables.values()],
                  [(cid, [(r.key, r.index, r.reading) for r in rs]) for cid, rs in sorted(site.releases.items())],
                  sorted(site.content.annotations), mentions, sorted(plan.bundles))
