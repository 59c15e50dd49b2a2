"""Search: Pagefind indexes only the text, and the search page works in a real browser, under a sub-path,
with the page's Content-Security-Policy in force."""

from __future__ import annotations

import re
import shutil
from html import unescape
from pathlib import Path

import pytest
from playwright.sync_api import expect

from generator.errors import Problems
from generator.build.site import build

from .conftest import ROOT
from .pages_server import pages_server


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    """The seed site, built for and served under /REPO/ as on GitHub Pages."""
    with pages_server("/REPO/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/REPO"
        out = tmp_path_factory.mktemp("search") / "site"
        problems = build(ROOT / "content", out, Problems(), base_url=base)
        assert not problems.errors and not problems.warnings, [str(p) for p in problems]
        mount(out)
        yield base, out


@pytest.fixture
def page(browser, served):
    context = browser.new_context()
    page = context.new_page()
    page.problems = []
    page.on("console", lambda m: m.type == "error" and page.problems.append(m.text))
    page.on("pageerror", lambda e: page.problems.append(str(e)))
    page.on("requestfailed", lambda r: page.problems.append(f"failed: {r.url}"))
    yield page
    context.close()


def result_ids(page) -> list[str]:
    return page.locator("#cable-results .result h3 .id").all_inner_texts()


def test_the_index_holds_only_the_marked_pages(served):
    base, out = served
    bundle = out / "pagefind"
    assert (bundle / "pagefind.js").exists()
    assert len(list((bundle / "fragment").iterdir())) == 2 + 1 + 3  # cables, the thread, three entry pages


def test_boilerplate_is_marked_out_of_the_index(served):
    base, out = served
    page = (out / "cables" / "07BEIJING3239" / "index.html").read_text()
    body = page.split("data-pagefind-body", 1)[1]
    for marker in ('class="record"', 'class="cite"', 'class="dateline"', 'class="class-line"', 'class="source-note"',
                   'class="in-thread"'):
        assert re.search(marker + r'[^>]*data-pagefind-ignore', body), marker
    assert "data-pagefind-body" not in (out / "index.html").read_text()  # home, indexes, 404: not indexed
    assert "data-pagefind-body" not in (out / "tags" / "index.html").read_text()
    assert "data-pagefind-body" not in (out / "cables" / "07BEIJING3239" / "source.html").read_text()


def test_search_workshop_filter_and_follow_a_result(page, served):
    base, out = served
    page.goto(f"{base}/")
    page.fill("#site-search", "workshop")  # the box every page carries
    page.press("#site-search", "Enter")
    page.wait_for_selector("#cable-results .result")
    assert page.url.startswith(f"{base}/search/?q=workshop")
    assert result_ids(page) == ["07BEIJING6872", "07BEIJING3239"]
    first = page.locator("#cable-results .result").first
    assert "UNCLASSIFIED//FOR OFFICIAL USE ONLY" in first.inner_text()
    assert first.locator("mark").count() >= 1 and "orkshop" in first.locator("mark").first.inner_text()
    assert page.locator("#other-results .result").count() >= 1  # the thread and the entries that say it

    page.click("summary:has-text('Filters')")  # folded, so that the results come first
    page.click("summary:has-text('TAGS')")
    page.check("input[name=tag][value=KCRS]")
    expect(page.locator("#other-results")).to_be_hidden()
    assert "tag=KCRS" in page.url
    assert result_ids(page) == ["07BEIJING6872", "07BEIJING3239"]
    page.check("input[name=tag][value=PGOV]")  # either tag: still both
    page.uncheck("input[name=tag][value=KCRS]")
    expect(page.locator("#cable-results .result")).to_have_count(1)
    assert result_ids(page) == ["07BEIJING6872"]
    assert page.inner_text("label[for=f-tag-kcrs] .count") == "(1)"

    link = page.locator("#cable-results .result h3 a").first
    href = link.get_attribute("href")
    assert re.fullmatch(r"/REPO/cables/07BEIJING6872/#p\d+", href), href
    link.click()
    page.wait_for_url(re.compile(r".*/cables/07BEIJING6872/#p\d+$"))
    target = page.evaluate("document.querySelector(':target') && document.querySelector(':target').id")
    assert target == href.rsplit("#", 1)[1]
    assert page.evaluate("document.querySelector(':target').classList.contains('para')")
    assert page.locator(f"#{target}").inner_text().lower().count("workshop") >= 1
    assert not page.problems, page.problems


def test_sort_by_date_and_filters_alone(page, served):
    base, out = served
    page.goto(f"{base}/search/?q=workshop&sort=date-asc")
    page.wait_for_selector("#cable-results .result")
    assert result_ids(page) == ["07BEIJING3239", "07BEIJING6872"]
    page.select_option("#sort", "date-desc")
    expect(page.locator("#cable-results .result .id").first).to_have_text("07BEIJING6872")
    page.goto(f"{base}/search/?classification=CONFIDENTIAL")  # no words: every cable the filters leave
    page.wait_for_selector("#cable-results .result")
    assert result_ids(page) == ["07BEIJING3239"]
    assert not page.problems, page.problems


def test_a_hit_links_to_its_paragraph_or_note(page, served):
    base, out = served
    page.goto(f"{base}/search/?q=Darfur")
    page.wait_for_selector("#cable-results .result")
    # The cable text and the editors' notes both say Darfur: each hit links to the paragraph or note holding it.
    hrefs = [a.get_attribute("href") for a in page.locator("#cable-results .result a").all()]
    hits = [m.groups() for h in hrefs if (m := re.search(r"cables/(\w+)/#([pn]\w+)$", h))]
    assert hits, hrefs
    for cid, anchor in hits:
        html = (out / "cables" / cid / "index.html").read_text()
        after = html.split(f'id="{anchor}"', 1)[1]
        block = re.split(r'<div class="para[ "]|<li id="n', after, maxsplit=1)[0]
        assert "Darfur" in block, (cid, anchor)


def test_without_javascript_the_page_says_so(browser, served):
    base, out = served
    context = browser.new_context(java_script_enabled=False)
    page = context.new_page()
    page.goto(f"{base}/search/?q=workshop")
    notice = page.locator("main p.notice")
    assert notice.is_visible() and "needs JavaScript, which is off" in notice.inner_text()
    assert page.locator("main a[href='../tags/']").first.is_visible()
    context.close()


def test_the_search_page_csp_allows_webassembly_and_nothing_inline(served):
    base, out = served
    html = (out / "search" / "index.html").read_text()
    csp = unescape(re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', html).group(1))
    assert "script-src 'self' 'wasm-unsafe-eval';" in csp
    assert "unsafe-inline" not in csp
    cable = (out / "cables" / "07BEIJING3239" / "index.html").read_text()
    assert "wasm-unsafe-eval" not in cable  # only the search page runs WebAssembly


@pytest.mark.parametrize("change", ["everything", "one note"])
def test_a_failing_indexer_keeps_the_previous_site(tmp_path, monkeypatch, change):
    from generator.build import search
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert not build(content, out, Problems()).errors
    before = {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()}

    def broken(site: Path, bundle: Path | None = None):
        raise search.SearchIndexError("Pagefind failed: out of memory, say")

    monkeypatch.setattr(search, "index", broken)
    base_url = "https://example.org/edition" if change == "everything" else None
    if change == "one note":
        note = content / "annotations" / "07BEIJING6872.yaml"
        note.write_text(note.read_text(encoding="utf-8").replace("workshop", "Workshop", 1), encoding="utf-8")
    problems = build(content, out, Problems(), base_url=base_url)
    assert [str(p) for p in problems.errors] == [
        "pagefind: error: Pagefind failed: out of memory, say; the previous site is kept"]
    assert {p.relative_to(out): p.read_bytes() for p in out.rglob("*") if p.is_file()} == before


def test_undated_cables_keep_a_place_in_date_order(seed_3239):
    """Pagefind drops pages without the sort key from a sorted list; undated cables sort last either way."""
    import dataclasses
    from generator.edition.annotations import Joined
    from generator.edition.content import Content, SITE_DEFAULTS
    from generator.render.views import cable_context
    content = Content(site=dict(SITE_DEFAULTS))
    dated = cable_context(seed_3239, Joined(), content, lambda *a: None, "../../")["search"]
    assert (dated["newest"], dated["oldest"], dated["year"]) == ("2007-05-15", "2007-05-15", "2007")
    undated = dataclasses.replace(seed_3239, created=None)
    keys = cable_context(undated, Joined(), content, lambda *a: None, "../../")["search"]
    assert (keys["newest"], keys["oldest"], keys["year"], keys["date"]) == ("0000-00-00", "9999-99-99", None, None)


def test_note_numbers_and_paragraph_controls_are_not_indexed_as_words(page, served):
    base, out = served
    page.goto(f"{base}/search/?q=Herbst")
    page.wait_for_selector("#cable-results .result")
    content = page.evaluate("""async () => {
        const pf = await import(document.getElementById('search-form').dataset.pagefind);
        const found = await pf.search('Herbst');
        const datas = await Promise.all(found.results.map(r => r.data()));
        return datas.filter(d => d.url.includes('07BEIJING3239')).map(d => d.content)[0];
    }""")
    # "Ambassador John Herbst¹ told": the marker is not a word of the text, nor are ¶1, "cite" or "↩ ¶1"
    assert "Ambassador John Herbst told officials" in content, content[:300]
    assert "China has the capability" in content
    for apparatus in ("¶1 ", "cite China", "(C) China", "↩"):  # paragraph number, cite control, marking, back link
        assert apparatus not in content, apparatus
    assert "Telegram From the Embassy" not in content  # the standard heading is the page's, not the cable's


def test_an_entry_found_by_search_is_titled_by_its_name(page, served):
    base, out = served
    page.goto(f"{base}/search/?q=Herbst")
    page.wait_for_selector("#other-results .result")
    titles = [t.strip() for t in page.locator("#other-results .result h3").all_inner_texts()]
    assert "John E. Herbst" in titles, titles
    meta = page.locator("#other-results .result", has_text="John E. Herbst").first.locator(".result-meta").inner_text()
    assert meta.startswith("Person") and "(People)" in meta


def test_shards_pack_whole_years_in_order_and_split_a_year_too_large(monkeypatch):
    from types import SimpleNamespace

    from generator.build import search
    monkeypatch.setattr(search, "SHARD_PAGES", 100)
    years = {"2003": [f"03X{i}" for i in range(40)], "2004": [f"04X{i}" for i in range(50)],
             "2005": [f"05X{i}" for i in range(30)], "2006": [f"06X{i}" for i in range(250)],
             "2007": [f"07X{i}" for i in range(10)]}
    site = SimpleNamespace(cables={c: None for ids in years.values() for c in ids}, years=years)
    plan = search.shards(site)
    assert plan[""] == []
    assert plan["2003-2004"] == years["2003"] + years["2004"]  # 90 cables: 2005 would make 120
    assert plan["2005"] == years["2005"]
    assert sorted(n for n in plan if n.startswith("2006-")) == ["2006-1", "2006-2", "2006-3"]
    assert sorted(c for n in plan if n.startswith("2006-") for c in plan[n]) == sorted(years["2006"])
    assert plan["2007"] == years["2007"]
    # every cable in exactly one shard, and the same plan for the same site
    assert sorted(c for ids in plan.values() for c in ids) == sorted(site.cables)
    assert search.shards(site) == plan


def test_opening_the_filters_fills_their_counts_and_leaves_the_results_in_place(page, served):
    base, _ = served
    page.goto(f"{base}/search/?q=workshop")
    page.wait_for_selector("#cable-results .result")
    page.evaluate("() => document.querySelector('#cable-results .result').setAttribute('data-seen', '1')")
    total = page.text_content("label[for=f-tag-kcrs] .count")  # the build's count, before any filter is loaded
    page.click("summary:has-text('Filters')")
    page.click("summary:has-text('TAGS')")
    expect(page.locator("label[for=f-tag-pgov] .count")).to_have_text("(1)")  # counts for "workshop" now
    assert total == "(2)" and page.inner_text("label[for=f-tag-kcrs] .count") == "(2)"
    assert page.locator("#cable-results .result[data-seen='1']").count() == 1  # not drawn again
    assert not page.problems, page.problems
