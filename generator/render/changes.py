"""View-models of the releases of a cable: the list on its page, the changes between them, and the index of
the cables whose releases differ (see edition/releases.py)."""

from __future__ import annotations

from ..edition.link import Site
from ..edition.releases import compare, shown
from ..model import Cable, Release
from ..read.readers import read_bytes
from .views import long_date


def printed_text(cable: Cable) -> str:
    """The cable's text as its source prints it (a WikiLeaks page's text blocks), else its paragraphs."""
    try:
        return read_bytes(cable.source.data, cable.source.path).text
    except Exception:  # noqa: BLE001 - a row of a cables.csv is not a file of its own: its paragraphs stand
        return "\n\n".join(p.text for p in cable.paragraphs)


def release_name(r: Release) -> str:
    """The release as a reader names it: the site's state on a date, with its count of cables out."""
    when = long_date(r.as_of or r.released) if (r.as_of or r.released) else "an undated release"
    return when + (f" ({r.count:,} cables out)" if r.count else "")


def release_files(site: Site, cid: str) -> list[tuple[str, bytes]]:
    """The verbatim file of every release but the reading one (whose file is the cable's own source)."""
    return [(f"cables/{cid}/{r.file}", site.load_release(r).source.data)
            for r in site.releases.get(cid, ()) if not r.reading]


def comparisons(site: Site, cid: str) -> list[dict]:
    """Each release against the next, oldest first, with its changes; none where the words are the same."""
    rs = site.releases.get(cid, ())
    out = []
    texts = {}
    for a, b in zip(rs, rs[1:]):
        if a.words == b.words:
            out.append({"from": a, "to": b, "same": True, "changes": [], "added": 0, "removed": 0,
                        "lifted": 0, "redacted": 0})
            continue
        for r in (a, b):
            if r.label not in texts:
                texts[r.label] = printed_text(site.load_release(r))
        got = compare(texts[a.label], texts[b.label])
        out.append({"from": a, "to": b, "same": False, **got})
    return out


def releases_context(site: Site, cid: str, source_href: str) -> dict | None:
    """What the cable page shows of its releases: which carry it, which is read, and what changed."""
    rs = site.releases.get(cid, ())
    if not rs:
        return None
    items = [{"label": r.label, "name": release_name(r), "reading": r.reading,
              "released": long_date(r.released) if r.released else None,
              "href": source_href if r.reading else r.file, "sha256": r.sha256, "bytes": r.size}
             for r in rs]
    diffs = []
    for c in comparisons(site, cid):
        diffs.append({"from": release_name(c["from"]), "to": release_name(c["to"]), "same": c["same"],
                      "added": c["added"], "removed": c["removed"], "lifted": c["lifted"], "redacted": c["redacted"],
                      "changes": [{"kind": ch.kind, "before": " ".join(ch.before), "after": " ".join(ch.after),
                                   "removed": shown(ch.removed), "added": shown(ch.added)} for ch in c["changes"]]})
    return {"items": items, "diffs": diffs, "changed": any(not d["same"] for d in diffs)}


def changed_context_rows(site: Site, root: str) -> list[dict]:
    """The cables whose releases differ in their words, each with what changed."""
    rows = []
    for cid in site.cables:
        if cid not in site.releases:
            continue
        comps = [c for c in comparisons(site, cid) if not c["same"]]
        if not comps:
            continue
        c = site.cables[cid]
        rows.append({"id": cid, "href": f"{root}cables/{cid}/#releases", "subject": c.subject or "",
                     "date": (c.created or "")[:10],
                     "releases": [r.label for r in site.releases[cid]],
                     "added": sum(x["added"] for x in comps), "removed": sum(x["removed"] for x in comps),
                     "lifted": sum(x["lifted"] for x in comps), "redacted": sum(x["redacted"] for x in comps)})
    return rows
