"""Releases: the same cable from two builds of the publisher's site, kept side by side.

A WikiLeaks cable page says which state of the site it was made in (model.Snapshot: the latest release date
its sidebar lists, and its count of cables out). Two files of one cable whose snapshots (or, where a source
has none, whose publisher release times) differ are two releases of it: both are kept, one gives the reading
text (the latest, unless the annotation file's `release` names another), and the page shows what changed
between them. Files with the same bytes, or of the same release, are copies: the build keeps one.
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass

from ..model import Brief, Release

MONTH_NAMES = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")
SAFE_LABEL = re.compile(r"\d{4}-\d{2}-\d{2}(-\d+)?|undated(-\d+)?|release-\d+")
"""What a release label may be, so that it can name a file: a date, with a number where two share it."""


def marks(b: Brief) -> dict:
    """What tells a release from another: the snapshot's date and count, and the publisher's release time."""
    s = b.snapshot
    return {"as_of": s.as_of if s else None, "count": s.count if s else None, "released": b.released}


def distinct(a: Brief, b: Brief) -> bool:
    """Whether two copies of a cable are two releases: some mark both give differs (bytes aside)."""
    ma, mb = marks(a), marks(b)
    return any(ma[k] is not None and mb[k] is not None and ma[k] != mb[k] for k in ma)


def order_key(b: Brief) -> tuple:
    m = marks(b)
    return (m["as_of"] or (m["released"] or "")[:10], m["count"] or 0, m["released"] or "")


def label_of(b: Brief) -> str:
    m = marks(b)
    return m["as_of"] or (m["released"] or "")[:10] or "undated"


def choose(briefs: list[Brief], wanted: str | None) -> tuple[int | None, str | None]:
    """The index (in `briefs`, oldest first) of the release that gives the reading text, and what is wrong
    with `wanted` where it names none or several."""
    labels = [label_of(b) for b in briefs]
    if wanted is None or wanted.lower() == "latest":
        return len(briefs) - 1, None
    if wanted.lower() == "earliest":
        return 0, None
    w = wanted.strip().lower()
    m = re.fullmatch(r"([a-z]{3})[a-z]*\s*(\d{4})", w)
    if m and m.group(1) in MONTH_NAMES:
        w = f"{m.group(2)}-{MONTH_NAMES.index(m.group(1)) + 1:02d}"
    hits = [k for k, lb in enumerate(labels) if lb == w or (len(w) == 7 and lb.startswith(w + "-"))]
    if len(hits) == 1:
        return hits[0], None
    named = ", ".join(labels)
    if hits:
        return None, f"release {wanted!r} names {len(hits)} releases of this cable ({named}); give the date"
    return None, (f"release {wanted!r} is not a release of this cable: the content holds {named} "
                  "(give a date, a month such as dec2010, or earliest / latest)")


def releases_of(cid: str, briefs: list[Brief], reading: int) -> tuple[Release, ...]:
    """The releases, oldest first, with their labels and file names (the reading one's file is the source's)."""
    labels, seen = [], {}
    for b in briefs:
        lb = label_of(b)
        seen[lb] = seen.get(lb, 0) + 1
        labels.append(lb if seen[lb] == 1 else f"{lb}-{seen[lb]}")
    out = []
    for k, (b, lb) in enumerate(zip(briefs, labels)):
        if not SAFE_LABEL.fullmatch(lb):
            lb = f"release-{k + 1}"  # a date written otherwise never names a file
        m = marks(b)
        out.append(Release(lb, m["as_of"], m["count"], m["released"], b.source.path, b.source.sha256,
                           b.source.size, b.key, b.index, b.words, k == reading,
                           f"{cid}.{lb}{release_suffix(b.source.path, b.source.format)}"))
    return tuple(out)


INERT = {".txt", ".csv", ".json", ".md"}


def release_suffix(path: str, fmt: str) -> str:
    """The ending of a release's verbatim file: as views.source_name makes it, inert in a browser."""
    dot = path.rfind(".")
    suffix = path[dot:].lower() if dot > path.rfind("/") else ".txt"
    if fmt == "cables-csv":
        suffix = ".csv"
    if not re.fullmatch(r"\.[a-z0-9]{1,8}", suffix):
        suffix = ".txt"
    return suffix if suffix in INERT else suffix + ".txt"


# --- what changed -----------------------------------------------------------------------------------

REDACTION = re.compile(r"(?i)x{6,}|\[[^\]]*redacted[^\]]*\]|redacted\]")
"""A redaction marker as the publisher prints it: a run of X (XXXXXXXXXXXX), or [... REDACTED]."""

CONTEXT = 6
"""Words of unchanged text shown on each side of a change."""
LONGEST = 80
"""Words of one side of a change shown at most; the rest is counted."""


def words(text: str) -> list[str]:
    return text.split()


def redacted(tokens: list[str]) -> bool:
    return any(REDACTION.search(t) for t in tokens)


@dataclass
class Change:
    before: list[str]
    removed: list[str]
    added: list[str]
    after: list[str]
    kind: str
    """"lifted" (a redaction marker gave way to words), "redacted" (words gave way to one), or "words"."""


def compare(old: str, new: str) -> dict:
    """The word changes from the text of one release to the next: each change with its context, and totals."""
    a, b = words(old), words(new)
    sm = difflib.SequenceMatcher(None, a, b, autojunk=False)
    changes = []
    added = removed = lifted = redactions = 0
    for tag, i1, i2, j1, j2 in sm.get_opcodes():
        if tag == "equal":
            continue
        gone, new_words = a[i1:i2], b[j1:j2]
        removed += len(gone)
        added += len(new_words)
        kind = "words"
        if redacted(gone) and not redacted(new_words) and new_words:
            kind, lifted = "lifted", lifted + 1
        elif redacted(new_words) and not redacted(gone) and gone:
            kind, redactions = "redacted", redactions + 1
        elif redacted(gone) and redacted(new_words) and new_words and gone:
            ga = sum(1 for t in gone if REDACTION.search(t))
            gb = sum(1 for t in new_words if REDACTION.search(t))
            if ga > gb:
                kind, lifted = "lifted", lifted + 1
            elif gb > ga:
                kind, redactions = "redacted", redactions + 1
        changes.append(Change(b[max(0, j1 - CONTEXT):j1], gone, new_words, b[j2:j2 + CONTEXT], kind))
    return {"changes": changes, "added": added, "removed": removed, "lifted": lifted, "redacted": redactions}


def shown(tokens: list[str]) -> dict:
    """One side of a change as the page shows it: at most LONGEST words, and how many more there are."""
    return {"text": " ".join(tokens[:LONGEST]), "more": max(0, len(tokens) - LONGEST)}
