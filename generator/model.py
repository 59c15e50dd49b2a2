"""The Cable model: one faithful, immutable record of a cable as its text and its publisher give it.

Every value here is either copied from the cable text or from the publisher's metadata; nothing is
guessed. Where a field cannot be read it is None (or empty), never filled in.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields, is_dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class Source:
    """Where a cable was read from, and its exact bytes."""

    path: str
    """Path of the file as given to the reader (for a CSV row: the CSV file)."""
    format: str
    """Reader that recognised the content: wikileaks-page-text, markdown, raw-text, wikileaks-html, cables-csv, pdf-text."""
    sha256: str
    """SHA-256 of `data`, in hex."""
    data: bytes = field(repr=False)
    """The bytes as read, unchanged (for a CSV row: the row's own bytes)."""
    line: int = 1
    """Line of `path` where this cable's bytes begin (1 for a whole file)."""
    encoding: str = "utf-8"
    """Encoding the bytes were decoded with for parsing."""


@dataclass(frozen=True, slots=True)
class Station:
    """The sending station of the transmission header: DE RUEHBJ #3239/01 1350301."""

    routing_indicator: str | None
    """Routing indicator of the sender (RUEHBJ)."""
    name: str | None
    """The sender as the FM line writes it (AMEMBASSY BEIJING), else the routing indicator book's name."""
    message_number: int | None
    """Station serial number of the message (3239)."""
    section: int | None
    """Section number of this transmission (1 for /01); None where the DE line has no section."""
    julian_day: int | None
    """Day of the year the message was sent (135)."""
    time: str | None
    """Time of day, UTC, as HHMM (0301)."""
    line: str | None
    """The DE line as written."""


@dataclass(frozen=True, slots=True)
class Recipient:
    """One TO or INFO addressee: RUEHC/SECSTATE WASHDC IMMEDIATE 7879."""

    routing_indicator: str | None
    """Routing indicator before the slash (RUEHC); None where the line has none."""
    name: str
    """Addressee as written (SECSTATE WASHDC)."""
    precedence: str | None
    """Precedence given for this addressee (IMMEDIATE), if any."""
    serial: str | None
    """Message continuity number for this addressee (7879), if any."""
    line: str
    """The line as written."""


@dataclass(frozen=True, slots=True)
class Reference:
    """One item of the REF line: A. BEIJING 1672."""

    letter: str | None
    """Item letter as written (A), None for a single unlettered reference."""
    text: str
    """The item's text as written."""
    id: str | None
    """Canonical id of the cable it names (07BEIJING1672); None when it names no cable."""

    def __reduce__(self):  # positional pickling: several times faster than the dataclass default with slots
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class PageBreak:
    """A page-break line of the cable, kept at its position in a paragraph."""

    offset: int
    """Character offset in the paragraph's text where the break falls."""
    page: int | None
    """Number of the page that begins here (2 for "002 OF 004")."""
    of: int | None
    """Number of pages, where the line says (4)."""
    line: str
    """The break line as written (BEIJING 00003239 002 OF 004)."""


@dataclass(frozen=True, slots=True)
class SectionBreak:
    """A block of transmission lines inside the body, kept at its position in a paragraph: where a later section
    of the message begins (its first page line, header, banner and front matter printed again), or where the
    publisher printed the cable's head a second time."""

    offset: int
    """Character offset in the paragraph's text where the block falls."""
    section: int | None
    """Number of the section that begins here (2 for SECTION 02 OF 03); None where the banner names none."""
    of: int | None
    """Number of sections, where the banner says (3)."""
    lines: tuple[str, ...]
    """The block's lines as written, blank lines left out (the page lines among them are page breaks too)."""


@dataclass(frozen=True, slots=True)
class Paragraph:
    """A paragraph as the cable numbers it; unnumbered text is a paragraph with no number."""

    number: int | None
    """The cable's paragraph number (1, 2 ...); for a lettered sub-paragraph, its parent's number."""
    label: str
    """Anchor label in the cable's numbering: "1", "3a"; "u1", "u2" ... for unnumbered text."""
    marking: str | None
    """Portion marking as written, without parentheses (C, SBU, S//NF)."""
    heading: str | None
    """Section heading that precedes this paragraph, as written."""
    text: str
    """Text with line wraps joined; blocks that the cable separates keep a blank line between them."""
    page_breaks: tuple[PageBreak, ...]
    """Page breaks that fall inside (or at the end of) this paragraph."""
    line: int
    """Line of the source where the paragraph begins."""
    letter: str | None = None
    """Letter of a lettered sub-paragraph (a), as the anchor uses it."""
    section_breaks: tuple[SectionBreak, ...] = ()
    """Section breaks that fall inside (or at the end of) this paragraph."""


@dataclass(frozen=True, slots=True)
class Summary:
    """The summary span: where the cable's own summary starts and ends."""

    start: str
    """Label of the paragraph where the summary starts."""
    end: str
    """Label of the paragraph where it ends ("End Summary")."""
    text: str
    """The summary text, between "Summary:" and "End Summary"."""


@dataclass(frozen=True, slots=True)
class Snapshot:
    """The state of the publisher's site that a page was made in, as the page itself says: a WikiLeaks cable
    page lists the release dates so far ("Browse latest releases") and counts the cables out ("Currently released
    so far... 1896 / 251,287"). Two pages of a cable with different snapshots are two releases of it."""

    as_of: str | None
    """The latest release date the page lists (ISO date, 2010-12-22)."""
    count: int | None
    """The cables released so far, as the page counts them (1896)."""

    def __reduce__(self):
        return (type(self), (self.as_of, self.count))


@dataclass(frozen=True, slots=True)
class Release:
    """One release of a cable that the content holds in several (see Snapshot): where it is, and what it is."""

    label: str
    """The release's name on the site and in file names: its snapshot date (2010-12-22), else its release date."""
    as_of: str | None
    count: int | None
    released: str | None
    """The publisher's release time in this release (Cable.released)."""
    path: str
    sha256: str
    size: int
    key: str
    """Store key and index of its parse (load it with Store.load(key)[0][index])."""
    index: int
    words: str | None
    """Cable.words of this release."""
    reading: bool
    """Whether this release gives the reading text."""
    file: str
    """Name of its verbatim file in the cable's folder (the reading release's is the cable's own source file)."""

    def __reduce__(self):
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class Cable:
    """One cable: publisher metadata where given, else what its text says, and the verbatim source."""

    id: str
    """Canonical reference id (07BEIJING3239), repaired where the publisher's was malformed."""
    created: str | None
    """Creation time, ISO 8601 UTC (2007-05-15T03:01:00Z); publisher's value, else the DTG's; None if unknown."""
    released: str | None
    """Publisher's release time, ISO 8601 UTC, where the input carries it."""
    dtg: str | None
    """Date-time group line as written (O 150301Z MAY 07)."""
    precedence: str | None
    """Precedence of the message, spelled out (IMMEDIATE)."""
    origin: str | None
    """Origin in the publisher's wording (Embassy Beijing)."""
    station: Station | None
    """The sending station from the DE and FM lines."""
    to: tuple[Recipient, ...]
    """Action addressees (TO lines)."""
    info: tuple[Recipient, ...]
    """Information addressees (INFO lines)."""
    classification: str | None
    """One of the publisher's six values (UNCLASSIFIED//FOR OFFICIAL USE ONLY for UNCLAS ... SENSITIVE)."""
    banner: str | None
    """Classification banner as written (C O N F I D E N T I A L)."""
    caveats: tuple[str, ...]
    """Handling caveats in order of appearance (SIPDIS, NOFORN, SENSITIVE ...)."""
    sections: int
    """Number of sections (4 for SECTION 01 OF 04); 1 when the cable has no SECTION line."""
    tags: tuple[str, ...]
    """TAGS in their order, duplicates dropped, glued codes split only where every part is a known code."""
    tags_as_written: str | None
    """The TAGS line(s) as written, joined."""
    subject: str | None
    """Subject line, wrapped lines joined."""
    references: tuple[Reference, ...]
    """Items of the REF line."""
    classified_by: str | None
    """The classifying official as written (Political Minister Counselor Daniel L. Shields)."""
    reasons: tuple[str, ...]
    """Classification reasons, normalised (1.4(b), 1.4(d))."""
    declassify_on: str | None
    """Declassification instruction: an ISO date (2032-05-15) or the text as written (N/A, OADR)."""
    signer: str | None
    """Signature line as written (RANDT)."""
    summary: Summary | None
    """The summary span, where the cable has one."""
    paragraphs: tuple[Paragraph, ...]
    """Paragraphs in order."""
    header: tuple[str, ...]
    """Transmission header lines as written, from the first line of the cable to the line before the banner."""
    partial: bool
    """True where the publisher marks the record as a partial extract of the original cable."""
    source: Source
    """The verbatim source."""
    subject_line: int | None = None
    """Source line of the SUBJECT line."""
    aliases: tuple[str, ...] = ()
    """Other ids the cable is known by: the publisher's malformed id (08SCTION02OF02SAOPAULO335) where the
    banner confirmed its repair to `id`."""
    snapshot: Snapshot | None = None
    """The publisher's site state the page was made in, where the page says (see Snapshot)."""
    words: str | None = None
    """SHA-256 of the words of the cable's text as the source prints it, whitespace aside: two releases with the
    same words read the same."""


@dataclass(frozen=True, slots=True)
class BriefSource:
    """What the indexes need to know of a cable's source: not its bytes."""

    path: str
    """Path of the file the cable was read from."""
    format: str
    """Reader that recognised it (see Source.format)."""
    sha256: str
    """SHA-256 of the cable's bytes."""
    size: int
    """Length of the cable's bytes."""

    def __reduce__(self):  # positional pickling: several times faster than the dataclass default with slots
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


@dataclass(frozen=True, slots=True)
class Brief:
    """What the collection's indexes, links and data need of one cable; the full Cable stays in the store.

    A brief weighs about a twentieth of its cable, so the linked collection of 251,287 cables fits in memory.
    """

    id: str
    """As Cable.id."""
    created: str | None
    """As Cable.created."""
    subject: str | None
    """As Cable.subject."""
    origin: str | None
    """As Cable.origin."""
    classification: str | None
    """As Cable.classification."""
    caveats: tuple[str, ...]
    """As Cable.caveats."""
    tags: tuple[str, ...]
    """As Cable.tags."""
    references: tuple[Reference, ...]
    """As Cable.references."""
    labels: tuple[str, ...]
    """Labels of the paragraphs, in order."""
    partial: bool
    """As Cable.partial."""
    source: BriefSource
    """Where the cable was read from."""
    subject_line: int | None
    """As Cable.subject_line."""
    key: str
    """The store key of the file the cable came from (SHA-256 of the file)."""
    index: int
    """Position of the cable among the cables of that file."""
    aliases: tuple[str, ...] = ()
    """As Cable.aliases."""
    released: str | None = None
    """As Cable.released."""
    snapshot: Snapshot | None = None
    """As Cable.snapshot."""
    words: str | None = None
    """As Cable.words."""

    def __reduce__(self):  # positional pickling: several times faster than the dataclass default with slots
        return (type(self), tuple(getattr(self, name) for name in self.__slots__))


def brief(cable: Cable, key: str, index: int) -> Brief:
    """The brief of a cable read from the file stored under `key`."""
    s = cable.source
    return Brief(cable.id, cable.created, cable.subject, cable.origin, cable.classification, cable.caveats,
                 cable.tags, cable.references, tuple(p.label for p in cable.paragraphs), cable.partial,
                 BriefSource(s.path, s.format, s.sha256, len(s.data)), cable.subject_line, key, index, cable.aliases,
                 cable.released, cable.snapshot, cable.words)


def to_jsonable(value: Any) -> Any:
    """Turn a model value into plain JSON types; source bytes are left out."""
    kind = type(value)
    if kind in _PLAIN:
        return value
    names = _FIELDS.get(kind)
    if names is None and is_dataclass(value):
        names = _FIELDS[kind] = tuple(f.name for f in fields(value)
                                      if not (isinstance(value, Source) and f.name == "data"))
    if names is not None:
        out = {}
        for name in names:
            v = getattr(value, name)
            out[name] = v if type(v) in _PLAIN else to_jsonable(v)  # most fields are plain: no call for them
        return out
    if isinstance(value, (list, tuple)):
        return [v if type(v) in _PLAIN else to_jsonable(v) for v in value]
    return value


_PLAIN = frozenset((str, int, float, bool, type(None)))


_FIELDS: dict[type, tuple[str, ...]] = {}
