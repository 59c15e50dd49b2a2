"""The body of a cable, split into paragraphs as the cable numbers them.

WikiLeaks put a pilcrow before every line that starts with digits and a dot, paragraph or not
("on September\\n¶15. Charge told"); the numbering here follows the cable instead: a number starts
a paragraph only where it continues the cable's own sequence, or follows a blank line.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from functools import lru_cache

from ..model import PageBreak, Paragraph, SectionBreak, Summary
from ..tables import station_places

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
# The same line in mixed case ("Baku 00000478 002.2 of 003"), told from prose by the message number in eight digits.
MIXED_PAGE = re.compile(
    r"^\s*(?P<place>[A-Z][A-Za-z.'-]*(?: [A-Z][A-Za-z.'-]*){0,3})\s++0\d{7}\s++0*(?P<page>\d{1,3})(?:\.\d{1,2})?"
    r"\s++(?i:of)\s++0*(?P<of>\d{1,3})\s*$"
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
    r"^\s*(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|TOP SECRET|SECRET|LIMITED OFFICIAL USE|T O P S E C R E T|S E C R E T"
    r"|C O N F I D E N T I A L)"
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
    return PAGE_BREAK.match(s) or OLD_PAGE.match(s) or MIXED_PAGE.match(s)


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


PARA_INSIDE = re.compile(r"(?:(?<=[.!?:;)\]\"'\u201d\u2019])|(?<=XXX))\s+(?:(?P<head>[A-Z][^a-z.!?]{2,80}?)\s+)?"
                         r"(?P<num>\d{1,5})(?:\s?[.,]\s*|\s+)(?P<rest>\(.*)$")
# A run of dashes just before the number: the underline of a heading (or the frame of a framed one) that a page
# which lost its line ends glued between a sentence and the next paragraph; the paragraph's marking may have gone
# on to the next line ("... Export Controls ------- 17." / "(C) Recalling ...").
DASHED_INSIDE = re.compile(r"(?<!-)-{3,}(?:\s+-+)*\s*(?P<num>\d{1,5})(?:\s?[.,]|(?=\s+\())"
                           r"(?:\s*(?P<rest>\(.*)|\s*$)")
FRAME_OPEN = re.compile(r"(?:^|\s)-{3,}(?:\s+-+)*\s*(?P<head>[^-\s](?:(?!-{3}).){1,98}?)\s*$")
TITLE_INSIDE = re.compile(r"(?:(?<=[a-z0-9][.!?])|(?<=[.!?][\"')\u201d]))\s+"
                          r"(?P<head>[A-Z](?:[^.!?]|(?<![A-Za-z]{2})\.){2,100}?)"
                          r"\s+(?P<num>\d{1,5})\s?\.\s*(?P<rest>\(.*)$")
"""A heading in mixed case between the end of a sentence and the next paragraph ("End Summary. Parliament's
Treasury Select Committee ) Bonuses and Brussels Top Concern 2. (SBU) MPs ...")."""
AFTER_WORD = re.compile(r"\s(?P<word>[a-z]{2,})\s+(?P<num>\d{1,5})\.\s+(?P<rest>\(.*)$")
SENTENCE_END = re.compile(r"[.!?:;)\]\"'\u201d\u2019]\s+")
# The blanks after the heading are taken possessively, the underline with its own: "\s+(-{3,})?\s*" would try
# every split of a long run of blanks for every length of the heading.
HEADING_BEFORE = re.compile(r"^\s*(?P<head>[A-Z][^a-z.!?]{2,80}?)\s++(?:(?P<line>-{3,})\s*+)?(?P<num>\d{1,5})\s?\.\s+(?P<rest>\(.*)$")
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
        elif m and int(m.group("num")) == last + 1 and not m.group("rest").strip():
            last += 1  # the number alone, its marking on the next line
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
    if len(s) < 8 or not GLUED_HINT.search(s):
        return None
    dashed = _dashed_start(s, last)
    if dashed:
        return dashed
    for rx in (UNDERLINED_BEFORE, HEADING_BEFORE):
        m = rx.match(s)
        if m and int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0]:
            head = (m.group("head").strip(), m.group("line") or "")
            return "", head, s[m.start("num"):], last + 1
    for m in TITLE_INSIDE.finditer(s):
        head = HEAD_TAIL.sub("", m.group("head"))
        if int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0] and title_like(head):
            return s[: m.start()], (head, "---"), s[m.start("num"):], last + 1
    for m in PARA_INSIDE.finditer(s):
        n = int(m.group("num"))
        # One past the next, as a number after a blank line may be (a number keyed wrong, a first paragraph lost).
        if last < n <= last + 2 and split_marking(m.group("rest"))[0] and m.group("rest")[1:2].isupper():
            return s[: m.start()], (m.group("head") or "",), s[m.start("num"):], n
    for m in AFTER_WORD.finditer(s):
        # The next number with its marking after a sentence whose full stop was left out ("... for the job 7. (C)").
        if int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0] and \
                not DATE_WORDS.match(m.group("word")):
            return s[: m.end("word")], ("",), s[m.start("num"):], last + 1
    return None


HEAD_TAIL = re.compile(r"[\s\-{}|_=*]+$")
"""What a page left after a heading's words: the remains of its underline."""
NOT_HEADINGS = re.compile(r"^(?:END|BEGIN)\b|^(?:SIPDIS|NOFORN|SENSITIVE)$", re.I)


GLUED_HINT = re.compile(r"\d\s?[.,]?\s*\(\s?[A-Z]|---")
"""What every glued start holds (a number before a marking, or an underline): most lines are spared the rest."""


def title_like(words: str) -> bool:
    """Whether words read as a heading: a dozen words at most, most of them capitalised, not END SUMMARY."""
    ws = [w for w in words.split() if w[:1].isalpha()]
    return (0 < len(ws) <= 12 and sum(w[0].isupper() for w in ws) * 2 > len(ws)
            and not NOT_HEADINGS.match(words.strip()))


def _dashed_start(s: str, last: int) -> tuple[str, tuple[str, ...], str, int] | None:
    """The cable's next paragraph glued after a heading's underline or frame: the text before, the heading (the
    words inside the frame, or those after the last sentence's end), an underline, the paragraph."""
    for m in DASHED_INSIDE.finditer(s):
        rest = m.group("rest")
        n = int(m.group("num"))
        # Paragraph 2 may be the first: a record that lost paragraph 1.
        if not (n == last + 1 or last == 0 and n == 2) or rest is not None and not split_marking(rest)[0]:
            continue
        before = s[:m.start()].rstrip()
        framed = FRAME_OPEN.search(before)
        if framed:
            text, head = before[:framed.start()], framed.group("head")
        else:
            ends = list(SENTENCE_END.finditer(before[:-1]))
            cut = ends[-1].end() if ends else 0
            text, head = before[:cut], before[cut:]
        if len(head) > 100:
            text, head = before, ""
        return text, (head.strip(), "---" if head.strip() else ""), s[m.start("num"):], n
    return None


def page_break(offset: int, s: str) -> PageBreak:
    m = PAGE_BREAK.match(s) or MIXED_PAGE.match(s)
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
    sections: list[SectionBreak] = field(default_factory=list)

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

    def drop_last(self, s: str) -> None:
        """Take back the last line added, where it is s (with the separator before it)."""
        if self.parts and self.parts[-1] == s:
            self.length -= len(self.parts.pop())
            if self.parts and not self.parts[-1].strip():
                self.length -= len(self.parts.pop())

    @property
    def text(self) -> str:
        return "".join(self.parts)

    def close(self) -> Paragraph:
        text = self.text
        breaks = tuple(PageBreak(min(b.offset, len(text)), b.page, b.of, b.line) for b in self.breaks)
        sections = tuple(replace(b, offset=min(b.offset, len(text))) for b in self.sections)
        return Paragraph(self.number, self.label, self.marking, self.heading, text, breaks, self.line,
                         self.letter, sections)


# --- section breaks ---------------------------------------------------------------------------------
# A multi-section message prints, where each later section begins, its transmission block again: the section's
# first page line and office distribution (old style), the DTG, FM, TO and INFO lines, the section's banner
# ("C O N F I D E N T I A L SECTION 02 OF 03 HARARE 006677"), SIPDIS, office lines and the front matter. A
# WikiLeaks page may also print the cable's head twice (a truncated preview, then the whole text or a database
# row of it). Such a block is no paragraph text: it is taken out and kept as a SectionBreak.

_WORD = "|".join(" ?".join(w) for w in ("CONFIDENTIAL", "SECRET", "UNCLASSIFIED"))
BODY_BANNER = re.compile(
    r"(?:^|(?<=[\s\",>]))(?P<word>(?:T ?O ?P )?(?:" + _WORD + r")|UNCLAS|LIMITED OFFICIAL USE)"
    r"(?:\s*+(?://|\s)\s*+(?:NOFORN|SENSITIVE|EXDIS|NODIS|LIMDIS|E ?F ?T ?O|FOR OFFICIAL USE ONLY|SIPDIS)\b)*+"
    r"\s++(?:SECTION\s++0*(?P<sec>\d{1,2})\s++OF\s++0*(?P<of>\d{1,2})\s++)?"
    r"(?P<place>[A-Z][A-Z.'-]*+(?: [A-Z][A-Z.'-]*+){0,3}?)\s++(?P<num>\d{5,6})(?!\d)"
)
"""A cable's banner naming its place and number (with its section, where it has one), anywhere in a line."""
BROKEN_BANNER = re.compile(r"(?:" + _WORD + r"|UNCLAS)(?:\s+SECTION(?:\s+\d{1,2}(?:\s+OF(?:\s+\d{1,2})?)?)?)?"
                           r"(?:\s+[A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})?\s*$")
"""A banner cut at the end of its line, before its place or number."""
HEADERISH = re.compile(
    r"^\s*(?:VZCZC|ZNY\b|ZNR\b|DE RU|[OPRZ]{1,2} RU[A-Z]{3}|[OPRZ]{1,2}\s+\d{6}Z|(?:FM|TO|INFO|ACTION|XMT)\s+[A-Z]"
    r"|R[A-Z]{4,6}/|R[A-Z]{4,6}(?:\s+R[A-Z]{4,6})*\s*$|(?:AMEMBASSY|AMCONSUL|USMISSION|SECSTATE|SECDEF|USDEL|CIA|NSC|DIA|CJCS)\b[^a-z]*$"
    r"|\"?,\"|\",\s*$|\d{2,},\d{1,2}/\d{1,2}/\d{4}|\d+\s+\d{4}-\d\d-\d\d\b|(?:id|date|refid|origin|classification|"
    r"destination|header)\s*:|-{3,}\s*header ends\s*-*\s*$|-{6,}[0-9A-F]{4,}\s"
    r"|[^\n]*?(?:CONFIDENTIAL|SECRET|UNCLASSIFIED|UNCLAS)\b[^a-z\n]*?\"VZCZC)"
)
"""Lines of a transmission header or of the publisher's record of one, as printed before a repeated banner."""
BLOCK_FIELD = re.compile(
    r"^\W{0,3}(?P<f>E\.?\s?O\.?\s?1[23]\d{3}|TAGS?\b|SUBJ(?:ECT)?\s*:|REF(?:S|TEL|TELS)?\s*:|(?i:classified\s+by)\b"
    r"|DECL\s*:|DERIVED FROM\s*:)"
)
CAVEAT_LINE = re.compile(r"^\s*(?:(?:SIPDIS|NOFORN|SENSITIVE|EXDIS|NODIS|LIMDIS|STADIS|E ?F ?T ?O|CORRECTED COPY"
                         r"|C O R R E C T E D\s+C O P Y\b.*|FOR OFFICIAL USE ONLY)[\s,.]*)+$", re.I)
REF_ITEM = re.compile(r"^\s*¶?\s*\(?[A-Z]\)?[.)]?\s+\S")
MIDLINE_FIELD = re.compile(r"\sE\.\s?O\.\s?1[23]\d{3}\b|\sTAGS\s?:\s")
GLUED_PARA = re.compile(r"\s(?=\d{1,3}\s?\.\s?\((?:U|C|S|SBU|S/NF|C/NF|TS)\))")
GLUED_HEADING = re.compile(r"(?<=[.)])\s+(?P<head>[A-Z][^a-z.!?]{2,80}?)\s+(?P<line>-{3,})\s*$")


def banner_in(s: str) -> re.Match | None:
    """A banner of a section or a repeated head in a body line: one with its SECTION, or one that starts the line
    after nothing but the punctuation of a database row."""
    if not ("C O N" in s or "S E C" in s or "U N C" in s or "CONF" in s or "SECRET" in s or "UNCLAS" in s
            or "LIMITED" in s):
        return None
    for m in BODY_BANNER.finditer(s):
        before = s[:m.start()]
        if m.group("sec") or not before.strip(" \t\",>") or HEADERISH.match(before):
            return m
    return None


def split_section_blocks(lines: list[Line], subject: str | None) -> tuple[list[Line], dict[int, tuple[int, SectionBreak]]]:
    """Find the section blocks of the body: the lines (a banner cut off the text before it on its line) and,
    by the index where each block starts, the index after it and its SectionBreak (offset 0, set when placed)."""
    blocks: dict[int, tuple[int, SectionBreak]] = {}
    if subject and subject.rstrip().endswith(("...", "\u2026")):
        subject = None  # a preview's subject, cut short: it tells neither where the subject ends nor what it left
    i = floor = 0
    out = list(lines)
    while i < len(out):
        m = banner_in(out[i][1])
        if m is None and i + 1 < len(out) and BROKEN_BANNER.search(out[i][1]):
            # A banner whose place or number went on to the next line ("... SECTION 01 OF 04 THE" / "HAGUE 002047").
            joined = f"{out[i][1].rstrip()} {out[i + 1][1].strip()}"
            m = banner_in(joined)
            if m is not None and m.end() > len(out[i][1].rstrip()):
                out[i: i + 2] = [(out[i][0], joined)]
            else:
                m = None
        if m is None:
            i += 1
            continue
        num, s = out[i]
        before = s[:m.start()]
        if before.strip(" \t\",>") and not HEADERISH.match(before):  # text before the banner stays text
            out[i: i + 1] = [(num, before.rstrip()), (num, s[m.start():])]
            i += 1
        end = _block_end(out, i, subject)
        if end is None:
            i += 1
            continue
        start = _block_start(out, i, floor)
        bm = banner_in(out[i][1])
        sec = int(bm.group("sec")) if bm.group("sec") else None
        of = int(bm.group("of")) if bm.group("of") else None
        written = tuple(t.strip() for _, t in out[start:end] if t.strip())
        blocks[start] = (end, SectionBreak(0, sec, of, written))
        i = floor = end
    return out, blocks


def _text_outside(lines: list[Line], blocks: dict[int, tuple[int, SectionBreak]]) -> bool:
    """Whether any line that is not blank lies outside the blocks."""
    inside = {k for start, (end, _) in blocks.items() for k in range(start, end)}
    return any(t.strip() for k, (_, t) in enumerate(lines) if k not in inside)


def _block_start(lines: list[Line], banner: int, floor: int) -> int:
    """The first line of a block: back from its banner over the header lines printed before it (the section's
    first page line, a page banner with its serial, DTG, FM, TO, INFO, a database row)."""
    start = banner
    k = banner - 1
    while k >= floor:
        s = lines[k][1]
        if not s.strip():
            k -= 1
            continue
        pm = OLD_PAGE.match(s)
        if pm and int(pm.group("page")) == 1 or HEADERISH.match(s) or PAGE_BANNER.match(s) and "PTQ" in s:
            start = k
            k -= 1
            continue
        break
    return start


def _block_end(lines: list[Line], banner: int, subject: str | None) -> int | None:
    """The index after a block that starts at `banner`: its caveats, office lines and front matter, and the page
    line after them with what the subject left on it; None where the banner begins no block (no SECTION and no
    front matter after it)."""
    cut_glued_start(lines, banner)
    s = lines[banner][1]
    fields = bool(BLOCK_FIELD.search(s) or "SIPDIS" in s)
    field = _field_of(s)
    end = banner + 1
    k = banner + 1
    blank = False
    while k < len(lines):
        t = lines[k][1]
        if not t.strip():
            blank, k = True, k + 1
            continue
        f = _field_of(t)
        if PARA_START.match(t) and not f:
            break
        if f:
            t = cut_glued_start(lines, k)
        if is_page_break(t):
            end = k + 1
            nxt = next((u for _, u in lines[k + 1:k + 3] if u.strip()), "")
            if fields and _field_of(nxt):
                k += 1
                continue  # a page line inside the front matter
            if fields and nxt and subject and _residue(nxt, subject) and lines[k + 1][1].strip():
                end = k + 2
            if fields:
                break
            k += 1
            continue
        if f:
            field, fields, blank = f, True, False
        elif CAVEAT_LINE.match(t) or PAGE_BANNER.match(t):
            pass
        elif not fields and MIDLINE_FIELD.search(t):
            field, fields = "field", True  # an office line with the E.O. or TAGS line run on after it
        elif fields and subject and _norm(t) == _norm(subject):
            field, blank = None, False  # the subject, its keyword lost
        elif field == "subject" and not blank:
            pass  # a wrapped subject
        elif field == "ref" and (not blank or REF_ITEM.match(t)):
            pass  # a wrapped REF item, or the next one after a blank line
        elif field == "classified" and not blank and not TERMINAL.search(lines[k - 1][1]):
            pass  # a wrapped Classified By line
        elif not fields and _field_soon(lines, k):
            pass  # an office line ("NSC FOR SENIOR AFRICA DIRECTOR GAYLE SMITH") before the front matter
        else:
            break
        end, k = k + 1, k + 1
        if field == "subject" and subject and _covers(lines, banner, end, subject) and not _field_next(lines, k):
            field = None  # the whole subject is written: what follows is the body (unless a field comes next)
    bm = banner_in(lines[banner][1])
    if not fields and not bm.group("sec"):
        return None
    return end


def cut_glued_start(lines: list[Line], k: int) -> str:
    """Put on lines of their own the first paragraph (with the heading before it) that a page whose line ends were
    lost ran on after the front matter; return what stays on line k."""
    num, s = lines[k]
    m = GLUED_PARA.search(s)
    if not m:
        return s
    before, rest = s[:m.start()], s[m.end():]
    h = GLUED_HEADING.search(before)
    pieces = [before[:h.start()], h.group("head"), h.group("line")] if h else [before]
    # The paragraphs after it were glued on too: each starts a line of its own, as split_glued_lines puts them.
    lines[k: k + 1] = [(num, t) for t in pieces] + split_glued_lines([(num, rest)])
    return lines[k][1]


def _field_of(s: str) -> str | None:
    m = BLOCK_FIELD.match(s)
    if not m:
        return None
    f = m.group("f").upper()
    return ("subject" if f.startswith("SUBJ") else "ref" if f.startswith("REF") else
            "classified" if f.startswith("CLASSIFIED") else "field")


def _field_next(lines: list[Line], k: int) -> bool:
    """Whether the line after lines[k - 1], with no blank line between, is a front-matter field."""
    return k + 1 < len(lines) and bool(lines[k][1].strip()) and bool(_field_of(lines[k + 1][1]))


def _field_soon(lines: list[Line], k: int) -> bool:
    """Whether a front-matter field follows within a few lines, before any paragraph."""
    seen = 0
    for _, t in lines[k + 1:]:
        if not t.strip():
            continue
        if _field_of(t):
            return True
        seen += 1
        if seen > 4 or PARA_START.match(t):
            return False
    return False


def _norm(s: str) -> str:
    return re.sub(r"\W+", " ", s).strip().upper()


def _residue(s: str, subject: str) -> bool:
    """Whether a line after a block's page line is the end of the cable's subject, which the page line cut."""
    r = _norm(s)
    return bool(r) and len(r) < len(_norm(subject)) and _norm(subject).endswith(r)


def _covers(lines: list[Line], banner: int, end: int, subject: str) -> bool:
    """Whether the block's SUBJECT line, with its wraps, already holds the whole subject."""
    text = _norm(" ".join(t for _, t in lines[banner:end]))
    return _norm(subject) in text


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


def segment(lines: list[Line], subject: str | None = None) -> list[Paragraph]:
    """Split body lines into paragraphs, following the cable's own numbering; section blocks are taken out of the
    text and kept as section breaks (the subject tells what a section's page line left of it)."""
    lines, blocks = split_section_blocks(lines, subject)
    if blocks and not _text_outside(lines, blocks):
        blocks = {}  # a body that is nothing but a repeated head (a record cut short) stays text: nothing is lost
    pending: list[SectionBreak] = []  # a block before the first paragraph: it goes at the start of that one
    out: list[Paragraph] = []
    cur: _Open | None = None
    last_num = 0
    unnumbered = 0
    heading: str | None = None
    blank = True  # the body starts as if after a blank line
    broke = False
    prev_text = ""
    foot: str | None = None  # a page's banner glued to the end of the line before its page line
    copy = 1  # the copy of the cable being read, where a record holds it more than once
    before_prev = ""  # the text line before prev_text in the same block, if any
    i = 0

    def prefix() -> str:
        return f"c{copy}-" if copy > 1 else ""

    def flush():
        nonlocal cur
        if cur is not None and (cur.parts or cur.number is not None):
            out.append(cur.close())
        cur = None

    def place_page(s: str) -> None:
        nonlocal foot
        offset = cur.length if cur is not None else len(out[-1].text) if out else 0
        b = page_break(offset, s)
        if foot:
            b, foot = replace(b, line=f"{foot} {b.line}"), None
        if cur is not None:
            cur.breaks.append(b)
        elif out:
            out[-1] = replace(out[-1], page_breaks=out[-1].page_breaks + (b,))

    def place_section(sb: SectionBreak) -> None:
        if cur is not None:
            cur.sections.append(replace(sb, offset=cur.length))
        elif out:
            out[-1] = replace(out[-1], section_breaks=out[-1].section_breaks + (replace(sb, offset=len(out[-1].text)),))
        else:
            pending.append(sb)

    while i < len(lines):
        if i in blocks:
            # The text on either side of a section block is one text: a sentence cut by it goes on after it.
            end, sb = blocks[i]
            for _, t in lines[i:end]:
                if is_page_break(t):
                    place_page(t)
            place_section(sb)
            broke = True
            if starts_a_copy(sb, lines, end, last_num):
                # The record holds the cable again (another transmission of it): its numbering starts again, and
                # its paragraphs are labelled as the copy's ("c2-1"), never glued into the last paragraph.
                copy, last_num = copy + 1, 0
                flush()
            i = end
            continue
        num, raw = lines[i]
        s = raw.rstrip()
        if not s.strip():
            blank = True
            i += 1
            continue
        if s.endswith(FOOT_WORDS) and not PAGE_BANNER.match(s):
            s, foot = take_page_foot(s, lines, i, foot)
        if is_page_break(s):
            place_page(s)
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

        m = PARA_START.match(s) or undotted_start(s, last_num) or bare_start(s, cur, last_num, blank)
        cited = bool(m) and blank and cited_number(int(m.group("num")), last_num, prev_text, lines, i)
        titled = bool(m) and not blank and heading_line(cur, prev_text, before_prev, int(m.group("num")), last_num,
                                                        m.group("rest"))
        if m and not cited and (titled or accept_number(int(m.group("num")), last_num, blank, prev_text,
                                                         m.group("rest"))):
            if titled:
                # A heading on a line of its own before the paragraph, with no underline and no blank line.
                cur.drop_last(prev_text)
                heading = prev_text
            flush()
            number = int(m.group("num"))
            marking, rest = split_marking(m.group("rest"))
            cur = _Open(number, f"{prefix()}{number}", marking, heading, num, sections=pending)
            pending = []
            heading, last_num = None, number
            blank, broke = False, False
            glued = unmarked_start(rest, cur, last_num)
            if glued is not None:
                cur.add(rest[:glued], False)
                lines[i] = (num, rest[glued:].lstrip())
                prev_text = rest[:glued].strip()
                continue
            cur.add(rest, False)
            prev_text = rest
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
                cur = _Open(parent, f"{prefix()}{parent}{letter}", marking, None, num, letter, sections=pending)
                pending = []
                cur.add(rest, False)
                blank, broke, prev_text = False, False, rest
                i += 1
                continue

        glued = unmarked_start(s, cur, last_num)
        if glued is not None:
            # The paragraph goes on to the end of its sentence; the next number starts the line left over.
            cur.add(strip_pilcrow(s[:glued]), blank)
            lines[i] = (num, s[glued:].lstrip())
            blank, broke, prev_text = False, False, s[:glued].strip()
            continue
        text = strip_pilcrow(s)
        stray = blank and prev_text and not TERMINAL.search(prev_text) and (
            broke or text.strip()[:1].islower())
        new_block = blank and not stray and not cited
        if cur is not None and cur.number is not None and not cur.parts and cur.marking is None:
            # A paragraph whose number stood alone on its line: its marking opens the next one.
            cur.marking, text = split_marking(text.strip())
            new_block = False
        if cur is None or (new_block and cur.number is None):
            flush()
            unnumbered += 1
            cur = _Open(None, f"u{unnumbered}", None, heading, num, sections=pending)
            pending = []
            heading = None
            new_block = False
        cur.add(text, new_block)
        before_prev = prev_text if not new_block else ""
        blank, broke, prev_text = False, False, text.strip()
        i += 1
    flush()
    return out


def starts_a_copy(sb: SectionBreak, lines: list[Line], end: int, last: int) -> bool:
    """Whether a block of the cable's head (its first section's banner, or a banner with no section) after some
    paragraphs, with paragraph 1 next, begins the cable a second time."""
    if last < 2 or sb.section not in (None, 1):
        return False
    nxt = next((t for _, t in lines[end:end + 4] if t.strip()), "")
    m = PARA_START.match(nxt)
    return bool(m) and int(m.group("num")) == 1


FOOT_WORDS = ("CONFIDENTIAL", "SECRET", "UNCLASSIFIED", "UNCLAS", "LIMITED OFFICIAL USE")
GLUED_FOOT = re.compile(r"\S\s{2,}((?:TOP )?(?:CONFIDENTIAL|SECRET|UNCLASSIFIED|UNCLAS|LIMITED OFFICIAL USE))$")


def take_page_foot(s: str, lines: list[Line], i: int, foot: str | None) -> tuple[str, str | None]:
    """A page's banner glued after the last words of a page, with the page line next ("... ESSENTIALLY, A
    CONFIDENTIAL" / "PAGE 04 HARARE 06677 01 OF 03 291400Z"): the line without it, and the banner, which goes into
    that page break's line."""
    m = GLUED_FOOT.search(s)
    if not m:
        return s, foot
    nxt = next((t for _, t in lines[i + 1:i + 4] if t.strip()), "")
    if not is_page_break(nxt):
        return s, foot
    return s[:m.start() + 1], m.group(1)


CITING_WORD = re.compile(r"^(?:para|paras|paragraph|paragraphs|and|see|in)\.?,?$", re.I)
"""The last word of a sentence that cites a paragraph, which the publisher's blank line and pilcrow cut before
its number ("please see paragraphs 3 and" / "¶4. (For information ...)")."""


def cited_number(n: int, last: int, prev_text: str, lines: list[Line], i: int) -> bool:
    """Whether "N." after a blank line is the number a sentence cites, not a paragraph: it is not the next
    number, the text before ends with a citing word, and the next number that starts a line is the next one."""
    words = prev_text.split()
    if n == last + 1 or not words or not CITING_WORD.match(words[-1]):
        return False
    for _, t in lines[i + 1:i + 12]:
        m = PARA_START.match(t)
        if m:
            return int(m.group("num")) == last + 1 and split_marking(m.group("rest"))[0] is not None
    return False


UNMARKED_INSIDE = re.compile(r"(?<=[a-z0-9][.!?)])\s{1,3}(?P<num>\d{1,3})\.\s+(?=[A-Z][A-Za-z]+\b)")


def unmarked_start(s: str, cur: "_Open | None", last: int) -> int | None:
    """Where the next paragraph of a cable whose paragraphs carry no marking starts inside a line, after the end
    of a sentence ("... accessed nationwide. 10. In addition, ..."): only the next number."""
    if cur is None or cur.number is None or cur.marking is not None or cur.letter is not None or ". " not in s:
        return None
    for m in UNMARKED_INSIDE.finditer(s):
        if int(m.group("num")) == last + 1:
            return m.start()
    return None


BARE_START = re.compile(r"^\s*(?P<num>\d{1,3})\s+(?P<rest>[A-Z][a-z]+ [a-z]+ [a-z]+\b.*)$")
"""A sentence after the bare number (a capitalised word, then words in lower case), not a count in a list."""


def bare_start(s: str, cur: "_Open | None", last: int, blank: bool) -> re.Match | None:
    """The next paragraph of a cable whose paragraphs carry no marking, keyed with neither dot nor marking after
    a blank line: "2 The net revenue from remittances ..."."""
    if not blank or cur is None or cur.number is None or cur.marking is not None or not s.lstrip()[:1].isdigit():
        return None
    m = BARE_START.match(s)
    return m if m and int(m.group("num")) == last + 1 else None


def heading_line(cur: "_Open | None", prev: str, before: str, n: int, last: int, rest: str) -> bool:
    """Whether the line before a marked number one or two past the next is a heading on a line of its own (short,
    most words capitalised, not ending a sentence), after a line that ended one ("... is parayzed." / "U.S. - EU
    Summit" / "¶5. (C) Regarding ...")."""
    return (cur is not None and last + 1 < n <= last + 2 and split_marking(rest)[0] is not None
            and 0 < len(prev) <= 60 and not TERMINAL.search(prev) and title_like(prev)
            and bool(TERMINAL.search(before)) and cur.parts[-1:] == [prev])


UNDOTTED_START = re.compile(r"^\s*(?P<pil>¶\s*)?(?P<num>\d{1,5})[),]?\s+(?P<rest>\(.*)$")


def undotted_start(s: str, last: int) -> re.Match | None:
    """The cable's next paragraph keyed without the dot after its number, or with a parenthesis or a comma for it:
    "15 (C) Sanctions were ...", "1) (C) The public ceremony ...", "8, (C) Senator Kerry ..."."""
    m = UNDOTTED_START.match(s) if s.lstrip("¶ ")[:1].isdigit() else None
    rest = m.group("rest") if m else ""
    if m and int(m.group("num")) == last + 1 and split_marking(rest)[0] and rest[1:2].isupper():
        return m  # a marking in capitals: "3 (c)" letters an item
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


SUMMARY_START = re.compile(r"^\W{0,3}(?:\((?:U|C|S|SBU|S/NF|C/NF|TS|LOU|U/FOUO)\)\s*)?(?:summary|begin summary)\b\s*"
                           r"(?:and\s+comment|and\s+action\s+request)?\W*", re.I)
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
