"""Readers: recognise an input by its content and turn it into Documents ready to parse.

A Document is the cable text (LF line ends, publisher chrome removed) beside the publisher's
metadata, where the input carries it, and the verbatim Source. Readers never change the cable's
words; they only undo the publisher's presentation (HTML, Markdown links, mangled pilcrows).
"""

from __future__ import annotations

import csv
import hashlib
import html
import io
import os
import re
import stat
import sys
from dataclasses import dataclass, field
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from typing import Iterator

from ..errors import CableError
from ..model import Source

MAX_CABLE_BYTES = 10 * 1024 * 1024
"""Largest single-cable file read; the longest Cablegate cables are a few hundred KB."""

PARTIAL_NOTICE = "This record is a partial extract of the original cable."


@dataclass
class Document:
    """One cable's text and publisher metadata, before parsing."""

    text: str
    """Cable text with LF line ends and the publisher's chrome removed."""
    source: Source
    """The verbatim source."""
    meta: dict = field(default_factory=dict)
    """Publisher metadata: id, created, released, classification, origin, tags, title, references."""
    first_line: int = 1
    """Source line of the text's first line, so that problems point at the file."""
    notes: list[tuple[int | None, str]] = field(default_factory=list)
    """Warnings from reading: (line, message)."""


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


UTF16_SHARE = 0.95
"""Share of the characters of a BOM-less head that must be ASCII, their other byte NUL, to be read as UTF-16."""


def utf16_codec(head: bytes) -> str | None:
    """The UTF-16 codec that the first bytes of a file are in ("utf-16" when a BOM says so), or None."""
    if head[:2] in (b"\xff\xfe", b"\xfe\xff"):
        return "utf-16"
    # Without a BOM: cables are ASCII, so one byte of (nearly) every pair is NUL, always the same one, and the
    # other never is. Binary data with NULs does not keep that pattern for thousands of bytes.
    sample = head[:8192]
    pairs = len(sample) // 2
    if pairs < 8:
        return None
    low, high = sample[0: 2 * pairs: 2], sample[1: 2 * pairs: 2]
    for codec, nul, text in (("utf-16-le", high, low), ("utf-16-be", low, high)):
        if text.count(0) == 0 and nul.count(0) >= UTF16_SHARE * pairs:
            return codec
    return None


def decode(data: bytes) -> tuple[str, str]:
    """Decode bytes as UTF-8, else UTF-16 (where it is that), else Windows-1252, else Latin-1; return (text,
    encoding), the encoding being a codec that decodes `data` to the same text."""
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    # UTF-16 first: ASCII in UTF-16 is valid UTF-8 too, every other character a NUL.
    codec = utf16_codec(data)
    if codec:
        try:
            return data.decode(codec), codec
        except UnicodeDecodeError:
            pass  # an odd length or a lone surrogate: not UTF-16 after all
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "cp1252"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "latin-1"


def first_non_utf8_line(data: bytes) -> int | None:
    """The line of the first byte that is not UTF-8, where the problem shows."""
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as e:
        return data.count(b"\n", 0, e.start) + 1
    return None


# --- sniffing -----------------------------------------------------------------------------------

CSV_ROW = re.compile(rb'^"?\d+"?,"?\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d{2}"?,')
CSV_HEADER = re.compile(rb"^\"?id\"?,\"?date\"?,", re.I)
CABLE_TABLE = re.compile(r"<table[^>]*?\bclass\s*=\s*['\"]?cable\b", re.I)
"""The metadata table of a WikiLeaks cable page: where a page of any build, or a fragment of one, has its cable."""
PRE_TAG = re.compile(r"<pre[\s>]", re.I)
MARKUP_START = re.compile(r"\s*(?:<\?xml|<!DOCTYPE|<html|<head|<body|<table|<div|<code|<pre|<h[1-6]|<p[\s>]|<!--)", re.I)
LABEL_FIRST = ("Identifier", "Reference ID")
LABEL_BLOCK = re.compile(r"^[ \t\xa0]*(?:Identifier|Reference ID)[ \t\xa0]*\n[ \t\xa0]*Created[ \t\xa0]*$", re.M)
"""The label block of a page rendered to text, one label a line, wherever the page's navigation ends."""
TABLE_LABELS = re.compile(r"^[ \t]*Reference ID[ \t]+Created[ \t]+Released[ \t]+Classification[ \t]+Origin[ \t]*$",
                          re.M)
"""The metadata table of a cable page as a browser copies it: its labels in one line, tab-separated."""
MD_TAG = re.compile(r"\[([A-Za-z0-9]{1,12})\]\(#\)")
MANGLED_PILCROW = re.compile(r"^([ \t]*)\ufffd(?=\s*\d)", re.M)


def sniff(data: bytes) -> str:
    """Name the format of an input from the structure of its bytes (UTF-16 text by the format of its text).

    Given the whole file, the whole file decides: a saved WikiLeaks page has its cable table 35-190 KB in,
    after the site's sidebar. Given a head (refusal), only the kinds a head can tell are final."""
    codec = utf16_codec(data)
    if codec:
        # The data may end inside a character: the partial one is dropped.
        data = data[: len(data) // 2 * 2].decode(codec, errors="ignore").encode("utf-8")
    if b"\x00" in data[:8192]:
        return "binary"
    first = data.lstrip(b"\xef\xbb\xbf").split(b"\n", 1)[0]
    if CSV_ROW.match(first) or CSV_HEADER.match(first):
        return "cables-csv"
    text, _ = decode(data)
    # A tuple, not the string "{[": "" is in every string, and a head of blanks would be taken for JSON.
    if text.lstrip()[:1] in ("{", "["):
        return "plusd-json" if '"Canonical ID"' in text[:65536] else "json"
    if is_cable_markup(text):
        return "wikileaks-html"
    lines = [ln.strip().replace("\xa0", " ") for ln in text.splitlines()[:12]]
    nonblank = [ln for ln in lines if ln]
    if nonblank and nonblank[0] in LABEL_FIRST or LABEL_BLOCK.search(text):
        return "wikileaks-page-text"
    if TABLE_LABELS.search(text):
        return "wikileaks-copied-page"
    if "](#)" in text and re.search(r"^TAGS:?\s*\[[A-Za-z0-9]+\]\(#\)", text, re.M):
        return "markdown"
    # [^\S\n]*, not \s*: blanks that ran on over line ends were rescanned from every line start of a run of blank
    # lines (seconds for 20,000 of them); any line a pilcrow starts still matches from its own start.
    if "\r\n" in text and (re.search(r"(?m)^[^\S\n]*[\ufffd\u00b6]\s*\d", text) or text.startswith("\r\n")):
        return "pdf-text"
    if "¶" in text and re.search(r"\S  \r?\n", text):
        return "markdown"
    return "raw-text"


def is_cable_markup(text: str) -> bool:
    """Whether a text is read as a WikiLeaks page: its cable table anywhere (a page of any build, or a fragment),
    or a text that opens as markup (a fragment of the two <pre> blocks; any other page is then named as HTML
    without a cable, not misread as cable text)."""
    if "<" not in text:
        return False
    return bool(MARKUP_START.match(text)) or bool(CABLE_TABLE.search(text))


# --- reading files ------------------------------------------------------------------------------

NOT_A_FILE = "not a regular file (a pipe or a device); it is not read"


def without_waiting(path: str, flags: int) -> int:
    """An opener for open(): a named pipe opened to read would wait for a writer for good, and stop the build."""
    return os.open(path, flags | getattr(os, "O_NONBLOCK", 0))


def read_path(path: Path, data: bytes | None = None, kind: str | None = None) -> Iterator[Document]:
    """Yield the Documents of one file (whose bytes, and what `sniff` makes of them, the caller may have
    already, see `read_whole`); raise CableError when it cannot be read at all."""
    if data is None:
        try:
            why, data, kind = read_whole(path)
        except OSError as e:
            raise CableError(f"cannot read the file: {e.strerror or e}")
        if why:
            raise CableError(why)
    if data is None:
        yield from read_csv(path)
        return
    # Sniffed from the whole file: a saved page's cable table may lie past any head.
    kind = kind or sniff(data)
    if kind == "cables-csv":
        yield from read_csv(path)
        return
    if kind == "json":
        raise CableError("a JSON file that holds no PlusD records (no \"Canonical ID\"); JSON dumps whose "
                         "newlines were removed cannot be read faithfully: use the cable's text or HTML")
    if kind == "plusd-json":
        yield from read_plusd(data, str(path))
        return
    yield read_bytes(data, str(path), kind)


def read_whole(path: Path) -> tuple[str | None, bytes | None, str | None]:
    """Why a file is not read (see `refusal`) and, where it is read, its bytes, opened once (None for a
    cables.csv, which is read row by row: it may be larger than memory), and their kind where the head that
    was sniffed is the whole file (else None). Raises OSError."""
    with open(path, "rb", opener=without_waiting) as f:
        info = os.fstat(f.fileno())
        if not stat.S_ISREG(info.st_mode):
            return NOT_A_FILE, None, None
        head = f.read(65536)
        kind = sniff(head)
        why = refusal(info.st_size, head, kind)
        if why or kind == "cables-csv":
            return why, None, None
        rest = f.read()
        return None, head + rest, None if rest else kind


def refusal(size: int, head: bytes, kind: str | None = None) -> str | None:
    """Why a file of this size and first bytes is not read at all, or None: known from its size and head alone,
    before the rest is read (a cables.csv may be of any size: its rows are limited one by one). `kind` is
    what `sniff` makes of the head, where the caller has it already."""
    if size == 0:
        return "the file is empty"
    kind = kind or sniff(head)
    if kind == "binary":
        return "the file is binary (it contains NUL bytes), not cable text"
    codec = utf16_codec(head)
    if kind == "cables-csv" and codec:
        return (f"a cables.csv in {utf16_name(head)}: its rows are read as UTF-8 only; convert it first "
                "(iconv -f UTF-16 -t UTF-8 cables.csv > cables-utf8.csv)")
    if kind != "cables-csv" and size > MAX_CABLE_BYTES:
        return (f"the file is {size / 1048576:.0f} MB, far larger than any cable "
                f"(limit {MAX_CABLE_BYTES // 1048576} MB); split it or import it as a cables.csv")
    return None


def utf16_name(head: bytes) -> str:
    """How a message names the UTF-16 of a file: UTF-16 (little-endian), with or without its BOM."""
    order = "little-endian" if head[:2] == b"\xff\xfe" or utf16_codec(head) == "utf-16-le" else "big-endian"
    bom = "" if utf16_codec(head) == "utf-16" else ", without a BOM"
    return f"UTF-16 ({order}{bom})"


def read_bytes(data: bytes, path: str, kind: str | None = None) -> Document:
    """Read one cable from bytes of a known or sniffed format."""
    kind = kind or sniff(data)
    if kind == "binary":
        raise CableError("the file is binary (it contains NUL bytes), not cable text")
    text, encoding = decode(data)
    source = Source(path=path, format=kind, sha256=sha256(data), data=data, encoding=encoding)
    notes: list[tuple[int | None, str]] = []
    if encoding.startswith("utf-16"):
        notes.append((None, f"the file is {utf16_name(data[:8192])}, not UTF-8; read as UTF-16"))
    elif encoding != "utf-8":
        notes.append((first_non_utf8_line(data), f"not valid UTF-8; read as {encoding}"))
    if "\r" in text:
        text = text.replace("\r\n", "\n").replace("\r", "\n")
    reader = READERS.get(kind, read_raw_text)
    doc = reader(text, source)
    doc.notes[:0] = notes
    return doc


def read_raw_text(text: str, source: Source) -> Document:
    """A bare cable: header block, blank line, body (WikiLeaks' pilcrows kept for the parser)."""
    return Document(text=MANGLED_PILCROW.sub(r"\1¶", text), source=source)


def read_pdf_text(text: str, source: Source) -> Document:
    """Text extracted from WikiLeaks' PDFs: CRLF line ends and pilcrows mangled to U+FFFD."""
    doc = read_raw_text(text, source)
    return doc


def read_markdown(text: str, source: Source) -> Document:
    """The Markdown-flavoured rendering: TAGS as [CODE](#) links, two-space line ends."""
    lines = []
    for line in text.split("\n"):
        line = MD_TAG.sub(r"\1", line)
        if line.endswith("  "):
            line = line.rstrip(" ")
        lines.append(line)
    return Document(text="\n".join(lines), source=source)


LABELS = {
    "Identifier": "id", "Reference ID": "id", "Created": "created", "Released": "released",
    "Classification": "classification", "Origin": "origin",
}


def read_page_text(text: str, source: Source) -> Document:
    """A WikiLeaks cable page rendered to text: a label block, the title and TAGS, then the cable."""
    lines = text.split("\n")
    clean = [ln.replace("\xa0", " ").strip() for ln in lines]
    block = LABEL_BLOCK.search(text)
    # The page's navigation, where the text holds it, ends where the label block starts.
    i = text.count("\n", 0, block.start()) if block else 0
    while i < len(clean) and not clean[i]:
        i += 1
    names = []
    while i < len(clean) and clean[i] in LABELS:
        names.append(LABELS[clean[i]])
        i += 1
    meta: dict = {}
    for name in names:
        if i < len(clean):
            meta[name] = clean[i]
            i += 1
    notes: list[tuple[int | None, str]] = []
    if len(meta) < len(names):
        notes.append((i, "the label block ends before all its values"))
    # Title and TAGS follow as "Cable title:" / "Tags:" lines, then the page's own links.
    title: list[str] = []
    while i < len(clean):
        ln = clean[i]
        if ln.startswith("Cable title:"):
            rest = ln[len("Cable title:"):].strip()
            i += 1
            if rest:
                title.append(rest)
            while i < len(clean) and not clean[i].startswith("Tags:"):
                if clean[i]:
                    title.append(clean[i])
                i += 1
            continue
        if ln.startswith("Tags:"):
            meta["tags"] = ln[len("Tags:"):].split()
            i += 1
            continue
        if ln.lower().startswith("pdf") and "read a cable" in ln.lower():
            i += 1
            continue
        if not ln and not title and "tags" not in meta:
            i += 1
            continue
        break
    if title:
        meta["title"] = " ".join(title)
    if meta.get("created"):
        meta["created"] = iso_time(meta["created"])
    if meta.get("released"):
        meta["released"] = iso_time(meta["released"])
    body = "\n".join(lines[i:])
    return Document(text=MANGLED_PILCROW.sub(r"\1¶", body), source=source, meta=meta, first_line=i + 1,
                    notes=notes)


def iso_utc(t: datetime) -> str:
    """A time as ISO 8601 UTC, 2007-05-15T03:01:00Z."""
    # Not strftime("%Y"): glibc writes the year 999 as "999", and the parser reads the year as created[:4].
    return t.isoformat(timespec="seconds") + "Z"


def iso_time(value: str) -> str | None:
    """Turn a publisher time (2007-05-15 03:01[:00] or 5/15/2007 3:01) into ISO 8601 UTC."""
    value = value.strip()
    for fmt in ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%m/%d/%Y %H:%M", "%Y-%m-%dT%H:%M:%SZ"):
        try:
            return iso_utc(datetime.strptime(value, fmt))
        except ValueError:
            continue
    return None


# --- WikiLeaks HTML -----------------------------------------------------------------------------

class _CablePage(HTMLParser):
    """Collect the metadata table's cells, the <pre> blocks and the TAGS links of a cable page."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.headers: list[str] = []
        self.cells: list[str] = []
        self.pres: list[str] = []
        self.tags: list[str] = []
        self.title: str | None = None
        self._cell: list[str] | None = None
        self._pre: list[str] | None = None
        self._h3: list[str] | None = None
        self._in_table = False
        self._no_comment_end: tuple[str | None, int] = (None, 0)

    # The two overrides work around html.parser as Python 3.11.7 has it (the quadratic searches were fixed
    # upstream as CPython gh-135462); WikiLeaks pages hold neither construct.

    def parse_html_declaration(self, i):
        # "<![" as HTML5 reads it outside SVG and MathML: a bogus comment up to the next ">". html.parser reads
        # a marked section, raising AssertionError on one without a name ("<![<table") and searching the rest
        # of the page for its end from every one left open, which is quadratic.
        if self.rawdata.startswith("<![", i):
            return self.parse_bogus_comment(i)
        return super().parse_html_declaration(i)

    def parse_comment(self, i, report=1):
        # Every "<!--" left open searched the rest of the page for "-->" again: once a search from i finds
        # none, none is found from any later "<!--" in the same text either.
        text, failed_from = self._no_comment_end
        if text is self.rawdata and i >= failed_from:
            return -1
        end = super().parse_comment(i, report)
        if end < 0:
            self._no_comment_end = (self.rawdata, i)
        return end

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table" and "cable" in (a.get("class") or ""):
            self._in_table = True
        elif tag in ("th", "td") and self._in_table:
            self._cell = []
        elif tag == "pre":
            self._pre = []
        elif tag == "h3":
            self._h3 = []
        elif tag == "a" and self._pre is not None:
            m = TAG_HREF.search(a.get("href") or "")
            if m:
                self.tags.append(html.unescape(short_charrefs(m.group(1))))

    def handle_endtag(self, tag):
        if tag == "table":
            self._in_table = False
        elif tag in ("th", "td") and self._cell is not None:
            text = "".join(self._cell).strip()
            (self.headers if tag == "th" else self.cells).append(text)
            self._cell = None
        elif tag == "pre" and self._pre is not None:
            self.pres.append("".join(self._pre))
            self._pre = None
        elif tag == "h3" and self._h3 is not None:
            self.title = "".join(self._h3).strip()
            self._h3 = None

    def handle_data(self, data):
        if self._cell is not None:
            self._cell.append(data)
        if self._pre is not None:
            self._pre.append(data)
        if self._h3 is not None:
            self._h3.append(data)


TAG_HREF = re.compile(r"(?:^|/)tag/([^_/]+)_\d+\.html$")
"""A link to a TAGS page, as every build writes it: /tag/PREL_0.html, ../../../tag/PREL_0.html or absolute."""

HTML_FIELDS = {"Reference ID": "id", "Created": "created", "Released": "released",
               "Classification": "classification", "Origin": "origin"}


DECIMAL_CHARREF = re.compile(r"&#0*([0-9]+)")


def short_charrefs(text: str) -> str:
    """Decimal character references without leading zeros, and U+FFFD for any of 8 digits or more."""
    # html.unescape raises ValueError on one of more than 4,300 digits (Python's limit for int()); 8 digits
    # already name no character, which unescape reads as U+FFFD, and leading zeros change nothing.
    return DECIMAL_CHARREF.sub(lambda m: "&#" + (m.group(1) if len(m.group(1)) < 8 else "65533"), text)


def read_html(text: str, source: Source) -> Document:
    """A WikiLeaks cable page: metadata table, header <pre>, body <pre>."""
    page = _CablePage()
    start = cable_part(text)
    # Up to the last ">": nothing after it can end a tag, and html.parser (see _CablePage) looks for the end of
    # every tag left open there to the end of the page, which is quadratic. It could only be text of an element
    # left open, which is never kept.
    page.feed(short_charrefs(text[start: text.rfind(">") + 1]))
    page.close()
    if not page.pres:
        raise CableError("an HTML page with no <pre> block: no cable text found")
    meta: dict = {}
    for name, value in zip(page.headers, page.cells):
        key = HTML_FIELDS.get(name)
        if key and value:
            meta[key] = value
    for key in ("created", "released"):
        if meta.get(key):
            meta[key] = iso_time(meta[key])
    if page.tags:
        meta["tags"] = page.tags
    if page.title:
        viewing = VIEWING.match(page.title)
        meta["title"] = viewing.group("title").strip() if viewing else page.title
    snapshot = page_snapshot(text[:start])
    if snapshot:
        meta["snapshot"] = snapshot
    body = "\n\n".join(p.replace("\r\n", "\n") for p in page.pres)
    pre = PRE_TAG.search(text, start)
    first = text.count("\n", 0, pre.start()) + 1 if pre else 1
    return Document(text=MANGLED_PILCROW.sub(r"\1¶", body), source=source, meta=meta, first_line=first)


RELEASED_SO_FAR = re.compile(r"Currently released so far\.*\s*([0-9][0-9,]*)\s*/")
"""The site's count of cables out when the page was made, in its sidebar."""
RELEASE_DATE_LINK = re.compile(r"""href=['"][^'"]*\breldate/(\d{4}-\d{2}-\d{2})_\d+\.html['"]""")
"""A link of the sidebar's "Browse latest releases" list, as every build writes it (relative or absolute)."""


def page_snapshot(sidebar: str) -> tuple[str | None, int | None] | None:
    """The site state a WikiLeaks page was made in, from its sidebar (the part before the cable): the latest
    release date it lists and its count of cables released so far; None where it says neither."""
    dates = RELEASE_DATE_LINK.findall(sidebar)
    count = RELEASED_SO_FAR.search(sidebar)
    if not dates and not count:
        return None
    return (max(dates) if dates else None, int(count.group(1).replace(",", "")) if count else None)


def cable_part(text: str) -> int:
    """Where the cable of a page begins: the heading above its metadata table (the site's sidebar before it is
    navigation, 35-190 KB that the parser need not walk), else the table, else the whole text."""
    table = CABLE_TABLE.search(text)
    if not table:
        return 0
    heading = text.rfind("<h3", 0, table.start())
    # The heading of the cable is the last before its table, unless a block of the page lies between them.
    if heading >= 0 and "<table" not in text[heading: table.start()].lower():
        return heading
    return table.start()


VIEWING = re.compile(r"^Viewing cable (?P<id>\S+?), (?P<title>.*)$")
ARTICLES = "Appears in these articles:"


def read_copied_page(text: str, source: Source) -> Document:
    """A WikiLeaks cable page as a browser copies it (select all, copy): the site's navigation, the "Viewing
    cable" heading, the metadata table as one line of labels and one of values, then the cable's two blocks."""
    lines = text.split("\n")
    labels = TABLE_LABELS.search(text)
    if not labels:
        raise CableError("no metadata table (Reference ID, Created, Released, Classification, Origin) in the "
                         "text of the page")
    at = text.count("\n", 0, labels.start())
    values = [v.strip() for v in re.split(r"\t| {2,}", lines[at + 1])] if at + 1 < len(lines) else []
    meta: dict = {}
    notes: list[tuple[int | None, str]] = []
    names = ("id", "created", "released", "classification", "origin")
    if len(values) != len(names):
        notes.append((at + 2, f"the metadata table's row has {len(values)} values, not {len(names)}; "
                              "the publisher's metadata is not used"))
    else:
        meta = {k: v for k, v in zip(names, values) if v}
    for key in ("created", "released"):
        if meta.get(key):
            meta[key] = iso_time(meta[key])
    for ln in reversed(lines[:at]):
        m = VIEWING.match(ln.strip())
        if m:
            meta["title"] = m.group("title").strip()
            break
    i = at + 2
    if i < len(lines) and lines[i].strip() == ARTICLES:
        i += 1
        while i < len(lines) and re.match(r"^\s*https?://\S+\s*$", lines[i]):
            i += 1
    body = "\n".join(lines[i:])
    return Document(text=MANGLED_PILCROW.sub(r"\1¶", body), source=source, meta=meta, first_line=i + 1,
                    notes=notes)


READERS = {
    "wikileaks-copied-page": read_copied_page,
    "raw-text": read_raw_text,
    "pdf-text": read_pdf_text,
    "markdown": read_markdown,
    "wikileaks-page-text": read_page_text,
    "wikileaks-html": read_html,
}


# --- WikiLeaks PlusD records ---------------------------------------------------------------------

PLUSD_COUNT = re.compile(r"\s*\(\d+ documents\)\s*$")
LONE_SURROGATE = re.compile("[\ud800-\udfff]")
"""JSON can escape half a surrogate pair ("\\ud800"), which no UTF-8 page or index can hold."""


def plusd_value(record: dict, key: str) -> str | None:
    """A PlusD field without the site-wide count that the page prints beside it."""
    value = record.get(key)
    if not isinstance(value, str):
        return None
    value = LONE_SURROGATE.sub("\ufffd", PLUSD_COUNT.sub("", value)).strip()
    return None if not value or value.startswith("--") else value


def plusd_text(record: dict, key: str, k: int) -> str:
    """A PlusD text field of item k (from 0), "" where absent; CableError where it holds something else."""
    value = record.get(key)
    if value is None:
        return ""
    if not isinstance(value, str):
        # A number, list or object here is not cable text, and has no .replace to call.
        kind = {bool: "true or false", int: "a number", float: "a number", list: "a list", dict: "an object"}
        raise CableError(f"JSON item {k + 1}: \"{key}\" holds {kind.get(type(value), 'a value')}, not text")
    return LONE_SURROGATE.sub("\ufffd", value)


def read_plusd(data: bytes, path: str) -> Iterator[Document]:
    """PlusD records (2013+) as JSON: one record, a list of them, or a file wrapping one as "record"."""
    import json

    text, encoding = decode(data)
    try:
        loaded = json.loads(text)
    except json.JSONDecodeError as e:
        raise CableError(f"invalid JSON: {e.msg}", e.lineno)
    except RecursionError:
        # json.loads recurses once per nested list or object: a thousand "[" are enough to overflow it.
        raise CableError("the JSON is nested too deeply to be a PlusD record")
    # A bare number or string is no record either; only a dict can wrap one as "record".
    records = loaded if isinstance(loaded, list) else [loaded.get("record", loaded) if isinstance(loaded, dict)
                                                       else loaded]
    for k, record in enumerate(records):
        if not isinstance(record, dict) or "Canonical ID" not in record:
            raise CableError(f"JSON item {k + 1} is not a PlusD record (no \"Canonical ID\")")
        # backslashreplace writes a lone surrogate back as the JSON escape it was read from.
        raw = (json.dumps(record, ensure_ascii=False, sort_keys=True).encode("utf-8", "backslashreplace")
               if len(records) > 1 else data)
        source = Source(path=path, format="plusd-json", sha256=sha256(raw), data=raw, encoding=encoding)
        meta: dict = {"id": re.sub(r"_[a-z]$", "", plusd_value(record, "Canonical ID") or "")}
        created = plusd_value(record, "Date")
        m = re.match(r"(\d{4}) ([A-Za-z]+) (\d{1,2}), (\d{1,2}):(\d{2})", created or "")
        if m:
            try:
                meta["created"] = iso_utc(datetime.strptime(" ".join(m.groups()), "%Y %B %d %H %M"))
            except ValueError:
                pass
        tags = plusd_value(record, "TAGS")
        if tags:
            meta["tags"] = [t.split(" - ", 1)[0].strip() for t in tags.split(" | ") if t.strip()]
        header = plusd_text(record, "Metadata", k).replace("\r\n", "\n")
        body = (plusd_text(record, "Raw content", k) or plusd_text(record, "Content", k)).replace("\r\n", "\n")
        if not meta["id"]:
            del meta["id"]
        yield Document(text=header.rstrip("\n") + "\n\n" + body, source=source, meta=meta)


# --- cables.csv ---------------------------------------------------------------------------------

CSV_COLUMNS = ("number", "date", "id", "origin", "classification", "references", "header", "body")


class _RowTooLarge(Exception):
    """The record being read has grown past the limit of one cable (raised through csv.reader)."""


SKIP_CHUNK = 1 << 20
"""Bytes read at a time while passing over a row too large to read."""
NEXT_ROW = re.compile(b"\n(?=" + CSV_ROW.pattern.removeprefix(b"^") + b")")
"""A line end followed by the start of a cables.csv row (its number and date)."""


class _LineTap:
    """Feed a binary file to csv.reader line by line, remembering each record's own bytes; a record that grows
    past `limit` bytes stops the reader (see `skip_row`), so that no row larger than a cable is ever held."""

    def __init__(self, f: io.BufferedReader, limit: int):
        self.f = f
        self.limit = limit
        self.raw: list[bytes] = []
        self.size = 0
        self.lines_read = 0

    def __iter__(self):
        return self

    def __next__(self) -> str:
        # At most one byte past the limit: a longer line is refused whole, never read into memory.
        line = self.f.readline(self.limit - self.size + 1)
        if not line:
            raise StopIteration
        self.raw.append(line)
        self.size += len(line)
        self.lines_read += 1
        if self.size > self.limit:
            raise _RowTooLarge
        return line.decode("utf-8", errors="surrogateescape")

    def take(self) -> bytes:
        data = b"".join(self.raw)
        self.raw.clear()
        self.size = 0
        return data

    def skip_row(self) -> int:
        """Pass over the rest of a record too large to read, up to the next line that starts a row; return the
        record's size in bytes. The rest is searched a block at a time, and nothing of it is kept."""
        size = self.size
        at_start = self.raw[-1].endswith(b"\n")
        self.lines_read -= not at_start  # a line read in part is counted at its end
        self.raw.clear()
        self.size = 0
        offset = self.f.tell()  # of the block read next
        kept = b"\n" if at_start else b""  # the end of what came before: a row may start across two blocks
        while True:
            block = self.f.read(SKIP_CHUNK)
            found = NEXT_ROW.search(kept + block)
            if found:
                back = found.start() + 1 - len(kept)  # where the row starts, from `offset` (before it: in `kept`)
                self.f.seek(offset + back)
                self.lines_read += block[: max(back, 0)].count(b"\n")
                return size + back
            if not block:
                self.lines_read += not at_start
                return size
            size += len(block)
            offset += len(block)
            self.lines_read += block.count(b"\n")
            at_start = block.endswith(b"\n")
            kept = (kept + block)[-96:]


def read_csv(path: Path) -> Iterator[Document]:
    """Stream the rows of a Cablegate cables.csv; a bad row becomes a Document-less CableRowError."""
    csv.field_size_limit(min(sys.maxsize, 2**31 - 1))  # the tap limits each row (and so each field)
    with open(path, "rb") as f:
        tap = _LineTap(f, MAX_CABLE_BYTES)
        rows = _rows(tap)
        start = 1
        while True:
            try:
                row = next(rows)
            except StopIteration:
                return
            except _RowTooLarge:
                size = tap.skip_row()
                yield CableRowError(str(path), start, f"the row is {size / 1048576:,.1f} MB, far larger than "
                                                      f"any cable (limit {MAX_CABLE_BYTES // 1048576} MB); it is "
                                                      "left out")
                start = tap.lines_read + 1
                rows = _rows(tap)  # the reader stopped inside the record: start afresh at the next row
                continue
            except csv.Error as e:
                tap.take()
                yield CableRowError(str(path), start, f"unreadable CSV row: {e}")
                start = tap.lines_read + 1
                continue
            data = tap.take()
            line = start
            start = tap.lines_read + 1
            if not row or (line == 1 and row[0].lower() == "id"):
                continue
            yield csv_document(row, data, str(path), line)


def _rows(tap: _LineTap):
    return csv.reader(tap, delimiter=",", quotechar='"', escapechar="\\", strict=False)


class CableRowError(Exception):
    """A CSV row that could not be read; yielded (not raised) so the other rows go on."""

    def __init__(self, path: str, line: int, message: str):
        super().__init__(message)
        self.path, self.line, self.message = path, line, message


def csv_document(row: list[str], data: bytes, path: str, line: int):
    """Turn one cables.csv row into a Document (or a CableRowError)."""
    if len(row) != len(CSV_COLUMNS):
        return CableRowError(path, line, f"a cables.csv row has {len(row)} columns, expected 8")
    # Every column, not the text alone: a byte that is not UTF-8 is read as a surrogate (see _LineTap), which
    # no page or index can hold, in an id or an origin as much as in the body.
    values = {k: v.encode("utf-8", "surrogateescape").decode("utf-8", "replace") for k, v in zip(CSV_COLUMNS, row)}
    header = values["header"].replace("\r\n", "\n")
    body = values["body"].replace("\r\n", "\n")
    meta = {
        "id": values["id"].strip(),
        "created": iso_time(values["date"]),
        "origin": values["origin"].strip(),
        "classification": values["classification"].strip(),
        "references": [r for r in values["references"].split("|") if r.strip()],
    }
    source = Source(path=path, format="cables-csv", sha256=sha256(data), data=data, line=line)
    text = header.rstrip("\n") + "\n\n" + body if header.strip() else body
    notes = []
    if not meta["created"]:
        notes.append((line, f"the date column {values['date']!r} is not M/D/YYYY H:MM"))
    return Document(text=MANGLED_PILCROW.sub(r"\1¶", text), source=source, meta=meta, first_line=line,
                    notes=notes)
