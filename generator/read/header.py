"""The transmission header: VZCZC id, relay line, DE line, security line, DTG, FM, TO and INFO."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime

from ..model import Recipient, Station
from .paragraphs import is_page_break
from ..tables import PRECEDENCE_CODES, routing_indicators

MONTHS = {m: i for i, m in enumerate(
    ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"], 1)}

DTG = re.compile(
    r"^\s*(?:(?P<prec>[ZOPR](?:\s?[ZOPR])?)\s+)?(?P<day>\d{2})(?P<hh>\d{2})(?P<mm>\d{2})Z\s?"
    r"(?P<mon>[A-Za-z]{3})\s?(?P<yy>\d{2}|\d{4})\b"
)
DE_LINE = re.compile(
    r"^\s*DE\s+(?P<ri>[A-Z]{4,8})\s+#\s?(?P<num>\d{1,6})(?:/(?P<sec>\d{1,3}))?\s+(?P<day>\d{3})(?P<time>\d{4})\b"
)
# The publisher's rendering of the cable's time, where a partial extract carries no DTG: "Thursday, 07 March
# 2002, 10:13" (UTC: on the 122 pages of ../shared that carry both, it agrees with the DTG to the minute) or
# "Cable dated:2005-05-23T14:26:00".
DATE_LINE = re.compile(
    r"^\s*(?:Mon|Tues|Wednes|Thurs|Fri|Satur|Sun)day,\s+(?P<day>\d{1,2})\s+(?P<month>[A-Z][a-z]+)\s+"
    r"(?P<year>\d{4}),\s+(?P<hh>\d{2}):(?P<mm>\d{2})\s*$"
)
CABLE_DATED = re.compile(
    r"^\s*Cable dated:\s*(?P<year>\d{4})-(?P<month>\d{2})-(?P<day>\d{2})[T ](?P<hh>\d{2}):(?P<mm>\d{2})(?::\d{2})?\s*$"
)
MONTH_NAMES = {m: i for i, m in enumerate(
    ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
     "November", "December"], 1)}
RELAY = re.compile(r"^\s*(?P<prec>[ZOPR]{2}|[ZOPR]{2}\s[ZOPR]{2})\s+(?P<ris>[A-Z]{4,8}(?:\s+[A-Z]{4,8})*)\s*$")
SECURITY = re.compile(r"^\s*ZN[YR]\s+[A-Z]{5}(?:\s+ZZH)?\b")
# Searched for, so tried only where a run of blanks starts ((?<!\s)), blanks taken possessively: tried at every
# column of a long run, each try rescans the rest of the run (seconds for one addressee line of 16 KB).
WORD_PRECEDENCE = re.compile(r"(?<!\s)\s++(NIACT IMMEDIATE|IMMEDIATE|PRIORITY|ROUTINE|FLASH)(?:\s+(\d{1,5}))?\s*$")
TRAILING_SERIAL = re.compile(r"(?<!\s)\s++(\d{1,5})\s*$")
RECIPIENT_RI = re.compile(r"^\s*([A-Z]{4,8})/(.*)$")
# Lines no addressee list holds, which end it: the publisher's "----- header ends -----", a row of its database
# (a number, a date or an id first: "110987  2007-06-05 18:03:00  07BOGOTA4029 ...", "13:28,07ASUNCION396,..."),
# a field of its record ("id: 144469", "destination:", "ID:248885 Cable dated:2010-02-16T06:54:00"). No
# addressee over the 2,972 cables of ../shared starts with a digit, dashes or a word and a colon.
NOT_ADDRESSEE = re.compile(r"^(?:-{3,}|\d|[A-Za-z]+\s?:)")
# Lines that end the addressees: a front-matter field of a record that lost its banner, a stray metadata line
# ("Key: 09DOHA691"), a handling caveat ("Sipdis"), or State's office distribution ("INFO  LOG-00   MFA-00").
FIELD_LINE = re.compile(r"^(?:TAGS?|SUBJECT|SUBJ|REFS?|REFTELS?|E\.\s?O\.|KEY|CLASSIFIED BY)\s*:|^E\.\s?O\.\s?1\d{4}"
                        r"|^[A-Za-z]+:[^\S\n]*\t|^<<\d+>>$|^\d{1,2}/\d{1,2}/\d{4} \d{1,2}:\d\d$", re.I)
DISTRIBUTION = re.compile(r"^(?:INFO\s+)?[A-Z]{1,6}-\d\d\b")
CAVEAT_LINES = frozenset(("SIPDIS", "SENSITIVE", "NOFORN", "EXDIS", "NODIS", "LIMDIS", "SENSITIVE SIPDIS"))
# The classification word alone (with its PTQ serial) at the foot or head of a page of an old cable.
PAGE_FOOT = re.compile(r"^(?:UNCLASSIFIED|UNCLAS|CONFIDENTIAL|SECRET|TOP SECRET|LIMITED OFFICIAL USE"
                       r"|C O N F I D E N T I A L|S E C R E T|U N C L A S S I F I E D)(?:\s+PTQ\d+)?$")


@dataclass
class Header:
    """What the transmission header says."""

    transmission_id: str | None = None
    relay: str | None = None
    precedence: str | None = None
    dtg: str | None = None
    created: str | None = None
    station: Station | None = None
    fm: str | None = None
    to: list[Recipient] = field(default_factory=list)
    info: list[Recipient] = field(default_factory=list)
    security: str | None = None
    dated: str | None = None
    """The publisher's date line as written (Thursday, 07 March 2002, 10:13), where the text has one."""
    dated_time: str | None = None
    """ISO 8601 UTC time of the date line."""
    notes: list[tuple[int, str]] = field(default_factory=list)


def dtg_time(m: re.Match) -> str | None:
    """ISO 8601 UTC time of a DTG match; None if the date is impossible."""
    yy = int(m.group("yy"))
    year = yy if yy > 999 else (1900 + yy if yy >= 66 else 2000 + yy)
    month = MONTHS.get(m.group("mon").upper())
    if not month:
        return None
    try:
        t = datetime(year, month, int(m.group("day")), int(m.group("hh")), int(m.group("mm")))
    except ValueError:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def date_line_time(s: str) -> str | None:
    """ISO 8601 UTC time of a publisher's date line, or None where the line is not one (or names no real day)."""
    m = DATE_LINE.match(s) or CABLE_DATED.match(s)
    if not m:
        return None
    month = m.group("month")
    month_number = int(month) if month.isdigit() else MONTH_NAMES.get(month)
    if not month_number:
        return None
    try:
        t = datetime(int(m.group("year")), month_number, int(m.group("day")), int(m.group("hh")), int(m.group("mm")))
    except ValueError:
        return None
    return t.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_recipient(line: str) -> Recipient:
    """Split "RUEHC/SECSTATE WASHDC IMMEDIATE 7879" into its parts."""
    text = line.strip()
    ri = None
    m = RECIPIENT_RI.match(text)
    if m:
        ri, text = m.group(1), m.group(2).strip()
    precedence = serial = None
    m = WORD_PRECEDENCE.search(text)
    if m:
        precedence, serial = m.group(1), m.group(2)
        text = text[: m.start()].strip()
    else:
        m = TRAILING_SERIAL.search(text)
        if m:
            serial = m.group(1)
            text = text[: m.start()].strip()
    return Recipient(routing_indicator=ri, name=text, precedence=precedence, serial=serial, line=line.strip())


def ends_addressees(s: str, gap: bool) -> bool:
    """Whether line s (stripped) ends the addressee list: a line no list holds, or after a blank line one that is
    not an addressee with its routing indicator (what follows a blank is the publisher's record, a row of its
    database or the header printed again, but for a list a blank cuts in two: "RUEHUB/USINT HAVANA PRIORITY")."""
    return bool(NOT_ADDRESSEE.match(s)) or gap and not RECIPIENT_RI.match(s)


def parse_header(lines: list[tuple[int, str]]) -> Header:
    """Read the header lines (line number, text) that come before the banner."""
    h = Header()
    block: list[Recipient] | None = None
    de = None
    gap = False  # a blank line since the last addressee
    for num, raw in lines:
        line = raw.rstrip()
        s = line.strip()
        if not s:
            gap = block is not None
            continue
        if not h.dated and ("day," in s[:11] or s.startswith("Cable dated")):
            t = date_line_time(s)
            if t:
                h.dated, h.dated_time = s, t
                continue
        if s.startswith("VZCZC") and not h.transmission_id:
            h.transmission_id = s.split()[0]
            block = None
            continue
        m = DE_LINE.match(line)
        if m and not de:
            de = (m, s)
            block = None
            continue
        if SECURITY.match(line) and not h.security:
            h.security = s
            block = None
            continue
        m = RELAY.match(line)
        if m and not h.relay and not h.dtg:
            h.relay = s
            continue
        m = DTG.match(line)
        if m and not h.dtg and (m.group("prec") or len(s) <= 24):
            h.dtg = s
            h.created = dtg_time(m)
            if m.group("prec"):
                h.precedence = PRECEDENCE_CODES[m.group("prec")[0]]
            block = None
            continue
        if FIELD_LINE.match(s) or DISTRIBUTION.match(s) or s.upper() in CAVEAT_LINES:
            block = None
            continue
        if is_page_break(line) or PAGE_FOOT.match(s):
            continue  # a page break inside the addressees ("PAGE 02 ROME 03067 211833Z"): the list goes on after it
        if s.startswith("FM ") and not h.fm:
            h.fm = s[3:].strip()
            block = None
            continue
        if s.startswith("TO ") and not h.to:
            block, gap = h.to, False
            s = s[3:]
        elif s.startswith("INFO ") and not h.info:
            block, gap = h.info, False
            s = s[5:]
        elif s in ("BT", "NNNN") or s.startswith(("XMT ", "ACTION ", "PAGE ", "INFO  ")):
            block = None
            continue
        if block is not None and s and ends_addressees(s, gap):
            block = None
        if block is not None and s:
            block.append(parse_recipient(s))
        gap = False
    if not h.precedence and h.relay:
        h.precedence = PRECEDENCE_CODES.get(h.relay[0])
    if de:
        m, s = de
        ri = m.group("ri")
        h.station = Station(
            routing_indicator=ri,
            name=h.fm or routing_indicators().get(ri),
            message_number=int(m.group("num")),
            section=int(m.group("sec")) if m.group("sec") else None,
            julian_day=int(m.group("day")),
            time=m.group("time"),
            line=s,
        )
    elif h.fm:
        h.station = Station(None, h.fm, None, None, None, None, None)
    return h
