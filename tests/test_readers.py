"""Each input format is recognised by its content and read into the same Cable."""

from __future__ import annotations

import json
import shutil
import tracemalloc

import pytest

from generator.errors import Problems
from generator.read.load import read_file
from generator.read.readers import read_csv, sniff

from .conftest import SEED_3239, SEED_6872, need_shared, parse_one


def mysql_quote(value: str) -> str:
    """Quote a field the way the Cablegate cables.csv dump does (backslash escapes)."""
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def csv_row(number: int, date: str, rid: str, origin: str, cls: str, refs: str, header: str, body: str) -> str:
    return ",".join(mysql_quote(v) for v in (str(number), date, rid, origin, cls, refs, header, body)) + "\n"


def split_cable(text: str) -> tuple[str, str]:
    header, _, body = text.partition("\n\n")
    return header, body


@pytest.mark.parametrize("path,kind", [(SEED_3239, "wikileaks-page-text"), (SEED_6872, "markdown")])
def test_seeds_are_recognised_by_content_not_name(tmp_path, path, kind):
    renamed = tmp_path / "cable.html"  # a misleading name changes nothing
    shutil.copy(path, renamed)
    assert sniff(renamed.read_bytes()) == kind
    assert parse_one(renamed)[0].id == parse_one(path)[0].id


def test_dev_text_and_html_formats():
    dev = need_shared("corpus", "dev")
    assert sniff((dev / "07BEIJING1668.txt").read_bytes()) == "raw-text"
    assert sniff((dev / "raw_html" / "07BEIJING1668.html").read_bytes()) == "wikileaks-html"
    html = parse_one(dev / "raw_html" / "07BEIJING1668.html")[0]
    text = parse_one(dev / "07BEIJING1668.txt")[0]
    assert html.id == text.id == "07BEIJING1668"
    assert html.released == "2010-12-04T21:09:00Z"
    assert [r.id for r in html.references] == ["07BEIJING1063"]
    assert [p.label for p in html.paragraphs] == [p.label for p in text.paragraphs]


def test_cables_csv_rows_are_streamed_and_kept_byte_for_byte(tmp_path):
    dev = need_shared("corpus", "dev")
    rows = []
    for n, (rid, date, origin, cls) in enumerate([
        ("07BEIJING1668", "3/20/2007 9:09", "Embassy Beijing", "CONFIDENTIAL"),
        ("09BEIJING3160", "11/23/2009 11:11", "Embassy Beijing", "CONFIDENTIAL"),
    ], 1):
        header, body = split_cable((dev / f"{rid}.txt").read_text(encoding="utf-8"))
        rows.append(csv_row(n, date, rid, origin, cls, "07BEIJING1063" if n == 1 else "", header, body))
    bad = '"3","1/1/2008 1:01","08XX1","x"\n'
    path = tmp_path / "export.dat"
    path.write_text(rows[0] + bad + rows[1], encoding="utf-8")
    assert sniff(path.read_bytes()) == "cables-csv"
    problems = Problems()
    cables = list(read_file(path, problems))
    assert [c.id for c in cables] == ["07BEIJING1668", "09BEIJING3160"]
    assert cables[0].created == "2007-03-20T09:09:00Z"
    assert cables[0].source.format == "cables-csv"
    assert cables[0].source.data == rows[0].encode("utf-8")
    assert cables[1].source.line == rows[0].count("\n") + 2
    assert cables[1].subject.startswith("THE NETWORKING PARTY")
    assert '"communism is bad."' in cables[1].paragraphs[0].text  # escaped quotes come back
    [err] = problems.errors
    assert err.line == rows[0].count("\n") + 1 and "8" in err.message


def test_cables_csv_is_not_held_in_memory(tmp_path):
    body = "UNCLAS STATE 000001\n\nSUBJECT: TEST\n\n1. (U) " + "word " * 2000 + "\n"
    row = csv_row(1, "1/2/2009 3:04", "09STATE1", "Secretary of State", "UNCLASSIFIED", "", "", body)
    path = tmp_path / "cables.csv"
    with open(path, "w", encoding="utf-8") as f:
        for _ in range(2000):
            f.write(row)
    size = path.stat().st_size
    tracemalloc.start()
    count = sum(1 for _ in read_csv(path))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert count == 2000
    assert peak < size / 5, (peak, size)


def test_pdf_text_crlf_and_mangled_pilcrows():
    folder = need_shared("corpus", "format_variants", "pdf_text")
    listed = json.loads((folder / "metadata.json").read_text())["cables"]
    problems = Problems()
    for entry in listed:
        rid = entry["reference_id_from_filename"]
        cables = list(read_file(folder / f"{rid}.txt", problems))
        assert [c.id for c in cables] == [rid]
        c = cables[0]
        assert c.source.format == "pdf-text"
        assert c.created and c.classification and c.subject and c.paragraphs
        assert all("\ufffd" not in p.text and "¶" not in p.text for p in c.paragraphs)
    assert not problems.errors


def test_pdf_false_pilcrow_before_a_year_is_not_a_paragraph():
    c = parse_one(need_shared("corpus", "format_variants", "pdf_text", "07BOGOTA1165.txt"))[0]
    assert [p.label for p in c.paragraphs][:4] == ["1", "2", "3", "4"]
    assert "held in Panama in June of 2007." in c.paragraphs[2].text
    assert c.source.encoding == "cp1252"


def test_news_republication_with_preamble():
    c = parse_one(need_shared("corpus", "format_variants", "scoop", "07BEIJING6652.scoop_excerpt.txt"))[0]
    assert c.id == "07BEIJING6652"
    assert c.classification == "UNCLASSIFIED//FOR OFFICIAL USE ONLY"
    assert c.dtg == "P 150033Z OCT 07" and c.sections == 2


def test_false_pilcrow_inside_a_paragraph(tmp_path):
    text = ("R 011200Z OCT 09\nFM SECSTATE WASHDC\n\nUNCLAS STATE 000123\n\nSUBJECT: DATES\n\n¶1. (U) The talks began on September\n"
            "¶15. Charge told the minister so.\n\n¶2. (U) Next.\n")
    path = tmp_path / "c.txt"
    path.write_text(text)
    c = parse_one(path)[0]
    assert [p.label for p in c.paragraphs] == ["1", "2"]
    assert c.paragraphs[0].text == "The talks began on September 15. Charge told the minister so."


def test_plusd_record():
    c = parse_one(need_shared("corpus", "format_variants", "plusd", "10BAGHDAD3379.plusd.json"))[0]
    assert c.id == "10BAGHDAD3379"  # the PlusD suffix _a is not part of the cable's id
    assert c.created == "2010-01-01T07:48:00Z"
    assert c.tags == ("IZ", "MOPS", "PGOV", "PHUM", "PINS", "PREL")
    assert c.origin == "Embassy Baghdad" and c.classification == "UNCLASSIFIED"
    assert c.source.format == "plusd-json" and c.signer == "FORD"


def test_json_without_newlines_is_refused_with_a_reason():
    path = need_shared("corpus", "format_variants", "flattened_json", "samples.json")
    problems = Problems()
    assert list(read_file(path, problems)) == []
    [err] = problems.errors
    assert "newlines were removed" in err.message and err.path == str(path)


def test_both_releases_of_a_cable_read_alike():
    folder = need_shared("corpus", "format_variants", "release_versions")
    for html in sorted(folder.glob("*.html")):
        a = parse_one(html)[0]
        b = parse_one(html.with_suffix(".txt"))[0]
        assert a.id == b.id == html.name.split(".")[0]
        assert [p.text for p in a.paragraphs] == [p.text for p in b.paragraphs]
