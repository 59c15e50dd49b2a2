"""The edition as TEI P5: one document per cable (cables/<ID>/<ID>.xml) and the edition as a teiCorpus
(edition.xml) whose header holds the people, organisations and glossary the cables point at.

Every value comes from the Cable model and the editorial layer, as on the page: the header from the parsed
fields, the text from the joined token blocks (so that notes, [sic] and names fall where the page shows them).
The documents are built with ElementTree, which escapes every text and attribute value.
"""

from __future__ import annotations

import posixpath
import re
import xml.etree.ElementTree as ET
from typing import Iterator

from ..edition.annotations import Joined
from ..edition.markup import CABLE_MENTION, make_markdown
from ..ids import origin_from_station
from ..model import Cable
from . import heading
from .views import source_name

NS = "http://www.tei-c.org/ns/1.0"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
XML_LANG = "{http://www.w3.org/XML/1998/namespace}lang"
ET.register_namespace("", NS)

CORPUS = "edition.xml"
"""The edition's teiCorpus, at the site's root."""

FROM_CABLE = "../../" + CORPUS
"""The corpus as a cable's own document (cables/<ID>/<ID>.xml) reaches it."""

ENTRY_IDS = {"person": "person-", "organization": "org-", "term": "term-"}
"""The prefix of each kind of entry's xml:id in the corpus header."""

_MD = make_markdown()


def ncname(text: str) -> str:
    """An xml:id part from any label: letters, digits, '-' and '.' kept, anything else as _XX (its code)."""
    return re.sub(r"[^A-Za-z0-9.\-]", lambda m: "_%X" % ord(m.group(0)), text)


def cable_xml_id(cid: str) -> str:
    return "c" + ncname(cid)


def entry_id(kind: str, key: str) -> str:
    return ENTRY_IDS[kind] + ncname(key)


def el(parent: ET.Element | None, tag: str, text: str | None = None, **attrs: str | None) -> ET.Element:
    """An element in the TEI namespace (under `parent` where given) with its text and the attributes given."""
    attrib = {(XML_ID if k == "xml_id" else XML_LANG if k == "xml_lang" else k): v
              for k, v in attrs.items() if v is not None}
    e = ET.Element(f"{{{NS}}}{tag}", attrib) if parent is None else ET.SubElement(parent, f"{{{NS}}}{tag}", attrib)
    if text is not None:
        e.text = text
    return e


def add_text(parent: ET.Element, text: str) -> None:
    """Append text after whatever `parent` holds so far (mixed content)."""
    if not text:
        return
    if len(parent):
        parent[-1].tail = (parent[-1].tail or "") + text
    else:
        parent.text = (parent.text or "") + text


# --- the editorial layer's Markdown as TEI ---------------------------------------------------------

INLINE = {"em": ("hi", {"rend": "italic"}), "strong": ("hi", {"rend": "bold"})}


def markdown_into(parent: ET.Element, text: str, link_cable=None, block: str = "p") -> None:
    """Editorial Markdown as TEI under `parent`: paragraphs as `block` elements, lists, quotations, emphasis,
    code and links (<ref target>), as markdown-it parses it (raw HTML off, as on the page)."""
    if link_cable:
        text = CABLE_MENTION.sub(lambda m: f"[{m.group(0)}]({u})" if (u := link_cable(m.group(1), m.group(2)))
                                 else m.group(0), text)
    stack = [parent]
    for tok in _MD.parse(text):
        if tok.type == "inline":
            _inline(stack[-1], tok.children or [])
        elif tok.type == "paragraph_open":
            # A list item or a quotation holds its paragraphs as they are; elsewhere each is a block.
            stack.append(el(stack[-1], block if stack[-1] is parent else "p"))
        elif tok.type in ("bullet_list_open", "ordered_list_open"):
            stack.append(el(stack[-1], "list", rend="numbered" if tok.type.startswith("ordered") else "bulleted"))
        elif tok.type == "list_item_open":
            stack.append(el(stack[-1], "item"))
        elif tok.type == "blockquote_open":
            stack.append(el(stack[-1], "quote"))
        elif tok.type == "heading_open":
            stack.append(el(stack[-1], "p", rend="heading"))
        elif tok.type in ("code_block", "fence"):
            el(stack[-1], "ab", tok.content.rstrip("\n"), type="code")
        elif tok.type.endswith("_close") and len(stack) > 1:
            stack.pop()


def _inline(parent: ET.Element, children) -> None:
    stack = [parent]
    for t in children:
        if t.type == "text":
            add_text(stack[-1], t.content)
        elif t.type == "softbreak":
            add_text(stack[-1], "\n")
        elif t.type == "hardbreak":
            el(stack[-1], "lb")
        elif t.type == "code_inline":
            el(stack[-1], "code", t.content)
        elif t.type == "link_open":
            stack.append(el(stack[-1], "ref", target=str(t.attrs.get("href", ""))))
        elif t.type.endswith("_open") and t.type[:-5] in INLINE:
            tag, attrs = INLINE[t.type[:-5]]
            stack.append(el(stack[-1], tag, **attrs))
        elif t.type.endswith("_close") and len(stack) > 1:
            stack.pop()


# --- one cable -------------------------------------------------------------------------------------

def cable_document(cable: Cable, joined: Joined, ann, settings: dict, link_cable) -> str:
    """The TEI document of one cable, as cables/<ID>/<ID>.xml."""
    tei = cable_tei(cable, joined, ann, settings, link_cable, FROM_CABLE)
    return serialise(tei)


NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
"""Characters XML 1.0 cannot hold (control characters of a PDF's text, say): each is shown as U+FFFD."""


def serialise(root: ET.Element) -> str:
    """The document as text; no indentation is added (the paragraphs are mixed content)."""
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + xml_text(ET.tostring(root, encoding="unicode")) + "\n"


def xml_text(text: str) -> str:
    return NOT_XML.sub("\ufffd", text)


def cable_tei(cable: Cable, joined: Joined, ann, settings: dict, link_cable, corpus: str) -> ET.Element:
    """The <TEI> element of one cable; `corpus` is the address of the edition's teiCorpus (its entries)."""
    tei = el(None, "TEI", xml_id=cable_xml_id(cable.id), xml_lang="en")
    tei.append(tei_header(cable, settings))
    text = el(tei, "text")
    if ann and ann.headnote:
        front = el(text, "front")
        div = el(front, "div", type="headnote")
        el(div, "head", "Headnote")
        note = el(div, "note", type="headnote", resp=f"{corpus}#editors")
        markdown_into(note, ann.headnote, link_cable)
    body = el(text, "body")
    if cable.header:
        div = el(body, "div", type="header")
        for n, line in enumerate(cable.header, 1):
            el(div, "ab", line, type="line", n=str(n))
    if cable.references:
        div = el(body, "div", type="references")
        lst = el(div, "list")
        for r in cable.references:
            item = el(lst, "item", n=r.letter)
            if r.id and link_cable(r.id, None):
                el(item, "ref", r.text, target=f"../{r.id}/{r.id}.xml")
            else:
                add_text(item, r.text)
    _paragraphs(body, cable, joined, ann, corpus, link_cable)
    if not len(body):
        el(body, "p")  # a body holds at least one block: a cable whose text is not given
    return tei


def tei_header(cable: Cable, settings: dict) -> ET.Element:
    head = el(None, "teiHeader")
    fd = el(head, "fileDesc")
    ts = el(fd, "titleStmt")
    to = [origin_from_station(r.name) or r.name for r in cable.to]
    el(ts, "title", heading.title(cable, to), type="main")
    if cable.subject:
        el(ts, "title", cable.subject, type="sub")
    if cable.origin:
        el(ts, "author", cable.origin)
    if settings.get("editor"):
        el(ts, "editor", settings["editor"])
    ps = el(fd, "publicationStmt")
    el(ps, "publisher", settings.get("publisher") or settings.get("title") or "")
    el(ps, "idno", cable.id, type="cable")
    av = el(ps, "availability")
    el(av, "p", "A US government record released by WikiLeaks; its classification markings are historical: "
                "the cable was published, not declassified.")
    sd = el(fd, "sourceDesc")
    bibl = el(sd, "bibl")
    el(bibl, "title", cable.id)
    el(bibl, "publisher", "WikiLeaks")
    if cable.released:
        el(bibl, "date", cable.released[:10], type="release", when=cable.released[:10]
           if re.fullmatch(r"\d{4}-\d{2}-\d{2}", cable.released[:10]) else None)
    else:
        el(bibl, "note", "The release date is not given in the source.", type="release")
    el(bibl, "ref", source_name(cable), target=source_name(cable), type="verbatim")
    el(bibl, "idno", cable.source.sha256, type="SHA-256")
    el(bibl, "note", cable.source.format, type="format")
    el(bibl, "extent", f"{len(cable.source.data)} bytes")
    pd = el(head, "profileDesc")
    creation = el(pd, "creation")
    if cable.created:
        el(creation, "date", heading.dateline(cable), when=cable.created)
    else:
        el(creation, "date", "The date is not given in the text.")
    tc = el(pd, "textClass")
    for name, values in (("classification", [cable.classification] if cable.classification else []),
                         ("caveats", list(cable.caveats)), ("TAGS", list(cable.tags))):
        if values:
            kw = el(tc, "keywords", n=name)
            for v in values:
                el(kw, "term", v)
    if not len(tc):
        pd.remove(tc)
    return head


def _paragraphs(body: ET.Element, cable: Cable, joined: Joined, ann, corpus: str, link_cable) -> None:
    """The cable's paragraphs in its own numbering, in a <div> for each section its headings open."""
    notes = {n.anchor_id: n for n in joined.notes}
    sources = _note_sources(ann, joined)
    div = None
    prefix = cable_xml_id(cable.id)
    for p in cable.paragraphs:
        if div is None or p.heading:
            div = el(body, "div", type="section")
            if p.heading:
                el(div, "head", p.heading)
        para = el(div, "p", n=p.label, xml_id=f"{prefix}-p{ncname(p.label)}")
        if p.marking:
            el(para, "label", f"({p.marking})", type="marking")
            add_text(para, " ")
        for k, block in enumerate(joined.blocks.get(p.label, [[]])):
            if k:
                el(para, "lb")
                el(para, "lb")
            for tok in block:
                _token(para, tok, ann, corpus, notes, sources, prefix, link_cable)


def _note_sources(ann, joined: Joined) -> dict[str, str]:
    """Each numbered note's Markdown, by its anchor id: the notes of a paragraph, in order."""
    if not ann:
        return {}
    by_para: dict[str, list] = {}
    for note in ann.notes:
        by_para.setdefault(note.paragraph, []).append(note.text)
    out = {}
    for n in joined.notes:
        texts = by_para.get(n.paragraph) or []
        if texts:
            out[n.anchor_id] = texts.pop(0)
    return out


def _token(para: ET.Element, tok: dict, ann, corpus: str, notes: dict, sources: dict, prefix: str,
           link_cable) -> None:
    t = tok["t"]
    if t == "text":
        add_text(para, tok["v"])
    elif t == "ref":
        kind = tok.get("kind")
        if kind in ("person", "organization"):
            name = el(para, "persName" if kind == "person" else "orgName", tok["v"],
                      ref=f"{corpus}#{entry_id(kind, tok['key'])}")
            if tok.get("term"):
                name.text = None
                el(name, "term", tok["v"], ref=f"{corpus}#{entry_id('term', tok['term'])}")
        elif tok.get("term"):
            el(para, "term", tok["v"], ref=f"{corpus}#{entry_id('term', tok['term'])}")
        else:
            add_text(para, tok["v"])
    elif t == "sic":
        _sic(para, ann)
    elif t == "note":
        note = el(para, "note", type="editorial", n=str(tok["n"]), place="foot", resp=f"{corpus}#editors",
                  xml_id=f"{prefix}-{tok['id']}")
        markdown_into(note, sources.get(tok["id"], ""), link_cable)
    elif t == "pb":
        el(para, "pb", n=str(tok["page"]) if tok.get("page") is not None else None, ed="telegram")
    elif t == "sb":
        el(para, "milestone", unit="section", n=str(tok["section"]) if tok.get("section") is not None else None)


def _sic(para: ET.Element, ann) -> None:
    """Wrap the word just written (one the editors listed as [sic]) in <sic>."""
    words = sorted(ann.sic if ann else (), key=len, reverse=True)
    if len(para):
        last = para[-1]
        tail = last.tail or ""
        word = next((w for w in words if tail.endswith(w)), None)
        if word:
            last.tail = tail[: -len(word)]
            el(para, "sic", word)
            return
        if not tail and last.tag != f"{{{NS}}}sic" and any((last.text or "").endswith(w) for w in words):
            para.remove(last)
            sic = el(para, "sic")
            sic.append(last)
            return
    else:
        text = para.text or ""
        word = next((w for w in words if text.endswith(w)), None)
        if word:
            para.text = text[: -len(word)]
            el(para, "sic", word)
            return
    el(para, "sic")


# --- the edition -----------------------------------------------------------------------------------

def corpus_head(content, settings: dict, count: int) -> ET.Element:
    """The teiCorpus header: the edition's statement, and the people, organisations and glossary."""
    head = el(None, "teiHeader")
    fd = el(head, "fileDesc")
    ts = el(fd, "titleStmt")
    el(ts, "title", settings.get("title") or "Cables", type="main")
    if settings.get("subtitle"):
        el(ts, "title", settings["subtitle"], type="sub")
    el(ts, "editor", settings.get("editor") or "The editors", xml_id="editors")
    el(fd, "extent", f"{count} cables")
    ps = el(fd, "publicationStmt")
    el(ps, "publisher", settings.get("publisher") or settings.get("title") or "")
    if settings.get("base_url"):
        el(ps, "idno", settings["base_url"] + "/", type="URI")
    sd = el(fd, "sourceDesc")
    el(sd, "p", "Cables of the US Department of State as released by WikiLeaks (2010-2011); each cable's "
                "own header names its source file and that file's SHA-256.")
    ed = el(head, "encodingDesc")
    cd = el(ed, "classDecl")
    tax = el(cd, "taxonomy", xml_id="glossary")
    el(tax, "desc", "The glossary of the edition: terms and abbreviations as the cables write them.")
    for e in content.glossary.values():
        cat = el(tax, "category", xml_id=entry_id("term", e.key))
        desc = el(cat, "catDesc")
        el(desc, "term", e.name)
        add_text(desc, ": ")
        el(desc, "gloss", e.description)
    if not content.glossary:
        cat = el(tax, "category", xml_id="term-none")
        el(cat, "catDesc", "The edition has no glossary.")
    pd = el(head, "profileDesc")
    part = el(pd, "particDesc")
    people = el(part, "listPerson")
    for e in content.people.values():
        person = el(people, "person", xml_id=entry_id("person", e.key))
        el(person, "persName", e.name)
        _described(person, e)
    if not content.people:
        el(people, "person", xml_id="person-none")
    orgs = el(part, "listOrg")
    for e in content.organizations.values():
        org = el(orgs, "org", xml_id=entry_id("organization", e.key))
        el(org, "orgName", e.name)
        _described(org, e)
    if not content.organizations:
        el(orgs, "org", xml_id="org-none")
    return head


def _described(parent: ET.Element, entry) -> None:
    if entry.description:
        note = el(parent, "note", type="description")
        markdown_into(note, entry.description, None)
    for s in entry.sources:
        el(parent, "bibl", s, type="source")


def in_corpus(tei: ET.Element, cid: str) -> ET.Element:
    """A cable's document as a member of the corpus at the site's root: its addresses made relative to it
    (the corpus's own entries by fragment)."""
    folder = f"cables/{cid}/"
    for e in tei.iter():
        for name in ("ref", "target", "resp"):
            value = e.get(name)
            if value is not None:
                e.set(name, relocate(value, folder))
    return tei


def relocate(address: str, folder: str) -> str:
    """An address written from `folder` as the site's root reads it; the corpus itself by its fragment."""
    if not address or address.startswith("#") or re.match(r"^[a-z][a-z0-9+.-]*:", address, re.I):
        return address
    path, _, fragment = address.partition("#")
    where = posixpath.normpath(posixpath.join(folder, path)) if path else folder.rstrip("/")
    if where == CORPUS:
        return "#" + fragment
    if path.endswith("/") and not where.endswith("/"):
        where += "/"
    return where + ("#" + fragment if fragment else "")


def corpus_parts(content, settings: dict, documents, count: int) -> Iterator[str]:
    """The teiCorpus, in parts: its header, then each cable's document (id, its bytes) as a member."""
    root = el(None, "teiCorpus", xml_lang="en")
    root.append(corpus_head(content, settings, count))
    opening = xml_text(ET.tostring(root, encoding="unicode"))
    cut = opening.rindex("</")
    yield '<?xml version="1.0" encoding="UTF-8"?>\n' + opening[:cut]
    for cid, data in documents:
        tei = in_corpus(ET.fromstring(data), cid)
        text = xml_text(ET.tostring(tei, encoding="unicode"))
        yield re.sub(r'^<TEI xmlns="[^"]+"', "<TEI", text, count=1)
    yield opening[cut:] + "\n"
