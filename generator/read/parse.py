"""Parse a Document into a Cable: header, banner, front matter (E.O., TAGS, SUBJECT, REF,
Classified By), paragraphs, signer; then join the publisher's metadata, which wins where given."""

from __future__ import annotations

import hashlib
import re
from dataclasses import replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from ..errors import CableError, Problems
from .header import DTG, Header, dtg_time, parse_header
from ..ids import canonical_id, id_place, is_canonical, known_place, make_id, origin_from_station, valid_id
from ..model import Cable, Paragraph, Reference, Snapshot
from .paragraphs import (PARA_START, PORTION, DASHES, heading_at, is_page_break, page_break, segment, find_summary,
                         split_glued_lines, split_marking, take_signer)
from .readers import PARTIAL_NOTICE, Document
from ..tables import (origins_by_fm_line, origins_by_routing_indicator, routing_indicators, station_places,
                     tag_codes)

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
REF = re.compile(r"^\s*(?:(?:REF|REFS|REFTEL|REFTELS|REFERENCE|REFERENCES|REF\(S\))\s*:?\s+|REFS?\.{3}\s*"
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


# The corrected-copy caveat first on its line, a field maybe after it ("C O R R E C T E D  C O P Y REF: ...").
CORRECTED_COPY_FIRST = re.compile(r"^\s*C\s?O\s?R\s?R\s?E\s?C\s?T\s?E\s?D\s+C\s?O\s?P\s?Y\b")
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
        if field_of(s) or BANNER.match(s) or CORRECTED_COPY_FIRST.match(s):
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

# Where another field or the body starts inside a field's line, on a page that lost its line ends ("SUBJECT: ...
# REF: A. TEL AVIV 03385", "REF: CAIRO 1725Classified By: ...", "... reasons 1.4 (b) and (d) 1.(S) Summary").
# Each alternative is a group, so that the field decides which of them may end it (see RUNON_ENDS).
# "E.O. 12958" before a reason (Classified By: ... Reason: E.O. 12958 1.4 (d)) cites the order: no E.O. field.
RUNON = re.compile(
    r"(?:^\s*|(?<=\S)\s+|(?<=\d)(?=Classified|CLASSIFIED)|(?<=[A-Z])(?=REFS?:\s*$))(?="
    r"(?P<ref>(?:REFS?|REFTELS?|Refs?|Reftels?)\s?:(?:\s|$)|REFS?\s+(?:\d{2}\s+)?[A-Z][A-Z.' -]*\s0*\d{1,6}\b)"
    r"|(?P<sbu>(?:\(U\)\s+)?(?i:(?:this\s+(?:cable|message|telegram)\s+is\s+)?sensitive\s+but\s+unclassified)\b)"
    r"|(?P<classified_by>(?:CLASSIFIED|Classified)\s+(?:BY|By|by)\b)"
    r"|(?P<derived>(?:DERIVED|Derived)\s+(?:FROM|From|from)\s?:)"
    r"|(?P<field>(?:TAGS|SUBJECT)\s?:\s|E\.\s?O\.\s?1\d{4}\b(?!,?\s*(?:SEC(?:TION|\.)?\s*)?1\s?\.\s?[45]))"
    r"|(?P<para>1\s?\.\s?(?:\((?P<mark>[^()\s]{1,12})\)|(?P<word>[A-Z][a-z]+)))"
    r"|(?P<marked>\((?P<pmark>[^()\s]{1,12})\)\s+[A-Z][a-z])"
    r"|(?P<framed>-{4,}\s*[A-Za-z][^-]{0,80}?\s-{4,})"
    r"|(?P<underlined>(?<=[.)]\s)\s*[A-Z][A-Za-z ]{2,40}?\s-{4,}\s*$)"
    r")"
)
RUNON_ENDS = {
    "subject": ("ref", "sbu", "classified_by", "derived", "field", "para"),
    "ref": ("sbu", "classified_by", "derived", "field", "para", "word", "marked", "framed", "underlined"),
    "classified_by": ("ref", "derived", "field", "para", "word", "marked", "framed", "underlined"),
}
"""Which run-on starts end which field: a subject ends only where a field or a marked paragraph starts."""
CLASSIFIER = re.compile(r"^\s*(?:CLASSIFIED|Classified)\s+(?:BY|By|by)\s*:|\b(?:REASONS?|Reasons?|reasons?)\b"
                        r"|\b1\s?\.\s?[45]\b")


def runon_at(field: str, text: str) -> int | None:
    """Where in a field's line another field or the body starts, if it does."""
    ends = RUNON_ENDS.get(field)
    if not ends or not text:
        return None
    for m in RUNON.finditer(text):
        kind = next(k for k in ("ref", "sbu", "classified_by", "derived", "field", "para", "marked", "framed",
                                "underlined") if m.group(k))
        if kind == "para":
            mark = m.group("mark")
            if mark is None:
                kind = "word"
            elif not PORTION.match(mark.upper()):
                continue
        if kind not in ends:
            continue
        if kind == "marked" and not marked_paragraph(field, m.group("pmark")):
            continue
        # "Classified by" inside a subject may be words of it: it ends the subject only as the field, with its
        # colon or the reasons that follow.
        if kind == "classified_by" and field == "subject" and not CLASSIFIER.search(text[m.start("classified_by"):]
                                                                                      [:300]):
            continue
        return m.start(kind if kind != "word" else "para")
    return None


def marked_paragraph(field: str, mark: str) -> bool:
    """Whether "(X) Word" after a field's text is the body's first paragraph: a portion marking before a word in
    mixed case (a REF item may say "12/12/08 (U) EMAIL FROM POLOFF"), and in a REF line not a lone letter, which
    may be the next item's ((C) San Jose 01713)."""
    up = mark.upper()
    if not PORTION.match(up):
        return False
    return field != "ref" or len(up) > 1 or up == "U"


def page_footer(s: str) -> bool:
    """A line that is only a classification word (with a PTQ serial): the foot or head of a page."""
    if len(s) > 60:
        return False
    m = BANNER.match(s)
    return bool(m) and (not m.group("rest").strip() or m.group("rest").strip().startswith("PTQ"))


def next_ref_item(ref: list[Line], s: str) -> bool:
    """Whether a line after a blank continues the REF with its next item letter (REF: A. ... / blank / B. ...)."""
    letters = re.findall(r"(?:^|[\s;,¶])\(?([A-Za-z])[.):]\s", " " + " ".join(t for _, t in ref))
    if not letters:
        return False
    nxt = chr(ord(letters[-1]) + 1)
    return re.match(r"^\s*¶?\s*\(?" + nxt + r"[.):]\s", s) is not None


REASONS_LINE = re.compile(r"^\s*\(?\s*1\s?\.\s?[45]\b")
# "C O R R E C T E D C O P Y (Update Text Paragraph 12)": the caveat with the publisher's note of what changed.
CORRECTED_COPY = re.compile(r"^\s*C\s?O\s?R\s?R\s?E\s?C\s?T\s?E\s?D\s+C\s?O\s?P\s?Y\s*(?:\([^()]{0,80}\))?\s*\.?\s*$")
# Lines between two fields that continue neither: an office line (DEPT FOR WHA/CEN ..., NSC FOR ...), what is
# left of a page line (ROME 00001...), the publisher's "..." where it cut a page's head.
NOT_CONTINUATION = re.compile(r"^[A-Z][A-Z/&. -]{0,30}\bFOR\b|\b0\d{4,}|^\.{3}$")
BETWEEN_LINES = 3
"""At most this many lines stand between two fields, after a blank line, as the first field's end."""


# "Sensitive but Unclassified. Please handle accordingly.", "(U) THIS CABLE IS SENSITIVE BUT UNCLASSIFIED AND NOT
# FOR INTERNET DISTRIBUTION.", "SENSITIVE BUT UNCLASSIFIED--PLEASE PROTECT ACCORDINGLY": the caveat as a sentence.
SBU_SENTENCE = (r"\s*(?:\(U\)\s*)?(?:this\s+(?:cable|message|telegram)\s+is\s+)?sensitive\s+but\s+unclassified\b"
                r"(?:[\s.,;:-]*(?:and\s+)?not\s+for\s+internet\s+distribution)?"
                r"(?:[\s.,;:-]*(?:please\s+)?(?:handle|protect|treat)(?:\s+accordingly)?)?[\s.,;:-]*")
SBU_NOTICE = re.compile("^" + SBU_SENTENCE, re.I)
"""The caveat's sentence at the start of a line, maybe with more after it."""
SBU_LINE = re.compile("^(?:" + SBU_SENTENCE + r"|\s*accordingly[\s.]*)$", re.I)
"""A line that is only the caveat's sentence, or its end wrapped to the next line (PLEASE HANDLE / ACCORDINGLY.)."""


def caveat_line(s: str) -> bool:
    """A line of handling caveats alone, the corrected-copy caveat with its note, or the SBU caveat as a
    sentence."""
    return only_caveats(s) or bool(CORRECTED_COPY.match(s) or SBU_LINE.match(s))


def split_notice(lines: list[Line], i: int) -> bool:
    """Put what follows the SBU caveat's sentence on its line (REF: ..., the body) on a line of its own after it;
    return whether the line was split."""
    num, s = lines[i]
    m = SBU_NOTICE.match(s)
    if not m or m.end() == len(s) or field_of(s):
        return False
    lines[i: i + 1] = [(num, s[: m.end()].rstrip()), (num, s[m.end():])]
    return True


def skippable(s: str) -> bool:
    """A line that changes nothing in the front matter: blank, a page line or a page foot."""
    return not s.strip() or bool(is_page_break(s)) or page_footer(s)


def between_fields(lines: list[Line], j: int) -> int | None:
    """Where the next field starts, if lines[j] begins a few short lines (a field's end cut off by a blank line,
    an office line) that another field follows (SUBJECT: ... / blank / REGION / blank / REF: ...); else None."""
    k, run, cuts, n = j, 0, 0, len(lines)
    while k < n and not field_of(lines[k][1]):
        s = lines[k][1]
        if skippable(s):
            k += 1
            continue
        run += 1
        cuts += s.strip() == "..."
        if run > BETWEEN_LINES or len(s) > 200 or PARA_START.match(s) or heading_at(lines, k) or caveat_line(s):
            return None
        k += 1
    if k >= n or run == 0:
        return None
    # The publisher's "..." where it cut a page's head, before the subject printed again (09ROME438).
    wanted = ("ref", "classified_by", "subject") if cuts == run else ("ref", "classified_by")
    return k if field_of(lines[k][1])[0] in wanted else None


def continues(field: str | None, parts: list[Line], s: str) -> bool:
    """Whether a line between two fields ends the first: the subject's end in its case, or any REF or Classified
    By text; an office line or a page line's rest continues none."""
    if field not in ("subject", "ref", "classified_by") or NOT_CONTINUATION.search(s.strip()):
        return False
    if field == "subject":
        text = joined(parts)
        return not (text.isupper() or not re.search(r"[a-z]", text)) or not re.search(r"[a-z]", s)
    return True


def framed_heading_at(lines: list[Line], i: int) -> bool:
    """Whether a dashed line starts a heading framed on three lines (------- / SUMMARY / -------)."""
    return bool(DASHES.match(lines[i][1])) and i + 1 < len(lines) and bool(heading_at(lines, i + 1))


def unfinished(field: str, parts: list[Line], s: str, broken: bool) -> bool:
    """Whether a Classified By line that has not given its reasons yet goes on after blank lines: over a page
    break ("..., REASONS" / page line / "1.4 (B) AND (D).") with a line that gives them, or with a line that is
    only them ("... Aubrey Carlson. Reasons" / blank / "1.4 (b/d).")."""
    if field != "classified_by" or parse_reasons(joined(parts)):
        return False
    if field_of(s) or PARA_START.match(s) or only_caveats(s) or not parse_reasons(s):
        return False
    return broken or bool(REASONS_LINE.match(s)) and len(s.strip()) <= 80


def take_field_text(lines: list[Line], i: int, field: str, text: str, first: bool) -> tuple[str, bool]:
    """A field's text on line i without what runs on after it; what runs on is put on a line of its own after
    line i, read next (a continuation line that starts with it is left to be read anew). Return (text, whether
    something ran on)."""
    cut = runon_at(field, text)
    if cut is None:
        return text, False
    if cut == 0 and not first:
        return "", True
    num = lines[i][0]
    lines.insert(i + 1, (num, text[cut:].lstrip()))
    return text[:cut].rstrip(), True


def same_text(a: str, b: str) -> bool:
    return " ".join(a.split()) == " ".join(b.split())


def printed_again(text: str, line: str) -> str | None:
    """If `line` is how `text` (a field's text) begins, the rest of the text still to come; else None."""
    a, b = " ".join(text.split()), " ".join(line.split())
    return a[len(b):].strip() if b and a.startswith(b) else None


def read_front_matter(lines: list[Line], start: int) -> tuple[dict[str, list[Line]], list[str], int]:
    """Read the lines after the banner up to the body: fields, caveat lines; return where the body starts.

    The list may grow: what runs on after a field on its line is put on a line of its own (take_field_text)."""
    fields: dict[str, list[Line]] = {}
    caveats: list[str] = []
    current = None
    last = None  # the field that took the last line
    again = None  # the rest of a subject being printed again
    seen_subject = False
    i = start
    n = len(lines)
    while i < n:
        num, s = lines[i]
        st = s.strip()
        if st and (skippable(s) or DASHES.match(st) and not seen_subject):
            i += 1
            continue
        if not st:
            j = i + 1
            broken = False
            while j < n and skippable(lines[j][1]):
                broken = broken or bool(lines[j][1].strip())
                j += 1
            if j < n and current == "ref" and next_ref_item(fields["ref"], lines[j][1]):
                i = j  # REF items after a blank line
                continue
            if j < n and current and unfinished(current, fields[current], lines[j][1], broken):
                i = j  # Classified By wrapped over a page break or a blank line
                continue
            if j < n and current == "subject" and not joined(fields["subject"]) and not field_of(lines[j][1]):
                i = j  # "SUBJECT:" alone, its text after a blank line
                continue
            k = between_fields(lines, j) if seen_subject and j < n and not field_of(lines[j][1]) else None
            if k is not None:
                # A field's end cut off by a blank line, or office lines, before the next field.
                for num2, t in lines[j:k]:
                    if not skippable(t) and continues(last, fields.get(last, []), t):
                        fields[last].append((num2, t.strip()))
                current, i = None, k
                continue
            current = None if current != "tags" else current
            if seen_subject and (j >= n or not (field_of(lines[j][1]) or caveat_line(lines[j][1]))):
                return fields, caveats, j
            # Lines i+1 to j-1 are blank, page breaks or page feet, which change nothing: going on from i+1 would
            # look ahead over the same blanks once for each (minutes for 50,000 blank lines before a REF).
            i = j
            continue
        f = field_of(s)
        if f and not (f[0] == "tags" and "tags" in fields):
            current, m = f
            if current == "tags" and "tags" in fields:
                current = None
            value, ran_on = take_field_text(lines, i, current, m.group("v"), True)
            n = len(lines)
            again = None
            if current == "subject" and "subject" in fields:
                again = printed_again(joined(fields["subject"]), value)
                if again is not None:
                    value = ""  # the subject printed again after the front matter (06PARIS7579), maybe wrapped
            if current == "ref" and "ref" in fields and not only_a_label(fields["ref"]):
                fields["ref"].append((num, ""))  # a REF line of its own: an empty part parts it from the items before
            fields.setdefault(current, []).append((num, value))
            last = current
            seen_subject = seen_subject or current == "subject"
            current = None if ran_on else current
            i += 1
            continue
        pm = PARA_START.match(s)
        if pm and (seen_subject or split_marking(pm.group("rest"))[0]):
            return fields, caveats, i
        if current is None and split_notice(lines, i):
            n = len(lines)
            continue
        if seen_subject and current is None and heading_at(lines, i):
            return fields, caveats, i
        if current and framed_heading_at(lines, i):
            return fields, caveats, i  # ------- / SUMMARY / -------: the body's first heading ends the field
        if current == "tags":
            tokens = [t for t in re.split(r"[\s,;]+", st) if t]
            if tokens and all(TAG_TOKEN.match(t) for t in tokens) and not field_of(s):
                fields["tags"].append((num, st))
                i += 1
                continue
            current = None
        if current == "subject" and again:
            rest = printed_again(again, st)
            if rest is not None:
                again = rest  # the repeated subject's next line
                i += 1
                continue
        if current in ("subject", "ref", "classified_by", "eo"):
            value, ran_on = take_field_text(lines, i, current, st, False)
            n = len(lines)
            if not value:
                current = None  # the line starts what ends the field (DERIVED FROM:, the body): read it anew
                continue
            fields[current].append((num, value))
            last = current
            current = None if ran_on else current
            i += 1
            continue
        if seen_subject and not caveat_line(st):
            return fields, caveats, i
        caveats.extend(caveats_in(st))
        i += 1
    return fields, caveats, n


def ref_parts(lines: list[Line]) -> list[list[Line]]:
    """The REF lines in the parts that REF keywords of their own begin (an empty line parts them)."""
    parts: list[list[Line]] = [[]]
    for num, t in lines:
        if t.strip():
            parts[-1].append((num, t))
        elif parts[-1]:
            parts.append([])
    return [p for p in parts if p]


def only_a_label(ref: list[Line]) -> bool:
    """Whether the last part of the REF lines is nothing yet or an item's letter alone (REF: A. REF: LAGOS 066)."""
    parts = ref_parts(ref)
    return not parts or re.fullmatch(r"\(?[A-Za-z]?[.):]?", joined(parts[-1])) is not None


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


# An item's letter: "A.", "A)", "(A)", "A:", written "REF A:" by some posts; "A)STATE 104800", "D.07 MANAMA 1070"
# without a space, "(C )SAN JOSE 01713" with one inside.
REF_ITEM = re.compile(
    r"(?:(?<=[\s;,])|^)(?:REF\s+)?(?:\(\s?(?P<p>[A-Za-z])\s?\)\s*"
    r"|(?P<letter>[A-Za-z])(?:[.):]\s+|\)(?=[A-Z0-9])|\.(?=\d{2}\s[A-Z])))"
    r"(?:\(?(?:(?P=letter)|(?P=p))[.):]\s+)?"
)
# The place may be glued to its number (BOGOTA2629, 09CAIRO724) and spelt with a hyphen or an apostrophe
# (PORT-OF-SPAIN, N'DJAMENA); it is looked up in the tables, so a looser shape resolves nothing it should not.
REF_CABLE = re.compile(
    r"\s*(?:(?P<y1>\d{2}|\d{4})\s*)?(?P<place>[A-Z][A-Z .'-]{0,30}?[A-Z])\s*0*(?P<num>\d{1,6})\b"
)
# What an item repeats of its own label before the cable it names: the letter again ("A. (a) KABUL 673",
# "A. A 08 ROME 01192", "A. ) STATE 064404") or the word REF ("A. REF A STATE 122214", "REF A: ...").
ITEM_LABEL = re.compile(r"^\s*(?:REF\s+[A-Za-z]\b[.:)]?\s*|\(\s*[A-Za-z]\s*\)\s*|[A-Za-z](?:[.:)]\s*|\s+(?=\d))|\)\s*)")
# More message numbers of the same post after the first: "BRASILIA 2799 AND 2764", "MALABO 19, 21, 26"; a
# number may carry a suffix (AMMAN 5049-01).
# A number followed by a word (09 CAIRO 2164) starts another mention instead; a year after a comma is a date.
MORE_NUMBERS = re.compile(r"(?:-\d{1,2}(?!\d))?\s*(?:(?:,|;)\s*(?!(?:19[5-9]|20[01])\d\b)|(?:&|\bAND\b)\s*)"
                          r"0*(?P<num>\d{1,6})(?:-\d{1,2}(?!\d))?\b(?![-/.]?\d)(?!\s*[A-Z]{2}|\s*-)")
YEAR_OF_NEXT = re.compile(r"\s+[A-Z]{2,}\s+\d")
"""After a post and two digits: a word and a number, so the digits were the year of another document."""
OFFICE_WORDS = re.compile(r"^(?:AMEMBASSY|AMCONSUL|EMBASSY|CONSULATE|USMISSION|EMB)\s+")


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
            if letter_of(m).upper() == expected.upper():  # B) TRIPOLI 924; c) TRIPOLI 208
                cuts.append(m)
                expected = chr(ord(expected) + 1)
        for k, m in enumerate(cuts):
            end = cuts[k + 1].start() if k + 1 < len(cuts) else len(text)
            items.append((letter_of(m), text[m.end():end].strip().rstrip(";,")))
    else:
        items.extend((None, part) for part in split_mentions(text))
    refs = []
    for letter, item in items:
        # An item may name several cables, each with its post (ISLAMABAD 5266 ISLAMABAD 4817): the first keeps
        # the letter.
        parts = split_mentions(item) if letter else [item]
        for k, part in enumerate(parts):
            refs.extend(item_references(letter if k == 0 else None, part, year))
    return refs


def item_references(letter: str | None, item: str, year: int | None) -> list[Reference]:
    """The references of one item: one per cable it names, the item's text cut between them (the letter goes
    with the first; the others are unlettered, so that each keeps an anchor of its own)."""
    found = cable_in(item, year)
    if not found:
        return [Reference(letter, item, None)]
    cid, end = found
    up = item.upper()
    refs = []
    start = 0
    while True:
        m = MORE_NUMBERS.match(up, end)
        if not m:
            break
        refs.append(Reference(letter if not refs else None, item[start:end].strip(), cid))
        cid = cid[: len(cid) - len(cid_number(cid))] + str(int(m.group("num")))
        start, end = end, m.end()
    refs.append(Reference(letter if not refs else None, item[start:].strip(), cid))
    return refs


def cid_number(cid: str) -> str:
    return re.search(r"\d+$", cid).group(0)


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
        if m and ref_place(m.group("place")):
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


def cable_in(item: str, year: int | None) -> tuple[str, int] | None:
    """The canonical id of the cable a REF item names (BEIJING 1672 -> 07BEIJING1672) and where its number
    ends in the item, if it names one."""
    up = item.upper()
    label = ITEM_LABEL.match(up)
    m = REF_CABLE.match(up, label.end() if label else 0)
    if not m:
        return None
    place = ref_place(m.group("place"))
    if not place:
        return None
    if m.end() - m.start("num") <= 2 and up[m.end() - 2: m.end()].isdigit() and YEAR_OF_NEXT.match(up, m.end()):
        return None  # "BRASILIA 09 MDA 839": two digits, then a series and its number, are that document's year
    y = m.group("y1")
    if y:
        ry = int(y)
    elif year is not None:
        ry = year
    else:
        return None
    return make_id(ry, place, m.group("num")), m.end()


@lru_cache(maxsize=4096)
def ref_place(words: str) -> str | None:
    """The post a REF item names, as the publisher's ids spell it (MEXICO CITY -> MEXICO, HAGUE -> THE HAGUE,
    RIO -> RIO DE JANEIRO, HCMC -> HO CHI MINH CITY, PORT-OF-SPAIN -> PORT OF SPAIN), or None."""
    w = OFFICE_WORDS.sub("", re.sub(r"\s+", " ", words.strip(" .").upper()))
    exact = known_place(w)
    if exact:
        return id_form(exact)
    forms = post_forms()
    return forms.get(("letters", re.sub(r"[^A-Z]", "", w))) or forms.get(("short", w))


def id_form(place: str) -> str:
    """The place as a post's own banner writes it, which the publisher's ids follow: the routing book's
    "MEXICO CITY" and "VATICAN CITY" are MEXICO and VATICAN in their cables' FM lines (the observed table)."""
    words = place.split()
    if len(words) == 2 and words[1] == "CITY":
        return words[0]
    return place


@lru_cache(maxsize=1)
def post_forms() -> dict[tuple[str, str], str]:
    """How a REF line may name a post other than as the tables spell it, mapped to the id's place.

    ("letters", ...): the letters alone, for places glued or punctuated (BUENOSAIRES, N'DJAMENA). ("short",
    ...): for the multi-word cities of embassies and consulates, the ending after a first word (HAGUE, DELHI),
    the first words where the rest is the routing book's CITY or region code (GUATEMALA for GUATEMALA CITY,
    MELBOURNE for MELBOURNE VIC: written so in the cables' banners, kept so), else the first words for the
    whole name (RIO, ADDIS), and the initials of three words or more (HCMC). A short form that two posts share,
    or that is a post itself, names none.
    """
    forms: dict[tuple[str, str], set[str]] = {}
    for p in station_places():
        forms.setdefault(("letters", re.sub(r"[^A-Z]", "", p)), set()).add(id_form(p))
    names = list(routing_indicators().values()) + list(origins_by_fm_line())
    cities = {n.split(" ", 1)[1] for n in names if n.startswith(("AMEMBASSY ", "AMCONSUL "))}
    for p in cities:
        words = p.split()
        if len(words) < 2:
            continue
        for k in range(1, len(words)):
            head, rest = " ".join(words[:k]), words[k:]
            forms.setdefault(("short", " ".join(rest)), set()).add(id_form(p))
            if len(head) >= 3:
                kept = len(rest) == 1 and (rest[0] == "CITY" and k == 1 or len(rest[0]) <= 3)
                forms.setdefault(("short", head), set()).add(head if kept else id_form(p))
        if len(words) >= 3:
            forms.setdefault(("short", "".join(x[0] for x in words)), set()).add(id_form(p))
    return {key: next(iter(v)) for key, v in forms.items()
            if len(v) == 1 and (key[0] == "letters" or not known_place(key[1]))}


SECTION_NUMBER = re.compile(r"\b1\s?\.\s?([45])\b")
REASON_LETTER = re.compile(r"(?:[\s(),/&+;-]|and\b|AND\b)*([a-hA-H])(?![A-Za-z])\)?")
REASON_DOT = re.compile(r"\.(?=\s?\()")
"""A dot between the section and its letters: "Reason 1.4.(d)" (06PARTO9)."""


def parse_reasons(text: str) -> list[str]:
    """Normalise "Reasons 1.4 (b/d)" to ["1.4(b)", "1.4(d)"]."""
    out: list[str] = []
    for m in SECTION_NUMBER.finditer(text):
        # Matched from a position, not in a copy of the rest: a copy per letter is quadratic in a long line.
        pos = m.end()
        dot = REASON_DOT.match(text, pos)
        if dot:
            pos = dot.end()
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
    for r in dict.fromkeys(repairs):  # a run written three times is one repair, said once
        problems.add(path, fields["tags"][0][0], f"TAGS repaired: {r}")

    subject = joined(fields.get("subject", [])) or None
    refs = [r for part in ref_parts(fields.get("ref", [])) for r in parse_references(joined(part), year)]
    cb_text = joined(fields.get("classified_by", []))
    classified_by = split_classified_by(cb_text) if cb_text else None
    reasons = parse_reasons(cb_text) if cb_text else []
    eo_text = joined(fields.get("eo", []))
    declassify_on = parse_declassify(eo_text) if eo_text else None

    body = lines[body_start:]
    body, signer = take_signer(body)
    paragraphs = with_front_pages(segment(body, subject), lines[body_from:body_start])
    if not cb_text and paragraphs:
        # The old style: "1. (U) Classified by EUR A/S Daniel Fried. Reason 1.4(b) and (d)." The paragraph stays
        # the cable's first; the classifying official and the reasons are read from it.
        cb_text = next((t for t in map(classified_in_paragraph, paragraphs[:3]) if t), None)
        classified_by = split_classified_by(cb_text) if cb_text else None
        reasons = parse_reasons(cb_text) if cb_text else []
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
        snapshot=Snapshot(*meta["snapshot"]) if meta.get("snapshot") else None,
        words=hashlib.sha256(" ".join(doc.text.split()).encode("utf-8")).hexdigest(),
    )


def with_front_pages(paragraphs: list[Paragraph], front: list[Line]) -> list[Paragraph]:
    """The paragraphs with the page lines that fell inside the front matter (PARIS 00001501 001.2 OF 006 between
    REF and Classified By) kept as page breaks at the start of the first: the front matter skips them, and a page
    break is never dropped."""
    pages = tuple(page_break(0, s) for _, s in front if is_page_break(s))
    if not pages or not paragraphs:
        return paragraphs
    first = paragraphs[0]
    return [replace(first, page_breaks=pages + first.page_breaks), *paragraphs[1:]]


def classified_in_paragraph(p) -> str | None:
    """The Classified By text of a paragraph 1 that is one, else None (after "NSC FOR ..." lines, 06PARTO9)."""
    if p.number != 1 or p.letter is not None:
        return None
    m = CLASSIFIED_BY.match(" ".join(p.text[:400].split()))
    return m.group("v") if m and m.group("v").strip() else None


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
