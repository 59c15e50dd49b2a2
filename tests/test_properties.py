"""Property tests for the cable parser: random, mutated, truncated and spliced inputs, grown from real cables.

For every input, reading it as a build does (`generator.read.load.read_file`) returns Cables and records
problems, and each format reader with `parse_document` either returns a Cable or raises `CableError`
with a message; no other exception, no input takes a second or more, and every Cable has an id and
text that can be written as UTF-8.

Seeds are a fixed sample of ../shared/corpus (dev cables, their HTML pages, the format variants) when it
is beside the project, plus the two seed cables and cables.csv / PlusD / HTML files made from one of them,
so that every format is covered even without the corpus. Runs are derandomized for CI; set
PARSER_FUZZ_EXAMPLES=N to try N times as many examples, with fresh random choices, while hunting bugs.
"""

from __future__ import annotations

import json
import os
import re
import time
from datetime import timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from generator.errors import CableError, Problems
from generator.read.inspect import as_json
from generator.read.load import read_file
from generator.model import Cable
from generator.read.parse import parse_document
from generator.read.readers import READERS, CableRowError, read_bytes, read_path, read_plusd

from .conftest import SEED_3239, SEED_6872, SHARED

LIMIT = 1.0
"""Seconds one input may take to read; the slowest real cable takes about 15 ms."""

MAX_INPUT = 256 * 1024
"""Largest input drawn: the longest Cablegate cables are a few hundred KB, and the time limit is for those."""

SCALE = int(os.environ.get("PARSER_FUZZ_EXAMPLES", "1"))


def fuzz(examples: int) -> settings:
    """Settings for one property: reproducible in CI, no example database to drift between machines."""
    return settings(
        max_examples=examples * SCALE,
        derandomize=SCALE == 1,
        database=None,
        # The body checks LIMIT per read, and reads a file twice (with and without read_file's safety net), or
        # three times when a read is slow: the deadline only backs that up.
        deadline=timedelta(seconds=4 * LIMIT),
    )


# --- seeds ------------------------------------------------------------------------------------------

def _every(files: list[Path], count: int) -> list[Path]:
    """`count` files spread evenly over a sorted list, so the sample does not depend on the file system."""
    files = sorted(files)
    step = max(1, len(files) // count)
    return files[::step][:count]


def _csv_field(value: str) -> str:
    # The Cablegate dump escapes quotes and backslashes with a backslash, as read_csv expects.
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def _made_from_seed() -> dict[str, bytes]:
    """A cables.csv, a PlusD list and a WikiLeaks HTML page holding seed 6872, for formats the corpus lacks."""
    text = SEED_6872.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    row = [_csv_field(v) for v in ("1", "10/29/2007 5:48", "07BEIJING6872", "Embassy Beijing", "UNCLASSIFIED",
                                   "07BEIJING1063|07STATE1", header, body)]
    second = [_csv_field(v) for v in ("2", "5/15/2007 3:01", "07BEIJING3239", "Embassy Beijing", "CONFIDENTIAL",
                                      "", "", SEED_3239.read_text(encoding="utf-8"))]
    csv = ",".join(row) + "\n" + ",".join(second) + "\n"
    record = {"Canonical ID": "07BEIJING6872_a", "Date": "2007 October 29, 05:48 (Monday)",
              "TAGS": "PREL - Political Affairs--External Political Relations | CH - China (Mainland)",
              "Metadata": header, "Raw content": body}
    plusd = json.dumps([record, dict(record, **{"Canonical ID": "07BEIJING6873"})], indent=1)
    page = ("<html><body><h3>S/CRS WORKS WITH CHINA</h3>\n<table class='cable'>\n"
            "<tr><th>Reference ID</th><th>Created</th><th>Released</th><th>Classification</th><th>Origin</th></tr>\n"
            "<tr><td>07BEIJING6872</td><td>2007-10-29 05:48</td><td>2011-08-30 01:44</td><td>UNCLASSIFIED</td>"
            "<td>Embassy Beijing</td></tr>\n</table>\n<pre>" + header + "</pre>\n<pre>"
            + body.replace("TAGS: ", "TAGS: <a href='/tag/PREL_0.html'>PREL</a> ") + "</pre>\n</body></html>\n")
    return {"made.cables.csv": csv.encode(), "made.plusd.json": plusd.encode(), "made.html": page.encode()}


def _load_seeds() -> dict[str, bytes]:
    seeds = {p.name: p.read_bytes() for p in (SEED_3239, SEED_6872)}
    seeds.update(_made_from_seed())
    corpus = SHARED / "corpus"
    if corpus.is_dir():
        dev, variants = corpus / "dev", corpus / "format_variants"
        picked = _every(list(dev.glob("*.txt")), 40) + _every(list((dev / "raw_html").glob("*.html")), 10)
        picked += _every(list((variants / "pdf_text").glob("*.txt")), 8)
        picked += sorted((variants / "release_versions").glob("*.dec2010_*"))
        picked += sorted((variants / "scoop").glob("*.txt")) + sorted((variants / "plusd").glob("*.json"))
        picked.append(variants / "flattened_json" / "samples.json")
        seeds.update((p.name, p.read_bytes()) for p in picked if p.is_file())
    return dict(sorted(seeds.items()))


SEEDS = _load_seeds()
NAMES = list(SEEDS)
MARKUP = [n for n in NAMES if n.endswith((".html", ".json", ".csv"))]

seed_names = st.sampled_from(NAMES)


# --- the checks ---------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def scratch(tmp_path_factory) -> Path:
    # Module-scoped: all of a test's examples would share a function-scoped folder anyway (hypothesis warns).
    return tmp_path_factory.mktemp("fuzz")


def parse_strictly(path: Path) -> list[Cable]:
    """Read a file as read_file does, but let every exception other than CableError escape."""
    cables = []
    problems = Problems()
    try:
        for doc in read_path(path):
            if isinstance(doc, CableRowError):
                assert doc.message.strip(), f"an unreadable CSV row at line {doc.line} with no message"
                continue
            try:
                cables.append(parse_document(doc, problems))
            except CableError as e:
                assert e.message.strip(), "CableError with an empty message"
    except CableError as e:
        assert e.message.strip(), "CableError with an empty message"
    return cables


def check_usable(cable: Cable) -> None:
    """A cable the site can use: an id, and text that `inspect --json` can write as UTF-8."""
    assert isinstance(cable, Cable) and cable.id, f"not a usable cable: {cable!r}"
    json.dumps(as_json(cable), ensure_ascii=False).encode("utf-8")


def timed(read):
    """Run `read`; return (seconds, its result). A run over LIMIT is tried once more and the faster counts."""
    start = time.perf_counter()
    result = read()
    took = time.perf_counter() - start
    if took >= LIMIT:
        # A loaded machine can stall any one run (the first also loads the reference tables); an input that is
        # slow to read is slow every time.
        start = time.perf_counter()
        result = read()
        took = min(took, time.perf_counter() - start)
    return took, result


def read_as_build(path: Path) -> tuple[list[Cable], Problems]:
    """The cables and problems that read_file, the build's reader, finds in one file."""
    problems = Problems()
    return list(read_file(path, problems)), problems


def check_build_read(folder: Path, name: str, data: bytes) -> list[Cable]:
    """Read `data` as a build reads a file; fail on a crash, an empty message or a slow read."""
    path = folder / name
    path.write_bytes(data)
    # First without read_file's safety net, so that a crash fails the test with its own traceback.
    strict = parse_strictly(path)
    took, (cables, problems) = timed(lambda: read_as_build(path))
    assert took < LIMIT, f"reading a {len(data)}-byte input took {took:.2f} s (limit {LIMIT} s)"
    # read_file turns any other exception into such an error, so that one file cannot stop a build.
    assert not [p for p in problems.errors if "please report this" in p.message], [str(p) for p in problems]
    assert [c.id for c in cables] == [c.id for c in strict]
    for p in problems:
        assert p.message.strip(), f"a problem with no message: {p!r}"
    for c in cables:
        check_usable(c)
    return cables


def check_reader(kind: str, data: bytes) -> None:
    """Read `data` with one format reader forced and parse it: a Cable or a CableError with a message."""
    def read() -> list[Cable]:
        try:
            if kind == "plusd-json":
                return [parse_document(doc) for doc in read_plusd(data, "fuzz.json")]
            return [parse_document(read_bytes(data, "fuzz.txt", kind))]
        except CableError as e:
            assert e.message.strip(), "CableError with an empty message"
            return []

    took, cables = timed(read)
    assert took < LIMIT, f"{kind} reader: a {len(data)}-byte input took {took:.2f} s (limit {LIMIT} s)"
    for c in cables:
        check_usable(c)


# --- building blocks of inputs ------------------------------------------------------------------------

# Words the parser looks for, so that random lines often look like, and half-match, the real thing.
TOKENS = [
    "TAGS:", "TAGS", "SUBJECT:", "SUBJ:", "REF:", "REFS:", "REFTEL", "E.O.", "EO", "12958:", "13526", "DECL:",
    "N/A", "OADR", "CLASSIFIED BY:", "Classified By:", "Reasons", "1.4", "1.5", "(b)", "(d)", "b/d", "(C)",
    "(S//NF)", "(U)", "(SBU)", "(", ")", "¶", "\ufffd", "1.", "2.", "3.", "999.", "0.", "SECTION", "01", "OF",
    "02", "BEIJING", "NEW DELHI", "STATE", "SECSTATE", "XXXXXXXXXXXX", "000123", "CONFIDENTIAL",
    "C O N F I D E N T I A L", "SECRET", "TOP SECRET", "UNCLAS", "UNCLASSIFIED", "LIMITED OFFICIAL USE",
    "NOFORN", "SIPDIS", "SENSITIVE", "SENSITIVE BUT UNCLASSIFIED", "CORRECTED COPY", "PTQ1859", "VZCZCXRO1587",
    "DE", "RUEHBJ", "#6872/01", "#6872", "3020548", "ZNY CCCCC ZZH", "ZNR UUUUU", "OO RUEHCN", "O", "P", "Z",
    "290548Z", "OCT", "07", "2007", "FM", "AMEMBASSY", "AMCONSUL", "TO", "INFO", "RUEHC/SECSTATE WASHDC",
    "IMMEDIATE", "3109", "BT", "NNNN", "PAGE 01", "01 OF 03", "A.", "B.", "(A)", "b)", "Summary:",
    "End Summary.", "BEGIN SUMMARY", "PREL", "PGOV", "PRELPGOVCH", "-----", "--", "Identifier", "Reference ID",
    "Created", "Released", "Classification", "Origin", "Cable title:", "Tags:", "PDF version", "read a cable",
    "This record is a partial extract of the original cable.", "2007-05-15 03:01", "5/15/2007 3:01",
    "13/45/0000 99:99", "0999-01-01 00:00", "2007 October 29, 05:48", "05/15/2032", "RANDT", "van Dyke",
    "END", "[PREL](#)", "\"Canonical ID\"", "<pre>", "</pre>", "<table class='cable'>", "<td>", "</td>", "<th>",
    "<h3>", "<a href='/tag/PREL_1.html'>", "<!--", "<![CDATA[", "&#", "&amp;", "\\", "\"", ",", "\u00a0",
]
SEPARATORS = [" ", "", "  ", "\n", "\n\n", "\t", ",", ";", "/", ": ", " -- "]

words = st.lists(st.tuples(st.sampled_from(TOKENS), st.sampled_from(SEPARATORS)), max_size=10).map(
    lambda pairs: "".join(t + s for t, s in pairs))
field_text = st.one_of(words, st.text(max_size=40)).map(lambda s: s.encode("utf-8"))

# Bytes that decoders, line splitters and regexes treat specially.
ODD_BYTES = [
    b"\x00", b"\r", b"\r\n", b"\n", b"\n\n", b"\t", b"\x0b", b"\x0c", "\x85".encode(), b"\x85",
    "\u2028".encode(), "\u2029".encode(), b"\xff", b"\xfe\xff", b"\xc3", b"\xed\xa0\x80", b"\xef\xbb\xbf",
    "\ufffd".encode(), "¶".encode(), b"\xb6", "\u00a0".encode(), "\u200b".encode(), "\U0001d7d9".encode(),
    "\u0661\u0662".encode(), b"\\", b"\\ud800", b'"', b",", b"<", b">", b"&", b"&#x110000;", b"&#99999999999;",
    b"<![", b"</", b"<!--", b"<pre>", b"</pre>", b"{", b"[", b"]", b"}", b"](#)", b" ", b"-", b".", b"(", b")",
]
odd = st.one_of(st.sampled_from(ODD_BYTES), st.binary(min_size=1, max_size=12), field_text)
# Runs of blanks are what makes a regex with two adjacent blank-eating parts backtrack: give them their own branch.
fragment = st.one_of(st.sampled_from([b" ", b"\t", b"\n", b"\r\n", b" \t", "\u00a0".encode(), b"\n \n"]),
                     st.sampled_from(ODD_BYTES + [b"A", b"1", b"A ", b"1 ", b"A.", b"\t1"]),
                     st.sampled_from(TOKENS).map(str.encode), st.binary(min_size=1, max_size=4))


@st.composite
def run_of(draw) -> bytes:
    """One fragment repeated a few times or tens of thousands of times (up to about 60 KB)."""
    unit = draw(fragment)
    most = max(2, 60_000 // len(unit))
    return unit * draw(st.one_of(st.integers(1, 40), st.integers(min(1000, most), most)))


numbers = st.one_of(st.integers(0, 99999).map(str), st.integers(0, 9999).map("{:04d}".format),
                    st.sampled_from(["0", "00", "000", "0000", "0999", "9999", "99999999999999999999", "٣"]))

# Lines worth aiming at: front-matter fields, banners, header lines, dates, paragraph and item numbers.
# Blanks are taken possessively: this runs on every line of every input drawn, long runs of blanks included.
FIELD_LINE = re.compile(
    rb"^\s*+(?:\xc2\xb6\s*+)?(?:TAGS?|SUBJ|REF|E\.\s?O\.|EO\b|CLASSIFIED|Classified|C ?O ?N ?F|S ?E ?C ?R|UNCLAS|"
    rb"U ?N ?C ?L|TOP S|LIMITED|\d{1,4}\s*\.|\(\w\)|[A-Za-z][.)]\s|[ZOPR]{1,2}\s|\d{6}Z|DE\s|FM\s|TO\s|INFO\s|"
    rb"VZCZC|ZN[YR]|PAGE\s|\d{4}-\d\d-\d\d|\d{1,2}/\d{1,2}/\d{4}|Identifier|Reference ID|Created|Released|"
    rb"Classification|Origin|Cable title|Tags|<t[hd]|<pre|<h3|\"[A-Z][a-z]+)"
)


@st.composite
def mutated(draw, names=seed_names) -> tuple[str, bytes]:
    """A seed cable with a few line-level edits: delete, repeat, swap, insert odd bytes, rewrite fields."""
    name = draw(names)
    lines = SEEDS[name].split(b"\n")
    end = b"\n"
    for _ in range(draw(st.integers(1, 6))):
        if not lines:
            lines = [b""]
        at = st.integers(0, len(lines) - 1)
        op = draw(st.sampled_from(["delete", "cut", "repeat", "swap", "odd", "run", "long", "field", "number",
                                   "new", "ends", "case", "indent"]))
        if op == "delete":
            del lines[draw(at)]
        elif op == "cut":
            a, b = sorted((draw(at), draw(at)))
            del lines[a:b + 1]
        elif op == "repeat":
            i = draw(at)
            lines[i:i] = [lines[i]] * draw(st.integers(1, 3))
        elif op == "swap":
            i, j = draw(at), draw(at)
            lines[i], lines[j] = lines[j], lines[i]
        elif op in ("odd", "run"):
            i = draw(at)
            k = draw(st.integers(0, len(lines[i])))
            lines[i] = lines[i][:k] + draw(odd if op == "odd" else run_of()) + lines[i][k:]
        elif op == "long":
            # A very long line of its own, framed by cable words, as page-break and banner lines are.
            line = draw(st.sampled_from(TOKENS)).encode() + draw(run_of()) + draw(st.sampled_from(TOKENS)).encode()
            lines.insert(draw(st.integers(0, len(lines))), line)
        elif op == "field":
            aimed = [i for i, ln in enumerate(lines) if FIELD_LINE.match(ln)]
            i = draw(st.sampled_from(aimed)) if aimed else draw(at)
            m = FIELD_LINE.match(lines[i])
            keep = draw(st.one_of(st.just(m.end() if m else 0), st.integers(0, len(lines[i]))))
            lines[i] = lines[i][:keep] + draw(field_text)
        elif op == "number":
            with_digits = [i for i, ln in enumerate(lines) if re.search(rb"\d", ln)]
            if not with_digits:
                continue
            i = draw(st.sampled_from(with_digits))
            runs = list(re.finditer(rb"\d+", lines[i]))
            m = draw(st.sampled_from(runs))
            lines[i] = lines[i][:m.start()] + draw(numbers).encode("utf-8") + lines[i][m.end():]
        elif op == "new":
            lines.insert(draw(st.integers(0, len(lines))), draw(field_text))
        elif op == "ends":
            end = draw(st.sampled_from([b"\r\n", b"\r", b"\n\n", b"\n\r", "\x85".encode(), "\u2028".encode(), b" "]))
        elif op == "case":
            i = draw(at)
            lines[i] = draw(st.sampled_from([bytes.upper, bytes.lower, bytes.title, bytes.swapcase]))(lines[i])
        elif op == "indent":
            i = draw(at)
            lines[i] = draw(st.sampled_from([b"", b" ", b"     ", b"\t", b"\xc2\xa0"])) + lines[i].lstrip()
    # Repeated runs and lines could otherwise grow an input far past any real cable.
    return name, end.join(lines)[:MAX_INPUT]


@st.composite
def truncated(draw) -> tuple[str, bytes]:
    """A seed cut at a random byte: its head (a download that stopped) or its tail (one that started late)."""
    name = draw(seed_names)
    data = SEEDS[name]
    cut = draw(st.integers(0, len(data)))
    return name, data[:cut] if draw(st.booleans()) else data[cut:]


@st.composite
def spliced(draw) -> tuple[str, bytes]:
    """The head of one seed joined to the tail of another, as in a badly concatenated dump."""
    a, b = SEEDS[draw(seed_names)], SEEDS[draw(seed_names)]
    glue = draw(st.sampled_from([b"", b"\n", b"\n\n", b"\r\n"]))
    return "spliced.txt", a[:draw(st.integers(0, len(a)))] + glue + b[draw(st.integers(0, len(b))):]


# Any JSON value, leaning on the kinds a PlusD field could wrongly hold.
json_values = st.recursive(
    st.none() | st.booleans() | st.integers() | st.floats(allow_nan=False) | words
    | st.sampled_from(["", "\ud800", "-- Not Assigned --", "2007 October 29, 05:48", "0999 May 15, 03:01"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.sampled_from(["Canonical ID", "x"]), inner,
                                                                max_size=2),
    max_leaves=6,
)
PLUSD_KEYS = ["Canonical ID", "Date", "TAGS", "Metadata", "Raw content", "Content", "record", "Subject"]


@st.composite
def plusd_records(draw) -> tuple[str, bytes]:
    """A PlusD file whose records have fields removed or set to any JSON value, wrapped in any way."""
    base = json.loads(SEEDS["made.plusd.json"])[0]
    records = []
    for _ in range(draw(st.integers(1, 3))):
        rec = dict(base)
        for _ in range(draw(st.integers(0, 4))):
            key = draw(st.sampled_from(PLUSD_KEYS))
            if draw(st.booleans()):
                rec.pop(key, None)
            else:
                rec[key] = draw(json_values)
        records.append(rec)
    records += draw(st.lists(json_values, max_size=2))
    shape = draw(st.sampled_from(["one", "list", "wrapped", "nested"]))
    doc: object = {"one": records[0], "list": records, "wrapped": {"record": records[0]}}.get(shape, records)
    text = json.dumps(doc, ensure_ascii=draw(st.booleans()))
    if shape == "nested":
        depth = draw(st.integers(1, 5000))
        text = "[" * depth + text + "]" * depth
    return "record.plusd.json", text.encode("utf-8", "surrogatepass")


random_inputs = st.one_of(
    st.binary(max_size=2000),
    st.text(max_size=1000).map(lambda s: s.encode("utf-8")),
    words.map(lambda s: s.encode("utf-8")),
    st.lists(words, max_size=30).map(lambda ws: "\n".join(ws).encode("cp1252", "replace")),
)


# --- the properties -------------------------------------------------------------------------------------

@fuzz(300)
@given(truncated())
def test_truncated_cables_are_read_or_refused(scratch, case):
    """A cable cut at any byte is read with problems or refused with a message, within the time limit."""
    check_build_read(scratch, *case)


@fuzz(1000)
@given(mutated())
def test_mutated_cables_are_read_or_refused(scratch, case):
    """Deleted, repeated, swapped and rewritten lines and odd bytes never crash the build's reader."""
    check_build_read(scratch, *case)


@fuzz(300)
@given(spliced())
def test_spliced_cables_are_read_or_refused(scratch, case):
    """The head of one cable joined to the tail of another is read or refused."""
    check_build_read(scratch, *case)


@fuzz(400)
@given(random_inputs)
def test_random_input_is_read_or_refused(scratch, data):
    """Arbitrary bytes and text, with or without cable words, are read or refused."""
    check_build_read(scratch, "random.txt", data)


@fuzz(600)
@given(st.one_of(mutated(st.sampled_from(MARKUP)), plusd_records()))
def test_mutated_html_json_and_csv_are_read_or_refused(scratch, case):
    """HTML pages, PlusD JSON and cables.csv files, edited line by line or field by field, are read or refused."""
    check_build_read(scratch, *case)


@fuzz(600)
@given(st.sampled_from(sorted(READERS) + ["plusd-json"]),
       st.one_of(mutated(), truncated(), plusd_records(), random_inputs.map(lambda d: ("random", d))))
def test_each_reader_returns_a_cable_or_a_cable_error(kind, case):
    """Every format reader, given input of any format, yields a Cable or raises CableError."""
    check_reader(kind, case[1])


# --- inputs these properties found: each crashed the reader or took seconds before the fix beside it ----

def _plusd(**fields) -> bytes:
    record = {"Canonical ID": "07STATE1", "Raw content": "UNCLAS STATE 000001\n\nSUBJECT: TEST\n\n1. TEXT."}
    record.update(fields)
    return json.dumps(record).encode()


_6872 = SEED_6872.read_bytes()
_3239 = SEED_3239.read_bytes()
_page = SEEDS["made.html"]

FOUND = {
    # name: (input, the ids read from it). html.parser (Python 3.11.7's) raises AssertionError on "<![" not
    # followed by a name; the page is now read as HTML5 reads it, a bogus comment that here hides the <pre>.
    "malformed <![ in HTML": (b"<![ <pre>UNCLAS STATE 000001</pre>", []),
    # read_plusd called .replace on whatever the field held.
    "PlusD text field holding a number": (_plusd(**{"Raw content": 1}), []),
    # json.loads overflows the stack on deep nesting.
    "PlusD record nested 5,000 lists deep": (b"[" * 5000 + _plusd() + b"]" * 5000, []),
    # strftime("%Y") writes the year 999 as "999", and the parser read the year as created[:4].
    "PlusD date before the year 1000": (_plusd(Date="0999 May 15, 03:01"), ["07STATE1"]),
    "page-text Created before the year 1000": (_3239.replace(b"2007-05-15 03:01", b"0999-05-15 03:01", 1),
                                               ["07BEIJING3239"]),
    # The rest were read correctly but in seconds or minutes: regexes that backtracked over runs of blanks.
    "a line of 20,000 tabs before the banner": (
        _6872.replace(b"UNCLAS BEIJING", b"\t" * 20000 + b"x\nUNCLAS BEIJING"), ["07BEIJING6872"]),
    "20,000 spaces in an addressee line": (
        _6872.replace(b"SECSTATE WASHDC", b"SECSTATE" + b" " * 20000 + b"WASHDC"), ["07BEIJING6872"]),
    "50,000 blank lines between SUBJECT and REF": (_6872.replace(
        b"STABILIZATION WORKSHOP\n", b"STABILIZATION WORKSHOP\n" + b"\n" * 50000 + b"REF: STATE 1\n"),
        ["07BEIJING6872"]),
    "a page-break-like line of 20,000 spaces": (_6872.replace(
        b"\xc2\xb64. (SBU)", b"BEIJING" + b" " * 20000 + b"1\n\n\xc2\xb64. (SBU)"), ["07BEIJING6872"]),
    "an old PAGE line of 20,000 spaces": (_6872.replace(
        b"\xc2\xb64. (SBU)", b"PAGE 01 A" + b" " * 20000 + b"x1\n\n\xc2\xb64. (SBU)"), ["07BEIJING6872"]),
    "20,000 spaces in Classified By": (
        _3239.replace(b"Political Minister", b"Political" + b" " * 20000 + b"Minister"), ["07BEIJING3239"]),
    # A heading's blanks and an optional underline's blanks were split every way for every length of heading.
    "3,000 spaces after a capital, every line ended by U+2028": (
        b" V" + b" " * 3000 + _6872.replace(b"\n", "\u2028".encode()), []),
    # (Markdown links out, so that the sniffer gets as far as its test for PDF text.)
    "20,000 blank lines in a text with CRLF line ends": (_6872.replace(b"](#)", b"]").replace(b"\n", b"\r\n").replace(
        b"SIPDIS", b"SIPDIS" + b"\n" * 20000, 1), ["07BEIJING6872"]),
    # json.dumps(...).encode("utf-8") of a record in a list failed on a lone surrogate escape; a single record
    # was read, but with text that no UTF-8 page, index or `inspect --json` line could hold.
    "PlusD list with a lone surrogate escape": (
        b"[" + _plusd(Subject="x\ud800") + b", " + _plusd(**{"Canonical ID": "07STATE2"}) + b"]",
        ["07STATE1", "07STATE2"]),
    "PlusD record with a lone surrogate escape in its text": (
        _plusd(**{"Raw content": "UNCLAS STATE 000001\n\nSUBJECT: \ud800\n\n1. TEXT."}), ["07STATE1"]),
    "a REF whose two cables are 1,400 separators apart": (_6872.replace(
        b"E.O. 12958: N/A", b"E.O. 12958: N/A\n\nREF: STATE 1" + b" ," * 700 + b" X STATE 2", 1), ["07BEIJING6872"]),
    # html.parser (Python 3.11.7's) searched the rest of the page for the end of every comment or marked
    # section left open, and for a ">" after every tag left open at the end.
    "20,000 <!-- left open at the end of an HTML page": (_page + b"<!--" * 20000, ["07BEIJING6872"]),
    "16,000 <!--x> after the end of an HTML page": (_page + b"<!--x>" * 16000, ["07BEIJING6872"]),
    "30,000 <![CDATA[x> in an HTML page": (_page.replace(b"<pre>", b"<![CDATA[x>" * 30000 + b"<pre>", 1),
                                          ["07BEIJING6872"]),
    # html.unescape raises ValueError on a decimal reference of more than 4,300 digits (Python's int() limit).
    "an HTML page with a 5,000-digit character reference": (
        _page.replace(b"<pre>", b"<pre>&#" + b"1" * 5000 + b";", 1), ["07BEIJING6872"]),
    "a TAGS link holding a 5,000-digit character reference": (_page.replace(
        b"/tag/PREL_0.html", b"/tag/&amp;#" + b"1" * 5000 + b";_0.html", 1), ["07BEIJING6872"]),
    # A byte that is not UTF-8 in a cables.csv column other than the text stayed a surrogate in the cable.
    "a cables.csv origin with a byte that is not UTF-8": (SEEDS["made.cables.csv"].replace(
        b'"Embassy Beijing"', b'"Embassy Beijing\x80"', 1), ["07BEIJING6872", "07BEIJING3239"]),
    # Also refused as JSON before: the sniffer found "" (the first non-blank character of 64 KB of blanks) in "{[".
    "160,000 blank lines before the cable": (b"\n" * 160000 + _6872, ["07BEIJING6872"]),
    "a partial-extract notice and 160,000 blank lines before the cable": (
        b"This record is a partial extract of the original cable.\n" + b"\n" * 160000 + _6872, ["07BEIJING6872"]),
}


@pytest.mark.parametrize("name", sorted(FOUND))
def test_inputs_found_by_these_properties(scratch, name):
    """Each input the properties once found to crash or stall is now read or refused in time."""
    data, ids = FOUND[name]
    assert data not in (_6872, _3239), "the edit no longer applies to the seed: rewrite this input"
    cables = check_build_read(scratch, "found.txt", data)
    assert [c.id for c in cables] == ids
    if "before the year 1000" in name:
        assert cables[0].created.startswith("0999-05-15T03:01")


def test_a_bare_json_value_is_no_plusd_record():
    """read_plusd refuses a JSON number (sniffing never sends it one, but the reader stands alone)."""
    check_reader("plusd-json", b"0")
