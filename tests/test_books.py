"""The books (issue 20): the edition and each thread as EPUB 3 (ebooklib) and PDF (printed by chromium), made
by `--formats epub,pdf`. Each is checked by a real validator: epubcheck for the EPUBs (no error, no warning),
pdftotext for the PDFs (the classification marking at the top and bottom of every page, the endnotes), and
what they hold against the parser's own reading of the seed cables."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import time
import xml.etree.ElementTree as ET
import zipfile
from pathlib import Path

import pytest

from generator.build.site import build
from generator.errors import Problems

from .browser import chromium_path, missing
from .conftest import ROOT, SEED_3239, SEED_6872, parse_one

XHTML = "{http://www.w3.org/1999/xhtml}"
EPUB_TYPE = "{http://www.idpf.org/2007/ops}type"
THREAD = "scrs-beijing-2007"
MARKINGS = {"07BEIJING3239": "CONFIDENTIAL", "07BEIJING6872": "UNCLASSIFIED//FOR OFFICIAL USE ONLY"}


def epubcheck(path: Path) -> subprocess.CompletedProcess:
    """EPUBCheck (Debian's package `epubcheck`, a jar) on one book."""
    found = shutil.which("epubcheck")
    if not found:
        missing("epubcheck", "apt-get install epubcheck")
    jar = Path(found).resolve()
    java = shutil.which("java")
    command = [java, "-jar", str(jar)] if jar.suffix == ".jar" and java else [found]
    return subprocess.run(command + [str(path)], capture_output=True, text=True, timeout=300)


def poppler(tool: str) -> str:
    path = shutil.which(tool)
    if not path:
        missing(tool, "apt-get install poppler-utils")
    return path


def pdf_pages(path: Path) -> list[str]:
    """The text of each page, read one page at a time (pdftotext -layout -f N -l N)."""
    info = subprocess.run([poppler("pdfinfo"), str(path)], capture_output=True, text=True, check=True).stdout
    count = int(re.search(r"^Pages:\s+(\d+)", info, re.M).group(1))
    return [subprocess.run([poppler("pdftotext"), "-layout", "-f", str(n), "-l", str(n), str(path), "-"],
                           capture_output=True, text=True, check=True).stdout for n in range(1, count + 1)]


def lines_of(page: str) -> list[str]:
    return [ln.strip() for ln in page.splitlines() if ln.strip()]


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture(scope="module")
def books(tmp_path_factory):
    chromium_path()  # fails (or skips with SKIP_EXTERNAL_CHECKS=1) where chromium is missing
    out = tmp_path_factory.mktemp("books") / "site"
    found = build(ROOT / "content", out, Problems(), index_search=False, formats=("epub", "pdf"))
    assert not found.items, [str(p) for p in found.items]
    return out


@pytest.fixture(scope="module")
def seeds():
    return {c.id: c for c in (parse_one(SEED_3239)[0], parse_one(SEED_6872)[0])}


def test_the_books_are_made_where_the_readme_says(books):
    for path in ("edition.epub", "edition.pdf", f"threads/{THREAD}/{THREAD}.epub", f"threads/{THREAD}/{THREAD}.pdf"):
        assert (books / path).is_file() and (books / path).stat().st_size > 5000, path


@pytest.mark.parametrize("book", ["edition.epub", f"threads/{THREAD}/{THREAD}.epub"])
def test_epubcheck_finds_no_error_and_no_warning(books, book):
    r = epubcheck(books / book)
    assert r.returncode == 0, r.stdout + r.stderr
    assert "Messages: 0 fatals / 0 errors / 0 warnings" in r.stdout + r.stderr, r.stdout + r.stderr


def chapter(books: Path, cid: str, book: str = "edition.epub") -> ET.Element:
    with zipfile.ZipFile(books / book) as z:
        return ET.fromstring(z.read(f"EPUB/{cid}.xhtml"))


def visible_text(el: ET.Element, skip=("pn", "mark", "nref", "sic", "pb")) -> str:
    """An element's words as the cable has them: without the paragraph number, the portion marking, the note
    markers, [sic] and page marks the book adds."""
    out = []

    def walk(e):
        if e.get("class") not in skip:
            out.append(e.text or "")
            for child in e:
                walk(child)
        out.append(e.tail or "")
    out.append(el.text or "")
    for child in el:
        walk(child)
    return "".join(out)


@pytest.mark.parametrize("cid", sorted(MARKINGS))
def test_each_cable_of_the_epub_has_its_paragraphs_word_for_word_with_their_numbers(books, seeds, cid):
    doc = chapter(books, cid)
    cable = seeds[cid]
    paras = {d.get("id"): d for d in doc.iter(f"{XHTML}div") if d.get("class") == "para"}
    assert list(paras) == [f"c{cid}-p{p.label}" for p in cable.paragraphs]
    for p in cable.paragraphs:
        div = paras[f"c{cid}-p{p.label}"]
        blocks = div.findall(f"{XHTML}p")
        number = blocks[0].find(f"{XHTML}span[@class='pn']")
        if p.number is not None:
            assert number is not None and number.text == f"¶{p.label}"
        if p.marking:
            assert blocks[0].find(f"{XHTML}span[@class='mark']").text == f"({p.marking})"
        assert [flat(visible_text(b)) for b in blocks] == [flat(t) for t in p.text.split("\n\n") if t.strip()], p.label


def test_the_notes_are_pop_up_footnotes(books):
    doc = chapter(books, "07BEIJING3239")
    refs = [a for a in doc.iter(f"{XHTML}a") if a.get(EPUB_TYPE) == "noteref"]
    notes = {a.get("id"): a for a in doc.iter(f"{XHTML}aside") if a.get(EPUB_TYPE) == "footnote"}
    record = (books / "cables" / "07BEIJING3239" / "07BEIJING3239.json").read_text(encoding="utf-8")
    count = len(__import__("json").loads(record)["editorial"]["notes"])
    assert count > 10 and len(refs) == len(notes) == count
    for ref in refs:
        assert ref.get("href").startswith("#") and ref.get("href")[1:] in notes
    first = notes["c07BEIJING3239-n1"]
    assert "John E. Herbst, Coordinator for Reconstruction and Stabilization" in flat("".join(first.itertext()))
    # A note's link to another cable of the book goes to that cable's chapter and paragraph.
    other = chapter(books, "07BEIJING6872")
    hrefs = [a.get("href") for a in other.iter(f"{XHTML}a")]
    assert "07BEIJING3239.xhtml#c07BEIJING3239-p1" in hrefs


@pytest.mark.parametrize("cid", sorted(MARKINGS))
def test_each_cable_chapter_opens_and_closes_with_its_banner(books, cid):
    doc = chapter(books, cid)
    banners = [d for d in doc.iter(f"{XHTML}div") if "banner" in (d.get("class") or "").split()]
    assert len(banners) == 2
    assert "banner-top" in banners[0].get("class") and "banner-bottom" in banners[1].get("class")
    for b in banners:
        assert flat("".join(b.itertext())).startswith(MARKINGS[cid])
    text = flat("".join(doc.itertext()))
    assert text.index(MARKINGS[cid]) < text.index("¶1") and text.rindex(MARKINGS[cid]) > text.rindex("¶")


def test_sic_is_shown_as_the_site_shows_it(books):
    text = flat("".join(chapter(books, "07BEIJING3239").itertext()))
    assert "United Statesand [sic]" in text and "wiling [sic]" in text


def test_the_epub_has_a_cover_title_page_contents_narrative_timeline_and_sources(books):
    with zipfile.ZipFile(books / f"threads/{THREAD}/{THREAD}.epub") as z:
        names = z.namelist()
        assert names[0] == "mimetype" and z.read("mimetype") == b"application/epub+zip"
        opf = z.read("EPUB/content.opf").decode()
        nav = z.read("EPUB/nav.xhtml").decode()
        narrative = flat(re.sub(r"<[^>]+>", " ", z.read("EPUB/narrative.xhtml").decode()))
        sources = flat(re.sub(r"<[^>]+>", " ", z.read("EPUB/sources.xhtml").decode()))
        assert all(i.date_time == (1980, 1, 1, 0, 0, 0) for i in z.infolist())
    assert "EPUB/cover.svg" in names and 'properties="cover-image"' in opf
    assert "<dcterms:modified>" not in opf and "2007-10-29T05:48:00Z" in opf  # the newest cable's time
    for part in ("title.xhtml", "narrative.xhtml", "07BEIJING3239.xhtml", "07BEIJING6872.xhtml", "sources.xhtml"):
        assert f'href="{part}"' in nav, part
    assert "From the April consultations to the October workshop" in narrative
    assert "Timeline" in narrative and "S/CRS consultations in Beijing" in narrative
    assert "Paragraph to paragraph" in narrative
    for seed in (SEED_3239, SEED_6872):
        cable = parse_one(seed)[0]
        assert f"{cable.id} " in sources and cable.source.sha256 in sources and cable.source.format in sources


def test_every_page_of_the_pdfs_carries_its_marking_at_top_and_bottom(books):
    for book in ("edition.pdf", f"threads/{THREAD}/{THREAD}.pdf"):
        pages = pdf_pages(books / book)
        assert 8 <= len(pages) <= 60, (book, len(pages))
        for n, page in enumerate(pages, 1):
            lines = lines_of(page)
            assert lines and lines[0] in MARKINGS.values(), (book, n, lines[:1])
            assert re.sub(r"\s+\d+$", "", lines[-1]) == lines[0], (book, n, lines[-1:])
        # The book's own pages carry its highest marking; each cable's, its own.
        assert lines_of(pages[0])[0] == "CONFIDENTIAL"
        later = [lines_of(p)[0] for p in pages if "S/CRS WORKS WITH CHINA" in p and "Telegram From" in p]
        assert later == ["UNCLASSIFIED//FOR OFFICIAL USE ONLY"]


def test_the_pdf_has_its_notes_as_endnotes_and_its_sources(books):
    pages = pdf_pages(books / "edition.pdf")
    text = flat("\f".join(pages))
    for cid in MARKINGS:
        at = text.index(f"Notes to {cid}")
        assert text.index("Telegram From", text.index(cid + " Telegram")) < at
    at = text.index("Notes to 07BEIJING3239")
    assert "John E. Herbst, Coordinator for Reconstruction and Stabilization" in text[at:]
    assert "Sources" in pages[-1] and parse_one(SEED_3239)[0].source.sha256 in flat(pages[-1])
    assert "Contents" in text and "People, organizations and terms" in text


def test_the_home_thread_and_cable_pages_link_the_books(books, tmp_path):
    home = (books / "index.html").read_text(encoding="utf-8")
    assert 'href="edition.epub"' in home and 'href="edition.pdf"' in home
    thread = (books / "threads" / THREAD / "index.html").read_text(encoding="utf-8")
    assert f'href="{THREAD}.epub"' in thread and f'href="{THREAD}.pdf"' in thread
    page = (books / "cables" / "07BEIJING3239" / "index.html").read_text(encoding="utf-8")
    for href in ("../../edition.epub", "../../edition.pdf", f"../../threads/{THREAD}/{THREAD}.epub",
                 f"../../threads/{THREAD}/{THREAD}.pdf"):
        assert f'href="{href}"' in page
        assert (books / "cables" / "07BEIJING3239" / href).resolve().is_file()
    plain = tmp_path / "plain"
    assert not build(ROOT / "content", plain, Problems(), index_search=False).errors
    assert ".epub" not in (plain / "index.html").read_text(encoding="utf-8")
    assert not list(plain.rglob("*.epub")) and not list(plain.rglob("*.pdf"))


def test_a_chromium_that_fails_is_a_reported_problem_and_the_rest_is_built(tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\necho 'cannot open display' >&2\nexit 3\n")
    fake.chmod(0o755)
    out = tmp_path / "site"
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--content", str(ROOT / "content"),
                        "--output", str(out), "--no-search", "--quiet", "--formats", "epub,pdf"],
                       capture_output=True, text=True, cwd=ROOT, env={**os.environ, "CHROMIUM": str(fake)},
                       timeout=300)
    assert r.returncode == 0, r.stderr
    assert "Traceback" not in r.stderr
    assert re.search(r"^edition\.pdf: warning: the PDF is not made: chromium failed \(exit status 3\): "
                     r"cannot open display$", r.stderr, re.M), r.stderr
    assert f"threads/{THREAD}/{THREAD}.pdf: warning: the PDF is not made" in r.stderr
    assert (out / "edition.epub").is_file() and (out / "index.html").is_file()
    assert not (out / "edition.pdf").exists()


def test_a_chromium_out_of_time_is_stopped_with_its_children(tmp_path, monkeypatch):
    from generator.render import pdf
    from generator.render.books import Book

    pids = tmp_path / "pids"
    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\nsleep 60 &\necho $! > {pids}\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setattr(pdf, "SECONDS", 1)
    monkeypatch.setattr(pdf, "SECONDS_A_CABLE", 0)
    book = Book(None, {"modified": "2007-10-29T05:48:00Z"}, [])
    start = time.monotonic()
    with pytest.raises(pdf.PrintFailed, match="did not finish printing in 1 s"):
        pdf.pdf_bytes(book, "<!DOCTYPE html><title>x</title>", str(fake))
    assert time.monotonic() - start < 15, "the build waited for chromium's children"
    child = int(pids.read_text())

    def alive(pid: int) -> bool:  # a zombie waiting for its parent to reap it counts as gone
        try:
            return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0] != "Z"
        except (FileNotFoundError, ProcessLookupError):
            return False
    for _ in range(50):
        if not alive(child):
            break
        time.sleep(0.1)
    assert not alive(child), "chromium's children were left running"


def test_the_books_of_two_builds_are_byte_identical(books, tmp_path):
    again = tmp_path / "again"
    assert not build(ROOT / "content", again, Problems(), index_search=False, formats=("epub", "pdf")).items
    for path in ("edition.epub", f"threads/{THREAD}/{THREAD}.epub", "edition.pdf"):
        assert (again / path).read_bytes() == (books / path).read_bytes(), path


def test_characters_xml_cannot_hold_are_replaced_and_the_epub_stays_valid(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    cable = content / "cables" / "002_80421150e0992e02.txt"  # 07BEIJING6872
    data = cable.read_bytes()
    at = data.index(b"Workshop")
    cable.write_bytes(data[:at] + b"\x0c\x01<script>alert(1)</script>" + data[at:])
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False, formats=("epub",)).errors
    r = epubcheck(out / "edition.epub")
    assert r.returncode == 0, r.stdout + r.stderr
    with zipfile.ZipFile(out / "edition.epub") as z:
        page = z.read("EPUB/07BEIJING6872.xhtml").decode("utf-8")
    assert "\ufffd\ufffd&lt;script&gt;alert(1)&lt;/script&gt;Workshop" in page and "<script" not in page
    assert not (out / "edition.pdf").exists()


def test_an_incremental_build_with_books_equals_a_clean_one(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out, clean = tmp_path / "site", tmp_path / "clean"
    assert not build(content, out, Problems(), index_search=False, formats=("epub",)).errors
    note = content / "annotations" / "07BEIJING6872.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("Not named.", "Not named here.", 1), encoding="utf-8")
    assert not build(content, out, Problems(), index_search=False, formats=("epub",)).errors
    assert not build(content, clean, Problems(), index_search=False, formats=("epub",)).errors
    with zipfile.ZipFile(out / f"threads/{THREAD}/{THREAD}.epub") as z:
        assert "Not named here." in z.read("EPUB/07BEIJING6872.xhtml").decode("utf-8")

    def tree(root):
        return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}
    assert tree(out) == tree(clean)


def test_an_unknown_format_names_the_books_among_the_formats(tmp_path):
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "build", "--formats", "epub,docx", "--output",
                        str(tmp_path / "site")], capture_output=True, text=True, cwd=ROOT)
    assert r.returncode == 2 and "unknown format docx (the formats are tei, epub, pdf)" in r.stderr
