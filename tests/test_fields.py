"""Field parsers, one table each: input as a cable writes it, and what the model must hold."""

from __future__ import annotations

import pytest

from generator.read.header import parse_recipient
from generator.ids import canonical_id
from generator.read.parse import (classification_from_text, parse_declassify, parse_reasons, parse_references,
                             parse_tags, split_classified_by)


@pytest.mark.parametrize("text,expected", [
    ("Reasons 1.4 (b/d).", ["1.4(b)", "1.4(d)"]),
    ("for Reasons 1.4 (b)(d)", ["1.4(b)", "1.4(d)"]),
    ("FOR REASONS 1.5 (B) AND (D).", ["1.5(b)", "1.5(d)"]),
    ("Reason: 1.4(b) and (d).", ["1.4(b)", "1.4(d)"]),
    ("reasons 1.4 b and d", ["1.4(b)", "1.4(d)"]),
    ("Reasons 1.4 (b,d)", ["1.4(b)", "1.4(d)"]),
    ("REASONS 1.4 (b), (c), and (d).", ["1.4(b)", "1.4(c)", "1.4(d)"]),
    ("Reason 1.4(d)", ["1.4(d)"]),
    ("E.O. 12958, reasons 1.4(B), (D)", ["1.4(b)", "1.4(d)"]),
    ("Ambassador Smith, no reason given", []),
])
def test_reasons(text, expected):
    assert parse_reasons(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("Political Minister Counselor Daniel L. Shields. Reasons 1.4 (b/d).",
     "Political Minister Counselor Daniel L. Shields"),
    ("Acting Political Section Chief Ben Moeling for Reasons 1.4 (b)(d)", "Acting Political Section Chief Ben Moeling"),
    ("AMBASSADOR TOM MCDONALD FOR REASONS 1.5 (B) AND (D).", "AMBASSADOR TOM MCDONALD"),
    ("Ambassador Peter Coneway, Reasons 1.4 b/d", "Ambassador Peter Coneway"),
    ("DCM Jane Doe, E.O. 12958 1.4(d)", "DCM Jane Doe"),
])
def test_classified_by(text, expected):
    assert split_classified_by(text) == expected


@pytest.mark.parametrize("text,expected", [
    ("DECL: 05/15/2032", "2032-05-15"),
    ("DECL: 11/29/10", "2010-11-29"),
    ("DECL: 2/3/2015", "2015-02-03"),
    ("DECL: 2020/02/12", "2020-02-12"),
    ("N/A", "N/A"),
    ("DECL: OADR", "OADR"),
    ("DECL: 1.6X1", "1.6X1"),
    ("DECL: 02/30/2015", "02/30/2015"),
])
def test_declassify_on(text, expected):
    assert parse_declassify(text) == expected


@pytest.mark.parametrize("text,year,expected", [
    ("A. BEIJING 1672", 2007, [("A", "BEIJING 1672", "07BEIJING1672")]),
    ("A. BEIJING 1672 B. STATE 45678 C. 06 BEIJING 2000", 2007,
     [("A", "BEIJING 1672", "07BEIJING1672"), ("B", "STATE 45678", "07STATE45678"),
      ("C", "06 BEIJING 2000", "06BEIJING2000")]),
    ("A) BEIJING 905", 2009, [("A", "BEIJING 905", "09BEIJING905")]),
    ("BEIJING 1063 AND PREVIOUS", 2007, [(None, "BEIJING 1063 AND PREVIOUS", "07BEIJING1063")]),
    ("HARARE 6584", 2000, [(None, "HARARE 6584", "00HARARE6584")]),
    ("A. NEW DELHI 0123 B. 2008 SECSTATE 99", 2009,
     [("A", "NEW DELHI 0123", "09NEWDELHI123"), ("B", "2008 SECSTATE 99", "08STATE99")]),
    ("IIR 6 834 0036 07", 2007, [(None, "IIR 6 834 0036 07", None)]),
    ("A. E-MAIL OF 3/4 FROM POLOFF", 2007, [("A", "E-MAIL OF 3/4 FROM POLOFF", None)]),
])
def test_references(text, year, expected):
    assert [(r.letter, r.text, r.id) for r in parse_references(text, year)] == expected


@pytest.mark.parametrize("text,expected,repairs", [
    ("PREL KCRS CH", ["PREL", "KCRS", "CH"], 0),
    ("PGOV, PREL, ECON, PINR, ZI, SA", ["PGOV", "PREL", "ECON", "PINR", "ZI", "SA"], 0),
    ("PREL PGOV PREL CH", ["PREL", "PGOV", "CH"], 0),
    ("PRELPGOV CH", ["PREL", "PGOV", "CH"], 1),
    ("prel, pgov", ["PREL", "PGOV"], 0),
    ("OVIP RICE CONDOLEEZZA", ["OVIP", "RICE", "CONDOLEEZZA"], 0),
    ("OVIP (STEINBERG, JAMES B.), PREL, CH", ["OVIP", "STEINBERG, JAMES B.", "PREL", "CH"], 0),
])
def test_tags(text, expected, repairs):
    tags, done = parse_tags(text)
    assert tags == expected and len(done) == repairs


@pytest.mark.parametrize("word,caveats,rest,expected", [
    ("C O N F I D E N T I A L", ["SIPDIS"], " SECTION 01 OF 04 BEIJING 003239", "CONFIDENTIAL"),
    ("S E C R E T", ["SIPDIS", "NOFORN"], " BEIJING 000001", "SECRET//NOFORN"),
    ("UNCLAS", ["SIPDIS", "SENSITIVE"], " BEIJING 006872", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
    ("UNCLAS", ["SIPDIS"], " BOGOTA 001165", "UNCLASSIFIED"),
    ("UUNCLAS", ["SENSITIVE"], " MANAGUA 001002", "UNCLASSIFIED//FOR OFFICIAL USE ONLY"),
    ("CC O N F I D E N T I A L", [], " SAO PAULO 000104", "CONFIDENTIAL"),
    ("C O N F I D E N T I A L", [], "//NOFORN BERLIN 000001", "CONFIDENTIAL//NOFORN"),
])
def test_classification(word, caveats, rest, expected):
    assert classification_from_text(word, caveats, rest) == expected


@pytest.mark.parametrize("value,expected", [
    ("07BEIJING3239", ("07BEIJING3239", False)),
    ("08SECTIO04OF07BEIJING3049", ("08BEIJING3049", True)),
    ("07BEIJING03239", ("07BEIJING3239", True)),
    (" 10baghdad3379 ", ("10BAGHDAD3379", True)),
])
def test_canonical_ids(value, expected):
    assert canonical_id(value) == expected


@pytest.mark.parametrize("line,expected", [
    ("RUEHC/SECSTATE WASHDC IMMEDIATE 7879", ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "7879")),
    ("RUEHOO/CHINA POSTS COLLECTIVE", ("RUEHOO", "CHINA POSTS COLLECTIVE", None, None)),
    ("RUEHOT/AMEMBASSY OTTAWA 3970", ("RUEHOT", "AMEMBASSY OTTAWA", None, "3970")),
    ("SECSTATE WASHDC IMMEDIATE 7738", (None, "SECSTATE WASHDC", "IMMEDIATE", "7738")),
    ("RUEHKI/AMEMBASSY KINSHASA PRIORITY 0100", ("RUEHKI", "AMEMBASSY KINSHASA", "PRIORITY", "0100")),
    ("RHMFISS/DEPT OF ENERGY WASHINGTON DC//NNSA//", ("RHMFISS", "DEPT OF ENERGY WASHINGTON DC//NNSA//", None, None)),
    ("AMEMBASSY BEIJING NIACT IMMEDIATE", (None, "AMEMBASSY BEIJING", "NIACT IMMEDIATE", None)),
])
def test_recipients(line, expected):
    r = parse_recipient(line)
    assert (r.routing_indicator, r.name, r.precedence, r.serial) == expected
