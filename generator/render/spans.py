"""Where a paragraph's words lie in the verbatim source, so that the data record can point at them instead of
carrying a second copy of the text.

The rule a reader applies to rebuild a paragraph (`rebuild`): take lines `first` to `last` of the source file
(numbered as the record's `source.line` says the file is), leave out the lines the record lists as page or
section breaks of that paragraph, begin the first line at `column` (after the paragraph's label and portion marking), strip each line of the
white space at its ends, and join them: a line wrap becomes one space, one or more blank lines between two
blocks become two newlines. A paragraph is given this
way only where that rule gives back its text exactly; any other keeps its text in the record.
"""

from __future__ import annotations

import html

from ..model import Paragraph
from ..read.paragraphs import SUMMARY_END, SUMMARY_START

HTML_FORMATS = ("wikileaks-html",)
"""Source formats whose text lines carry HTML character references, undone before the words are compared."""


def source_lines(data: bytes, encoding: str, format_: str) -> list[str]:
    """The lines of a source file as the rebuild rule reads them (character references undone in HTML)."""
    text = data.decode(encoding, errors="replace").replace("\r\n", "\n").replace("\r", "\n")
    if format_ in HTML_FORMATS:
        text = html.unescape(text)
    return text.split("\n")


def span_of(p: Paragraph, lines: list[str], first_line: int) -> dict | None:
    """The lines and start column that rebuild the paragraph's text exactly, or None where the rule can't."""
    text = p.text
    start = p.line - first_line
    if not text or start < 0 or start >= len(lines):
        return None
    at = lines[start].find(text.split(None, 1)[0])
    if at < 0:
        return None
    breaks = _break_lines(p)
    for last, got in _joined(lines, start, at, breaks):
        if len(got) >= len(text) or not text.startswith(got):
            return {"first": p.line, "last": last + first_line, "column": at} if got == text else None
    return None


def rebuild(lines: list[str], first_line: int, span: dict, breaks: set[str]) -> str:
    """A paragraph's text from the source lines, by the rule in this module's docstring."""
    got = ""
    for last, got in _joined(lines, span["first"] - first_line, span["column"], breaks):
        if last + first_line >= span["last"]:
            break
    return got


def _joined(lines: list[str], start: int, column: int, breaks: set[str]):
    """Yield (line index, text so far) as the lines from `start` are joined: a wrap becomes one space, one or
    more blank lines a paragraph break (two newlines); break lines are skipped."""
    got = lines[start][column:].strip()
    yield start, got
    blank = False
    for i in range(start + 1, len(lines)):
        line = lines[i].strip()
        if not line:
            blank = True
            continue
        if line in breaks:
            continue
        got += ("\n\n" if blank else " ") + line
        blank = False
        yield i, got


def _break_lines(p: Paragraph) -> set[str]:
    """The lines a paragraph's page and section breaks take in the source, stripped."""
    lines = {b.line.strip() for b in p.page_breaks}
    for s in p.section_breaks:
        lines.update(x.strip() for x in s.lines)
    return lines


def record_breaks(paragraph: dict) -> set[str]:
    """The break lines of one paragraph of a data record (the same set `_break_lines` takes from the model)."""
    lines = {b["line"].strip() for b in paragraph.get("page_breaks", [])}
    for s in paragraph.get("section_breaks", []):
        lines.update(x.strip() for x in s["lines"])
    return lines


def record_texts(record: dict, data: bytes) -> list[str]:
    """Every paragraph's text of a cable's data record, rebuilt from the source file's bytes where the record
    points at them (a reader's tool does the same with the rule above)."""
    src = record["source"]
    lines = source_lines(data, src["encoding"], src["format"])
    return [p["text"] if "text" in p else rebuild(lines, src["line"], p["span"], record_breaks(p))
            for p in record["paragraphs"]]


def summary_cut(summary, paragraphs: list[Paragraph]) -> dict | None:
    """Where the cable's summary lies among its paragraphs' texts, or None where the rule of `summary_text`
    does not give it back exactly: the indexes of its first and last paragraph, how many characters of the
    first it leaves out (its "Summary:" label) and where it stops in the last (its "End Summary")."""
    labels = [p.label for p in paragraphs]
    if labels.count(summary.start) != 1 or labels.count(summary.end) != 1:
        return None
    first, last = labels.index(summary.start), labels.index(summary.end)
    if last < first:
        return None
    texts = [p.text for p in paragraphs[first:last + 1]]
    start = SUMMARY_START.match(texts[0])
    head = start.end() if start else 0
    ends = SUMMARY_END.search(texts[-1], head if first == last else 0)
    cut = {"paragraphs": [first, last], "head": head, "tail": ends.start() if ends else None}
    for candidate in (cut, {**cut, "head": 0}):
        if summary_text(candidate, [p.text for p in paragraphs]) == summary.text:
            return candidate
    return None


def summary_text(cut: dict, texts: list[str]) -> str:
    """The summary from the paragraphs' texts: paragraphs `first` to `last`, the first from character `head`,
    the last up to character `tail` (to its end where null), each stripped, joined by two newlines."""
    first, last = cut["paragraphs"]
    parts = texts[first:last + 1]
    if not parts:
        return ""
    tail = cut["tail"]
    if tail is not None:
        parts[-1] = parts[-1][:tail]
    parts[0] = parts[0][cut["head"]:]
    return "\n\n".join(t for t in (x.strip() for x in parts) if t)


def record_summary(record: dict, texts: list[str]) -> str | None:
    """The summary's text of a data record, given its paragraphs' texts (`record_texts`)."""
    s = record["summary"]
    if s is None:
        return None
    return s["text"] if "text" in s else summary_text(s["cut"], texts)
