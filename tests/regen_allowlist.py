"""Remake tests/data/audit_allowlist.csv on purpose: `python -m tests.regen_allowlist`.

Every finding of `build.py audit` over ../shared/corpus/dev and ../shared/corpus/pages gets one row. A row already in
the list keeps its reason (the reasons are reviewed by reading the cable; this script never overwrites one); a new
row gets the reason its evidence supports, computed from the cable (how many cables write a TAGS token, where the
text writes a missing paragraph number, what a front-matter block is), and is to be read before the list is
committed. Rows whose finding is gone are dropped. Nothing here decides what the parser does.
"""

from __future__ import annotations

import collections
import csv
import re
import sys
from pathlib import Path

from generator.audit import ALLOWLIST, Finding, Read, audit, read_all
from generator.errors import Problems
from generator.paragraphs import BODY_BANNER

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "corpus"
REVIEWED_CHECKS = ("splice", "signer-missed", "summary", "ref-unresolved", "front-matter-in-body", "numbering")
"""Checks whose kept reasons were written by reading the cable (the others are remade from their evidence)."""
FIELD_AT_START = re.compile(r"^\W{0,3}(REF|SUBJECT|Classified By|CLASSIFIED BY|E\.O\.|TAGS|DECL)", re.I)


def corpus_paths() -> list[Path]:
    return (sorted((SHARED / "dev").glob("*.txt")) + sorted((SHARED / "pages" / "apr2011").glob("*.html"))
            + sorted((SHARED / "pages" / "dec2010").glob("*.html")))


def tags_usage(reads: list[Read]) -> collections.Counter:
    """How many cables (by id) write each TAGS token."""
    seen: dict[str, set[str]] = collections.defaultdict(set)
    for r in reads:
        for tok in re.split(r"[\s,;]+", r.cable.tags_as_written or ""):
            if tok:
                seen[tok].add(r.cable.id)
    return collections.Counter({t: len(ids) for t, ids in seen.items()})


def tags_reason(tok: str, usage: collections.Counter) -> str:
    n = usage.get(tok, 1)
    where = f"{n} cables of the corpus write it" if n > 1 else "no other cable of the corpus writes it"
    if not tok.isupper():
        return f"{tok}: written in lower or mixed case in the TAGS line; no code of tags.csv; kept as written"
    if len(tok) > 8:
        return f"{tok}: codes run together with a part that tags.csv lacks, so not split; kept as written"
    if len(tok) >= 6:
        return f"{tok}: a word or name written in the TAGS line, not a TAGS code; kept as written and reported"
    if len(tok) == 2:
        return f"{tok}: a two-letter code of the TAGS line ({where}) that tags.csv does not list; kept as written"
    if n > 1:
        return (f"{tok}: in use in TAGS lines ({where}) but missing from tags.csv (a code the table lacks, or a "
                "post's abbreviation); not added without a source; kept as written")
    return (f"{tok}: written in this cable's TAGS only ({where}); tags.csv does not list it (a code the table "
            "lacks, an abbreviation, a word or a typo); kept as written")


def numbering_reason(r: Read, f: Finding) -> str:
    m = re.match(r"(\S+(?: \S+)?) (\d+) -> (\d+)", f.detail)
    what, a, b = m.group(1), int(m.group(2)), int(m.group(3))
    text = r.doc.text
    if what in ("skips from", "starts at"):
        miss = a + 1
        hit = re.search(r"(?<![\d.,$/])%d\s?\.\s+\S" % miss, text)
        if not hit:
            return f"the text holds no paragraph {miss} (no \"{miss}.\" anywhere): the cable's own numbering skips"
        around = re.sub(r"\s+", " ", text[max(0, hit.start() - 40): hit.start() + 30])
        return (f"\"{miss}.\" is written only where no paragraph starts (\"{around}\"): not taken as paragraph "
                f"{miss}, as the numbering rule wants")
    return (f"paragraph {b} {what} {a} as the text numbers its paragraphs at line {f.line} (a second copy of the "
            "text in the record, a quoted list, or the cable's own misnumbering)")


def front_matter_reason(r: Read, f: Finding) -> str:
    c = r.cable
    label = f.detail.split(":")[0].lstrip("¶")
    p = next(p for p in c.paragraphs if p.label == label)
    numbered = [q for q in c.paragraphs if q.number is not None]
    if not numbered and BODY_BANNER.match(p.text.lstrip(' ",')):
        return ("the record is cut short: its body is nothing but its head printed again (banner to TAGS), kept "
                "as text so that nothing is lost")
    first = c.paragraphs.index(numbered[0]) if numbered else len(c.paragraphs)
    if p.number is None and c.paragraphs.index(p) < first and FIELD_AT_START.match(p.text):
        return (f"the front matter (parse.py) stopped before this line: the {f.detail.split(': ')[1]} field is left "
                f"as the unnumbered block ¶{label} before the first paragraph")
    return "a front-matter keyword inside the paragraph's text (to be read)"


def reason(r: Read, f: Finding, usage: collections.Counter) -> str:
    if f.check == "tags-unknown":
        return tags_reason(f.detail.split(": ", 1)[1], usage)
    if f.check == "numbering":
        return numbering_reason(r, f)
    if f.check == "front-matter-in-body":
        return front_matter_reason(r, f)
    if f.check == "recipient-body":
        return recipient_reason(f.detail)
    return "(to be read)"


def recipient_reason(detail: str) -> str:
    """What the line taken as an addressee is (left for header.py, whose addressee block runs on into it)."""
    line = detail.split(": ", 1)[1]
    if "header ends" in line:
        what = "the publisher's '----- header ends -----' line"
    elif re.match(r"(?i)destination:|id:\d", line):
        what = "a field of the publisher's record ('destination:', 'ID: ... Cable dated:')"
    elif re.match(r"^\d[\d ,:/-]*\d{4}|^\d{2}:\d\d,|^\d{4}-\d\d-\d\d", line):
        what = "the publisher's database row (its number, date, id and origin)"
    else:
        what = "header lines run together without their line ends (several addressees, or the DTG and FM)"
    return (f"header.py (not this audit's owner): the addressee block runs on into {what}; the line is no "
            "addressee, left for the header's owner")


def main() -> int:
    reads = list(read_all(corpus_paths(), Problems()))
    old = {}
    if ALLOWLIST.exists():
        with ALLOWLIST.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                if row["check"] in REVIEWED_CHECKS and not row["reason"].startswith(("open", "(to be read)")):
                    old[(row["id"], row["check"], row["detail"])] = row["reason"]
    usage = tags_usage(reads)
    rows: dict[tuple[str, str, str], str] = {}
    for r in reads:
        for f in audit(r):
            key = (r.cable.id, f.check, f.detail)
            if key not in rows:
                rows[key] = old.get(key) or reason(r, f, usage)
    with ALLOWLIST.open("w", newline="", encoding="utf-8") as out:
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["id", "check", "detail", "reason"])
        for k in sorted(rows):
            w.writerow([*k, rows[k]])
    left = sum(v.startswith(("open", "(to be read)")) or "(to be read)" in v for v in rows.values())
    print(f"{len(rows)} rows, {left} still to be read", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
