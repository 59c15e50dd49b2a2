"""The standard heading of a cable page, after the Foreign Relations of the United States (FRUS) series:
a title from the origin and the addressee, a dateline, and the classification and precedence in one line.

Every word of it is the publisher's origin or the cable's own header, rearranged; nothing is looked up.
"""

from __future__ import annotations

import re

from .cite import MONTHS
from ..ids import titlecase
from ..model import Cable

POST = re.compile(r"^(Embassy|Consulate) (.+)$")
"""The publisher's wording of a post: "Embassy Beijing", "Consulate Rio De Janeiro"."""

CITY = re.compile(r"^(?:Embassy|Consulate|US Mission|USUN|USEU|US Interests Section|Iran RPO)\s+(.+)$|,\s*([^,]+)$")
"""Where the post's city is the last part of its name: "USUN New York", "American Institute Taiwan, Taipei"."""

HOME = {"Secretary of State": ("the Department of State", "Washington")}
"""Names FRUS words otherwise: telegrams from and to SECSTATE are the Department's."""

DISTRIBUTION = ("NOFORN", "NODIS", "EXDIS", "LIMDIS", "STADIS")
"""Caveats FRUS prints beside the classification (captions such as SIPDIS stay in the banner)."""


def party(name: str | None) -> str | None:
    """An origin or addressee as FRUS words it: Embassy Beijing -> the Embassy in Beijing."""
    if not name:
        return None
    if name in HOME:
        return HOME[name][0]
    m = POST.match(name)
    return f"the {m.group(1)} in {m.group(2)}" if m else name


def title(cable: Cable, addressees: list[str]) -> str:
    """Telegram From the Embassy in Beijing to the Department of State."""
    words = "Telegram"
    sender = party(cable.origin)
    if sender:
        words += f" From {sender}"
    to = [party(a) for a in addressees if a]
    if len(to) == 1:
        words += f" to {to[0]}"
    elif len(to) == 2:
        words += f" to {to[0]} and {to[1]}"
    elif to:
        words += f" to {to[0]} and {len(to) - 1} Others"
    return words[0].upper() + words[1:]


def city(origin: str | None) -> str | None:
    """The city of a post, where its name gives it."""
    if not origin:
        return None
    if origin in HOME:
        return HOME[origin][1]
    m = CITY.search(origin)
    return (m.group(1) or m.group(2)).strip() if m else None


def dateline(cable: Cable) -> str:
    """Beijing, May 15, 2007, 0301Z: the post's city and the time of transmission in UTC."""
    where = city(cable.origin)
    if not cable.created:
        return f"{where}, date not given" if where else "Date not given"
    y, mo, d = int(cable.created[:4]), int(cable.created[5:7]), int(cable.created[8:10])
    when = f"{MONTHS[mo - 1]} {d}, {y}"
    if len(cable.created) >= 16:
        when += f", {cable.created[11:13]}{cable.created[14:16]}Z"
    return f"{where}, {when}" if where else when


def class_line(cable: Cable) -> str:
    """Confidential; Immediate: the classification, its distribution caveats and the precedence."""
    parts = [titlecase(p) for p in (cable.classification or "").split("//") if p.strip()] or ["Classification not given"]
    for c in cable.caveats:
        if c in DISTRIBUTION and titlecase(c) not in parts:
            parts.append(titlecase(c))
    if cable.precedence:
        parts.insert(1, titlecase(cable.precedence))
    return "; ".join(parts)
