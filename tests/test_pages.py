"""The cable page, built for real: golden files, anchors, unique ids, the downloadable source (hostile text:
test_hostile.py)."""

from __future__ import annotations

import html

import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.build.site import build

from .conftest import ROOT, need_shared

GOLDEN = Path(__file__).parent / "golden"
SEEDS = ("07BEIJING3239", "07BEIJING6872")


class Ids(HTMLParser):
    """Collect every id, every href and the text of a page."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.ids: list[str] = []
        self.hrefs: list[str] = []
        self.scripts: list[dict] = []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.append(a["id"])
        if "href" in a:
            self.hrefs.append(a["href"])
        if tag == "script":
            self.scripts.append(a)
        for name in a:
            assert not name.startswith("on"), f"event handler attribute {name} on <{tag}>"


def parse(path: Path) -> Ids:
    p = Ids()
    p.feed(path.read_text(encoding="utf-8"))
    return p


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("site") / "site"
    problems = build(ROOT / "content", out, Problems())
    assert not problems.errors, [str(p) for p in problems]
    return out, problems


@pytest.mark.parametrize("cid", SEEDS)
def test_golden_page(seed_site, cid):
    """The rendered seed pages are exactly the reviewed ones (UPDATE_GOLDEN=1 regenerates them)."""
    page = (seed_site[0] / "cables" / cid / "index.html").read_text(encoding="utf-8")
    # Asset URLs carry a hash of the file; the golden pages are about the page, not the stylesheet.
    page = re.sub(r"\?v=[0-9a-f]{10}", "?v=HASH", page)
    golden = GOLDEN / f"{cid}.html"
    if os.environ.get("UPDATE_GOLDEN"):
        golden.write_text(page, encoding="utf-8")
    expected = golden.read_text(encoding="utf-8")
    if page != expected:
        for n, (a, b) in enumerate(zip(page.splitlines(), expected.splitlines()), 1):
            assert a == b, f"{cid} differs from {golden} at line {n}"
        assert page == expected, f"{cid}: {len(page.splitlines())} lines, golden has {len(expected.splitlines())}"


def test_seed_build_is_clean(seed_site):
    assert not list(seed_site[1]), [str(p) for p in seed_site[1]]


@pytest.mark.parametrize("cid,count", [("07BEIJING3239", 14), ("07BEIJING6872", 4)])
def test_every_paragraph_has_its_anchor(seed_site, cid, count):
    ids = parse(seed_site[0] / "cables" / cid / "index.html").ids
    assert [i for i in ids if re.fullmatch(r"p\d+[a-z]?", i)] == [f"p{n}" for n in range(1, count + 1)]
    page = (seed_site[0] / "cables" / cid / "index.html").read_text()
    for n in range(1, count + 1):
        assert f'<a class="pn" href="#p{n}"' in page


def test_no_id_repeats_and_every_fragment_resolves(seed_site):
    for page in seed_site[0].rglob("*.html"):
        p = parse(page)
        assert len(p.ids) == len(set(p.ids)), (page, [i for i in p.ids if p.ids.count(i) > 1])
        for href in p.hrefs:
            if href.startswith("#"):
                assert href[1:] in p.ids, (page, href)


def test_scripts_are_files_never_inline(seed_site):
    for page in seed_site[0].rglob("*.html"):
        text = page.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            # A JSON-LD block is data the browser never runs; every script that runs is a file.
            assert 'src="' in tag or tag == '<script type="application/ld+json">', (page, tag)
        assert "<style" not in text and " style=" not in text, page


def test_downloadable_source_is_byte_identical(seed_site):
    for name, cid in (("000_7c665ef8620d339f.txt", "07BEIJING3239"), ("002_80421150e0992e02.txt", "07BEIJING6872")):
        original = (ROOT / "content" / "cables" / name).read_bytes()
        assert (seed_site[0] / "cables" / cid / f"{cid}.txt").read_bytes() == original
        import hashlib
        page = (seed_site[0] / "cables" / cid / "index.html").read_text()
        assert hashlib.sha256(original).hexdigest() in page


def test_original_text_view_numbers_every_line(seed_site):
    page = (seed_site[0] / "cables" / "07BEIJING3239" / "source.html").read_text()
    lines = (ROOT / "content" / "cables" / "000_7c665ef8620d339f.txt").read_text().split("\n")
    # One text block, byte for byte the file's text (escaped), and one empty list item per line for the numbers.
    gutter = page[page.index('<ol class="ln"'):page.index("</ol>", page.index('<ol class="ln"'))]
    assert gutter.count("<li>") == len(lines) - (1 if lines[-1] == "" else 0)
    block = page[page.index("<pre", page.index('<div class="src"')):page.index("</pre>")]
    text = html.unescape(block[block.index(">") + 1:])
    assert text == "\n".join(lines)
    assert 'href="index.html"' in page and "\nDE RUEHBJ #3239/01 1350301\n" in text


def test_page_content_of_3239(seed_site):
    page = (seed_site[0] / "cables" / "07BEIJING3239" / "index.html").read_text()
    assert 'class="banner banner-confidential"' in page and page.count("banner banner-confidential") == 2
    assert "released by WikiLeaks, not declassified" in page
    assert "2007-05-15 03:01 UTC" in page and "2007-05-15 11:01 (UTC+08:00, Asia/Shanghai)" in page
    assert "foreign government information" in page
    # the decoded header sits beside the original text, one link away from the record
    source = (seed_site[0] / "cables" / "07BEIJING3239" / "source.html").read_text()
    assert '<details class="header-decoded" id="header" open>' in source and 'href="source.html#header"' in page
    assert "DE = from RUEHBJ (AMEMBASSY BEIJING), message 3239, section 1, sent on day 135 (May 15) at 03:01Z" in source
    assert "RUEHC = DEPT OF STATE WASHINGTON DC" in source
    assert 'title="Sensitive But Unclassified">(SBU)</abbr>' in page
    assert '<span class="pb" title="BEIJING 00003239 002 OF 004"><span>page 2<span class="of"> of 4</span></span></span>' in page
    assert 'United States<span class="sic"' not in page and 'Statesand <span class="sic" title="so written in the original">[sic]</span>' in page
    assert '<abbr title="Office of the Coordinator for Reconstruction and Stabilization">S/CRS</abbr>' in page
    assert page.count('<abbr title="Office of the Coordinator for Reconstruction and Stabilization">') == 1
    assert 'href="../../people/#herbst-john"' in page
    assert '<a class="nref" id="rn1" href="#n1"' in page and '<li id="n1">' in page
    assert 'href="../../cables/07BEIJING6872/#p1"' in page  # a note's cable mention links to the paragraph
    assert '<meta name="citation_title" content="S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING">' in page
    # one citation widget for every paragraph; without JavaScript the Chicago note of a paragraph gives the form
    assert page.count('id="cite-widget"') == 1 and "<details class=\"cite-para\"" not in page
    assert '<dt>Note of paragraph <var>N</var></dt><dd data-cite="para">Embassy Beijing, ' in page
    assert 'para. <var class="loc">N</var>, <span class="u">/cables/07BEIJING3239/#p<var class="loc">N</var></span>.</dd>' in page


def test_standard_heading_of_3239(seed_site):
    """The FRUS-style heading: title from origin and addressee, the subject, dateline, one marking line."""
    page = (seed_site[0] / "cables" / "07BEIJING3239" / "index.html").read_text()
    head = re.search(r'<header class="cable-head">(.*?)</header>', page, re.S).group(1)
    assert '<h1 id="cable-title" data-pagefind-ignore data-pagefind-sort="oldest:2007-05-15">Telegram From the ' \
           'Embassy in Beijing to the Department of State</h1>' in head
    assert "S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING</p>" in head
    assert '<time datetime="2007-05-15T03:01:00Z">Beijing, May 15, 2007, 0301Z</time>' in head
    assert '<p class="class-line" data-pagefind-ignore>Confidential; Immediate</p>' in head
    assert 'href="07BEIJING3239.txt" download>file (13 KB)</a>' in head


def test_quiet_apparatus_of_3239(seed_site):
    """Each person, organisation and term is marked once in the text; note markers sit against the word."""
    page = (seed_site[0] / "cables" / "07BEIJING3239" / "index.html").read_text()
    text = re.search(r'<section class="text".*?</section>', page, re.S).group(0)
    for href in ("../../people/#herbst-john", "../../organizations/#s-crs", "../../people/#yang-yi"):
        assert text.count(f'href="{href}"') == 1, href
    assert 'in the near future<a class="nref" id="rn3" href="#n3">3</a>. He' in text
    assert "Copy link" not in page and "@misc" not in page  # no per-paragraph blocks left on the page
    assert not re.search(r"[\w-]+/[\w-]+@[0-9a-f]{7}", page)  # no repo@commit provenance strings for readers


def test_citation_files(seed_site):
    folder = seed_site[0] / "cables" / "07BEIJING3239"
    assert b"TY  - LETTER\r\n" in (folder / "07BEIJING3239.ris").read_bytes()
    import json
    csl = json.loads((folder / "07BEIJING3239.csl.json").read_text())
    assert csl[0]["issued"] == {"date-parts": [[2007, 5, 15]]} and csl[0]["number"] == "07BEIJING3239"
    assert (folder / "07BEIJING3239.bib").read_text().startswith("@misc{cable07BEIJING3239,")


def test_a_note_on_a_missing_paragraph_names_file_and_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "annotations" / "07BEIJING6872.yaml"
    path.write_text('cable: "07BEIJING6872"\nnotes:\n  - paragraph: "9"\n    text: "No such paragraph."\n')
    problems = build(content, tmp_path / "site", Problems())
    [warning] = problems.items  # the site is written without the note: a warning, saying so
    assert warning.path == str(path) and warning.line == 3 and warning.severity == "warning"
    assert "¶9" in warning.message and "the note is left out" in warning.message


def test_a_dev_sample_builds_with_every_anchor(tmp_path):
    dev = need_shared("corpus", "dev")
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    names = sorted(p.name for p in dev.glob("*.txt"))[::10] + ["09QUITO935.txt", "08LONDON2858.txt"]
    for name in names:
        shutil.copy(dev / name, content / "cables" / name)
    problems = build(content, tmp_path / "site", Problems())
    assert not problems.errors, [str(p) for p in problems.errors]
    from generator.read.load import read_cables
    cables = list(read_cables([content / "cables"], Problems()))
    assert len(cables) == len(names)
    for c in cables:
        p = parse(tmp_path / "site" / "cables" / c.id / "index.html")
        assert len(p.ids) == len(set(p.ids)), c.id
        for para in c.paragraphs:
            assert f"p{para.label}" in p.ids, (c.id, para.label)


def test_only_the_preview_allows_the_live_reload_script(tmp_path):
    """The published site allows no inline script; `serve` allows livereload's one script by its hash."""
    from generator.render.views import LIVERELOAD_SCRIPT_HASH

    build(ROOT / "content", tmp_path / "published", Problems())
    build(ROOT / "content", tmp_path / "preview", Problems(), preview=True)
    import html

    published = html.unescape((tmp_path / "published" / "index.html").read_text())
    preview = html.unescape((tmp_path / "preview" / "index.html").read_text())
    assert "script-src 'self';" in published and LIVERELOAD_SCRIPT_HASH not in published
    assert f"script-src 'self' {LIVERELOAD_SCRIPT_HASH};" in preview


def test_filter_ids_stay_distinct_when_two_values_slug_alike(tmp_path):
    """Two TAGS as the cables write them (STEINBERG, JAMES B. and steinberg, james b. in the dev corpus) slug
    alike; their search filters keep distinct ids (the Nu checker found the duplicate)."""
    import re
    import shutil

    from .conftest import need_shared
    from .test_bad_input import run

    content = tmp_path / "content" / "cables"
    content.mkdir(parents=True)
    for name in ("09BEIJING2965.txt", "09SINGAPORE529.txt"):
        shutil.copyfile(need_shared("corpus", "dev", name), content / name)
    text = (content / "09SINGAPORE529.txt").read_text(encoding="utf-8")
    (content / "09SINGAPORE529.txt").write_text(text.replace("OVIP (STEINBERG, JAMES B.)", "OVIP (steinberg, james b.)"),
                                                encoding="utf-8")
    out = tmp_path / "site"
    assert run("build", "--content", str(content.parent), "--output", str(out), "--no-search").returncode == 0
    ids = re.findall(r'\bid="([^"]+)"', (out / "search" / "index.html").read_text(encoding="utf-8"))
    assert "f-tag-steinberg-james-b" in ids and "f-tag-steinberg-james-b-2" in ids
    assert len(ids) == len(set(ids))


def test_each_marking_prints_on_a_named_page_the_style_sheet_defines():
    """Every printed page carries the marking through the sheet's @page margin boxes: each name print_page
    gives has its @page rule and body class, and a marking the table lacks prints as its level."""
    from generator.render.views import PRINT_PAGES, TEMPLATES, print_page
    css = (TEMPLATES / "assets" / "style.css").read_text()
    for marking, name in PRINT_PAGES.items():
        page = re.search(rf"\.print-{name}\{{page:([\w-]+)\}}", css)
        assert page, name
        assert f'@page {page.group(1)}{{@top-center{{content:"{marking}"}}@bottom-center{{content:"{marking}"}}}}' in css
    assert print_page("SECRET//ORCON") == "secret" and print_page("CONFIDENTIAL//NOFORN//ORCON") == "confidential-noforn"
    assert print_page("UNCLASSIFIED//SBU//NOFORN") == "unclassified-noforn" and print_page(None) == "unmarked"


def test_the_weight_budget(seed_site):
    """Issue 18's budget: the page of 07BEIJING3239 under 45 KB of HTML, the style sheet under 15 KB, with
    every note, paragraph anchor and citation there."""
    page = (seed_site[0] / "cables" / "07BEIJING3239" / "index.html").read_bytes()
    css = (seed_site[0] / "assets" / "style.css").read_bytes()
    assert len(page) < 45 * 1000, len(page)
    assert len(css) < 15 * 1000, len(css)
    text = page.decode()
    assert text.count('<li id="n') == 33 and text.count('<a class="nref"') == 33
    assert all(f'<div class="para" id="p{n}">' in text for n in range(1, 15))
    assert 'data-cite="whole"' in text and 'data-cite="para"' in text and 'data-cite="entry"' in text
