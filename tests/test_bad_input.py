"""Bad input gets a clear message naming the file (and line), never a traceback, and never stops the rest."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest

from .conftest import ROOT, SEED_3239, SEED_6872


def run(*args: str, cwd=ROOT) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, str(ROOT / "build.py"), *args], cwd=cwd, capture_output=True,
                          text=True, timeout=300)


@pytest.fixture(scope="module")
def bad_folder(tmp_path_factory):
    d = tmp_path_factory.mktemp("bad")
    seed = SEED_3239.read_bytes()
    (d / "a_good.txt").write_bytes(SEED_6872.read_bytes())
    (d / "b_empty.txt").write_bytes(b"")
    (d / "c_binary.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    (d / "d_truncated.txt").write_bytes(seed[: len(seed) * 2 // 5])
    (d / "e_crlf.txt").write_bytes(seed.replace(b"\n", b"\r\n"))
    latin = seed.replace(b"Political Minister Counselor", "Charg\u00e9 d'Affaires".encode("latin-1"))
    (d / "f_latin1.txt").write_bytes(latin)
    (d / "g_noheader.txt").write_bytes(b"Dear editor,\nthis is a letter, not a cable.\n" * 20)
    with open(d / "h_huge.txt", "wb") as f:
        f.write(seed * (50 * 1024 * 1024 // len(seed) + 1))
    (d / "i_header_only.txt").write_bytes(seed[: seed.index(b"RUEHBS")])
    return d


@pytest.fixture(scope="module")
def inspected(bad_folder):
    return run("inspect", str(bad_folder), "--json")


def test_no_traceback_and_an_error_status(inspected):
    assert "Traceback" not in inspected.stderr
    assert inspected.returncode == 1


def test_the_readable_cables_are_all_read(inspected):
    cables = [json.loads(line) for line in inspected.stdout.splitlines()]
    by_file = {c["source"]["path"].rsplit("/", 1)[1]: c for c in cables}
    assert set(by_file) == {"a_good.txt", "d_truncated.txt", "e_crlf.txt", "f_latin1.txt"}
    assert by_file["e_crlf.txt"]["id"] == "07BEIJING3239"
    assert len(by_file["e_crlf.txt"]["paragraphs"]) == 14
    assert by_file["f_latin1.txt"]["classified_by"] == "Charg\u00e9 d'Affaires Daniel L. Shields"
    assert by_file["f_latin1.txt"]["source"]["encoding"] == "cp1252"


@pytest.mark.parametrize("name,words", [
    ("b_empty.txt", "empty"),
    ("c_binary.txt", "binary"),
    ("d_truncated.txt", "truncated"),
    ("f_latin1.txt", "not valid UTF-8"),
    ("g_noheader.txt", "no recognisable cable"),
    ("h_huge.txt", "far larger than any cable"),
    ("i_header_only.txt", "the file may be truncated"),
])
def test_each_problem_names_its_file(inspected, bad_folder, name, words):
    lines = [ln for ln in inspected.stderr.splitlines() if ln.startswith(str(bad_folder / name))]
    assert any(words in ln for ln in lines), inspected.stderr


def test_problem_lines_carry_line_numbers(inspected, bad_folder):
    [line] = [ln for ln in inspected.stderr.splitlines() if ln.startswith(str(bad_folder / "d_truncated.txt"))]
    where = line.split(": ")[0]
    assert where.rsplit(":", 1)[1].isdigit()


def test_a_missing_path_is_reported():
    r = run("inspect", "no/such/file.txt")
    assert r.returncode == 1 and "no/such/file.txt: error: no such file or folder" in r.stderr


def test_a_bad_cable_does_not_stop_the_build(tmp_path):
    """The build publishes what it can read and warns about the rest (see tests/test_bad_content.py)."""
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    (content / "cables" / "good.txt").write_bytes(SEED_3239.read_bytes())
    (content / "cables" / "bad.txt").write_bytes(b"\x00\x01binary")
    r = run("build", "--content", str(content), "--output", str(tmp_path / "site"))
    assert r.returncode == 0, r.stderr
    assert "bad.txt: warning: the file is binary (it contains NUL bytes), not cable text; left out of the site" \
        in r.stderr
    assert "07BEIJING3239" in (tmp_path / "site" / "index.html").read_text()


@pytest.mark.parametrize("name,mutate", [
    ("a very long glued TAGS token", lambda b: b.replace(b"TAGS: ", b"TAGS: " + b"PREL" * 5000 + b" ")),
    ("a REF line of 100 KB", lambda b: b.replace(b"E.O. 12958: N/A", b"E.O. 12958: N/A\n\nREF: " + b"WORD " * 20000)),
    ("a paragraph of 200,000 wrapped lines", lambda b: b.replace(b"The delegation cleared this cable.",
                                                                b"word-\nword\n" * 200000)),
])
def test_degenerate_input_is_read(tmp_path, name, mutate):
    """Inputs built to hit recursion or quadratic paths are read like any other cable."""
    path = tmp_path / "c.txt"
    path.write_bytes(mutate(SEED_6872.read_bytes()))
    from .conftest import parse_one
    assert parse_one(path)[0].id == "07BEIJING6872"
