"""`build.py audit`: signs of a misparse that need no ground truth, per cable and in totals.

Each check is one small function from what was read (the cable and the text it was parsed from) to findings;
CHECKS is the rule table. A finding names its cable, its check, a source line where there is one, a message
for people and a `detail`: a short, stable text that the reviewed allow-list (id, check, detail, reason)
matches, so that a finding read and explained is not reported again, and a new one always is.
"""

from __future__ import annotations

import csv
import json
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable, Iterator, TextIO

from ..errors import CableError, Problems
from ..ids import known_place
from ..model import Cable, Paragraph
from .parse import BANNER, BANNER_PLACE, parse_document, parse_tags
from .readers import CableRowError, Document, read_path
from ..tables import tag_codes

ALLOWLIST = Path(__file__).resolve().parents[2] / "tests" / "data" / "audit_allowlist.csv"
"""The reviewed allow-list of the shared corpus, read unless --allow names another (or none)."""
ALLOW_COLUMNS = ("id", "check", "detail", "reason")


@dataclass(frozen=True, slots=True)
class Finding:
    """One sign of a misparse in one cable."""

    check: str
    line: int | None
    message: str
    detail: str


@dataclass(frozen=True, slots=True)
class Read:
    """A cable and the document it was parsed from."""

    cable: Cable
    doc: Document

    @property
    def lines(self) -> list[str]:
        return self.doc.text.split("\n")


# --- patterns -------------------------------------------------------------------------------------

# "BEIJING 00003239 002 OF 004", "PARIS 00001501 001.2 OF 006", "TRIPOLI 00000136 001.2 OF 002".
NEW_PAGE_LINE = re.compile(r"\b[A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3} +0*\d{1,8} +\d{3}(?:\.\d)? +OF +\d{3}\b")
# "PAGE 02 ROME 03067 211833Z", "PAGE 02 ROME 01196 01 OF 02 082030Z".
OLD_PAGE_LINE = re.compile(r"\bPAGE +\d{2,3} +[A-Z][A-Z ]*? +\d{2,6}(?: +\d{2} +OF +\d{2})? +\d{6}Z\b")
FRONT_MATTER = (
    ("REF", re.compile(r"(?:^|\n\n)\W{0,3}(?:REF|REFS|REFTEL|REFTELS)\s*:\s*\S")),
    ("CLASSIFIED BY", re.compile(r"\bCLASSIFIED\s+BY\s*:", re.I)),
    ("TAGS", re.compile(r"\bTAGS\s*:?\s+[A-Z]{4}[\s,]+[A-Z]{2,5}\b")),
    ("SUBJECT", re.compile(r"(?:^|\n\n)\W{0,3}SUBJECT\s*:", re.I)),
    ("E.O.", re.compile(r"\bE\.\s?O\.\s?1[23]\d{3}\s*:")),
    ("DECL", re.compile(r"\bDECL(?:ASSIFY)?\s*:\s*(?:\d|OADR|N/A)", re.I)),
)
SUMMARY_MARK = re.compile(r"(?:^|\n\n)\W{0,12}(?:BEGIN\s+)?SUMMARY\b\s*(?:\(|:|\.|-|$)", re.I)
END_SUMMARY = re.compile(r"\bEND\s+(?:OF\s+)?SUMMARY\b", re.I)
SUBJECT_RUNON = re.compile(r"\b(?:REF|REFS|REFTEL)\s*:|\bTAGS\s*:|\bCLASSIFIED\s+BY\b|\bE\.\s?O\.\s?1[23]\d{3}"
                           r"|(?:^|\s)1\.\s+\((?:C|S|U|SBU)\)", re.I)
PLACE_NUMBER = re.compile(r"(?<![A-Z0-9])(?:\d{2})?([A-Z][A-Z.'-]*(?: [A-Z][A-Z.'-]*){0,3})\s+0*(\d{1,6})(?![\d/])")
HEADER_BODY = re.compile(r"^\s*E\.\s?O\.\s?1[23]\d{3}|^\s*¶?\d{1,3}\.\s+\((?:C|S|U|SBU|S/NF|C/NF)\)", re.I)
SECTION_ONE = re.compile(r"^\s*SECTION\s+0*1\s+OF\s+0*\d+")
NAME_LIKE = re.compile(r"^[A-Z][A-Za-z'.\-]+(?: [A-Z][A-Za-z'.\-]+){0,2}$")
TRAILER = re.compile(r"^(?:NNNN|##+|BT|=+|-+|\*+|END OF (?:MESSAGE|TEXT|CABLE)\b.*)$|^#\d+$", re.I)
BODY_PUNCT = re.compile(r"[a-z]{3,} [a-z]{3,}|\.\s+[A-Z][a-z]|^\s*\d{1,3}\.\s")
NOT_NAMES = {"END", "SIPDIS", "NOFORN", "SECRET", "CONFIDENTIAL", "UNCLASSIFIED", "UNCLAS", "SENSITIVE", "TEXT",
             "COMMENT", "NOTE", "EXDIS", "NODIS", "LIMDIS", "NNNN", "BT", "ACTION", "INFO"}


def page_line_in(text: str) -> re.Match | None:
    """A page line of either style anywhere in `text`."""
    return NEW_PAGE_LINE.search(text) or OLD_PAGE_LINE.search(text)


def short(text: str, width: int = 60) -> str:
    text = re.sub(r"\s+", " ", text).strip()
    return text if len(text) <= width else text[: width - 1] + "…"


def numbered(cable: Cable) -> list[Paragraph]:
    """The cable's numbered paragraphs, without their lettered sub-paragraphs."""
    return [p for p in cable.paragraphs if p.number is not None and p.letter is None]


# --- the checks -----------------------------------------------------------------------------------

def check_page_line(r: Read) -> Iterator[Finding]:
    """A page line left in paragraph text, subject, TAGS, REF or recipients."""
    c = r.cable
    places = [(f"¶{p.label}", p.line, p.text) for p in c.paragraphs]
    places += [("subject", c.subject_line, c.subject or ""), ("TAGS", None, c.tags_as_written or "")]
    places += [(f"REF {ref.letter or ''}".rstrip(), None, ref.text) for ref in c.references]
    places += [("recipient", None, x.line) for x in (*c.to, *c.info)]
    for where, line, text in places:
        m = page_line_in(text)
        if m:
            yield Finding("page-line", line, f"{where} holds the page line {m.group(0)!r}", f"{where}: {m.group(0)}")


def check_numbering(r: Read) -> Iterator[Finding]:
    """Paragraph numbers with gaps, repeats or going backwards (a partial extract may skip: its gaps are not
    counted)."""
    last = 0
    copy = ""
    for p in numbered(r.cable):
        n = p.number
        if p.label.startswith("c") and not p.label.startswith(copy or "c1-"):
            copy, last = p.label.split("-")[0] + "-", 0  # the record holds the cable again: numbered anew
        if n == last:
            what = "repeats"
        elif n < last:
            what = "goes back after"
        elif n > last + 1 and not r.cable.partial:
            what = "skips from" if last else "starts at"
        else:
            last = n
            continue
        where = f"¶{last}" if last else "the start"
        msg = f"paragraph {n} {what} {where}" if what != "starts at" else f"the numbering starts at {n}"
        yield Finding("numbering", p.line, msg, f"{what} {last} -> {n}")
        last = max(last, n)


def check_front_matter_in_body(r: Read) -> Iterator[Finding]:
    """Front-matter keywords (REF, CLASSIFIED BY, TAGS, SUBJECT, E.O., DECL) inside paragraphs."""
    for p in r.cable.paragraphs:
        for word, rx in FRONT_MATTER:
            m = rx.search(p.text)
            if m:
                yield Finding("front-matter-in-body", p.line, f"¶{p.label} holds {word}: {short(p.text[m.start():])!r}",
                              f"¶{p.label}: {word}")


def check_summary(r: Read) -> Iterator[Finding]:
    """A summary the cable marks (SUMMARY, END SUMMARY) that was not taken, or a second one inside a paragraph."""
    c = r.cable
    for p in c.paragraphs:
        m = SUMMARY_MARK.search(p.text)
        starts_here = c.summary is not None and c.summary.start == p.label
        if m and not starts_here and (c.summary is None or m.start() > 0):
            yield Finding("summary", p.line, f"¶{p.label} marks a summary that was not taken: "
                          f"{short(p.text[m.start():])!r}", f"¶{p.label}: SUMMARY")
        elif c.summary is None and END_SUMMARY.search(p.text):
            yield Finding("summary", p.line, f"¶{p.label} says END SUMMARY, but no summary was taken",
                          f"¶{p.label}: END SUMMARY")


def check_subject_runon(r: Read) -> Iterator[Finding]:
    """A subject that runs on into REF, TAGS, Classified By or the first paragraph."""
    s = r.cable.subject or ""
    m = SUBJECT_RUNON.search(s)
    if m:
        yield Finding("subject-runon", r.cable.subject_line, f"the subject runs on into {short(s[m.start():])!r}",
                      f"subject: {m.group(0).strip()}")


PERSON_CODES = frozenset({"OVIP"})
"""TAGS codes after which a TAGS line names a person ("OVIP CLINTON HILLARY", "OVIP ZOELLICK ROBERT")."""
NAME_WORD = re.compile(r"^[A-Z][A-Z'-]+$")


def tags_names(text: str) -> list[list[str]]:
    """The persons a TAGS line names after OVIP without parentheses: each run of words that are no code, written
    right after the code, up to the next code (two words or more, or one of five letters or more)."""
    known = tag_codes()
    runs: list[list[str]] = []
    run: list[str] | None = None
    for tok in re.findall(r"\([^()]*\)|[^\s,;()]+", text):
        if tok in PERSON_CODES:
            run = []
            runs.append(run)
        elif run is not None and tok not in known and NAME_WORD.match(tok):
            run.append(tok)
        else:
            run = None
    # One word of four letters or fewer after OVIP is more likely a code tags.csv lacks (KSEP): codes have two to four.
    return [r for r in runs if len(r) > 1 or r and len(r[0]) > 4]


def check_tags(r: Read) -> Iterator[Finding]:
    """TAGS tokens (as the text writes them) that are neither a known code nor a clear repair, nor a person's
    name after OVIP (check_tags_person)."""
    text = r.cable.tags_as_written
    if not text:
        return
    known = tag_codes()
    named = {w for run in tags_names(text) for w in run}
    tags, _ = parse_tags(text)
    for t in tags:
        if t in known or t in named or " " in t or "," in t:  # a person or subject in parentheses is a tag
            continue
        yield Finding("tags-unknown", None, f"the TAGS token {t!r} is no known code", f"TAGS: {t}")


def check_tags_person(r: Read) -> Iterator[Finding]:
    """A person named after OVIP without the parentheses that make a name one tag: the parser keeps each word as
    a token of its own."""
    for run in tags_names(r.cable.tags_as_written or ""):
        name = " ".join(run)
        yield Finding("tags-person", None, f"the TAGS line names a person after OVIP, {name!r}, without "
                      f"parentheses: read as the tokens {', '.join(run)}", f"TAGS person: {name}")


def last_text_lines(r: Read) -> list[str]:
    """The cable's last lines that are not blank, trailers (NNNN, ##, BT), banners or page lines."""
    out = []
    for s in reversed(r.lines):
        s = s.strip()
        if not s or TRAILER.match(s) or page_line_in(s) or BANNER.match(s) and len(s) < 60:
            continue
        out.append(s)
        if len(out) == 2:
            break
    return out


def not_a_phrase(words: str) -> bool:
    """Whether words at a cable's end may be a name: not a marking, nor END COMMENT, End Text and the like."""
    up = words.upper()
    return up not in NOT_NAMES and up.split()[0] not in ("END", "BEGIN")


def check_signer(r: Read) -> Iterator[Finding]:
    """A last line that looks like a signature, not taken as signer."""
    c = r.cable
    if c.signer or not c.paragraphs:
        return
    tail = last_text_lines(r)
    last = c.paragraphs[-1]
    if tail and NAME_LIKE.match(tail[0]) and not_a_phrase(tail[0]) and len(tail[0]) <= 40:
        yield Finding("signer-missed", last.line, f"the last line {tail[0]!r} looks like a signature",
                      f"last line: {tail[0]}")
        return
    m = re.search(r"[.!?)\"']\s+((?:[A-Z][a-z]+|[A-Z]{3,})(?: [A-Z][A-Za-z]+)?)$", last.text)
    if m and not_a_phrase(m.group(1)):
        yield Finding("signer-missed", last.line, f"¶{last.label} ends in {m.group(1)!r}, which looks like "
                      "a signature glued to the last paragraph", f"glued: {m.group(1)}")


def check_references(r: Read) -> Iterator[Finding]:
    """REF items with no resolved cable where the text names a post and a number."""
    for ref in r.cable.references:
        if ref.id:
            continue
        for m in PLACE_NUMBER.finditer(ref.text.upper()):
            words = m.group(1).split()
            if any(known_place(" ".join(words[k:])) for k in range(len(words))):
                yield Finding("ref-unresolved", None, f"REF {ref.letter or ''} {short(ref.text)!r} names "
                              f"{m.group(0)!r} but no cable was resolved".replace("REF  ", "REF "),
                              f"REF {ref.letter or '-'}: {short(ref.text, 40)}")
                break


def check_recipients(r: Read) -> Iterator[Finding]:
    """Header recipients that are body text."""
    for x in (*r.cable.to, *r.cable.info):
        if BODY_PUNCT.search(x.line) or len(x.line) > 90:
            yield Finding("recipient-body", None, f"the addressee {short(x.line)!r} reads as body text",
                          f"recipient: {short(x.line, 40)}")


def number_of(cable_id: str) -> int | None:
    m = re.search(r"(\d+)$", cable_id)
    return int(m.group(1)) if m else None


def check_splice(r: Read) -> Iterator[Finding]:
    """A record whose header and body are two cables: the DE line, the banner or the page lines name another
    message than the id."""
    c = r.cable
    own = number_of(c.id)
    if own is None:
        return
    st = c.station
    if st and st.message_number and st.message_number % 10000 != own % 10000:
        yield Finding("splice", None, f"the DE line names message {st.message_number}, the id {c.id}",
                      f"DE #{st.message_number}")
    for p in c.paragraphs:
        for b in p.page_breaks:
            m = re.search(r"(\d{2,8})\s+\d{1,3}(?:\.\d)?\s+OF\s+\d{1,3}\s*$", b.line)
            if m and int(m.group(1)) % 10000 != own % 10000:
                yield Finding("splice", p.line, f"the page line {b.line!r} in ¶{p.label} names another message "
                              f"than {c.id}", f"page line: {int(m.group(1))}")
                return


def check_section_banner(r: Read) -> Iterator[Finding]:
    """A section banner taken for the cable's: the transmission header holds the front matter or paragraphs
    that the cable's banner begins, or the banner of its first section (TAGS and SUBJECT lines alone are the
    publisher's copy of them, printed in some headers)."""
    for s in r.cable.header:
        m = BANNER.match(s)
        first = m and m.group("word").isupper() and SECTION_ONE.search(m.group("rest"))
        if first or HEADER_BODY.match(s):
            yield Finding("section-banner", None, f"the header holds {short(s)!r}, which belongs after the banner",
                          f"header line: {short(s, 40)}")
            return


CHECKS: tuple[tuple[str, Callable[[Read], Iterable[Finding]]], ...] = (
    ("page-line", check_page_line),
    ("numbering", check_numbering),
    ("front-matter-in-body", check_front_matter_in_body),
    ("summary", check_summary),
    ("subject-runon", check_subject_runon),
    ("tags-unknown", check_tags),
    ("tags-person", check_tags_person),
    ("signer-missed", check_signer),
    ("ref-unresolved", check_references),
    ("recipient-body", check_recipients),
    ("splice", check_splice),
    ("section-banner", check_section_banner),
)
"""The rule table: each check's name (as reports and the allow-list give it) and its function."""
CHECK_NAMES = tuple(name for name, _ in CHECKS)


def audit(r: Read) -> list[Finding]:
    """Every finding of every check on one cable."""
    return [f for _, check in CHECKS for f in check(r)]


# --- reading --------------------------------------------------------------------------------------

def read_all(paths: Iterable[Path], problems: Problems) -> Iterator[Read]:
    """Every cable under the paths with its document, as inspect reads them; problems are collected."""
    from .load import cable_files

    for path in cable_files(paths, problems, refuse_links=False):
        if not path.exists():
            problems.error(str(path), None, "no such file or folder")
            continue
        try:
            for doc in read_path(path):
                if isinstance(doc, CableRowError):
                    problems.error(doc.path, doc.line, doc.message)
                    continue
                try:
                    yield Read(parse_document(doc, problems), doc)
                except CableError as e:
                    problems.error(str(path), e.line, e.message)
        except CableError as e:
            problems.error(str(path), e.line, e.message)
        except Exception as e:  # noqa: BLE001 - one bad cable must not stop the others
            problems.error(str(path), None, f"could not be read ({type(e).__name__}: {e}); please report this")


# --- the allow-list -------------------------------------------------------------------------------

def read_allowlist(path: Path, problems: Problems) -> set[tuple[str, str, str]]:
    """The (id, check, detail) of every reviewed row; a row without a reason or with an unknown check is an
    error, never skipped in silence."""
    allowed: set[tuple[str, str, str]] = set()
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as e:
        problems.error(str(path), None, f"the allow-list could not be read ({getattr(e, 'strerror', None) or e})")
        return allowed
    rows = csv.reader(text.splitlines())
    header = next(rows, None)
    if header is None or tuple(h.strip() for h in header) != ALLOW_COLUMNS:
        problems.error(str(path), 1, f"the allow-list's first row must be {','.join(ALLOW_COLUMNS)}")
        return allowed
    for n, row in enumerate(rows, 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 4 or not row[3].strip():
            problems.error(str(path), n, "a row needs id, check, detail and a reason")
            continue
        cid, check, detail, _ = (cell.strip() for cell in row)
        if check not in CHECK_NAMES:
            problems.error(str(path), n, f"no check is named {check!r} (the checks: {', '.join(CHECK_NAMES)})")
            continue
        allowed.add((cid, check, detail))
    return allowed


# --- the report -----------------------------------------------------------------------------------

@dataclass
class Report:
    """The findings of a collection, and which of them the allow-list explains."""

    cables: list[tuple[Cable, list[Finding], list[bool]]]

    def totals(self) -> dict[str, dict[str, int]]:
        out = {name: {"found": 0, "allowed": 0, "cables": 0} for name in CHECK_NAMES}
        for _, findings, allowed in self.cables:
            for name in {f.check for f in findings}:
                out[name]["cables"] += 1
            for f, ok in zip(findings, allowed):
                out[f.check]["found"] += 1
                out[f.check]["allowed"] += ok
        return out

    @property
    def open(self) -> int:
        """Findings outside the allow-list."""
        return sum(not ok for _, _, allowed in self.cables for ok in allowed)


def run_audit(reads: Iterable[Read], allowed: set[tuple[str, str, str]]) -> Report:
    cables = []
    for r in reads:
        findings = audit(r)
        cables.append((r.cable, findings, [(r.cable.id, f.check, f.detail) in allowed for f in findings]))
    return Report(cables)


def write_lines(report: Report, out: TextIO, show_allowed: bool = False) -> None:
    """`path:line: check: message` for every finding outside the allow-list, then the totals per check."""
    for cable, findings, allowed in report.cables:
        for f, ok in zip(findings, allowed):
            if ok and not show_allowed:
                continue
            where = f"{cable.source.path}:{f.line}" if f.line else cable.source.path
            note = " (allowed)" if ok else ""
            out.write(f"{where}: {f.check}: {cable.id}: {f.message}{note}\n")
    out.write("totals:\n")
    for name, t in report.totals().items():
        out.write(f"  {name:<22}{t['found']:>6} found in {t['cables']:>5} cables, {t['allowed']:>5} allowed\n")
    out.write(f"{len(report.cables)} cables audited, {report.open} findings outside the allow-list\n")


def as_json(report: Report) -> dict:
    """The stable JSON document: every cable with its findings, then the totals."""
    cables = []
    for cable, findings, allowed in report.cables:
        cables.append({"id": cable.id, "path": cable.source.path, "findings": [
            {"check": f.check, "line": f.line, "message": f.message, "detail": f.detail, "allowed": ok}
            for f, ok in zip(findings, allowed)]})
    return {"checks": list(CHECK_NAMES), "cables": cables, "totals": report.totals(),
            "audited": len(report.cables), "open": report.open}


def write_json(report: Report, out: TextIO) -> None:
    json.dump(as_json(report), out, ensure_ascii=False, indent=1)
    out.write("\n")
