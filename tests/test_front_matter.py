"""Front-matter and header patterns of real cables (../shared/corpus/pages), each read from its text alone."""

from __future__ import annotations

from generator.errors import Problems
from generator.parse import parse_declassify, parse_document, parse_tags
from generator.readers import read_bytes

from .conftest import need_shared


def page(rid: str, build: str = "apr2011", meta: bool = False):
    """The cable of one page of ../shared/corpus/pages, parsed from its text alone unless meta is asked for."""
    path = need_shared("corpus", "pages", build, f"{rid}.html")
    doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
    if not meta:
        doc.meta = {}
    problems = Problems()
    return parse_document(doc, problems), problems


def test_created_from_the_date_line_of_a_partial_extract():
    # "Thursday, 07 March 2002, 10:13" right after the partial-extract notice; no DTG.
    assert page("02ROME1196")[0].created == "2002-03-07T10:13:00Z"


def test_created_from_cable_dated():
    assert page("05SANAA1352")[0].created == "2005-05-23T14:26:00Z"
    assert page("06TELAVIV687")[0].created == "2006-02-15T15:18:00Z"  # run together with the banner


def test_the_dtg_wins_over_a_date_line_that_disagrees():
    path = need_shared("corpus", "pages", "dec2010", "10ROME1.html")
    doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
    doc.meta = {}
    assert parse_document(doc, Problems()).created == "2010-01-01T15:02:00Z"  # date line and DTG agree
    doc.text = doc.text.replace("Friday, 01 January 2010, 15:02", "Friday, 01 January 2010, 16:40")
    problems = Problems()
    assert parse_document(doc, problems).created == "2010-01-01T15:02:00Z"
    assert any("disagree" in p.message for p in problems)


def test_glued_tags_split_only_into_codes_that_are_not_a_word():
    rome = page("02ROME1196")[0]  # TAGS PHUM, OPRC, ..., IT, ITPHUM, ..., HUMAN RIGHTS
    assert {"HUMAN", "RIGHTS"} <= set(rome.tags) and not {"RI", "GH", "TS"} & set(rome.tags)
    assert "PALESTINIAN" in page("05TELAVIV6669")[0].tags  # not PAL ES TI NI AN
    assert page("07SANJOSE298")[0].tags == ("ECON", "CS")  # TAGS: ECONCS
    assert page("08BRATISLAVA377")[0].tags == ("PREL", "PGOV", "LO", "GG", "RU")  # PGOVLO
    # ECIN is no code of the tables: EC IN would be a guess, so the run stays as written.
    assert page("06SANJOSE1792")[0].tags == ("ETRDEINVECINPGOVCS",)
    assert parse_tags("POLICY")[0] == ["POLICY"]


def test_eo_and_tags_run_on_after_other_front_matter():
    # "... PARIS FOR ECON - TOM WHITE E.O. 12958: N/A TAGS: SCUL PREL PGOV PINR ECON BR"
    c = page("07SAOPAULO250")[0]
    assert c.tags == ("SCUL", "PREL", "PGOV", "PINR", "ECON", "BR")
    assert c.declassify_on == "N/A"
    assert page("08LONDON2474")[0].tags == ("CJAN", "PINS", "PREL", "PTER", "IR", "UK")


def test_keywords_in_any_case():
    c = page("08STATE43817")[0]  # a lower-cased record: "Tags: knnp, dprk, sy, iaea, parm, prel"
    assert c.tags == ("KNNP", "dprk", "SY", "IAEA", "PARM", "PREL")
    assert c.subject == "syria's clandestine nuclear program"
    refs = page("05BRASILIA437")[0].references  # "Ref: Brasilia 00369"
    assert [r.id for r in refs] == ["05BRASILIA369"]


def test_ref_years_glued_to_the_post():
    refs = page("10RIYADH184")[0].references  # REF: A. 09DHAHRAN 201  B. 09RIYADH 1302 ...
    assert [r.id for r in refs[:3]] == ["09DHAHRAN201", "09RIYADH1302", "09RIYADH1397"]


def test_decl_keyed_twice():
    # No cable of ../shared carries it; the form is from cables outside it.
    assert parse_declassify("DECL: DECL: 06/09/2016") == "2016-06-09"


def test_a_first_letter_lost_from_unclas():
    c = page("09BRASILIA1017")[0]  # NCLAS SECTION 01 OF 02 BRASILIA 001017, then SENSITIVE
    assert c.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert c.sections == 2


def test_noforn_on_an_unclas_cable_is_not_plain_unclassified():
    assert page("09EFTOLONDON2211")[0].classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"


def test_malformed_publisher_ids_are_repaired_where_the_banner_confirms():
    c, problems = page("09EFTOLONDON2211", meta=True)  # banner UNCLAS E F T O LONDON 002211
    assert (c.id, c.aliases) == ("09LONDON2211", ("09EFTOLONDON2211",))
    c, _ = page("08SCTION02OF02SAOPAULO335", meta=True)  # banner SCTION 02 OF 02 SAO PAULO 000335
    assert (c.id, c.aliases, c.sections) == ("08SAOPAULO335", ("08SCTION02OF02SAOPAULO335",), 2)
    c, _ = page("09SECTION01OF03SANJOSE525", meta=True)  # banner UNCLAS SECTION01 OF 03 SAN JOSE 000525
    assert (c.id, c.aliases, c.sections) == ("09SANJOSE525", ("09SECTION01OF03SANJOSE525",), 3)
    assert page("09EFTOLONDON2211")[0].id == "09LONDON2211"  # from the text alone


def test_a_malformed_id_the_banner_does_not_confirm_stands():
    path = need_shared("corpus", "pages", "apr2011", "09EFTOLONDON2211.html")
    doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
    doc.meta["id"] = "09EFTOLONDON2212"
    c = parse_document(doc, Problems())
    assert (c.id, c.aliases) == ("09EFTOLONDON2212", ())


def test_addressees_end_at_front_matter_and_distribution_lines():
    c = page("09NAIROBI2497")[0]  # the INFO block is followed by TAGS:, SUBJECT:, REF: of a banner-less copy
    assert not [r.name for r in c.info if ":" in r.name]
    c = page("09DOHA691")[0]  # "Key: \t09DOHA691", "Tags: \t..." metadata lines after the INFO block
    assert not [r.name for r in c.info if ":" in r.name]
    c = page("08STATE43817")[0]
    assert [r.name for r in c.to] == ["ALL DIPLOMATIC AND CONSULAR POSTS COLLECTIVE", "AMEMBASSY TRIPOLI"]


def test_xmt_lines_are_exempted_addressees_not_recipients():
    # INFO  LOG-00 MFA-00 ... (office distribution) first; then TO, INFO, and XMT AMCONSUL JOHANNESBURG.
    c = page("09STATE67105")[0]
    assert [r.name for r in c.to] == ["SECURITY OFFICER COLLECTIVE", "AMEMBASSY TRIPOLI"]
    assert [r.name for r in c.info] == ["AMCONSUL CASABLANCA"]
