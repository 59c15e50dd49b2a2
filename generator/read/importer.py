"""`build.py import`: copy the cables of a large source (a cables.csv, a folder of WikiLeaks HTML pages
or of text files) into a content folder, one file per cable, keeping each cable's bytes as published.

Cables are read one at a time (a cables.csv is streamed), filtered by origin, TAGS, date or id, and
written under their canonical id with the ending of their format. Importing again is idempotent: a
file that already holds the same bytes is left alone, and one that holds other bytes is kept and
reported unless --replace is given.
"""

from __future__ import annotations

import datetime
import os
import re
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import Problems
from .load import read_cables
from ..model import Cable
from ..paths import UnsafePath, inside

SUFFIXES = {"cables-csv": ".csv", "wikileaks-html": ".html", "plusd-json": ".json", "markdown": ".md"}
"""The ending of an imported file, by the format of its source (else .txt)."""


@dataclass
class Selection:
    """Which cables to import; an empty criterion lets every cable through."""

    origins: list[str] = field(default_factory=list)
    """Words of the origin or of the id's place, e.g. BEIJING (any may match, case-insensitive)."""
    tags: list[str] = field(default_factory=list)
    """TAGS codes (any may match)."""
    start: str | None = None
    """First date, YYYY-MM-DD (inclusive)."""
    end: str | None = None
    """Last date, YYYY-MM-DD (inclusive)."""
    ids: list[str] = field(default_factory=list)
    """Canonical ids."""

    def mistakes(self) -> list[str]:
        """What is wrong with the criteria as given on the command line (a date that is no date, an empty
        range): each would select nothing, or the wrong cables, without a word."""
        found = [m for m in (day_mistake("--from", self.start), day_mistake("--to", self.end)) if m]
        if not found and self.start and self.end and self.end < self.start:
            found.append(f"--to {self.end} is before --from {self.start}: no cable could be selected")
        return found

    def why_not(self, cable: Cable) -> str | None:
        """None if the cable is selected, else the criterion it fails."""
        if self.ids and cable.id not in self.ids:
            return "id"
        if self.origins:
            place = "".join(ch for ch in cable.id[2:] if not ch.isdigit())
            haystack = f"{cable.origin or ''} {place}".upper()
            if not any(o.upper() in haystack for o in self.origins):
                return "origin"
        if self.tags and not set(t.upper() for t in self.tags) & set(cable.tags):
            return "tag"
        if self.start or self.end:
            day = (cable.created or "")[:10]
            if not day:
                return "date (the cable has none)"
            if (self.start and day < self.start) or (self.end and day > self.end):
                return "date"
        return None


def day_mistake(flag: str, value: str | None) -> str | None:
    """Why a day given as `flag` is not a calendar day written YYYY-MM-DD, or None if it is one."""
    if value is None:
        return None
    wrong = f"{flag} {value!r} is not a date like 2007-01-31"
    if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
        return wrong  # fromisoformat alone would take 20070131 and 2007-W05-3 too
    try:
        datetime.date.fromisoformat(value)
    except ValueError as e:
        return f"{wrong} ({e})"
    return None


@dataclass
class Outcome:
    """What an import did."""

    counts: Counter = field(default_factory=Counter)
    """imported, unchanged, replaced, skipped, conflict, duplicate, failed."""
    skipped_by: Counter = field(default_factory=Counter)
    """Skipped cables by the criterion they failed."""
    problems: Problems = field(default_factory=Problems)


def file_name(cable: Cable) -> str:
    return cable.id + SUFFIXES.get(cable.source.format, ".txt")


def write_new(path: Path, data: bytes) -> None:
    """Write a file whole or not at all."""
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def import_cables(source: Path, into: Path, selection: Selection, replace: bool = False,
                  progress: bool | None = None) -> Outcome:
    """Read every cable of the source and write the selected ones into `into`, one file each."""
    out = Outcome()
    into.mkdir(parents=True, exist_ok=True)
    seen: set[str] = set()
    bar = progress_bar(progress)
    found = Problems()
    reported = 0
    for cable in read_cables([source], found):
        # Problems found since the last cable are this cable's (or belong to rows that failed before it):
        # errors are always reported, warnings only for the cables imported.
        mine, reported = found.items[reported:], len(found.items)
        out.problems.items.extend(p for p in mine if p.severity == "error")
        bar.update(1)
        why = selection.why_not(cable)
        if why:
            out.counts["skipped"] += 1
            out.skipped_by[why] += 1
            continue
        if cable.id in seen:
            out.counts["duplicate"] += 1
            continue
        out.problems.items.extend(p for p in mine if p.severity != "error")
        seen.add(cable.id)
        try:
            target = Path(inside(into, file_name(cable)))
        except UnsafePath as e:  # the id was checked when read: this guards the name made from it
            out.problems.error(cable.source.path, cable.source.line, str(e))
            continue
        if target.exists():
            if target.read_bytes() == cable.source.data:
                out.counts["unchanged"] += 1
                continue
            if not replace:
                out.counts["conflict"] += 1
                out.problems.add(str(target), None, f"holds other bytes than {cable.source.path}"
                                 f"{':' + str(cable.source.line) if cable.source.line > 1 else ''}; kept "
                                 "(--replace overwrites it)")
                continue
            out.counts["replaced"] += 1
        else:
            out.counts["imported"] += 1
        write_new(target, cable.source.data)
    bar.close()
    out.problems.items.extend(p for p in found.items[reported:] if p.severity == "error")
    out.counts["failed"] = len(out.problems.errors)
    return out


def progress_bar(show: bool | None):
    """A progress bar on a terminal (tqdm); nothing when output goes to a file or CI."""
    from tqdm import tqdm
    if show is None:
        show = sys.stderr.isatty() and not os.environ.get("CI")
    return tqdm(disable=not show, unit=" cables", desc="import", file=sys.stderr, mininterval=0.5)


def summary(out: Outcome, into: Path) -> str:
    c = out.counts
    lines = [f"{c['imported']} imported, {c['replaced']} replaced, {c['unchanged']} unchanged (already there), "
             f"{c['skipped']} skipped, {c['conflict']} kept (other bytes already there), "
             f"{c['duplicate']} duplicates (an id seen before in the source; the first was kept), "
             f"{c['failed']} failed; into {into}"]
    if out.skipped_by:
        lines.append("skipped by " + ", ".join(f"{why}: {n}" for why, n in sorted(out.skipped_by.items())))
    return "\n".join(lines)
