"""The cable page read as a reader reads it, in chromium: the text on the first screen, the apparatus quiet
(controls on hover and focus, page marks in the margin, one citation widget), lists as cards on phones, and
one type scale in two families."""

from __future__ import annotations

import pytest

from .test_quality import KINDS, open_enforced, served  # noqa: F401  (served is a fixture)

CABLES = ["cables/07BEIJING3239/", "cables/07BEIJING6872/"]


def open_sized(browser, url: str, width: int, height: int):
    context = browser.new_context(viewport={"width": width, "height": height})
    page = context.new_page()
    page.goto(url, wait_until="networkidle")
    return page


@pytest.mark.parametrize("width,height", [(1280, 800), (390, 844)])
@pytest.mark.parametrize("cable", CABLES)
def test_the_heading_and_the_start_of_the_text_fit_the_first_screen(browser, served, cable, width, height):
    base, _ = served
    page = open_sized(browser, f"{base}/{cable}", width, height)
    try:
        tops = page.evaluate("""() => Object.fromEntries(['h1', '.subject', '.dateline', '.class-line',
            '.source-note', '.text .para'].map(s => [s, document.querySelector(s).getBoundingClientRect().top]))""")
        first_line = tops[".text .para"] + 24  # the first line of the first paragraph, not just its top
        assert first_line < height, f"{cable} at {width}x{height}: the text starts at {tops['.text .para']:.0f} px"
        assert all(t < tops[".text .para"] for s, t in tops.items() if s != ".text .para"), tops
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 700, 390, 320])
def test_page_marks_sit_in_the_margin_never_over_the_text(browser, served, width):
    base, _ = served
    page = open_sized(browser, f"{base}/{CABLES[0]}", width, 900)
    try:
        marks = page.evaluate("""() => [...document.querySelectorAll('.pb > span')].map(s => {
            const r = s.getBoundingClientRect(), p = s.closest('.para').getBoundingClientRect();
            return {text: s.textContent, left: r.left, right: r.right, pl: p.left, pr: p.right,
                    inside: r.right > p.left + 1 && r.left < p.right - 1, shown: r.left >= 0 && r.right <= innerWidth};
        })""")
        assert len(marks) == 3, marks  # the three page lines of 07BEIJING3239
        for m in marks:
            assert not m["inside"] and m["shown"], f"at {width} px the mark {m['text']!r} lies over the text: {m}"
    finally:
        page.context.close()


def test_paragraph_controls_show_on_hover_and_focus_and_take_no_line(browser, served):
    base, _ = served
    page = open_sized(browser, f"{base}/{CABLES[0]}", 1280, 800)
    try:
        para = page.locator("#p3")
        cite = para.locator(".pc")
        assert cite.evaluate("e => getComputedStyle(e).opacity") == "0"
        para.hover()
        assert cite.evaluate("e => getComputedStyle(e).opacity") == "1"
        page.mouse.move(0, 0)
        cite.focus()
        assert cite.evaluate("e => getComputedStyle(e).opacity") == "1"
        # the number and its controls sit beside the text: the paragraph's first line is its top
        gap = para.evaluate("p => p.querySelector('p:not(.pm)').getBoundingClientRect().top - p.getBoundingClientRect().top")
        assert abs(gap) < 1, gap
    finally:
        page.context.close()


def test_one_citation_widget_serves_every_paragraph(browser, served):
    base, _ = served
    page = open_sized(browser, f"{base}/{CABLES[0]}", 1280, 800)
    try:
        for label in ("3", "12"):
            page.locator(f"#p{label} .pc").click()
            widget = page.locator("#cite-widget")
            assert widget.is_visible() and page.locator(".cite-widget").count() == 1
            text = widget.inner_text()
            assert f"Cable 07BEIJING3239, WikiLeaks, May 15, 2007, para. {label}, {base}/{CABLES[0]}#p{label}." in text
            assert page.evaluate("document.querySelector('#cite-widget').previousElementSibling.id") == f"p{label}"
        page.keyboard.press("Escape")
        assert not page.locator("#cite-widget").is_visible()
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [320, 390, 430])
@pytest.mark.parametrize("kind", ["home", "tag", "TAGS index"])
def test_lists_never_break_inside_an_id_a_date_or_a_marking(browser, served, kind, width):
    base, _ = served
    page = open_sized(browser, f"{base}/{KINDS[kind]}", width, 900)
    try:
        broken = page.evaluate("""() => [...document.querySelectorAll('main .id, main time, main .cls, main code, .banner-marking')]
            .filter(e => e.getClientRects().length > 1 || e.scrollWidth > e.clientWidth + 1 && getComputedStyle(e).display !== 'inline')
            .map(e => e.textContent)""")
        assert not broken, f"{kind} at {width} px breaks {broken[:5]}"
        colours = page.evaluate("""() => [...document.querySelectorAll('.cls')].map(e =>
            [e.className, getComputedStyle(e).backgroundColor])""")
        for css, colour in colours:  # each marking in its banner colour, white text readable on it
            assert colour == {"cls cls-confidential": "rgb(0, 51, 160)", "cls cls-unclassified": "rgb(0, 122, 51)",
                              "cls cls-secret": "rgb(200, 16, 46)"}.get(css, "rgb(74, 74, 74)"), (css, colour)
        separators = page.evaluate("""() => [...document.querySelectorAll('td.subj + td')].map(e =>
            getComputedStyle(e, '::before').content)""")
        assert all(s in ("none", "normal") for s in separators), separators  # a card line never opens with "·"
        assert page.evaluate("document.documentElement.scrollWidth") <= width
    finally:
        page.context.close()


@pytest.mark.parametrize("kind", ["home", "cable", "thread", "tag", "search"])
def test_two_families_one_scale_nothing_small(browser, served, kind):
    base, _ = served
    page, _ = open_enforced(browser, f"{base}/{KINDS[kind]}", width=390)
    try:
        seen = page.evaluate("""() => {
          const families = new Set(), small = [], chars = {};
          const walk = document.createTreeWalker(document.body, NodeFilter.SHOW_TEXT);
          for (let n = walk.nextNode(); n; n = walk.nextNode()) {
            const el = n.parentElement;
            if (!n.textContent.trim() || !el.getClientRects().length || el.closest('.visually-hidden, [hidden]')) continue;
            const s = getComputedStyle(el);
            if (s.visibility === 'hidden' || s.opacity === '0') continue;
            families.add(s.fontFamily.split(',')[0].trim());
            if (el.closest('main')) chars[s.fontSize] = (chars[s.fontSize] || 0) + n.textContent.trim().length;
            if (parseFloat(s.fontSize) < 12) small.push(el.tagName + ': ' + n.textContent.trim().slice(0, 30) + ' ' + s.fontSize);
          }
          // the body text: the size that most of the characters of the page's main part are set in
          const body = parseFloat(Object.entries(chars).sort((a, b) => b[1] - a[1])[0][0]);
          return {families: [...families], small, body};
        }""")
        assert len(seen["families"]) <= 2, seen["families"]
        assert not seen["small"], seen["small"][:5]
        assert seen["body"] >= 16, seen["body"]
    finally:
        page.context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_original_text_numbers_its_lines_beside_them_and_shows_a_linked_line(browser, served, width):
    base, _ = served
    page = open_sized(browser, f"{base}/cables/07BEIJING3239/source.html#L60", width, 800)
    try:
        got = page.evaluate("""() => {
            const items = document.querySelectorAll('.src .ln li'), text = document.querySelector('.src pre').firstChild;
            const lines = text.data.split('\\n'), range = document.createRange();
            const at = n => { let off = 0; for (let i = 0; i < n - 1; i++) off += lines[i].length + 1;
                              range.setStart(text, off); range.setEnd(text, off + 1); return range.getBoundingClientRect(); };
            const row = n => items[n - 1].getBoundingClientRect();
            return {drift: [1, 60, items.length].map(n => Math.abs(row(n).top + row(n).height / 2 - (at(n).top + at(n).height / 2))),
                    number: getComputedStyle(items[59], '::before').content, lit: items[59].style.background,
                    seen: row(60).top >= 0 && row(60).bottom <= innerHeight, left: row(60).right <= at(60).left};
        }""")
        # each number sits on its own line of text, from the first to the last (no drift down the page)
        assert max(got["drift"]) < 4, got
        assert got["number"] == "counter(list-item)" and got["left"]
        assert got["lit"] and got["seen"], got  # #L60 is lit and in view
    finally:
        page.context.close()
