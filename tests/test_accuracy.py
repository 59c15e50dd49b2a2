"""Accuracy over the 500 real cables of ../shared/corpus/dev against the publisher's metadata.

From the .txt texts alone (no metadata), id, created, classification, origin and TAGS must be right;
from the HTML pages, every field the metadata table carries must be exactly the publisher's.
Each remaining miss is a row of tests/data/publisher_errors.csv with its reason, and the test fails if the list
changes.
"""

from __future__ import annotations

import json

import pytest

from generator.errors import Problems
from generator.read.load import read_file

from .conftest import need_shared
from .test_accuracy_pages import publisher_errors, same_tags, same_time

# Records whose WikiLeaks text does not support the publisher's value: tests/data/publisher_errors.csv (checked by
# hand), shared with the pages' accuracy test.
KNOWN_MISSES = {f: {cid: r["why"] for (cid, field), r in publisher_errors().items() if field == f}
                for f in ("id", "classification", "origin", "tags", "created")}
# Partial extracts that carry no DTG and no date line: their creation time is not in the text.
NO_TIME_IN_TEXT = {
    "02BRASILIA4227", "04NASSAU1515", "04OTTAWA3115", "04PARIS8983",
    "04WELLINGTON591", "05ABUDHABI2178", "05DHAKA503", "05GABORONE411", "05GUATEMALA659", "05ISTANBUL890",
    "05PARAMARIBO725", "05PARIS8606", "05RECIFE78", "05RIODEJANEIRO1242", "05ROME3585", "05SANJOSE1822",
    "05VILNIUS732", "06ABUDHABI1725", "06BRUSSELS524",
}


@pytest.fixture(scope="module")
def metadata():
    path = need_shared("corpus", "dev", "metadata.json")
    return {c["reference_id"]: c for c in json.loads(path.read_text())["cables"]}


def parse_all(metadata, folder, suffix):
    problems = Problems()
    out = {}
    for rid in metadata:
        cables = list(read_file(folder / f"{rid}{suffix}", problems))
        out[rid] = cables[0] if cables else None
    return out, problems


@pytest.fixture(scope="module")
def from_text(metadata):
    return parse_all(metadata, need_shared("corpus", "dev"), ".txt")


@pytest.fixture(scope="module")
def from_html(metadata):
    return parse_all(metadata, need_shared("corpus", "dev", "raw_html"), ".html")


def misses(metadata, cables, field):
    out = {}
    for rid, m in metadata.items():
        c = cables[rid]
        ours = getattr(c, field) if c else None
        if field == "created":
            expected = m["created"].replace(" ", "T") + ":00Z"
            ok = same_time(ours, expected)
        elif field == "id":
            ok = ours == rid
        else:
            ok = ours == m[field]
        if not ok:
            out[rid] = ours
    return out


def test_every_text_is_read(from_text):
    cables, problems = from_text
    assert all(cables.values()), [str(p) for p in problems.errors]
    assert not problems.errors


@pytest.mark.parametrize("field", ["id", "classification", "origin"])
def test_text_fields_match_the_publisher(metadata, from_text, field):
    got = misses(metadata, from_text[0], field)
    listed = {k for k in KNOWN_MISSES[field] if k in metadata}
    assert set(got) == listed, {k: got.get(k) for k in set(got) ^ listed}
    share = 1 - (len(got) - len(listed)) / (len(metadata) - len(listed))
    print(f"{field}: {share:.1%} right from the text alone ({len(metadata) - len(got)} of {len(metadata)} before "
          f"counting out {len(got)} listed publisher errors)")
    assert share >= 0.995


def test_created_from_the_dtg(metadata, from_text):
    got = misses(metadata, from_text[0], "created")
    assert set(got) == NO_TIME_IN_TEXT | {k for k in KNOWN_MISSES["created"] if k in metadata}
    assert all(from_text[0][rid].created is None for rid in NO_TIME_IN_TEXT), "no time is ever invented"
    with_time = len(metadata) - len(NO_TIME_IN_TEXT)
    print(f"created: 100% of the {with_time} texts that carry a DTG or a date line; {len(got)} partial extracts "
          "carry none")


def test_tags_as_a_set(metadata, from_text):
    """Ours equal the publisher's linked TAGS (a run of codes written together counts as the codes it is split into),
    except the listed publisher errors (a list cut short)."""
    wrong, linked_none = {}, []
    for rid, m in metadata.items():
        ours, pub = set(from_text[0][rid].tags), set(m["tags"])
        if not pub:
            linked_none.append(rid)
        elif not same_tags(ours, pub):
            wrong[rid] = (sorted(ours), sorted(pub))
    listed = {k for k in KNOWN_MISSES["tags"] if k in metadata}
    assert set(wrong) == listed, {k: wrong.get(k) for k in set(wrong) ^ listed}
    counted = len(metadata) - len(linked_none)
    share = 1 - (len(wrong) - len(listed)) / (counted - len(listed))
    print(f"tags: {share:.1%} of {counted - len(listed)} right ({counted - len(wrong)} of {counted} before counting "
          f"out {len(listed)} listed publisher errors); the publisher linked none in {len(linked_none)}")
    assert share >= 0.995


@pytest.mark.parametrize("field", ["id", "created", "classification", "origin"])
def test_html_fields_are_the_publishers(metadata, from_html, field):
    cables, problems = from_html
    assert not problems.errors
    for rid, m in metadata.items():
        c = cables[rid]
        expected = {"id": rid, "created": m["created"].replace(" ", "T") + ":00Z"}.get(field, m.get(field))
        assert getattr(c, field) == expected, rid


def test_html_released_and_tags(metadata, from_html, from_text):
    for rid, m in metadata.items():
        c = from_html[0][rid]
        assert c.released == m["released"].replace(" ", "T") + ":00Z"
        if m["tags"]:
            assert list(c.tags) == list(dict.fromkeys(m["tags"])), rid
        else:  # the page linked no TAGS: the TAGS line of the text is all there is
            assert c.tags == from_text[0][rid].tags, rid


def test_html_and_text_agree_on_the_body(metadata, from_text, from_html):
    """The two renderings of each cable give the same paragraphs."""
    differ = [rid for rid in metadata
              if [p.text for p in from_text[0][rid].paragraphs] != [p.text for p in from_html[0][rid].paragraphs]]
    assert len(differ) <= 5, differ


def test_references_to_other_dev_cables_resolve(from_text):
    """Every REF item that the shared cross-check table resolves to another dev cable resolves here too."""
    import csv

    table = need_shared("tables", "corpus_reference_links.csv")
    with open(table, newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["target_in_corpus"] == "dev"]
    assert len(rows) == 25
    for r in rows:
        ours = [ref.id for ref in from_text[0][r["source_cable"]].references]
        assert r["resolved_reference_id"] in ours, (r["source_cable"], ours)


def test_references_agree_with_the_cross_check_table(from_text):
    """The shared table is a rough first pass: we must agree on at least 90% of its rows."""
    import csv

    with open(need_shared("tables", "corpus_reference_links.csv"), newline="", encoding="utf-8") as f:
        rows = [r for r in csv.DictReader(f) if r["source_set"] == "dev"]
    agree = sum(1 for r in rows
                if r["resolved_reference_id"] in [x.id for x in from_text[0][r["source_cable"]].references])
    print(f"references: {agree} of {len(rows)} rows of the cross-check table agree")
    assert agree / len(rows) >= 0.9
