"""A folder of bad cables (tests/bad_content): a build publishes what it can read and warns once per problem;
--strict fails on the same problems with file:line, and leaves the previous site and its cache as they were."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path

import pytest

from generator.render.spans import record_texts
from generator.errors import Problems
from generator.read.parse import parse_document
from generator.read.readers import read_bytes
from generator.build.site import build
from generator.read.store import default_folder

from .conftest import ROOT
from .test_bad_input import run

BAD = Path("tests") / "bad_content"
"""Relative to the project, as an editor would type it: the problems name their files the same way."""

EXPECTED = {  # (file, line): words its one message must hold
    ("annotations/07BEIJING1668.yaml", 7): ("¶12", "07BEIJING1668 does not have", "the note is left out"),
    ("cables/binary.txt", None): ("binary", "left out of the site"),
    ("cables/cp1252.txt", 29): ("not valid UTF-8", "read as cp1252"),
    ("cables/duplicate-b.txt", None): ("07ALGIERS45", f"also in {BAD}/cables/duplicate-a.txt",
                                       "left out of the site"),
    ("cables/empty.txt", None): ("empty", "left out of the site"),
    ("cables/truncated.txt", 76): ("ends mid-sentence", "may be truncated"),
    ("cables/unknown-tag.txt", 24): ("TAGS code KXYZ", "no expansion"),
}
PUBLISHED = {"07ALGIERS45", "07BEIJING1668", "07BERLIN242", "07MADRID208", "07MADRID210", "07SANJOSE132"}
"""Good, CRLF, cp1252, truncated, the first of the duplicates, unknown TAGS: every cable that can be read."""

PROBLEM = re.compile(r"^(?P<path>[^:]+)(?::(?P<line>\d+))?: (?P<severity>warning|error): (?P<message>.+)$")


def problems_in(stderr: str) -> dict[tuple[str, int | None], tuple[str, str]]:
    """The problem lines of a run, by (file under BAD, line): (severity, message); each place at most once."""
    found = {}
    for line in stderr.splitlines():
        m = PROBLEM.match(line)
        if m:
            where = (m["path"].removeprefix(f"{BAD}/"), int(m["line"]) if m["line"] else None)
            assert where not in found, f"reported twice: {line}"
            found[where] = (m["severity"], m["message"])
    return found


def assert_reported(stderr: str, severity: str) -> None:
    assert "Traceback" not in stderr
    found = problems_in(stderr)
    assert set(found) == set(EXPECTED), stderr
    for where, words in EXPECTED.items():
        assert found[where][0] == severity, where
        assert all(w in found[where][1] for w in words), (where, found[where][1])


def snapshot(out: Path) -> dict[str, tuple[str, int]]:
    """Every file of a site and of its cache beside it, with its hash and time."""
    files = {}
    for root in (out, default_folder(out)):
        for p in sorted(root.rglob("*")):
            if p.is_file():
                files[str(p)] = (hashlib.sha256(p.read_bytes()).hexdigest(), p.stat().st_mtime_ns)
    return files


def assert_untouched(out: Path, before: dict[str, tuple[str, int]]) -> None:
    """Nothing of the site or of the cache's record of it changed; the only files a refused build may add
    are parses of new bytes (kept by content hash, for the next build to reuse)."""
    after = snapshot(out)
    parsed = str(default_folder(out) / "parsed") + "/"
    assert {k: after.get(k) for k in before} == before
    assert all(k.startswith(parsed) for k in set(after) - set(before)), sorted(set(after) - set(before))


def build_cli(content: Path | str, out: Path, *options: str):
    return run("build", "--content", str(content), "--output", str(out), "--no-search", *options)


@pytest.fixture(scope="module")
def bad_site(tmp_path_factory):
    out = tmp_path_factory.mktemp("bad") / "site"
    return out, build_cli(BAD, out)


def test_a_build_warns_once_per_problem_and_exits_0(bad_site):
    out, r = bad_site
    assert r.returncode == 0, r.stderr
    assert_reported(r.stderr, "warning")
    *problems, closing = r.stderr.splitlines()
    assert all(PROBLEM.match(line) for line in problems), r.stderr  # nothing else is printed but the closing line
    assert closing.startswith("built ") and closing.endswith(f": 0 errors, {len(EXPECTED)} warnings -> {out}/"), closing


def test_the_site_holds_every_cable_that_can_be_read(bad_site):
    out, _ = bad_site
    assert {p.name for p in (out / "cables").iterdir()} == PUBLISHED
    catalog = (out / "catalog.json").read_text(encoding="utf-8")
    assert "07BEIJING1668" in catalog and "07ALGIERS45" in catalog


def record(out: Path, cid: str) -> dict:
    return json.loads((out / "cables" / cid / f"{cid}.json").read_text(encoding="utf-8"))


def paragraphs_of(data: bytes) -> list[str]:
    return [p.text for p in parse_document(read_bytes(data, "cable.txt")).paragraphs]


def test_crlf_is_read_as_lf_and_its_source_keeps_its_bytes(bad_site):
    out, _ = bad_site
    crlf = (ROOT / BAD / "cables" / "crlf.txt").read_bytes()
    assert crlf.count(b"\r\n") == crlf.count(b"\n") > 0
    assert (out / "cables" / "07BERLIN242" / "07BERLIN242.txt").read_bytes() == crlf
    texts = record_texts(record(out, "07BERLIN242"), crlf)
    assert texts == paragraphs_of(crlf.replace(b"\r\n", b"\n")) and not any("\r" in t for t in texts)


def test_cp1252_is_read_as_the_same_text_and_its_source_keeps_its_bytes(bad_site):
    out, _ = bad_site
    legacy = (ROOT / BAD / "cables" / "cp1252.txt").read_bytes()
    assert (out / "cables" / "07MADRID210" / "07MADRID210.txt").read_bytes() == legacy
    r = record(out, "07MADRID210")
    assert r["source"]["encoding"] == "cp1252"
    assert record_texts(r, legacy) == paragraphs_of(legacy.decode("cp1252").encode("utf-8"))
    assert [p["label"] for p in r["paragraphs"]] == ["1", "2", "3", "4", "5", "6"]


def test_strict_fails_on_the_same_problems_and_leaves_the_site_untouched(bad_site):
    out, first = bad_site
    assert first.returncode == 0
    before = snapshot(out)
    r = build_cli(BAD, out, "--strict")
    assert r.returncode == 1
    assert_reported(r.stderr, "error")
    assert f"build --strict: {len(EXPECTED)} problems; nothing was written" in r.stderr
    assert_untouched(out, before)
    again = build_cli(BAD, out)  # the cache still describes the site: nothing to do, the same warnings
    assert again.returncode == 0 and "nothing changed" in again.stderr
    assert_reported(again.stderr, "warning")
    timing = str(default_folder(out) / "last-build.json")  # a build that ran (nothing changed) records its time
    assert {k: v for k, v in snapshot(out).items() if k != timing} == {k: v for k, v in before.items() if k != timing}


def test_a_strict_clean_build_writes_nothing_on_problems(tmp_path):
    out = tmp_path / "site"
    r = build_cli(BAD, out, "--strict")
    assert r.returncode == 1 and not out.exists()
    assert_reported(r.stderr, "error")


def test_the_python_api_reports_as_the_command_does(tmp_path):
    """build() returns errors only when it wrote nothing: the input's problems are warnings in a written build."""
    written = build(ROOT / BAD, tmp_path / "site", Problems(), index_search=False)
    assert not written.errors and len(written.warnings) == len(EXPECTED)
    refused = build(ROOT / BAD, tmp_path / "strict", Problems(), index_search=False, strict=True)
    assert len(refused.errors) == len(EXPECTED) and not refused.warnings
    assert not (tmp_path / "strict").exists()


# --- a strict build after changes: on the quick (notes only), the incremental and the no-op paths ----------

def last_result(out: Path) -> str:
    return json.loads((default_folder(out) / "last-build.json").read_text())["result"]


def test_strict_keeps_the_previous_site_on_every_path(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    r = build_cli(content, out)
    assert r.returncode == 0 and not problems_in(r.stderr), r.stderr
    note = content / "annotations" / "07BEIJING6872.yaml"
    good = note.read_text(encoding="utf-8")
    assert 'paragraph: "2"' in good and "\nsic:" not in good

    # a note on a paragraph that does not exist: the quick rebuild leaves it to the incremental one
    note.write_text(good.replace('paragraph: "2"', 'paragraph: "99"', 1), encoding="utf-8")
    before = snapshot(out)
    r = build_cli(content, out, "--strict")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    [(where, (severity, message))] = problems_in(r.stderr).items()
    assert where[0] == str(note) and where[1] and severity == "error" and "¶99" in message
    assert_untouched(out, before)

    # the same build without --strict publishes, with a warning; then nothing changed: --strict still fails
    r = build_cli(content, out)
    assert r.returncode == 0 and [s for s, _ in problems_in(r.stderr).values()] == ["warning"], r.stderr
    before = snapshot(out)
    r = build_cli(content, out, "--strict")
    assert r.returncode == 1 and [s for s, _ in problems_in(r.stderr).values()] == ["error"], r.stderr
    assert_untouched(out, before)

    # a warning only, in a note: the quick rebuild's path
    note.write_text(good + "sic:\n  - WORDNOTINTHECABLE\n", encoding="utf-8")
    r = build_cli(content, out, "--strict")
    assert r.returncode == 1 and "WORDNOTINTHECABLE" in r.stderr and "¶99" not in r.stderr, r.stderr
    assert_untouched(out, before)
    edited = snapshot(out)
    r = build_cli(content, out)  # without --strict the same edit is a quick rebuild
    assert r.returncode == 0 and last_result(out) == "built (notes only)", r.stderr
    assert snapshot(out) != edited

    # fixed: a strict build writes, and the site is what a clean build makes
    note.write_text(good, encoding="utf-8")
    r = build_cli(content, out, "--strict")
    assert r.returncode == 0 and not problems_in(r.stderr), r.stderr
    clean = tmp_path / "clean"
    assert build_cli(content, clean, "--strict").returncode == 0
    files = {str(p.relative_to(out)): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}
    assert files == {str(p.relative_to(clean)): p.read_bytes() for p in sorted(clean.rglob("*")) if p.is_file()}
