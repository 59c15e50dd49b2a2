"""REF items of real cables (../shared/corpus), each read from the text alone: how items are cut, how many cables
one item names, and how a post that a REF line names is spelt in the publisher's ids."""

from __future__ import annotations

import json
import re

import pytest

from generator.errors import Problems
from generator.read.parse import parse_document, parse_references, ref_place
from generator.read.readers import read_bytes

from .conftest import need_shared
from .test_front_matter import page, dev


def ids(cable) -> list[str | None]:
    return [r.id for r in cable.references]


def test_ref_items_after_a_blank_line():
    # REF: A. BERLIN 230 / blank / ¶B. BERLIN 200 / blank / Classified By: ...: B and Classified By were body text.
    c = dev("07BERLIN242")
    assert [(r.letter, r.id) for r in c.references] == [("A", "07BERLIN230"), ("B", "07BERLIN200")]
    assert c.classified_by == "DCM John M. Koenig" and c.paragraphs[0].label == "1"
    c = dev("06DUBLIN1020")  # A. / blank / ¶B. DUBLIN 709 / ¶C. USDAO DUBLIN EI U-0011-06
    assert [r.letter for r in c.references] == ["A", "B", "C"] and ids(c)[:2] == ["06DUBLIN891", "06DUBLIN709"]


def test_several_cables_in_one_item():
    c = page("09BUENOSAIRES794")[0]  # (E) BUENOS AIRES 0750 AND 0561
    assert ids(c)[-2:] == ["09BUENOSAIRES750", "09BUENOSAIRES561"]
    assert [(r.letter, r.text) for r in c.references[-2:]] == [("E", "BUENOS AIRES 0750"), (None, "AND 0561")]
    assert ids(dev("08BEIJING3080")) == ["08USUNNEWYORK720", "08USUNNEWYORK721"]  # USUN NEW YORK 720 AND 721
    assert ids(page("09MALABO48")[0]) == [f"09MALABO{n}" for n in (19, 21, 26, 27, 31)]
    assert ids(page("06TRIPOLI198")[0]) == ["06TRIPOLI33", "06TRIPOLI53"]
    # ISLAMABAD 5266 ISLAMABAD 4817: two mentions with their post in one lettered item.
    assert ids(page("07ISLAMABAD5288")[0])[:2] == ["07ISLAMABAD5266", "07ISLAMABAD4817"]
    # A number followed by its post is the next mention, with its own year: 10 CAIRO 47; 09 CAIRO 2164 ...
    assert ids(page("10CAIRO147")[0])[:3] == ["10CAIRO47", "09CAIRO2164", "09CAIRO2064"]


def test_a_year_or_a_suffix_after_the_number_is_no_second_cable():
    assert [r.id for r in parse_references("STATE 12345, 2008 (NOTAL)", 9)] == ["09STATE12345"]
    # AMMAN 5049-01 (a form from cables outside ../shared; it resolved before too): the suffix is no number.
    assert [r.id for r in parse_references("A. AMMAN 5049-01 B. STATE 1234", 5)] == ["05AMMAN5049", "05STATE1234"]
    assert [r.id for r in parse_references("AMMAN 5049-01 AND 5051", 5)] == ["05AMMAN5049", "05AMMAN5051"]


def test_an_item_that_repeats_its_label():
    assert ids(page("09ROME192")[0]) == ["08ROME1192", "08ROME1279"]  # A. A 08 ROME 01192 ¶B. B 08 ROME 001279
    assert ids(page("10KABUL693")[0]) == ["10KABUL673", "09KABUL3068"]  # A. (a) KABUL 673 ¶B. (b) 09 KABUL 3068
    assert ids(page("08LONDON1761")[0])[0] == "08STATE64404"  # A. ) STATE 064404
    c = page("01VATICAN5960")[0]  # A: VATICAN 05286; REF B: VATICAN 05546
    assert [(r.letter, r.text) for r in c.references] == [("A", "VATICAN 05286"), ("B", "VATICAN 05546")]
    assert ids(page("09BOGOTA3393")[0]) == ["09BOGOTA2629", "09BOGOTA2050"]  # REF A: BOGOTA2629; REF B: BOGOTA2050
    assert ids(page("09SANJOSE983")[0]) == ["09STATE122639", "09STATE109397"]  # ¶A. REF A: STATE 109397
    assert [r.id for r in parse_references("A. REF A STATE 122214 B. REF B STATE 122215", 9)] == [
        "09STATE122214", "09STATE122215"]


def test_item_letters_written_without_a_space_or_with_one_inside():
    assert ids(page("08REYKJAVIK291")[0]) == ["08STATE104800", "08REYKJAVIK259"]  # A)STATE 104800 B)REYKJAVIK 259
    assert ids(page("09MALABO31")[0]) == ["09MALABO27", "09MALABO18"]  # A)MALABO 27  B)MALABO 18
    c = page("05SANJOSE1740")[0]  # ... (B) SAN JOSE 01455 (C )SAN JOSE 01713 (D) ...
    assert "05SANJOSE1713" in ids(c) and [r.letter for r in c.references][:5] == ["A", "B", "C", "D", "E"]
    assert "07MANAMA1070" in ids(page("08MANAMA306")[0])  # ... C. MANAMA 156 D.07 MANAMA 1070 E. ...
    c = page("09TRIPOLI960")[0]  # B) TRIPOLI 924; c) TRIPOLI 208
    assert [r.id for r in c.references if r.letter in ("B", "c")] == ["09TRIPOLI924", "09TRIPOLI208"]


def test_years_and_places_glued_to_the_number():
    assert ids(page("09CAIRO1456")[0]) == ["09CAIRO724", "09CAIRO771"]  # A. 09CAIRO724 B. 09CAIRO771
    assert ids(page("09GUATEMALA106")[0]) == ["08GUATEMALA387", "08GUATEMALA1593"]  # A. 2008 GUATEMALA 387


POSTS = [  # (cable, how its REF names the post, the id it resolves to)
    (("dev", "09RIODEJANEIRO353"), "RIO 346", "09RIODEJANEIRO346"),
    (("page", "09THEHAGUE264"), "08 HAGUE 468", "08THEHAGUE468"),
    (("page", "08GUATEMALA867"), "GUATEMALA 783", "08GUATEMALA783"),
    (("page", "09MELBOURNE114"), "MELBOURNE 89", "09MELBOURNE89"),
    (("page", "07ADDISABABA3404"), "ADDIS 3365", "07ADDISABABA3365"),
    (("page", "09NEWDELHI268"), "DELHI 195", "09NEWDELHI195"),
    (("page", "08BUENOSAIRES702"), "2004 BUENOSAIRES 2540", "04BUENOSAIRES2540"),
    (("page", "09LAPAZ96"), "08 LAPAZ 2606", "08LAPAZ2606"),
    (("dev", "09SAOPAULO104"), "SAOPAULO 31", "09SAOPAULO31"),
    (("dev", "09UNVIEVIENNA540"), "EMBASSY VIENNA 1450", "09VIENNA1450"),
]


@pytest.mark.parametrize("where, written, expected", POSTS, ids=[p[1] for p in POSTS])
def test_posts_as_the_publisher_spells_them_in_ids(where, written, expected):
    kind, rid = where
    c = dev(rid) if kind == "dev" else page(rid)[0]
    assert expected in ids(c), [(r.text, r.id) for r in c.references]


def publisher_places() -> set[str]:
    """The places of every publisher id of ../shared (both metadata files): the ground truth of the spelling."""
    out = set()
    for parts in (("corpus", "dev", "metadata.json"), ("corpus", "pages", "metadata.json")):
        for c in json.loads(need_shared(*parts).read_text(encoding="utf-8"))["cables"]:
            m = re.fullmatch(r"\d\d([A-Z]+)\d+", c["reference_id"])
            if m:
                out.add(m.group(1))
    return out


def test_the_spelling_rules_agree_with_the_publishers_ids():
    # The rules come from the tables (routing book, observed FM lines); the ids of ../shared check them where they
    # hold the post. MEXICO CITY is MEXICO in the observed FM line AMEMBASSY MEXICO for the book's RUEHME.
    known = publisher_places()
    for written in ("RIO", "HAGUE", "MEXICO CITY", "GUATEMALA", "MELBOURNE", "ADDIS", "DELHI", "BUENOSAIRES",
                    "LAPAZ", "SAOPAULO", "UNVIE", "UNVIE VIENNA", "USUN NEW YORK"):
        cid = parse_references(f"{written} 12", 9)[0].id
        assert cid and cid[2:-2] in known, (written, cid)


def test_posts_no_cable_of_shared_names():
    # No REF of ../shared writes these; the ids are what the publisher's ids of these posts look like.
    for written, expected in (("HCMC 1234", "09HOCHIMINHCITY1234"), ("N'DJAMENA 56", "09NDJAMENA56"),
                              ("PORT-OF-SPAIN 7", "09PORTOFSPAIN7"), ("MEXICO CITY 3175", "09MEXICO3175"),
                              ("UNVIE 5", "09UNVIEVIENNA5"), ("VATICAN CITY 4", "09VATICAN4")):
        assert parse_references(written, 9)[0].id == expected, written


def test_short_forms_that_name_no_single_post_resolve_nothing():
    # SAN (SAN JOSE, SAN SALVADOR) and PORT are shared; AIT and IRAN are a prefix before a post (AIT TAIPEI's ids
    # are TAIPEI); misspellings are not guessed.
    for written in ("SAN", "PORT", "AIT", "IRAN", "BRASILA", "TALLIN", "CITY", "GLOBAL"):
        assert ref_place(written) is None, written


def test_two_digits_before_a_series_and_its_number_are_a_year_not_a_message():
    """09BUENOSAIRES1305: "REF: BRASILIA 09 MDA 839" names a document of 2009, not message 9 of Brasilia."""
    from generator.read.parse import parse_references

    assert [r.id for r in parse_references("BRASILIA 09 MDA 839", 2009)] == [None]
    assert [r.id for r in parse_references("A. BRASILIA 2799 AND 2764", 2009)] == ["09BRASILIA2799", "09BRASILIA2764"]
    assert [r.id for r in parse_references("MALABO 19", 2009)] == ["09MALABO19"]


def test_ref_ends_at_a_framed_heading():
    # "Ref: Abuja 1836" / "-------" / "SUMMARY" / "-------": the REF took the frame ("Abuja 1836 ------- SUMMARY").
    c = dev("09ABUJA1907")
    assert [(r.text, r.id) for r in c.references] == [("Abuja 1836", "09ABUJA1836")]
    assert c.paragraphs[0].label == "1" and c.paragraphs[0].heading == "SUMMARY"


def test_item_letters_after_a_pilcrow_go_on_after_a_blank_line():
    # REF: A. BUENOS AIRES 0451 / blank / ¶B. BUENOS AIRES 0497 / blank / ¶C. BUENOS AIRES 0562 / blank / Classified
    c = page("06BUENOSAIRES625")[0]
    assert ids(c) == ["06BUENOSAIRES451", "06BUENOSAIRES497", "06BUENOSAIRES562"]
    assert c.classified_by == "DCM Hugo Llorens" and c.paragraphs[0].label == "1"
    # Without the Classified By line the items are followed by the body: the letters alone carry the REF on.
    path = need_shared("corpus", "pages", "apr2011", "06BUENOSAIRES625.html")
    doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
    doc.meta = {}
    assert "Classified By: DCM Hugo Llorens" in doc.text
    doc.text = re.sub(r"Classified By: DCM Hugo Llorens[^\n]*", "", doc.text)
    c = parse_document(doc, Problems())
    assert ids(c) == ["06BUENOSAIRES451", "06BUENOSAIRES497", "06BUENOSAIRES562"] and c.paragraphs[0].label == "1"
