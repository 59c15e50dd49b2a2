"""A book as EPUB 3, made with ebooklib: a cover (SVG), a title page, the contents (the EPUB's navigation
document, also in the reading order), the narrative, one chapter per cable with its notes as pop-up footnotes
(`epub:type="noteref"` links to `epub:type="footnote"` asides), and the sources. The archive is made
reproducible: the modification date is the newest cable's, and every entry's time in the zip is fixed."""

from __future__ import annotations

import io
import textwrap
from datetime import datetime
from xml.sax.saxutils import escape as xml_escape

from ebooklib import epub
from jinja2 import Environment

from .books import Book, deterministic_zip, drop_dead_links, outside_link, relink, xml_safe

STYLE = "style/book.css"


def chapter_file(cid: str) -> str:
    return f"{cid}.xhtml"

def cover_svg(book: Book) -> bytes:
    """The cover: the marking at its top and bottom, the title, the subtitle and the editor."""
    v = book.view
    lines = textwrap.wrap(v["title"], 24, max_lines=7, placeholder=" …")
    sub = textwrap.wrap(v["subtitle"], 40, max_lines=3, placeholder=" …")
    out = ['<?xml version="1.0" encoding="UTF-8"?>',
           '<svg xmlns="http://www.w3.org/2000/svg" width="1200" height="1800" viewBox="0 0 1200 1800">',
           f'<title>{xml_escape(v["title"])}</title>',
           '<rect width="1200" height="1800" fill="#f6f3ea"/>',
           '<rect x="60" y="60" width="1080" height="1680" fill="none" stroke="#1d2b3a" stroke-width="6"/>',
           f'<text x="600" y="150" font-family="sans-serif" font-size="44" font-weight="bold" text-anchor="middle" '
           f'fill="#8a1c1c">{xml_escape(v["marking"]["text"])}</text>',
           f'<text x="600" y="1690" font-family="sans-serif" font-size="44" font-weight="bold" text-anchor="middle" '
           f'fill="#8a1c1c">{xml_escape(v["marking"]["text"])}</text>']
    y = 520
    for line in lines:
        out.append(f'<text x="600" y="{y}" font-family="serif" font-size="76" text-anchor="middle" '
                   f'fill="#1d2b3a">{xml_escape(line)}</text>')
        y += 96
    y += 40
    for line in sub:
        out.append(f'<text x="600" y="{y}" font-family="serif" font-size="44" font-style="italic" '
                   f'text-anchor="middle" fill="#1d2b3a">{xml_escape(line)}</text>')
        y += 60
    count = f'{v["count"]} cable{"" if v["count"] == 1 else "s"}'
    out.append(f'<text x="600" y="1420" font-family="sans-serif" font-size="40" text-anchor="middle" '
               f'fill="#1d2b3a">{xml_escape(count)}</text>')
    if v["editor"]:
        out.append(f'<text x="600" y="1490" font-family="sans-serif" font-size="36" text-anchor="middle" '
                   f'fill="#1d2b3a">{xml_escape("Edited by " + v["editor"])}</text>')
    out.append("</svg>")
    return ("\n".join(out) + "\n").encode("utf-8")


def epub_bytes(book: Book, env: Environment) -> bytes:
    """The EPUB 3 of one book."""
    v = book.view
    settings = v["site"]
    base = settings.get("base_url") or ""
    e = epub.EpubBook()
    ident = f"{base}/{'edition' if book.slug is None else 'threads/' + book.slug + '/'}" if base else \
        f"urn:cable-edition:{'edition' if book.slug is None else 'thread:' + book.slug}"
    e.set_identifier(ident)
    e.set_title(v["title"])
    e.set_language(v["language"])
    if v["editor"]:
        e.add_author(v["editor"], role="edt")
    if v["publisher"]:
        e.add_metadata("DC", "publisher", v["publisher"])
    e.add_metadata("DC", "description", "Cables of the US Department of State as released by WikiLeaks, with the "
                                        "editors' notes; classification markings are historical.")
    e.set_cover("cover.svg", cover_svg(book), create_page=True)
    css = epub.EpubItem(uid="style", file_name=STYLE, media_type="text/css",
                        content=env.get_template("book/book.css").render().encode("utf-8"))
    e.add_item(css)

    files = {c["anchor"]: chapter_file(c["id"]) for c in v["cables"]}
    files.update({e["anchor"]: "entries.xhtml" for g in v["entries"] for e in g["rows"]})
    files.update({g["anchor"]: "entries.xhtml" for g in v["entries"]})

    outside = outside_link(base)
    template = env.get_template("book/epub.xhtml")

    def chapter(name: str, title: str, part: str, here: str | None = None, **ctx) -> epub.EpubHtml:
        html = template.render(book=v, part=part, title=title, **ctx)
        html = xml_safe(drop_dead_links(relink(html, here, files, outside)))
        item = epub.EpubHtml(title=title, file_name=name, lang=v["language"], content=html)
        item.add_item(css)
        e.add_item(item)
        return item

    title = chapter("title.xhtml", "Title page", "title")
    parts = []
    if v["intro"] or v["threads"]:
        parts.append(chapter("narrative.xhtml", "Introduction" if book.slug is None else "The thread", "narrative",
                             "narrative.xhtml"))
    cables = [chapter(files[c["anchor"]], f'{c["id"]}: {c["subject"] or "no subject"}', "cable",
                      files[c["anchor"]], c=c) for c in v["cables"]]
    entries = [chapter("entries.xhtml", "People, organizations and terms", "entries", "entries.xhtml")] \
        if v["entries"] else []
    sources = chapter("sources.xhtml", "Sources", "sources")
    e.toc = [epub.Link("title.xhtml", "Title page", "title")] + \
        [epub.Link(p.file_name, p.title, p.file_name.split(".")[0]) for p in parts] + \
        [(epub.Section("Cables", cables[0].file_name), cables)] * bool(cables) + \
        [epub.Link(p.file_name, p.title, "entries") for p in entries] + \
        [epub.Link("sources.xhtml", "Sources", "sources")]
    e.add_item(epub.EpubNcx())
    nav = epub.EpubNav(title="Contents")
    e.add_item(nav)
    e.spine = ["cover", title, nav] + parts + cables + entries + [sources]
    buf = io.BytesIO()
    modified = datetime.strptime(v["modified"], "%Y-%m-%dT%H:%M:%SZ")
    epub.write_epub(buf, e, {"epub3_pages": False, "mtime": modified})
    return deterministic_zip(buf.getvalue())
