"""Release differences (issue 20, part 4): a cable the content holds from two builds of the WikiLeaks site is
kept in both releases, read in the later one (or the one its annotation file names), and its page lists both,
offers both files byte for byte and shows the words that changed; the changed cables have their own index.

Real pages from ../shared/corpus/pages (dec2010/ and apr2011/ hold 472 cables in both builds).
"""

from __future__ import annotations

import html
import re
import shutil
from pathlib import Path

import pytest

from generator.build.site import build
from generator.errors import Problems

from .conftest import need_shared

# The pairs whose words differ (found by comparing the text of each page's cable), three of them in their
# redactions, and two pairs whose files differ only around the cable.
CHANGED = ["04NEWDELHI6983", "06HAVANA11650", "08PARIS1698", "08SANJOSE882", "08STATE135048", "09CAIRO746",
           "09LONDON2121", "09LONDON2478", "09NEWDELHI412", "09STATE68250", "10ASUNCION97", "10ISLAMABAD428",
           "10MADRID49", "10ROME1"]
SAME = ["02ROME1196", "08HAVANA103", "09SAOPAULO653"]


@pytest.fixture(scope="module")
def pages() -> Path:
    return need_shared("corpus", "pages")


def content_of(pages: Path, folder: Path, ids: list[str]) -> Path:
    for build_name in ("dec2010", "apr2011"):
        (folder / "cables" / build_name).mkdir(parents=True, exist_ok=True)
        for cid in ids:
            shutil.copyfile(pages / build_name / f"{cid}.html", folder / "cables" / build_name / f"{cid}.html")
    return folder


@pytest.fixture(scope="module")
def built(pages, tmp_path_factory) -> tuple[Path, Path, Problems]:
    root = tmp_path_factory.mktemp("releases")
    content = content_of(pages, root / "content", CHANGED + SAME)
    problems = build(content, root / "site", Problems(), index_search=False, show=False)
    return content, root / "site", problems


def text_of(page: str) -> str:
    return html.unescape(re.sub(r"<[^>]+>", "", page))


def releases_section(site: Path, cid: str) -> str:
    page = (site / "cables" / cid / "index.html").read_text(encoding="utf-8")
    start = page.index('id="releases"')
    return page[start:page.index("</section>", start)]


def test_both_releases_kept_not_reported_as_duplicates(built):
    _, site, problems = built
    assert not [p for p in problems.items if "is also in" in p.message]
    assert not problems.errors
    for cid in CHANGED + SAME:
        section = text_of(releases_section(site, cid))
        assert "2 releases" in section or "holds 2 releases" in section
        assert section.count("SHA-256") == 2


def test_page_lists_both_releases_with_their_snapshot(built):
    _, site, _ = built
    section = text_of(releases_section(site, "10ASUNCION97"))
    # the December page's sidebar: 1896 cables out, latest release 2010-12-22; the later one: 4033, 2011-02-14
    assert "December 22, 2010 (1,896 cables out)" in section
    assert "February 14, 2011 (4,033 cables out)" in section
    assert re.search(r"February 14, 2011 \(4,033 cables out\) \(its Released field: December 22, 2010\) \(the text read here\)",
                     section)


def test_diff_shows_the_real_changed_words(built):
    _, site, _ = built
    sec = releases_section(site, "09CAIRO746")
    assert "<del>&#34;confront&#34;</del>" in sec or '<del>"confront"</del>' in sec
    assert "<ins>“confront”</ins>" in sec
    sec = releases_section(site, "08SANJOSE882")
    assert "<del>" in sec


def test_redactions_lifted_and_added_are_named(built):
    _, site, _ = built
    sec = releases_section(site, "09STATE68250")
    assert re.search(r'change-lifted"><strong class="change-kind">Redaction lifted:</strong>.*?<del>xxxxxxxxxxxx</del> '
                     r"<ins>Voetsch Industrietechnik sold a VC3 7018</ins>", sec)
    sec = releases_section(site, "08PARIS1698")
    assert "Redaction lifted:" in sec and "<del>XXXXXXXXXXXX</del>" in sec
    assert "France has long maintained five permanent" in text_of(sec)
    # 10ASUNCION97 went the other way: its names were redacted in the later release
    sec = releases_section(site, "10ASUNCION97")
    assert "Redacted:</strong>" in sec and "<del>John Zaginailoff,</del> <ins>XXXXXXXXXXXX,</ins>" in sec
    for cid in CHANGED:
        if cid not in ("09STATE68250", "08PARIS1698", "10ASUNCION97"):
            s = releases_section(site, cid)
            assert "Redaction lifted:" not in s and "Redacted:</strong>" not in s, cid


def test_both_verbatim_files_served_byte_identical(built, pages):
    _, site, _ = built
    for cid in CHANGED + SAME:
        sec = releases_section(site, cid)
        files = re.findall(r'<a href="([^"]+)" download>', sec)
        assert len(files) == 2
        served = {(site / "cables" / cid / f).read_bytes() for f in files}
        sources = {(pages / b / f"{cid}.html").read_bytes() for b in ("dec2010", "apr2011")}
        assert served == sources, cid


def test_changed_index_lists_exactly_the_changed_cables(built):
    _, site, _ = built
    page = (site / "releases" / "index.html").read_text(encoding="utf-8")
    changed_part = page[page.index("Cables whose words changed"):page.index("Cables with the same words")]
    listed = re.findall(r'href="\.\./cables/([A-Z0-9]+)/#releases"', changed_part)
    assert sorted(listed) == sorted(CHANGED)
    same_part = page[page.index("Cables with the same words"):]
    assert sorted(re.findall(r'href="\.\./cables/([A-Z0-9]+)/#releases"', same_part)) == sorted(SAME)
    assert "releases/" in (site / "index.html").read_text(encoding="utf-8")


def test_annotation_choice_switches_the_reading_text(pages, tmp_path):
    content = content_of(pages, tmp_path / "content", ["10ASUNCION97"])
    before = build(content, tmp_path / "site", Problems(), index_search=False, show=False)
    assert not before.errors
    page = (tmp_path / "site" / "cables" / "10ASUNCION97" / "index.html").read_text(encoding="utf-8")
    text = page[page.index('<section class="text"'):page.index('id="releases"')]
    assert "Zaginailoff" not in text  # the later release redacted the name
    (content / "annotations").mkdir()
    (content / "annotations" / "10ASUNCION97.yaml").write_text('cable: "10ASUNCION97"\nrelease: dec2010\n')
    after = build(content, tmp_path / "site", Problems(), index_search=False, show=False)
    assert not after.errors, after.items
    page = (tmp_path / "site" / "cables" / "10ASUNCION97" / "index.html").read_text(encoding="utf-8")
    text = page[page.index('<section class="text"'):page.index('id="releases"')]
    assert "John Zaginailoff" in text
    assert re.search(r"December 22, 2010 \(1,896 cables out\) \(its Released field: [^<]*\) <strong>\(the text read here\)",
                     releases_section(tmp_path / "site", "10ASUNCION97"))
    # the reading release's file is the cable's own source; the other one keeps its dated name
    assert (tmp_path / "site" / "cables" / "10ASUNCION97" / "10ASUNCION97.html.txt").read_bytes() == \
        (pages / "dec2010" / "10ASUNCION97.html").read_bytes()
    assert (tmp_path / "site" / "cables" / "10ASUNCION97" / "10ASUNCION97.2011-02-14.html.txt").read_bytes() == \
        (pages / "apr2011" / "10ASUNCION97.html").read_bytes()
    # by the exact date too
    (content / "annotations" / "10ASUNCION97.yaml").write_text('cable: "10ASUNCION97"\nrelease: 2011-02-14\n')
    again = build(content, tmp_path / "site", Problems(), index_search=False, show=False)
    assert not again.errors
    page = (tmp_path / "site" / "cables" / "10ASUNCION97" / "index.html").read_text(encoding="utf-8")
    assert "John Zaginailoff" not in page[page.index('<section class="text"'):page.index('id="releases"')]


def test_bad_release_value_is_path_line_message(pages, tmp_path):
    content = content_of(pages, tmp_path / "content", ["10ASUNCION97"])
    (content / "annotations").mkdir()
    ann = content / "annotations" / "10ASUNCION97.yaml"
    ann.write_text('cable: "10ASUNCION97"\nheadnote: A note.\nrelease: jan2009\n')
    problems = build(content, tmp_path / "site", Problems(), index_search=False, show=False)
    lines = [str(p) for p in problems.items if "release" in p.message and p.path == str(ann)]
    assert lines, problems.items
    assert re.match(re.escape(str(ann)) + r":3: (error|warning): release 'jan2009' is not a release of this cable: "
                    r"the content holds 2010-12-22, 2011-02-14", lines[0]), lines
    # the build goes on, with the latest release as the reading text
    assert (tmp_path / "site" / "cables" / "10ASUNCION97" / "index.html").exists()


def test_true_duplicates_keep_the_old_rule(pages, tmp_path):
    content = tmp_path / "content"
    (content / "cables" / "x").mkdir(parents=True)
    (content / "cables" / "y").mkdir(parents=True)
    src = pages / "apr2011" / "10ROME1.html"
    shutil.copyfile(src, content / "cables" / "x" / "10ROME1.html")
    shutil.copyfile(src, content / "cables" / "y" / "10ROME1.html")  # the same bytes: a copy, not a release
    problems = build(content, tmp_path / "site", Problems(), index_search=False, show=False)
    assert [p for p in problems.items if "is also in" in p.message and "left out of the site" in p.message]
    assert not (tmp_path / "site" / "releases").exists()
    assert 'id="releases"' not in (tmp_path / "site" / "cables" / "10ROME1" / "index.html").read_text()


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_incremental_builds_match_clean_ones(pages, tmp_path):
    """A note choosing a release, a note edit on a cable with releases, and a release removed: each rebuild's
    tree is a clean build's, byte for byte."""
    content = content_of(pages, tmp_path / "content", ["10ASUNCION97", "09CAIRO746", "02ROME1196"])
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False, show=False).errors
    (content / "annotations").mkdir()
    note = content / "annotations" / "10ASUNCION97.yaml"
    steps = [lambda: note.write_text('cable: "10ASUNCION97"\nrelease: dec2010\n'),
             lambda: note.write_text('cable: "10ASUNCION97"\nheadnote: Chosen.\nrelease: dec2010\n'),
             lambda: (content / "cables" / "apr2011" / "09CAIRO746.html").unlink()]
    for k, step in enumerate(steps):
        step()
        assert not build(content, out, Problems(), index_search=False, show=False).errors
        clean = tmp_path / f"clean{k}"
        assert not build(content, clean, Problems(), index_search=False, show=False,
                         cache_dir=tmp_path / f"cache{k}").errors
        assert tree(out) == tree(clean), k
    assert not (out / "cables" / "09CAIRO746" / "09CAIRO746.2010-12-10.html.txt").exists()
