"""The body of a cable, split into paragraphs as the cable numbers them.

WikiLeaks put a pilcrow before every line that starts with digits and a dot, paragraph or not
("on September\\n¶15. Charge told"); the numbering here follows the cable instead: a number starts
a paragraph only where it continues the cable's own sequence, or follows a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from functools import lru_cache

from .model import PageBreak, Paragraph, Summary
from .tables import station_places

Line = tuple[int, str]

MAX_PARAGRAPH = 99999
"""Highest paragraph number read (five digits): the longest cables run to a few thousand paragraphs."""
PARA_START = re.compile(r"^\s*(?P<pil>¶\s*)?(?P<num>\d{1,5})\s*\.(?!\d)\s*(?P<rest>.*)$")
SUB_START = re.compile(
    r"^\s*(?:--\s*)?(?:\(\s*(?P<a>[A-Za-z])\s*\)|(?P<b>[A-Za-z])[.)])\s+(?P<rest>\S.*)$"
)
MARK_AT = re.compile(r"^\(\s*(?P<mark>[^()]{1,24}?)\s*\)\s*")
PORTION = re.compile(
    r"^(?:U|C|S|TS|SBU|LOU|FOUO|CUI|U/FOUO|UNCLASSIFIED|CONFIDENTIAL|SECRET)"
    r"(?:\s*(?:/{1,2}|-|\s)\s*(?:NF|NOFORN|REL\b[A-Z ,/]*|FOUO|SBU|ORCON|OC|PROPIN|FGI|NOCONTRACT|[A-Z]{2,}))*$"
)
# A place's spaces are taken only as whole runs before more of the place, and the blanks after it possessively:
# a place that could end anywhere in a run of spaces, each end rescanning the run, made one long line of spaces
# ending in a digit take seconds. The same lines match (a place never needs to end in a space).
PAGE_BREAK = re.compile(
    r"^\s*(?P<place>[A-Z](?:[A-Z.'-]| ++(?=[A-Z.'-]))*?)\s++0*\d{1,6}\s++0*(?P<page>\d{1,3})(?:\.\d{1,2})?\s++OF\s++0*"
    r"(?P<of>\d{1,3})\s*$"
)
# Likewise the name after the page number: it runs to its last letter, then blanks, then the message number
# (or, with no second letter, a space and more blanks), as "[A-Z][A-Z ]+\s+" allowed, without its backtracking.
OLD_PAGE = re.compile(
    r"^\s*PAGE\s+(?P<page>\d{2,3})\s+(?:[A-Z](?:(?:[A-Z]++| ++(?=[A-Z]))++|(?= \s))\s++\d{2,6}\b"
    r"|R[A-Z]{4,6}\d{4}\b)"
)
# A page line inside a longer line (a page whose line ends were lost): the new style only with its message
# number written in eight digits, the old style only up to its time group, so that prose is never taken.
EMBEDDED_PAGE = re.compile(
    r"(?<![A-Za-z0-9])(?P<place>[A-Z][A-Z.'-]*+(?: [A-Z][A-Z.'-]*+){0,3}) ++\d{8} ++\d{3}(?:\.\d{1,2})? ++OF ++\d{3}(?!\d)"
    r"|(?<![A-Za-z0-9])PAGE ++\d{2,3} ++(?:[A-Z](?:[A-Z]++| ++(?=[A-Z]))*+ *+\d{2,6}(?: ++\d{2} ++OF ++\d{2})?"
    r" ++\d{6}Z|R[A-Z]{4,6}\d{4}\b)"
)
SPACED_BANNER = re.compile(r"^\s*(?:S E C R E T|C O N F I D E N T I A L|U N C L A S S I F I E D)\s*")
PAGE_BANNER = re.compile(
    r"^\s*(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|LIMITED OFFICIAL USE|S E C R E T|C O N F I D E N T I A L)"
    r"(?:\s+PTQ\d+)?\s*$"
)
PILCROW = re.compile(r"^(\s*)¶\s?")
DASHES = re.compile(r"^\s*-{3,}(?:\s+-+)*\s*$")
TERMINAL = re.compile(r"""[.!?:;)"'\]\u201d\u2019]\s*$""")
SIGNER = re.compile(
    r"^\s*((?:(?:van|von|de|del|da|di|le|la|du)\s+)?[A-Z][A-Za-z'\u2019.\-]+(?:\s+[A-Z][A-Za-z'\u2019.\-]+){0,2})\s*$"
)
GLUED_SIGNER = re.compile(r"""[.!?)"'\u201d]\s+([A-Z][A-Z'\-]{2,}(?: [A-Z][A-Z'\-]{2,})?)$""")
NOT_SIGNERS = {"END", "SIPDIS", "NOFORN", "BT", "NNNN", "SECRET", "CONFIDENTIAL", "UNCLASSIFIED",
               "UNCLAS", "END SUMMARY", "END TEXT", "END NOTE", "END COMMENT", "SENSITIVE", "TEXT"}
DATE_WORDS = re.compile(
    r"(?:JANUARY|FEBRUARY|MARCH|APRIL|MAY|JUNE|JULY|AUGUST|SEPTEMBER|OCTOBER|NOVEMBER|DECEMBER|"
    r"JAN|FEB|MAR|APR|JUN|JUL|AUG|SEP|SEPT|OCT|NOV|DEC|NO|NOS|PARA|PARAS|PARAGRAPH|PARAGRAPHS|"
    r"SECTION|REFTEL|REF|OF|AND|THE|TO|ON|IN|AT|BY|FROM|SINCE|ABOUT|OVER|UNDER|SOME|NEARLY|US\$|\$)\.?,?$",
    re.I,
)


def is_page_break(s: str) -> re.Match | None:
    # A page break line ends in a digit (NNN OF NNN) or starts with PAGE: the test spares most lines both regexes.
    if not s.rstrip()[-1:].isdigit() and not s.lstrip().startswith("PAGE"):
        return None
    return PAGE_BREAK.match(s) or OLD_PAGE.match(s)


def place_of(words: str) -> str:
    """The words of an embedded page line that name the post: the longest ending that is a known place (or one
    cut to ten letters, as page lines cut RIO DE JANEIRO), else the last word."""
    parts = words.split()
    known = _places()
    for k in range(len(parts)):
        tail = " ".join(parts[k:])
        if tail in known:
            return tail
    return parts[-1]


@lru_cache(maxsize=1)
def _places() -> frozenset[str]:
    places = station_places()
    return places | frozenset(p[:10].rstrip() for p in places)


PARA_INSIDE = re.compile(r"(?<=[.!?:;)\]\"'\u201d\u2019])\s+(?:(?P<head>[A-Z][^a-z.!?]{2,80}?)\s+)?"
                         r"(?P<num>\d{1,5})\s?\.\s+(?P<rest>\(.*)$")
HEADING_BEFORE = re.compile(r"^\s*(?P<head>[A-Z][^a-z.!?]{2,80}?)\s+(?P<line>-{3,})?\s*(?P<num>\d{1,5})\s?\.\s+(?P<rest>\(.*)$")
UNDERLINED_BEFORE = re.compile(r"^\s*(?P<head>[A-Z][^.!?]{2,80}?)\s+(?P<line>-{3,})\s*(?P<num>\d{1,5})\s?\.\s+(?P<rest>\(.*)$")


def split_glued_lines(lines: list[Line]) -> list[Line]:
    """Put on lines of their own what a page that lost its line ends ran together: page lines inside text,
    and paragraph starts after the end of the sentence before (only the cable's next number, with its
    portion marking), with the heading that precedes them; every piece keeps its source line."""
    out: list[Line] = []
    last = 0
    for num, s in lines:
        pieces = split_page_lines(s) if "OF " in s or "PAGE " in s else [s]
        for piece in pieces:
            last = _split_paragraphs(num, piece, last, out)
    return out


def split_page_lines(s: str) -> list[str]:
    """A line with page lines inside it, as the text before, each page line and the text after."""
    if PAGE_BREAK.match(s):
        return [s]
    out = []
    while True:
        m = EMBEDDED_PAGE.search(s)
        if not m:
            break
        start = m.start()
        if m.group("place"):
            start = m.start("place") + len(m.group("place")) - len(place_of(m.group("place")))
        if s[:start].strip():
            out.append(s[:start].rstrip())
        out.append(s[start:m.end()].strip())
        s = SPACED_BANNER.sub("", s[m.end():], count=1)
    if s.strip() or not out:
        out.append(s)
    return out


def _split_paragraphs(num: int, s: str, last: int, out: list[Line]) -> int:
    """Append a line to `out`, cut before each paragraph start glued inside it; return the last number seen."""
    while True:
        m = PARA_START.match(s)
        if m and int(m.group("num")) > last and split_marking(m.group("rest"))[0]:
            last = int(m.group("num"))
        cut = _glued_start(s, last)
        if cut is None:
            out.append((num, s))
            return last
        before, head, rest, last = cut
        out.extend((num, t) for t in (before.rstrip(), *head) if t)
        s = rest


def _glued_start(s: str, last: int) -> tuple[str, tuple[str, ...], str, int] | None:
    """Where the cable's next paragraph starts inside a line: (text before, the heading's lines, the paragraph,
    its number)."""
    if len(s) < 8 or ". (" not in s and ".  (" not in s:
        return None
    for rx in (UNDERLINED_BEFORE, HEADING_BEFORE):
        m = rx.match(s)
        if m and int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0]:
            head = (m.group("head").strip(), m.group("line") or "")
            return "", head, s[m.start("num"):], last + 1
    for m in PARA_INSIDE.finditer(s):
        if int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0]:
            return s[: m.start()], (m.group("head") or "",), s[m.start("num"):], last + 1
    return None


def page_break(offset: int, s: str) -> PageBreak:
    m = PAGE_BREAK.match(s)
    if m:
        return PageBreak(offset, int(m.group("page")), int(m.group("of")), s.strip())
    m = OLD_PAGE.match(s)
    return PageBreak(offset, int(m.group("page")) if m else None, None, s.strip())


def split_marking(rest: str) -> tuple[str | None, str]:
    """Take a portion marking "(C)" off the start of a paragraph's text, if there is one."""
    m = MARK_AT.match(rest)
    if m and PORTION.match(m.group("mark").upper()):
        return m.group("mark"), rest[m.end():]
    return None, rest


def strip_pilcrow(s: str) -> str:
    """Drop the publisher's pilcrow from the start of a line: the cables themselves have none."""
    return PILCROW.sub(r"\1", s, count=1) if "¶" in s else s


TRAILER = re.compile(r"^\s*(?:NNNN|##+|BT|#\d{1,6}|=+|\*+)\s*$", re.I)
"""Lines that end a message after its signature: the end-of-message mark, a footer of hashes, BT."""
GLUED_TRAILER = re.compile(r"\s+(?:NNNN|##+)\s*$", re.I)
MIXED_SIGNER = re.compile(r"""[.!?)"'\u201d]\s+((?:Mc|Mac|O')?[A-Z][a-z]+(?:-[A-Z][a-z]+)?(?: [A-Z][a-z]+)?)$""")
"""A mixed-case name after the last sentence of a page whose line ends were lost ("... End Comment. Scobey")."""
NOT_NAME_WORDS = {"END", "BEGIN", "THANKS", "THANK", "REGARDS", "MINIMIZE", "CONSIDERED", "COMMENT", "NOTE",
                  "SUMMARY", "TEXT", "CLEARED", "APPROVED", "DRAFTED", "BREAK", "PARA", "ACTION", "INFO"}
PARTICLES = {"van", "von", "de", "del", "da", "di", "le", "la", "du"}


def take_signer(lines: list[Line]) -> tuple[list[Line], str | None]:
    """Remove and return the signature line (RANDT) from the end of the body, where there is one."""
    idx = len(lines) - 1
    while idx >= 0 and (not lines[idx][1].strip() or is_page_break(lines[idx][1])
                        or PAGE_BANNER.match(lines[idx][1]) or TRAILER.match(lines[idx][1])):
        idx -= 1
    if idx < 0:
        return lines, None
    num, raw = lines[idx]
    s = GLUED_TRAILER.sub("", raw).strip()
    glued = GLUED_SIGNER.search(s) or MIXED_SIGNER.search(s)
    if glued and (not SIGNER.match(s) or ". " in s) and name_words(glued.group(1)):
        # Lines joined by the publisher leave the signature at the end of the last sentence.
        text = s[: -len(glued.group(1))].rstrip()
        return lines[:idx] + [(num, text)] + lines[idx + 1:], glued.group(1)
    if idx == 0:
        return lines, None
    m = SIGNER.match(s)
    if not m or len(s) > 40 or s.upper() in NOT_SIGNERS or s.endswith((".", ":")) and " " in s:
        return lines, None
    first = s.split()[0]
    if not (s.isupper() or " " not in s or first.islower() or first.lower() in PARTICLES):
        return lines, None
    return lines[:idx] + lines[idx + 1:], s


def name_words(words: str) -> bool:
    """Whether words glued at a cable's end may be a signature: no marking, nor End Comment, Thanks and the like."""
    up = words.upper()
    return up not in NOT_SIGNERS and not NOT_NAME_WORDS.intersection(up.split())


@dataclass
class _Open:
    number: int | None
    label: str
    marking: str | None
    heading: str | None
    line: int
    letter: str | None = None
    parts: list[str] = field(default_factory=list)
    length: int = 0
    breaks: list[PageBreak] = field(default_factory=list)

    def add(self, s: str, new_block: bool) -> None:
        """Append a line: after a blank line as a new block, else joined to the wrap before it."""
        s = s.strip()
        if not s:
            return
        if self.parts:
            tail = self.parts[-1]
            if new_block:
                sep = "\n\n"
            elif len(tail) > 1 and tail[-1] == "-" and tail[-2].isalpha() and s[:1].isalpha():
                sep = ""
            else:
                sep = " "
            self.parts.append(sep)
            self.length += len(sep)
        self.parts.append(s)
        self.length += len(s)

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def close(self) -> Paragraph:
        text = self.text
        breaks = tuple(PageBreak(min(b.offset, len(text)), b.page, b.of, b.line) for b in self.breaks)
        return Paragraph(self.number, self.label, self.marking, self.heading, text, breaks, self.line,
                         self.letter)


FRAMED = re.compile(r"^\s*-{3,}\s*(?P<h>[^-\s](?:.{0,98}[^-\s])?)\s*-{3,}\s*$")
"""A one-line heading between runs of dashes: ------- SUMMARY -------."""


def heading_at(lines: list[Line], i: int) -> tuple[str, int] | None:
    """If lines[i] (and, for a two-line heading, lines[i+1]) is a heading underlined with dashes, or framed by
    them on its own line, return (heading, index after it)."""
    s = lines[i][1].strip()
    framed = FRAMED.match(s) if s[:1] == "-" else None
    if framed:
        return strip_pilcrow(framed.group("h")), i + 1
    if not s or len(s) > 100 or DASHES.match(s) or PARA_START.match(s):
        return None
    j = i + 1
    if j < len(lines) and lines[j][1].strip() in ("SIPDIS", "Sipdis"):
        j += 1
    if j < len(lines) and DASHES.match(lines[j][1]):
        return strip_pilcrow(s), j + 1
    # Two lines over one underline: both short, the first not ending a sentence.
    if j + 1 < len(lines) and DASHES.match(lines[j + 1][1]) and len(s) <= 70 and not TERMINAL.search(s):
        second = lines[j][1].strip()
        if (second and len(second) <= 70 and not DASHES.match(second) and not PARA_START.match(second)
                and not is_page_break(second)):
            return strip_pilcrow(f"{s} {second}"), j + 2
    return None


def segment(lines: list[Line]) -> list[Paragraph]:
    """Split body lines into paragraphs, following the cable's own numbering."""
    out: list[Paragraph] = []
    cur: _Open | None = None
    last_num = 0
    unnumbered = 0
    heading: str | None = None
    blank = True  # the body starts as if after a blank line
    broke = False
    prev_text = ""
    i = 0

    def flush():
        nonlocal cur
        if cur is not None and (cur.parts or cur.number is not None):
            out.append(cur.close())
        cur = None

    while i < len(lines):
        num, raw = lines[i]
        s = raw.rstrip()
        if not s.strip():
            blank = True
            i += 1
            continue
        if is_page_break(s):
            if cur is not None:
                cur.breaks.append(page_break(cur.length, s))
            elif out:
                last = out[-1]
                out[-1] = Paragraph(last.number, last.label, last.marking, last.heading, last.text,
                                    last.page_breaks + (page_break(len(last.text), s),), last.line,
                                    last.letter)
            broke = True
            i += 1
            continue
        if PAGE_BANNER.match(s) or DASHES.match(s):
            i += 1
            continue
        # A heading may follow the end of a sentence with no blank line between.
        h = heading_at(lines, i) if blank or not prev_text or TERMINAL.search(prev_text) else None
        if h:
            flush()
            heading, i = h
            blank, broke, prev_text = True, False, ""
            continue

        m = PARA_START.match(s) or undotted_start(s, last_num)
        if m and accept_number(int(m.group("num")), last_num, blank, prev_text, m.group("rest")):
            flush()
            number = int(m.group("num"))
            marking, rest = split_marking(m.group("rest"))
            cur = _Open(number, str(number), marking, heading, num)
            cur.add(rest, False)
            heading, last_num = None, number
            blank, broke, prev_text = False, False, rest
            i += 1
            continue

        sm = SUB_START.match(s) if cur is not None and cur.number is not None and blank else None
        if sm:
            letter = (sm.group("a") or sm.group("b")).lower()
            expected = chr(ord(cur.letter) + 1) if cur.letter else "a"
            if letter == expected:
                parent = cur.number
                flush()
                marking, rest = split_marking(sm.group("rest"))
                cur = _Open(parent, f"{parent}{letter}", marking, None, num, letter)
                cur.add(rest, False)
                blank, broke, prev_text = False, False, rest
                i += 1
                continue

        text = strip_pilcrow(s)
        stray = blank and prev_text and not TERMINAL.search(prev_text) and (
            broke or text.strip()[:1].islower())
        new_block = blank and not stray
        if cur is None or (new_block and cur.number is None):
            flush()
            unnumbered += 1
            cur = _Open(None, f"u{unnumbered}", None, heading, num)
            heading = None
            new_block = False
        cur.add(text, new_block)
        blank, broke, prev_text = False, False, text.strip()
        i += 1
    flush()
    return out


UNDOTTED_START = re.compile(r"^\s*(?P<pil>¶\s*)?(?P<num>\d{1,5})\s+(?P<rest>\(.*)$")


def undotted_start(s: str, last: int) -> re.Match | None:
    """The cable's next paragraph keyed without the dot after its number: "15 (C) Sanctions were ..."."""
    m = UNDOTTED_START.match(s) if s.lstrip("¶ ")[:1].isdigit() else None
    if m and int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0]:
        return m
    return None


def accept_number(n: int, last: int, blank: bool, prev_text: str, rest: str) -> bool:
    """Decide whether "N." at a line start begins paragraph N of the cable."""
    # No cap at 999: paragraph 1000 follows 999 like any other. A year or a count at a line start is told apart
    # by the sequence (a number is taken only where it continues the cable's own numbering, or nearly).
    if n == 0 or n > MAX_PARAGRAPH:
        return False
    expected = last + 1
    marked = bool(MARK_AT.match(rest)) and split_marking(rest)[0] is not None
    if not blank:
        # A wrapped line that happens to start with digits: only the next number, and not a date.
        words = prev_text.split()
        # A number with its portion marking is a paragraph's, even after a month ("... in early November.");
        # one past the next where the sentence before has ended (a number before it keyed wrong).
        if marked and (n == expected or expected < n <= expected + 2 and TERMINAL.search(prev_text)):
            return True
        return n == expected and not (words and DATE_WORDS.match(words[-1])) and (marked or rest[:1].isupper())
    if n == expected:
        return True
    if n > last and (marked or n - last <= 3):
        return True
    return False


SUMMARY_START = re.compile(r"^\W{0,3}(?:summary|begin summary)\b\s*(?:and\s+comment|and\s+action\s+request)?\W*",
                           re.I)
SUMMARY_END = re.compile(r"\(?\bend\s+summary\b\.?\)?\.?", re.I)


def find_summary(paragraphs: list[Paragraph]) -> Summary | None:
    """Find the cable's summary span: from "Summary" to "End Summary"."""
    start = None
    for idx, p in enumerate(paragraphs):
        if (p.heading and re.match(r"^\W*summary\b", p.heading, re.I)) or SUMMARY_START.match(p.text):
            start = idx
            break
    if start is None:
        return summary_by_end(paragraphs)
    by_heading = not SUMMARY_START.match(paragraphs[start].text)
    parts = []
    end = start
    for idx in range(start, len(paragraphs)):
        p = paragraphs[idx]
        if idx > start and p.heading:
            break
        text = p.text
        if idx == start:
            text = SUMMARY_START.sub("", text, count=1) if not by_heading else text
        m = SUMMARY_END.search(text)
        if m:
            parts.append(text[: m.start()].strip())
            end = idx
            break
        parts.append(text.strip())
        end = idx
        if not by_heading:
            # An explicit "Summary:" with no end mark spans its own paragraph only.
            if not any(SUMMARY_END.search(q.text) for q in paragraphs[idx + 1: idx + 6]):
                break
    text = "\n\n".join(t for t in parts if t)
    return Summary(paragraphs[start].label, paragraphs[end].label, text)


def summary_by_end(paragraphs: list[Paragraph]) -> Summary | None:
    """A summary marked only by its end: from the first paragraph to the one that says END SUMMARY, where that
    is among the first few (a summary opens the cable)."""
    first = next((k for k, p in enumerate(paragraphs) if p.number is not None), 0)
    for idx in range(first, min(len(paragraphs), first + 6)):
        m = SUMMARY_END.search(paragraphs[idx].text)
        if m:
            parts = [p.text.strip() for p in paragraphs[first:idx]] + [paragraphs[idx].text[: m.start()].strip()]
            return Summary(paragraphs[first].label, paragraphs[idx].label, "\n\n".join(t for t in parts if t))
    return None
