"""The edition and each thread as books (issue 20): an EPUB 3 made with ebooklib, and a PDF printed by
chromium from one HTML page of the book (see pdf.py).

A book holds a cover and a title page, its contents, the thread's narrative, timeline and links (for the
edition, every thread's), each cable with its banners at the top and bottom, its standard heading, its
headnote, its paragraphs in its own numbering and its notes (pop-up footnotes in the EPUB, endnotes in the
PDF), and the sources: each cable's file, format and SHA-256.

Everything comes from the Cable model and the editorial layer through small view-models that the templates
under templates/book/ only format (autoescape on). A cable's text is the joined token blocks the page shows,
word for word ([sic] where the editors list one); only characters that XML cannot hold (control characters of a
PDF's text) are shown as U+FFFD, as in the TEI documents, and the verbatim file keeps them.
"""

from __future__ import annotations

import io
import posixpath
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path


from ..edition.annotations import Joined, Matcher, join
from ..edition.content import RELATION_TITLES, RELATIONS, Thread
from ..edition.link import Site
from ..edition.markup import render as markdown
from ..errors import Problems
from ..model import Cable
from .pages import para_span, timeline
from .tei import NOT_XML, ncname
from .views import banner_view, head_view, long_date, print_page, source_name, url_for

EDITION = "edition"
"""The edition's books, at the site's root: edition.epub, edition.pdf."""

BOOK_FORMATS = ("epub", "pdf")

PRINT_MARKINGS = {"unclassified": "UNCLASSIFIED", "unclassified-for-official-use-only":
                  "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "unclassified-noforn": "UNCLASSIFIED//NOFORN",
                  "confidential": "CONFIDENTIAL", "confidential-noforn": "CONFIDENTIAL//NOFORN", "secret": "SECRET",
                  "secret-noforn": "SECRET//NOFORN", "unmarked": "NO CLASSIFICATION MARKING"}
"""The marking printed at the top and bottom of each page, by the named print page of the site's style sheet
(views.print_page): the same words the site's printed cable carries."""

RANK = ["unmarked", "unclassified", "unclassified-for-official-use-only", "unclassified-noforn", "confidential",
        "confidential-noforn", "secret", "secret-noforn"]
"""The markings from the lowest to the highest: a book's own pages carry the highest of its cables'."""


def book_path(slug: str | None, ext: str) -> str:
    """Where a book goes in the site: edition.<ext>, or threads/<slug>/<slug>.<ext>."""
    return f"{EDITION}.{ext}" if slug is None else f"threads/{slug}/{slug}.{ext}"


def wanted(formats: tuple[str, ...]) -> tuple[str, ...]:
    return tuple(f for f in BOOK_FORMATS if f in formats)


def xml_safe(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def anchor(cid: str, para: str | None = None) -> str:
    """The id of a cable's chapter (c07BEIJING3239) or of one of its paragraphs (c07BEIJING3239-p3a)."""
    return "c" + ncname(cid) + (f"-p{ncname(para)}" if para else "")


@dataclass
class Book:
    """What one book shows, as its templates read it."""

    slug: str | None
    """The thread's slug; None for the edition."""
    view: dict
    """The view-model the templates read."""
    cables: list[str]
    """Its cables, in order."""


def marking_of(classification: str | None) -> dict:
    page = print_page(classification)
    return {"page": page, "text": PRINT_MARKINGS[page]}


class Books:
    """The books of an edition: each cable joined once with the book's own links, shared by every book."""

    def __init__(self, site: Site):
        self.site = site
        self.matcher = Matcher.build(site.content)
        self._cables: dict[str, dict] = {}
        self.problems = Problems()

    def link(self, members: set[str]):
        """Links from a book's text: to a paragraph of one of its cables inside the book, to the site's page of
        another where the edition has an address, else none (the mention stays plain text)."""
        base = self.site.content.site.get("base_url") or ""

        def to(cid: str, para: str | None = None) -> str | None:
            if cid in members:
                return "#" + anchor(cid, para)
            if cid in self.site.cables and base:
                return f"{base}/cables/{cid}/" + (f"#p{para}" if para else "")
            return None
        return to

    def cable(self, cid: str) -> dict:
        """One cable's chapter: its banner, heading, headnote, paragraphs and notes, made once and shared by
        every book that holds the cable. Its links to the edition's cables are written as anchors inside the
        book (#c07BEIJING6872-p2); each book points them at the part that holds them, or out (see relink)."""
        if cid in self._cables:
            return self._cables[cid]
        site = self.site
        cable: Cable = site.full(cid)
        ann = site.content.annotations.get(cid)
        link = self.link(set(site.cables))
        prefix = anchor(cid)
        base = site.content.site.get("base_url") or ""

        def md(text: str) -> str:
            return site_links(markdown(text, link), f"cables/{cid}/", base)
        joined: Joined = join(cable, ann, site.content, self.matcher, md, self.problems)
        paragraphs = []
        for p in cable.paragraphs:
            blocks = []
            for block in joined.blocks.get(p.label, [[]]):
                toks = []
                for tok in block:
                    tok = dict(tok)
                    if "v" in tok:
                        tok["v"] = xml_safe(str(tok["v"]))
                    if tok["t"] == "note":
                        tok["id"] = f"{prefix}-{tok['id']}"
                    toks.append(tok)
                blocks.append(toks)
            paragraphs.append({"label": p.label, "id": anchor(cid, p.label), "heading": xml_safe(p.heading or ""),
                               "number_text": f"¶{p.label}" if p.number is not None else "",
                               "marking": p.marking, "blocks": blocks})
        banner = banner_view(cable)
        view = {
            "id": cid, "anchor": prefix, "subject": xml_safe(cable.subject or ""),
            "head": head_view(cable, url_for(site.content.site, f"cables/{cid}/")),
            "online": url_for(site.content.site, f"cables/{cid}/") if site.content.site.get("base_url") else None,
            "banner": banner, "marking": marking_of(cable.classification),
            "headnote": md(ann.headnote) if ann and ann.headnote else None,
            "paragraphs": paragraphs,
            "notes": [{"n": n.number, "id": f"{prefix}-{n.anchor_id}", "para": n.paragraph,
                       "para_id": anchor(cid, n.paragraph), "html": n.html} for n in joined.notes],
            "source": {"name": source_name(cable), "file": Path(cable.source.path).name,
                       "format": cable.source.format, "sha256": cable.source.sha256, "bytes": len(cable.source.data),
                       "url": url_for(site.content.site, f"cables/{cid}/{source_name(cable)}", "")},
            "created": cable.created, "date": long_date(cable.created),
            "mentions": sorted(joined.mentions),
        }
        self._cables[cid] = view
        return view

    def thread(self, t: Thread, members: set[str]) -> dict:
        """A thread's narrative, timeline and links, with links inside the book."""
        link = self.link(members)
        base = self.site.content.site.get("base_url") or ""

        def md(text: str) -> str:
            return site_links(markdown(text, link), f"threads/{t.slug}/", base)
        tl = timeline(self.site, t, "")
        months = []
        for mo in tl["months"]:
            items = [{**i, "href": _site_to_book(i.get("href"), link)} for i in mo["items"]]
            months.append({**mo, "items": items})
        links = []
        for k, lk in enumerate(t.links):
            sides = [[{**part, "href": link(ref.cable, part["href"])} for part in
                      para_span(ref.paragraphs, ref.cable, lambda lb: lb)] if ref.paragraphs
                     else [{"sep": "", "text": ref.cable, "href": link(ref.cable)}] for ref in (lk.source, lk.target)]
            links.append({"title": RELATION_TITLES[lk.relation], "words": RELATIONS[lk.relation][0],
                          "earlier": sides[0], "later": sides[1], "note": md(lk.note),
                          "id": f"t-{t.slug}-link-{k + 1}"})
        return {"slug": t.slug, "title": t.title, "summary": md(t.summary),
                "timeline": months, "links": links, "id": f"t-{t.slug}"}

    def entries(self, named: set[str] | None, members: set[str]) -> list[dict]:
        """The appendix of people, organisations and terms: every entry of the edition, or those `named` in a
        thread's cables ("person:herbst-john"), each with its description and sources."""
        content = self.site.content
        link = self.link(members)
        base = content.site.get("base_url") or ""
        out = []
        for kind, title, folder, table in (("person", "People", "people", content.people),
                                           ("organization", "Organizations", "organizations", content.organizations),
                                           ("term", "Glossary", "glossary", content.glossary)):
            rows = [{"anchor": entry_anchor(kind, e.key), "name": xml_safe(e.name),
                     "description": site_links(markdown(e.description, link), f"{folder}/", base),
                     "sources": [site_links(markdown(s, link), f"{folder}/", base) for s in e.sources]}
                    for e in sorted(table.values(), key=lambda e: e.name.lower())
                    if named is None or f"{kind}:{e.key}" in named]
            if rows:
                out.append({"kind": kind, "title": title, "anchor": f"e-list-{folder}", "rows": rows})
        return out

    def book(self, slug: str | None) -> Book:
        """The view-model of the edition's book (slug None) or of one thread's."""
        site = self.site
        settings = site.content.site
        if slug is None:
            cids = list(site.cables)
            threads = list(site.threads)
            title, subtitle = settings["title"], settings.get("subtitle") or ""
            kind = "edition"
        else:
            t = next(t for t in site.threads if t.slug == slug)
            members = {r.cable for lk in t.links for r in (lk.source, lk.target)} | \
                {e.ref.cable for e in t.events if e.ref}
            cids = [cid for cid in site.cables if cid in members]
            threads = [t]
            title, subtitle = t.title, f"A thread of {settings['title']}"
            kind = "thread"
        cables = [self.cable(cid) for cid in cids]
        highest = max((c["marking"]["page"] for c in cables), key=RANK.index, default="unmarked")
        dates = [c["created"] for c in cables if c["created"]]
        members = set(cids)
        view = {
            "kind": kind, "slug": slug, "title": xml_safe(title), "subtitle": xml_safe(subtitle),
            "site": settings, "editor": settings.get("editor") or "", "publisher": settings.get("publisher") or "",
            "language": settings.get("language") or "en",
            "address": url_for(settings, "" if slug is None else f"threads/{slug}/", "") or None,
            "marking": {"page": highest, "text": PRINT_MARKINGS[highest]},
            "intro": site_links(markdown(site.content.pages["home"], self.link(members)), "",
                                settings.get("base_url") or "")
            if slug is None and site.content.pages.get("home") else None,
            "threads": [self.thread(t, members) for t in threads],
            "cables": cables,
            "count": len(cables),
            "first": long_date(min(dates)) if dates else None, "last": long_date(max(dates)) if dates else None,
            "modified": _stamp(max(dates)) if dates else "2010-11-28T00:00:00Z",
            "markings": sorted({c["marking"]["page"] for c in cables} | {highest}, key=RANK.index),
        }
        view["marking_names"] = {p: PRINT_MARKINGS[p] for p in view["markings"]}
        view["entries"] = self.entries(None if slug is None else {m for c in cables for m in c["mentions"]},
                                       members)
        return Book(slug, view, cids)


SITE_HREF = re.compile(r'<a href="(?![#]|[a-zA-Z][a-zA-Z0-9+.-]*:)([^"]*)"([^>]*)>(.*?)</a>', re.S)
"""A link the editors wrote relative to the page their text is shown on (../../people/#herbst-john)."""


ENTRY_FOLDERS = {"people": "person", "organizations": "organization", "glossary": "term"}
"""The site's page of each kind of entry, by its folder."""


def entry_anchor(kind: str, key: str) -> str:
    """The id of an entry in a book's appendix: e-person-herbst-john."""
    return f"e-{kind}-{ncname(key)}"


def site_links(html: str, folder: str, base: str) -> str:
    """Editorial HTML written for the site's page at `folder` (cables/<ID>/), as a book holds it: each link
    relative to that page made absolute under the site's address, or, without one, its words kept alone."""
    def sub(m: re.Match) -> str:
        path, _, fragment = m.group(1).partition("#")
        where = posixpath.normpath(posixpath.join(folder, path)) if path else folder
        kind = ENTRY_FOLDERS.get(where.rstrip("/"))
        if kind:  # people/, organizations/ or glossary/, or one entry there: the book's appendix has it
            to = entry_anchor(kind, fragment) if fragment else f"e-list-{where.rstrip('/')}"
            return f'<a href="#{to}"{m.group(2)}>{m.group(3)}</a>'
        cable = re.fullmatch(r"cables/(\d\d[0-9A-Z]+)/?", where)
        if cable and (not fragment or re.fullmatch(r"p[0-9a-z]+", fragment)):  # a cable: in the book, if it holds it
            to = anchor(cable.group(1), fragment[1:] if fragment else None)
            return f'<a href="#{to}"{m.group(2)}>{m.group(3)}</a>'
        if not base or where.startswith(".."):
            return m.group(3)
        where = posixpath.normpath(posixpath.join(folder, m.group(1)))
        where = "" if where == "." else where
        if m.group(1).endswith("/") and where and not where.endswith("/"):
            where += "/"
        return f'<a href="{base}/{where}"{m.group(2)}>{m.group(3)}</a>'
    return SITE_HREF.sub(sub, html)


def _stamp(created: str) -> str:
    """A cable's time as EPUB's dcterms:modified writes it (2007-10-29T05:48:00Z): the book's own date, the
    newest of its cables (release day of Cablegate where none has one), so that two builds agree."""
    d = re.sub(r"\D", "", created)[:14].ljust(14, "0")
    return f"{d[:4]}-{d[4:6]}-{d[6:8]}T{d[8:10]}:{d[10:12]}:{d[12:14]}Z"


def _site_to_book(href: str | None, link) -> str | None:
    """A timeline's address of a cable (cables/<ID>/#p3) as the book reaches it."""
    if not href:
        return None
    m = re.match(r"^cables/([^/]+)/(?:#p(.+))?$", href)
    return link(m.group(1), m.group(2)) if m else None


LOCAL_HREF = re.compile(r'href="#([^"]+)"')
CABLE_ANCHOR = re.compile(r"^(c\d\d[0-9A-Z]+)(?:-.*)?$")
"""A link inside the book: to a cable's chapter, one of its paragraphs or notes (books.anchor)."""


def relink(html: str, here: str | None, files: dict[str, str], outside) -> str:
    """Point each link to a cable or an entry at the part of the book holding it (the same file needs no
    name), given `files` (the anchor of each cable and of the entries' part -> its file); a link to one the
    book does not hold goes to the site (`outside`), or is dropped, its words kept."""
    def sub(m: re.Match) -> str:
        frag = m.group(1)
        c = CABLE_ANCHOR.match(frag)
        key = c.group(1) if c else frag if frag.startswith("e-") else None
        if key is None:
            return m.group(0)  # an anchor of the same part
        if key in files:
            return f'href="{"" if files[key] == here else files[key]}#{frag}"'
        return f'href="{outside(frag)}"'
    return LOCAL_HREF.sub(sub, html)


def drop_dead_links(html: str) -> str:
    """Links marked dead by relink lose their <a>, keeping their words."""
    return re.sub(r'<a href="#dead"[^>]*>(.*?)</a>', r"\1", html, flags=re.S)


def outside_link(base: str):
    """Where a link to a cable that a book does not hold goes: its page on the site, or nowhere ("#dead")."""
    def outside(frag: str) -> str:
        c = CABLE_ANCHOR.match(frag)
        entry = re.match(r"^e-(person|organization|term)-([a-z0-9-]+)$", frag)
        if base and entry:
            folder = next(f for f, k in ENTRY_FOLDERS.items() if k == entry.group(1))
            return f"{base}/{folder}/#{entry.group(2)}"
        listed = re.match(r"^e-list-(people|organizations|glossary)$", frag)
        if base and listed:
            return f"{base}/{listed.group(1)}/"
        if not base or not c:
            return "#dead"
        rest = frag[len(c.group(1)):]
        para = rest[2:] if rest.startswith("-p") else None
        return f"{base}/cables/{c.group(1)[1:]}/" + (f"#p{para}" if para else "")
    return outside


def deterministic_zip(data: bytes) -> bytes:
    """The same archive with every entry's time fixed (1980-01-01) and its order kept, the mimetype first and
    stored, so that two builds of the same edition give the same bytes."""
    src = zipfile.ZipFile(io.BytesIO(data))
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as dst:
        for info in src.infolist():
            fixed = zipfile.ZipInfo(info.filename, (1980, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_STORED if info.filename == "mimetype" else zipfile.ZIP_DEFLATED
            fixed.external_attr = 0o644 << 16
            dst.writestr(fixed, src.read(info.filename))
    return buf.getvalue()
