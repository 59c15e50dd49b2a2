"""View-models for each page kind (one context function per kind) and the jinja2 environment.

Templates format what these functions give them; they compute nothing.
"""

from __future__ import annotations

import csv
import hashlib
import re
from datetime import datetime, timezone
from functools import lru_cache
from pathlib import Path
from zoneinfo import ZoneInfo

from jinja2 import Environment, FileSystemBytecodeCache, FileSystemLoader, StrictUndefined
from markupsafe import Markup, escape

from . import cite, csl, heading
from ..read import decode
from ..edition.annotations import Joined
from ..edition.content import Content, Entry, slug
from ..edition.link import ref_anchor, tag_path
from ..edition.markup import render as markdown, split_lead
from ..model import Cable
from ..tables import DATA

TEMPLATES = Path(__file__).resolve().parents[2] / "templates"
ASSETS = TEMPLATES / "assets"

BANNERS = {
    "UNCLASSIFIED": ("unclassified", "UNCLASSIFIED", None),
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": ("unclassified", "UNCLASSIFIED//FOR OFFICIAL USE ONLY",
                                            "For Official Use Only: the publisher's label for cables marked "
                                            "SENSITIVE (Sensitive But Unclassified)"),
    "CONFIDENTIAL": ("confidential", "CONFIDENTIAL", None),
    "CONFIDENTIAL//NOFORN": ("confidential", "CONFIDENTIAL//NOFORN", "NOFORN: not releasable to foreign nationals"),
    "SECRET": ("secret", "SECRET", None),
    "SECRET//NOFORN": ("secret", "SECRET//NOFORN", "NOFORN: not releasable to foreign nationals"),
}
CAVEAT_MEANINGS = {
    "SIPDIS": "SIPRNet distribution: cleared for the State Department's classified network database",
    "NOFORN": "not releasable to foreign nationals",
    "SENSITIVE": "Sensitive But Unclassified",
    "SENSITIVE BUT UNCLASSIFIED": "Sensitive But Unclassified",
    "EXDIS": "exclusive distribution",
    "NODIS": "no distribution beyond the addressee without the originator's approval",
    "LIMDIS": "limited distribution",
    "STADIS": "State Department distribution only",
    "CORRECTED COPY": "a re-transmission correcting an earlier version",
}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]


LIVERELOAD_SCRIPT_HASH = "'sha256-MclZcNa5vMtp/wzxRW6+KS3i8mRUf6thpmjT3pkIT5I='"
"""The inline script livereload 2.7.1 injects into served pages; allowed by hash in preview builds only."""


class _Environment(Environment):
    """Templates read view-models made of dicts: `x.name` looks up the key first, as `x["name"]` would.

    jinja2 tries the attribute first, and the AttributeError every dict raises costs more than the rest of
    the lookup; a cable page makes hundreds of them.
    """

    def getattr(self, obj, attribute):
        if type(obj) is dict:
            try:
                return obj[attribute]
            except KeyError:
                pass
        return super().getattr(obj, attribute)


def environment(preview: bool = False, cache: Path | None = None, formats: tuple[str, ...] = ()) -> Environment:
    """Autoescape everywhere; an undefined name is an error, not an empty string. With a `cache` folder,
    compiled templates are kept there (keyed by their source), sparing each build their compilation."""
    cache_of = None
    if cache is not None:
        cache.mkdir(parents=True, exist_ok=True)
        cache_of = FileSystemBytecodeCache(str(cache))
    env = _Environment(loader=FileSystemLoader(TEMPLATES), autoescape=True, undefined=StrictUndefined,
                       keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True, bytecode_cache=cache_of)
    env.globals["preview_script_src"] = " " + LIVERELOAD_SCRIPT_HASH if preview else ""
    env.globals["formats"] = formats  # the editions made beside the website, that pages link to
    return env


@lru_cache(maxsize=None)
def post_zones() -> dict[str, str]:
    with open(DATA / "post_timezones.csv", newline="", encoding="utf-8") as f:
        return {r["origin"]: r["zone"] for r in csv.DictReader(f)}


@lru_cache(maxsize=None)
def zone_info(name: str) -> ZoneInfo:
    """ZoneInfo keeps only its last few zones; a collection's posts use hundreds."""
    return ZoneInfo(name)


def long_date(iso: str | None) -> str:
    if not iso:
        return "date unknown"
    d = datetime.strptime(iso[:10], "%Y-%m-%d")
    return f"{MONTHS[d.month - 1]} {d.day}, {d.year}"


def times(cable: Cable) -> dict:
    """Creation time in UTC and at the post, where the post's time zone is known."""
    if not cable.created:
        return {"utc": None, "local": None, "zone": None, "iso": None, "long": "date unknown"}
    t = datetime.fromisoformat(cable.created[:19]).replace(tzinfo=timezone.utc)
    zone = post_zones().get(cable.origin or "")
    local = None
    if zone:
        lt = t.astimezone(zone_info(zone))
        off = lt.strftime("%z")
        local = f"{lt.strftime('%Y-%m-%d %H:%M')} (UTC{off[:3]}:{off[3:]}, {zone})"
    return {"utc": t.strftime("%Y-%m-%d %H:%M UTC"), "local": local, "zone": zone, "iso": cable.created,
            "long": long_date(cable.created)}


def tag_rows(cable: Cable, content: Content) -> list[dict]:
    """Each TAGS code with its definition, where one is known, and how far it can be trusted."""
    out = []
    for code in cable.tags:
        row = content.tags.get(code)
        conf = row["definition_confidence"] if row else "unknown"
        definition = row["definition"] if row and row["definition"] else None
        verified = conf in ("verified_plusd_wording", "fips10-4_country_name")
        out.append({"code": code, "definition": definition if conf != "code_only" else None,
                    "verified": verified and bool(definition), "unverified": conf == "unverified" and bool(definition),
                    "source": row["definition_source"] if row else None, "kind": row["kind"] if row else None})
    return out


def excerpt(text: str, limit: int = 220) -> str:
    """The start of a text, cut at a word, for quoting or describing."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    return text[:limit].rsplit(" ", 1)[0] + " …"


def unique_id(base: str, taken: set[str]) -> str:
    """An element id not yet used on the page: base, base-2, base-3 ..."""
    candidate, n = base, 1
    while candidate in taken:
        n += 1
        candidate = f"{base}-{n}"
    taken.add(candidate)
    return candidate


def text_node(text: str) -> Markup:
    """Text escaped for an element's content, where quotes need no escape (a cable's text has hundreds)."""
    return Markup(text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


def url_for(site: dict, path: str, root: str = "/") -> str:
    """The address of a file of the site: absolute under base_url, else `path` after `root` (the path from
    the site root by default; "" for data, relative to the site root; a relative root for feeds)."""
    base = site.get("base_url", "")
    return f"{base}/{path}" if base else f"{root}{path}"


def canonical(site: dict, path: str) -> str | None:
    """A canonical link needs an absolute address: none until base_url is set."""
    return f"{site['base_url']}/{path}" if site.get("base_url") else None


def page_frame(site: dict, root: str, path: str, title: str, description: str, og_type: str = "website") -> dict:
    """What every page's frame shows: title, description, canonical link, Open Graph tags, feeds, assets."""
    url = canonical(site, path)
    og = [("og:type", og_type), ("og:title", title), ("og:description", description), ("og:site_name", site["title"])]
    if url:
        og.append(("og:url", url))
    return {"root": root, "site": site, "title": title, "description": description, "canonical": url,
            "head_title": title if title == site["title"] else f"{title} · {site['title']}",
            "og": og, "feeds": [{"title": f"{site['title']}: cables", "href": f"{root}feed.xml"}],
            "assets": asset_urls(root), "csp_script": ""}


PRINT_PAGES = {"UNCLASSIFIED": "unclassified", "UNCLASSIFIED//FOR OFFICIAL USE ONLY": "unclassified-for-official-use-only",
               "UNCLASSIFIED//NOFORN": "unclassified-noforn", "CONFIDENTIAL": "confidential", "CONFIDENTIAL//NOFORN": "confidential-noforn", "SECRET": "secret",
               "SECRET//NOFORN": "secret-noforn"}
"""The style sheet's named print page of each marking: its margin boxes print the marking on every page."""


def print_page(classification: str | None) -> str:
    """The named print page of a marking; one the sheet does not name prints as its level with its caveat."""
    c = (classification or "").upper()
    if c in PRINT_PAGES:
        return PRINT_PAGES[c]
    level = next((lv for lv in ("UNCLASSIFIED", "CONFIDENTIAL", "SECRET") if c.startswith(lv)), None)
    if not level:
        return "unmarked"
    return PRINT_PAGES[level + "//NOFORN"] if "NOFORN" in c else PRINT_PAGES[level]


def banner_view(cable: Cable) -> dict:
    css, label, spelled = BANNERS.get(cable.classification or "", ("unmarked", cable.classification or "UNMARKED", None))
    return {"css": css, "label": label, "spelled": spelled, "print": print_page(cable.classification),
            "caveats": [{"name": c, "meaning": CAVEAT_MEANINGS.get(c)} for c in cable.caveats]}


# Endings a web server sends as data a browser will not run. Any other source (a WikiLeaks HTML page above
# all) keeps its ending with ".txt" added: served as text/html from the site's origin, its scripts would run.
INERT_SUFFIXES = {".txt", ".csv", ".json", ".md"}


def source_name(cable: Cable) -> str:
    """File name of the downloadable source: <ID> plus the source's own ending, made inert where needed."""
    suffix = Path(cable.source.path).suffix.lower() or ".txt"
    if cable.source.format == "cables-csv":
        suffix = ".csv"
    if suffix not in INERT_SUFFIXES:
        suffix += ".txt"
    return f"{cable.id}{suffix}"


def cable_context(cable: Cable, joined: Joined, content: Content, link_cable, root: str) -> dict:
    """The cable page's view-model."""
    site = content.site
    path = f"cables/{cable.id}/"
    url = url_for(site, path)
    ann = content.annotations.get(cable.id)
    legend = {}
    paragraphs = []
    heading_ids: set[str] = set()
    folders = {"person": "people", "organization": "organizations"}
    for blocks in joined.blocks.values():
        for block in blocks:
            for tok in block:
                if "v" in tok and not isinstance(tok["v"], Markup):
                    tok["v"] = text_node(tok["v"])
                if tok["t"] == "ref" and "kind" in tok:
                    tok["href"] = f"{root}{folders[tok['kind']]}/#{tok['key']}"
    for p in cable.paragraphs:
        if p.marking:
            legend[p.marking] = decode.portion_meaning(p.marking)
        paragraphs.append({
            "label": p.label,
            "anchor": f"p{p.label}",
            "number_text": f"¶{p.label}" if p.number is not None else "",
            "unnumbered": p.number is None,
            "marking": p.marking,
            "marking_meaning": decode.portion_meaning(p.marking) if p.marking else None,
            "marking_css": (p.marking.split("/")[0].lower() if p.marking else ""),
            "heading": p.heading,
            "heading_id": unique_id(f"s-{slug(p.heading)}", heading_ids) if p.heading else None,
            "blocks": joined.blocks.get(p.label, []),
        })
    st = cable.station
    return {
        **page_frame(site, root, path, f"{cable.id}: {cable.subject or 'no subject'}",
                     excerpt(cable.summary.text, 155) if cable.summary else (cable.subject or cable.id), "article"),
        "cable": {
            "id": cable.id,
            "subject": cable.subject,
            "origin": cable.origin,
            "classification": cable.classification,
            "banner_as_written": cable.banner,
            "precedence": cable.precedence,
            "dtg": cable.dtg,
            "sections": cable.sections,
            "signer": cable.signer,
            "classified_by": cable.classified_by,
            "declassify_on": cable.declassify_on,
            "declassify_long": (long_date(cable.declassify_on)
                                if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cable.declassify_on or "") else cable.declassify_on),
            "released": cable.released,
            "partial": cable.partial,
            "aliases": list(cable.aliases),
            "references": [{"letter": r.letter, "text": r.text, "id": r.id, "href": link_cable(r.id, None) if r.id else None,
                            "anchor": ref_anchor(r.letter, k)}
                           for k, r in enumerate(cable.references)],
            "station": st.name if st else None,
            "to": [cite.recipient(cable)] if cable.to else [],
        },
        "head": head_view(cable, url),
        "times": times(cable),
        # Pagefind leaves out of a sorted list the pages without the key: undated cables sort last both ways.
        "search": {"date": (cable.created or "")[:10] or None, "year": (cable.created or "")[:4] or None,
                   "newest": (cable.created or "")[:10] or "0000-00-00",
                   "oldest": (cable.created or "")[:10] or "9999-99-99"},
        "banner": banner_view(cable),
        "tags": [{**t, "href": f"{root}tags/{tag_path(t['code'])}/"} for t in tag_rows(cable, content)],
        "index_links": {
            "origin": f"{root}origins/{slug(cable.origin or 'Unknown')}/",
            "classification": f"{root}classifications/{slug(cable.classification or 'Unmarked')}/",
            "month": f"{root}chronology/#m{cable.created[:4]}-{cable.created[5:7]}" if cable.created else None,
        },
        "reasons": decode.reason_meanings(cable.reasons),
        "headnote": headnote_view(ann.headnote, link_cable) if ann and ann.headnote else None,
        "paragraphs": paragraphs,
        "legend": [{"mark": k, "meaning": v, "css": k.split("/")[0].lower()} for k, v in sorted(legend.items())],
        "notes": [{"n": n.number, "id": n.anchor_id, "para": n.paragraph, "html": n.html} for n in joined.notes],
        "source": {"href": source_name(cable), "sha256": cable.source.sha256, "bytes": len(cable.source.data),
                   "format": cable.source.format, "view": "source.html", "json": f"{cable.id}.json"},
        "citation": {
            "style": csl.citations(cite.csl(cable, site, url))[0],  # the others come from the file, for the script
            "bibtex": cite.bibtex(cable, site, url),
            "ris": cite.ris(cable, site, url),
            "csl": cite.csl_json(cable, site, url),
            "files": {"bib": f"{cable.id}.bib", "ris": f"{cable.id}.ris", "csl": f"{cable.id}.csl.json",
                      "styles": f"{cable.id}.cite.json"},
        },
        "meta_tags": cite.highwire(cable, site, url),
    }


def head_view(cable: Cable, url: str) -> dict:
    """The standard heading: title from origin and addressees, dateline, classification line, source note."""
    to = [cite.origin_from_station(r.name) or r.name for r in cable.to]
    released = long_date(cable.released) if cable.released and re.match(r"\d{4}-\d{2}-\d{2}", cable.released) else None
    return {"title": heading.title(cable, to), "dateline": heading.dateline(cable),
            "class_line": heading.class_line(cable), "released": released,
            "kb": max(1, round(len(cable.source.data) / 1024)), "address": url,
            "has_header": bool(cable.header)}


def headnote_view(text: str, link_cable) -> dict:
    """The headnote's first sentences, shown at once, and the rest, one click away."""
    lead, rest = split_lead(text)
    return {"lead": markdown(lead, link_cable), "rest": markdown(rest, link_cable) if rest else None}


def source_context(cable: Cable, content: Content, root: str) -> dict:
    """The original-text page: every line of the source as read, numbered."""
    text = cable.source.data.decode(cable.source.encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    count = text.count("\n") + (0 if text.endswith("\n") or not text else 1)
    first = cable.source.line
    # The text is one escaped block; the numbers are an empty list beside it that CSS counters fill in, so a
    # line costs four bytes of markup (an <li>, whose end tag HTML lets us leave out) instead of a tagged copy.
    gutter = Markup("<li>" * count)
    return {
        **page_frame(content.site, root, f"cables/{cable.id}/source.html", f"{cable.id}: original text",
                     f"The verbatim text of cable {cable.id} as published"),
        "cable": {"id": cable.id, "subject": cable.subject},
        "banner": banner_view(cable),
        # A newline right after <pre> is dropped by the HTML parser: give it one more to drop.
        "text": text_node("\n" + text if text.startswith("\n") else text),
        "gutter": gutter,
        "line_count": count,
        "header": decode.decode_header(cable.header, int(cable.created[:4]) if cable.created else None),
        "first_line": first,
        "source": {"href": source_name(cable), "sha256": cable.source.sha256, "bytes": len(cable.source.data),
                   "format": cable.source.format, "path": Path(cable.source.path).name},
    }


SEARCH_TYPES = {"person": "Person", "organization": "Organization", "term": "Glossary term"}
"""The search page's "type" filter value for each kind of entry page."""

ENTRY_PAGES = {"person": ("people", "People"), "organization": ("organizations", "Organizations"),
               "term": ("glossary", "Glossary")}


def entries_context(kind: str, entries: dict[str, Entry], mentions: dict[str, list[tuple[str, str]]],
                    content: Content, link_cable) -> dict:
    """An index of people, organisations or glossary terms, each with where it occurs."""
    folder, title = ENTRY_PAGES[kind]
    rows = []
    for e in sorted(entries.values(), key=lambda e: e.name.lower()):
        rows.append({"key": e.key, "name": e.name, "description": markdown(e.description, link_cable),
                     "sources": [markdown(s, link_cable) for s in e.sources],
                     "mentions": [{"cable": c, "para": p, "href": link_cable(c, p)}
                                  for c, p in mentions.get(f"{kind}:{e.key}", [])]})
    return {**page_frame(content.site, "../", f"{folder}/", title, f"{title} in this edition"),
            "kind": kind, "entries": rows, "search_type": SEARCH_TYPES[kind]}


@lru_cache(maxsize=None)
def asset_versions() -> dict[str, str]:
    """Content hashes of the assets, so that a changed file gets a new URL past any cache."""
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest()[:10] for p in sorted(ASSETS.iterdir()) if p.is_file()}


def asset_urls(root: str) -> dict[str, str]:
    v = asset_versions()
    return {"css": f"{root}assets/style.css?v={v.get('style.css', '')}",
            "js": f"{root}assets/cable.js?v={v.get('cable.js', '')}",
            "search": f"{root}assets/search.js?v={v.get('search.js', '')}"}
