"""For feed readers and crawlers: Atom feeds (the cables; each thread), sitemap.xml and robots.txt.

Dates come from the cables (their date-time groups), never from the clock, so two builds of the same
content give the same files.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timezone

from ..edition.link import Site
from .views import excerpt, url_for
from ..options import source_date_epoch

FEED_SIZE = 100
"""Entries in the edition's feed: the newest cables by date."""

SITEMAP_SIZE = 50_000
"""URLs per sitemap file, the protocol's limit; beyond it sitemap.xml becomes an index of files."""



def absolute(settings: dict, path: str, root: str) -> str:
    """A link from a feed: absolute under base_url, else relative to the feed file."""
    return url_for(settings, path, root) or "./"


def stable_id(settings: dict, path: str, name: str) -> str:
    """An Atom id: the page's address where known, else a name-based UUID that never changes."""
    base = settings.get("base_url", "")
    return f"{base}/{path}" if base else f"urn:uuid:{uuid.uuid5(uuid.NAMESPACE_URL, 'cable-edition:' + name)}"


def entry(site: Site, cid: str, root: str, extra: list[str] | None = None) -> dict:
    c = site.full(cid)
    settings = site.content.site
    summary = excerpt(c.summary.text, 600) if c.summary else (c.subject or c.id)
    return {"title": f"{c.id}: {c.subject or 'no subject'}", "href": absolute(settings, f"cables/{cid}/", root),
            "id": stable_id(settings, f"cables/{cid}/", f"cable:{cid}"), "updated": c.created,
            "author": c.origin or "Unknown origin", "summary": summary, "lines": extra or [],
            "categories": list(c.tags), "classification": c.classification or "unmarked"}


def dated(site: Site, ids) -> list[str]:
    """Cables that carry a date, newest first; Atom needs a date on every entry."""
    return sorted((cid for cid in ids if site.cables[cid].created),
                  key=lambda cid: (site.cables[cid].created, cid), reverse=True)


def feed_frame(site: Site, title: str, path: str, page: str, root: str, entries: list[dict]) -> dict:
    settings = site.content.site
    return {"title": title, "subtitle": settings.get("description", ""), "language": settings["language"],
            "id": stable_id(settings, path, f"feed:{path}"), "self_href": absolute(settings, path, root),
            "alternate": absolute(settings, page, root), "author": settings.get("editor") or settings["title"],
            "updated": max((e["updated"] for e in entries), default=None) or fallback_date(), "entries": entries}


def fallback_date() -> str:
    """The date of a feed with no dated entry: SOURCE_DATE_EPOCH where set, else the Unix epoch (never the clock)."""
    epoch = source_date_epoch() or 0
    return datetime.fromtimestamp(epoch, timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


def cables_feed_context(site: Site) -> dict:
    """feed.xml: the newest cables of the edition."""
    entries = [entry(site, cid, "") for cid in dated(site, site.cables)[:FEED_SIZE]]
    return feed_frame(site, f"{site.content.site['title']}: cables", "feed.xml", "", "", entries)


def thread_feed_context(site: Site, thread) -> dict:
    """threads/<slug>/feed.xml: each cable of a thread, with the links the thread draws from or to it."""
    root = "../../"
    ids = [cid for cid, es in site.in_threads.items() if any(e["thread"] is thread for e in es)]
    entries = []
    for cid in dated(site, ids):
        lines = []
        for lk in thread.links:
            if cid == lk.source.cable:
                lines.append(f"{lk.source.text} → {lk.target.text}: {' '.join(lk.note.split())}")
            elif cid == lk.target.cable:
                lines.append(f"{lk.target.text} ← {lk.source.text}: {' '.join(lk.note.split())}")
        entries.append(entry(site, cid, root, lines))
    ctx = feed_frame(site, thread.title, f"threads/{thread.slug}/feed.xml", f"threads/{thread.slug}/", root, entries)
    ctx["subtitle"] = " ".join(thread.summary.split())
    return ctx


def sitemap_files(settings: dict, pages: list[str]) -> dict[str, dict]:
    """sitemap.xml (with sitemap-N.xml files once there are more pages than one file may list)."""
    base = settings["base_url"]
    urls = [f"{base}/{p.removesuffix('index.html')}" for p in sorted(pages)]
    if len(urls) <= SITEMAP_SIZE:
        return {"sitemap.xml": {"urls": urls, "index": False}}
    out = {}
    for k in range(0, len(urls), SITEMAP_SIZE):
        out[f"sitemap-{k // SITEMAP_SIZE + 1}.xml"] = {"urls": urls[k:k + SITEMAP_SIZE], "index": False}
    out["sitemap.xml"] = {"urls": [f"{base}/{name}" for name in sorted(out, key=lambda n: int(n[8:-4]))],
                          "index": True}
    return out


def robots(settings: dict) -> str:
    lines = ["User-agent: *", "Allow: /"]
    if settings.get("base_url"):
        lines.append(f"Sitemap: {settings['base_url']}/sitemap.xml")
    return "\n".join(lines) + "\n"
