"""Accuracy from the text alone over the 2,472 WikiLeaks pages of ../shared/corpus/pages (2,000 cables of the April
2011 build, 472 of them also of the December 2010 build).

Each page is read as a page, then its metadata is dropped (doc.meta = {}) and the text is parsed alone; id,
created, classification, origin and TAGS (as a set) are compared with the page's own table and links.

- Where the publisher's value is not what the text says, tests/data/publisher_errors.csv lists it (one row per
  cable and field, each checked by reading the text); those rows are counted out, every other page must be right
  on at least 99.5% per field, and the misses must be exactly the rows listed: the test fails if the list changes.
- created is counted over the texts that carry a date in their first lines (a DTG, a date line such as "Thursday,
  07 March 2002, 10:13", or "Cable dated:"); where a text carries none, no time may be given. The publisher's
  minutes are a known build artefact (see test_accuracy.same_time).
- TAGS: a December 2010 page mostly links no TAGS (that build's links differ), so each page is compared with the
  TAGS the April 2011 page of the same cable links; pages whose April 2011 page links no TAGS are left out.
"""

from __future__ import annotations

import csv
import json
import re
from collections import defaultdict
from pathlib import Path

import pytest

from generator.errors import CableError, Problems
from generator.read.parse import parse_document
from generator.read.readers import read_bytes

from .conftest import ROOT, need_shared

ERRORS_CSV = ROOT / "tests" / "data" / "publisher_errors.csv"
FIELDS = ("id", "created", "classification", "origin", "tags")
THRESHOLD = 0.995

# Only the text's own first lines: a record that carries another cable's dump further down must not count.
DATED = re.compile(
    r"^\s*(?:[ZOPR](?:\s?[ZOPR])?\s+)?\d{6}Z\s?[A-Za-z]{3}\s?\d{2}|^\s*[A-Z][a-z]+day, \d{1,2} [A-Z][a-z]+ \d{4}, \d\d:\d\d"
    r"|Cable dated:\s*\d{4}-", re.M)


def publisher_errors() -> dict[tuple[str, str], dict]:
    """The reviewed rows of tests/data/publisher_errors.csv, by (cable id, field)."""
    with open(ERRORS_CSV, newline="", encoding="utf-8") as f:
        rows = list(csv.DictReader(f))
    out = {}
    for r in rows:
        key = (r["id"], r["field"])
        assert key not in out, f"{key} is listed twice"
        assert r["field"] in FIELDS, r
        assert r["why"].strip() and r["text_says"].strip(), r
        out[key] = r
    return out


def carries_date(text: str) -> bool:
    """Whether the cable's first lines give its time in any form the publisher renders."""
    return bool(DATED.search("\n".join(text.split("\n", 60)[:60])))


def publisher_minutes_bug(created: str) -> bool:
    """Both builds (December 2010, April 2011) wrote the 12-hour-clock hour where the minutes belong (13:01 for
    13:59): the dev corpus and the pages alike."""
    hour, minute = int(created[11:13]), int(created[14:16])
    return minute == (hour % 12 or 12)


def same_time(ours: str | None, publisher: str) -> bool:
    """Equal, or equal to the hour where the publisher's minutes are the known build artefact."""
    if ours == publisher:
        return True
    return bool(ours) and ours[:13] == publisher[:13] and publisher_minutes_bug(publisher)


def same_tags(ours, publisher) -> bool:
    """The same TAGS as a set, where a code the publisher linked as one run of codes written together (ECONCS)
    counts as the codes ours split it into (ECON CS): the text writes the run, the split is a repair we report."""
    ours = set(ours)
    return ours == {part for code in publisher for part in (split_run(code, ours) or [code])}


def split_run(code: str, codes: set[str]) -> list[str] | None:
    """The codes of `codes` that, written together in some order, make `code` (None if there is no such split)."""
    if code in codes:
        return [code]
    for k in range(2, len(code) - 1):
        if code[:k] in codes:
            rest = split_run(code[k:], codes)
            if rest:
                return [code[:k], *rest]
    return None


def field_misses(cable, expected: dict, text: str) -> dict[str, object]:
    """The fields on which a cable parsed from its text alone differs from the publisher's (expected) values."""
    out: dict[str, object] = {}
    if cable is None:
        return {"id": None}
    for f in FIELDS:
        want = expected.get(f)
        ours = getattr(cable, f)
        if f == "created":
            if not carries_date(text):
                continue
            ok = same_time(ours, want)
        elif f == "tags":
            if not want:
                continue
            ok = same_tags(ours, want)
        else:
            ok = ours == want
        if not ok:
            out[f] = sorted(ours) if f == "tags" else ours
    return out


def iso(value: str) -> str:
    return value.replace(" ", "T") + ":00Z"


@pytest.fixture(scope="module")
def pages():
    """Every page parsed from its text alone: (metadata row, text, cable or None)."""
    folder = need_shared("corpus", "pages")
    rows = json.loads((folder / "metadata.json").read_text())["cables"]
    out = []
    for m in rows:
        path = folder / m["file"]
        doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
        doc.meta = {}
        try:
            cable = parse_document(doc, Problems())
        except CableError:
            cable = None
        out.append((m, doc.text, cable))
    return out


@pytest.fixture(scope="module")
def measured(pages):
    """Per field: (pages counted, misses by cable id)."""
    april_tags = {m["reference_id"]: m["tags_linked"] for m, _, _ in pages if m["build"] == "apr2011"}
    counted: dict[str, int] = defaultdict(int)
    misses: dict[str, dict[str, object]] = defaultdict(dict)
    for m, text, cable in pages:
        expected = {"id": m["reference_id"], "created": iso(m["created"]), "classification": m["classification"],
                    "origin": m["origin"], "tags": april_tags.get(m["reference_id"])}
        missed = field_misses(cable, expected, text)
        for f in FIELDS:
            if cable is None and f != "id":
                continue
            if f == "created" and not carries_date(text) or f == "tags" and not expected["tags"]:
                continue
            counted[f] += 1
            if f in missed:
                misses[f][m["reference_id"]] = missed[f]
    return counted, misses


def test_no_time_is_invented(pages):
    invented = [m["file"] for m, text, c in pages if c and c.created and not carries_date(text)]
    assert not invented


@pytest.mark.parametrize("field", FIELDS)
def test_page_texts_alone_match_the_publisher(measured, pages, field):
    counted, misses = measured
    listed = {cid for (cid, f) in publisher_errors() if f == field}
    ids = {m["reference_id"] for m, _, _ in pages}
    got = set(misses[field])
    assert got & ids == listed & ids, {
        "missed, not listed": {k: misses[field][k] for k in got - listed},
        "listed, not missed": sorted((listed & ids) - got)}
    listed_pages = sum(1 for m, text, c in pages if m["reference_id"] in listed and (c or field == "id"))
    total = counted[field] - listed_pages
    share = 1 - len(got - listed) / total
    print(f"pages, {field}: {share:.2%} of {total} pages right from the text alone ({counted[field] - listed_pages - len(got - listed)} "
          f"right of {counted[field]} counted; {listed_pages} pages of {len(listed & ids)} listed publisher errors "
          "counted out)")
    assert share >= THRESHOLD


def test_every_publisher_error_row_names_a_real_cable():
    shared = need_shared("corpus")
    known = {m["reference_id"] for m in json.loads((shared / "pages" / "metadata.json").read_text())["cables"]}
    known |= {m["reference_id"] for m in json.loads((shared / "dev" / "metadata.json").read_text())["cables"]}
    assert {cid for cid, _ in publisher_errors()} <= known


def test_each_publisher_error_row_says_what_both_sides_give():
    """Every row's publisher value is the publisher's (the page's table and links, or the dev metadata), and what it
    says the text gives is what the parser reads from the text alone: a row cannot drift from either side."""
    shared = need_shared("corpus")
    pages = {m["reference_id"]: m for m in json.loads((shared / "pages" / "metadata.json").read_text())["cables"]
             if m["build"] == "apr2011"}
    dev = {m["reference_id"]: m for m in json.loads((shared / "dev" / "metadata.json").read_text())["cables"]}
    wrong = []
    for (cid, field), row in publisher_errors().items():
        m, path, tags = ((pages[cid], shared / "pages" / pages[cid]["file"], pages[cid]["tags_linked"]) if cid in pages
                         else (dev[cid], shared / "dev" / f"{cid}.txt", dev[cid]["tags"]))
        publisher = {"id": m["reference_id"], "created": iso(m["created"]), "classification": m["classification"],
                     "origin": m["origin"], "tags": " ".join(dict.fromkeys(tags))}[field]
        doc = read_bytes(path.read_bytes(), str(path))
        doc.meta = {}
        try:
            cable = parse_document(doc, Problems())
        except CableError:
            cable = None  # the text gives no cable id at all: the row says why in words
        said = row["text_says"].split(" (")[0].strip()
        ours = getattr(cable, field) if cable else None
        if field == "tags":
            agrees = cable is not None and set(ours) == set(said.split())
        else:
            agrees = cable is None or (ours or "nothing") == said
        if row["publisher_value"] != publisher or not agrees:
            wrong.append((cid, field, row["publisher_value"], publisher, said, ours))
    assert not wrong
