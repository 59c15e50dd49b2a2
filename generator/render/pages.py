"""View-models of the pages around the cables: home, indexes, chronology, threads, about, how to read."""

from __future__ import annotations

from collections import Counter, defaultdict
from datetime import date
from itertools import groupby

from ..edition.content import RELATION_TITLES, RELATIONS, ParaRef, Thread, slug
from ..read.decode import decode_header, portion_meaning
from ..edition.link import Site, tag_path
from ..edition.markup import render as markdown
from . import changes, data
from ..tables import SOURCES_PROSE
from .views import banner_view, cable_context, excerpt, page_frame, unique_id

MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


def base(site: Site, root: str, title: str, path: str, description: str = "") -> dict:
    return page_frame(site.content.site, root, path, title, description or title)


def cable_row(site: Site, cid: str, root: str) -> dict:
    c = site.cables[cid]
    return {"id": c.id, "date": (c.created or "")[:10], "subject": c.subject or "", "origin": c.origin or "",
            "classification": c.classification or "unmarked", "css": banner_view(c)["css"],
            "href": f"{root}cables/{c.id}/"}


def linker(ids, root: str):
    """A function giving the relative URL of a cable (and paragraph) of the collection, or None."""
    def link(cid: str, para: str | None = None) -> str | None:
        if cid not in ids:
            return None
        return f"{root}cables/{cid}/" + (f"#p{para}" if para else "")
    return link


# --- home, about, how to read ---------------------------------------------------------------------

def home_context(site: Site) -> dict:
    link = linker(site.cables, "")
    ctx = base(site, "", site.content.site["title"], "", site.content.site["description"])
    ctx.update({
        "intro": markdown(site.content.pages.get("home", ""), link) if site.content.pages.get("home") else None,
        "threads": [{"title": t.title, "href": f"threads/{t.slug}/",
                     "summary": markdown(t.summary, link)} for t in site.threads],
        "cables": home_rows(site),
        "total": len(site.cables),
        "ways_in": index_links(site, ""),
    })
    return ctx


HOME_NEWEST = 100
"""A collection larger than one page shows its newest cables on the home page, the rest by the indexes."""


def home_rows(site: Site) -> list[dict]:
    if len(site.cables) <= PAGE_SIZE:
        return [cable_row(site, cid, "") for cid in site.cables]
    return newest_first(site, list(site.cables)[-HOME_NEWEST:], "")


def index_links(site: Site, root: str) -> list[dict]:
    return [
        {"href": f"{root}tags/", "label": "TAGS", "count": len(site.tags)},
        {"href": f"{root}origins/", "label": "Origins", "count": len(site.origins)},
        {"href": f"{root}classifications/", "label": "Classifications", "count": len(site.classifications)},
        {"href": f"{root}chronology/", "label": "Chronology", "count": len(site.years)},
        {"href": f"{root}people/", "label": "People", "count": len(site.content.people)},
        {"href": f"{root}organizations/", "label": "Organizations", "count": len(site.content.organizations)},
        {"href": f"{root}glossary/", "label": "Glossary", "count": len(site.content.glossary)},
        {"href": f"{root}threads/", "label": "Threads", "count": len(site.threads)},
    ] + ([{"href": f"{root}releases/", "label": "Releases compared", "count": len(site.releases)}]
         if site.releases else [])


def releases_index_context(site: Site) -> dict:
    """The cables the content holds in several releases; those whose words changed first, with what changed."""
    ctx = base(site, "../", "Releases compared", "releases/",
               "The cables published in more than one release, and what changed between them")
    rows = changes.changed_context_rows(site, "../")
    changed = {r["id"] for r in rows}
    ctx.update({"changed": rows, "total": len(site.releases),
                "same": [{"id": cid, "href": f"../cables/{cid}/#releases",
                          "releases": [r.label for r in site.releases[cid]]}
                         for cid in site.cables if cid in site.releases and cid not in changed]})
    return ctx


def page_context(site: Site, name: str, title: str) -> dict:
    ctx = base(site, "../", title, f"{name}/")
    ctx["body"] = markdown(site.content.pages.get(name, ""), linker(site.cables, "../"))
    if name == "how-to-read":
        ctx["walk"] = walkthrough(site)
    if name == "about":
        ctx["sources"] = markdown(SOURCES_PROSE.read_text(encoding="utf-8"))
    return ctx


def not_found_context(site: Site) -> dict:
    """404.html: served for any missing address, at any depth, so its links start from the site's own path."""
    base_url = site.content.site["base_url"]
    root = "/" + base_url.split("://", 1)[1].partition("/")[2] if base_url else "/"
    ctx = base(site, root.rstrip("/") + "/", "Page not found", "404.html",
               "There is no page at this address in the edition.")
    ctx.update({"canonical": None, "ways_in": index_links(site, ctx["root"]),
                "example": site.content.site.get("example_cable") or next(iter(site.cables), None)})
    return ctx


FRONT_GLOSSES = (
    (r"^(C O N F I D E N T I A L|S E C R E T|UNCLAS|CONFIDENTIAL|SECRET)\b", "classification banner, then the section (SECTION 01 OF 04: first of four), the post and the message number"),
    (r"^SIPDIS$", "handling caption: SIPRNet distribution (see the glossary)"),
    (r"^(SENSITIVE|NOFORN)", "handling caveat"),
    (r"^E\.O\.", "the executive order under which the cable is classified, and when to declassify it (DECL)"),
    (r"^TAGS", "subject and country codes (see the TAGS index)"),
    (r"^SUBJECT", "the subject line"),
    (r"^REF", "references to earlier cables"),
    (r"^Classified By", "the classifying official and the reasons, sections of the executive order"),
    (r"^-+$", "underline of the section heading above it"),
    (r"^\d\.\d", "the reasons, continued: {reasons}"),
)


def walkthrough(site: Site) -> dict | None:
    """The example cable's header and front matter, line by line as written, for the how-to-read page."""
    import re

    cid = site.content.site.get("example_cable") or next(iter(site.cables), None)
    if cid not in site.cables:
        return None
    c = site.full(cid)
    year = int(c.created[:4]) if c.created else None
    lines = c.source.data.decode(c.source.encoding, errors="replace").replace("\r\n", "\n").split("\n")
    start = next((k for k, ln in enumerate(lines) if c.banner and ln.strip().startswith(c.banner)), None)
    front = []
    if start is not None:
        for ln in lines[start:start + 40]:
            s = ln.strip().replace("\xa0", " ")
            if re.match(r"^¶?\d+\.(\s|\()", s) or (front and c.banner and s.startswith(c.banner)):
                break  # the body begins, or the page prints the block a second time
            if not s:
                continue
            gloss = next((g for rx, g in FRONT_GLOSSES if re.match(rx, s)), "")
            gloss = gloss.replace("{reasons}", ", ".join(c.reasons) or "as written")
            front.append({"line": ln.rstrip(), "gloss": gloss, "href": None})
    first = c.paragraphs[0] if c.paragraphs else None
    return {"id": c.id, "href": f"../cables/{c.id}/", "header": decode_header(c.header, year), "front": front,
            "first": {"label": first.label, "marking": first.marking, "href": f"../cables/{c.id}/#p{first.label}"}
            if first else None}


# --- indexes -------------------------------------------------------------------------------------

PAGE_SIZE = 500
"""No list page holds more cables than this; longer lists go on numbered pages: tags/PREL/page/2/."""


def page_path(base: str, n: int) -> str:
    """The address of page n of a list whose first page is at `base` (a folder path ending in /)."""
    return base if n == 1 else f"{base}page/{n}/"


def paged(base: str, root: str, count: int) -> list[tuple[int, str, str]]:
    """(number, path, root) of every page of a list of `count` cables: the root deepens past page 1."""
    pages = max(1, -(-count // PAGE_SIZE))
    return [(n, page_path(base, n), root if n == 1 else root + "../../") for n in range(1, pages + 1)]


def pager(n: int, pages: int, count: int, labels: list[str] | None = None) -> dict | None:
    """Links between the pages of a long list, relative to page n; None for a list of one page."""
    if pages == 1:
        return None
    up = "" if n == 1 else "../../"

    def href(k: int) -> str:
        return up + ("" if k == 1 else f"page/{k}/")
    first = (n - 1) * PAGE_SIZE + 1
    return {"current": n, "count": count, "first": first, "last": min(n * PAGE_SIZE, count),
            "previous": href(n - 1) if n > 1 else None, "next": href(n + 1) if n < pages else None,
            "pages": [{"n": k, "href": href(k), "current": k == n, "label": labels[k - 1] if labels else None}
                      for k in range(1, pages + 1)]}

def newest_first(site: Site, ids: list[str], root: str) -> list[dict]:
    return [cable_row(site, cid, root) for cid in sorted(ids, key=lambda i: (site.cables[i].created or "", i),
                                                          reverse=True)]


def tags_index_context(site: Site) -> dict:
    ctx = base(site, "../", "TAGS", "tags/", "Every TAGS code of the collection, with its expansion and count")
    rows = []
    for code in sorted(site.tags):
        row = site.content.tags.get(code) or {}
        conf = row.get("definition_confidence", "unknown")
        rows.append({"code": code, "href": f"{tag_path(code)}/", "count": len(site.tags[code]),
                     "definition": row.get("definition") if conf != "code_only" else None,
                     "unverified": conf == "unverified"})
    ctx["rows"] = rows
    return ctx


def newest_ids(site: Site, ids: list[str]) -> list[str]:
    return sorted(ids, key=lambda i: (site.cables[i].created or "", i), reverse=True)


def tag_pages(site: Site, code: str) -> list[tuple[str, dict]]:
    """The pages of one TAGS code: its cables newest first, PAGE_SIZE to a page."""
    row = site.content.tags.get(code) or {}
    ids = newest_ids(site, site.tags[code])
    out = []
    for n, path, root in paged(f"tags/{tag_path(code)}/", "../../", len(ids)):
        title = f"TAGS: {code}" + (f" (page {n})" if n > 1 else "")
        ctx = base(site, root, title, path)
        ctx.update({"code": code, "definition": row.get("definition") or None,
                    "unverified": row.get("definition_confidence") == "unverified",
                    "source": row.get("definition_source") or None, "up": root + "tags/",
                    "cables": [cable_row(site, cid, root) for cid in ids[(n - 1) * PAGE_SIZE:n * PAGE_SIZE]],
                    "pager": pager(n, -(-len(ids) // PAGE_SIZE), len(ids))})
        out.append((path, ctx))
    return out


def group_index_context(site: Site, kind: str) -> dict:
    """Origins or classifications: each group with its count."""
    groups = site.origins if kind == "origins" else site.classifications
    title = "Origins" if kind == "origins" else "Classifications"
    ctx = base(site, "../", title, f"{kind}/")
    ctx["rows"] = [{"name": g, "href": f"{slug(g)}/", "count": len(ids)} for g, ids in sorted(groups.items())]
    ctx["kind"] = kind
    return ctx


def group_pages(site: Site, kind: str, name: str) -> list[tuple[str, dict]]:
    """The pages of one origin or classification: its cables newest first, PAGE_SIZE to a page."""
    groups = site.origins if kind == "origins" else site.classifications
    ids = newest_ids(site, groups[name])
    out = []
    for n, path, root in paged(f"{kind}/{slug(name)}/", "../../", len(ids)):
        ctx = base(site, root, name + (f" (page {n})" if n > 1 else ""), path)
        ctx.update({"name": name, "kind": kind,
                    "cables": [cable_row(site, cid, root) for cid in ids[(n - 1) * PAGE_SIZE:n * PAGE_SIZE]],
                    "up": {"href": root + kind + "/", "label": "Origins" if kind == "origins" else "Classifications"},
                    "pager": pager(n, -(-len(ids) // PAGE_SIZE), len(ids))})
        out.append((path, ctx))
    return out


def chronology_pages(site: Site) -> list[tuple[str, dict]]:
    """Every cable by year and month, oldest first, PAGE_SIZE to a page; each page lists the years it holds."""
    ids = [cid for year in sorted(site.years) for cid in site.years[year]]
    chunks = [ids[k:k + PAGE_SIZE] for k in range(0, len(ids), PAGE_SIZE)] or [[]]
    spans = [f"{_month(site, chunk[0])} to {_month(site, chunk[-1])}" if chunk else "" for chunk in chunks]
    starts: dict[str, int] = {}
    for k, chunk in enumerate(chunks, 1):
        for cid in chunk:
            starts.setdefault((site.cables[cid].created or "undated")[:4], k)
    out = []
    for n, path, root in paged("chronology/", "../", len(ids)):
        here = "" if n == 1 else "../../"
        ctx = base(site, root, "Chronology" + (f" (page {n})" if n > 1 else ""), path)
        years = []
        for cid in chunks[n - 1]:
            c = site.cables[cid]
            year = (c.created or "undated")[:4]
            if not years or years[-1]["year"] != year:
                years.append({"year": year, "id": f"y{year}", "count": len(site.years[year]), "months": []})
            key = c.created[5:7] if c.created else "00"
            months = years[-1]["months"]
            if not months or months[-1]["key"] != key:
                months.append({"key": key, "name": MONTHS[int(key) - 1] if key != "00" else "Undated",
                               "id": f"m{year}-{key}", "cables": []})
            months[-1]["cables"].append(cable_row(site, cid, root))
        ctx["years"] = years
        ctx["all_years"] = [{"year": y, "count": len(site.years[y]),
                             "href": ("#" if starts[y] == n else here + ("" if starts[y] == 1 else f"page/{starts[y]}/")
                                      + "#") + f"y{y}"} for y in sorted(site.years)]
        ctx["pager"] = pager(n, len(chunks), len(ids), spans)
        out.append((path, ctx))
    return out


def _month(site: Site, cid: str) -> str:
    created = site.cables[cid].created
    return f"{MONTHS[int(created[5:7]) - 1][:3]} {created[:4]}" if created else "undated"


# --- threads -------------------------------------------------------------------------------------

def thread_index_context(site: Site) -> dict:
    ctx = base(site, "../", "Threads", "threads/")
    ctx["threads"] = [{"title": t.title, "href": f"{t.slug}/", "links": len(t.links), "events": len(t.events)}
                      for t in site.threads]
    return ctx


def para_quotes(site: Site, ref: ParaRef, root: str) -> dict:
    """One side of a thread link: its cable, and the start of each paragraph quoted, with its portion marking."""
    c = site.full(ref.cable)
    by_label = {p.label: p for p in c.paragraphs}
    href = f"{root}cables/{ref.cable}/"
    quotes = []
    for label in ref.paragraphs:
        p = by_label[label]
        quotes.append({"label": label, "href": f"{href}#p{label}", "text": excerpt(p.text), "marking": p.marking,
                       "marking_meaning": portion_meaning(p.marking) if p.marking else None})
    return {"cable": ref.cable, "date": (c.created or "")[:10], "text": _ref_text(ref), "href": href, "quotes": quotes}


def _ref_text(ref: ParaRef) -> str:
    """The editor's reference, kept from wrapping between the cable id and its first paragraph."""
    return ref.text.replace(f"{ref.cable} ", f"{ref.cable}\u00a0", 1)


def thread_context(site: Site, t: Thread) -> dict:
    """A thread page: its summary, its timeline, and each link with the paragraphs it joins quoted."""
    root = "../../"
    link = linker(site.cables, root)
    ctx = base(site, root, t.title, f"threads/{t.slug}/", t.title)
    ctx["feeds"] = ctx["feeds"] + [{"title": f"Thread: {t.title}", "href": "feed.xml"}]
    ctx.update({
        "thread": {"title": t.title, "summary": markdown(t.summary, link), "slug": t.slug},
        "timeline": timeline(site, t, root),
        "links": [{"relation": lk.relation, "title": RELATION_TITLES[lk.relation],
                   "words": RELATIONS[lk.relation][0], "note": markdown(lk.note, link),
                   "earlier": para_quotes(site, lk.source, root), "later": para_quotes(site, lk.target, root),
                   "id": f"link-{k + 1}"}
                  for k, lk in enumerate(t.links)],
    })
    return ctx


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


def _when(d: date, fmt: str) -> dict:
    """A date for a <time> element: its ISO form and its words under its month (fmt: day, month or year)."""
    short = MONTHS[d.month - 1][:3]
    return {"iso": d.isoformat(), "text": {"day": str(d.day), "month": f"{short} {d.day}",
                                           "year": f"{short} {d.day}, {d.year}"}[fmt]}


def _span(d0: date, d1: date | None) -> dict:
    """The dates of an item as shown under its month: 27, 27-28, Apr 30-May 2, Dec 30, 2007-Jan 2, 2008."""
    if d1 is None or d1 == d0:
        return {"start": _when(d0, "day"), "end": None}
    fmt = "day" if (d0.year, d0.month) == (d1.year, d1.month) else "month" if d0.year == d1.year else "year"
    return {"start": _when(d0, fmt), "end": _when(d1, fmt)}


def _month_view(y: int, m: int, year: bool = True) -> dict:
    return {"iso": f"{y:04d}-{m:02d}", "text": MONTHS[m - 1] + (f" {y}" if year else "")}


def _months_between(first: date, last: date):
    """Every (year, month) from the month of first to that of last."""
    y, m = first.year, first.month
    while (y, m) <= (last.year, last.month):
        yield y, m
        y, m = y + (m == 12), m % 12 + 1


def timeline(site: Site, t: Thread, root: str) -> dict:
    """The thread month by month on one axis: its events, labelled, and its cables; a run of months with
    neither is one gap. An event that is a cable's sending (the whole cable, on its date) labels that cable."""
    members = sorted({e.ref.cable for e in t.events if e.ref} | {r.cable for lk in t.links
                                                                  for r in (lk.source, lk.target)})
    sent = {c: _day(site.cables[c].created) for c in members if site.cables[c].created}
    items, says = [], {c: [] for c in sent}
    for e in t.events:
        d0 = _day(e.date)
        if e.ref and not e.ref.paragraphs and not e.end and sent.get(e.ref.cable) == d0:
            says[e.ref.cable].append(e.label)
            continue
        href = (f"{root}cables/{e.ref.cable}/" + (f"#p{e.ref.paragraphs[0]}" if e.ref.paragraphs else "")
                if e.ref else None)
        items.append({"kind": "event", "day": d0, **_span(d0, _day(e.end) if e.end else None), "label": e.label,
                      "href": href, "ref": _ref_text(e.ref) if e.ref else None})
    items += [{"kind": "cable", "day": d, **_span(d, None), "id": c, "href": f"{root}cables/{c}/",
               "label": "; ".join(says[c])} for c, d in sent.items()]
    items.sort(key=lambda i: (i["day"], i["kind"] == "cable"))  # stable: the editor's order within a day
    by_month = defaultdict(list)
    for i in items:
        by_month[i["day"].year, i["day"].month].append(i)
    months = []
    for full, run in groupby(_months_between(items[0]["day"], items[-1]["day"]), key=lambda ym: ym in by_month):
        run = list(run)
        if full:
            months += [{"month": _month_view(*ym), "items": by_month[ym], "gap": None} for ym in run]
        else:  # the year once, at the end, unless the gap spans a new year
            a, b = run[0], run[-1]
            months.append({"month": None, "items": [], "gap": {
                "start": _month_view(*a, year=a == b or a[0] != b[0]), "end": _month_view(*b) if b != a else None}})
    return {"months": months}


# --- search --------------------------------------------------------------------------------------

SEARCH_FILTERS = (("type", "Kind of page"), ("tag", "TAGS"), ("origin", "Origin"),
                  ("classification", "Classification"), ("year", "Year"))
"""The search page's filters, in order: the names the pages give Pagefind, and their labels."""


def search_context(site: Site, shards: list[str] | None = None) -> dict:
    """The search page: a plain form whose filters list every value the collection has, with counts.

    `shards` are the folders of the bundles that the page merges into the main one, for a large collection.
    """
    root = "../"
    ctx = base(site, root, "Search", "search/", "Search the text of the cables, the notes and the entries")
    counts: dict[str, Counter] = {name: Counter() for name, _ in SEARCH_FILTERS}
    for c in site.cables.values():
        counts["type"]["Cable"] += 1
        counts["tag"].update(c.tags)
        counts["origin"][c.origin or "unknown"] += 1
        counts["classification"][c.classification or "unmarked"] += 1
        if c.created:
            counts["year"][c.created[:4]] += 1
    counts["type"].update({"Thread": len(site.threads), "Person": len(site.content.people),
                           "Organization": len(site.content.organizations),
                           "Glossary term": len(site.content.glossary)})
    definitions = {code: (row.get("definition") or "") for code, row in site.content.tags.items()
                   if row.get("definition_confidence") != "code_only"}
    groups, taken = [], set()
    for name, label in SEARCH_FILTERS:
        values = sorted((v, n) for v, n in counts[name].items() if n)
        if name == "type":
            order = ["Cable", "Thread", "Person", "Organization", "Glossary term"]
            values = sorted(values, key=lambda vn: order.index(vn[0]))
        # Two values may slug alike (TAGS "STEINBERG, JAMES B." and "steinberg, james b."): each id once.
        ids = [unique_id(f"f-{name}-{slug(v)}", taken) for v, _ in values]
        groups.append({"name": name, "label": label,
                       "choices": [{"value": v, "count": n, "id": i,
                                   "title": definitions.get(v) if name == "tag" else None}
                                   for (v, n), i in zip(values, ids)]})
    ctx.update({"filters": groups, "ways_in": index_links(site, root), "csp_script": " 'wasm-unsafe-eval'",
                "pagefind": f"{root}pagefind/pagefind.js",
                "shards": " ".join(f"{root}{s}/" for s in shards or [])})
    return ctx


# --- the cable page --------------------------------------------------------------------------------

def cable_page_context(site: Site, cable, joined, cable_link) -> dict:
    """A cable page: the cable and its editorial layer, what the collection adds, its schema.org record."""
    root = "../../"
    ctx = cable_context(cable, joined, site.content, cable_link, root)
    ctx["cable"]["aliases"] = list(site.aliases_of(cable.id))  # with those of copies left out as duplicates
    ctx.update(cable_extras(site, cable.id, root))
    ctx["releases"] = changes.releases_context(site, cable.id, ctx["source"]["href"])
    for p in ctx["paragraphs"]:
        p["xrefs"] = ctx["margins"].get(p["label"], [])
    ctx["json_ld"] = data.json_ld(site, cable)
    return ctx


# --- what the linked collection adds to a cable page ----------------------------------------------

def para_span(labels, cable: str, href) -> list[dict]:
    """Paragraphs of a cable as a reader writes them, each end linked: "07BEIJING6872, ¶1-2" for a run,
    "07BEIJING6872, ¶3, ¶5" otherwise."""
    labels = list(labels)
    if len(labels) > 1 and all(lb.isdigit() for lb in labels):
        nums = [int(lb) for lb in labels]
        if nums == list(range(nums[0], nums[0] + len(nums))):
            return [{"sep": "", "text": f"{cable}, \u00b6{labels[0]}", "href": href(labels[0])},
                    {"sep": "-", "text": labels[-1], "href": href(labels[-1])}]
    return [{"sep": ", " if k else "", "text": f"{cable}, \u00b6{lb}" if not k else f"\u00b6{lb}", "href": href(lb)}
            for k, lb in enumerate(labels)]


def cable_extras(site: Site, cid: str, root: str) -> dict:
    """Threads, margin notes, cited-by links and automatic suggestions for one cable page."""
    margins = {}
    for label in site.cables[cid].labels:
        notes = site.margins.get((cid, label), [])
        if notes:
            margins[label] = [{"words": n["words"][:1].upper() + n["words"][1:], "cable": n["ref"].cable,
                               "href": f"{root}cables/{n['ref'].cable}/",
                               "paras": para_span(n["ref"].paragraphs, n["ref"].cable,
                                                  lambda lb, c=n["ref"].cable: f"{root}cables/{c}/#p{lb}"),
                               "thread": f"{root}threads/{n['thread']}/"}
                              for n in notes]
    threads = []
    for entry in site.in_threads.get(cid, []):
        t = entry["thread"]
        threads.append({"title": t.title, "href": f"{root}threads/{t.slug}/", "slug": t.slug,
                        "previous": cable_row(site, entry["previous"], root) if entry["previous"] else None,
                        "next": cable_row(site, entry["next"], root) if entry["next"] else None})
    cited = [{"id": citing, "href": f"{root}cables/{citing}/#{anchor}", "date": (site.cables[citing].created or "")[:10]}
             for citing, anchor in site.cited_by.get(cid, [])]
    sugg = site.suggestions.get(cid, {})
    suggestions = [{"why": why, "cables": [{**cable_row(site, other, root), "score": score} for other, score in sugg.get(key, [])]}
                   for key, why in (("references", "share its REF chain"), ("tags", "share the most TAGS"),
                                    ("people", "name the same people"))]
    return {"threads": threads, "margins": margins, "cited_by": cited,
            "suggestions": [s for s in suggestions if s["cables"]]}
