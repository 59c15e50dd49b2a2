"""`build.py import`: one file per selected cable, byte for byte, idempotent, with a summary."""

from __future__ import annotations

import json
import os

from generator.errors import Problems
from generator.read.load import read_cables

from .conftest import need_shared
from .test_bad_input import run
from .test_readers import csv_row, split_cable


def expected(dev, keep) -> dict[str, bytes]:
    """The first cable of each id in the folder that `keep` accepts, as the parser reads it."""
    out: dict[str, bytes] = {}
    for c in read_cables([dev], Problems()):
        if keep(c) and c.id not in out:
            out[c.id] = c.source.data
    return out


def test_import_from_a_folder_with_filters(tmp_path):
    dev = need_shared("corpus", "dev")
    into = tmp_path / "content" / "cables"
    r = run("import", str(dev), "--into", str(into), "--origin", "beijing", "--from", "2008-01-01",
            "--to", "2008-12-31")
    assert r.returncode == 0, r.stderr[-2000:]
    want = expected(dev, lambda c: (c.origin or "").endswith("Beijing") and "2008-01-01" <= (c.created or "")[:10]
                    <= "2008-12-31")
    got = {p.name.split(".")[0]: p.read_bytes() for p in into.iterdir()}
    assert got == want and len(got) > 10  # byte for byte, one file each
    assert f"{len(want)} imported, 0 replaced, 0 unchanged" in r.stderr
    assert "skipped by date: " in r.stderr and "origin: " in r.stderr
    assert "Traceback" not in r.stderr

    # Again: nothing written, every file reported as already there.
    stamps = {p.name: p.stat().st_mtime_ns for p in into.iterdir()}
    again = run("import", str(dev), "--into", str(into), "--origin", "BEIJING", "--from", "2008-01-01",
                "--to", "2008-12-31")
    assert f"0 imported, 0 replaced, {len(want)} unchanged" in again.stderr
    assert {p.name: p.stat().st_mtime_ns for p in into.iterdir()} == stamps

    # A file edited by hand is kept and reported, unless --replace.
    victim = sorted(into.iterdir())[0]
    victim.write_bytes(b"edited")
    kept = run("import", str(dev), "--into", str(into), "--id", victim.stem)
    assert "1 kept (other bytes already there)" in kept.stderr and f"{victim}: warning: holds other bytes" in kept.stderr
    assert victim.read_bytes() == b"edited"
    run("import", str(dev), "--into", str(into), "--id", victim.stem.lower(), "--replace")
    assert victim.read_bytes() == want[victim.stem]


def test_import_by_tag_and_the_site_builds(tmp_path):
    dev = need_shared("corpus", "dev")
    into = tmp_path / "content" / "cables"
    r = run("import", str(dev / "raw_html"), "--into", str(into), "--tag", "KNNP", "--tag", "MNUC", "--quiet")
    want = expected(dev / "raw_html", lambda c: bool({"KNNP", "MNUC"} & set(c.tags)))
    assert sorted(p.name for p in into.iterdir()) == sorted(f"{cid}.html" for cid in want)
    assert r.returncode == 0
    site = tmp_path / "site"
    b = run("build", "--content", str(tmp_path / "content"), "--output", str(site))
    assert b.returncode == 0, b.stderr[-2000:]
    assert json.loads((site / "catalog.json").read_text())["count"] == len(want)


def test_import_from_a_cables_csv(tmp_path):
    dev = need_shared("corpus", "dev")
    rows = []
    for n, (rid, date) in enumerate([("07BEIJING1668", "3/20/2007 9:09"), ("09BEIJING3160", "11/23/2009 11:11"),
                                     ("08LONDON639", "2/29/2008 16:16")], 1):
        header, body = split_cable((dev / f"{rid}.txt").read_text(encoding="utf-8"))
        rows.append(csv_row(n, date, rid, "Embassy x", "CONFIDENTIAL", "", header, body))
    bad = '"4","1/1/2008 1:01","08XX1","x"\n'
    source = tmp_path / "cables.csv"
    source.write_text(rows[0] + rows[1] + bad + rows[2], encoding="utf-8")
    into = tmp_path / "cables"
    r = run("import", str(source), "--into", str(into), "--to", "2008-12-31")
    assert sorted(os.listdir(into)) == ["07BEIJING1668.csv", "08LONDON639.csv"]
    assert (into / "07BEIJING1668.csv").read_bytes() == rows[0].encode("utf-8")
    assert f"{source}:{rows[0].count(chr(10)) + rows[1].count(chr(10)) + 1}: error: a cables.csv row has 4 columns" \
        in r.stderr
    assert "2 imported" in r.stderr and "1 skipped" in r.stderr and "1 failed" in r.stderr
    assert r.returncode == 1  # a row could not be read
    # Each imported row reads back as the same cable.
    back = list(read_cables([into / "08LONDON639.csv"], Problems()))
    assert [c.id for c in back] == ["08LONDON639"] and back[0].created == "2008-02-29T16:16:00Z"


def test_bad_arguments_are_messages(tmp_path):
    r = run("import", str(tmp_path / "nowhere.csv"), "--into", str(tmp_path / "x"))
    assert r.returncode == 1 and "nowhere.csv: error: no such file or folder" in r.stderr
    r = run("import", str(tmp_path), "--into", str(tmp_path / "x"), "--from", "2007/01/01")
    assert r.returncode == 2 and "--from '2007/01/01' is not a date like 2007-01-31" in r.stderr
    assert "Traceback" not in r.stderr
