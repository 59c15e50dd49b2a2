"""LIMITED OFFICIAL USE and TOP SECRET on real cables: banner, classification, portion markings, page banners.

What ../shared/corpus holds (grep -ri "limited official use\\|top secret" over it): Cablegate has no TOP SECRET
cable, and its one LIMITED OFFICIAL USE cable (NEW DELHI 19406, 1987) is only in
format_variants/flattened_json/samples.json, whose newlines were removed. TOP SECRET is in the text of three
cables that are not TOP SECRET. So the markings are tested twice: as they occur in those real files, and on
real cables of the corpus whose own marking is exchanged for LIMITED OFFICIAL USE or TOP SECRET, every
occurrence of it (banner, page banners, paragraph markings), all else byte for byte as published.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from generator.errors import Problems

from .conftest import need_shared, parse_one
from .regen_golden import read_cables


def variant(tmp_path: Path, parts: tuple[str, ...], swaps: list[tuple[str, str]]):
    """Parse a real cable with its marking exchanged: each swap must occur, or the test would test nothing."""
    text = need_shared(*parts).read_text(encoding="utf-8")
    for old, new in swaps:
        assert old in text, f"{old!r} is not in {parts[-1]}"
        text = text.replace(old, new)
    path = tmp_path / parts[-1]
    path.write_text(text, encoding="utf-8")
    return parse_one(path)[0]


def texts(cable) -> str:
    return "\n".join(p.text for p in cable.paragraphs)


# --- as they occur in the corpus ----------------------------------------------------------------------


def test_the_one_limited_official_use_cable_is_refused_aloud():
    """NEW DELHI 19406 is in a JSON dump with its newlines removed: refused with a reason, never read wrong."""
    path = need_shared("corpus", "format_variants", "flattened_json", "samples.json")
    assert b"LIMITED OFFICIAL USE" in path.read_bytes()
    problems = Problems()
    assert read_cables(path, problems) == []
    assert any("newlines were removed" in p.message for p in problems.errors), [str(p) for p in problems]


def test_top_secret_in_the_text_of_an_unclassified_cable_is_text():
    """06BRIDGETOWN2164 says a man HAS A TOP SECRET CLEARANCE: the cable stays UNCLASSIFIED, the words stay."""
    cable, _ = parse_one(need_shared("corpus", "dev", "06BRIDGETOWN2164.txt"))
    assert cable.classification == "UNCLASSIFIED" and cable.banner == "UNCLAS"
    assert "HAS A TOP SECRET CLEARANCE" in texts(cable)
    assert not any(p.marking and "TS" in p.marking for p in cable.paragraphs)


def test_top_secret_in_lower_case_in_a_full_page_is_text():
    """05MADRID655 (a full page) speaks of 'top secret information': still UNCLASSIFIED, the words kept."""
    cable = read_cables(need_shared("corpus", "pages", "apr2011", "05MADRID655.html"), Problems())[0]
    assert cable.classification == "UNCLASSIFIED"
    assert "top secret information" in " ".join(texts(cable).split())


def test_ts_in_brackets_mid_paragraph_is_no_portion_marking():
    """08LONDON1761: 'the OPCW Technical Secretariat (TS)' inside a (S) paragraph is text, not a marking."""
    cable = read_cables(need_shared("corpus", "pages", "apr2011", "08LONDON1761.html"), Problems())[0]
    assert cable.classification == "SECRET"
    (para,) = [p for p in cable.paragraphs if "Technical Secretariat (TS)" in p.text]
    assert para.marking == "S"
    assert not any(p.marking == "TS" for p in cable.paragraphs)


# --- LIMITED OFFICIAL USE on real cables --------------------------------------------------------------

CAPE_TOWN = ("corpus", "dev", "90CAPETOWN97.txt")
"""A 1990 cable: CONFIDENTIAL above the header, a letter-spaced banner, plain CONFIDENTIAL page banners
around each PAGE NN line, and '1. CONFIDENTIAL - ENTIRE TEXT.'"""


def test_limited_official_use_old_style_banner_page_banners_and_classification(tmp_path):
    cable = variant(tmp_path, CAPE_TOWN, [("C O N F I D E N T I A L", "LIMITED OFFICIAL USE"),
                                          ("CONFIDENTIAL", "LIMITED OFFICIAL USE")])
    assert cable.banner == "LIMITED OFFICIAL USE"
    assert cable.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"  # the publisher's value for LOU
    assert cable.sections == 3 and cable.header[0] == "LIMITED OFFICIAL USE"
    assert [b.page for p in cable.paragraphs for b in p.page_breaks] == [2, 3]
    # The page banners around PAGE 02 and PAGE 03 are dropped; the one paragraph that says it remains.
    assert cable.paragraphs[0].text == "LIMITED OFFICIAL USE - ENTIRE TEXT."
    page2 = next(p for p in cable.paragraphs if p.page_breaks)
    assert "LIMITED OFFICIAL USE" not in page2.text


KABUL = ("corpus", "dev", "07KABUL3848.txt")
"""CONFIDENTIAL, 4 sections, (C) paragraphs and lettered sub-paragraphs, KABUL 00003848 00N OF 004 lines."""


def test_limited_official_use_portion_markings(tmp_path):
    cable = variant(tmp_path, KABUL, [("C O N F I D E N T I A L", "LIMITED OFFICIAL USE"), ("(C)", "(LOU)")])
    assert cable.banner.startswith("LIMITED OFFICIAL USE") and cable.sections == 4
    assert cable.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    marked = [p.marking for p in cable.paragraphs if p.marking]
    assert marked and set(marked) == {"LOU"}
    assert [b.page for p in cable.paragraphs for b in p.page_breaks] == [2, 3, 4]
    assert "(LOU)" not in texts(cable)


# --- TOP SECRET on real cables ------------------------------------------------------------------------


def test_top_secret_banner_portion_markings_and_classification(tmp_path):
    cable = variant(tmp_path, KABUL, [("C O N F I D E N T I A L", "T O P S E C R E T"), ("(C)", "(TS)")])
    assert cable.banner.startswith("T O P S E C R E T") and cable.sections == 4
    assert cable.classification == "TOP SECRET"
    marked = [p.marking for p in cable.paragraphs if p.marking]
    assert marked and set(marked) == {"TS"}
    assert [b.page for p in cable.paragraphs for b in p.page_breaks] == [2, 3, 4]


RABAT = ("corpus", "dev", "07RABAT1229.txt")
"""SECRET with a NOFORN line, 16 (S/NF) paragraphs, RABAT 00001229 00N OF 003 page lines."""


def test_top_secret_noforn(tmp_path):
    cable = variant(tmp_path, RABAT, [("S E C R E T", "T O P S E C R E T"), ("(S/NF)", "(TS/NF)")])
    assert cable.classification == "TOP SECRET//NOFORN" and "NOFORN" in cable.caveats
    marked = [p.marking for p in cable.paragraphs if p.marking]
    assert len(marked) == 16 and set(marked) == {"TS/NF"}
    assert [b.page for p in cable.paragraphs for b in p.page_breaks] == [2, 3]


def test_top_secret_old_style_banner_and_classification(tmp_path):
    cable = variant(tmp_path, CAPE_TOWN, [("C O N F I D E N T I A L", "T O P S E C R E T"),
                                          ("CONFIDENTIAL", "TOP SECRET")])
    assert cable.banner == "T O P S E C R E T" and cable.classification == "TOP SECRET"
    assert cable.header[0] == "TOP SECRET" and cable.paragraphs[0].text == "TOP SECRET - ENTIRE TEXT."
    assert [b.page for p in cable.paragraphs for b in p.page_breaks] == [2, 3]


def test_top_secret_old_style_page_banners_are_dropped(tmp_path):
    cable = variant(tmp_path, CAPE_TOWN, [("C O N F I D E N T I A L", "T O P S E C R E T"),
                                          ("CONFIDENTIAL", "TOP SECRET")])
    inside = [p.label for p in cable.paragraphs[1:] if "TOP SECRET" in p.text]
    assert not inside, f"page banners left in paragraphs {inside}"
