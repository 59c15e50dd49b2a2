"""The two seed cables, field by field: the published edition starts with them."""

from __future__ import annotations

import hashlib

from .conftest import SEED_3239, SEED_6872, need_shared


def test_seed_files_are_the_shared_seeds_byte_for_byte():
    for name in (SEED_3239.name, SEED_6872.name):
        shared = need_shared("seeds", name)
        assert (SEED_3239.parent / name).read_bytes() == shared.read_bytes()


def test_3239_identity_and_markings(seed_3239):
    c = seed_3239
    assert c.id == "07BEIJING3239"
    assert c.created == "2007-05-15T03:01:00Z"
    assert c.dtg == "O 150301Z MAY 07"
    assert c.precedence == "IMMEDIATE"
    assert c.origin == "Embassy Beijing"
    assert c.classification == "CONFIDENTIAL"
    assert c.banner == "C O N F I D E N T I A L"
    assert c.caveats == ("SIPDIS",)
    assert c.sections == 4
    assert c.tags == ("PREL", "KCRS", "CH")
    assert c.subject == "S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING"
    assert c.classified_by == "Political Minister Counselor Daniel L. Shields"
    assert c.reasons == ("1.4(b)", "1.4(d)")
    assert c.declassify_on == "2032-05-15"
    assert c.signer == "RANDT"
    assert c.references == ()
    assert c.source.format == "wikileaks-page-text"


def test_3239_transmission_header(seed_3239):
    c = seed_3239
    st = c.station
    assert (st.routing_indicator, st.name, st.message_number, st.section, st.julian_day, st.time) == (
        "RUEHBJ", "AMEMBASSY BEIJING", 3239, 1, 135, "0301")
    assert st.line == "DE RUEHBJ #3239/01 1350301"
    assert len(c.to) == 1
    to = c.to[0]
    assert (to.routing_indicator, to.name, to.precedence, to.serial) == ("RUEHC", "SECSTATE WASHDC", "IMMEDIATE", "7879")
    assert [r.routing_indicator for r in c.info] == [
        "RUEHOO", "RUEHOT", "RHMFISS", "RUCNDT", "RUEAIIA", "RHEHNSC", "RHEFDIA", "RUEKJCS", "RUEHBS", "RUEHNO"]
    assert c.info[1].name == "AMEMBASSY OTTAWA" and c.info[1].serial == "3970"
    assert c.header[0] == "VZCZCXRO5039" and c.header[-1] == "RUEHNO/USMISSION USNATO 0670"


def test_3239_paragraphs(seed_3239):
    c = seed_3239
    ps = c.paragraphs
    assert [p.label for p in ps] == [str(n) for n in range(1, 15)]
    assert ps[0].marking == "C" and ps[1].marking == "SBU" and ps[2].marking == "C" and ps[13].marking == "U"
    assert ps[0].heading == "Summary"
    assert ps[1].heading == "S/CRS: An Overview and an Invitation"
    assert ps[6].heading == 'Rear Admiral Yang: R/S "in China\'s Interest"'
    # The banner-to-summary block printed twice by the page appears once: ¶1 follows it directly.
    assert ps[0].text.startswith("China has the capability to be a vital contributor")
    assert ps[0].text.endswith("End Summary.")
    # A stray blank line inside ¶2 does not split it; hyphenated wraps keep their hyphen.
    assert "the longer and broader effort required to stabilize" in ps[1].text
    assert "working-level coordination" in ps[1].text
    # A page break is a position inside ¶3, between "China Academy of" and "Social Sciences".
    [pb] = ps[2].page_breaks
    assert (pb.page, pb.of, pb.line) == (2, 4, "BEIJING 00003239 002 OF 004")
    assert ps[2].text[: pb.offset].endswith("China Academy of")
    assert ps[2].text[pb.offset:].lstrip().startswith("Social Sciences (CASS));")
    # Typos stay as written.
    assert "the United Statesand China" in ps[3].text
    assert "more wiling to act" in ps[4].text
    assert [b.page for p in ps for b in p.page_breaks] == [2, 3, 4]
    assert ps[13].text == "S/CRS cleared this message."
    assert c.summary.start == "1" and c.summary.end == "1"
    assert c.summary.text.startswith("China has the capability") and "End Summary" not in c.summary.text


def test_6872_fields(seed_6872):
    c = seed_6872
    assert c.id == "07BEIJING6872"
    assert c.created == "2007-10-29T05:48:00Z"
    assert c.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert c.banner == "UNCLAS"
    assert c.caveats == ("SIPDIS", "SENSITIVE")
    assert c.sections == 1
    assert c.tags == ("PREL", "PGOV", "CH", "KCRS")
    assert c.subject == "S/CRS WORKS WITH CHINA ON A RECONSTRUCTION AND STABILIZATION WORKSHOP"
    assert c.declassify_on == "N/A"
    assert c.classified_by is None and c.reasons == ()
    assert c.signer == "Randt"
    assert c.station.line == "DE RUEHBJ #6872 3020548" and c.station.section is None
    assert c.source.format == "markdown"


def test_6872_paragraphs(seed_6872):
    ps = seed_6872.paragraphs
    assert [p.label for p in ps] == ["1", "2", "3", "4"]
    assert all(p.marking == "SBU" for p in ps)
    # ¶3 is one paragraph although a blank line splits it.
    assert ps[2].text.endswith("bringing reconstruction and stabilization into the ARF to better clarify this idea.")
    assert "\n" not in ps[2].text
    assert ps[3].text == "The delegation cleared this cable."
    assert seed_6872.summary.text.startswith("Visiting officials from S/CRS")


def test_source_bytes_kept_exactly(seed_3239, seed_6872):
    for c, path in ((seed_3239, SEED_3239), (seed_6872, SEED_6872)):
        data = path.read_bytes()
        assert c.source.data == data
        assert c.source.sha256 == hashlib.sha256(data).hexdigest()
        assert c.source.path == str(path)
