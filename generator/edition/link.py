"""Link the collection: references (cites, cited by), threads, indexes and suggestions, into a Site model.

Everything here is computed before anything is rendered, and every reference the editor wrote is checked
against the cables (the `check` command runs exactly this).
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass, field, replace
from difflib import get_close_matches
from typing import Callable

from .content import RELATIONS, Content, ParaRef, Thread, slug
from ..errors import Problems
from ..model import Brief, Cable


@dataclass
class Site:
    """The linked collection."""

    cables: dict[str, Brief]
    """The brief of each cable by id, oldest first."""
    content: Content
    full: Callable[[str], Cable] = field(repr=False, default=None)  # type: ignore[assignment]
    """The full cable of an id, from the store."""
    people: dict[str, frozenset[str]] = field(default_factory=dict)
    """Cable id -> the people (keys of people.yaml) its text names."""
    cited_by: dict[str, list[tuple[str, str]]] = field(default_factory=dict)
    """Cited id -> (citing id, anchor of the REF item on the citing page)."""
    threads: list[Thread] = field(default_factory=list)
    in_threads: dict[str, list[dict]] = field(default_factory=dict)
    """Cable id -> its place in each thread: thread, previous and next cable."""
    margins: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    """(cable id, paragraph) -> margin notes of thread links."""
    tags: dict[str, list[str]] = field(default_factory=dict)
    origins: dict[str, list[str]] = field(default_factory=dict)
    classifications: dict[str, list[str]] = field(default_factory=dict)
    years: dict[str, list[str]] = field(default_factory=dict)
    suggestions: dict[str, dict[str, list[tuple[str, int]]]] = field(default_factory=dict)
    kin: str = ""
    """Hash of what the suggestions are computed from (briefs and people), to reuse them when unchanged."""
    aliases: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Cable id -> the publisher's other ids of it: its own, and those of copies left out as duplicates (a
    section the publisher released as a record of its own, 08SCTION02OF02SAOPAULO335 beside 08SAOPAULO335)."""

    releases: dict[str, tuple] = field(default_factory=dict)
    """Cable id -> its releases (model.Release, oldest first) where the content holds it in several."""
    load_release: Callable = field(repr=False, default=None)  # type: ignore[assignment]
    """The full cable of a Release, from the store."""

    def aliases_of(self, cid: str) -> tuple[str, ...]:
        """The publisher's other ids of a cable, each once, none its own id."""
        return self.aliases.get(cid, ())


def ref_anchor(letter: str | None, index: int) -> str:
    """Anchor of a REF item on the citing page: ref-a, or ref-1 for an unlettered item."""
    return f"ref-{letter.lower()}" if letter else f"ref-{index + 1}"


def check_ref(ref: ParaRef, cables: dict[str, Brief], where: tuple[str, int | None], problems: Problems,
              left_out: str = "") -> bool:
    """Whether the cable and paragraphs of a reference are in the edition; if not, an error says what is not,
    with the nearest id where the id is wrong, and then `left_out` (what is dropped for it)."""
    c = cables.get(ref.cable)
    if c is None:
        near = nearest_id(ref.cable, cables)
        hint = f" (did you mean {near}?)" if near else ""
        problems.error(*where, f"{ref.cable} is not among the cables of the edition{hint}{left_out}")
        return False
    labels = set(c.labels)
    missing = [p for p in ref.paragraphs if p not in labels]
    if missing:
        problems.error(*where, f"{ref.cable} has no paragraph {', '.join('¶' + m for m in missing)}{left_out}")
        return False
    return True


def nearest_id(cid: str, cables: dict[str, Brief]) -> str | None:
    """The id of the edition that a mistyped one most resembles (07BEIJING6782 -> 07BEIJING6872), or None."""
    # Those of the same year and place first: among 250,000 ids, a comparison with each would take seconds.
    prefix = re.match(r"\d*[A-Z]*", cid).group(0)
    same = [c for c in cables if c.startswith(prefix)] if prefix else []
    for pool in (same, list(cables)):
        near = get_close_matches(cid, pool, n=1, cutoff=0.8)
        if near:
            return near[0]
    return None


def link_site(cables: list[Brief], content: Content, problems: Problems,
              full: Callable[[str], Cable], people: dict[str, frozenset[str]], suggested: dict | None = None) -> Site:
    """Build the Site model and check every link the editor wrote."""
    ordered = sorted(cables, key=lambda c: (c.created or "", c.id))
    site = Site({c.id: c for c in ordered}, content, full, people)
    by_id = site.cables
    site.aliases = {c.id: c.aliases for c in ordered if c.aliases}
    for c in ordered:
        for k, r in enumerate(c.references):
            if r.id and r.id in by_id and r.id != c.id:
                site.cited_by.setdefault(r.id, []).append((c.id, ref_anchor(r.letter, k)))
        for t in c.tags:
            site.tags.setdefault(t, []).append(c.id)
        site.origins.setdefault(c.origin or "Unknown", []).append(c.id)
        site.classifications.setdefault(c.classification or "Unmarked", []).append(c.id)
        site.years.setdefault((c.created or "undated")[:4], []).append(c.id)
    link_threads(site, problems)
    if suggested is not None:
        site.suggestions = suggested  # computed by an earlier build from the same briefs and people
    else:
        suggest(site)
    return site


def link_threads(site: Site, problems: Problems) -> None:
    """Check each thread against the cables; place cables in threads and put margin notes on paragraphs."""
    for thread in site.content.threads.values():
        thread = checked_thread(thread, site.cables, problems)
        if thread is None:
            continue
        site.threads.append(thread)
        members = sorted({r.cable for lk in thread.links for r in (lk.source, lk.target)}
                         | {e.ref.cable for e in thread.events if e.ref},
                         key=lambda cid: (site.cables[cid].created or "", cid))
        for k, cid in enumerate(members):
            site.in_threads.setdefault(cid, []).append({
                "thread": thread, "previous": members[k - 1] if k else None,
                "next": members[k + 1] if k + 1 < len(members) else None})
        for link in thread.links:
            forward, backward = RELATIONS[link.relation]
            for p in link.source.paragraphs:
                site.margins.setdefault((link.source.cable, p), []).append(
                    {"words": forward, "ref": link.target, "thread": thread.slug, "relation": link.relation})
            for p in link.target.paragraphs:
                site.margins.setdefault((link.target.cable, p), []).append(
                    {"words": backward, "ref": link.source, "thread": thread.slug, "relation": link.relation})


def checked_thread(thread: Thread, cables: dict[str, Brief], problems: Problems) -> Thread | None:
    """The thread without what names a cable or paragraph that the edition lacks (each dropped with an error):
    a link goes, an event stays without its cable. None where nothing is left to draw a timeline from."""
    events = []
    for e in thread.events:
        if e.ref and not check_ref(e.ref, cables, (thread.path, e.line), problems,
                                   "; the event is shown without its cable"):
            e = replace(e, ref=None)
        events.append(e)
    links = []
    for lk in thread.links:
        # Both ends are checked (a list, not all()): each wrong one is named.
        if all([check_ref(ref, cables, (thread.path, lk.line), problems, "; the link is left out")
                for ref in (lk.source, lk.target)]):
            links.append(lk)
    dated = events + [ref for lk in links for ref in (lk.source, lk.target) if cables[ref.cable].created]
    if not dated:
        problems.error(thread.path, thread.line, "the thread has no event and no link to a dated cable, nothing "
                                                 "to draw its timeline from; the thread is left out")
        return None
    return replace(thread, events=tuple(events), links=tuple(links))


COMMON_TAG_SHARE = 0.2
"""A TAGS code on more than this share of the collection says little about kinship (PREL): skip it."""
COMMON_LIMIT = 250
"""Nor does a code or a person shared by more cables than this, in a large collection."""


def suggest(site: Site, limit: int = 5) -> None:
    """Candidates for new threads, per cable: shared REF chain, most shared TAGS, most shared people."""
    n = len(site.cables)
    common = min(COMMON_TAG_SHARE * n, COMMON_LIMIT) if n > 10 else n
    cites = {cid: {r.id for r in c.references if r.id} for cid, c in site.cables.items()}
    citers: dict[str, list[str]] = defaultdict(list)
    for cid, refs in cites.items():
        for r in refs:
            citers[r].append(cid)
    named: dict[str, list[str]] = defaultdict(list)
    for cid in site.cables:
        for key in site.people.get(cid, ()):
            named[key].append(cid)
    for cid, c in site.cables.items():
        chain = Counter()
        for other in cites[cid] & site.cables.keys():
            chain[other] += 2
        for citing, _ in site.cited_by.get(cid, []):
            chain[citing] += 2
        for r in cites[cid]:
            for other in citers[r]:
                if other != cid:
                    chain[other] += 1
        tags = Counter()
        for t in c.tags:
            holders = site.tags.get(t, [])
            if len(holders) > common:
                continue
            for other in holders:
                if other != cid:
                    tags[other] += 1
        shared_people = Counter()
        for key in site.people.get(cid, ()):
            if len(named[key]) > max(common, 10):
                continue
            for other in named[key]:
                if other != cid:
                    shared_people[other] += 1
        site.suggestions[cid] = {
            "references": _top(chain, limit), "tags": _top(tags, limit, minimum=2 if n > 10 else 1),
            "people": _top(shared_people, limit)}


def _top(counter: Counter, limit: int, minimum: int = 1) -> list[tuple[str, int]]:
    return sorted(((k, v) for k, v in counter.items() if v >= minimum), key=lambda kv: (-kv[1], kv[0]))[:limit]


def people_forms(content: Content) -> list[tuple[str, str]]:
    """The written forms of every person (longer than three letters), with the person's key."""
    return [(f, e.key) for e in content.people.values() for f in e.forms if len(f) > 3]


def tag_path(code: str) -> str:
    """The folder of a TAGS code: the code itself (PREL), or a slug for a tag that is a name."""
    return code if re.fullmatch(r"[A-Z0-9]+", code) else slug(code)
