"""The addressees (TO, INFO) of real cables end where the list does: the publisher's record after it is kept in
Cable.header as written, never read as addressees."""

from __future__ import annotations

from generator.errors import Problems
from generator.read.parse import parse_document
from generator.read.readers import read_bytes

from .conftest import need_shared
from .test_front_matter import dev, page


def names(cable) -> list[str]:
    return [x.line for x in (*cable.to, *cable.info)]


def test_the_list_ends_at_the_publishers_header_ends_line():
    # The header printed again after "destination:" and "header:", then "----- header ends -----".
    c = page("08BOGOTA839")[0]
    assert names(c)[-1] == "RUEKJCS/SECDEF WASHDC IMMEDIATE" and len(c.info) == 8
    assert "----------------- header ends ----------------" in c.header  # kept as written


def test_the_list_ends_at_a_database_row():
    # "2006-08-23 05:21:00<TAB>06GENEVA2030<TAB>US Mission Geneva ..." after a blank line.
    c = dev("06GENEVA2030")
    assert names(c)[-1] == "RUCNDT/USMISSION USUN NEW YORK 1570" and len(c.info) == 6
    assert any(s.startswith("2006-08-23 05:21:00") for s in c.header)
    # "110987  2007-06-05 18:03:00  07BOGOTA4029 ..." (a number first).
    assert not any(x.line[:1].isdigit() for x in page("07BOGOTA4029")[0].info)


def test_the_list_ends_at_a_field_of_the_publishers_record():
    # "ID:248885 Cable dated:2010-02-16T06:54:00" after the last addressee.
    c = page("10KAMPALA73")[0]
    assert names(c)[-1] == "RUEAIIA/CIA WASHINGTON DC"
    # "ID: 190648" ... "DESTINATION: VZCZCXRO3981RUEHDE ..." (header lines run together without line ends).
    c = dev("09KUWAIT110")
    assert names(c)[-1] == "RHBVAKS/COMUSNAVCENT  PRIORITY" and not any(":" in n for n in names(c))


def test_header_lines_run_together_after_the_list_are_not_addressees():
    # A CSV row, then the header again with its line ends lost ("... 0344RUEHLP/AMEMBASSY LA PAZ ...").
    c = dev("07ASUNCION396")
    assert names(c)[-1] == "RHEHNSC/WHITE HOUSE NSC WASHDC" and len(c.info) == 8
    c = page("10BUENOSAIRES91")[0]
    assert names(c)[-1] == "RUEAIIA/CIA WASHINGTON DC" and not any("FM AMEMBASSY" in n for n in names(c))


def test_an_addressee_after_a_blank_line_goes_on_with_the_list():
    # "RUEHUB/USINT HAVANA PRIORITY 0060" follows a blank line inside the INFO list.
    assert "RUEHUB/USINT HAVANA PRIORITY 0060" in names(page("06BOGOTA1145")[0])


def test_an_info_line_after_a_blank_line_starts_its_list():
    # 10KAMPALA73 with a blank line before "INFO IGAD COLLECTIVE" (no routing indicator): the INFO list is whole.
    path = need_shared("corpus", "pages", "apr2011", "10KAMPALA73.html")
    doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
    doc.meta = {}
    assert "\nINFO IGAD COLLECTIVE" in doc.text
    doc.text = doc.text.replace("\nINFO IGAD COLLECTIVE", "\n\nINFO IGAD COLLECTIVE")
    c = parse_document(doc, Problems())
    assert [x.line for x in c.info][:2] == ["IGAD COLLECTIVE", "RWANDA COLLECTIVE"]
