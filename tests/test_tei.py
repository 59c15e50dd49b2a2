"""TEI P5 (issue 20): each cable's document and the edition's teiCorpus, valid against tei_all (TEI P5 4.9.0)
by jing, on both seeds, the 500 dev cables and the other corpora's formats; what they hold, checked against
the model and the page."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.build.site import build
from generator.render.tei import NS, relocate

from .browser import jing_command
from .conftest import ROOT, need_shared

T = f"{{{NS}}}"
XML_ID = "{http://www.w3.org/XML/1998/namespace}id"
SCHEMA = ROOT.parent / "shared" / "schemas" / "tei_all.rng"


def jing(files: list[Path]) -> str:
    """jing's report on the files: empty where every one is valid."""
    need_shared("schemas", "tei_all.rng")
    r = subprocess.run(jing_command(SCHEMA) + [str(f) for f in files], capture_output=True, text=True,
                       timeout=600)
    return r.stdout if r.returncode or r.stdout.strip() else ""


def made(content: Path, out: Path) -> Problems:
    found = build(content, out, Problems(), index_search=False, formats=("tei",))
    assert not found.errors, found.errors
    return found


@pytest.fixture(scope="module")
def seeds(tmp_path_factory):
    out = tmp_path_factory.mktemp("tei") / "site"
    made(ROOT / "content", out)
    return out


def test_the_seeds_and_the_edition_are_valid_tei(seeds):
    files = sorted(seeds.glob("cables/*/*.xml")) + [seeds / "edition.xml"]
    assert len(files) == 3
    assert jing(files) == ""


def test_the_header_comes_from_the_model_and_names_the_source(seeds):
    doc = ET.parse(seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.xml").getroot()
    head = doc.find(f"{T}teiHeader")
    title = head.find(f"{T}fileDesc/{T}titleStmt")
    assert title.find(f"{T}title[@type='main']").text == \
        "Telegram From the Embassy in Beijing to the Department of State"
    assert title.find(f"{T}title[@type='sub']").text == "S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING"
    bibl = head.find(f"{T}fileDesc/{T}sourceDesc/{T}bibl")
    verbatim = seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.txt"
    assert bibl.find(f"{T}idno[@type='SHA-256']").text == hashlib.sha256(verbatim.read_bytes()).hexdigest()
    assert bibl.find(f"{T}ref").get("target") == "07BEIJING3239.txt"
    assert bibl.find(f"{T}note[@type='format']").text == "wikileaks-page-text"
    words = {k.get("n"): [t.text for t in k] for k in head.iter(f"{T}keywords")}
    assert words == {"classification": ["CONFIDENTIAL"], "caveats": ["SIPDIS"], "TAGS": ["PREL", "KCRS", "CH"]}
    assert head.find(f"{T}profileDesc/{T}creation/{T}date").get("when") == "2007-05-15T03:01:00Z"


def test_the_text_keeps_the_cables_numbering_markings_breaks_and_header(seeds):
    doc = ET.parse(seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.xml").getroot()
    body = doc.find(f"{T}text/{T}body")
    header = body.find(f"{T}div[@type='header']")
    assert [ab.text for ab in header][:3] == ["VZCZCXRO5039", "OO RUEHCN RUEHGH RUEHVC", "DE RUEHBJ #3239/01 1350301"]
    paras = body.findall(f".//{T}p[@n]")
    record = __import__("json").loads((seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text())
    assert [p.get("n") for p in paras] == [p["label"] for p in record["paragraphs"]]
    first = paras[0]
    assert first.find(f"{T}label[@type='marking']").text == "(C)"
    assert body.find(f"{T}div/{T}head").text == "Summary"
    # The telegram's page lines (BEIJING 00003239 002 OF 004) are page breaks where the text has them.
    assert [pb.get("n") for pb in body.iter(f"{T}pb")] == ["2", "3", "4"]


def test_notes_names_and_terms_fall_where_the_page_shows_them_and_point_at_the_corpus(seeds):
    doc = ET.parse(seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.xml").getroot()
    first = doc.find(f".//{T}p[@n='1']")
    children = list(first)
    name = next(e for e in children if e.tag == f"{T}persName")
    assert name.text == "Ambassador John Herbst" and name.get("ref") == "../../edition.xml#person-herbst-john"
    note = children[children.index(name) + 1]
    assert note.tag == f"{T}note" and note.get("n") == "1" and "John E. Herbst" in "".join(note.itertext())
    record = __import__("json").loads((seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text())
    notes = [n for n in doc.iter(f"{T}note") if n.get("type") == "editorial"]
    assert notes and \
        [int(n.get("n")) for n in notes] == [n["number"] for n in record["editorial"]["notes"]]
    where = {n.get("n"): p.get("n") for p in doc.iter(f"{T}p") if p.get("n") for n in p.iter(f"{T}note")}
    assert [where[str(n["number"])] for n in record["editorial"]["notes"]] == \
        [n["paragraph"] for n in record["editorial"]["notes"]]
    corpus = ET.parse(seeds / "edition.xml").getroot()
    ids = {e.get(XML_ID) for e in corpus.iter() if e.get(XML_ID)}
    refs = {e.get("ref") for e in doc.iter() if e.get("ref")}
    assert refs and all(r.startswith("../../edition.xml#") and r.split("#")[1] in ids for r in refs)
    assert corpus.find(f".//{T}listPerson/{T}person[@{XML_ID}='person-herbst-john']/{T}persName").text == \
        "John E. Herbst"
    assert corpus.find(f".//{T}taxonomy/{T}category[@{XML_ID}='term-s-crs']") is not None


def test_the_corpus_holds_every_cable_with_its_pointers_made_its_own(seeds):
    corpus = ET.parse(seeds / "edition.xml").getroot()
    members = corpus.findall(f"{T}TEI")
    assert [m.get(XML_ID) for m in members] == ["c07BEIJING3239", "c07BEIJING6872"]
    ids = {e.get(XML_ID) for e in corpus.iter() if e.get(XML_ID)}
    for e in corpus.iter():
        for name in ("ref", "resp"):
            value = e.get(name)
            if value and e.tag != f"{T}ref":
                assert value.startswith("#") and value[1:] in ids, value
    targets = {e.get("target") for e in corpus.iter(f"{T}ref")}
    assert "cables/07BEIJING3239/07BEIJING3239.txt" in targets and "people/#herbst-john" in targets


def test_addresses_are_moved_from_a_cables_folder_to_the_root():
    folder = "cables/07BEIJING3239/"
    assert relocate("../../edition.xml#person-x", folder) == "#person-x"
    assert relocate("../../people/#herbst-john", folder) == "people/#herbst-john"
    assert relocate("07BEIJING3239.txt", folder) == "cables/07BEIJING3239/07BEIJING3239.txt"
    assert relocate("../07BEIJING6872/07BEIJING6872.xml", folder) == "cables/07BEIJING6872/07BEIJING6872.xml"
    assert relocate("https://example.org/a", folder) == "https://example.org/a"


def test_the_cable_page_links_its_tei_only_when_made(seeds, tmp_path):
    page = (seeds / "cables" / "07BEIJING3239" / "index.html").read_text(encoding="utf-8")
    assert 'href="07BEIJING3239.xml"' in page and 'href="../../edition.xml"' in page
    plain = tmp_path / "plain"
    assert not build(ROOT / "content", plain, Problems(), index_search=False).errors
    assert "edition.xml" not in (plain / "cables" / "07BEIJING3239" / "index.html").read_text(encoding="utf-8")
    assert not list(plain.glob("cables/*/*.xml")) and not (plain / "edition.xml").exists()


@pytest.mark.parametrize("folder", ["dev", "format_variants"])
def test_every_cable_of_the_corpora_is_valid_tei(tmp_path, folder):
    content = tmp_path / "content"
    shutil.copytree(need_shared("corpus", folder), content / "cables",
                    ignore=shutil.ignore_patterns("metadata.json", "raw_html"))
    shutil.copy(ROOT / "content" / "site.yaml", content / "site.yaml")
    out = tmp_path / "site"
    made(content, out)
    files = sorted(out.glob("cables/*/*.xml"))
    assert len(files) >= (500 if folder == "dev" else 30)
    assert jing(files + [out / "edition.xml"]) == ""


def test_characters_xml_cannot_hold_are_replaced_and_the_document_stays_valid(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cable = content / "cables" / "002_80421150e0992e02.txt"  # 07BEIJING6872
    data = cable.read_bytes()
    at = data.index(b"Workshop")
    cable.write_bytes(data[:at] + b"\x0c\x01" + data[at:])
    out = tmp_path / "site"
    made(content, out)
    doc = out / "cables" / "07BEIJING6872" / "07BEIJING6872.xml"
    assert "\ufffd\ufffdWorkshop" in doc.read_text(encoding="utf-8")
    assert jing([doc, out / "edition.xml"]) == ""
    assert (out / "cables" / "07BEIJING6872" / "07BEIJING6872.txt").read_bytes() == cable.read_bytes()


def test_an_incremental_build_with_tei_equals_a_clean_one(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out, clean = tmp_path / "site", tmp_path / "clean"
    made(content, out)
    note = content / "annotations" / "07BEIJING6872.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("workshop", "Workshop", 1), encoding="utf-8")
    made(content, out)
    made(content, clean)
    assert "Workshop" in (out / "edition.xml").read_text(encoding="utf-8")

    def tree(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert tree(out) == tree(clean)


def test_an_unknown_format_is_a_mistake_on_the_command_line(tmp_path):
    r = subprocess.run([str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "build.py"), "build", "--formats",
                        "tei,docx", "--output", str(tmp_path / "site")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "unknown format docx (the formats are tei, epub, pdf)" in r.stderr
    assert not (tmp_path / "site").exists()


def test_words_the_editors_keep_as_written_are_sic(seeds):
    doc = ET.parse(seeds / "cables" / "07BEIJING3239" / "07BEIJING3239.xml").getroot()
    assert [s.text for s in doc.iter(f"{T}sic")] == ["Statesand", "interests,including", "wiling"]
    # The words stay in the text where they were: the paragraph reads as the cable does.
    text = "".join(doc.find(f".//{T}body").itertext())
    assert "United Statesand" in text.replace("\n", " ") or "Statesand" in text
