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
