"""`build.py inspect`: the readable summary and the JSON Lines contract other tools read."""

from __future__ import annotations

import json

from generator.read.inspect import CONTRACT_KEYS, PARAGRAPH_KEYS

from .conftest import CONTENT, SEED_3239
from .test_bad_input import run


def test_json_lines_contract():
    r = run("inspect", str(CONTENT), "--json")
    assert r.returncode == 0, r.stderr
    lines = r.stdout.splitlines()
    assert len(lines) == 2
    for line in lines:
        data = json.loads(line)
        assert list(data)[: len(CONTRACT_KEYS)] == list(CONTRACT_KEYS)
        for p in data["paragraphs"]:
            assert list(p)[: len(PARAGRAPH_KEYS)] == list(PARAGRAPH_KEYS)
        assert set(data["source"]) >= {"path", "format", "sha256"} and "data" not in data["source"]
    first = json.loads(lines[0])
    assert first["id"] == "07BEIJING3239"
    assert first["station"]["routing_indicator"] == "RUEHBJ"
    assert first["to"][0]["routing_indicator"] == "RUEHC"
    assert first["reasons"] == ["1.4(b)", "1.4(d)"]
    assert first["paragraphs"][2]["page_breaks"][0]["page"] == 2
    assert first["summary"]["start"] == "1"


def test_readable_summary_of_one_file():
    r = run("inspect", str(SEED_3239))
    assert r.returncode == 0
    assert "== 07BEIJING3239" in r.stdout
    assert "declassify on  2032-05-15" in r.stdout
    assert "¶14" in r.stdout
    assert "1 cable read, 0 errors, 0 warnings" in r.stderr


def test_strict_turns_warnings_into_failure(tmp_path):
    cut = tmp_path / "cut.txt"
    data = SEED_3239.read_bytes()
    cut.write_bytes(data[: len(data) // 2])
    assert run("inspect", str(cut)).returncode == 0
    assert run("inspect", str(cut), "--strict").returncode == 1
