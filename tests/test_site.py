"""The linked site: every internal link and anchor resolves, threads link both ways, indexes and check."""

from __future__ import annotations

import re
import shutil
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from generator.edition.content import RELATION_TITLES, RELATIONS
from generator.errors import Problems
from generator.build.site import build

from .conftest import ROOT, need_shared
from .pages_server import Links
from .test_bad_input import run


def crawl(site: Path) -> tuple[int, list[str]]:
    """Check every internal link and fragment of every page against the files; return (links, broken)."""
    pages: dict[Path, Links] = {}
    for path in site.rglob("*.html"):
        if path.name == "404.html" and path.parent == site:
            continue  # served at any address, so its links start from the site's path: see test_publish
        p = Links()
        p.feed(path.read_text(encoding="utf-8"))
        pages[path.resolve()] = p
    broken, count = [], 0
    for path, page in pages.items():
        for link in page.links:
            parts = urlsplit(link)
            if parts.scheme or parts.netloc:
                continue
            count += 1
            if link.startswith("/"):
                broken.append(f"{path}: root-absolute link {link} would escape a sub-path")
                continue
            target = (path.parent / unquote(parts.path)).resolve() if parts.path else path
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{path}: {link} -> missing {target}")
                continue
            if parts.fragment and target.suffix == ".html" and parts.fragment not in pages[target].ids:
                broken.append(f"{path}: {link} -> no #{parts.fragment}")
    return count, broken


@pytest.fixture(scope="module")
def seed_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("seed") / "site"
    problems = build(ROOT / "content", out, Problems())
    assert not problems.errors and not problems.warnings, [str(p) for p in problems]
    return out


@pytest.fixture(scope="module")
def corpus_site(tmp_path_factory):
    dev = need_shared("corpus", "dev")
    out = tmp_path_factory.mktemp("corpus") / "site"
    problems = build(dev, out, Problems())
    assert not problems.errors, [str(p) for p in problems.errors]
    assert len(list((out / "cables").iterdir())) == 500  # every cable was read (a written build only warns)
    return out


def test_seed_site_has_no_broken_link(seed_site):
    count, broken = crawl(seed_site)
    assert count > 300 and not broken, broken[:10]


def test_corpus_site_has_no_broken_link(corpus_site):
    count, broken = crawl(corpus_site)
    assert count > 20000 and not broken, broken[:10]


def test_corpus_cited_by(corpus_site):
    """27 REF items name another dev cable (25 in the shared table, plus "REF: Vladivostok 5" and 08BEIJING1618's
    "B. BEIJING 1454", an item after a blank line that the shared table's first pass missed), citing 26."""
    links, cited = 0, 0
    for page in (corpus_site / "cables").glob("*/index.html"):
        m = re.search(r"<dt>Cited by</dt><dd>(.*?)</dd>", page.read_text())
        if m:
            cited += 1
            links += m.group(1).count("<a ")
    assert (links, cited) == (27, 26)
    moscow = (corpus_site / "cables" / "09VLADIVOSTOK5" / "index.html").read_text()
    assert 'href="../../cables/09MOSCOW2366/#ref-1"' in moscow
    citing = (corpus_site / "cables" / "09MOSCOW2366" / "index.html").read_text()
    assert '<li id="ref-1"><a href="../../cables/09VLADIVOSTOK5/">Vladivostok 5</a>' in citing


def test_reference_outside_the_collection_is_unlinked(corpus_site):
    page = (corpus_site / "cables" / "07BEIJING1668" / "index.html").read_text()
    assert '<li id="ref-1">BEIJING 1063 AND PREVIOUS <span class="muted">(not in this edition)</span>' in page


def test_corpus_indexes(corpus_site):
    tags = (corpus_site / "tags" / "index.html").read_text()
    assert '<a href="PREL/"><code>PREL</code></a>' in tags
    prel = (corpus_site / "tags" / "PREL" / "index.html").read_text()
    dates = re.findall(r'<time datetime="(\d{4}-\d{2}-\d{2})">', prel)
    assert len(dates) > 200 and dates == sorted(dates, reverse=True)
    chronology = (corpus_site / "chronology" / "index.html").read_text()
    assert 'id="y1979"' in chronology and 'id="y2010"' in chronology
    assert (corpus_site / "origins" / "embassy-beijing" / "index.html").exists()
    assert (corpus_site / "classifications" / "secret-noforn" / "index.html").exists()


THREAD = [("07BEIJING3239", ["1", "7", "13"], "07BEIJING6872", ["1", "2"]),
          ("07BEIJING3239", ["8", "12", "13"], "07BEIJING6872", ["2"]),
          ("07BEIJING3239", ["2", "7"], "07BEIJING6872", ["3"]),
          ("07BEIJING3239", ["11"], "07BEIJING6872", ["3"]),
          ("07BEIJING3239", ["5"], "07BEIJING6872", ["2"])]


def margin_links(page: str, label: str) -> list[str]:
    """The links of the thread cross-references of one paragraph (sentences after its text)."""
    m = re.search(rf'<div class="para" id="p{label}">(.*?)</div>', page, re.S)
    return [h for x in re.findall(r'<p class="xref">(.*?)</p>', m.group(1)) for h in re.findall(r'href="([^"]+)"', x)] if m else []


@pytest.mark.parametrize("earlier,eparas,later,lparas", THREAD)
def test_thread_links_resolve_both_ways(seed_site, earlier, eparas, later, lparas):
    a = (seed_site / "cables" / earlier / "index.html").read_text()
    b = (seed_site / "cables" / later / "index.html").read_text()
    for p in eparas:
        for q in lparas:
            assert f"../../cables/{later}/#p{q}" in margin_links(a, p), (earlier, p, later, q)
    for q in lparas:
        for p in eparas:
            assert f"../../cables/{earlier}/#p{p}" in margin_links(b, q), (later, q, earlier, p)
    thread = (seed_site / "threads" / "scrs-beijing-2007" / "index.html").read_text()
    for p in eparas:
        assert f'<blockquote cite="../../cables/{earlier}/#p{p}">' in thread
    for q in lparas:
        assert f'<blockquote cite="../../cables/{later}/#p{q}">' in thread


def test_margin_wording(seed_site):
    a = (seed_site / "cables" / "07BEIJING3239" / "index.html").read_text()
    b = (seed_site / "cables" / "07BEIJING6872" / "index.html").read_text()
    """Cross-references read as sentences: "Followed up in 07BEIJING6872, ¶2." with runs as ¶1-2."""
    assert ('<p class="xref">Followed up in <a href="../../cables/07BEIJING6872/#p2">07BEIJING6872, ¶2</a>.</p>'
            in a)
    assert ('<p class="xref">Outcome in <a href="../../cables/07BEIJING6872/#p1">07BEIJING6872, ¶1</a>-'
            '<a href="../../cables/07BEIJING6872/#p2">2</a>.</p>' in a)
    assert '<p class="xref">Follows up <a href="../../cables/07BEIJING3239/#p11">07BEIJING3239, ¶11</a>.</p>' in b
    assert ('<p class="xref">Echoes <a href="../../cables/07BEIJING3239/#p2">07BEIJING3239, ¶2</a>, '
            '<a href="../../cables/07BEIJING3239/#p7">¶7</a>.</p>' in b)
    assert ('; followed by <a href="../../cables/07BEIJING6872/">' in a
            and '; after <a href="../../cables/07BEIJING3239/">' in b)


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", "", html).replace("\u00a0", " ").split())


def thread_page(site: Path) -> str:
    return (site / "threads" / "scrs-beijing-2007" / "index.html").read_text()


def test_thread_page_timeline(seed_site):
    """Labelled events and the two cables, in date order, month by month on one axis, in HTML (no SVG text)."""
    page = thread_page(seed_site)
    tl = page[page.index('<ol class="tl">'):page.index('<h2 id="links-title">')]
    assert "<svg" not in page
    items = re.findall(r'<li class="tl-(event|cable)">(.*?)</li>', tl)
    assert [(kind, text_of(html)) for kind, html in items] == [
        ("event", "27–28 S/CRS consultations in Beijing (07BEIJING3239 ¶1)"),
        ("event", "27 Roundtable at the Foundation for International Strategic Studies (07BEIJING3239 ¶3)"),
        ("event", "27 Working dinner with Rear Admiral Yang Yi, who suggests a workshop (07BEIJING3239 ¶7)"),
        ("cable", "15 Cable 07BEIJING3239: Embassy Beijing reports the consultations"),
        ("event", "24–25 Reconstruction and Stabilization Workshop in Beijing (07BEIJING6872 ¶2)"),
        ("cable", "29 Cable 07BEIJING6872: Embassy Beijing reports the workshop")]
    months = re.findall(r'<p class="tl-mo">(.*?)</p>', tl)
    assert months == ['<time datetime="2007-04">April 2007</time>', '<time datetime="2007-05">May 2007</time>',
                      '<time datetime="2007-06">June</time>–<time datetime="2007-09">September 2007</time> '
                      '<span class="muted">(no events)</span>', '<time datetime="2007-10">October 2007</time>']
    for cid, day in (("07BEIJING3239", "2007-05-15"), ("07BEIJING6872", "2007-10-29")):
        assert re.search(rf'<li class="tl-cable"><span class="tl-d"><time datetime="{day}">\d+</time></span> '
                         rf'<span><b>Cable</b> <a href="../../cables/{cid}/"><span class="id">{cid}</span></a>', tl)
    assert ('<time datetime="2007-10-24">24</time>–<time datetime="2007-10-25">25</time>' in tl
            and 'href="../../cables/07BEIJING6872/#p2">07BEIJING6872\u00a0¶2</a>' in tl)


def test_thread_links_are_titled_in_plain_words(seed_site):
    page = thread_page(seed_site)
    assert re.findall(r'<h3 id="link-\d+-title">([^<]+)</h3>', page) == [
        "The proposal and its outcome", "The matter and its follow-up", "The words and their echo",
        "The matter and its follow-up", "The words and their echo"]
    assert ('<a href="../../cables/07BEIJING3239/">07BEIJING3239\u00a0¶1, ¶7, ¶13</a>: outcome in '
            '<a href="../../cables/07BEIJING6872/">07BEIJING6872\u00a0¶1-2</a>') in page
    assert "proposal-outcome" not in page and "Proposal-Outcome" not in page


def test_every_relation_has_a_title():
    assert RELATION_TITLES.keys() == RELATIONS.keys()


MEANINGS = {"C": "Confidential", "SBU": "Sensitive But Unclassified", "U": "Unclassified"}


def test_thread_quotes_carry_their_portion_marking(seed_site):
    """Each quoted paragraph shows the marking its source gives it ("2. (SBU) ..."), with the meaning."""
    sources = {"07BEIJING3239": "000_7c665ef8620d339f.txt", "07BEIJING6872": "002_80421150e0992e02.txt"}
    marked = {cid: dict(re.findall(r"^¶?(\d+)\. \(([A-Z/]+)\)", (ROOT / "content" / "cables" / name).read_text(),
                                   re.M)) for cid, name in sources.items()}
    page = thread_page(seed_site)
    quotes = re.findall(r'<blockquote cite="../../cables/(\w+)/#p(\w+)"><p>(.*?)</p></blockquote>', page)
    assert len(quotes) == 16 and {marked[c][p] for c, p, _ in quotes} == {"C", "SBU"}  # ¶2 of 07BEIJING3239 is SBU
    for cid, label, html in quotes:
        mark = marked[cid][label]
        assert html.startswith(f'<a class="pn" href="../../cables/{cid}/#p{label}">¶{label}</a> '
                               f'<abbr class="mark" title="{MEANINGS[mark]}">({mark})</abbr> '), (cid, label, html)


def test_home_page_order(seed_site):
    page = (seed_site / "index.html").read_text()
    assert page.index('id="home-cables"') < page.index('id="home-threads"') < page.index('id="home-ways"')
    # the edition's title once: the page's heading, not also the header's
    assert page.count("Beijing and S/CRS, 2007: A Documentary Edition of Two Cables</") == 2  # <title> and <h1>
    assert 'class="site-title"' not in page
    for path in ("about/index.html", "how-to-read/index.html"):
        assert (seed_site / path).exists()
    walk = (seed_site / "how-to-read" / "index.html").read_text()
    assert "DE = from RUEHBJ (AMEMBASSY BEIJING)" in walk and 'href="../cables/07BEIJING3239/#p1"' in walk


def test_check_passes_on_the_edition():
    r = run("check")
    assert r.returncode == 0, r.stderr
    assert "2 cables, 1 thread checked: 0 errors, 0 warnings" in r.stderr


def test_check_names_file_and_line_of_a_broken_thread_link(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    path = content / "threads" / "scrs-beijing-2007.yaml"
    text = path.read_text().replace('to: "07BEIJING6872 ¶3"\n    relation: echo', 'to: "07BEIJING6872 ¶9"\n    relation: echo')
    path.write_text(text)
    line = next(n for n, ln in enumerate(text.splitlines(), 1) if "07BEIJING6872 ¶9" in ln) - 1
    r = run("check", "--content", str(content))
    assert r.returncode == 1
    assert f"{path}:{line}: error: 07BEIJING6872 has no paragraph ¶9" in r.stderr
