"""View-models of the pages around the cables: home, indexes, chronology, threads, about, how to read."""

from __future__ import annotations

from collections import Counter
from datetime import date

from .content import RELATIONS, ParaRef, Thread, slug
from .decode import decode_header
from .link import Site, tag_path
from .markup import render as markdown
from . import data
from .render import banner_view, cable_context, excerpt, page_frame

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
        "cables": [cable_row(site, cid, "") for cid in site.cables],
        "ways_in": index_links(site, ""),
    })
    return ctx


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
    ]


def page_context(site: Site, name: str, title: str) -> dict:
    ctx = base(site, "../", title, f"{name}/")
    ctx["body"] = markdown(site.content.pages.get(name, ""), linker(site.cables, "../"))
    if name == "how-to-read":
        ctx["walk"] = walkthrough(site)
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
    c = site.cables.get(cid or "")
    if c is None:
        return None
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


def tag_context(site: Site, code: str) -> dict:
    row = site.content.tags.get(code) or {}
    ctx = base(site, "../../", f"TAGS: {code}", f"tags/{tag_path(code)}/")
    ctx.update({"code": code, "definition": row.get("definition") or None,
                "unverified": row.get("definition_confidence") == "unverified",
                "source": row.get("definition_source") or None,
                "cables": newest_first(site, site.tags[code], "../../")})
    return ctx


def group_index_context(site: Site, kind: str) -> dict:
    """Origins or classifications: each group with its count."""
    groups = site.origins if kind == "origins" else site.classifications
    title = "Origins" if kind == "origins" else "Classifications"
    ctx = base(site, "../", title, f"{kind}/")
    ctx["rows"] = [{"name": g, "href": f"{slug(g)}/", "count": len(ids)} for g, ids in sorted(groups.items())]
    ctx["kind"] = kind
    return ctx


def group_context(site: Site, kind: str, name: str) -> dict:
    groups = site.origins if kind == "origins" else site.classifications
    ctx = base(site, "../../", name, f"{kind}/{slug(name)}/")
    ctx.update({"name": name, "kind": kind, "cables": newest_first(site, groups[name], "../../"),
                "up": {"href": "../", "label": "Origins" if kind == "origins" else "Classifications"}})
    return ctx


def chronology_context(site: Site) -> dict:
    """Every cable by year and month, oldest first."""
    ctx = base(site, "../", "Chronology", "chronology/")
    years = []
    for year in sorted(site.years):
        months: dict[str, list] = {}
        for cid in site.years[year]:
            c = site.cables[cid]
            key = c.created[5:7] if c.created else "00"
            months.setdefault(key, []).append(cable_row(site, cid, "../"))
        years.append({"year": year, "id": f"y{year}", "count": len(site.years[year]),
                      "months": [{"name": MONTHS[int(m) - 1] if m != "00" else "Undated", "id": f"m{year}-{m}",
                                  "cables": rows} for m, rows in sorted(months.items())]})
    ctx["years"] = years
    return ctx


# --- threads -------------------------------------------------------------------------------------

def thread_index_context(site: Site) -> dict:
    ctx = base(site, "../", "Threads", "threads/")
    ctx["threads"] = [{"title": t.title, "href": f"{t.slug}/", "links": len(t.links), "events": len(t.events)}
                      for t in site.threads]
    return ctx


def para_quotes(site: Site, ref: ParaRef, root: str) -> dict:
    c = site.cables[ref.cable]
    by_label = {p.label: p for p in c.paragraphs}
    return {"cable": ref.cable, "date": (c.created or "")[:10], "text": ref.text,
            "href": f"{root}cables/{ref.cable}/",
            "quotes": [{"label": p, "href": f"{root}cables/{ref.cable}/#p{p}", "text": excerpt(by_label[p].text)}
                       for p in ref.paragraphs]}


def thread_context(site: Site, t: Thread) -> dict:
    root = "../../"
    link = linker(site.cables, root)
    ctx = base(site, root, t.title, f"threads/{t.slug}/", t.title)
    ctx["feeds"] = ctx["feeds"] + [{"title": f"Thread: {t.title}", "href": "feed.xml"}]
    ctx.update({
        "thread": {"title": t.title, "summary": markdown(t.summary, link)},
        "timeline": timeline(site, t, root),
        "links": [{"relation": lk.relation, "words": RELATIONS[lk.relation][0],
                   "note": markdown(lk.note, link), "earlier": para_quotes(site, lk.source, root),
                   "later": para_quotes(site, lk.target, root), "id": f"link-{k + 1}"}
                  for k, lk in enumerate(t.links)],
    })
    return ctx


def _day(iso: str) -> date:
    return date.fromisoformat(iso[:10])


def timeline(site: Site, t: Thread, root: str) -> dict:
    """Positions for an inline SVG time axis: events above the axis, the cables' dates below."""
    width, left, right = 760, 30, 30
    members = sorted({e.ref.cable for e in t.events if e.ref} | {r.cable for lk in t.links
                                                                  for r in (lk.source, lk.target)})
    points = [_day(e.date) for e in t.events] + [_day(e.end) for e in t.events if e.end]
    points += [_day(site.cables[c].created) for c in members if site.cables[c].created]
    start, end = min(points), max(points)
    span = max((end - start).days, 1)

    def x(d: date) -> int:
        return round(left + (width - left - right) * (d - start).days / span)

    events = []
    for k, e in enumerate(sorted(t.events, key=lambda e: e.date)):
        d0 = _day(e.date)
        d1 = _day(e.end) if e.end else d0
        events.append({"x": x(d0), "x2": x(d1), "y": 30 + (k % 4) * 22, "label": e.label,
                       "date": e.date + (f" to {e.end}" if e.end else ""),
                       "href": f"{root}cables/{e.ref.cable}/" + (f"#p{e.ref.paragraphs[0]}" if e.ref.paragraphs else "")
                       if e.ref else None, "cable": e.ref.text if e.ref else None})
    cables = []
    for c in members:
        if site.cables[c].created:
            cx = x(_day(site.cables[c].created))
            anchor = "end" if cx > width - 80 else "start" if cx < 80 else "middle"
            cables.append({"x": cx, "id": c, "date": site.cables[c].created[:10], "href": f"{root}cables/{c}/",
                           "anchor": anchor})
    ticks = []
    month = date(start.year, start.month, 1)
    while month <= end:
        if month >= start:
            ticks.append({"x": x(month), "label": f"{MONTHS[month.month - 1][:3]} {month.year}"})
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return {"width": width, "height": 200, "axis_y": 130, "events": events, "cables": cables, "ticks": ticks,
            "start": start.isoformat(), "end": end.isoformat()}


# --- search --------------------------------------------------------------------------------------

SEARCH_FILTERS = (("type", "Kind of page"), ("tag", "TAGS"), ("origin", "Origin"),
                  ("classification", "Classification"), ("year", "Year"))
"""The search page's filters, in order: the names the pages give Pagefind, and their labels."""


def search_context(site: Site) -> dict:
    """The search page: a plain form whose filters list every value the collection has, with counts."""
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
    groups = []
    for name, label in SEARCH_FILTERS:
        values = sorted((v, n) for v, n in counts[name].items() if n)
        if name == "type":
            order = ["Cable", "Thread", "Person", "Organization", "Glossary term"]
            values = sorted(values, key=lambda vn: order.index(vn[0]))
        groups.append({"name": name, "label": label,
                       "choices": [{"value": v, "count": n, "id": f"f-{name}-{slug(v)}",
                                   "title": definitions.get(v) if name == "tag" else None} for v, n in values]})
    ctx.update({"filters": groups, "ways_in": index_links(site, root), "csp_script": " 'wasm-unsafe-eval'",
                "pagefind": f"{root}pagefind/pagefind.js"})
    return ctx


# --- the cable page --------------------------------------------------------------------------------

def cable_page_context(site: Site, cid: str, joined, cable_link) -> dict:
    """A cable page: the cable and its editorial layer, what the collection adds, its schema.org record."""
    root = "../../"
    ctx = cable_context(site.cables[cid], joined, site.content, cable_link, root)
    ctx.update(cable_extras(site, cid, root))
    ctx["json_ld"] = data.json_ld(site, cid)
    ctx["feeds"] = ctx["feeds"] + [{"title": f"Thread: {t['title']}", "href": t["href"] + "feed.xml"}
                                   for t in ctx["threads"]]
    return ctx


# --- what the linked collection adds to a cable page ----------------------------------------------

def cable_extras(site: Site, cid: str, root: str) -> dict:
    """Threads, margin notes, cited-by links and automatic suggestions for one cable page."""
    def ref_links(ref: ParaRef) -> list[dict]:
        return [{"label": p, "href": f"{root}cables/{ref.cable}/#p{p}"} for p in ref.paragraphs]

    margins = {}
    for p in site.cables[cid].paragraphs:
        notes = site.margins.get((cid, p.label), [])
        if notes:
            margins[p.label] = [{"words": n["words"], "cable": n["ref"].cable, "href": f"{root}cables/{n['ref'].cable}/",
                                 "paras": ref_links(n["ref"]), "thread": f"{root}threads/{n['thread']}/"}
                                for n in notes]
    threads = []
    for entry in site.in_threads.get(cid, []):
        t = entry["thread"]
        threads.append({"title": t.title, "href": f"{root}threads/{t.slug}/",
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
