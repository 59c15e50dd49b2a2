"""Paragraph segmentation on real cables of ../shared: the numbers a sentence cites are no paragraphs, and the
paragraph starts a page that lost its line ends glued inside a line (after a heading's underline or frame, after a
mixed-case heading, with no space after the dot, after a redaction, in a cable whose paragraphs carry no marking)
are paragraphs. Each test fails without the rule it names (checked by turning the rule off)."""

from __future__ import annotations

import re

from generator.read import paragraphs
from generator.read.audit import read_all
from generator.errors import Problems

from .conftest import need_shared


def cable(*parts: str):
    [r] = list(read_all([need_shared("corpus", *parts)], Problems()))
    return r.cable


def labels(c) -> list[str]:
    return [p.label for p in c.paragraphs]


def para(c, label: str):
    return next(p for p in c.paragraphs if p.label == label)


# --- a number a sentence cites ---------------------------------------------------------------------

def test_a_number_cited_before_a_blank_line_stays_in_its_sentence():
    # "please see paragraphs 3 and\n\n¶4. (For information ...)\n\n¶2. (SBU) SUMMARY": the publisher's blank line
    # and pilcrow before the cited 4 made it paragraph 4, and paragraphs 2 and 3 went into its text.
    c = cable("pages", "apr2011", "09STATE67207.html")
    assert labels(c)[:5] == ["1", "2", "3", "4", "5"]
    assert "please see paragraphs 3 and 4. (For information" in para(c, "1").text
    assert para(c, "2").marking == "SBU" and para(c, "2").text.startswith("SUMMARY:")


def test_see_para_then_the_cited_number_alone_on_its_line():
    # 08ANKARA1417: "Please see para.\n\n¶3. \n2.(S) SUMMARY: ..."; 08STATE1265: "in paragraph\n\n5.The U.S. ...
    # \n\n4.(SBU) BEGIN ...".
    c = cable("pages", "apr2011", "08ANKARA1417.html")
    assert labels(c)[:3] == ["1", "2", "3"]
    assert para(c, "1").text.endswith("Please see para. 3.")
    assert para(c, "2").marking == "S" and para(c, "2").text.startswith("SUMMARY")
    c = cable("dev", "08STATE1265.txt")
    assert labels(c) == ["1", "2", "3", "4", "5", "6"]
    assert "in the new U.S. demarche to China in paragraph 5.The U.S. demarche" in para(c, "3").text
    assert para(c, "4").marking == "SBU"


def test_without_the_rule_the_cited_number_is_a_paragraph(monkeypatch):
    monkeypatch.setattr(paragraphs, "cited_number", lambda *a: False)
    assert labels(cable("pages", "apr2011", "09STATE67207.html"))[:2] == ["1", "4"]


# --- paragraph starts glued inside a line ----------------------------------------------------------

def test_a_paragraph_glued_after_a_framed_or_underlined_heading():
    # 08BERLIN1108: "... decision.) \n\n------ - International Security Assistance Force (ISAF) ------ - 4. (SBU)
    # The Bundeswehr ..."; before, paragraphs 4 to 27 were all in paragraph 3.
    c = cable("pages", "apr2011", "08BERLIN1108.html")
    assert para(c, "4").heading == "International Security Assistance Force (ISAF)"
    assert para(c, "4").text.startswith("The Bundeswehr currently has 3,520")
    assert labels(c)[-1] == "27"
    # 08LONDON1761: "------ BWC: Plans for August Meeting of Experts ------ 24. (U) The UK plans ..."
    c = cable("pages", "apr2011", "08LONDON1761.html")
    assert para(c, "24").heading == "BWC: Plans for August Meeting of Experts"
    assert para(c, "24").marking == "U"


def test_a_number_alone_after_an_underline_takes_the_marking_of_the_next_block():
    # 08BEIJING2322: "Nonproliferation and Export Controls ------------------------------------ 17.\n\n(C) Recalling"
    c = cable("dev", "08BEIJING2322.txt")
    p = para(c, "17")
    assert (p.heading, p.marking) == ("Nonproliferation and Export Controls", "C")
    assert p.text.startswith("Recalling his prior assignment")


def test_without_the_rule_the_dashed_starts_stay_glued(monkeypatch):
    monkeypatch.setattr(paragraphs, "_dashed_start", lambda s, last: None)
    assert "4" not in labels(cable("pages", "apr2011", "08BERLIN1108.html"))


def test_a_paragraph_glued_after_a_mixed_case_heading():
    # 09LONDON2121: "... End Summary. Parliament's Treasury Select Committee ) Bonuses and Brussels Top Concern
    # 2. (SBU) MPs from both ..."; before, paragraphs 2 to 18 were all in paragraph 1.
    c = cable("pages", "dec2010", "09LONDON2121.html")
    assert para(c, "2").heading == "Parliament\u2019s Treasury Select Committee ) Bonuses and Brussels Top Concern"
    assert para(c, "2").text.startswith("MPs from both")
    # An upper-case heading with U.S. in it (08TRIPOLI430); END SUMMARY is no heading (08BUENOSAIRES787).
    c = cable("pages", "apr2011", "08TRIPOLI430.html")
    assert para(c, "5").heading == "PERCEIVED U.S. SUPPORT FOR QADHAFI FUELS DESIRE TO FIGHT IN IRAQ"
    c = cable("pages", "apr2011", "08BUENOSAIRES787.html")
    assert para(c, "2").heading is None


def test_without_the_rule_the_mixed_case_heading_stays_glued(monkeypatch):
    monkeypatch.setattr(paragraphs, "title_like", lambda words: False)
    assert "2" not in labels(cable("pages", "dec2010", "09LONDON2121.html"))


def test_a_glued_start_with_no_space_after_its_dot_or_after_a_redaction():
    # 08TRIPOLI113: "... termination of their work in Libya. 3.(SBU) U.S. companies ..."; 10MADRID154:
    # "... a sizable investment in XXXXXXXXXXXX 6. (S//NF) The second reason ...".
    c = cable("pages", "apr2011", "08TRIPOLI113.html")
    assert para(c, "3").marking == "SBU" and para(c, "3").text.startswith("U.S. companies")
    c = cable("pages", "apr2011", "10MADRID154.html")
    assert para(c, "6").marking == "S//NF" and para(c, "6").text.startswith("The second reason")


def test_a_first_paragraph_lost_the_glued_numbering_starts_at_2():
    # 06BUENOSAIRES2711: the record lost the cable's start (subject to the first sentences of paragraph 1); the
    # rest ran together on a few lines ("... assistance.  2. (C) Your visit ... END SUMMARY. on-Proliferation
    # and PSI ----------------- 3. (U) ..."). Before, all of it was one block, then paragraph 10.
    c = cable("pages", "apr2011", "06BUENOSAIRES2711.html")
    assert labels(c)[:3] == ["2", "3", "4"]
    assert para(c, "3").heading == "on-Proliferation and PSI"


def test_an_unmarked_paragraph_glued_after_a_sentence():
    # 08BRASILIA1396 (no paragraph carries a marking): "... accessed nationwide. 10. In addition, by May 2010";
    # 06BRASILIA2094: "¶7. The point of contact ... Post assistance is not requested. 8. Comments/questions".
    c = cable("dev", "08BRASILIA1396.txt")
    assert labels(c) == [str(n) for n in range(1, 12)]
    assert para(c, "10").text.startswith("In addition, by May 2010")
    assert para(c, "9").text.endswith("accessed nationwide.")
    c = cable("pages", "apr2011", "06BRASILIA2094.html")
    assert para(c, "8").text.startswith("Comments/questions for NTSB")
    assert para(c, "7").text.endswith("Post assistance is not requested.")


def test_without_the_rule_the_unmarked_start_stays_glued(monkeypatch):
    monkeypatch.setattr(paragraphs, "unmarked_start", lambda s, cur, last: None)
    assert "10" not in labels(cable("dev", "08BRASILIA1396.txt"))


def test_a_marked_cable_keeps_numbers_in_its_prose():
    # 08STATE83144: "within seven (7) business days" is no paragraph 7 (the cable goes from 6 to 8).
    c = cable("dev", "08STATE83144.txt")
    assert labels(c) == ["1", "2", "3", "4", "5", "6", "8"]


# --- the body's rough edges --------------------------------------------------------------------------

def test_a_summary_with_its_marking_first():
    # 09TIJUANA1116: paragraph 1 is written without its number, "(SBU) SUMMARY: Various political leaders ...
    # (END SUMMARY)"; the marking before the keyword kept it from being the summary.
    c = cable("pages", "apr2011", "09TIJUANA1116.html")
    assert (c.summary.start, c.summary.end) == ("u1", "u1")
    assert c.summary.text.startswith("Various political leaders")
    assert c.summary.text.endswith("move on.")


def test_a_page_banner_glued_to_the_last_line_of_a_page_goes_into_the_page_break():
    # 00HARARE6677 ¶4: "... MDC MINISTERS--ESSENTIALLY, A  CONFIDENTIAL" / "PAGE 04 HARARE 06677 01 OF 03 291400Z
    # COALITION GOVERNMENT. ...": the banner is the page's foot, not the paragraph's text.
    c = cable("dev", "00HARARE6677.txt")
    p = para(c, "4")
    assert "ESSENTIALLY, A COALITION GOVERNMENT" in p.text and "CONFIDENTIAL" not in p.text
    assert [b.line for b in p.page_breaks] == ["CONFIDENTIAL PAGE 04 HARARE 06677 01 OF 03 291400Z"]
    assert not para(c, "6").text.endswith("CONFIDENTIAL")


def test_without_the_rule_the_glued_banner_stays_in_the_text(monkeypatch):
    monkeypatch.setattr(paragraphs, "take_page_foot", lambda s, lines, i, foot: (s, foot))
    assert re.search(r"ESSENTIALLY, A\s+CONFIDENTIAL", para(cable("dev", "00HARARE6677.txt"), "4").text)


def test_a_record_that_holds_the_cable_twice_numbers_the_second_copy_apart():
    # 02ROME1196: after ¶8 and the signature (POPE), the page prints another transmission of the whole cable
    # (its first section's block: PAGE 01 ... 071049Z, ACTION/INFO, banner, E.O., TAGS, REF, Classified By), then
    # "¶1. (C) SUMMARY: ..." again. Its paragraphs were all inside ¶8; they are the copy's c2-1 ... c2-8.
    c = cable("pages", "apr2011", "02ROME1196.html")
    labels_ = labels(c)
    assert labels_[:8] == [str(n) for n in range(1, 9)]
    assert labels_[8:] == [f"c2-{n}" for n in range(1, 9)]
    assert para(c, "8").text.endswith("SOME NEW ONES. POPE > @@@OASYS@@@")
    assert para(c, "c2-1").number == 1 and para(c, "c2-1").text.startswith("SUMMARY: AS POST PREDICTED")
    assert [sb.section for sb in para(c, "8").section_breaks] == [1]


def test_without_the_rule_the_second_copy_is_glued_into_the_last_paragraph(monkeypatch):
    monkeypatch.setattr(paragraphs, "starts_a_copy", lambda sb, lines, end, last: False)
    c = cable("pages", "apr2011", "02ROME1196.html")
    assert labels(c)[-1] == "8" and "SUMMARY: AS POST PREDICTED" in para(c, "8").text


def test_numbers_written_with_a_parenthesis():
    # 05BRASILIA1922: "1) (U) Summary. On July 12, ..." to "7) (SBU) Lula's decision ..."; before, eleven
    # unnumbered blocks.
    c = cable("pages", "apr2011", "05BRASILIA1922.html")
    assert labels(c) == [str(n) for n in range(1, 8)]
    assert para(c, "4").marking == "SBU" and para(c, "4").text.startswith("During a July 13 conversation")


def test_a_marked_start_glued_after_a_sentence_without_its_full_stop():
    # 10BUENOSAIRES81: "... but was not an impressive candidate for the job 7. (C)  As he has in the past, ..."
    c = cable("pages", "apr2011", "10BUENOSAIRES81.html")
    assert para(c, "7").marking == "C" and para(c, "7").text.startswith("As he has in the past")
    assert para(c, "6").text.endswith("not an impressive candidate for the job")


def test_an_unmarked_start_after_a_sentence_that_ends_in_a_number():
    # 10JAKARTA186: "¶1. Action/funding request in paragraph 5. 2. Summary: Mission Indonesia requests ..."
    c = cable("pages", "apr2011", "10JAKARTA186.html")
    assert labels(c) == [str(n) for n in range(1, 9)]
    assert para(c, "1").text == "Action/funding request in paragraph 5."


def test_a_framed_heading_before_paragraph_2_of_a_record_that_lost_paragraph_1():
    # 08BERLIN1108: the body opens "------------------ The Deployment Law ------------------ 2. (SBU) According to
    # a landmark 1994 Constitutional Court ..."; no paragraph 1 is written.
    c = cable("pages", "apr2011", "08BERLIN1108.html")
    assert labels(c)[0] == "2" and para(c, "2").heading == "The Deployment Law"


def test_numbers_keyed_with_a_comma_or_without_the_dot():
    # 10DOHA71: "\n\n8, (C) Senator Kerry, noting ..."; 08MANAMA288: "... digital library's collection. 4 (C) Special
    # Envoy ... of the event. 5 (C) Turning to Kosovo"; 10MADRID49: "Haiti ----- 4 (C) The Ambassador briefed".
    c = cable("dev", "10DOHA71.txt")
    assert para(c, "8").marking == "C" and para(c, "8").text.startswith("Senator Kerry, noting")
    c = cable("pages", "apr2011", "08MANAMA288.html")
    assert labels(c)[:5] == ["1", "2", "3", "4", "5"]
    assert para(c, "5").text.startswith("Turning to Kosovo")
    c = cable("pages", "apr2011", "10MADRID49.html")
    assert (para(c, "4").heading, para(c, "4").marking) == ("Haiti", "C")


def test_a_bare_number_after_a_blank_line_in_a_cable_without_markings():
    # 06SANJOSE2803: "... the Central Bank of Costa Rica.\n\n2 The net revenue from remittances tripled ...". A count
    # at a line start in a list is no paragraph (08STATE96188: "6 Sig Pistols, Model P220 Elite Series").
    c = cable("pages", "apr2011", "06SANJOSE2803.html")
    assert labels(c) == ["1", "2", "3", "4"] and para(c, "2").text.startswith("The net revenue from remittances")
    c = cable("pages", "apr2011", "08STATE96188.html")
    assert "6 Sig Pistols, Model P220 Elite Series" in " ".join(p.text for p in c.paragraphs)


def test_a_heading_on_its_own_line_before_a_number_that_skips():
    # 10BRUSSELS128: "... work on many issues is parayzed.\nU.S. - EU Summit\n¶5. (C) Regarding Qhe proposed ...";
    # the cable has no paragraph 4, and with no blank line ¶5 stayed inside ¶3.
    c = cable("pages", "apr2011", "10BRUSSELS128.html")
    assert labels(c) == ["1", "2", "3", "5", "6"]
    assert para(c, "5").heading == "U.S. - EU Summit" and para(c, "3").text.endswith("is parayzed.")
