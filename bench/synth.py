"""Synthetic cable collections for the benchmarks: N realistic raw telegrams and an editorial layer.

    python bench/synth.py 10000 /tmp/synth-10k [--seed 7] [--hugo /tmp/hugo-10k] [--verify 50]

`make_corpus(n, root, seed)` writes a content folder that `python build.py build --content ROOT` builds:

- `cables/<ID>.txt`: one telegram a file, laid out as the WikiLeaks text renderings in
  ../shared/corpus/dev are: transmission header (VZCZC line, relay line, DE line, security line, DTG,
  FM / TO / INFO with real routing indicators), classification banner with its place and number,
  handling lines (SIPDIS, SENSITIVE, NOFORN), E.O. 12958 line, TAGS, SUBJECT, REF lines naming earlier
  cables of the same collection, Classified By, 10-15 numbered paragraphs with portion markings
  (headings, summaries, comments, bullets and lettered sub-paragraphs in some), a page-break line
  between sections, and the signature;
- `annotations/<ID>.yaml` for about 2% of the cables (at least one), `threads/*.yaml` (two threads
  along REF chains), `site.yaml`, `pages/*.md` and `tags.csv`.

The draws follow the real material: origins weighted by the cables of each post in the dev corpus,
routing indicators and addressee names from ../shared/tables/routing_indicators.csv, TAGS by
`observed_in_corpus_count` in tags.csv (plus a small epsilon, codes with a definition only, so that
every code has an expansion), the classification mix and the spread of years of the whole Cablegate
release (approximate). Everything comes from one `random.Random(seed)`: the same n and seed give the
same bytes. The prose is built from word lists; it reads like a cable and means nothing.

The tables are read from ../shared/tables where that folder exists, else from generator/data (the
same files, shipped with the generator).
"""

from __future__ import annotations

import argparse
import bisect
import csv
import itertools
import json
import multiprocessing
import os
import re
import shutil
import subprocess
import sys
import time
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from pathlib import Path
from random import Random

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared"
TABLES = SHARED / "tables" if (SHARED / "tables").is_dir() else ROOT / "generator" / "data"
DEV_METADATA = SHARED / "corpus" / "dev" / "metadata.json"

# --- the shape of the release (approximate figures for the 251,287 Cablegate cables) ------------

CLASSIFICATIONS = [  # publisher's value, cables in the whole release
    ("UNCLASSIFIED", 75792),
    ("UNCLASSIFIED//FOR OFFICIAL USE ONLY", 58095),
    ("CONFIDENTIAL", 97070),
    ("CONFIDENTIAL//NOFORN", 4678),
    ("SECRET", 11322),
    ("SECRET//NOFORN", 4330),
]
YEARS = [(2003, 5), (2004, 8), (2005, 12), (2006, 17), (2007, 19), (2008, 22), (2009, 21), (2010, 4)]
"""Relative weights of the year of creation; the release ends in February 2010."""
LAST_DAY = datetime(2010, 2, 28, 23, 59)
PRECEDENCES = [("R", "ROUTINE", 36), ("P", "PRIORITY", 34), ("O", "IMMEDIATE", 30)]
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
ANNOTATED_SHARE = 0.02
TAG_EPSILON = 0.3
"""Weight added to every code's observed count, so that codes unseen in the dev corpus appear now and then."""

FM_PREFIXES = ("AMEMBASSY ", "AMCONSUL ", "USMISSION ", "USINT ")
SKIP_FM = {"USDEL SECRETARY"}
"""Stations whose id form the generator cannot tell from the FM line."""

# --- word lists -------------------------------------------------------------------------------

SURNAMES = """Abbott Alvarez Andersen Baird Barros Bell Brennan Calder Carver Castillo Chen Collins Dalton Delgado
Dunn Ellis Farrell Fischer Foster Garner Grant Haddad Halvorsen Hart Hughes Ibrahim Jansen Jennings Kaplan Keller
Kowalski Lambert Larsen Lin Lowe Mahler Marsh Medina Meyer Morgan Nash Novak Okafor Olsen Ortega Park Pearce
Quinn Ramsey Reyes Rowe Santos Schultz Shaw Sinclair Sloane Stone Sutton Takeda Tanaka Torres Turner Vance Varga
Wade Walsh Warren Weber Whitman Young Zhou Ziegler""".split()
GIVEN = """Adam Alan Alice Ann Brian Carol Daniel David Diane Edward Elena Frank Grace Helen James Jane John Karen
Laura Linda Mark Mary Michael Nancy Paul Peter Robert Ruth Sarah Steven Susan Thomas William""".split()
TITLES = ["Ambassador", "Charge d'Affaires", "DCM", "Political Counselor", "Political Minister Counselor",
          "Econ/Pol Counselor", "Deputy Political Section Chief", "Acting DCM", "Political Officer",
          "Economic Counselor", "Poloff"]
REASON_SETS = ["(b) and (d)", "(b/d)", "(b), (d)", "(d)", "(b), (c) and (d)", "(a), (b) and (d)", "(c)",
               "(b,d)", "(e)", "(g) and (h)"]
ACTORS = ["the Foreign Ministry", "MFA officials", "the Prime Minister", "the ruling party", "opposition leaders",
          "the central bank", "provincial officials", "the Interior Ministry", "the Defense Minister",
          "parliamentary leaders", "senior military officers", "the Trade Ministry", "the President's office",
          "local authorities", "the Finance Minister", "the election commission", "civil society groups",
          "the national police", "the Energy Ministry", "business leaders", "the Justice Minister",
          "the security services", "the governing coalition", "the Health Ministry", "diplomatic contacts",
          "the state press", "party officials", "the Deputy Foreign Minister", "customs officials",
          "the intelligence service", "regional governors", "the Labor Minister", "NGO representatives"]
SOURCES = ["a senior MFA official", "a well-placed contact", "an opposition legislator", "a ministry adviser",
           "a local journalist", "a Western diplomat", "a think tank scholar", "a party insider",
           "a central bank economist", "a UN agency representative", "xxxxxxxxxxxx", "a business contact"]
OURS = ["the Ambassador", "PolOff", "EconOff", "the DCM", "Poloff", "Emboff", "the visiting delegation",
        "A/S", "the Charge", "Post"]
VERBS = ["expand", "review", "support", "resist", "postpone", "implement", "oppose", "welcome", "reconsider",
         "accelerate", "block", "endorse", "delay", "finalize", "revise", "question", "restrict", "fund",
         "pursue", "abandon", "defend", "clarify", "monitor", "strengthen", "reform", "renegotiate"]
PAST = ["expanded", "reviewed", "supported", "resisted", "postponed", "implemented", "opposed", "welcomed",
        "reconsidered", "blocked", "endorsed", "delayed", "finalized", "revised", "questioned", "restricted",
        "funded", "pursued", "defended", "clarified", "strengthened", "reformed", "announced", "signed"]
OBJECTS = ["the draft resolution", "bilateral trade talks", "the export control regime", "its nuclear program",
           "the new energy law", "visa procedures", "the counternarcotics agreement", "reform of the judiciary",
           "the fuel subsidy", "the border commission", "the anti-corruption campaign", "the budget for next year",
           "the peacekeeping mission", "cooperation on counterterrorism", "the press law", "the privatization plan",
           "the refugee return program", "the free trade agreement", "military-to-military contacts",
           "the election timetable", "the customs union", "the investment code", "the human rights dialogue",
           "the aviation agreement", "debt relief negotiations", "the pipeline project", "the land reform bill",
           "the fisheries accord", "the extradition request", "the climate negotiations", "the arms embargo",
           "the textile quota", "the water-sharing accord", "the constitutional amendment", "the census results"]
ADJUNCTS = ["before the end of the year", "in the coming weeks", "despite strong domestic pressure",
            "under the current budget", "with support from donors", "as soon as conditions allow",
            "without consulting the cabinet", "after the party congress", "in close coordination with the EU",
            "ahead of the summit", "for the time being", "in principle but not in practice",
            "at the next ministerial meeting", "once the parliament reconvenes", "on a trial basis",
            "over the objections of the finance ministry", "in the northern provinces", "within existing law"]
HEDGES = ["appeared", "seemed", "was widely seen as", "was reportedly", "remained"]
STATES = ["reluctant to act", "eager to cooperate", "divided on the issue", "uncertain of its next steps",
          "under heavy pressure", "confident of success", "open to further talks", "skeptical of the proposal",
          "focused on domestic politics", "wary of public reaction"]
OPENERS = ["In a meeting with", "During a call on", "At a lunch hosted by", "In a conversation with",
           "Following talks with"]
TOPICS = ["BILATERAL RELATIONS", "ELECTIONS", "ENERGY SECURITY", "TRADE TALKS", "NONPROLIFERATION",
          "COUNTERTERRORISM COOPERATION", "HUMAN RIGHTS", "ECONOMIC OUTLOOK", "MILITARY COOPERATION",
          "PRESS FREEDOM", "CABINET RESHUFFLE", "BUDGET DEBATE", "REFUGEES", "BORDER DISPUTE",
          "CORRUPTION PROBE", "INVESTMENT CLIMATE", "OPPOSITION PROTESTS", "AVIAN INFLUENZA",
          "EXPORT CONTROLS", "PEACEKEEPING", "JUDICIAL REFORM", "FUEL PRICES", "MEDIA LAW", "NARCOTICS"]
SUBJECT_FRAMES = ["{c}: {t} {x}", "{c}: {a} ON {t}", "{t}: {a} {x}", "{c} {t} {x}", "{a} DISCUSSES {t} WITH {o}",
                  "{c}: SCENESETTER FOR {o} VISIT", "{c}: {t} - {a} {x}"]
SUBJECT_ACTORS = ["MFA", "PM", "FM", "PRESIDENT", "OPPOSITION", "PARLIAMENT", "MINISTER", "CENTRAL BANK",
                  "DEFENSE MINISTER", "RULING PARTY"]
SUBJECT_TAILS = ["UPDATE", "REMAINS STALLED", "GAINS MOMENTUM", "UNDER PRESSURE", "AFTER THE VOTE",
                 "AND NEXT STEPS", "SIGNALS FLEXIBILITY", "TAKES SHAPE", "FACES DELAYS", "REVISITED"]
VISITORS = ["CODEL", "A/S", "DAS", "U/S", "DEPUTY SECRETARY", "SECRETARY", "NSA"]
HEADINGS = ["Background", "Comment", "Next Steps", "Ministry Cautious on Timing", "Opposition Views",
            "Economic Impact", "Regional Reactions", "A Divided Cabinet", "Security Concerns", "Outlook",
            "Reaction from the Press", "Donor Coordination", "Legal Questions", "Meeting with the Minister",
            "Action Request", "Views from the Provinces", "Bio Note"]
OFFICES = ["EAP/CM", "INR/EAP", "NEA/ELA", "EUR/WE", "WHA/BSC", "AF/E", "SCA/A", "ISN/MNSA", "DRL", "EEB/TPP",
           "S/CT", "PM/RSAT"]


# --- tables ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Origin:
    name: str          # the publisher's origin (Embassy Beijing)
    fm: str            # the FM line's station (AMEMBASSY BEIJING)
    ri: str            # the sending routing indicator (RUEHBJ)
    place: str         # the place as banners and REF lines write it (BEIJING)
    id_place: str      # the place in ids (BEIJING, USUNNEWYORK)
    geo: str | None    # the geographic TAGS code most of its dev cables carry, if one clearly dominates


@dataclass
class Tables:
    origins: list[Origin]
    origin_weights: list[float]
    addressees: list[tuple[str, str]]     # (routing indicator, name as written in headers)
    addressee_weights: list[float]
    relays: list[str]
    subject_tags: list[str]
    subject_weights: list[float]
    geo_tags: list[str]
    geo_weights: list[float]
    country: dict[str, str]               # geographic code -> country name


def _count(text: str) -> int:
    m = re.search(r"\((\d+)\)\s*$", text.strip())
    return int(m.group(1)) if m else 0


def _strip_count(text: str) -> str:
    return re.sub(r"\s*\(\d+\)\s*$", "", text.strip())


def _place_of(fm: str) -> str | None:
    if fm == "SECSTATE WASHDC":
        return "STATE"
    for prefix in FM_PREFIXES:
        if fm.startswith(prefix):
            return fm[len(prefix):]
    if fm in SKIP_FM:
        return None
    return fm  # USEU BRUSSELS, AIT TAIPEI, RPO DUBAI


def _tag_rows() -> list[tuple[str, str, str, int]]:
    """(code, kind, definition, observed count) of each row of tags.csv.

    Some rows carry an unquoted comma in definition_source, which shifts the later columns; the
    count is always the next-to-last field.
    """
    rows = []
    with open(TABLES / "tags.csv", newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader)
        for r in reader:
            if len(r) < 8:
                continue
            try:
                count = int(r[-2])
            except ValueError:
                count = 0
            rows.append((r[0], r[1], r[3], count))
    return rows


def load_tables() -> Tables:
    tag_rows = _tag_rows()
    kind = {code: k for code, k, _, _ in tag_rows}
    defined = {code for code, _, d, _ in tag_rows if d.strip()}
    country = {code: d for code, k, d, _ in tag_rows if k == "geographic" and d.strip()}

    geo_of: dict[str, str | None] = {}
    if DEV_METADATA.exists():
        per_origin: dict[str, dict[str, int]] = {}
        totals: dict[str, int] = {}
        for c in json.loads(DEV_METADATA.read_text(encoding="utf-8"))["cables"]:
            totals[c["origin"]] = totals.get(c["origin"], 0) + 1
            counts = per_origin.setdefault(c["origin"], {})
            for t in dict.fromkeys(c["tags"]):
                if kind.get(t) == "geographic" and t in defined:
                    counts[t] = counts.get(t, 0) + 1
        for o, counts in per_origin.items():
            if counts:
                code, k = max(sorted(counts.items()), key=lambda kv: kv[1])
                if k >= 2 and 2 * k >= totals[o]:
                    geo_of[o] = code

    origins, weights = [], []
    with open(TABLES / "origin_to_station_observed.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            fms = [x for x in row["fm_line"].split("|") if x.strip()]
            ris = [x for x in row["de_routing_indicator"].split("|") if x.strip()]
            if not fms or not ris:
                continue
            fm = _strip_count(max(fms, key=_count))
            ri = _strip_count(max(ris, key=_count))
            place = _place_of(fm)
            if not place or not re.fullmatch(r"[A-Z]{4,8}", ri):
                continue
            id_place = {"USUN NEW YORK": "USUNNEWYORK", "UNVIE VIENNA": "UNVIEVIENNA"}.get(
                place, re.sub(r"[^A-Z]", "", place))
            name = row["wikileaks_origin"]
            origins.append(Origin(name, fm, ri, place, id_place, geo_of.get(name)))
            # The dev corpus leans on China; the release's largest sender is the Department itself.
            n = int(row["cables_in_corpus"] or 1)
            weights.append(30.0 if place == "STATE" else float(min(n, 20)))

    addressees, aweights, relays = [], [], []
    with open(TABLES / "routing_indicators.csv", newline="", encoding="utf-8") as f:
        for row in csv.DictReader(f):
            ri, seen = row["routing_indicator"], int(row["observed_count_in_corpus"] or 0)
            if seen <= 0 or not re.fullmatch(r"[A-Z]{4,8}", ri):
                continue
            names = [x for x in row["observed_names_in_corpus"].split("|") if x.strip()]
            if not names:
                continue
            name = _strip_count(max(names, key=_count))
            if not re.fullmatch(r"[A-Z0-9 ./&'-]+", name) or name.startswith("SECSTATE"):
                continue
            addressees.append((ri, name))
            aweights.append(float(seen))
            if ri.startswith("RUEH") and len(ri) <= 7:
                relays.append(ri)

    subject_tags, sweights, geo_tags, gweights = [], [], [], []
    for code, k, d, count in tag_rows:
        if not d.strip() or not re.fullmatch(r"[A-Z][A-Z0-9]{1,7}", code):
            continue
        if k == "geographic":
            geo_tags.append(code)
            gweights.append(count + TAG_EPSILON)
        elif k in ("subject", "program"):
            subject_tags.append(code)
            sweights.append(count + TAG_EPSILON)
    return Tables(origins, weights, addressees, aweights, relays, subject_tags, sweights, geo_tags, gweights,
                  country)


# --- prose --------------------------------------------------------------------------------------

def sentence_pool(rng: Random, size: int = 4000) -> list[str]:
    """English-looking cable sentences, built once per corpus."""
    def cap(s: str) -> str:
        return s[:1].upper() + s[1:]

    def name() -> str:
        return f"{rng.choice(GIVEN)} {rng.choice(SURNAMES)}"

    frames = [
        lambda: f"{cap(rng.choice(ACTORS))} told {rng.choice(OURS)} that the government would "
                f"{rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(ADJUNCTS)}.",
        lambda: f"According to {rng.choice(SOURCES)}, {rng.choice(ACTORS)} {rng.choice(HEDGES)} "
                f"{rng.choice(STATES)}.",
        lambda: f"{cap(rng.choice(ACTORS))} {rng.choice(PAST)} {rng.choice(OBJECTS)} "
                f"{rng.choice(ADJUNCTS)}.",
        lambda: f"\"We will {rng.choice(VERBS)} {rng.choice(OBJECTS)} {rng.choice(ADJUNCTS)},\" "
                f"{name()} said.",
        lambda: f"{rng.choice(OPENERS)} {rng.choice(OURS)}, {name()} of {rng.choice(ACTORS)} said that "
                f"{rng.choice(OBJECTS)} {rng.choice(HEDGES)} {rng.choice(STATES)}.",
        lambda: f"Post will continue to {rng.choice(VERBS)} {rng.choice(OBJECTS)} and report developments "
                f"{rng.choice(ADJUNCTS)}.",
        lambda: f"(Note: {cap(rng.choice(ACTORS))} {rng.choice(PAST)} {rng.choice(OBJECTS)} "
                f"{rng.choice(ADJUNCTS)}. End Note.)",
        lambda: f"{name()} argued that {rng.choice(ACTORS)} could not {rng.choice(VERBS)} "
                f"{rng.choice(OBJECTS)} while {rng.choice(ACTORS)} {rng.choice(HEDGES)} {rng.choice(STATES)}.",
        lambda: f"{cap(rng.choice(OURS))} urged {rng.choice(ACTORS)} to {rng.choice(VERBS)} "
                f"{rng.choice(OBJECTS)}, noting that some {rng.randint(12, 480)} delegates had raised it.",
        lambda: f"Asked about {rng.choice(OBJECTS)}, {rng.choice(SOURCES)} replied that "
                f"{rng.choice(ACTORS)} {rng.choice(HEDGES)} {rng.choice(STATES)} but would "
                f"{rng.choice(VERBS)} it {rng.choice(ADJUNCTS)}.",
        lambda: f"The {rng.choice(['proposal', 'decision', 'statement', 'report', 'plan', 'visit'])} "
                f"{rng.choice(HEDGES)} {rng.choice(STATES)} -- a sign, {name()} said, that "
                f"{rng.choice(ACTORS)} would {rng.choice(VERBS)} {rng.choice(OBJECTS)}.",
    ]
    return [rng.choice(frames)() for _ in range(size)]


class FastRandom(Random):
    """random.Random with randint and choice drawn from random() alone: several times faster, as deterministic."""

    def randint(self, a: int, b: int) -> int:
        return a + int(self.random() * (b - a + 1))

    def choice(self, seq):
        return seq[int(self.random() * len(seq))]


def wrapper(width: int) -> re.Pattern:
    """A regular expression that wraps text at `width` columns (greedy, breaking at spaces)."""
    return re.compile(r"(.{1,%d})(?: +|$)" % width)


def wrap(rx: re.Pattern | None, text: str) -> list[str]:
    if rx is None:  # some renderings keep a whole paragraph on one line
        return [text]
    return rx.findall(text)


# --- one cable ----------------------------------------------------------------------------------

@dataclass
class Paragraph:
    label: str
    marking: str | None
    heading: str | None
    text: str            # as the parser will join it (blocks separated by a blank line)


@dataclass
class Cable:
    id: str
    created: datetime
    origin: Origin
    number: int
    classification: str
    precedence: str
    tags: list[str]
    subject: str = ""
    references: list[str] = field(default_factory=list)   # ids of the cited cables
    paragraphs: list[Paragraph] = field(default_factory=list)
    sections: int = 1
    signer: str = ""
    text: str = ""
    index: int = 0        # position in the collection, in order of creation
    post_pos: int = 0     # cables of the same post before this one
    state_pos: int = 0    # cables of the Department before this one
    annotated: bool = False


MARKINGS = {
    "UNCLASSIFIED": [("U", 1.0)],
    "UNCLASSIFIED//FOR OFFICIAL USE ONLY": [("SBU", 0.7), ("U", 0.3)],
    "CONFIDENTIAL": [("C", 0.75), ("SBU", 0.15), ("U", 0.1)],
    "CONFIDENTIAL//NOFORN": [("C/NF", 0.6), ("C", 0.3), ("U", 0.1)],
    "SECRET": [("S", 0.6), ("C", 0.3), ("U", 0.1)],
    "SECRET//NOFORN": [("S/NF", 0.6), ("S", 0.2), ("C", 0.2)],
}
BANNERS = {"CONFIDENTIAL": "C O N F I D E N T I A L", "SECRET": "S E C R E T"}
SECURITY = {"UNCLASSIFIED": "ZNR UUUUU ZZH", "CONFIDENTIAL": "ZNY CCCCC ZZH", "SECRET": "ZNY SSSSS ZZH"}


class Writer:
    """Draws the cables of one collection. The plan (ids, dates, origins, markings) is drawn first for
    the whole collection; each cable is then drawn with a generator of its own, seeded by the collection's
    seed and its index, so that any cable can be drawn alone, in any process, with the same result."""

    def __init__(self, seed: int):
        self.seed = seed
        self.rng = FastRandom(seed)
        self.t = load_tables()
        self.pool = sentence_pool(self.rng)
        self.cables: list[Cable] = []
        self.by_post: dict[str, list[Cable]] = {}
        self.state: list[Cable] = []
        self.wrappers = {w: wrapper(w) for w in range(58, 71)}
        self.cum_origin = list(itertools.accumulate(self.t.origin_weights))
        self.cum_addr = list(itertools.accumulate(self.t.addressee_weights))
        self.cum_subject = list(itertools.accumulate(self.t.subject_weights))
        self.cum_geo = list(itertools.accumulate(self.t.geo_weights))
        posts = [(a, wt) for a, wt in zip(self.t.addressees, self.t.addressee_weights)
                 if a[1].startswith(("AMEMBASSY ", "AMCONSUL ", "USMISSION "))]
        self.posts = [a for a, _ in posts]
        self.cum_posts = list(itertools.accumulate(wt for _, wt in posts))
        self.signers: dict[tuple[str, int], str] = {}
        self.officials: dict[tuple[str, int], str] = {}

    # - drawing helpers
    def pick(self, items: list, cum: list[float]):
        return items[bisect.bisect(cum, self.rng.random() * cum[-1])]

    def distinct(self, items: list, cum: list[float], k: int, taken: list) -> list:
        out = []
        for _ in range(k * 6):
            if len(out) == k:
                break
            x = self.pick(items, cum)
            if x not in out and x not in taken:
                out.append(x)
        return out

    def signer_of(self, c: Cable) -> str:
        year = c.created.year
        if c.origin.place == "STATE":
            return "POWELL" if year < 2005 else "RICE" if year < 2009 else "CLINTON"
        key = (c.origin.place, (year - 2003) // 3)
        if key not in self.signers:  # a string seed is hashed with SHA-512: the same in every process
            self.signers[key] = Random(f"{self.seed}/signer/{key}").choice(SURNAMES).upper()
        return self.signers[key]

    def classifier_of(self, c: Cable) -> str:
        key = (c.origin.place, (c.created.year - 2003) // 2)
        if key not in self.officials:
            r = Random(f"{self.seed}/official/{key}")
            self.officials[key] = (f"{r.choice(TITLES)} {r.choice(GIVEN)} "
                                   f"{r.choice(['', 'A. ', 'J. ', 'M. ', 'R. '])}{r.choice(SURNAMES)}")
        return self.officials[key]

    # - the plan: ids and dates for the whole collection, in order of creation
    def plan(self, n: int) -> list[Cable]:
        rng = self.rng = FastRandom(f"{self.seed}/plan")
        years = [y for y, _ in YEARS]
        cum_years = list(itertools.accumulate(w for _, w in YEARS))
        cum_class = list(itertools.accumulate(w for _, w in CLASSIFICATIONS))
        cum_prec = list(itertools.accumulate(w for _, _, w in PRECEDENCES))
        drafts = []
        for _ in range(n):
            year = years[bisect.bisect(cum_years, rng.random() * cum_years[-1])]
            start = datetime(year, 1, 1)
            end = min(datetime(year, 12, 31, 23, 59), LAST_DAY)
            minutes = int((end - start).total_seconds() // 60)
            created = start + timedelta(minutes=rng.randrange(minutes))
            origin = self.pick(self.t.origins, self.cum_origin)
            cls = CLASSIFICATIONS[bisect.bisect(cum_class, rng.random() * cum_class[-1])][0]
            prec = PRECEDENCES[bisect.bisect(cum_prec, rng.random() * cum_prec[-1])][0]
            drafts.append((created, origin, cls, prec))
        drafts.sort(key=lambda d: (d[0], d[1].id_place))
        # Message numbers run through each post's year: about where the date falls in a year of that
        # post's traffic (the Department sends some 150,000 a year, a large embassy several thousand).
        volume = {o.id_place: 150000 if o.place == "STATE" else 1200 + 400 * int(wt)
                  for o, wt in zip(self.t.origins, self.t.origin_weights)}
        counters: dict[tuple[str, int], int] = {}
        cables = []
        for created, origin, cls, prec in drafts:
            key = (origin.id_place, created.year)
            share = (created.timetuple().tm_yday - 1 + created.hour / 24) / 366
            number = max(counters.get(key, 0) + 1, int(share * volume[origin.id_place]) + rng.randint(1, 9))
            counters[key] = number
            cid = f"{created.year % 100:02d}{origin.id_place}{number}"
            c = Cable(cid, created, origin, number, cls, prec, [], index=len(cables))
            same = self.by_post.setdefault(origin.id_place, [])
            c.post_pos, c.state_pos = len(same), len(self.state)
            c.annotated = rng.random() < ANNOTATED_SHARE
            same.append(c)
            if origin.place == "STATE":
                self.state.append(c)
            cables.append(c)
        if not any(c.annotated for c in cables):
            cables[len(cables) // 2].annotated = True
        self.cables = cables
        return cables

    # - the parts of one cable
    def draw_tags(self, c: Cable) -> list[str]:
        rng = self.rng
        total = rng.choice((3, 3, 4, 4, 4, 5, 5, 6))
        geo: list[str] = []
        if c.origin.geo and rng.random() < 0.85:
            geo.append(c.origin.geo)
        n_geo = max(len(geo), rng.choice((1, 1, 1, 2, 2, 3)))
        geo += self.distinct(self.t.geo_tags, self.cum_geo, n_geo - len(geo), geo)
        subj = self.distinct(self.t.subject_tags, self.cum_subject, max(1, total - len(geo)), [])
        return subj + geo

    def draw_subject(self, c: Cable) -> str:
        rng = self.rng
        geo = next((t for t in c.tags if t in self.t.country), None)
        country = self.t.country.get(geo, "REGION").upper() if geo else "REGION"
        country = re.sub(r"[^A-Z ,.'-]", "", country).split(",")[0].strip() or "REGION"
        frame = rng.choice(SUBJECT_FRAMES)
        s = frame.format(c=country, t=rng.choice(TOPICS), x=rng.choice(SUBJECT_TAILS),
                         a=rng.choice(SUBJECT_ACTORS), o=rng.choice(VISITORS))
        if c.classification != "UNCLASSIFIED" and rng.random() < 0.15:
            s = f"({MARKINGS[c.classification][0][0]}) {s}"
        return s

    def ref_line(self, c: Cable) -> list[str]:
        """The REF line's lines, naming 1-4 earlier cables; c.references gets their ids.

        Mostly the post's own recent cables and the Department's, as real REF lines do."""
        rng = self.rng
        i = c.index
        if not i or rng.random() > 0.5:
            return []
        same_post, n_same = self.by_post[c.origin.id_place], c.post_pos
        k = rng.choice((1, 1, 1, 2, 2, 3, 4))
        chosen: list[Cable] = []
        for _ in range(k * 3):
            if len(chosen) == k:
                break
            r = rng.random()
            if r < 0.55 and n_same:
                cand = same_post[n_same - 1 - min(n_same - 1, int(rng.expovariate(0.15)))]
            elif r < 0.8 and c.state_pos:
                cand = self.state[c.state_pos - 1 - min(c.state_pos - 1, int(rng.expovariate(0.05)))]
            else:
                cand = self.cables[int(rng.random() * i)]
            if all(cand is not x for x in chosen):
                chosen.append(cand)
        chosen.sort(key=lambda x: x.created, reverse=True)
        c.references = [x.id for x in chosen]

        def cite(x: Cable) -> str:
            if x.created.year == c.created.year:
                return f"{x.origin.place} {x.number}"
            if rng.random() < 0.1:
                return f"{x.created.year} {x.origin.place} {x.number}"
            return f"{x.created.year % 100:02d} {x.origin.place} {x.number}"

        items = [cite(x) for x in chosen]
        if len(items) == 1:
            return [f"REF: {items[0]}"]
        form = rng.random()
        letters = "ABCDEFGH"
        if form < 0.5:
            return ["REF: " + " ".join(f"{letters[i]}. {it}" for i, it in enumerate(items))]
        if form < 0.65:
            return ["REF: " + " ".join(f"{letters[i]}) {it}" for i, it in enumerate(items))]
        if form < 0.8:  # the publisher's pilcrow before each later letter
            return [f"REF: A. {items[0]}"] + [f"     \u00b6{letters[i]}. {it}" for i, it in enumerate(items) if i]
        return [f"REF: A. {items[0]}"] + [f"     {letters[i]}. {it}" for i, it in enumerate(items) if i]

    def body(self, c: Cable, rx: re.Pattern | None, upper: bool) -> list[str]:
        """The numbered paragraphs as lines; fills c.paragraphs with what the parser should read."""
        rng = self.rng
        pool = self.pool
        markings = MARKINGS[c.classification]
        cum_mark = list(itertools.accumulate(w for _, w in markings))
        unmarked = c.classification == "UNCLASSIFIED" and rng.random() < 0.4
        pilcrow = "\u00b6" if rng.random() < 0.85 else ""
        gap = rng.choice(("", " ", " "))
        count = rng.randint(10, 15)
        summary = rng.random()
        comment = rng.random() < 0.4
        headed = rng.random() < 0.45
        sub_at = rng.randint(3, count - 1) if rng.random() < 0.06 else None
        lines: list[str] = []

        def mark() -> str | None:
            if unmarked:
                return None
            return markings[bisect.bisect(cum_mark, rng.random() * cum_mark[-1])][0]

        def sentences(lo: int, hi: int) -> str:
            s = " ".join(rng.choices(pool, k=rng.randint(lo, hi)))
            return s.upper() if upper else s

        for num in range(1, count + 1):
            heading = None
            if num == 1 and 0.6 <= summary < 0.8:
                heading = "Summary"
            elif headed and num > 1 and rng.random() < 0.3:
                heading = rng.choice(HEADINGS)
            elif comment and num == count and rng.random() < 0.5:
                heading = "Comment"
            if heading:
                h = heading.upper() if upper else heading
                lines += [h, "-" * len(h), ""]
            m = mark()
            text = sentences(2, 7)
            if num == 1 and summary < 0.6:
                text = f"Summary: {text} End Summary."
            elif comment and num == count:
                text = f"Comment: {text} End Comment."
            if upper:
                text = text.upper()
            prefix = f"{pilcrow}{num}.{gap} " + (f"({m}) " if m else "")
            lines += wrap(rx, prefix + text)
            blocks = [text]
            if rng.random() < 0.1:  # a few bullets inside the paragraph
                for _ in range(rng.randint(2, 4)):
                    b = "-- " + sentences(1, 2)
                    lines.append("")
                    lines += wrap(rx, b)
                    blocks.append(b)
            lines.append("")
            c.paragraphs.append(Paragraph(str(num), m, heading.upper() if heading and upper else heading,
                                          "\n\n".join(blocks)))
            if sub_at == num:
                for letter in "abc"[: rng.randint(2, 3)]:
                    sm = mark()
                    st = sentences(1, 3)
                    lines += wrap(rx, f"{letter.upper()}. " + (f"({sm}) " if sm else "") + st)
                    lines.append("")
                    c.paragraphs.append(Paragraph(f"{num}{letter}", sm, None, st))
        return lines

    def header(self, c: Cable, sections: int) -> list[str]:
        rng = self.rng
        t = c.created
        prec_word = {p: w for p, w, _ in PRECEDENCES}[c.precedence]
        out = []
        if t.year >= 2007 and rng.random() < 0.3:
            out += [f"VZCZCXYZ{rng.randint(1, 9999):04d}", f"{c.precedence * 2} RUEHWEB", ""]
        else:
            relays = []
            for _ in range(rng.randint(1, 8)):
                r = rng.choice(self.t.relays)
                if r not in relays:
                    relays.append(r)
            out += [f"VZCZCXRO{rng.randint(1, 9999):04d}", f"{c.precedence * 2} " + " ".join(relays)]
        serial = f"#{c.number % 10000:04d}" + ("/01" if sections > 1 else "")
        out.append(f"DE {c.origin.ri} {serial} {t.timetuple().tm_yday:03d}{t:%H%M}")
        level = c.classification.split("//")[0]
        out.append(SECURITY[level])
        out.append(f"{c.precedence} {t:%d%H%M}Z {MONTHS[t.month - 1]} {t:%y}")
        out.append(f"FM {c.origin.fm}")
        word = "" if c.precedence == "R" else f" {prec_word}"
        if c.origin.place == "STATE":
            to = self.distinct(self.posts, self.cum_posts, rng.randint(1, 3), [])
            out.append(f"TO {to[0][0]}/{to[0][1]}{word} {rng.randint(1, 9999):04d}")
            out += [f"{ri}/{name}{word} {rng.randint(1, 9999):04d}" for ri, name in to[1:]]
        else:
            out.append(f"TO RUEHC/SECSTATE WASHDC{word} {rng.randint(1, 9999):04d}")
        info = self.distinct(self.t.addressees, self.cum_addr, rng.choice((0, 1, 2, 3, 4, 6, 9)), [])
        for k, (ri, name) in enumerate(info):
            serial = f" {rng.randint(1, 9999):04d}" if name.startswith(("AMEMBASSY", "AMCONSUL", "USMISSION")) else ""
            out.append(("INFO " if k == 0 else "") + f"{ri}/{name}{serial}")
        out.append("")
        return out

    def front(self, c: Cable, sections: int) -> list[str]:
        rng = self.rng
        level = c.classification.split("//")[0]
        banner = BANNERS.get(level) or ("UNCLAS" if rng.random() < 0.92 else "UNCLASSIFIED")
        sec = f"SECTION 01 OF {sections:02d} " if sections > 1 else ""
        out = [f"{banner} {sec}{c.origin.place} {c.number:06d}", ""]
        if c.classification.endswith("NOFORN"):
            out.append("NOFORN")
        if rng.random() < 0.9:
            out += ["SIPDIS", ""] if rng.random() < 0.6 else ["SIPDIS", "", "SIPDIS", ""]
        if c.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY":
            out += ["SENSITIVE" if rng.random() < 0.8 else "SENSITIVE BUT UNCLASSIFIED", ""]
        if rng.random() < 0.2:
            office = ", ".join(rng.sample(OFFICES, rng.randint(1, 3)))
            who = "STATE" if c.origin.place != "STATE" else "ALL POSTS"
            out += [f"{who} FOR {office}", ""]
        if level == "UNCLASSIFIED":
            out.append("E.O. 12958: N/A")
        else:
            d = c.created
            decl = d.replace(year=d.year + (10 if rng.random() < 0.7 else 25), day=min(d.day, 28))
            out.append(f"E.O. 12958: DECL: {decl:%Y/%m/%d}" if d.year >= 2009 and rng.random() < 0.5
                       else f"E.O. 12958: DECL: {decl:%m/%d/%Y}")
        sep = ", " if rng.random() < 0.1 else " "
        out.append("TAGS: " + sep.join(c.tags))
        subject_lines = wrap(self.wrappers[62], "SUBJECT: " + c.subject)
        out += subject_lines + [""]
        refs = self.ref_line(c)
        if refs:
            out += refs + [""]
        if level != "UNCLASSIFIED":
            section = "1.5" if c.created.year < 2004 and rng.random() < 0.5 else "1.4"
            who = self.classifier_of(c)
            if rng.random() < 0.5:
                cb = f"Classified By: {who}. Reasons {section} {rng.choice(REASON_SETS)}."
            else:
                cb = f"Classified By: {who} for reasons {section} {rng.choice(REASON_SETS)}."
            out += wrap(self.wrappers[64], cb) + [""]
        return out

    def draw(self, i: int) -> Cable:
        """Draw the i-th cable of the plan: its tags, subject, references, paragraphs and text."""
        c = self.cables[i]
        rng = self.rng = FastRandom(self.seed * 1_000_003 + i + 1)
        c.paragraphs = []
        c.tags = self.draw_tags(c)
        c.subject = self.draw_subject(c)
        rx = None if rng.random() < 0.15 else self.wrappers[rng.randint(58, 70)]
        upper = c.created.year < 2006 and rng.random() < 0.08
        body = self.body(c, rx, upper)
        per_page = rng.randint(50, 200) if rx else rng.randint(12, 45)
        cuts = break_points(body, min(9, max(1, -(-len(body) // per_page))))
        c.sections = len(cuts) + 1
        c.signer = self.signer_of(c) if rng.random() < 0.9 else self.signer_of(c).capitalize()
        head = self.header(c, c.sections)
        front = self.front(c, c.sections)
        if cuts:
            spaces = rng.choice((" ", "  "))
            pieces, last = [], 0
            for page, at in enumerate(cuts, start=2):
                pieces += body[last:at]
                pieces += ["", f"{c.origin.place} {c.number:08d}{spaces}{page:03d} OF {c.sections:03d}", "", ""]
                last = at
            body = pieces + body[last:]
        lines = head + front + body + [c.signer]
        trail = " " if rng.random() < 0.5 else ""
        c.text = (trail + "\n").join(lines) + "\n"
        return c


DASH_LINE = re.compile(r"^-{3,}$")
ENDS_SENTENCE = re.compile(r"""[.!?:;)"']$""")


def break_points(body: list[str], pages: int) -> list[int]:
    """Where to put the page-break lines between sections: before a paragraph, or inside one after a
    line that does not end a sentence (as the real ones fall); never between a heading and its underline."""
    cuts: list[int] = []
    for k in range(1, pages):
        i = max(int(len(body) * k / pages), cuts[-1] + 1 if cuts else 1)
        while i < len(body):
            line, prev = body[i], body[i - 1]
            if line and not DASH_LINE.match(line) and (prev == "" or not ENDS_SENTENCE.search(prev)):
                cuts.append(i)
                break
            i += 1
    return cuts


# --- the editorial layer -----------------------------------------------------------------------

def yaml_str(s: str) -> str:
    """A YAML double-quoted scalar (JSON's escaping is valid YAML)."""
    return json.dumps(s, ensure_ascii=False)


def anchor_in(rng: Random, text: str) -> str | None:
    """A few consecutive words of the paragraph's first block, to hang a note on."""
    words = text.split("\n\n")[0].split(" ")
    if len(words) < 12:
        return None
    k = rng.randint(4, 7)
    at = rng.randint(2, len(words) - k - 1)
    phrase = " ".join(words[at: at + k]).strip(" ,;:")
    return phrase if len(phrase) > 12 and '"' not in phrase else None


def annotation(rng: Random, c: Cable, by_id: dict[str, Cable]) -> str:
    when = c.created
    lines = [
        f"# Synthetic editorial layer for {c.id} (bench/synth.py).",
        f"cable: {yaml_str(c.id)}",
        "headnote: |",
        f"  Telegram from {c.origin.name} sent on {when:%B} {when.day}, {when.year} ({when:%H:%M} UTC),",
        f"  classified {c.classification}, in {c.sections} section{'s' if c.sections > 1 else ''}.",
        "  A synthetic cable written for the benchmark; its text means nothing.",
        "notes:",
    ]
    numbered = [p for p in c.paragraphs if p.label.isdigit()]
    for p in rng.sample(numbered, min(len(numbered), rng.randint(1, 3))):
        lines.append(f"  - paragraph: {yaml_str(p.label)}")
        anchor = anchor_in(rng, p.text)
        if anchor:
            lines.append(f"    anchor: {yaml_str(anchor)}")
        lines.append("    text: |")
        if c.references and c.references[0] in by_id:
            lines.append(f"      Compare the earlier report, {c.references[0]} \u00b61.")
        else:
            lines.append(f"      A note of the editors on paragraph {p.label} of this cable.")
        lines.append("      Written by the synthetic corpus generator.")
    return "\n".join(lines) + "\n"


def thread(rng: Random, slug_title: str, chain: list[Cable]) -> str:
    lines = [f"# Synthetic thread (bench/synth.py): a REF chain of {len(chain)} cables.",
             f"title: {yaml_str(slug_title)}",
             "summary: |",
             f"  Cables that cite one another, from {chain[0].id} to {chain[-1].id}.",
             "events:"]
    for c in chain:
        lines += [f"  - date: \"{c.created:%Y-%m-%d}\"",
                  f"    label: {yaml_str(c.origin.name + ' reports: ' + c.subject[:60])}",
                  f"    cable: \"{c.id} \u00b61\""]
    lines.append("links:")
    for a, b in zip(chain, chain[1:]):
        lines += [f"  - from: \"{a.id} \u00b61\"",
                  f"    to: \"{b.id} \u00b61-2\"",
                  f"    relation: {rng.choice(['follow-up', 'echo', 'context'])}",
                  "    note: |",
                  f"      {b.id} cites {a.id} in its REF line."]
    return "\n".join(lines) + "\n"


def ref_chain(c: Cable, by_id: dict[str, Cable], length: int = 4) -> list[Cable]:
    chain = [c]
    while len(chain) < length:
        prev = next((by_id[r] for r in chain[-1].references if r in by_id), None)
        if prev is None:
            break
        chain.append(prev)
    return list(reversed(chain))


SITE_YAML = """# Settings of a synthetic collection written by bench/synth.py (n={n}, seed={seed}).
title: "Synthetic benchmark collection"
subtitle: "{n} generated cables for measuring the build"
description: "Machine-written cables laid out like the Cablegate texts; their words mean nothing."
language: "en"
editor: "bench/synth.py"
publisher: ""
base_url: ""
example_cable: "{example}"
"""
HOME_MD = """This collection holds {n} synthetic cables written by `bench/synth.py` to measure how the generator
scales. They are laid out like the cables WikiLeaks released in 2010-2011, with real routing indicators
and TAGS codes, but their text is generated from word lists and reports nothing.
"""
ABOUT_MD = """# About this collection

The cables of this collection are synthetic: `bench/synth.py` wrote them (n={n}, seed={seed}) for the
benchmark in `bench/run.py`. Their headers, markings and TAGS follow the real cables; their prose does not
describe any event.
"""


def write_editorial(root: Path, cables: list[Cable], rng: Random, n: int, seed: int) -> None:
    by_id = {c.id: c for c in cables}
    (root / "annotations").mkdir(parents=True, exist_ok=True)
    (root / "threads").mkdir(parents=True, exist_ok=True)
    (root / "pages").mkdir(parents=True, exist_ok=True)
    annotated = [c for c in cables if c.annotated]
    for c in annotated:
        (root / "annotations" / f"{c.id}.yaml").write_text(annotation(rng, c, by_id), encoding="utf-8")
    chains = (ch for ch in (ref_chain(c, by_id) for c in reversed(cables) if c.references) if len(ch) >= 3)
    for k, chain in enumerate(itertools.islice(chains, 2)):
        (root / "threads" / f"synthetic-chain-{k + 1}.yaml").write_text(
            thread(rng, f"Synthetic REF chain {k + 1}", chain), encoding="utf-8")
    (root / "site.yaml").write_text(SITE_YAML.format(n=n, seed=seed, example=cables[0].id), encoding="utf-8")
    (root / "pages" / "home.md").write_text(HOME_MD.format(n=n), encoding="utf-8")
    (root / "pages" / "about.md").write_text(ABOUT_MD.format(n=n, seed=seed), encoding="utf-8")
    how = ROOT / "content" / "pages" / "how-to-read.md"
    if how.exists():
        shutil.copyfile(how, root / "pages" / "how-to-read.md")
    tags = ROOT / "content" / "tags.csv"
    shutil.copyfile(tags if tags.exists() else TABLES / "tags.csv", root / "tags.csv")


# --- a Hugo site of the same cables (the peer in bench/run.py) -----------------------------------

MD_SPECIAL = re.compile(r"([\\`*_\[\]<>#|~&!{}])")
MD_LEADING = re.compile(r"^([-+=]|\d+[.)])")


def md_escape(text: str) -> str:
    text = MD_SPECIAL.sub(r"\\\1", text)
    return MD_LEADING.sub(r"\\\1", text)


def hugo_page(cid: str, subject: str, created: str | None, tags: list[str], classification: str | None,
              origin: str | None, paragraphs: list[tuple[str, str | None, str | None, str]]) -> str:
    """A Hugo content file: JSON front matter, then each paragraph with an anchor (#p3) as block attribute."""
    front = {"title": subject or cid, "cable_id": cid, "tags": tags,
             "classification": classification or "", "origin": origin or "",
             "classifications": [classification.replace("//", " ")] if classification else [],
             "origins": [origin] if origin else []}
    if created:
        front["date"] = created
    out = [json.dumps(front, ensure_ascii=False, indent=1), ""]
    for label, marking, heading, text in paragraphs:
        if heading:
            out += [f"### {md_escape(heading)}", ""]
        blocks = text.split("\n\n")
        mark = f" ({md_escape(marking)})" if marking else ""
        out += [f"**\u00b6{label}.{mark}** " + md_escape(blocks[0].replace("\n", " ")), f"{{#p{label}}}", ""]
        for b in blocks[1:]:
            out += [md_escape(b.replace("\n", " ")), ""]
    return "\n".join(out)


HUGO_CONFIG = """baseURL = "https://example.org/"
title = "{title}"
disablePathToLower = true
enableRobotsTXT = true

# Feeds as our build writes them: one for the whole collection, none per TAGS code or list.
[outputs]
  home = ["html", "rss"]
  section = ["html"]
  taxonomy = ["html"]
  term = ["html"]

[taxonomies]
  tag = "tags"
  origin = "origins"
  classification = "classifications"

[pagination]
  pagerSize = 500

[markup.goldmark.parser.attribute]
  block = true
"""
HUGO_LAYOUTS = {
    "baseof.html": """<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{{ .Title }} | {{ site.Title }}</title>
<link rel="stylesheet" href="{{ "style.css" | relURL }}">
</head>
<body>
<header><a href="{{ "/" | relURL }}">{{ site.Title }}</a>
<nav><a href="{{ "cables/" | relURL }}">Cables</a> <a href="{{ "tags/" | relURL }}">TAGS</a>
<a href="{{ "origins/" | relURL }}">Origins</a> <a href="{{ "classifications/" | relURL }}">Classifications</a></nav>
</header>
<main>{{ block "main" . }}{{ end }}</main>
<footer>{{ site.Title }}</footer>
</body>
</html>
""",
    "single.html": """{{ define "main" }}
<p class="banner">{{ .Params.classification }}</p>
<h1>{{ .Params.cable_id }}: {{ .Title }}</h1>
<dl>
<dt>Reference</dt><dd>{{ .Params.cable_id }}</dd>
{{ with .Date }}<dt>Created</dt><dd><time datetime="{{ .Format "2006-01-02T15:04:05Z07:00" }}">{{ .Format "January 2, 2006 15:04 MST" }}</time></dd>{{ end }}
<dt>Origin</dt><dd>{{ range .GetTerms "origins" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
<dt>Classification</dt><dd>{{ range .GetTerms "classifications" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a>{{ end }}</dd>
<dt>TAGS</dt><dd>{{ range .GetTerms "tags" }}<a href="{{ .RelPermalink }}">{{ .LinkTitle }}</a> {{ end }}</dd>
</dl>
<article>{{ .Content }}</article>
<p class="banner">{{ .Params.classification }}</p>
{{ end }}
""",
    "list.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pages := .Pages }}{{ if .IsHome }}{{ $pages = site.RegularPages }}{{ end }}
{{ $pager := .Paginate $pages.ByDate.Reverse }}
<ol>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Params.cable_id }}</a> {{ .Date.Format "2006-01-02" }} {{ .Params.origin }}: {{ .Title }}</li>
{{ end }}</ol>
{{ if gt $pager.TotalPages 1 }}<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} page {{ $pager.PageNumber }} of {{ $pager.TotalPages }} {{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}
{{ end }}
""",
    "taxonomy.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
<ul>
{{ range .Data.Terms.Alphabetical }}<li><a href="{{ .Page.RelPermalink }}">{{ .Page.LinkTitle }}</a> ({{ .Count }})</li>
{{ end }}</ul>
{{ end }}
""",
    "term.html": """{{ define "main" }}
<h1>{{ .Title }}</h1>
{{ $pager := .Paginate .Pages.ByDate.Reverse }}
<ol>
{{ range $pager.Pages }}<li><a href="{{ .RelPermalink }}">{{ .Params.cable_id }}</a> {{ .Date.Format "2006-01-02" }}: {{ .Title }}</li>
{{ end }}</ol>
{{ if gt $pager.TotalPages 1 }}<nav>{{ with $pager.Prev }}<a href="{{ .URL }}">Newer</a>{{ end }} page {{ $pager.PageNumber }} of {{ $pager.TotalPages }} {{ with $pager.Next }}<a href="{{ .URL }}">Older</a>{{ end }}</nav>{{ end }}
{{ end }}
""",
}
HUGO_CSS = """body{font:16px/1.5 Georgia,serif;max-width:46rem;margin:auto;padding:1rem}
.banner{background:#007A33;color:#fff;text-align:center;font:bold 14px sans-serif;padding:.25rem}
dl{display:grid;grid-template-columns:auto 1fr;gap:.2rem 1rem}nav a{margin-right:.5rem}
"""


def start_hugo_site(root: Path, title: str) -> Path:
    """Write a Hugo site's configuration and theme; return its content folder for the cables."""
    (root / "layouts").mkdir(parents=True, exist_ok=True)
    (root / "static").mkdir(parents=True, exist_ok=True)
    (root / "hugo.toml").write_text(HUGO_CONFIG.format(title=title), encoding="utf-8")
    for name, text in HUGO_LAYOUTS.items():
        (root / "layouts" / name).write_text(text, encoding="utf-8")
    (root / "static" / "style.css").write_text(HUGO_CSS, encoding="utf-8")
    folder = root / "content" / "cables"
    folder.mkdir(parents=True, exist_ok=True)
    (root / "content" / "cables" / "_index.md").write_text('{"title": "Cables"}\n', encoding="utf-8")
    return folder


# --- the whole collection ----------------------------------------------------------------------

_WRITER: Writer | None = None
"""The writer that forked workers inherit."""


def _write_range(task: tuple[int, int, str, str | None]) -> list[tuple]:
    """Draw and write cables start..stop-1; return what the editorial layer needs of each."""
    start, stop, folder, hugo_folder = task
    w = _WRITER
    out = []
    for i in range(start, stop):
        c = w.draw(i)
        with open(f"{folder}/{c.id}.txt", "wb") as f:
            f.write(c.text.encode("utf-8"))
        if hugo_folder is not None:
            paras = [(p.label, p.marking, p.heading, p.text) for p in c.paragraphs]
            with open(f"{hugo_folder}/{c.id}.md", "wb") as f:
                f.write(hugo_page(c.id, c.subject, c.created.strftime("%Y-%m-%dT%H:%M:00Z"), c.tags,
                                  c.classification, c.origin.name, paras).encode("utf-8"))
        out.append((i, c.references, c.subject, c.sections, c.paragraphs if c.annotated else None))
        c.text, c.paragraphs = "", []  # keep memory flat at 100,000
    return out


def make_corpus(n: int, root: Path, seed: int = 7, hugo: Path | None = None, workers: int | None = None) -> None:
    """Write a content folder of n synthetic cables at root (and, with hugo, the same cables as a Hugo site).

    The cables are drawn and written by `workers` processes (default: one per core from 2,000 cables
    on); the bytes do not depend on how many."""
    global _WRITER
    if n < 1:
        raise ValueError("n must be at least 1")
    root = Path(root)
    w = Writer(seed)
    cables = w.plan(n)
    folder = root / "cables"
    folder.mkdir(parents=True, exist_ok=True)
    hugo_folder = start_hugo_site(Path(hugo), "Synthetic benchmark collection") if hugo else None
    if workers is None:
        workers = min(os.cpu_count() or 1, 8) if n >= 2000 else 1
    step = 500
    tasks = [(a, min(a + step, n), str(folder), str(hugo_folder) if hugo_folder else None)
             for a in range(0, n, step)]
    _WRITER = w
    try:
        if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
            with multiprocessing.get_context("fork").Pool(workers) as pool:
                results = list(pool.imap_unordered(_write_range, tasks))
        else:
            results = [_write_range(t) for t in tasks]
    finally:
        _WRITER = None
    for part in results:
        for i, refs, subject, sections, paragraphs in part:
            c = cables[i]
            c.references, c.subject, c.sections = refs, subject, sections
            c.paragraphs = paragraphs or []
    write_editorial(root, cables, FastRandom(f"{seed}/editorial"), n, seed)


def expected(n: int, seed: int = 7, ids: list[str] | None = None) -> dict[str, dict]:
    """What the parser should read from cables of make_corpus(n, seed) (all, or those named), by id."""
    w = Writer(seed)
    cables = w.plan(n)
    wanted = None if ids is None else set(ids)
    out = {}
    for c in cables:
        if wanted is not None and c.id not in wanted:
            continue
        w.draw(c.index)
        out[c.id] = {
            "id": c.id, "created": c.created.strftime("%Y-%m-%dT%H:%M:00Z"), "origin": c.origin.name,
            "classification": c.classification, "tags": c.tags, "subject": c.subject,
            "references": c.references, "sections": c.sections, "signer": c.signer,
            "paragraphs": [(p.label, p.marking, p.heading, p.text) for p in c.paragraphs],
        }
        c.text = ""
    return out


def plan_ids(n: int, seed: int = 7) -> list[str]:
    """The ids of make_corpus(n, seed), in order of creation."""
    return [c.id for c in Writer(seed).plan(n)]


def verify(n: int, root: Path, seed: int, sample: int) -> int:
    """Parse `sample` cables of the corpus with `build.py inspect --json` and compare with what was written."""
    ids = plan_ids(n, seed)
    picked = ids if sample >= len(ids) else Random(seed + 1).sample(ids, sample)
    want = expected(n, seed, picked)
    files = [str(Path(root) / "cables" / f"{cid}.txt") for cid in picked]
    proc = subprocess.run([sys.executable, str(ROOT / "build.py"), "inspect", "--json", *files],
                          cwd=ROOT, capture_output=True, text=True)
    got = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    bad = 0
    for g in got:
        e = want.get(g["id"])
        if e is None:
            print(f"unexpected id {g['id']} from {g['source']['path']}")
            bad += 1
            continue
        diffs = []
        for key in ("created", "origin", "classification", "tags", "subject", "sections", "signer"):
            if g.get(key) != e[key]:
                diffs.append(f"{key}: parsed {g.get(key)!r}, wrote {e[key]!r}")
        refs = [r.get("id") for r in g.get("references", [])]
        if refs != e["references"]:
            diffs.append(f"references: parsed {refs}, wrote {e['references']}")
        gp = [(p["label"], p["marking"], p["heading"], p["text"]) for p in g["paragraphs"]]
        if gp != e["paragraphs"]:
            first = next((k for k, (a, b) in enumerate(zip(gp, e["paragraphs"])) if a != b), min(len(gp), len(e["paragraphs"])))
            diffs.append(f"paragraphs: {len(gp)} parsed, {len(e['paragraphs'])} written; first difference at "
                         f"#{first}: parsed {gp[first] if first < len(gp) else None!r:.300}, "
                         f"wrote {e['paragraphs'][first] if first < len(e['paragraphs']) else None!r:.300}")
        if diffs:
            bad += 1
            print(f"{g['id']}:\n  " + "\n  ".join(diffs))
    problems = proc.stderr.strip().splitlines()
    print(f"verified {len(got)} of {len(files)} cables: {len(got) - bad} as written, {bad} differ; "
          f"{len(problems)} problems reported by the parser")
    for line in problems[:20]:
        print("  " + line)
    return 1 if bad or problems or len(got) != len(files) else 0


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("n", type=int, help="how many cables")
    ap.add_argument("root", type=Path, help="the content folder to write (must not exist or be empty)")
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--hugo", type=Path, help="also write the same cables as a Hugo site here")
    ap.add_argument("--verify", type=int, metavar="K", default=0,
                    help="then parse K cables with build.py inspect and compare with what was written")
    args = ap.parse_args(argv)
    if args.root.exists() and any(args.root.iterdir()):
        ap.error(f"{args.root} is not empty")
    t0 = time.perf_counter()
    make_corpus(args.n, args.root, args.seed, args.hugo)
    print(f"wrote {args.n} cables to {args.root} in {time.perf_counter() - t0:.1f} s", file=sys.stderr)
    if args.verify:
        return verify(args.n, args.root, args.seed, args.verify)
    return 0


if __name__ == "__main__":
    sys.exit(main())
