"""Reference tables shipped in generator/data (see data/SOURCES.md): routing indicators, origins, TAGS."""

from __future__ import annotations

import csv
import json
import re
from functools import lru_cache
from pathlib import Path

DATA = Path(__file__).parent / "data"
SOURCES_PROSE = DATA / "sources.md"
"""Where the tables' values come from, as prose with links, for the About page."""

PRECEDENCE_CODES = {"Z": "FLASH", "O": "IMMEDIATE", "P": "PRIORITY", "R": "ROUTINE"}
"""First letter of a DTG or relay line, and the precedence it stands for."""


def _rows(name: str) -> list[dict[str, str]]:
    with open(DATA / name, newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


@lru_cache(maxsize=None)
def routing_indicators() -> dict[str, str]:
    """Map a routing indicator (RUEHBJ) to its station name (AMEMBASSY BEIJING)."""
    return {r["routing_indicator"]: r["name"] for r in _rows("routing_indicators.csv") if r["name"]}


_COUNT = re.compile(r"\s*\(\d+\)\s*$")


@lru_cache(maxsize=None)
def origins_by_fm_line() -> dict[str, str]:
    """Map an FM line's station (AMCONSUL CALCUTTA) to the publisher's origin (Consulate Kolkata)."""
    out: dict[str, str] = {}
    for row in _rows("origin_to_station_observed.csv"):
        for fm in row["fm_line"].split("|"):
            fm = _COUNT.sub("", fm).strip()
            if fm:
                out[fm] = row["wikileaks_origin"]
    return out


@lru_cache(maxsize=None)
def origins_by_routing_indicator() -> dict[str, str]:
    """Map a sending routing indicator (RUEHGH) to the publisher's origin (Consulate Shanghai)."""
    out: dict[str, str] = {}
    for row in _rows("origin_to_station_observed.csv"):
        for ri in row["de_routing_indicator"].split("|"):
            ri = _COUNT.sub("", ri).strip()
            if ri:
                out.setdefault(ri, row["wikileaks_origin"])
    return out


@lru_cache(maxsize=None)
def tag_codes() -> frozenset[str]:
    """Every TAGS code the tables know."""
    return frozenset(r["tag"] for r in _rows("tags.csv"))


@lru_cache(maxsize=None)
def station_places() -> frozenset[str]:
    """Place names of posts (BEIJING, NEW DELHI), as REF lines and banners name them."""
    places = {"STATE", "SECSTATE", "SECDEF", "USNATO", "USUN NEW YORK", "USEU BRUSSELS",
              "UNVIE VIENNA", "RPO DUBAI", "IRAN RPO DUBAI", "USUN", "AIT TAIPEI", "USOSCE",
              "USCINCPAC", "USDAO", "CIA"}
    prefixes = ("AMEMBASSY ", "AMCONSUL ", "USMISSION ", "USINT ", "USLO ", "USOFFICE ", "AIT ", "USDEL ")
    names = list(routing_indicators().values()) + list(origins_by_fm_line())
    for name in names:
        for p in prefixes:
            if name.startswith(p):
                places.add(name[len(p):].strip())
    return frozenset(p for p in places if p and not p.endswith("/"))


@lru_cache(maxsize=None)
def markings() -> dict:
    """The classification-markings table (reasons, precedences, caveats)."""
    return json.loads((DATA / "classification_markings.json").read_text(encoding="utf-8"))
