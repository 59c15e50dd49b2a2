"""The edition as data: one JSON record per cable (the model plus the editorial layer), the catalog of
every cable (JSON and CSV), and the schema.org description embedded in each cable page."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from .. import __version__
from ..edition.annotations import Joined
from ..edition.content import RELATIONS
from ..ids import origin_from_station
from ..read.inspect import as_json
from ..edition.link import Site
from .views import source_name, tag_rows, url_for
from .spans import source_lines, span_of, summary_cut

SCHEMA_VERSION = 3
"""Raised when a key of the records below changes meaning or disappears (adding keys does not raise it)."""

CATALOG_FIELDS = ("id", "created", "origin", "classification", "caveats", "subject", "tags", "references",
                  "partial", "annotated", "threads", "page", "json", "source", "sha256")
"""Columns of catalog.csv and keys of each row of catalog.json, in this order."""


def cable_files(cid: str, cable) -> dict[str, str]:
    """Paths, from the site root, of what the site holds for one cable."""
    folder = f"cables/{cid}/"
    return {"page": folder, "source": folder + source_name(cable), "json": f"{folder}{cid}.json",
            "text": folder + "source.html"}


def cable_record(site: Site, cable, joined: Joined) -> dict:
    """The JSON record of one cable: the parser's model (as `inspect --json`) and what the editors added."""
    cid = cable.id
    settings = site.content.site
    record = {"schema": SCHEMA_VERSION, **as_json(cable)}
    record["aliases"] = list(site.aliases_of(cid))  # with those of copies left out as duplicates
    record["source"] = {**record["source"], "path": Path(cable.source.path).name, "bytes": len(cable.source.data)}
    record["paragraphs"] = lean_paragraphs(cable, record["paragraphs"])
    record["summary"] = lean_summary(cable, record["summary"])
    ann = site.content.annotations.get(cid)
    record["editorial"] = {
        "headnote": ann.headnote if ann else None,
        "notes": [{"number": n.number, "paragraph": n.paragraph, "anchor": n.anchor_id, "html": n.html}
                  for n in joined.notes],
        "sic": list(ann.sic) if ann else [],
        "mentions": {key: labels for key, labels in sorted(joined.mentions.items())},
        # Where each definition comes from is said once, on the code's own page (tags/CODE/), not per cable.
        "tags": [{"code": t["code"], "definition": t["definition"], "verified": t["verified"]}
                 for t in tag_rows(cable, site.content)],
        "threads": [thread_entry(site, cid, e) for e in site.in_threads.get(cid, [])],
        "cited_by": [{"id": citing, "reference": anchor} for citing, anchor in site.cited_by.get(cid, [])],
    }
    record["urls"] = {k: url_for(settings, v, "") for k, v in cable_files(cid, cable).items()}
    return record


def lean_paragraphs(cable, paragraphs: list[dict]) -> list[dict]:
    """The record's paragraphs, each pointing at its lines of the source file instead of copying its text
    where the rule of `spans` rebuilds that text exactly (the page and the source file have it already)."""
    src = cable.source
    lines = source_lines(src.data, src.encoding, src.format)
    out = []
    for p, d in zip(cable.paragraphs, paragraphs):
        span = span_of(p, lines, src.line)
        if span:
            d = {k: v for k, v in d.items() if k != "text"}
            d["span"] = span
        out.append(d)
    return out


def lean_summary(cable, summary: dict | None) -> dict | None:
    """The record's summary, its text replaced by where it lies among the paragraphs (`cut`) where the rule of
    `spans.summary_text` gives it back exactly."""
    cut = cable.summary and summary_cut(cable.summary, cable.paragraphs)
    if not cut:
        return summary
    return {**{k: v for k, v in summary.items() if k != "text"}, "cut": cut}


def thread_entry(site: Site, cid: str, entry: dict) -> dict:
    t = entry["thread"]
    links = []
    for lk in t.links:
        if cid not in (lk.source.cable, lk.target.cable):
            continue
        links.append({"from": {"cable": lk.source.cable, "paragraphs": list(lk.source.paragraphs)},
                      "to": {"cable": lk.target.cable, "paragraphs": list(lk.target.paragraphs)},
                      "relation": lk.relation, "words": RELATIONS[lk.relation][0], "note": lk.note})
    return {"slug": t.slug, "title": t.title, "url": url_for(site.content.site, f"threads/{t.slug}/", ""),
            "previous": entry["previous"], "next": entry["next"], "links": links}


def catalog_rows(site: Site) -> list[dict]:
    """One row per cable, in the edition's order (by date, then id)."""
    settings = site.content.site
    rows = []
    for cid, c in site.cables.items():
        files = cable_files(cid, c)
        rows.append({
            "id": cid, "created": c.created, "origin": c.origin, "classification": c.classification,
            "caveats": list(c.caveats), "subject": c.subject, "tags": list(c.tags),
            "references": [r.id for r in c.references if r.id], "partial": c.partial,
            "annotated": cid in site.content.annotations,
            "threads": [e["thread"].slug for e in site.in_threads.get(cid, [])],
            "page": url_for(settings, files["page"], ""), "json": url_for(settings, files["json"], ""),
            "source": url_for(settings, files["source"], ""), "sha256": c.source.sha256,
        })
    return rows


def catalog_json(site: Site, rows: list[dict]) -> str:
    settings = site.content.site
    doc = {"schema": SCHEMA_VERSION, "title": settings["title"], "base_url": settings["base_url"] or None,
           "generator": f"cable-edition {__version__}", "count": len(rows), "fields": list(CATALOG_FIELDS),
           "cables": rows}
    return json.dumps(doc, ensure_ascii=False, indent=1) + "\n"


FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
"""What a spreadsheet reads as the start of a formula in a cell (OWASP, "CSV Injection")."""


def inert_cell(value: str) -> str:
    """A CSV cell that no spreadsheet runs: one that starts as a formula would is prefixed with ' (which a
    spreadsheet shows as text and does not display). catalog.json keeps every value as it is."""
    return "'" + value if value.startswith(FORMULA_START) else value


def catalog_csv(rows: list[dict]) -> str:
    """The catalog as CSV (RFC 4180, UTF-8); lists are joined with spaces, booleans written true/false, and
    cells that would start a formula made inert (see `inert_cell`): a subject is cable text, anyone's words."""
    out = io.StringIO()
    w = csv.writer(out, lineterminator="\r\n")
    w.writerow(CATALOG_FIELDS)
    for r in rows:
        w.writerow([inert_cell(" ".join(v)) if isinstance(v, list) else ("true" if v else "false")
                    if isinstance(v, bool) else "" if v is None else inert_cell(str(v))
                    for v in (r[k] for k in CATALOG_FIELDS)])
    return out.getvalue()


def json_ld(site: Site, c) -> dict:
    """schema.org description of a cable page: an archival message with its date, sender, id and markings."""
    cid = c.id
    settings = site.content.site
    files = cable_files(cid, c)
    doc: dict = {
        "@context": "https://schema.org",
        "@type": ["ArchiveComponent", "Message"],
        "identifier": c.id,
        "name": c.subject or c.id,
        "inLanguage": "en",
        "isPartOf": {"@type": "Collection", "name": settings["title"]},
    }
    if settings.get("base_url"):
        doc["url"] = doc["@id"] = url_for(settings, files["page"], "")
        doc["isPartOf"]["url"] = settings["base_url"] + "/"
    if c.created:
        doc["dateCreated"] = c.created
    if c.origin:
        doc["creator"] = {"@type": "GovernmentOrganization", "name": c.origin}
    if c.to:
        doc["recipient"] = [{"@type": "GovernmentOrganization", "name": origin_from_station(r.name) or r.name}
                            for r in c.to]
    marks = [("classification", c.classification)] + [("caveat", cv) for cv in c.caveats]
    doc["additionalProperty"] = [{"@type": "PropertyValue", "name": n, "value": v} for n, v in marks if v]
    if c.tags:
        doc["keywords"] = list(c.tags)  # the TAGS codes; their definitions are in the cable's JSON record
    return doc
