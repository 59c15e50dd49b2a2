"""Markdown for editorial text: CommonMark with raw HTML off, safe link schemes, cable ids linked."""

from __future__ import annotations

import re
from typing import Callable

from markdown_it import MarkdownIt

SAFE_SCHEMES = ("http:", "https:", "mailto:")
CABLE_MENTION = re.compile(r"(?<![\w\[/])(\d{2}[A-Z]{2,}\d{1,6})(?: ¶(\d{1,3}[a-z]?)(?:[-–](\d{1,3}[a-z]?))?)?(?![\w\]])")


def _validate(url: str) -> bool:
    u = url.strip().lower()
    if ":" not in u.split("/", 1)[0]:
        return True  # relative
    return u.startswith(SAFE_SCHEMES)


def make_markdown() -> MarkdownIt:
    md = MarkdownIt("commonmark", {"html": False, "linkify": False, "typographer": False})
    md.validateLink = _validate
    md.disable("image")  # the edition shows no remote images (offline, strict CSP)
    return md


_MD = make_markdown()


def render(text: str, link_cable: Callable[[str, str | None], str | None] | None = None) -> str:
    """Render editorial Markdown to HTML; mentions of collection cables ("07BEIJING6872 ¶2") become links."""
    if link_cable:
        def sub(m: re.Match) -> str:
            url = link_cable(m.group(1), m.group(2))
            return f"[{m.group(0)}]({url})" if url else m.group(0)
        text = CABLE_MENTION.sub(sub, text)
    return _MD.render(text)


def render_inline(text: str, link_cable=None) -> str:
    """Render a one-paragraph text without the wrapping <p>."""
    html = render(text, link_cable).strip()
    if html.startswith("<p>") and html.endswith("</p>") and html.count("<p>") == 1:
        html = html[3:-4]
    return html


def split_lead(text: str, at_least: int = 120, at_most: int = 240) -> tuple[str, str]:
    """Cut editorial Markdown after its first sentences (at least `at_least` characters, never past the first
    paragraph), outside any link or parenthesis: the part a page shows at once, and the rest. A first sentence
    longer than `at_most` is cut at its last comma, colon or semicolon before that, with an ellipsis on both
    sides of the cut."""
    depth = 0
    end = len(text)
    clause = None
    k = 0
    while k < len(text):
        ch = text[k]
        if ch in "[(":
            depth += 1
        elif ch in "])":
            depth = max(0, depth - 1)
        elif text.startswith("\n\n", k) and depth == 0:
            end = k
            break
        elif ch == "." and depth == 0 and k >= at_least and _sentence_end(text, k):
            end = k + 1
            break
        elif ch in ",:;" and depth == 0 and at_least // 2 <= k < at_most and text[k + 1:k + 2].isspace():
            clause = k
        k += 1
    if end > at_most and clause is not None:
        return text[:clause + 1].strip() + " \u2026", "\u2026 " + text[clause + 1:].strip()
    return text[:end].strip(), text[end:].strip()


def _sentence_end(text: str, k: int) -> bool:
    """A full stop that ends a sentence: a word of two letters or more before it, a capital after a space."""
    after = text[k + 1:k + 3]
    if len(after) < 2 or after[0] not in " \n" or not (after[1].isupper() or after[1] in "[\"*"):
        return False
    word = re.search(r"(\S+)$", text[:k])
    return bool(word) and len(word.group(1).strip("([\"*")) > 1 and not word.group(1).isupper()
