"""`build.py audit`: each check on a real cable that shows it, a clean cable with no finding, the fixes of the
body's segmentation the audit led to (each on a real cable), the allow-list and the command line."""

from __future__ import annotations

import csv
import dataclasses
import json
import subprocess
import sys
from pathlib import Path

import pytest

from generator.read import audit, paragraphs, parse
from generator.read.audit import Read, read_all
from generator.errors import Problems

from .conftest import ROOT, SEED_3239, need_shared


def read(*parts: str) -> Read:
    """The one cable of a file of ../shared/corpus, with its document."""
    path = need_shared("corpus", *parts)
    found = list(read_all([path], Problems()))
    assert len(found) == 1
    return found[0]


def details(r: Read, check: str) -> list[str]:
    return [f.detail for f in audit.audit(r) if f.check == check]


# --- each check on a real cable that shows it ----------------------------------------------------

def test_a_clean_cable_gives_no_finding():
    found = list(read_all([SEED_3239], Problems()))
    assert [f for r in found for f in audit.audit(r)] == []


def test_page_line_left_in_the_text_is_found(monkeypatch):
    # Without the splitting of glued lines, the page line stays inside the sentence it interrupts.
    monkeypatch.setattr(parse, "split_glued_lines", lambda lines: lines, raising=False)
    r = read("pages", "dec2010", "09RIYADH651.html")
    assert any("RIYADH 00000651 003 OF 004" in d for d in details(r, "page-line"))


def test_numbering_with_a_gap_is_found():
    # The redacted release of 08RPODUBAI49 goes from ¶2 to ¶4 (a run of dashes where a heading and paragraph 3
    # were taken out; no "3." anywhere). The cited-number case that showed this check before (09STATE67207,
    # "see paragraphs 3 and\n\n¶4.") is now read right: see tests/test_paragraphs.py.
    r = read("dev", "08RPODUBAI49.txt")
    assert details(r, "numbering") == ["skips from 2 -> 4"]


def test_a_second_copy_of_the_cable_is_numbered_anew():
    # 02ROME1196 holds the cable twice (¶1-8, then the copy's c2-1 ... c2-8): no paragraph "goes back".
    r = read("pages", "apr2011", "02ROME1196.html")
    assert [p.label for p in r.cable.paragraphs][8] == "c2-1"
    assert details(r, "numbering") == []


def test_front_matter_in_the_body_is_found(monkeypatch):
    # Without the section rule, the cable's head that the page prints again (a database row: header, banner,
    # E.O., TAGS) is the body's first block.
    monkeypatch.setattr(paragraphs, "split_section_blocks", lambda lines, subject: (lines, {}))
    r = read("pages", "apr2011", "09THEHAGUE264.html")
    assert {"¶u1: TAGS", "¶u1: E.O."} <= set(details(r, "front-matter-in-body"))


def test_a_summary_not_taken_is_found():
    r = read("pages", "apr2011", "09REYKJAVIK49.html")
    assert details(r, "summary") == ["¶2b: SUMMARY"]


def test_a_subject_that_runs_on_is_found():
    # The front matter now ends the subject at "REF:"; the check is shown on the subject as the parser of
    # 36dcce8 read it from this page ("... PARIS PLENARY REF: STATE 16112 Classified By: ...").
    r = read("pages", "apr2011", "08CANBERRA198.html")
    assert details(r, "subject-runon") == []
    line = r.doc.text[r.doc.text.index("SUBJECT:") + 9:].split("\n\n")[0]
    run_on = dataclasses.replace(r.cable, subject=" ".join(line.split()))
    assert details(Read(run_on, r.doc), "subject-runon") == ["subject: REF:"]


def test_an_unknown_tags_word_is_found():
    r = read("pages", "apr2011", "06TELAVIV687.html")
    assert "TAGS: PALESTINIAN" in details(r, "tags-unknown")


def test_a_person_named_after_ovip_is_reported_as_a_name_not_as_unknown_codes():
    # 09STATE11937: "TAGS: OVIP CLINTON HILLARY PREL ..."; 09TRIPOLI201: "OVIP WWARD PREL" (General William Ward,
    # the subject says). A code tags.csv lacks, of four letters, after OVIP stays an unknown code (07SANJOSE1450:
    # "OVIP KSEP UNGA", KSEP written in three other cables' TAGS).
    r = read("pages", "apr2011", "09STATE11937.html")
    assert details(r, "tags-person") == ["TAGS person: CLINTON HILLARY"]
    assert not {"TAGS: CLINTON", "TAGS: HILLARY"} & set(details(r, "tags-unknown"))
    assert details(read("pages", "apr2011", "09TRIPOLI201.html"), "tags-person") == ["TAGS person: WWARD"]
    r = read("pages", "apr2011", "07SANJOSE1450.html")
    assert details(r, "tags-person") == [] and "TAGS: KSEP" in details(r, "tags-unknown")


def test_without_the_name_rule_the_words_are_unknown_codes(monkeypatch):
    monkeypatch.setattr(audit, "tags_names", lambda text: [])
    r = read("pages", "apr2011", "09STATE11937.html")
    assert {"TAGS: CLINTON", "TAGS: HILLARY"} <= set(details(r, "tags-unknown"))


def test_a_signature_not_taken_is_found():
    r = read("dev", "06MANAGUA1002.txt")
    assert details(r, "signer-missed") == ["last line: DANIEL ORTEGA AN..."]


def test_a_reference_not_resolved_is_found():
    # "C. O4 SAN JOSE 2872": the year keyed with a letter O, so no cable id is made of it.
    r = read("pages", "apr2011", "06SANJOSE1087.html")
    assert details(r, "ref-unresolved") == ["REF C: O4 SAN JOSE 2872"]


def test_body_text_among_the_recipients_is_found(monkeypatch):
    # header.py now ends the addressees at the publisher's '----- header ends -----' (tests/test_recipients.py);
    # without that rule the line is an addressee of this real page, and the check finds it.
    from generator.read import header

    monkeypatch.setattr(header, "ends_addressees", lambda s, gap: False)
    r = read("pages", "apr2011", "09ASUNCION13.html")
    assert any("header ends" in d for d in details(r, "recipient-body"))


def test_a_splice_is_found():
    # The record of 10MEXICO614 carries the pages of ISLAMABAD 416 after its first page.
    r = read("dev", "10MEXICO614.txt")
    assert details(r, "splice") == ["page line: 416"]


def test_a_later_sections_banner_taken_for_the_cables_is_found_on_a_real_cable(monkeypatch):
    # The failure the issue saw on a cable outside ../shared (a SECTION 03 banner taken as the cable's, its first
    # paragraphs lost into the header), made on a real three-section cable of ../shared: the banner finder is
    # made to pass over the banners of sections 1 and 2 of 00HARARE6677, as a banner of section 1 it could not
    # read would make it do. The header then holds the cable's front matter and paragraphs; the check says so.
    real_find = parse.find_banner

    def third_section(lines):
        found = real_find(lines)
        while found and "SECTION 03" not in lines[found[0]][1] and found[0] + 1 < len(lines):
            nxt = real_find(lines[found[0] + 1:])
            found = (found[0] + 1 + nxt[0], nxt[1]) if nxt else None
        return found

    assert details(read("dev", "00HARARE6677.txt"), "section-banner") == []
    monkeypatch.setattr(parse, "find_banner", third_section)
    r = read("dev", "00HARARE6677.txt")
    assert [p.label for p in r.cable.paragraphs] == ["10", "11", "12"]  # paragraphs 1 to 9 went into the header
    assert details(r, "section-banner") == ["header line: C O N F I D E N T I A L SECTION 01 OF 0\u2026"]


def test_a_section_banner_taken_for_the_cables_is_found():
    # Synthetic: no cable of ../shared shows it once parsed (the check guards cables outside it). The header of a
    # real cable, given by hand the lines that a later section's banner would have left above it.
    r = read("dev", "09ULAANBAATAR234.txt")
    assert details(r, "section-banner") == []
    lines = ("E.O. 12958: DECL: 08/13/2034", "1. (S) Summary: xxxxx. MFAT xxxxx led the Mongolian side")
    cable = dataclasses.replace(r.cable, header=r.cable.header + lines)
    assert details(Read(cable, r.doc), "section-banner") == ["header line: E.O. 12958: DECL: 08/13/2034"]


# --- the fixes the audit led to, each on a real cable --------------------------------------------

def test_page_lines_inside_text_and_with_a_part_number_are_breaks():
    r = read("pages", "dec2010", "09RIYADH651.html")
    assert details(r, "page-line") == []
    breaks = [b.line for p in r.cable.paragraphs for b in p.page_breaks]
    assert "RIYADH 00000651 003 OF 004" in breaks
    p = next(p for p in r.cable.paragraphs if "when she wasn" in p.text.replace("’", "'"))
    assert "when she wasn" in p.text.replace("’", "'")
    r = read("dev", "06CARACAS958.txt")
    assert "CARACAS 00000958 002.2 OF 005" in [b.line for p in r.cable.paragraphs for b in p.page_breaks]


def test_an_old_page_line_glued_to_text_keeps_the_text():
    # "PAGE 02 ROME 01196 02 OF 02 082030Z ALTHOUGH SEVERAL ...": the whole line was taken for the page line,
    # and the words after it vanished from the paragraph.
    r = read("pages", "apr2011", "02ROME1196.html")
    assert any("ALTHOUGH SEVER" in p.text for p in r.cable.paragraphs)
    assert any(b.line.startswith("PAGE 02 ROME 01196") for p in r.cable.paragraphs for b in p.page_breaks)


def test_paragraph_starts_glued_after_a_sentence_are_paragraphs():
    # A page whose line ends were lost: "... REASON: 1.4 (b), (d) 1. (C) Summary: ..." and so on, one line.
    r = read("pages", "apr2011", "08TRIPOLI430.html")
    labels = [p.label for p in r.cable.paragraphs if p.number]
    assert labels[:4] == ["1", "2", "3", "4"]
    assert r.cable.summary and r.cable.summary.start == "1"


def test_a_paragraph_number_without_its_dot_continues_the_numbering():
    # "SANCTIONS\n---------\n15 (C) Sanctions were discussed ...": 15, 16 and 17 were one unnumbered block.
    r = read("pages", "dec2010", "09BRUSSELS1399.html")
    by_label = {p.label: p for p in r.cable.paragraphs}
    assert {"15", "16", "17"} <= set(by_label)
    assert by_label["15"].heading == "SANCTIONS"  # underlined with no blank line before it


def test_signers_after_nnnn_and_glued_mixed_case_signers_are_taken():
    assert read("dev", "05PARAMARIBO725.txt").cable.signer == "BARNES"  # BARNES, blank lines, NNNN
    assert read("pages", "apr2011", "08STATE43817.html").cable.signer == "Rice"  # Rice, then Nnnn
    r = read("pages", "apr2011", "09CAIRO1218.html")  # "... this year. Scobey"
    assert r.cable.signer == "Scobey" and not r.cable.paragraphs[-1].text.endswith("Scobey")
    assert read("pages", "apr2011", "08BUENOSAIRES879.html").cable.signer == "Kelly"  # "End \nComment. Kelly"
    assert read("pages", "apr2011", "06REYKJAVIK218.html").cable.signer == "Van Voorst"


def test_a_summary_marked_only_by_its_end():
    r = read("dev", "09KABUL2768.txt")
    assert r.cable.summary and (r.cable.summary.start, r.cable.summary.end) == ("1", "1")
    assert r.cable.summary.text.startswith("In a meeting September 9")


def test_a_framed_summary_heading_and_framed_headings():
    r = read("pages", "apr2011", "06SAOPAULO623.html")
    assert r.cable.paragraphs[0].heading == "SUMMARY" and r.cable.paragraphs[0].label == "1"
    assert r.cable.summary and r.cable.summary.start == "1"
    r = read("dev", "09KABUL2768.txt")
    assert "Still Under Pressure - But Calm" in [p.heading for p in r.cable.paragraphs]


def test_a_two_line_heading():
    r = read("dev", "06KABUL2862.txt")
    headings = [p.heading for p in r.cable.paragraphs if p.heading]
    assert "MOHAMMED EWAZ: NEW CHIEF IN BAGHLAN" in headings  # its underline broken in two is no second line


# --- the allow-list and the whole corpus ---------------------------------------------------------

def test_every_allow_list_row_has_a_known_check_and_a_reason():
    path = ROOT / "tests" / "data" / "audit_allowlist.csv"
    rows = list(csv.DictReader(path.open(encoding="utf-8")))
    assert rows and all(r["reason"].strip() and r["check"] in audit.CHECK_NAMES for r in rows)
    problems = Problems()
    assert len(audit.read_allowlist(path, problems)) == len(rows) and not problems.items


def test_a_bad_allow_list_row_is_an_error(tmp_path):
    bad = tmp_path / "allow.csv"
    bad.write_text("id,check,detail,reason\n07BEIJING3239,page-lines,x,typo\n07BEIJING3239,numbering,x,\n")
    problems = Problems()
    assert audit.read_allowlist(bad, problems) == set()
    assert [(p.line, p.severity) for p in problems] == [(2, "error"), (3, "error")]


def run(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), "audit", *args], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)


def test_the_shared_corpus_has_no_finding_outside_the_allow_list():
    dev, pages = need_shared("corpus", "dev"), need_shared("corpus", "pages")
    r = run(str(dev), str(pages / "apr2011"), str(pages / "dec2010"), "--json")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stdout[-2000:]
    doc = json.loads(r.stdout)
    assert doc["open"] == 0 and doc["audited"] == 2972
    assert doc["totals"]["page-line"]["found"] == 0 and doc["totals"]["signer-missed"]["found"] <= 1


def test_findings_outside_the_allow_list_fail_and_are_one_line_each():
    path = need_shared("corpus", "dev", "10MEXICO614.txt")
    r = run(str(path), "--no-allow")
    assert r.returncode == 1
    first = r.stdout.splitlines()[0]
    assert first.startswith(f"{path}:") and ": splice: 10MEXICO614: " in first
    assert "  splice                     1 found in     1 cables,     0 allowed" in r.stdout
    assert run(str(path)).returncode == 0  # the reviewed allow-list explains it


def test_json_is_one_stable_document():
    r = run(str(SEED_3239), "--json")
    doc = json.loads(r.stdout)
    assert list(doc) == ["checks", "cables", "totals", "audited", "open"]
    assert doc["cables"] == [{"id": "07BEIJING3239", "path": str(SEED_3239), "findings": []}]
    assert r.returncode == 0


@pytest.mark.parametrize("args,status,words", [
    ((), 2, "build.py audit: error: the following arguments are required: PATH"),
    (("--bogus", "x"), 2, "build.py audit: error: unrecognized arguments: --bogus"),
    (("{missing}",), 1, "{missing}: error: no such file or folder"),
    (("{empty}",), 1, "{empty}: error: no cable files in this folder"),
    (("{seed}", "--allow", "{missing}"), 2, "{missing}: error: no such allow-list file"),
])
def test_a_wrong_audit_command_is_one_line(tmp_path, args, status, words):
    (tmp_path / "empty").mkdir()
    places = {"missing": str(tmp_path / "missing"), "empty": str(tmp_path / "empty"), "seed": str(SEED_3239)}
    r = run(*(a.format(**places) for a in args))
    assert "Traceback" not in r.stderr + r.stdout and r.returncode == status, r.stderr
    assert words.format(**places) in r.stderr.splitlines()[0]


def test_strict_fails_on_a_warning(tmp_path):
    cp1252 = tmp_path / "cable.txt"
    cp1252.write_bytes(SEED_3239.read_bytes().replace(b"BEIJING", "BEIJING\u00e9".encode("cp1252"), 1))
    assert run(str(cp1252), "--no-allow").returncode in (0, 1)
    r = run(str(cp1252), "--no-allow", "--strict")
    assert r.returncode == 1 and "warning" in r.stderr
