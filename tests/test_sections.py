"""Section breaks: the transmission block that a multi-section message prints again where each later section
begins (first page line, office distribution, DTG, FM/TO/INFO, the section's banner, SIPDIS, office lines, the
front matter), and the cable's head that a WikiLeaks page prints a second time, are taken out of the paragraph
text and kept as Paragraph.section_breaks; the text on either side stays one text. Each test is on a real cable of
../shared and fails without the rule it names (checked by turning the rule off)."""

from __future__ import annotations

import json

from generator.read import paragraphs
from generator.read.audit import read_all
from generator.errors import Problems
from generator.read.inspect import CONTRACT_KEYS, PARAGRAPH_KEYS, as_json

from .conftest import need_shared


def cable(*parts: str):
    [r] = list(read_all([need_shared("corpus", *parts)], Problems()))
    return r.cable


def para(c, label: str):
    return next(p for p in c.paragraphs if p.label == label)


def test_an_old_style_section_block_is_a_break_and_the_sentence_goes_on():
    # 00HARARE6677, lines 61-73: ¶5 "... IF IT WAITS THAT LONG," then section 2's whole transmission block
    # (CONFIDENTIAL PTQ1865, PAGE 01, ACTION/INFO, DTG FM TO INFO, banner, SIPDIS, office lines, E.O./TAGS, the
    # page 02 line with the subject's end) and "THERE WILL BE 'NOTHING TO VOTE FOR' ...".
    c = cable("dev", "00HARARE6677.txt")
    p5 = para(c, "5")
    assert "IF IT WAITS THAT LONG, THERE WILL BE \u201cNOTHING TO VOTE FOR\u201d" in p5.text
    for residue in ("INFO LOG-00", "SECTION 02 OF 03", "E.O. 12958", "TAGS:", "GAYLE SMITH", "LONG, OPPOSITION"):
        assert residue not in p5.text
    [sb] = p5.section_breaks
    assert (sb.section, sb.of) == (2, 3)
    assert sb.lines[0] == "CONFIDENTIAL PTQ1865"
    assert "C O N F I D E N T I A L SECTION 02 OF 03 HARARE 006677" in sb.lines
    assert sb.lines[-2:] == ("PAGE 02 HARARE 06677 02 OF 03 291401Z", "OPPOSITION LEADER")
    assert p5.text[sb.offset - 5: sb.offset + 6] == "LONG, THERE"
    # The block's page lines stay page breaks too, at the same place.
    assert [b.page for b in p5.page_breaks] == [1, 2] and {b.offset for b in p5.page_breaks} == {sb.offset}
    p9 = para(c, "9")
    assert [(s.section, s.of) for s in p9.section_breaks] == [(3, 3)]
    assert "HE TOLD THE BRITISH TO REFRAIN" in p9.text


def test_the_subject_left_on_a_section_page_line_is_part_of_the_block(monkeypatch):
    # Without the subject's evidence, "OPPOSITION LEADER" (the end of the subject, cut by the page line) would be
    # read as the first words of the section's text.
    monkeypatch.setattr(paragraphs, "_residue", lambda s, subject: False)
    p5 = para(cable("dev", "00HARARE6677.txt"), "5")
    assert "LONG, OPPOSITION LEADER THERE WILL BE" in p5.text


def test_a_section_block_with_a_corrected_copy_line_and_office_line_run_on_to_the_front_matter():
    # 02ROME1196 (apr2011 page): "¶7. (C) COMMENT: POST WILL CONTINUE TO FOLLOW THE LINE", section 2's block
    # ("C O R R E C T E D C O P Y (ADDED INFO ADDEES)", "DEPARTMENT FOR EUR/WE, EUR/PPD AND DRL E.O. 12958: ...
    # TAGS: ..."), then "ESTABLISHED IN THESE MEETINGS".
    c = cable("pages", "apr2011", "02ROME1196.html")
    p7 = para(c, "7")
    assert "FOLLOW THE LINE ESTABLISHED IN THESE MEETINGS" in p7.text
    assert "DEPARTMENT FOR" not in p7.text and "E.O." not in p7.text
    [sb] = p7.section_breaks
    assert (sb.section, sb.of) == (2, 2)
    assert "C O R R E C T E D C O P Y (ADDED INFO ADDEES)" in sb.lines


def test_the_head_printed_again_as_a_database_row_is_a_break_before_paragraph_1():
    # 09THEHAGUE264: after the preview ("REF: ... ..."), the page prints the record's database row: id, date,
    # origin, the header (VZCZC ... DE ... FM ... TO ... INFO ...), then '","C O N F I D E N T I A L THE HAGUE
    # 000264', SIPDIS, E.O., TAGS, SUBJECT, REF A-D, Classified By.
    c = cable("pages", "apr2011", "09THEHAGUE264.html")
    first = c.paragraphs[0]
    assert first.label == "1" and first.text.startswith("Summary: The philosophical opposition")
    [sb] = first.section_breaks
    assert sb.offset == 0 and sb.section is None
    assert sb.lines[0].startswith("203795,4/23/2009 14:58,09THEHAGUE264")
    assert sb.lines[-1].startswith("Classified By: Charge d'Affairs Michael Gallagher")
    assert "RUEKJCS/SECDEF WASHINGTON DC PRIORITY" in sb.lines


def test_a_banner_cut_over_two_lines_begins_a_block():
    # 06THEHAGUE2047: '...RHEHNSC/NSC WASHDC","C O N F I D E N T I A L SECTION 01 OF 04 THE' / 'HAGUE 002047'.
    c = cable("pages", "apr2011", "06THEHAGUE2047.html")
    assert c.paragraphs[0].label == "1"
    [sb] = c.paragraphs[0].section_breaks
    assert (sb.section, sb.of) == (1, 4)
    assert any("SECTION 01 OF 04 THE HAGUE 002047" in s for s in sb.lines)


def test_a_paragraph_glued_to_the_repeated_front_matter_is_cut_off_with_its_heading():
    # 08STATE86156: the repeat runs "SUBJECT: ... NO. 7 Classified by ... (B and D). RUSSIAN GROUND FORCES PUSH
    # TOWARDS TBILISI ------ 1. (SBU) Embassy Tbilisi reports ..." on one line, with paragraphs 1-17 after it.
    c = cable("pages", "apr2011", "08STATE86156.html")
    first = c.paragraphs[0]
    assert first.label == "1" and first.heading == "RUSSIAN GROUND FORCES PUSH TOWARDS TBILISI"
    assert first.text.startswith("Embassy Tbilisi reports Russian troops have taken Gori")
    assert [p.number for p in c.paragraphs[:3]] == [1, 2, 3]


def test_the_subject_written_again_without_its_keyword_is_part_of_the_block():
    # 09STATE112644: the repeat gives "BELARUS: DEMARCHE TO EU MEMBERS ON SANCTIONS POLICY" with no SUBJECT:.
    c = cable("pages", "apr2011", "09STATE112644.html")
    assert c.paragraphs[0].label == "1"
    assert "BELARUS: DEMARCHE TO EU MEMBERS ON SANCTIONS POLICY" in c.paragraphs[0].section_breaks[0].lines


def test_a_body_that_is_only_a_repeated_head_stays_text():
    # 08BEIJING3080, a record cut short: its body is nothing but the head printed again; taking it out would leave
    # no paragraph to keep it in.
    c = cable("dev", "08BEIJING3080.txt")
    assert [p.label for p in c.paragraphs] == ["u1"]
    assert c.paragraphs[0].text.startswith("C O N F I D E N T I A L BEIJING 003080 SIPDIS")


def test_without_the_rule_the_blocks_stay_in_the_text(monkeypatch):
    monkeypatch.setattr(paragraphs, "split_section_blocks", lambda lines, subject: (lines, {}))
    p5 = para(cable("dev", "00HARARE6677.txt"), "5")
    assert "SECTION 02 OF 03 HARARE 006677" in p5.text and not p5.section_breaks


def test_inspect_json_adds_section_breaks_and_keeps_the_contract():
    c = cable("dev", "00HARARE6677.txt")
    data = json.loads(json.dumps(as_json(c), ensure_ascii=False))
    assert tuple(data)[: len(CONTRACT_KEYS)] == CONTRACT_KEYS
    p5 = next(p for p in data["paragraphs"] if p["label"] == "5")
    assert tuple(p5)[: len(PARAGRAPH_KEYS)] == PARAGRAPH_KEYS
    [sb] = p5["section_breaks"]
    assert set(sb) == {"offset", "section", "of", "lines"} and sb["section"] == 2
