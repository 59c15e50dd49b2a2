"""Golden cables and the structure snapshot: how they are made, and the command that remakes them.

The golden files (tests/golden/cables/*.json) hold the `inspect --json` object of about 30 hard real cables of
../shared/corpus; tests/data/structure_snapshot.txt holds, one line per cable, the paragraph labels, portion
markings, headings and page breaks of every cable of ../shared/corpus. tests/test_golden_cables.py fails when
the parser's output differs from them. After a parser change whose diff you have read and accept, remake them
on purpose, from the repository root:

    .venv/bin/python -m tests.regen_golden            # both: golden cables and structure snapshot
    .venv/bin/python -m tests.regen_golden --golden   # only tests/golden/cables/
    .venv/bin/python -m tests.regen_golden --snapshot # only tests/data/structure_snapshot.txt

then review `git diff tests/golden/cables tests/data/structure_snapshot.txt` and commit it with the change.
The tests never write these files.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Iterator

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))  # run as a script from anywhere

from generator.errors import CableError, Problems  # noqa: E402
from generator.read.inspect import as_json  # noqa: E402
from generator.model import Cable  # noqa: E402
from generator.read.parse import parse_document  # noqa: E402
from generator.read.readers import CableRowError, read_bytes, read_path  # noqa: E402

SHARED = ROOT.parent / "shared"
CORPUS = SHARED / "corpus"
GOLDEN_DIR = ROOT / "tests" / "golden" / "cables"
SNAPSHOT = ROOT / "tests" / "data" / "structure_snapshot.txt"
REGEN = ".venv/bin/python -m tests.regen_golden"

NOT_CABLES = {"metadata.json", "versions.json", "provenance.json"}
"""Files of the corpus that describe it: never cables."""
HTML_SUFFIXES = {".html", ".htm"}

# --- reading ------------------------------------------------------------------------------------------


def read_cables(path: Path, problems: Problems) -> list[Cable]:
    """Every cable of one corpus file, read as `build` reads it; a file that cannot be read is a problem.

    A full WikiLeaks page is sniffed today from its first 4 KB, where the cable table is not yet: such a
    page is read as raw text. Until the sniffing of issue 17 point 1 lands, an .html file that is not
    recognised as HTML is read again as wikileaks-html; afterwards this fallback is never taken.
    """
    name = str(path)
    try:
        docs = list(read_path(path))
        if (path.suffix.lower() in HTML_SUFFIXES and len(docs) == 1 and not isinstance(docs[0], CableRowError)
                and "html" not in docs[0].source.format):
            docs = [read_bytes(path.read_bytes(), name, "wikileaks-html")]
    except CableError as e:
        problems.error(name, e.line, e.message)
        return []
    cables = []
    for doc in docs:
        if isinstance(doc, CableRowError):
            problems.error(doc.path, doc.line, doc.message)
            continue
        try:
            cables.append(parse_document(doc, problems))
        except CableError as e:
            problems.error(name, e.line, e.message)
    return cables


def corpus_files() -> list[Path]:
    """Every cable file of ../shared/corpus: dev texts and fragments, both page builds, the format variants."""
    files = [p for p in CORPUS.rglob("*") if p.is_file() and p.name not in NOT_CABLES
             and not p.name.startswith(".")]
    return sorted(files, key=lambda p: p.relative_to(CORPUS).as_posix())


def key_of(path: Path) -> str:
    """A corpus file's name in the golden and snapshot files: its path below ../shared/corpus."""
    try:
        return path.relative_to(CORPUS).as_posix()
    except ValueError:  # ../shared may be a link
        return path.resolve().relative_to(CORPUS.resolve()).as_posix()


# --- golden cables ------------------------------------------------------------------------------------

def golden_json(cable: Cable) -> dict:
    """The inspect --json object of a cable, with its source path made independent of the checkout."""
    data = as_json(cable)
    try:
        data["source"]["path"] = "../shared/corpus/" + key_of(Path(data["source"]["path"]))
    except ValueError:
        pass  # not in the corpus: kept as given
    return data


def golden_name(key: str) -> str:
    """The golden file of a corpus file: dev/07BEIJING3239.txt -> dev__07BEIJING3239.txt.json."""
    return key.replace("/", "__") + ".json"


def dump(data: object) -> str:
    """JSON as the golden files are written: stable, one value per line, readable in a diff."""
    return json.dumps(data, ensure_ascii=False, indent=1) + "\n"


def parse_case(key: str) -> list[dict]:
    """The golden objects of one case file as the parser reads it now, and its problems as text."""
    problems = Problems()
    cables = read_cables(CORPUS / key, problems)
    out = [golden_json(c) for c in cables]
    if not out:
        raise SystemExit(f"{key}: no cable read ({'; '.join(str(p) for p in problems)})")
    return out


def write_golden() -> int:
    """Write one golden file per case and the README that says why each was chosen; return the count."""
    GOLDEN_DIR.mkdir(parents=True, exist_ok=True)
    wanted = {golden_name(k) for k, _ in CASES}
    for old in GOLDEN_DIR.glob("*.json"):
        if old.name not in wanted:
            old.unlink()
    for key, _ in CASES:
        objs = parse_case(key)
        (GOLDEN_DIR / golden_name(key)).write_text(dump(objs[0] if len(objs) == 1 else objs), encoding="utf-8")
    (GOLDEN_DIR / "README.md").write_text(readme(), encoding="utf-8")
    return len(CASES)


def readme() -> str:
    """The golden folder's README: what the files are, how to remake them, and why each cable is here."""
    rows = "\n".join(f"| `{golden_name(k)}` | `../shared/corpus/{k}` | {why} |" for k, why in CASES)
    return f"""# Golden cables

Each file is the exact `build.py inspect --json` object (the public contract: generator/inspect.py) of one hard
real cable of ../shared/corpus, with `source.path` written relative to the checkout.
tests/test_golden_cables.py parses each source and fails, naming the field (`paragraphs[3].label`), when the
parser's output differs in any value.

A difference is either a regression to fix or an improvement to accept. Accept it on purpose only, after reading
the test's report and `git diff`:

    {REGEN} --golden

This file is written by that command from `CASES` in tests/regen_golden.py: add or remove cases there.

| golden file | source | why it is here |
|---|---|---|
{rows}
"""


# --- structure snapshot -------------------------------------------------------------------------------


def structure(cable: Cable) -> str:
    """The paragraph structure of a cable in one line of tokens.

    One token per paragraph: its label, its portion marking in parentheses, and ^P/N for each page break in it
    (^? where the break line gives no number). A heading is the token «text» before the first paragraph it
    heads, «=» before each further paragraph carrying the same heading.
    """
    tokens, last = [], None
    for p in cable.paragraphs:
        if p.heading is not None:
            tokens.append("«=»" if p.heading == last else "«" + p.heading.replace("\n", "\\n") + "»")
        last = p.heading
        tok = p.label + (f"({p.marking})" if p.marking else "")
        for b in p.page_breaks:
            tok += "^" + ("?" if b.page is None else str(b.page)) + ("" if b.of is None else f"/{b.of}")
        tokens.append(tok.replace(" ", "_"))
    return " ".join(tokens) if tokens else "-"


def snapshot_lines(files: list[Path] | None = None) -> dict[str, str]:
    """The snapshot of every corpus file, in one pass: key -> "id<TAB>tokens" (or "!problem" where unread)."""
    out: dict[str, str] = {}
    for path in corpus_files() if files is None else files:
        key = key_of(path)
        problems = Problems()
        cables = read_cables(path, problems)
        if not cables:
            out[key] = "!" + "; ".join(p.message for p in problems.errors)[:200]
        for i, cable in enumerate(cables):
            out[key if len(cables) == 1 else f"{key}#{i + 1}"] = f"{cable.id}\t{structure(cable)}"
    return out


SNAPSHOT_HEAD = (
    "# Paragraph structure of every cable of ../shared/corpus, one line each: file<TAB>id<TAB>tokens.\n"
    "# Token: label(marking)^page/of per page break; «heading» before the paragraph it heads, «=» the same again.\n"
    f"# Written by `{REGEN} --snapshot`, never by a test; tests/test_golden_cables.py compares.\n"
)


def format_snapshot(lines: dict[str, str]) -> str:
    return SNAPSHOT_HEAD + "".join(f"{k}\t{v}\n" for k, v in sorted(lines.items()))


def load_snapshot(path: Path = SNAPSHOT) -> dict[str, str]:
    """The stored snapshot as key -> "id<TAB>tokens"."""
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("#"):
            key, _, rest = line.partition("\t")
            out[key] = rest
    return out


def write_snapshot() -> int:
    lines = snapshot_lines()
    SNAPSHOT.parent.mkdir(parents=True, exist_ok=True)
    SNAPSHOT.write_text(format_snapshot(lines), encoding="utf-8")
    return len(lines)


# --- the cases ----------------------------------------------------------------------------------------

# Chosen by difficulty (the features counted over the corpus and the findings of `build.py audit`), each for
# what makes it hard to read; a page kept in both builds is here in both once.
CASES: tuple[tuple[str, str], ...] = (
    ("dev/07KABUL3848.txt", "lettered sub-paragraphs (3a ...) across 4 sections, page breaks inside them"),
    ("pages/apr2011/07TELAVIV2652.html", "full page: sub-paragraphs, 5 sections, glued TAGS, SBU and SECRET markings"),
    ("pages/dec2010/07TELAVIV2652.html", "the same cable as the December 2010 build of the page"),
    ("pages/apr2011/10REYKJAVIK31.html", "full page: 10 sections, '001.2 OF' page lines, sub-paragraphs, glued TAGS"),
    ("dev/08BEIJING3662.txt", "page lines of the '004.2 OF 005' variant, 5 REF items, headings"),
    ("dev/90CAPETOWN97.txt", "1990 old-style header, PAGE 02 CAPE T 00097 lines, a SUMMARY heading framed by dashes"),
    ("dev/00HARARE6677.txt", "PAGE NN page lines (9 breaks), partial extract"),
    ("dev/89PANAMA8545.txt", "1989 old-style header, 5 sections, 'SECRET - ENTIRE TEXT' paragraph, framed SUMMARY"),
    ("dev/86MADRID5480.txt", "1986 old-style header with 3 REF items"),
    ("dev/79TEHRAN8980.txt", "1979 cable: old-style header and banner"),
    ("dev/88BAGHDAD28.txt", "a splice: a SECRET STATE body under a 1988 BAGHDAD header"),
    ("dev/10MEXICO614.txt", "a splice: the SECRET body of ISLAMABAD 416 under the UNCLAS header of MEXICO 614"),
    ("pages/apr2011/09BANGKOK706.html", "full page the audit flags as a splice (page line of another cable)"),
    ("dev/06ABUDHABI1725.txt", "15 REF items, partial extract, 4 sections, NOFORN"),
    ("dev/08MANAGUA573.txt", "12 REF items, 8 sections, 7 page breaks"),
    ("pages/apr2011/08STATE50524.html", "full page: 13 REF items, signer followed by NNNN, SECRET//NOFORN"),
    ("dev/08MANAMA795.txt", "signer glued between a website banner and NNNN on one line, 3 REF items"),
    ("dev/05PARAMARIBO725.txt", "NNNN at the end of a partial extract"),
    ("pages/apr2011/08ISLAMABAD2524.html", "full page: NNNN, SBU and S//NF portion markings, headings"),
    ("dev/06CARACAS958.txt", "framed summary, '001.2 OF' page lines, 7 REF items, SECRET//NOFORN"),
    ("dev/06CARACAS219.txt", "framed summary, 6 sections; publisher's NOFORN is in the text (publisher error)"),
    ("dev/09ABUJA1907.txt", "keywords in mixed case ('Ref:'), framed summary, 4 sections"),
    ("dev/09BERLIN1360.txt", "mixed-case REF, '001.2 OF' page lines, SBU portions, 29 paragraphs"),
    ("pages/apr2011/05NEWDELHI9527.html", "full page: glued TAGS, 5 REF items, 5 sections"),
    ("dev/06PARIS2242.txt", "glued TAGS, SBU paragraphs, 4 sections"),
    ("dev/05VILNIUS732.txt", "front matter repeated on one line after the first, partial extract"),
    ("dev/06THEHAGUE2654.txt", "a repeated header block with an UNCLASSIFIED//FOR OFFICIAL USE ONLY line (SBU)"),
    ("dev/09DOHA214.txt", "a SECTION banner the audit sees taken for the cable's banner"),
    ("dev/06GENEVA2030.txt", "most audit findings of dev: page lines, a metadata line among the recipients"),
    ("pages/apr2011/08LONDON1761.html", "full page: '(TS)' in text that is no portion marking, REF item ') STATE 064404'"),
    ("dev/06BRIDGETOWN2164.txt", "TOP SECRET in paragraph text of an unclassified cable"),
    ("dev/09QUITO935.txt", "sub-paragraphs, a mixed-case subject that wraps, the header block repeated"),
    ("dev/09STATE120288.txt", "70 paragraphs over 8 sections, 7 page breaks"),
    ("format_variants/release_versions/72TEHRAN1164.dec2010_chillicoder.txt",
     "1972 cable of another release: R DTG, no DE line, BEGIN SUMMARY, REF items split by colons"),
    ("format_variants/pdf_text/09PARIS1040.txt", "text extracted from a PDF: CRLF line ends, mangled pilcrows"),
)


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description="Remake the golden cables and/or the structure snapshot, on purpose.")
    ap.add_argument("--golden", action="store_true", help="only tests/golden/cables/")
    ap.add_argument("--snapshot", action="store_true", help="only tests/data/structure_snapshot.txt")
    args = ap.parse_args(argv)
    if not CORPUS.is_dir():
        print(f"regen_golden: {CORPUS} is absent; nothing written", file=sys.stderr)
        return 2
    both = not (args.golden or args.snapshot)
    if both or args.golden:
        print(f"wrote {write_golden()} golden cables to {GOLDEN_DIR.relative_to(ROOT)}/")
    if both or args.snapshot:
        print(f"wrote the structure of {write_snapshot()} cables to {SNAPSHOT.relative_to(ROOT)}")
    print("review `git diff tests/golden tests/data/structure_snapshot.txt` before committing")
    return 0


if __name__ == "__main__":
    sys.exit(main())
