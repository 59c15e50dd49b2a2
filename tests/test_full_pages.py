"""Full WikiLeaks cable pages as a user saves them from a mirror: recognised from the whole file, read from the
page's own table and links, imported from a mirror's tree byte for byte.

../shared/corpus/pages holds 2,000 real pages of the April 2011 build and 472 of the December 2010 build (whose
links are relative); metadata.json gives each page's own table and TAGS links.
"""

from __future__ import annotations

import json
import re
import shutil
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.read.load import read_file
from generator.read.readers import CABLE_TABLE, read_bytes, sniff

from .conftest import need_shared
from .test_bad_input import run


def iso(value: str) -> str:
    return value.replace(" ", "T") + ":00Z"


@pytest.fixture(scope="module")
def pages():
    folder = need_shared("corpus", "pages")
    return folder, json.loads((folder / "metadata.json").read_text())["cables"]


@pytest.fixture(scope="module")
def read_pages(pages):
    folder, meta = pages
    out = []
    for m in meta:
        problems = Problems()
        out.append((m, list(read_file(folder / m["file"], problems)), problems))
    return out


def test_every_page_is_read_as_its_table_says(read_pages):
    """All 2,472 pages: one cable each, id, created (to the minute), released, classification and origin as the
    page's table gives them (the publisher's id kept as an alias where the id is repaired)."""
    wrong = []
    for m, cables, problems in read_pages:
        assert len(cables) == 1 and not problems.errors, (m["file"], [str(p) for p in problems.items])
        c = cables[0]
        assert c.source.format == "wikileaks-html", m["file"]
        got = (c.id if c.id == m["reference_id"] else next((a for a in getattr(c, "aliases", ()) if a == m["reference_id"]), c.id),
               c.created, c.released, c.classification, c.origin)
        want = (m["reference_id"], iso(m["created"]), iso(m["released"]), m["classification"], m["origin"])
        if got != want:
            wrong.append((m["file"], got, want))
    assert not wrong, wrong[:5]
    assert len(read_pages) == 2472


def test_tags_are_the_pages_links(pages, read_pages):
    """The TAGS the page links, in order and once each, whatever form its links take (/tag/X_0.html in the April
    2011 build, ../../../tag/X_0.html in some December 2010 pages); a page that links none leaves the TAGS line.

    metadata.json lists no links for the 128 December 2010 pages whose links are relative (it took only links
    starting /tag/): the links read from those pages are checked against the April 2011 page of the same
    cable, which links the same TAGS with /tag/."""
    folder, meta = pages
    april = {m["reference_id"]: m["tags_linked"] for m in meta if m["build"] == "apr2011"}
    relative = 0
    for m, cables, _ in read_pages:
        c = cables[0]
        doc = read_bytes((folder / m["file"]).read_bytes(), m["file"])
        linked = m["tags_linked"]
        if "href='../../../tag/" in doc.source.data.decode("utf-8", "replace").split("<pre", 1)[-1]:
            assert not linked and m["build"] == "dec2010"
            linked = april[m["reference_id"]]
            relative += 1
        assert doc.meta.get("tags", []) == linked, m["file"]  # every link, as the page has them
        if linked:
            assert list(c.tags) == list(dict.fromkeys(linked)), m["file"]
    assert relative == 128


def test_titles_are_the_pages_heading(pages):
    folder, meta = pages
    for m in meta[::97]:
        doc = read_bytes((folder / m["file"]).read_bytes(), m["file"])
        assert doc.meta["title"] == m["subject_in_page_title"], m["file"]


def test_the_whole_file_decides_not_a_prefix(pages):
    """A page whose cable table lies 200 KB in, after a longer sidebar (later builds list more releases), is a
    cable page; the first kilobytes alone are the site's navigation."""
    folder, _ = pages
    data = (folder / "apr2011" / "01VATICAN5960.html").read_text(encoding="utf-8")
    table = CABLE_TABLE.search(data).start()
    sidebar_end = data.index("<div class='pane big'>")
    padding = data[data.index("<div id='browse'>"): sidebar_end] * 4
    longer = data[:sidebar_end] + padding + data[sidebar_end:]
    assert CABLE_TABLE.search(longer).start() > 190_000 > table
    assert sniff(longer.encode()) == "wikileaks-html"
    a, b = read_bytes(data.encode(), "a.html"), read_bytes(longer.encode(), "b.html")
    assert (a.meta, a.text) == (b.meta, b.text)


@pytest.mark.parametrize("rewrite", [
    ("href='/", "href='https://wikileaks.org/"),        # a later build, or a mirror, with absolute links
    ("href='/", "href='../../../"),                     # relative, as the December 2010 build wrote them
    ("'", '"'),                                         # double quotes
])
def test_links_of_any_form_give_the_same_cable(pages, rewrite):
    folder, meta = pages
    for m in [x for x in meta if x["build"] == "apr2011" and x["tags_linked"]][::150]:
        data = (folder / m["file"]).read_text(encoding="utf-8")
        if rewrite[0] == "'":  # every attribute quote, not apostrophes in the text
            data = re.sub(r"=\s*'([^'<>]*)'", r'="\1"', data)
        else:
            data = data.replace(*rewrite)
        doc = read_bytes(data.encode(), m["file"])
        assert doc.source.format == "wikileaks-html"
        assert doc.meta["tags"] == m["tags_linked"], m["file"]
        assert doc.meta["id"] == m["reference_id"] and doc.meta["released"] == iso(m["released"])


def test_an_html_page_without_a_cable_is_named_so(tmp_path):
    """A mirror's index or tag list is HTML without a cable: one line saying so, never a cable."""
    page = tmp_path / "index.html"
    page.write_text("<!DOCTYPE html><html><body><h3>Browse by tag</h3><a href='/tag/PREL_0.html'>PREL</a>"
                    "<table><tr><td>07BEIJING3239</td></tr></table></body></html>")
    problems = Problems()
    assert list(read_file(page, problems)) == []
    assert [str(p) for p in problems.errors] == [f"{page}: error: an HTML page with no <pre> block: no cable "
                                                 "text found"]


def mirror(pages, root: Path, n: int) -> dict[str, bytes]:
    """Lay out n real pages as a mirror of the site does (cable/YYYY/MM/ID.html beside its navigation)."""
    folder, meta = pages
    want = {}
    for m in [x for x in meta if x["build"] == "apr2011"][:n]:
        path = m["provenance"]["path"]
        target = root / path[path.index("cable/"):]
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(folder / m["file"], target)
        want[m["reference_id"]] = target.read_bytes()
    (root / "index.html").write_text("<!DOCTYPE html><html><body><h3>Cable Viewer</h3></body></html>")
    for sub in ("tag", "date", "origin"):
        (root / sub).mkdir()
        (root / sub / "X_0.html").write_text("<html><body><table><tr><td>list</td></tr></table></body></html>")
    (root / "static" / "js").mkdir(parents=True)
    (root / "static" / "js" / "cables.js").write_text("function sh(){}")
    return want


@pytest.mark.parametrize("point_at", ["root", "cable"])
def test_import_takes_a_mirror_tree(pages, tmp_path, point_at):
    """`import` reads the cable/YYYY/MM/ pages of a mirror, whether given the mirror or its cable/ folder, and
    keeps each page byte for byte; the site's own lists and scripts are not cables and are not read."""
    root = tmp_path / "mirror"
    want = mirror(pages, root, 40)
    into = tmp_path / "content" / "cables"
    r = run("import", str(root if point_at == "root" else root / "cable"), "--into", str(into), "--quiet")
    assert r.returncode == 0, r.stderr[-2000:]
    got = {p.name: p.read_bytes() for p in into.iterdir()}
    assert got == {f"{rid}.html": data for rid, data in want.items()}
    assert "40 imported" in r.stderr and " 0 failed" in r.stderr and "Traceback" not in r.stderr
    assert "X_0.html" not in r.stderr and "index.html" not in r.stderr


def test_a_built_edition_of_imported_pages(pages, tmp_path):
    """Pages imported from a mirror build into cable pages with the table's values."""
    root = tmp_path / "mirror"
    want = mirror(pages, root, 6)
    content = tmp_path / "content"
    assert run("import", str(root), "--into", str(content / "cables"), "--quiet").returncode == 0
    out = tmp_path / "site"
    r = run("build", "--content", str(content), "--output", str(out), "--no-search")
    assert r.returncode == 0, r.stderr[-2000:]
    for rid in want:
        html = (out / "cables" / rid / "index.html").read_text(encoding="utf-8")
        assert rid in html


COPIED = ["apr2011/01VATICAN5960.html", "dec2010/02ROME1196.html", "apr2011/04MADRID1731.html"]


def test_the_text_a_reader_copies_from_a_page(pages, browser, tmp_path):
    """Select all and copy in chromium: the sidebar's text, the table as a tab-separated row, the cable. It is read
    with the table's values and the same paragraphs as the page itself."""
    folder, meta = pages
    by_file = {m["file"]: m for m in meta}
    page = browser.new_page()
    try:
        for name in COPIED:
            page.goto((folder / name).resolve().as_uri())
            copied = tmp_path / (Path(name).stem + ".txt")
            copied.write_text(page.inner_text("body"), encoding="utf-8")
            m = by_file[name]
            problems = Problems()
            (c,) = read_file(copied, problems)
            (p,) = read_file(folder / name, Problems())
            assert c.source.format == "wikileaks-copied-page"
            assert (c.id, c.created, c.released, c.classification, c.origin) == (
                m["reference_id"], iso(m["created"]), iso(m["released"]), m["classification"], m["origin"])
            assert [x.text for x in c.paragraphs] == [x.text for x in p.paragraphs], name
            assert c.subject == p.subject
    finally:
        page.close()


ALIASED = {"09SANJOSE525": "09SECTION01OF03SANJOSE525", "08SAOPAULO335": "08SCTION02OF02SAOPAULO335"}


@pytest.fixture(scope="module")
def aliased_site(pages, tmp_path_factory):
    """An edition of the two real pages whose publisher ids the banner corrects, served under /REPO/."""
    from .pages_server import pages_server

    folder, _ = pages
    content = tmp_path_factory.mktemp("aliased") / "content"
    (content / "cables").mkdir(parents=True)
    for rid, published in ALIASED.items():
        shutil.copyfile(folder / "apr2011" / f"{published}.html", content / "cables" / f"{published}.html")
    with pages_server("/REPO/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/REPO"
        out = content.parent / "site"
        r = run("build", "--content", str(content), "--output", str(out), "--base-url", base)
        assert r.returncode == 0, r.stderr[-2000:]
        mount(out)
        yield base, out, r.stderr


def test_the_publishers_id_still_finds_the_page(aliased_site):
    """A repaired id keeps the publisher's as an alias: the build says so, the page and the data show it, and the
    publisher's address sends the reader on to the cable's page."""
    base, out, log = aliased_site
    for rid, published in ALIASED.items():
        assert f"publisher id {published} repaired to {rid}, as the banner gives it" in log
        page = (out / "cables" / rid / "index.html").read_text(encoding="utf-8")
        assert f'published as <span class="id">{published}</span>' in page
        record = json.loads((out / "cables" / rid / f"{rid}.json").read_text(encoding="utf-8"))
        assert record["id"] == rid and record["aliases"] == [published]
        alias = (out / "cables" / published / "index.html").read_text(encoding="utf-8")
        assert f'<meta http-equiv="refresh" content="0; url=../{rid}/">' in alias
        assert f'<link rel="canonical" href="{base}/cables/{rid}/">' in alias
        assert 'name="robots" content="noindex"' in alias and "data-pagefind-body" not in alias


def test_the_publishers_address_and_search_lead_to_the_cable(aliased_site, browser):
    base, out, _ = aliased_site
    page = browser.new_page()
    try:
        for rid, published in ALIASED.items():
            page.goto(f"{base}/cables/{published}/")
            page.wait_for_url(f"{base}/cables/{rid}/")
            page.goto(f"{base}/search/?q={published}")
            page.wait_for_selector("#cable-results .result h3 .id")
            assert page.locator("#cable-results .result h3 .id").all_inner_texts()[0] == rid
    finally:
        page.close()


def test_a_page_rendered_to_text_after_its_navigation(tmp_path):
    """The label block of a page rendered to text (the first seed's form) is found after whatever navigation a
    rendering kept before it, and reads as the seed itself does."""
    seed = need_shared("seeds", "000_7c665ef8620d339f.txt").read_bytes()
    nav = b"Browse latest releases\nBrowse by creation date\n1966\nReference ID\nViewing cable 07BEIJING3239, S/CRS\n\n"
    (tmp_path / "navigated.txt").write_bytes(nav + seed)
    (plain,) = read_file(need_shared("seeds", "000_7c665ef8620d339f.txt"), Problems())
    problems = Problems()
    (c,) = read_file(tmp_path / "navigated.txt", problems)
    assert not problems.items and c.source.format == "wikileaks-page-text"
    assert (c.id, c.created, c.classification, c.origin, c.tags) == (
        plain.id, plain.created, plain.classification, plain.origin, plain.tags)
    assert [p.text for p in c.paragraphs] == [p.text for p in plain.paragraphs]


def test_a_section_released_as_its_own_record_leads_to_the_cable(pages, tmp_path):
    """The publisher released section 2 of SAO PAULO 335 as a record of its own (08SCTION02OF02SAOPAULO335) beside
    the whole cable (08SAOPAULO335). With both in an edition the section's record is a copy left out, said so,
    and its publisher id still leads to the cable's page."""
    folder, _ = pages
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    for name in ("08SAOPAULO335", "08SCTION02OF02SAOPAULO335"):
        shutil.copyfile(folder / "apr2011" / f"{name}.html", content / "cables" / f"{name}.html")
    out = tmp_path / "site"
    r = run("build", "--content", str(content), "--output", str(out), "--no-search")
    assert r.returncode == 0, r.stderr[-2000:]
    assert ("08SCTION02OF02SAOPAULO335.html: warning: cable 08SAOPAULO335 is also in "
            f"{content / 'cables' / '08SAOPAULO335.html'}; this copy is left out of the site; its publisher id leads "
            "to the cable's page") in r.stderr
    alias = (out / "cables" / "08SCTION02OF02SAOPAULO335" / "index.html").read_text(encoding="utf-8")
    assert '<meta http-equiv="refresh" content="0; url=../08SAOPAULO335/">' in alias
    page = (out / "cables" / "08SAOPAULO335" / "index.html").read_text(encoding="utf-8")
    assert 'published as <span class="id">08SCTION02OF02SAOPAULO335</span>' in page
    record = json.loads((out / "cables" / "08SAOPAULO335" / "08SAOPAULO335.json").read_text(encoding="utf-8"))
    assert record["aliases"] == ["08SCTION02OF02SAOPAULO335"]


def test_the_whole_cable_is_kept_whichever_file_is_read_first(pages, tmp_path):
    """Read first or last, the record under the cable's own id is the one kept; the section's record is left out."""
    folder, _ = pages
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    # "0-" sorts before "08SAOPAULO335.html": the section's record is read first.
    shutil.copyfile(folder / "apr2011" / "08SCTION02OF02SAOPAULO335.html", content / "cables" / "0-section.html")
    shutil.copyfile(folder / "apr2011" / "08SAOPAULO335.html", content / "cables" / "08SAOPAULO335.html")
    out = tmp_path / "site"
    r = run("build", "--content", str(content), "--output", str(out), "--no-search")
    assert r.returncode == 0, r.stderr[-2000:]
    assert "0-section.html: warning: cable 08SAOPAULO335 is also in" in r.stderr
    record = json.loads((out / "cables" / "08SAOPAULO335" / "08SAOPAULO335.json").read_text(encoding="utf-8"))
    assert record["source"]["path"] == "08SAOPAULO335.html" and [p["label"] for p in record["paragraphs"]][:2] == ["1", "2"]
