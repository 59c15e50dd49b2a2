"""Citations from the official CSL styles (Chicago notes and bibliography, MLA, APA) written by citeproc-py from
the cable's CSL-JSON item: fixed expected strings for the seeds, the templates per shape checked against a direct
rendering on every dev cable, HTML escaping, the page without JavaScript and the style picker in chromium."""

from __future__ import annotations

import json
import random
import pytest

from generator.errors import Problems
from generator.build.site import build
from generator.read.load import read_file
from generator.render import cite, csl

from .conftest import ROOT, need_shared, parse_one, SEED_3239, SEED_6872
from .pages_server import pages_server

SITE = {"title": "Beijing and S/CRS, 2007: A Documentary Edition of Two Cables"}
TITLE = "<i>Beijing and S/CRS, 2007: A Documentary Edition of Two Cables</i>"
URL = "https://example.org/ed/cables/07BEIJING3239/"
N = '<var class="loc">N</var>'

EXPECTED_3239 = {
    "chicago": {
        "whole": f"Embassy Beijing, “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”, to Secretary of State, in {TITLE}, "
                 f"Cable 07BEIJING3239, WikiLeaks, May 15, 2007, {URL}.",
        "para": f"Embassy Beijing, “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”, to Secretary of State, in {TITLE}, "
                f"Cable 07BEIJING3239, WikiLeaks, May 15, 2007, para. {N}, <span class=\"u\">{URL}#p{N}</span>.",
        "entry": f"Embassy Beijing. “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”. To Secretary of State. In {TITLE}, "
                 f"Cable 07BEIJING3239. WikiLeaks, May 15, 2007. {URL}.",
    },
    "mla": {
        "whole": "(Embassy Beijing, “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”)",
        "para": f"(Embassy Beijing, “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”, par. {N})",
        "entry": f"Embassy Beijing. “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”. {TITLE}, Cable 07BEIJING3239, "
                 f"WikiLeaks, 15 May 2007, {URL}.",
    },
    "apa": {
        "whole": "(Embassy Beijing, 2007)",
        "para": f"(Embassy Beijing, 2007, para. {N})",
        "entry": f"Embassy Beijing. (2007, May 15). S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING [to Secretary of State]. "
                 f"In {TITLE} (Cable 07BEIJING3239). WikiLeaks. {URL}",
    },
}

URL_6872 = "https://example.org/ed/cables/07BEIJING6872/"
SUBJECT_6872 = "S/CRS WORKS WITH CHINA ON A RECONSTRUCTION AND STABILIZATION WORKSHOP"
EXPECTED_6872 = {
    "chicago": {
        "whole": f"Embassy Beijing, “{SUBJECT_6872}”, to Secretary of State, in {TITLE}, Cable 07BEIJING6872, WikiLeaks, "
                 f"October 29, 2007, {URL_6872}.",
        "entry": f"Embassy Beijing. “{SUBJECT_6872}”. To Secretary of State. In {TITLE}, Cable 07BEIJING6872. WikiLeaks, "
                 f"October 29, 2007. {URL_6872}.",
    },
    "mla": {  # MLA abbreviates the longer months
        "entry": f"Embassy Beijing. “{SUBJECT_6872}”. {TITLE}, Cable 07BEIJING6872, WikiLeaks, 29 Oct. 2007, {URL_6872}.",
    },
    "apa": {
        "para": f"(Embassy Beijing, 2007, para. {N})",
        "entry": f"Embassy Beijing. (2007, October 29). {SUBJECT_6872} [to Secretary of State]. In {TITLE} "
                 f"(Cable 07BEIJING6872). WikiLeaks. {URL_6872}",
    },
}


def by_style(cable, url):
    return {s["key"]: s for s in csl.citations(cite.csl(cable, SITE, url))}


@pytest.mark.parametrize("path,url,expected", [(SEED_3239, URL, EXPECTED_3239), (SEED_6872, URL_6872, EXPECTED_6872)],
                         ids=["07BEIJING3239", "07BEIJING6872"])
def test_the_seeds_are_cited_in_chicago_mla_and_apa_as_the_official_styles_write_them(path, url, expected):
    got = by_style(parse_one(path)[0], url)
    assert [s.key for s in csl.STYLES] == ["chicago", "mla", "apa"]
    for style, parts in expected.items():
        for part, text in parts.items():
            assert got[style][part] == text, (style, part)


def test_a_template_gives_what_citeproc_gives_directly_on_every_dev_cable():
    """The template of each shape, filled in, is what citeproc writes for that cable itself: on 150 cables of
    corpus/dev drawn at random (all 500 take 90 s; they passed), in every style, whole and with a paragraph, and
    the list entry."""
    problems = Problems()
    files = sorted(need_shared("corpus", "dev").glob("*.txt"))
    cables = [c for p in random.Random(20).sample(files, 150) for c in read_file(p, problems)]
    assert len(cables) >= 140
    citer = csl.Citer()
    calls = from_template = 0
    for cable in cables:
        item = cite.csl(cable, SITE, f"https://example.org/cables/{cable.id}/")
        for style in csl.STYLES:
            for locator in (None, "3"):
                key = (style.key, csl.shape(item), locator is not None, True)
                calls += 1
                from_template += bool(citer.templates.get(key)) and item["title"] == item["title"].upper()
                assert citer.cite(style, item, locator) == csl.render(style, csl.escaped(item), locator), \
                    (cable.id, style.key, locator)
    # even among 150 cables most share a shape whose template serves them
    assert from_template > 0.5 * calls, (from_template, calls)


def test_values_are_escaped_whether_written_directly_or_from_a_template():
    item = {"id": "X", "type": "personal_communication", "title": "GUNS & <BUTTER> \u201cNOW\u201d",
            "author": [{"literal": "Embassy A&B"}], "number": "09X1", "URL": "https://e.org/?a=1&b=2",
            "issued": {"date-parts": [[2009, 2, 28]]}, "genre": "Cable", "publisher": "WikiLeaks",
            "container-title": "Cables <script>alert(1)</script> & more"}
    citer = csl.Citer()
    for style in csl.STYLES:
        for _ in range(2):  # the first makes the template, the second uses it
            whole, entry = citer.cite(style, item)
            for text in (whole, entry):
                assert "<BUTTER>" not in text and "A&B" not in text and "&amp;" in text and "<script>" not in text
            assert (whole, entry) == csl.render(style, csl.escaped(item), None)
        assert "&lt;BUTTER&gt;" in entry and "https://e.org/?a=1&amp;b=2" in entry
    # and the template served the second call: its fixed values (the edition's title) are escaped too
    assert all(citer.templates.values()), citer.templates


def test_a_template_that_differs_from_the_direct_rendering_is_not_used(monkeypatch):
    """Break the filling on purpose: the check against the first cable of the shape turns the template off."""
    cable = parse_one(SEED_3239)[0]
    item = cite.csl(cable, SITE, URL)
    citer = csl.Citer()
    monkeypatch.setattr(csl, "values", lambda item, locator: {})
    first = citer.cite(csl.STYLES[0], item)
    assert citer.templates[("chicago", csl.shape(item), False, True)] is None
    assert citer.cite(csl.STYLES[0], item) == first and "\ue000" not in first[0]


def test_the_csl_json_file_holds_the_item_the_citations_come_from(tmp_path):
    out = tmp_path / "site"
    problems = build(ROOT / "content", out, Problems(), base_url="https://example.org/ed")
    assert not problems.errors
    folder = out / "cables" / "07BEIJING3239"
    item = json.loads((folder / "07BEIJING3239.csl.json").read_text())[0]
    assert item["type"] == "personal_communication" and item["recipient"] == [{"literal": "Secretary of State"}]
    assert item["issued"] == {"date-parts": [[2007, 5, 15]]} and item["URL"] == URL
    styles = json.loads((folder / "07BEIJING3239.cite.json").read_text())["styles"]
    assert [s["key"] for s in styles] == ["chicago", "mla", "apa"]
    for s in styles:
        for part in ("whole", "para", "entry"):
            assert s[part] == EXPECTED_3239[s["key"]][part], (s["key"], part)
    page = (folder / "index.html").read_text()
    # without JavaScript, the page gives the Chicago note, the note of a paragraph and the bibliography entry
    for part in ("whole", "para", "entry"):
        assert f'<dd data-cite="{part}">{EXPECTED_3239["chicago"][part]}</dd>' in page
    assert 'data-styles="07BEIJING3239.cite.json"' in page


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    with pages_server("/ed/") as (server, mount):
        base = f"http://127.0.0.1:{server.server_port}/ed"
        out = tmp_path_factory.mktemp("cite") / "site"
        problems = build(ROOT / "content", out, Problems(), base_url=base)
        assert not problems.errors, [str(p) for p in problems]
        mount(out)
        yield base


def test_a_reader_picks_the_style_and_the_paragraph_widget_gives_it(browser, served):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    try:
        page.goto(f"{served}/cables/07BEIJING3239/", wait_until="networkidle")
        picker = page.locator("fieldset.cite-pick")
        assert picker.locator("input").count() == 3
        assert page.locator(".cite-style:visible").count() == 1
        page.locator("label[for=cite-pick-mla]").click()
        shown = page.locator(".cite-style:visible")
        assert shown.get_attribute("data-style") == "mla" and "Works cited" in shown.inner_text()
        page.locator("#p3 .pc").click()
        text = page.locator("#cite-widget").inner_text()
        assert "(Embassy Beijing, “S/CRS AMBASSADOR HERBST CONSULTATIONS IN BEIJING”, par. 3)" in text
        # the choice is kept for the next page
        page.goto(f"{served}/cables/07BEIJING6872/", wait_until="networkidle")
        assert page.locator(".cite-style:visible").get_attribute("data-style") == "mla"
        page.locator("label[for=cite-pick-apa]").click()
        page.locator("#p1 .pc").click()
        text = page.locator("#cite-widget").inner_text()
        assert "(Embassy Beijing, 2007, para. 1)" in text
        page.locator("label[for=cite-pick-chicago]").click()
        page.locator("#p2 .pc").click()
        assert f"para. 2, {served}/cables/07BEIJING6872/#p2." in page.locator("#cite-widget").inner_text()
        assert not errors, errors
    finally:
        context.close()


def test_a_build_keeps_its_templates_for_the_next_and_reads_them_back(tmp_path, monkeypatch):
    """The templates a build made are kept in its store; the next build starts with them and writes the
    same files; a damaged or foreign file of them is only a cost, never a wrong citation."""
    from generator.build import jobs
    from generator.read.store import Store
    cache = tmp_path / "cache"
    first = tmp_path / "first"
    # this process already knows the seeds' templates, as a preview does after its first build: kept all the same
    for path in (SEED_3239, SEED_6872):
        cable = parse_one(path)[0]
        csl.citations(cite.csl(cable, {"title": SITE["title"]}, f"/cables/{cable.id}/"))
    csl.CITER.learnt()  # handed on by that earlier build
    assert not build(ROOT / "content", first, Problems(), cache_dir=cache).errors
    kept = cache / jobs.CITATIONS
    assert kept.read_text(encoding="utf-8").startswith(jobs.citations_stamp() + "\n")
    monkeypatch.setattr(csl, "CITER", csl.Citer())
    monkeypatch.setattr(jobs, "CITER", csl.CITER)
    jobs.load_citations(Store(cache))
    item = cite.csl(parse_one(SEED_3239)[0], SITE, "/cables/07BEIJING3239/")  # as built without an address
    assert any(k[0] == "chicago" and k[1] == csl.shape(item) for k in csl.CITER.templates)
    monkeypatch.setattr(csl, "render", lambda *a: pytest.fail("rendered anew"))
    assert csl.CITER.cite(csl.STYLES[0], item)[0].startswith("Embassy Beijing")
    monkeypatch.undo()
    second = tmp_path / "second"
    assert not build(ROOT / "content", second, Problems(), cache_dir=cache).errors
    files = sorted(p.relative_to(first) for p in first.rglob("*") if p.is_file())
    assert files and all((first / f).read_bytes() == (second / f).read_bytes() for f in files if "cite" in f.name)
    for damaged in ("not a stamp\n[]", jobs.citations_stamp() + "\n[('t', (", jobs.citations_stamp() + "\n__import__('os')"):
        kept.write_text(damaged, encoding="utf-8")
        third = tmp_path / f"third{len(damaged)}"
        assert not build(ROOT / "content", third, Problems(), cache_dir=cache).errors
        assert (third / "cables/07BEIJING3239/07BEIJING3239.cite.json").read_bytes() == \
            (first / "cables/07BEIJING3239/07BEIJING3239.cite.json").read_bytes()
