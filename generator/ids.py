"""Canonical cable ids (07BEIJING3239) and the places they are built from."""

from __future__ import annotations

import re

from .tables import origins_by_fm_line, station_places

CANONICAL = re.compile(r"^(\d{2})([A-Z][A-Z]*?)(\d+)$")
# The publisher's id parser read "SECTION 04 OF 07 BEIJING 3049" as a place: 08SECTIO04OF07BEIJING3049.
SECTION_GLUED = re.compile(r"^(\d{2})SECTIO(?:N)?\d+OF\d+([A-Z]+?)0*(\d+)$")

ID_SHAPE = re.compile(r"[0-9]{2}[A-Z][A-Z0-9]{0,61}[0-9]")
"""What any id the site uses looks like: the year, then capital letters and digits, ending in the message number
(publisher ids such as 08SCTION02OF02SAOPAULO335 carry digits inside). Ids name folders and files, so nothing
else is let through."""

PLACE_ALIASES = {"SECSTATE": "STATE", "SECSTATE WASHDC": "STATE", "USUN": "USUNNEWYORK", "UNVIE": "UNVIEVIENNA"}
"""Places whose id form differs from their spelling in banners and REF lines."""


def id_place(place: str) -> str:
    """The id form of a place: upper case, spaces and dots dropped (NEW DELHI -> NEWDELHI)."""
    place = re.sub(r"\s+", " ", place.strip().upper())
    place = PLACE_ALIASES.get(place, place)
    return re.sub(r"[^A-Z]", "", place)


def make_id(year: int | str, place: str, number: int | str) -> str:
    """Build a canonical id from a year, a place and a message number."""
    yy = int(year) % 100
    return f"{yy:02d}{id_place(place)}{int(number)}"


def canonical_id(value: str) -> tuple[str, bool]:
    """Return (canonical id, repaired?) for an id as a publisher wrote it."""
    v = re.sub(r"\s+", "", value.strip().upper())
    m = SECTION_GLUED.match(v)
    if m:
        return f"{m.group(1)}{m.group(2)}{int(m.group(3))}", True
    m = CANONICAL.match(v)
    if m:
        fixed = f"{m.group(1)}{m.group(2)}{int(m.group(3))}"
        return fixed, fixed != value.strip()
    return v, False


def valid_id(value: str) -> bool:
    """Whether an id may name a cable's folder and files (see ID_SHAPE)."""
    return isinstance(value, str) and ID_SHAPE.fullmatch(value) is not None


def is_canonical(value: str) -> bool:
    m = CANONICAL.match(value)
    return bool(m) and not value.startswith(m.group(1) + m.group(2) + "0")


def known_place(words: str) -> str | None:
    """Return the place named by `words` if it is a known post (REF lines, banners), else None."""
    w = re.sub(r"\s+", " ", words.strip().upper())
    if w in station_places() or w in PLACE_ALIASES:
        return w
    return None


def origin_from_station(fm: str | None) -> str | None:
    """The publisher's origin wording for an FM line's station (AMEMBASSY BEIJING -> Embassy Beijing)."""
    if not fm:
        return None
    fm = re.sub(r"\s+", " ", fm.strip().upper())
    known = origins_by_fm_line()
    if fm in known:
        return known[fm]
    for prefix, kind in (("AMEMBASSY ", "Embassy"), ("AMCONSUL ", "Consulate")):
        if fm.startswith(prefix):
            return f"{kind} {titlecase(fm[len(prefix):])}"
    return None


def titlecase(place: str) -> str:
    """Title-case a place as the publisher does (RIO DE JANEIRO -> Rio De Janeiro)."""
    return " ".join(w[:1] + w[1:].lower() for w in place.split())
