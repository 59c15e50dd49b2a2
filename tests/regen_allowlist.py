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

from generator.read.audit import ALLOWLIST, Finding, Read, audit, read_all, short
from generator.errors import Problems
from generator.read.paragraphs import BODY_BANNER
from generator.tables import tag_codes

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


def prose_words(reads: list[Read]) -> tuple[collections.Counter, collections.Counter]:
    """How often each word occurs in the paragraphs of the corpus written in mixed case: as a word with lower-case
    letters (Human, rights), and in capitals (GOI, FTAA: an abbreviation). A TAGS token the prose writes so is a
    word or an abbreviation, not a code."""
    words: collections.Counter = collections.Counter()
    caps: collections.Counter = collections.Counter()
    for r in reads:
        for p in r.cable.paragraphs:
            if sum(ch.islower() for ch in p.text[:400]) < 40:
                continue  # a paragraph in capitals writes every word so
            words.update(re.findall(r"\b[A-Za-z][a-z]+\b", p.text))
            caps.update(re.findall(r"\b[A-Z]{2,}\b", p.text))
    return words, caps


def one_letter_from(tok: str, known: frozenset[str]) -> list[str]:
    """The known codes of four letters or more one letter away from tok (one letter changed, added or left out)."""
    def near(a: str, b: str) -> bool:
        if abs(len(a) - len(b)) > 1 or a == b:
            return False
        if len(a) == len(b):
            return sum(x != y for x, y in zip(a, b)) == 1
        short_, long_ = sorted((a, b), key=len)
        return any(long_[:k] + long_[k + 1:] == short_ for k in range(len(long_)))
    return sorted(c for c in known if len(c) >= 4 and near(tok.upper(), c))


def glued_ways(tok: str, known: frozenset[str]) -> list[list[str]]:
    """The cuts of tok into known codes of two to seven letters (at most three), as the parser's splitter tries."""
    ways: list[list[str]] = []

    def walk(rest: str, acc: list[str]) -> None:
        if len(ways) > 2:
            return
        if not rest:
            ways.append(acc)
            return
        for k in range(2, min(7, len(rest)) + 1):
            if rest[:k] in known:
                walk(rest[k:], acc + [rest[:k]])

    walk(tok, [])
    return ways


def tags_reason(tok: str, usage: collections.Counter, prose: tuple[collections.Counter, collections.Counter]) -> str:
    known = tag_codes()
    words, caps = prose
    n = usage.get(tok, 1)
    where = f"written in the TAGS of {n} cables of the corpus" if n > 1 else "no other cable of the corpus writes it"
    as_word = words.get(tok.lower(), 0) + words.get(tok.capitalize(), 0)
    near = one_letter_from(tok, known)
    if not tok.isupper():
        up = "in tags.csv" if tok.upper() in known else "not in tags.csv either"
        return (f"{tok}: written with lower-case letters in the TAGS line ({where}); {tok.upper()} is {up}; "
                "kept as written")
    if as_word >= 10 and len(tok) >= 4:
        kind = "a word" if words.get(tok.lower(), 0) else "a name"
        return (f"{tok}: {kind}, not a code: the prose of the corpus's mixed-case cables writes "
                f"'{tok.lower()}'/'{tok.capitalize()}' {as_word} times ({where}); kept as written and reported")
    if caps.get(tok, 0) >= 5 and len(tok) >= 3:
        return (f"{tok}: an abbreviation, not a code of tags.csv: the prose of the corpus's mixed-case cables writes "
                f"{tok} {caps[tok]} times ({where}); kept as written and reported")
    if len(tok) > 6:
        ways = glued_ways(tok, known)
        if len(ways) > 1:
            cuts = " / ".join(" ".join(w) for w in ways[:2])
            return (f"{tok}: codes run together that cut into known codes in more than one way ({cuts}), so the "
                    "splitter (which wants exactly one) leaves it; kept as written")
        return (f"{tok}: no cut of it into known codes exists; a word or a run of codes with one tags.csv lacks; "
                "kept as written")
    if len(tok) == 2:
        return f"{tok}: a two-letter code ({where}) that tags.csv does not list; kept as written"
    if n > 1:
        close = f"; one letter from {', '.join(near)}" if near else ""
        return f"{tok}: a code in use ({where}) that tags.csv lacks{close}; not added without a source; kept as written"
    if near:
        return (f"{tok}: one letter from the known code{'s' if len(near) > 1 else ''} {', '.join(near)} ({where}); "
                "a typo or a code tags.csv lacks, the text does not say which: not repaired, kept as written")
    seen = as_word + caps.get(tok, 0)
    prose_ = f"the mixed-case prose writes it {seen} times, too few to call it a word" if seen else \
        "the mixed-case prose never writes it"
    return (f"{tok}: {where}; no code of tags.csv, and no code of four letters or more one letter away; {prose_}; "
            "kept as written")


def person_reason(r: Read, f: Finding) -> str:
    name = f.detail.split(": ", 1)[1]
    subject = short(r.cable.subject or "", 70)
    return (f"{name}: a person named after OVIP without parentheses (the subject: {subject!r}); the parser keeps each "
            "word as a token; reported as a name, not as unknown codes")


def numbering_reason(r: Read, f: Finding) -> str:
    """What the text writes where the numbering skips: whether each missing number is written anywhere (as "N.",
    "¶N", "N)"), and where."""
    m = re.match(r"(\S+(?: \S+)?) (\d+) -> (\d+)", f.detail)
    what, a, b = m.group(1), int(m.group(2)), int(m.group(3))
    text = r.doc.text
    if what not in ("skips from", "starts at"):
        return (f"the text numbers paragraph {b} after {a} (line {f.line}): the cable's own misnumbering, kept as "
                "written")
    missing = list(range(a + 1, b))
    span = f"{missing[0]}" if len(missing) == 1 else f"{missing[0]} to {missing[-1]}"
    seen = []
    for n in missing[:6]:
        hit = re.search(r"(?<![\d.,$/])(?:¶\s*)?%d\s?[.)](?!\d)" % n, text)
        if hit:
            seen.append(f"\"{n}.\" only in \"{short(text[max(0, hit.start() - 40): hit.end() + 25], 80)}\"")
    if what == "starts at":
        first = next(p for p in r.cable.paragraphs if p.number is not None)
        before = [p for p in r.cable.paragraphs[: r.cable.paragraphs.index(first)] if p.number is None]
        lead = (f"the body opens with the unnumbered block{'s' if len(before) > 1 else ''} "
                f"{', '.join('¶' + p.label for p in before)} ({short(before[-1].text, 50)!r}), then paragraph {b}"
                if before else f"the body opens with paragraph {b}")
    else:
        lead = f"the text goes from paragraph {a} to {b}"
    if not seen:
        return f"{lead}; no paragraph {span} is written (no \"N.\", \"¶N\" or \"N)\" for it anywhere): kept as written"
    return f"{lead}; " + "; ".join(seen) + ": no paragraph starts there, kept as written"


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


def reason(r: Read, f: Finding, usage: collections.Counter, words: collections.Counter) -> str:
    if f.check == "tags-unknown":
        return tags_reason(f.detail.split(": ", 1)[1], usage, words)
    if f.check == "tags-person":
        return person_reason(r, f)
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
    words = prose_words(reads)
    rows: dict[tuple[str, str, str], str] = {}
    for r in reads:
        for f in audit(r):
            key = (r.cable.id, f.check, f.detail)
            if key not in rows:
                rows[key] = old.get(key) or reason(r, f, usage, words)
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
