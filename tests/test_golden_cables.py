"""Golden cables and the structure snapshot: a parser change shows as a diff to accept on purpose.

tests/golden/cables/ holds the exact `inspect --json` object of ~35 hard real cables; tests/data/
structure_snapshot.txt the paragraph labels, portion markings, headings and page breaks of every cable of
../shared/corpus. Neither is ever written by a test. When a change is meant, read the report, then remake them:

    .venv/bin/python -m tests.regen_golden            # (--golden or --snapshot for one of them)
"""

from __future__ import annotations

import json
import re
from difflib import SequenceMatcher
from typing import Iterator

import pytest

from . import regen_golden as rg
from .conftest import need_shared

REGEN_GOLDEN = f"accept it on purpose with `{rg.REGEN} --golden`, after reading `git diff tests/golden`"
REGEN_SNAPSHOT = f"accept it on purpose with `{rg.REGEN} --snapshot`, after reading `git diff tests/data`"
MAX_LINES = 25


# --- comparing a golden cable -------------------------------------------------------------------------


def show(value: object) -> str:
    """A value as a report line shows it: short strings whole, long ones cut."""
    text = json.dumps(value, ensure_ascii=False)
    return text if len(text) <= 90 else text[:87] + "..."


def string_difference(path: str, want: str, got: str) -> str:
    """Where two strings first differ, with a little of each around that place."""
    i = next((k for k, (a, b) in enumerate(zip(want, got)) if a != b), min(len(want), len(got)))
    lo = max(0, i - 25)
    return (f"{path}: differs at character {i}: golden …{show(want[lo:i + 35])}, "
            f"parsed …{show(got[lo:i + 35])}")


def differences(want: object, got: object, path: str = "") -> Iterator[str]:
    """Every place where the parsed value differs from the golden one, as `field.path: golden X, parsed Y`."""
    if isinstance(want, dict) and isinstance(got, dict):
        for key in want:
            if key not in got:
                yield f"{path}{'.' if path else ''}{key}: in the golden file, missing from the parser's output"
            else:
                yield from differences(want[key], got[key], f"{path}{'.' if path else ''}{key}")
        for key in got:
            if key not in want:
                yield f"{path}{'.' if path else ''}{key}: new in the parser's output ({show(got[key])})"
    elif isinstance(want, list) and isinstance(got, list):
        if len(want) != len(got):
            yield f"{path}: golden has {len(want)} items, parsed {len(got)}"
        for i, (a, b) in enumerate(zip(want, got)):
            yield from differences(a, b, f"{path}[{i}]")
        for i in range(len(want), len(got)):
            yield f"{path}[{i}]: only parsed: {show(got[i])}"
        for i in range(len(got), len(want)):
            yield f"{path}[{i}]: only golden: {show(want[i])}"
    elif isinstance(want, str) and isinstance(got, str) and want != got and max(len(want), len(got)) > 90:
        yield string_difference(path, want, got)
    elif want != got or type(want) is not type(got):
        yield f"{path}: golden {show(want)}, parsed {show(got)}"


def report(name: str, found: list[str], hint: str) -> str:
    """A failure message: the differences (at most MAX_LINES), then how to accept them."""
    more = f"\n  ... and {len(found) - MAX_LINES} more" if len(found) > MAX_LINES else ""
    return f"{name}: {len(found)} difference(s)\n  " + "\n  ".join(found[:MAX_LINES]) + more + f"\n{hint}"


@pytest.mark.parametrize("key", [k for k, _ in rg.CASES])
def test_golden_cable(key):
    need_shared("corpus", *key.split("/"))
    golden = rg.GOLDEN_DIR / rg.golden_name(key)
    assert golden.exists(), f"{golden.name}: no golden file for this case; write it with `{rg.REGEN} --golden`"
    want = json.loads(golden.read_text(encoding="utf-8"))
    got = rg.parse_case(key)
    got = got[0] if len(got) == 1 else got
    found = list(differences(want, got))
    if found:
        pytest.fail(report(f"{key} against {golden.name}", found, REGEN_GOLDEN), pytrace=False)


def test_golden_folder_holds_exactly_the_cases():
    """No golden file is left without its case (it would be tested by nothing) and the README lists them all."""
    names = {rg.golden_name(k) for k, _ in rg.CASES}
    on_disk = {p.name for p in rg.GOLDEN_DIR.glob("*.json")}
    assert on_disk == names, f"stray {sorted(on_disk - names)}, missing {sorted(names - on_disk)}: {REGEN_GOLDEN}"
    assert (rg.GOLDEN_DIR / "README.md").read_text(encoding="utf-8") == rg.readme(), REGEN_GOLDEN
    assert len(rg.CASES) >= 30


def test_differences_name_the_field():
    """The report points at the field: a relabelled sub-paragraph reads paragraphs[3].label."""
    want = {"id": "X", "paragraphs": [{"label": "1"}, {"label": "2"}, {"label": "3"}, {"label": "3a"}]}
    got = {"id": "X", "paragraphs": [{"label": "1"}, {"label": "2"}, {"label": "3"}, {"label": "4"}]}
    assert list(differences(want, got)) == ['paragraphs[3].label: golden "3a", parsed "4"']
    long_a, long_b = "A" * 200 + "B" + "C" * 50, "A" * 200 + "X" + "C" * 50
    (line,) = differences({"text": long_a}, {"text": long_b})
    assert line.startswith("text: differs at character 200")
    assert list(differences([1], [1, 2])) == [": golden has 1 items, parsed 2", "[1]: only parsed: 2"]


# --- the structure snapshot ---------------------------------------------------------------------------

TOKEN = re.compile(r"^(?P<label>[^(^]*)(?:\((?P<mark>[^)]*)\))?(?P<pages>(?:\^[^^]*)*)$")
TOKENS = re.compile(r"«[^»]*»|\S+")
"""The tokens of a snapshot line: a heading «...» is one token, spaces and all."""
ASPECTS = ("labels", "markings", "headings", "page breaks")


def aspects(tokens: list[str]) -> dict[str, list[tuple[object, str]]]:
    """The tokens of a snapshot line split by what they say, each as (what is compared, what is shown).

    Markings are compared as their sequence (unmarked paragraphs left out) and page breaks with the place of
    their paragraph, so that a relabelled or a dropped unnumbered paragraph is a change of labels only.
    """
    out: dict[str, list[tuple[object, str]]] = {a: [] for a in ASPECTS}
    index = 0
    for tok in tokens:
        if tok.startswith("«"):
            out["headings"].append((tok, tok))
            continue
        m = TOKEN.match(tok)
        label, mark, pages = (m["label"], m["mark"], m["pages"]) if m else (tok, None, "")
        out["labels"].append((label, label))
        if mark is not None:
            out["markings"].append((mark, f"{label}({mark})"))
        out["page breaks"] += [((index, p), f"{label}{p}") for p in re.findall(r"\^[^^]*", pages)]
        index += 1
    return out


def token_diff(old: list[tuple[object, str]], new: list[tuple[object, str]]) -> str:
    """The changed runs of two token lists, each with the token before it for context: `3 [-3a 3b-][+4 5+]`."""
    parts = []
    ops = SequenceMatcher(None, [k for k, _ in old], [k for k, _ in new], autojunk=False).get_opcodes()
    for op, i1, i2, j1, j2 in ops:
        if op == "equal":
            continue
        before = old[i1 - 1][1] + " " if i1 else ""
        parts.append(before + (f"[-{' '.join(t for _, t in old[i1:i2])}-]" if i2 > i1 else "")
                     + (f"[+{' '.join(t for _, t in new[j1:j2])}+]" if j2 > j1 else ""))
    return " … ".join(parts)


def snapshot_report(stored: dict[str, str], now: dict[str, str]) -> list[str]:
    """The changes between the stored snapshot and today's, by aspect, one line per changed cable."""
    lines, counts = [], {a: 0 for a in ASPECTS + ("id", "missing", "new")}
    for key in sorted(set(stored) | set(now)):
        if key not in now:
            counts["missing"] += 1
            lines.append(f"{key}: no longer read as a cable (was {stored[key][:60]})")
            continue
        if key not in stored:
            counts["new"] += 1
            lines.append(f"{key}: not in the snapshot: {now[key][:80]}")
            continue
        if stored[key] == now[key]:
            continue
        (old_id, _, old), (new_id, _, new) = stored[key].partition("\t"), now[key].partition("\t")
        what = []
        if old_id != new_id:
            counts["id"] += 1
            what.append(f"id {old_id} -> {new_id}")
        a, b = aspects(TOKENS.findall(old)), aspects(TOKENS.findall(new))
        for name in ASPECTS:
            if [k for k, _ in a[name]] != [k for k, _ in b[name]]:
                counts[name] += 1
                if name == "markings":  # shown where they changed, by label: the bare sequence aligns anywhere
                    a[name], b[name] = [(t, t) for _, t in a[name]], [(t, t) for _, t in b[name]]
                what.append(f"{name}: {token_diff(a[name], b[name])}")
        whole = [(t, t) for t in TOKENS.findall(old)], [(t, t) for t in TOKENS.findall(new)]
        lines.append(f"{key} ({new_id}): " + "; ".join(what or [token_diff(*whole)]))
    if lines:
        total = ", ".join(f"{name} in {n}" for name, n in counts.items() if n)
        lines.insert(0, f"the structure of {len(lines)} cable(s) changed ({total})")
    return lines


@pytest.fixture(scope="module")
def structure_now() -> dict[str, str]:
    need_shared("corpus")
    return rg.snapshot_lines()  # one pass over every corpus file


def test_structure_snapshot_of_every_cable(structure_now):
    assert rg.SNAPSHOT.exists(), f"no {rg.SNAPSHOT.name}: write it with `{rg.REGEN} --snapshot`"
    stored = rg.load_snapshot()
    found = snapshot_report(stored, structure_now)
    if found:
        head, rest = found[0], found[1:]
        pytest.fail(report(head, rest, REGEN_SNAPSHOT), pytrace=False)


def test_snapshot_covers_the_whole_corpus(structure_now):
    """Every part of ../shared/corpus is in it: 500 dev texts and fragments, 2,472 pages, the variants."""
    parts = {}
    for key in structure_now:
        top = "/".join(key.split("/")[:2]) if not key.startswith("dev/") or "raw_html" in key else "dev"
        parts[top] = parts.get(top, 0) + 1
    assert parts["dev"] >= 500 and parts["dev/raw_html"] >= 500
    assert parts["pages/apr2011"] == 2000 and parts["pages/dec2010"] == 472
    assert parts["format_variants/pdf_text"] >= 24 and parts["format_variants/release_versions"] >= 10
    unread = [k for k, v in structure_now.items() if v.startswith("!")]
    assert unread == ["format_variants/flattened_json/samples.json"], unread  # newlines removed: refused


def test_snapshot_line_encodes_labels_markings_headings_and_breaks(structure_now):
    """The encoding itself, on real cables: sub-paragraph labels, markings, a heading, numbered page breaks."""
    kabul = TOKENS.findall(structure_now["dev/07KABUL3848.txt"].split("\t")[1])
    assert "3a" in kabul and "4(C)^2/4" in kabul, kabul  # a sub-paragraph, then a page break in 4
    harare = structure_now["dev/00HARARE6677.txt"].split("\t")[1]
    assert "«MASS ACTION IS ON THE TABLE»" in harare and re.search(r"\(C\)\^\d", harare), harare


def test_snapshot_report_says_what_changed():
    """A renumbered sub-paragraph and a dropped page break each read as such, naming the cable."""
    stored = {"dev/A.txt": "09A1\t1(C) «Two words» 2(C)^2/3 3(C) 3a(C) 3b(C)", "dev/B.txt": "09B2\t1(U)^2/2"}
    now = {"dev/A.txt": "09A1\t1(C) «Two words» 2(C) 3(C) 4(C) 5(C)", "dev/B.txt": "09B2\t1(U)^2/2"}
    lines = snapshot_report(stored, now)
    assert lines[0] == "the structure of 1 cable(s) changed (labels in 1, page breaks in 1)"
    assert lines[1].startswith("dev/A.txt (09A1): labels: 3 [-3a 3b-][+4 5+]")
    assert "page breaks: [-2^2/3-]" in lines[1]
