"""Front-matter and header patterns of real cables (../shared/corpus/pages), each read from its text alone."""

from __future__ import annotations

from generator.errors import Problems
from generator.read.parse import parse_declassify, parse_document, parse_tags
from generator.read.readers import read_bytes

from .conftest import need_shared


def page(rid: str, build: str = "apr2011", meta: bool = False):
    """The cable of one page of ../shared/corpus/pages, parsed from its text alone unless meta is asked for."""
    path = need_shared("corpus", "pages", build, f"{rid}.html")
    doc = read_bytes(path.read_bytes(), str(path), "wikileaks-html")
    if not meta:
        doc.meta = {}
    problems = Problems()
    return parse_document(doc, problems), problems


def dev(rid: str, edit=None):
    """The cable of one text of ../shared/corpus/dev, parsed without metadata; `edit` changes the bytes in memory."""
    path = need_shared("corpus", "dev", f"{rid}.txt")
    data = path.read_bytes()
    doc = read_bytes(edit(data) if edit else data, str(path), None)
    doc.meta = {}
    return parse_document(doc, Problems())


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


# --- fields that run on, wrap or are printed again (pages that lost their line ends, old page furniture) -----

def test_classified_by_run_on_to_the_ref_line():
    c = page("09CAIRO1013")[0]  # REF: A. CAIRO 550 B. CAIRO 823 Classified By: Minister Counselor ... (d).
    assert [(r.letter, r.text, r.id) for r in c.references] == [("A", "CAIRO 550", "09CAIRO550"),
                                                                ("B", "CAIRO 823", "09CAIRO823")]
    assert c.classified_by == "Minister Counselor for Economic and Political Affairs William R. Stewart"
    assert c.reasons == ("1.4(b)", "1.4(d)")
    c = page("09CAIRO1727")[0]  # REF: CAIRO 1725Classified By: Ambassador Margaret Scobey ...
    assert [r.id for r in c.references] == ["09CAIRO1725"] and c.classified_by == "Ambassador Margaret Scobey"


def test_ref_and_classified_by_run_on_into_the_body():
    c = page("05BRASILIA1714")[0]  # REF: A. BRASILIA 1494 B. BRASILIA 1544 1. Summary. The IV Global Forum ...
    assert c.references[-1].text == "BRASILIA 1544"
    assert c.paragraphs[0].label == "1" and c.paragraphs[0].text.startswith("Summary. The IV Global Forum")
    c = dev("08LONDON1870")  # REF: STATE 74305  (SBU) According to FCO ...: the whole body was the REF
    assert [r.text for r in c.references] == ["STATE 74305"]
    assert c.paragraphs and "According to FCO East Africa Team Leader" in c.paragraphs[0].text
    c = page("08MANAMA479")[0]  # Classified By: CDA Christopher Henzel for reasons 1.4 (b) and (d) (C) On July 21
    assert c.classified_by == "CDA Christopher Henzel" and c.paragraphs[0].text.startswith("(C) On July 21")


def test_subjects_that_run_on():
    c = page("07TELAVIV3514")[0]  # the subject's second line holds REF, Classified By and ------- SUMMARY -------
    assert c.subject.endswith("SITATUATION IN THE IAEA AND UNSC (CABLE 3 OF 5)")
    assert [r.id for r in c.references] == ["07TELAVIV3385", "07TELAVIV3386"]
    assert c.classified_by == "Marc J. Sievers, Political Counselor" and c.paragraphs[0].heading == "SUMMARY"
    c = page("08CAIRO2153")[0]  # SUBJECT: REFORM FATIGUE AT THE HOUSING MINISTRY Classified By: ...
    assert c.subject == "REFORM FATIGUE AT THE HOUSING MINISTRY" and c.classified_by == "Ambassador Margaret Scobey"
    c = page("07BRASILIA1006")[0]  # SUBJECT: Update on ... Case Ref: Brasilia 600 and previous 1. (SBU) Summary:
    assert c.subject == "Update on GOL-Legacy Crash Legal Case"
    assert [r.id for r in c.references] == ["07BRASILIA600"] and c.paragraphs[0].label == "1"
    c = page("10TRIPOLI62")[0]  # ... MORE FANFARE THAN Derived from: DSCG 05-1, B,D (kept, as the body's first block)
    assert c.subject == "DARFUR REBEL GROUP MERGER IN KUFRA: MORE FANFARE THAN"
    assert c.paragraphs[0].text.startswith("Derived from: DSCG 05-1")


def test_words_classified_by_inside_a_subject_stay():
    edit = lambda b: b.replace(b"SUBJ:  ESSA MOOSA TALKS ABOUT MANDELA AND OTHER TOPICS",  # noqa: E731
                               b"SUBJ:  PAPERS CLASSIFIED BY THE SAG AND OTHER TOPICS")
    c = dev("90CAPETOWN97", edit)  # a real cable edited in memory: no reasons follow, so no Classified By field
    assert c.subject == "PAPERS CLASSIFIED BY THE SAG AND OTHER TOPICS" and c.classified_by is None


def test_classified_by_wrapped_over_a_blank_line_or_a_page_break():
    c = dev("08BEIJING1263")  # "... Aubrey Carlson. Reasons" / blank / "1.4 (b/d)."
    assert c.reasons == ("1.4(b)", "1.4(d)") and c.paragraphs[0].label == "1"
    c = page("07PARIS170")[0]  # "..., REASONS" / blanks / PAGE 02 RUEHFRA0170 S E C R E T / "1.4 (B) AND (D)."
    assert c.reasons == ("1.4(b)", "1.4(d)") and c.paragraphs[0].label == "1"


def test_classified_by_in_paragraph_1_in_the_old_style():
    c = page("08STATE100219")[0]  # ¶1. (U) Classified by EUR A/S Daniel Fried. Reason / 1.4(b) and (d).
    assert (c.classified_by, c.reasons) == ("EUR A/S Daniel Fried", ("1.4(b)", "1.4(d)"))
    assert c.paragraphs[0].label == "1" and c.paragraphs[0].text.startswith("Classified by")  # the paragraph stays
    c = dev("03ABUDHABI2641")  # ¶1. (U) Classified by Ambassador Marcelle M. Wahba for reasons 1.5 (B) and (D).
    assert (c.classified_by, c.reasons) == ("Ambassador Marcelle M. Wahba", ("1.5(b)", "1.5(d)"))
    c = dev("06PARTO9")  # NSC FOR ... / ¶1.  (U)  Classified by:  Arnold Chacon, ... Reason 1.4.(d)
    assert c.classified_by.startswith("Arnold Chacon, Deputy Executive") and c.reasons == ("1.4(d)",)


def test_page_feet_left_in_subject_and_ref():
    # Old cables end a page with the classification alone (" CONFIDENTIAL") before the next PAGE line.
    assert dev("00HARARE6677").subject == "ASSISTANT SECRETARY MEETS WITH ZIMBABWE OPPOSITION LEADER"
    assert page("02ROME1196")[0].references[0].text == "STATE 40721"


def test_page_header_residue_in_tags_and_to_lines():
    # No cable of ../shared wraps its TAGS or addressees over a page break: a real cable edited in memory.
    def over_page(line: bytes):
        return lambda b: b.replace(b"AMCONSUL DURBAN\n", b"AMCONSUL DURBAN\n" + line + b"\n", 1)
    expected = ["AMEMBASSY PRETORIA", "AMCONSUL JOHANNESBURG", "AMCONSUL DURBAN", "AMEMBASSY LUSAKA",
                "AMEMBASSY HARARE", "AMEMBASSY LONDON", "AMEMBASSY PARIS"]
    for line in (b"PAGE 02        CAPE T  00097  01 OF 03  182017Z", b"CAPE TOWN 00000097  002 OF 003",
                 b" CONFIDENTIAL\nPAGE 02        CAPE T  00097  01 OF 03  182017Z"):
        assert [r.name for r in dev("90CAPETOWN97", over_page(line)).info] == expected, line
    for line in (b" CONFIDENTIAL\n\nPAGE 02        CAPE T  00097  01 OF 03  182017Z\n", b"CAPE TOWN 00000097  002 OF 003\n"):
        c = dev("90CAPETOWN97", lambda b: b.replace(b"TAGS: PGOV PHUM SF", b"TAGS: PGOV PHUM\n" + line + b"SF"))
        assert c.tags == ("PGOV", "PHUM", "SF"), line


def test_a_subject_printed_again_after_the_front_matter():
    c = page("06PARIS7579", build="dec2010")[0]  # SUBJECT, REF A / B, Classified By, then the SUBJECT line again
    assert c.subject == "GOF C/T COORDINATOR,S OVERVIEW OF TERRORISM THREAT"
    assert [r.letter for r in c.references] == ["A", "B"] and c.paragraphs[0].label == "1"


def test_a_repair_is_said_once_however_often_the_run_is_written():
    """02ROME1196 writes ITPHUM three times in its TAGS line: one warning, not three."""
    _, problems = page("02ROME1196")
    said = [p.message for p in problems if p.message.startswith("TAGS repaired")]
    assert said == ["TAGS repaired: ITPHUM -> IT PHUM"]


def test_a_field_cut_off_by_a_blank_line_ends_before_the_next_field():
    # SUBJECT: ... IN THE / blank / REGION / blank / REF: ... / blank / Classified By: (a page of double-spaced lines)
    c = page("06BUENOSAIRES1610")[0]
    assert c.subject == "ARGENTINA: KIRCHNER INSIDER ON GOA POLICY IN THE REGION"
    assert [r.id for r in c.references] == ["05BUENOSAIRES141"] and c.classified_by == "CDA, a.i., Hugo Llorens"
    assert c.paragraphs[0].label == "1"
    # REF: A) ... C) SAINZ E-MAIL / blank / OF 10/6 D) STATE 215870 / blank / Classified By:
    c = page("04MADRID3914")[0]
    assert [(r.letter, r.text) for r in c.references][2:] == [("C", "SAINZ E-MAIL OF 10/6"), ("D", "STATE 215870")]
    assert c.classified_by == "Political Counselor Kathy Fitzpatrick" and c.paragraphs[0].label == "1"


def test_an_office_line_between_two_fields_continues_neither():
    # SUBJECT / blank / DEPT FOR WHA/CEN JASON MACK AND ... / blank / REF: 2006 STATE 202341
    c = page("07SANJOSE188")[0]
    assert c.subject == "SEEKING NAMES OF INFLUENTIAL WOMEN - REPLY TO ACTION REQUEST"
    assert [r.id for r in c.references] == ["06STATE202341"] and c.paragraphs[0].label == "1"


def test_an_empty_subject_line_takes_its_text_after_the_blank_line():
    c = page("09CAIRO1924")[0]  # "SUBJECT:" / blank / "PRIME MINISTER ... EXPANSION Classified By: ..."
    assert c.subject == "PRIME MINISTER DISCUSSES ESF, ELECTIONS, SINAI DEVELOPMENT, AND POST SAID EXPANSION"
    assert c.classified_by == "Ambassador Margaret Scobey" and c.paragraphs[0].label == "1"


def test_the_sbu_caveat_as_a_sentence_is_a_caveat_line():
    # SUBJECT / page line / SENSITIVE BUT UNCLASSIFIED. PLEASE HANDLE ACCORDINGLY. / blank / REF: THE HAGUE 00149
    c = page("06THEHAGUE1001")[0]
    assert c.subject == "ISLAMIC EDUCATION IN THE NETHERLANDS" and "SENSITIVE BUT UNCLASSIFIED" in c.caveats
    assert [r.id for r in c.references] == ["06THEHAGUE149"] and c.paragraphs[0].label == "1"
    # ... ROOM TO TALK? SENSITIVE BUT UNCLASSIFIED--PLEASE PROTECT ACCORDINGLY Ref: 08 Sao Paulo 0423, on one line
    c = page("08SAOPAULO443")[0]
    assert c.subject == "ETHANOL, THE WTO, AND THE PRIVATE SECTOR: ROOM TO TALK?"
    assert [r.id for r in c.references] == ["08SAOPAULO423"]
    c = page("07THEHAGUE1336")[0]  # REF: THE HAGUE 325 THIS MESSAGE IS SENSITIVE BUT UNCLASSIFIED. PLEASE HANDLE ...
    assert [r.text for r in c.references] == ["THE HAGUE 325"]
    c = page("07THEHAGUE501")[0]  # the same sentence wrapped: "... PLEASE HANDLE" / "ACCORDINGLY."
    assert [r.text for r in c.references] == ["SECSTATE 14726"] and c.paragraphs[0].label == "1"


def test_a_corrected_copy_line_with_its_note_is_a_caveat_line():
    # SUBJECT / page line / C O R R E C T E D C O P Y (Update Text Paragraph 12) / REF: (A) ... (H) ...
    c = page("06SAOPAULO505")[0]
    assert [r.letter for r in c.references] == list("ABCDEFGH") and "CORRECTED COPY" in c.caveats
    assert c.paragraphs[0].label == "1"
    # C O R R E C T E D  C O P Y REF: PARA 1 & 2 CLASS CHANGED  REF: SECSTATE 96550: two REF lines, two items
    c = page("09LONDON2180")[0]
    assert c.subject == "HMG'S POSITIVE REACTION TO POTUS' EUROPEAN-BASED MISSILE DEFENSE DECISION"
    assert [(r.text, r.id) for r in c.references] == [("PARA 1 & 2 CLASS CHANGED", None),
                                                       ("SECSTATE 96550", "09STATE96550")]


def test_ref_glued_to_the_subjects_last_word_and_ref_with_dots():
    c = page("06ISLAMABAD22025")[0]  # "... AND MISSING AMCITREF: " / "¶A. ISLAMABAD 21222 B. PESHAWAR 653 ..."
    assert c.subject.endswith("IPR AND MISSING AMCIT")
    assert [r.id for r in c.references] == ["06ISLAMABAD21222", "06PESHAWAR653", "06ISLAMABAD21882",
                                            "06ISLAMABAD16421"]
    c = page("05NEWDELHI301")[0]  # "REF...04 CHENNAI 575"
    assert [r.id for r in c.references] == ["04CHENNAI575"] and c.classified_by == "DCM Robert O. Blake"


def test_a_subject_printed_again_over_two_lines_after_the_publishers_cut():
    # SUBJECT (two lines) / page line / "..." / blank / the SUBJECT's two lines again / page line / Classified By
    c = page("09ROME438")[0]
    assert c.subject == "NO MORE MR. NICE GUY (III): INEFFECTIVE ITALIAN RESPONSE TO IMMIGRATION CHALLENGES"
    assert c.classified_by == "Charge d'Affaires Elizabeth L. Dibble" and c.paragraphs[0].label == "1"


def test_page_lines_in_the_front_matter_are_page_breaks_of_the_first_paragraph():
    # REF ... / "BAKU 00001835  001.2 OF 003" / Classified By: the front matter reads past the page line, kept here.
    for rid, build, page_of in (("06BAKU1835", "apr2011", (1, 3)), ("06BAKU1835", "dec2010", (1, 3)),
                                ("06BERN1686", "apr2011", (1, 2)), ("06NEWDELHI2226", "apr2011", (1, 2))):
        first = page(rid, build)[0].paragraphs[0]
        assert first.label == "1", rid
        b = first.page_breaks[0]
        assert (b.offset, b.page, b.of) == (0, *page_of) and "001.2 OF" in b.line, (rid, build)


def test_page_lines_in_mixed_case_are_page_lines():
    c = dev("09BAKU478")  # "Baku 00000478 002.2 of 003" in the text of paragraph 5
    p5 = next(p for p in c.paragraphs if p.label == "5")
    assert [(b.page, b.of, b.line) for b in p5.page_breaks] == [(2, 3, "Baku 00000478 002.2 of 003")]
    assert "00000478" not in p5.text
    c = dev("09MOSCOW2366")  # "Moscow 00002366 001.2 of 004" in the front matter was the body's first block
    first = c.paragraphs[0]
    assert first.label == "1" and (first.page_breaks[0].page, first.page_breaks[0].of) == (1, 4)


def test_classified_by_citing_the_order_before_its_reason():
    # "Classified By: PolCouns Velia M. De Pirro. Reason: E.O. 12958 1.4 (d)": the E.O. is no field of its own.
    c = dev("06GENEVA2030")
    assert c.classified_by == "PolCouns Velia M. De Pirro" and c.reasons == ("1.4(d)",)
    assert c.declassify_on == "2016-08-18"
