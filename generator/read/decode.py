"""Glosses for the transmission header, line by line, and for markings (portion marks, E.O. reasons).

The meanings come from the reference table generator/data/classification_markings.json and the
routing-indicator book in generator/data/routing_indicators.csv; generator/data/sources.md says where they come from.
"""

from __future__ import annotations

import re
from datetime import date, timedelta
from functools import lru_cache

from .header import DE_LINE, DTG, RELAY, SECURITY, parse_recipient
from ..tables import PRECEDENCE_CODES, markings, routing_indicators


SECURITY_WORDS = {"UUUUU": "unclassified", "CCCCC": "confidential", "SSSSS": "secret", "TTTTT": "top secret"}
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
          "November", "December"]

PORTION_WORDS = {
    "U": "Unclassified", "C": "Confidential", "S": "Secret", "TS": "Top Secret",
    "SBU": "Sensitive But Unclassified", "NF": "Not releasable to foreign nationals (NOFORN)",
    "NOFORN": "Not releasable to foreign nationals", "FOUO": "For Official Use Only",
    "REL": "Releasable to the named countries", "LOU": "Limited Official Use",
}


def station_name(ri: str | None) -> str | None:
    return routing_indicators().get(ri or "")


def julian(day: int, year: int | None) -> str:
    """Day-of-year as a date, where the year is known (135 in 2007 is May 15)."""
    if not year:
        return f"day {day} of the year"
    d = date(year, 1, 1) + timedelta(days=day - 1)
    return f"day {day} ({MONTHS[d.month - 1]} {d.day})"


@lru_cache(maxsize=65536)
def gloss_line(line: str, section: str, year: int | None) -> str:
    """What one header line says, in words; '' where the line needs no gloss (kept: the same routing lines
    recur in thousands of cables)."""
    s = line.strip()
    if not s:
        return ""
    if s.startswith("VZCZC"):
        return "start of message and transmission identifier"
    m = DE_LINE.match(s)
    if m:
        who = station_name(m.group("ri")) or "an unnamed station"
        sec = f", section {int(m.group('sec'))}" if m.group("sec") else ""
        t = m.group("time")
        return (f"DE = from {m.group('ri')} ({who}), message {int(m.group('num'))}{sec}, sent on "
                f"{julian(int(m.group('day')), year)} at {t[:2]}:{t[2:]}Z")
    m = SECURITY.match(s)
    if m:
        word = SECURITY_WORDS.get(s.split()[1], "")
        kind = "classified" if s.startswith("ZNY") else "unclassified"
        return f"security line: {kind} traffic; {s.split()[1]} = {word}" if word else f"security line: {kind} traffic"
    m = RELAY.match(s)
    if m and section == "relay":
        prec = PRECEDENCE_CODES.get(m.group("prec")[0], "")
        names = [f"{ri} ({station_name(ri)})" if station_name(ri) else ri for ri in m.group("ris").split()]
        return f"{m.group('prec')} = precedence {prec}; relayed to {', '.join(names)}"
    m = DTG.match(s)
    if m and m.group("prec"):
        prec = " and ".join(PRECEDENCE_CODES.get(p, p) for p in m.group("prec").split())
        mon = m.group("mon").upper()
        month = MONTHS[["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"].index(
            mon)] if mon in ("JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC") else mon
        yy = m.group("yy")
        yyyy = int(yy) if len(yy) == 4 else (1900 + int(yy) if int(yy) >= 66 else 2000 + int(yy))
        return (f"precedence {prec}; date-time group: {int(m.group('day'))} {month} {yyyy}, "
                f"{m.group('hh')}:{m.group('mm')} UTC (Z)")
    if s.startswith("FM "):
        return f"from {s[3:].strip()}"
    if section in ("to", "info"):
        body = s[3:] if s.startswith("TO ") else s[5:] if s.startswith("INFO ") else s
        r = parse_recipient(body)
        label = "action addressee" if section == "to" else "information addressee"
        parts = [label]
        if r.routing_indicator:
            book = station_name(r.routing_indicator)
            parts.append(f"{r.routing_indicator} = {book}" if book else f"{r.routing_indicator} (not in the book)")
        if r.precedence:
            parts.append(f"precedence {r.precedence}")
        if r.serial:
            parts.append(f"message serial {r.serial} for this addressee")
        return "; ".join(parts)
    return ""


def decode_header(lines: tuple[str, ...], year: int | None) -> list[dict]:
    """Each header line as written beside its gloss."""
    out = []
    section = "relay"
    for line in lines:
        s = line.strip()
        if s.startswith("TO "):
            section = "to"
        elif s.startswith("INFO "):
            section = "info"
        elif s.startswith(("FM ", "DE ")) or DTG.match(s):
            section = "other"
        gloss = gloss_line(line, section, year)
        if section == "relay" and not s.startswith("VZCZC") and RELAY.match(s):
            section = "other"
        out.append({"line": line, "gloss": gloss})
    return out


@lru_cache(maxsize=4096)
def portion_meaning(mark: str) -> str:
    """Spell out a portion marking: S//NF is Secret, Not releasable to foreign nationals (NOFORN)."""
    parts = [p for p in re.split(r"[/\s-]+", mark.upper()) if p]
    words = [PORTION_WORDS.get(p, p) for p in parts]
    return ", ".join(words)


def reason_meanings(reasons: tuple[str, ...]) -> list[dict]:
    """Each classification reason with its meaning: 1.4(b) is foreign government information."""
    table = markings()["classification_reasons"]
    amended = table["E.O. 12958 as amended (2003, sec. 1.4) and E.O. 13526 (2009, sec. 1.4)"]
    original = table["E.O. 12958 original (1995-2003, sec. 1.5)"]
    out = []
    for r in reasons:
        m = re.match(r"1\.([45])\(([a-h])\)", r)
        meaning = None
        if m:
            meaning = (amended if m.group(1) == "4" else original).get(m.group(2))
        out.append({"reason": r, "meaning": meaning or "meaning not in the reference table"})
    return out


