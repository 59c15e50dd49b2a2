"""Parse a Document into a Cable: header, banner, front matter (E.O., TAGS, SUBJECT, REF,
Classified By), paragraphs, signer; then join the publisher's metadata, which wins where given."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from .errors import CableError, Problems
from .header import DTG, Header, dtg_time, parse_header
from .ids import canonical_id, id_place, is_canonical, known_place, make_id, origin_from_station, valid_id
from .model import Cable, Reference
from .paragraphs import (PARA_START, DASHES, heading_at, is_page_break, segment, find_summary,
                         split_glued_lines, split_marking, take_signer)
from .readers import PARTIAL_NOTICE, Document
from .tables import origins_by_routing_indicator, routing_indicators, tag_codes

Line = tuple[int, str]

def _spaced(word: str) -> str:
    return " ?".join(word)


# Tried only where a run of blanks starts, the blanks taken possessively: the banner may follow a tab, and a
# pattern tried at every column of a long run of tabs rescans the run each time (seconds for one 16 KB line).
# The first match is the same: a run admits a banner at its end if it follows one of [",>0-9] or holds a tab.
BANNER = re.compile(
    r"(?<!\s)(?:(?:^|(?<=[\",>0-9]))\s*+|[^\S\t]*+\t\s*+)"
    r"(?P<word>(?i:C?" + _spaced("CONFIDENTIAL") + "|S?" + _spaced("SECRET") + "|T?"
    + _spaced("TOP") + " " + _spaced("SECRET") + "|U?" + _spaced("UNCLASSIFIED") + ")|U?UNCLAS|NCLAS(?= )|LIMITED OFFICIAL USE)"
    r"(?![A-Za-z])(?P<rest>.*)$"
)
SECURITY_CLASS = {"UUUUU": "UNCLASSIFIED", "CCCCC": "CONFIDENTIAL", "SSSSS": "SECRET", "TTTTT": "TOP SECRET"}
BANNER_PLACE = re.compile(
    r"^[\s/A-Z]{0,40}?(?:S(?:ECTION|CTION|ECTON|ECTIO|ECION)\s*0*(?P<sec>\d+)\s+OF\s+0*(?P<of>\d+)\s+)?(?P<place>[A-Z][A-Z .'/-]{0,40}?[A-Z])\s+0*(?P<num>\d{1,6})(?!\d)"
)
EO = re.compile(r"^\s*(?:E\s?\.\s?O\s?\.?|EO)\s*(?P<order>1\d{4})\s*:?\s*(?P<v>.*)$", re.I)
# Keywords in capitals, or in any case with a colon (Tags: prel, pgov; Ref: STATE 12345).
TAGS = re.compile(r"^\s*(?:TAGS?\s*:?\s+|(?i:tags?)\s*:\s*)(?P<v>.*)$")
SUBJECT = re.compile(r"^\s*(?:SUBJECT|SUBJ)\s*:\s*(?P<v>.*)$", re.I)
REF = re.compile(r"^\s*(?:(?:REF|REFS|REFTEL|REFTELS|REFERENCE|REFERENCES|REF\(S\))\s*:?\s+"
                 r"|(?i:ref|refs|reftel|reftels|reference|references)\s*:\s*)(?P<v>.*)$")
CLASSIFIED_BY = re.compile(r"^\s*(?:\(U\)\s*)?CLASSIFIED\s+BY\s*:?\s*(?P<v>.*)$", re.I)
FIELDS = (("eo", EO), ("tags", TAGS), ("subject", SUBJECT), ("ref", REF), ("classified_by", CLASSIFIED_BY))

CAVEATS = ("SIPDIS", "NOFORN", "SENSITIVE BUT UNCLASSIFIED", "SENSITIVE", "EXDIS", "NODIS", "LIMDIS",
           "STADIS", "FOR OFFICIAL USE ONLY", "CORRECTED COPY", "NOT FOR INTERNET DISTRIBUTION",
           "ORCON", "PROPIN", "NOCONTRACT", "REL TO")
CAVEAT_WORDS = [(c, re.compile(rf"(?<![A-Z]){re.escape(c)}(?![A-Z])")) for c in CAVEATS if c != "CORRECTED COPY"]
TAG_TOKEN = re.compile(r"^[A-Z][A-Z0-9]{1,7}$")
PUBLISHER_CLASSES = ("UNCLASSIFIED", "UNCLASSIFIED//FOR OFFICIAL USE ONLY", "CONFIDENTIAL",
                     "CONFIDENTIAL//NOFORN", "SECRET", "SECRET//NOFORN")


FIELD_HEADS = frozenset("ETSRCtrsec(")
"""The characters a field's line can start with (after spaces): most lines are ruled out by the first."""


def field_of(s: str) -> tuple[str, re.Match] | None:
    if s.lstrip()[:1] not in FIELD_HEADS:
        return None
    for name, rx in FIELDS:
        m = rx.match(s)
        if m:
            return name, m
    return None


# --- the banner ---------------------------------------------------------------------------------

def find_banner(lines: list[Line]) -> tuple[int, int] | None:
    """Where the classification banner is: (line index, column); the line naming place and number wins."""
    first_plain = None
    for idx, (_, s) in enumerate(lines[:400]):
        for m in BANNER.finditer(s):
            rest = m.group("rest")
            if BANNER_PLACE.match(rest[:160].upper().replace("//", " ")):
                return idx, m.start("word")
            if first_plain is None and not rest.strip().startswith("PTQ") and m.group("word").isupper():
                following = " ".join(t for _, t in lines[idx + 1: idx + 10])
                if re.search(r"\b(?:E\.\s?O\.|EO 1|TAGS|SUBJECT)", following):
                    first_plain = (idx, m.start("word"))
            break
    return first_plain


def drop_repeated_block(lines: list[Line], banner: int) -> tuple[list[Line], bool]:
    """Keep once the banner-to-summary block that a WikiLeaks page prints twice."""
    text = lines[banner][1].strip()
    for k in range(banner + 1, min(len(lines), banner + 80)):
        s = lines[k][1]
        m = PARA_START.match(s)
        if m and split_marking(m.group("rest"))[0]:
            return lines, False
        if s.strip() == text:
            return lines[:banner] + lines[k:], True
    return lines, False


INLINE_FIELD = re.compile(r"(?<=\S)(?:\s*\"?(?=(?:TAGS|SUBJECT|E\.O\.)\s?:)|\s+\"?(?=REF\s?:))")


def split_banner_line(lines: list[Line], found: tuple[int, int]) -> int:
    """Cut the banner off what precedes it on its line, and fields that follow it; return its index."""
    idx, col = found
    num, s = lines[idx]
    before, banner = s[:col], s[col:]
    parts = [p for p in INLINE_FIELD.split(banner)]
    new = ([(num, before)] if before.strip() else []) + [(num, p) for p in parts]
    lines[idx: idx + 1] = new
    return idx + (1 if before.strip() else 0)


def locate_banner(lines: list[Line]) -> int | None:
    """Index of the banner line (split out of its line where needed), preferring one after the header."""
    found = find_banner(lines)
    if not found:
        return None
    banner_idx = split_banner_line(lines, found)
    if not any(DTG.match(t) for _, t in lines[:banner_idx]):
        # Some records print a banner first and the transmission header after it: use the next banner.
        nxt = find_banner(lines[banner_idx + 1:])
        if nxt and any(DTG.match(t) for _, t in lines[banner_idx + 1: banner_idx + 1 + nxt[0]]):
            banner_idx = split_banner_line(lines, (banner_idx + 1 + nxt[0], nxt[1]))
    return banner_idx


# An E.O. or TAGS field run on after other front-matter text ("... FOR ECON - TOM WHITE E.O. 12958: N/A").
MIDLINE_FIELD = re.compile(r"(?<=\S)\s+(?=(?:E\.\s?O\.\s?1\d{4}\b|TAGS\s?:\s))")


def split_inline_fields(lines: list[Line]) -> list[Line]:
    """Put fields that a damaged record ran together ("E.O. 12958: N/A TAGS: ...") on lines of their own."""
    out: list[Line] = []
    in_body = False
    for num, s in lines[:200]:
        in_body = in_body or bool(PARA_START.match(s))
        if not in_body and ("E.O" in s or "TAGS" in s) and not field_of(s):
            m = MIDLINE_FIELD.search(s)
            if m:
                out.append((num, s[: m.start()]))
                s = s[m.end():]
        if field_of(s) or BANNER.match(s):
            parts = INLINE_FIELD.split(s)
            out.extend((num, p) for p in parts)
        else:
            out.append((num, s))
    return out + lines[200:]


def undo_dump_escapes(lines: list[Line]) -> list[Line]:
    """Drop the backslash that a database dump left at the end of each line, where most lines have one."""
    ends = sum(1 for _, s in lines if s.endswith("\\"))
    if ends < 5 or ends * 3 < len(lines):
        return lines
    return [(n, s[:-1].rstrip() if s.endswith("\\") else s) for n, s in lines]


def caveats_in(s: str) -> list[str]:
    """The handling caveats named on one line (SIPDIS, NOFORN ...), in order."""
    found = []
    up = re.sub(r"\s+", " ", s.upper())
    spaced = up.replace(" ", "")
    if "CORRECTEDCOPY" in spaced:
        found.append((spaced.index("CORRECTEDCOPY"), "CORRECTED COPY"))
    for c, rx in CAVEAT_WORDS:
        for m in rx.finditer(up):
            if c == "SENSITIVE" and up[m.start():].startswith("SENSITIVE BUT"):
                continue
            found.append((m.start(), c))
    return [c for _, c in sorted(found)]


def only_caveats(s: str) -> bool:
    """True for a line that holds handling caveats and nothing else (SENSITIVE BUT UNCLASSIFIED.)."""
    found = caveats_in(s)
    if not found:
        return False
    rest = re.sub(r"\s+", " ", s.upper())
    for c in found:
        rest = rest.replace(c, " ", 1)
    return not re.sub(r"[\s.,;:/()-]+", "", rest.replace("C O R R E C T E D", "").replace("C O P Y", ""))


def classification_from_text(word: str, caveats: list[str], banner_rest: str) -> str:
    """Map a banner and its caveats to the publisher's six values."""
    w = word.replace(" ", "").upper()
    if len(w) > 2 and w[0] == w[1] and w[0] in "CSUT":
        w = w[1:]  # a doubled first letter (CC O N F ..., UUNCLAS) is a keying slip
    if w == "NCLAS":
        w = "UNCLAS"  # a first letter lost (NCLAS SECTION 01 OF 02 BRASILIA 001017)
    noforn = "NOFORN" in caveats or "NOFORN" in banner_rest.replace(" ", "")
    if w in ("UNCLAS", "UNCLASSIFIED"):
        # NOFORN limits an unclassified cable's readers as SENSITIVE does (UNCLAS E F T O ... NOFORN).
        sens = any(c in caveats for c in ("SENSITIVE", "SENSITIVE BUT UNCLASSIFIED", "FOR OFFICIAL USE ONLY",
                                          "NOFORN"))
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY" if sens or "SENSITIVE" in banner_rest else "UNCLASSIFIED"
    if w == "LIMITEDOFFICIALUSE":
        return "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    if w == "TOPSECRET":
        return "TOP SECRET//NOFORN" if noforn else "TOP SECRET"
    return f"{w}//NOFORN" if noforn else w


# --- front matter ---------------------------------------------------------------------------------

def read_front_matter(lines: list[Line], start: int) -> tuple[dict[str, list[Line]], list[str], int]:
    """Read the lines after the banner up to the body: fields, caveat lines; return where the body starts."""
    fields: dict[str, list[Line]] = {}
    caveats: list[str] = []
    current = None
    seen_subject = False
    i = start
    n = len(lines)
    while i < n:
        num, s = lines[i]
        st = s.strip()
        if is_page_break(s) or (st and DASHES.match(st) and not seen_subject):
            i += 1
            continue
        if not st:
            current = None if current != "tags" else current
            if seen_subject:
                j = i + 1
                while j < n and (not lines[j][1].strip() or is_page_break(lines[j][1])):
                    j += 1
                if j >= n or not (field_of(lines[j][1]) or only_caveats(lines[j][1])):
                    return fields, caveats, j
                # Lines i+1 to j-1 are blank or page breaks, which change nothing: going on from i+1 would
                # look ahead over the same blanks once for each (minutes for 50,000 blank lines before a REF).
                i = j
                continue
            i += 1
            continue
        f = field_of(s)
        if f and not (f[0] == "tags" and "tags" in fields):
            current, m = f
            if current == "tags" and "tags" in fields:
                current = None
            fields.setdefault(current, []).append((num, m.group("v")))
            seen_subject = seen_subject or current == "subject"
            i += 1
            continue
        pm = PARA_START.match(s)
        if pm and (seen_subject or split_marking(pm.group("rest"))[0]):
            return fields, caveats, i
        if seen_subject and current is None and heading_at(lines, i):
            return fields, caveats, i
        if current == "tags":
            tokens = [t for t in re.split(r"[\s,;]+", st) if t]
            if tokens and all(TAG_TOKEN.match(t) for t in tokens) and not field_of(s):
                fields["tags"].append((num, st))
                i += 1
                continue
            current = None
        if current in ("subject", "ref", "classified_by", "eo"):
            fields[current].append((num, st))
            i += 1
            continue
        if seen_subject and not only_caveats(st):
            return fields, caveats, i
        caveats.extend(caveats_in(st))
        i += 1
    return fields, caveats, n


def hyphen_wrap(before: str, after: str) -> bool:
    """True where a line ends in a hyphenated word that the next line completes (working-/level)."""
    return len(before) > 1 and before[-1] == "-" and before[-2].isalpha() and after[:1].isalpha()


def joined(parts: list[Line]) -> str:
    """Join a field's wrapped lines (hyphenated wraps without a space)."""
    out = ""
    for _, p in parts:
        p = p.strip()
        if not p:
            continue
        if not out:
            out = p
        elif hyphen_wrap(out, p):
            out += p
        else:
            out += " " + p
    return out


def parse_tags(text: str) -> tuple[list[str], list[str]]:
    """Split a TAGS line into codes, in order, without repeats; return (tags, repairs made)."""
    known = tag_codes()
    tags: list[str] = []
    repairs: list[str] = []
    # A parenthesis names a person or a subject as one tag: OVIP (STEINBERG, JAMES B.).
    tokens = []
    for m in re.finditer(r"\(([^()]*)\)|[^\s,;()]+", text):
        tokens.append(m.group(1).strip() if m.group(1) is not None else m.group(0))
    for tok in tokens:
        if " " in tok or "," in tok:
            if tok and tok not in tags:
                tags.append(tok)
            continue
        tok = tok.strip(".:()[]")
        if not tok:
            continue
        parts = [tok]
        up = tok.upper()
        if up in known:
            parts = [up]
        elif up.isalpha() and 4 < len(up) <= 24:
            split = split_glued(up, known)
            if split:
                parts = split
                repairs.append(f"{tok} -> {' '.join(split)}")
        for p in parts:
            if p not in tags:
                tags.append(p)
    return tags, repairs


def glued_codes(parts: list[str]) -> bool:
    """True for a split that reads as codes run together, not as a word cut into codes.

    Codes are glued around a subject code of four letters (ECONCS, PGOVLO); a split into short codes
    only is a word (RIGHTS: RI GH TS, PALESTINIAN: PAL ES TI NI AN). Two two-letter codes side by side
    may as well be one four-letter code the tables lack (ECIN read as EC IN): no split is made then.
    """
    if not any(len(p) >= 4 for p in parts):
        return False
    return not any(len(a) == 2 and len(b) == 2 for a, b in zip(parts, parts[1:]))


def split_glued(tok: str, known: frozenset[str]) -> list[str] | None:
    """Split glued codes (PRELPGOV) when exactly one split into known codes exists and it is not a word."""
    ways: list[list[str]] = []

    def walk(rest: str, acc: list[str]) -> None:
        if len(ways) > 1:
            return
        if not rest:
            ways.append(acc)
            return
        for k in range(2, min(7, len(rest)) + 1):
            head = rest[:k]
            if head in known:
                walk(rest[k:], acc + [head])

    walk(tok, [])
    return ways[0] if len(ways) == 1 and len(ways[0]) > 1 and glued_codes(ways[0]) else None


REF_ITEM = re.compile(
    r"(?:(?<=[\s;,])|^)(?:\((?P<p>[A-Za-z])\)\s*|(?P<letter>[A-Za-z])[.):]\s+)(?:\(?(?:(?P=letter)|(?P=p))[.):]\s+)?"
)
REF_CABLE = re.compile(
    r"\s*(?:(?P<y1>\d{2}|\d{4})\s*)?(?P<place>[A-Z][A-Z .]{0,30}?[A-Z])\s+0*(?P<num>\d{1,6})\b"
)


def parse_references(text: str, year: int | None) -> list[Reference]:
    """Split the REF line into items and resolve those that name a cable."""
    text = re.sub(r"¶\s?(?=[A-Z][.):])", "", text).strip()  # the publisher's pilcrows before item letters
    marks = list(REF_ITEM.finditer(text))
    items: list[tuple[str | None, str]] = []
    letter_of = lambda m: m.group("letter") or m.group("p")  # noqa: E731
    if marks and marks[0].start() == 0 and letter_of(marks[0]) in "Aa":
        expected = letter_of(marks[0])
        cuts = []
        for m in marks:
            if letter_of(m) == expected:
                cuts.append(m)
                expected = chr(ord(expected) + 1)
        for k, m in enumerate(cuts):
            end = cuts[k + 1].start() if k + 1 < len(cuts) else len(text)
            items.append((letter_of(m), text[m.end():end].strip().rstrip(";,")))
    else:
        items.extend((None, part) for part in split_mentions(text))
    refs = []
    for letter, item in items:
        refs.append(Reference(letter, item, cable_id_in(item, year)))
    return refs


MENTION_GAP = re.compile(r"[\s;,(]+")
# Tried only where a run of separators starts, taken possessively: "[\s;,]*(?:\bAND\b)?[\s;,]*$" tried every
# way of sharing a run between its two halves, from every column of the run (minutes for a run of 5,000).
# The match is the same, since one from inside a run also matches from the run's start.
TRAILING_AND = re.compile(r"(?<![\s;,])[\s;,]*+(?:\bAND\b)?[\s;,]*+$")


def split_mentions(text: str) -> list[str]:
    """Split an unlettered REF naming several cables ("STATE 297614 AND PREVIOUS 03 RANGOON 1427")."""
    starts = []
    pos = 0
    up = text.upper()
    while pos < len(text):
        m = REF_CABLE.match(up, pos)
        if m and known_place(m.group("place").rstrip(". ")):
            starts.append(pos)
            pos = m.end()
        # Searched from pos, not in up[pos:]: a copy of the rest for every word is quadratic in a long REF.
        nxt = MENTION_GAP.search(up, pos)
        if not nxt:
            break
        pos = nxt.end()
    if len(starts) < 2:
        return [text]
    starts[0] = 0
    bounds = starts + [len(text)]
    parts = [text[a:b].strip() for a, b in zip(bounds, bounds[1:])]
    return [TRAILING_AND.sub("", p) for p in parts if p]


def cable_id_in(item: str, year: int | None) -> str | None:
    """The canonical id of the cable a REF item names (BEIJING 1672 -> 07BEIJING1672), if any."""
    m = REF_CABLE.match(item.upper())
    if not m:
        return None
    place = known_place(m.group("place").rstrip(". "))
    if not place:
        return None
    y = m.group("y1")
    if y:
        ry = int(y)
    elif year is not None:
        ry = year
    else:
        return None
    return make_id(ry, place, m.group("num"))


SECTION_NUMBER = re.compile(r"\b1\s?\.\s?([45])\b")
REASON_LETTER = re.compile(r"(?:[\s(),/&+;-]|and\b|AND\b)*([a-hA-H])(?![A-Za-z])\)?")


def parse_reasons(text: str) -> list[str]:
    """Normalise "Reasons 1.4 (b/d)" to ["1.4(b)", "1.4(d)"]."""
    out: list[str] = []
    for m in SECTION_NUMBER.finditer(text):
        # Matched from a position, not in a copy of the rest: a copy per letter is quadratic in a long line.
        pos = m.end()
        while True:
            lm = REASON_LETTER.match(text, pos)
            if not lm:
                break
            r = f"1.{m.group(1)}({lm.group(1).lower()})"
            if r not in out:
                out.append(r)
            pos = lm.end()
    return out


# Blanks are taken possessively and only from where a run of them starts (or from the punctuation before it):
# tried at every column of a long run of blanks, each try rescanned the rest of the run. The first match is
# the same, since a match from inside a run also matches from the run's start.
REASONS_START = re.compile(
    r"(?:[,.;:]|(?<!\s))\s*+(?:\bfor\s+)?\breasons?\b|(?:[,.;]|(?<!\s))\s*+\bE\.\s?O\.|\b1\s?\.\s?[45]\b", re.I
)


def split_classified_by(text: str) -> str | None:
    """The classifying official, without the reasons that follow."""
    m = REASONS_START.search(text)
    who = text[: m.start()] if m else text
    who = who.strip(" ,.;:-")
    return who or None


def parse_declassify(value: str) -> str | None:
    """ "DECL: 05/15/2032" -> 2032-05-15; N/A, OADR and other forms kept as written."""
    v = value.strip().rstrip(".")
    m = re.search(r"(?:DECL\s*:?\s*)+(?P<d>.*)$", v, re.I)  # DECL: DECL: 06/09/2016 is keyed twice
    d = (m.group("d") if m else v).strip().rstrip(".")
    if not d:
        return None
    for rx, order in ((r"^(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})$", "mdy"), (r"^(\d{4})/(\d{1,2})/(\d{1,2})$", "ymd")):
        dm = re.match(rx, d)
        if dm:
            a, b, c = dm.groups()
            y, mo, dd = (c, a, b) if order == "mdy" else (a, b, c)
            yy = int(y)
            if yy < 100:
                yy += 2000 if yy < 66 else 1900
            try:
                return date(yy, int(mo), int(dd)).isoformat()
            except ValueError:
                return d
    return d


# --- the whole cable ------------------------------------------------------------------------------

def parse_document(doc: Document, problems: Problems | None = None) -> Cable:
    """Parse one Document into a Cable; raise CableError when no cable can be recognised."""
    problems = problems if problems is not None else Problems()
    path = doc.source.path
    for line, msg in doc.notes:
        problems.add(path, line, msg)
    raw_lines = doc.text.split("\n")
    lines: list[Line] = [(doc.first_line + k, s.rstrip()) for k, s in enumerate(raw_lines)]
    partial = False
    # One slice, not pop(0) per blank line: each pop shifts the whole list (seconds for 160,000 blank lines).
    lines = lines[next((k for k, (_, s) in enumerate(lines) if s.strip()), len(lines)):]
    if lines and lines[0][1].strip().startswith(PARTIAL_NOTICE):
        partial = True
        lines.pop(0)
    if not lines:
        raise CableError("no cable text: the file holds only blank lines", doc.first_line)

    lines = split_inline_fields(split_glued_lines(undo_dump_escapes(lines)))
    banner_idx = locate_banner(lines)
    if banner_idx is None:
        banner_idx = next((k for k, (_, s) in enumerate(lines) if field_of(s) and field_of(s)[0] in
                           ("eo", "tags", "subject")), None)
        if banner_idx is None:
            if any(DTG.match(t) or t.startswith("VZCZC") for _, t in lines):
                raise CableError("only a transmission header: the text ends before the classification "
                                 "banner and body; the file may be truncated", lines[-1][0])
            raise CableError("no recognisable cable: no classification banner, DTG, TAGS or SUBJECT line",
                             lines[0][0])
        problems.add(path, lines[banner_idx][0], "no classification banner before the front matter")
        has_banner = False
    else:
        has_banner = True
        lines, repeated = drop_repeated_block(lines, banner_idx)
    # From its first to its last line that is not blank, by one slice: pop(0) per blank line is quadratic in the
    # blank lines that can follow a partial-extract notice.
    kept = [k for k, (_, s) in enumerate(lines[:banner_idx]) if s.strip()]
    header_lines = lines[kept[0]: kept[-1] + 1] if kept else []
    h = parse_header(header_lines)
    if not h.dtg:
        for n, s in header_lines:
            m = DTG.match(s)
            if m:
                h.dtg, h.created = s.strip(), dtg_time(m)
                break
    if h.dated_time and h.created and h.dated_time != h.created:
        problems.add(path, None, f"the date line ({h.dated}) and the DTG ({h.dtg}) disagree; the DTG is followed")
    elif h.dated_time and not h.created:
        h.created = h.dated_time

    banner_line = lines[banner_idx][1] if has_banner else ""
    bm = BANNER.match(banner_line) if has_banner else None
    if has_banner and not bm:
        has_banner = False
    banner = re.sub(r"\s+", " ", bm.group("word")).strip() if bm else None
    banner_rest = bm.group("rest").upper() if bm else ""
    pm = BANNER_PLACE.match(banner_rest[:160].replace("//", " ")) if bm else None
    sections = int(pm.group("of")) if pm and pm.group("of") else 1

    body_from = banner_idx + 1 if has_banner else banner_idx
    fields, caveat_lines, body_start = read_front_matter(lines, body_from)
    for num, s in header_lines:
        # Damaged records carry TAGS or SUBJECT among the header lines.
        f = field_of(s)
        if f and f[0] in ("tags", "subject", "ref") and f[0] not in fields:
            fields[f[0]] = [(num, f[1].group("v"))]
    caveats: list[str] = []
    for c in caveats_in(banner_rest) + caveat_lines:
        if c not in caveats:
            caveats.append(c)

    # Identity: the publisher's, else the text's.
    meta = doc.meta
    created = meta.get("created") or h.created
    year = int(created[:4]) if created else None
    text_id = None
    if pm and re.fullmatch(r"X+", pm.group("place").replace(" ", "")):
        pm = None  # a place redacted by the publisher's partners
    bplace = plain_place(pm.group("place")) if pm else None
    spliced = bool(pm and h.station and h.station.message_number
                   and int(pm.group("num")) % 10000 != h.station.message_number % 10000)
    if spliced:
        problems.add(path, lines[banner_idx][0],
                     f"the banner names message {int(pm.group('num'))} but the DE line names "
                     f"{h.station.message_number}: the record may join two cables; the header is followed")
    if pm and year is not None and not spliced:
        text_id = make_id(year, bplace, pm.group("num"))
    elif h.station and h.station.message_number and year is not None:
        place = banner_place_from_station(h)
        if place:
            text_id = make_id(year, place, h.station.message_number)
    aliases: tuple[str, ...] = ()
    if meta.get("id"):
        cid, repaired = canonical_id(meta["id"])
        junk = GLUED_JUNK.fullmatch(meta["id"])
        if junk and text_id and text_id == junk.group("year") + junk.group("rest"):
            cid, aliases = text_id, (meta["id"],)
            problems.add(path, None, f"publisher id {meta['id']} repaired to {cid}, as the banner gives it")
        elif junk:
            cid = meta["id"]  # the banner does not confirm a repair: the publisher's id stands
        elif repaired and not is_canonical(meta["id"]):
            problems.add(path, None, f"publisher id {meta['id']} repaired to {cid}")
    elif text_id:
        cid = text_id
    else:
        cid = id_from_filename(path, bplace, pm.group("num") if pm else None)
        if cid:
            if year is None:
                year = 2000 + int(cid[:2]) if int(cid[:2]) < 66 else 1900 + int(cid[:2])
            problems.add(path, None, f"the text gives no year for its id; {cid} taken from the file name")
        else:
            raise CableError("cannot tell the cable's id: no publisher id, no DTG and no banner number",
                             lines[banner_idx][0])
    if not valid_id(cid):
        # The id names the cable's folder and files: one with any other character ("X/../..") is refused here,
        # before anything can build a path from it.
        given = meta.get("id") or cid
        raise CableError(f"the id {given[:80]!r}{'...' if len(given) > 80 else ''} is not a cable id (two digits "
                         "of the year, then capital letters and digits, like 07BEIJING3239); the cable is refused",
                         doc.first_line)

    classification = meta.get("classification")
    if not classification and spliced and h.security:
        word = SECURITY_CLASS.get(h.security.split()[1]) if len(h.security.split()) > 1 else None
        classification = word
    if not classification and has_banner:
        classification = classification_from_text(bm.group("word").upper(), caveats, banner_rest)
    elif not classification and h.security:
        word = SECURITY_CLASS.get(h.security.split()[1]) if len(h.security.split()) > 1 else None
        if word:
            classification = classification_from_text(word, caveats, "")
    origin = meta.get("origin") or origin_from_text(h, bplace)

    tags_text = joined(fields.get("tags", [])) or None
    tags, repairs = parse_tags(tags_text or "")
    if meta.get("tags"):
        tags = []
        for t in meta["tags"]:
            if t not in tags:
                tags.append(t)
    for r in repairs:
        problems.add(path, fields["tags"][0][0], f"TAGS repaired: {r}")

    subject = joined(fields.get("subject", [])) or None
    refs = parse_references(joined(fields["ref"]), year) if fields.get("ref") else []
    cb_text = joined(fields.get("classified_by", []))
    classified_by = split_classified_by(cb_text) if cb_text else None
    reasons = parse_reasons(cb_text) if cb_text else []
    eo_text = joined(fields.get("eo", []))
    declassify_on = parse_declassify(eo_text) if eo_text else None

    body = lines[body_start:]
    body, signer = take_signer(body)
    paragraphs = segment(body)
    summary = find_summary(paragraphs)
    if not paragraphs:
        problems.add(path, lines[-1][0], "no body text after the front matter; the cable may be truncated")
    elif not signer and not partial and paragraphs[-1].text and not re.search(r"[.!?)\"'\]:]$", paragraphs[-1].text):
        problems.add(path, paragraphs[-1].line, "the text ends mid-sentence with no signature; the cable may be truncated")
    if not created:
        problems.add(path, None, "no creation time: no publisher date, no DTG and no date line")

    return Cable(
        id=cid,
        created=created,
        released=meta.get("released"),
        dtg=h.dtg,
        precedence=h.precedence,
        origin=origin,
        station=h.station,
        to=tuple(h.to),
        info=tuple(h.info),
        classification=classification,
        banner=banner,
        caveats=tuple(caveats),
        sections=sections,
        tags=tuple(tags),
        tags_as_written=tags_text,
        subject=subject,
        references=tuple(refs),
        classified_by=classified_by,
        reasons=tuple(reasons),
        declassify_on=declassify_on,
        signer=signer,
        summary=summary,
        paragraphs=tuple(paragraphs),
        header=tuple(s for _, s in header_lines),
        partial=partial,
        source=doc.source,
        subject_line=fields["subject"][0][0] if fields.get("subject") else None,
        aliases=aliases,
    )


# What a publisher's id parser glued between the year and the place: the banner's SECTION line (as misspelt
# in it) or a handling word or sender before the place (08SCTION02OF02SAOPAULO335, 09EFTOLONDON2211).
GLUED_JUNK = re.compile(r"(?P<year>\d{2})(?:S(?:ECTION|CTION|ECTON|ECTIO|ECION)\d+OF\d+|EFTO|AMEMBASSY|AMCONSUL)"
                        r"(?P<rest>[A-Z]+[1-9]\d*)")
HANDLING_WORDS = frozenset(("EFTO", "SENSITIVE", "SIPDIS", "NOFORN", "LIMDIS", "EXDIS", "NODIS"))


def plain_place(place: str) -> str:
    """The banner's place without a handling word written before it (E F T O LONDON -> LONDON)."""
    if known_place(place):
        return place
    words = place.split()
    for k in range(1, len(words)):
        if "".join(words[:k]) in HANDLING_WORDS and known_place(" ".join(words[k:])):
            return " ".join(words[k:])
    return place


def banner_place_from_station(h: Header) -> str | None:
    name = h.fm or (routing_indicators().get(h.station.routing_indicator) if h.station else None)
    if not name:
        return None
    if name.startswith("SECSTATE"):
        return "STATE"
    for prefix in ("AMEMBASSY ", "AMCONSUL ", "USMISSION ", "USINT "):
        if name.startswith(prefix):
            return name[len(prefix):]
    return None


def origin_from_text(h: Header, place: str | None) -> str | None:
    """The publisher's origin wording, from the FM line, the DE routing indicator or the banner's place."""
    origin = origin_from_station(h.fm)
    if origin:
        return origin
    if h.station and h.station.routing_indicator:
        ri = h.station.routing_indicator
        origin = origins_by_routing_indicator().get(ri) or origin_from_station(routing_indicators().get(ri))
        if origin:
            return origin
    if place:
        place = re.sub(r"\s+", " ", place).strip()
        if place in ("STATE", "SECSTATE"):
            return "Secretary of State"
        for prefix in ("AMEMBASSY ", "AMCONSUL ", "USMISSION "):
            origin = origin_from_station(prefix + place)
            if origin and (prefix + place) in set(routing_indicators().values()):
                return origin
        return origin_from_station("AMEMBASSY " + place)
    return None


def id_from_filename(path: str, place: str | None, num: str | None) -> str | None:
    """A canonical id in the file name, used only when it agrees with the banner's place and number."""
    stem = Path(path).name.split(".")[0]
    cid, _ = canonical_id(stem)
    if not is_canonical(cid):
        return None
    if place and num and not cid.endswith(id_place(place) + str(int(num))):
        return None
    return cid
