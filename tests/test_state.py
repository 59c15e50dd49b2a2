"""The state a build leaves: no path outside its folders, one build at a time, a cache that never vouches
for bytes it did not read, a swap that is whole at any instant, and incremental builds equal to clean ones."""

from __future__ import annotations

import json
import os
import random
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from generator.errors import Problems
from generator.read.importer import Selection, import_cables
from generator.read.load import read_file
from generator.paths import UnsafePath, inside
from generator.build.site import build
from generator.read.store import default_folder
from generator.build.write import build_lock, lock_file

from .conftest import ROOT, SEED_3239, SEED_6872, need_shared

HOSTILE_IDS = ["X/../../..", "../../../PWNED_BY_CSV", "07BEIJING6872/../../../../OUT", "/tmp/ABS", "07BEI JING",
               "07BEIJING6872\x00", "..", "07beijing6872/..", "07BEIJING6872%2F..%2F..", "07" + "A" * 300]


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def last_build(out: Path) -> dict:
    return json.loads((default_folder(out) / "last-build.json").read_text())


def _csv_field(value: str) -> str:
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'


def hostile_files(cid: str) -> dict[str, bytes]:
    """Seed 6872 with `cid` as its id, in every format that carries an id of its own."""
    text = SEED_6872.read_text(encoding="utf-8")
    header, _, body = text.partition("\n\n")
    row = [_csv_field(v) for v in ("1", "10/29/2007 5:48", cid, "Embassy Beijing", "UNCLASSIFIED", "", header, body)]
    page_text = ("Identifier\nCreated\nReleased\nClassification\nOrigin\n"
                 f"{cid}\n2007-10-29 05:48\n2011-08-30 01:44\nUNCLASSIFIED\nEmbassy Beijing\n\n"
                 "Cable title: S/CRS WORKS WITH CHINA\nTags: PREL CH\n" + text)
    html = ("<html><body><h3>S/CRS WORKS WITH CHINA</h3>\n<table class='cable'>\n"
            "<tr><th>Reference ID</th><th>Created</th><th>Released</th><th>Classification</th><th>Origin</th></tr>\n"
            f"<tr><td>{cid}</td><td>2007-10-29 05:48</td><td>2011-08-30 01:44</td><td>UNCLASSIFIED</td>"
            "<td>Embassy Beijing</td></tr>\n</table>\n<pre>" + header + "</pre>\n<pre>" + body + "</pre>\n</body></html>\n")
    plusd = json.dumps([{"Canonical ID": cid, "Date": "2007 October 29, 05:48 (Monday)", "TAGS": "PREL",
                         "Metadata": header, "Raw content": body}])
    return {"hostile.cables.csv": (",".join(row) + "\n").encode(), "hostile.txt": page_text.encode(),
            "hostile.html": html.encode(), "hostile.json": plusd.encode()}


@pytest.mark.parametrize("cid", HOSTILE_IDS)
def test_a_hostile_id_is_refused_in_every_format(tmp_path, cid):
    for name, data in hostile_files(cid).items():
        path = tmp_path / name
        path.write_bytes(data)
        problems = Problems()
        cables = list(read_file(path, problems))
        assert cables == [], f"{name}: {cid!r} read as {[c.id for c in cables]}"
        # Refused as an id, or earlier (a NUL makes the file binary): never read, and never silently.
        assert any("not a cable id" in p.message or "binary" in p.message for p in problems.errors), \
            (name, [str(p) for p in problems])


def test_a_build_with_hostile_ids_writes_nothing_outside_its_folder(tmp_path):
    """The attack of the issue: ids in a cables.csv and a page-text file that climb out of site/."""
    project = tmp_path / "project"
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    for cid in ("X/../../..", "../../../PWNED_BY_CSV"):
        for name, data in hostile_files(cid).items():
            (content / "cables" / f"{abs(hash(cid))}-{name}").write_bytes(data)
    before = {p for p in tmp_path.rglob("*") if not p.is_relative_to(content)}
    out = project / "site"
    found = build(content, out, Problems())
    refused = [p for p in found if "not a cable id" in p.message]  # as_built reports them as warnings
    assert len(refused) == 6, [str(p) for p in found]  # csv, page text and HTML (a folder's .json is not read)
    after = {p for p in tmp_path.rglob("*") if not p.is_relative_to(content)}
    outside = {p for p in after - before if not p.is_relative_to(out) and not p.is_relative_to(project / ".cache")}
    assert outside == set(), sorted(map(str, outside))
    assert sorted(os.listdir(out / "cables")) == ["07BEIJING3239", "07BEIJING6872"]


def test_import_writes_nothing_outside_into(tmp_path):
    source = tmp_path / "source"
    source.mkdir()
    for cid in ("../../IMPORTED_OUTSIDE", "X/../../.."):
        for name, data in hostile_files(cid).items():
            (source / f"{abs(hash(cid))}-{name}").write_bytes(data)
    into = tmp_path / "a" / "b" / "into"
    out = import_cables(source, into, Selection(), progress=False)
    assert out.counts["imported"] == 0
    assert len([p for p in out.problems.errors if "not a cable id" in p.message]) == 6
    files = sorted(str(p.relative_to(tmp_path)) for p in tmp_path.rglob("*") if p.is_file())
    assert all(f.startswith("source/") for f in files), files


def test_paths_are_checked_again_where_files_are_written(tmp_path, monkeypatch):
    """Were an id to slip past the reader's check, the build and import still write nothing outside."""
    from generator.read import parse
    monkeypatch.setattr(parse, "valid_id", lambda cid: True)
    project = tmp_path / "project"
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    for name, data in hostile_files("07X/../../../ESCAPED1").items():
        (content / "cables" / name).write_bytes(data)
    out = project / "site"
    found = build(content, out, Problems(), index_search=False)
    assert [p for p in found if "refused to write" in p.message], [str(p) for p in found]
    into = project / "imported"
    outcome = import_cables(content / "cables", into, Selection(), progress=False)
    assert [p for p in outcome.problems.errors if "refused to write" in p.message]
    escaped = [p for p in tmp_path.rglob("*ESCAPED*")]
    assert escaped == []


@pytest.mark.parametrize("rel", ["../x", "a/../../x", "/etc/passwd", "a/./b", "a//b", "a\\..\\b", "x\x00", "", "..",
                                 "cables/../../x"])
def test_inside_refuses_what_leads_out(tmp_path, rel):
    with pytest.raises(UnsafePath):
        inside(tmp_path, rel)


def test_inside_keeps_plain_paths(tmp_path):
    assert inside(tmp_path, "cables/07BEIJING3239/index.html") == str(tmp_path / "cables/07BEIJING3239/index.html")
    assert inside(tmp_path, "tags/PREL/") == str(tmp_path / "tags/PREL")


# --- one build at a time -----------------------------------------------------------------------------

def seed_content(tmp_path: Path) -> Path:
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    return content


def test_a_second_build_into_the_same_output_is_refused_while_one_runs(tmp_path):
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    holder = subprocess.Popen([sys.executable, "-c", (
        "import sys, time; from pathlib import Path; from generator.build.write import build_lock\n"
        "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)"), str(out)],
        cwd=ROOT, stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        run = subprocess.run([sys.executable, "build.py", "--content", str(content), "--out", str(out), "--quiet"],
                             cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 1
        assert f"another build of {out} is running (pid {holder.pid})" in run.stderr
        assert "Traceback" not in run.stderr
        assert not out.exists()
    finally:
        holder.kill()
        holder.wait()
    # The lock goes with the process that held it, however it ended.
    assert not build(content, out, Problems()).errors


def test_the_lock_is_taken_again_by_the_same_process(tmp_path):
    out = tmp_path / "site"
    with build_lock(out):
        with build_lock(out):  # a preview that holds it builds inside it
            pass
        assert lock_file(out).exists()


# --- the cache vouches only for what it read ---------------------------------------------------------

def test_an_edit_in_the_same_clock_tick_is_not_taken_for_no_change(tmp_path, monkeypatch):
    """An editor saves twice in one tick of the file system's clock, the build reading between the saves: the
    second save leaves size, time and inode as they were. The build reads only once that tick has passed,
    so the second save moves the time, and the next build sees it."""
    from generator.build import site
    from generator.read.store import RACY_NS
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    glossary = content / "glossary.yaml"
    data = glossary.read_bytes()
    assert b"Foundation for International Strategic Studies" in data
    real = site.load_content
    saved = {}

    def read_then_save_again(folder, problems, known=None):
        loaded = real(folder, problems, known)
        stamp = glossary.stat()
        within_tick = time.time_ns() - stamp.st_mtime_ns < RACY_NS
        with open(glossary, "r+b") as f:  # in place: the inode stays
            f.write(data.replace(b"Foundation for International", b"Foundation for Internatianal", 1))
        if within_tick:  # the clock has not moved since the first save: the time stays too
            os.utime(glossary, ns=(stamp.st_atime_ns, stamp.st_mtime_ns))
        saved["within tick"] = within_tick
        return loaded
    monkeypatch.setattr(site, "load_content", read_then_save_again)
    glossary.write_bytes(data)  # the first save, just before the build
    assert not build(content, out, Problems()).errors
    monkeypatch.setattr(site, "load_content", real)
    assert saved == {"within tick": False}
    assert not build(content, out, Problems()).errors
    assert "Internatianal" in (out / "glossary" / "index.html").read_text(encoding="utf-8")


def test_a_note_saved_while_the_build_runs_is_rendered_by_the_next_build(tmp_path, monkeypatch):
    """A cable's key is made from the note's bytes the build read, not from the file read again later."""
    from generator.build import site
    content = small_content(tmp_path, 1)
    other = content / "cables" / "00HARARE6677.txt"
    out = tmp_path / "site"
    note = content / "annotations" / "07BEIJING6872.yaml"
    data = note.read_bytes()
    assert b"workshop" in data
    real = site.load_content

    def read_then_save(folder, problems, known=None):
        loaded = real(folder, problems, known)
        note.write_bytes(data.replace(b"workshop", b"w0rkshop", 1))  # saved once the build has read it
        return loaded
    monkeypatch.setattr(site, "load_content", read_then_save)
    assert not build(content, out, Problems()).errors
    monkeypatch.setattr(site, "load_content", real)
    page = out / "cables" / "07BEIJING6872" / "index.html"
    assert "w0rkshop" not in page.read_text(encoding="utf-8")
    assert other.name not in ("000_7c665ef8620d339f.txt", "002_80421150e0992e02.txt")
    other.write_bytes(other.read_bytes() + b"\n")  # and an edit elsewhere, so that the next build is the full one
    assert not build(content, out, Problems()).errors
    assert "w0rkshop" in page.read_text(encoding="utf-8")


def test_an_edit_while_the_build_reads_is_seen_by_the_next_build(tmp_path, monkeypatch):
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    cable = content / "cables" / SEED_6872.name
    old = cable.read_bytes()
    past = time.time_ns() - 10**10
    os.utime(cable, ns=(past, past))  # an old file: its stamp is trusted
    from generator.read import load
    real = load.parse_document

    def edit_then_parse(doc, problems=None):
        # The editor saves while the build parses the bytes it has just read (and hashed) of this very file.
        if doc.source.path == str(cable) and b"W0RKSHOP" not in cable.read_bytes():
            cable.write_bytes(old.replace(b"WORKSHOP", b"W0RKSHOP", 1))
        return real(doc, problems)
    monkeypatch.setattr(load, "parse_document", edit_then_parse)
    assert not build(content, out, Problems()).errors
    # The file changed under the read: it is read again, so this build already shows what the file holds.
    assert b"W0RKSHOP" in (out / "cables" / "07BEIJING6872" / "07BEIJING6872.txt").read_bytes()
    assert "W0RKSHOP" in (out / "cables" / "07BEIJING6872" / "index.html").read_text(encoding="utf-8")
    monkeypatch.setattr(load, "parse_document", real)
    assert not build(content, out, Problems()).errors
    assert "W0RKSHOP" in (out / "cables" / "07BEIJING6872" / "index.html").read_text(encoding="utf-8")


# --- leftovers of killed builds ----------------------------------------------------------------------

def test_leftover_staging_and_view_folders_are_cleared(tmp_path):
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    cache = default_folder(out)
    dead = 2**22 + 12345  # no such process; and a live pid that is not ours is cleared too, under the lock
    stray = [tmp_path / f".site-new-{dead}-abcd1234", tmp_path / f".site-new-{os.getppid()}-abcd1234",
             cache / f"view-{dead}-abcd1234", cache / "view-k2j4h5g6"]
    for folder in stray:
        (folder / "cables").mkdir(parents=True)
        (folder / "cables" / "x.html").write_text("x")
    (content / "cables" / SEED_6872.name).write_bytes(SEED_6872.read_bytes() + b"\n")
    assert not build(content, out, Problems(), index_search=False).errors
    assert [f for f in stray if f.exists()] == []


# --- a killed incremental build leaves the previous site or the next, whole --------------------------

def small_content(tmp_path: Path, count: int) -> Path:
    need_shared("corpus", "dev")
    content = seed_content(tmp_path)
    for p in sorted((ROOT.parent / "shared" / "corpus" / "dev").glob("*.txt"))[:count]:
        shutil.copy(p, content / "cables" / p.name)
    return content


def test_an_incremental_build_killed_at_any_moment_leaves_a_whole_site(tmp_path):
    content = small_content(tmp_path, 30)
    cables = sorted((content / "cables").glob("*.txt"))
    out = tmp_path / "site"
    cmd = [sys.executable, "build.py", "--content", str(content), "--out", str(out), "--quiet", "--no-search"]
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    old = tree(out)
    # The next state: three cables changed and one gone, built apart as the reference.
    gone = cables[5].read_bytes()
    cables[5].unlink()
    originals = {}
    for c in cables[10:13]:
        originals[c] = c.read_bytes()
        c.write_bytes(originals[c] + b"\n\nEND OF EDITED COPY\n")
    ref = tmp_path / "ref"
    assert subprocess.run([*cmd[:4], "--out", str(ref), "--quiet", "--no-search"], cwd=ROOT, capture_output=True,
                          env={**os.environ}).returncode == 0
    new = tree(ref)
    assert new != old
    rng = random.Random(16)
    outcomes = []
    for round_ in range(10):
        proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.3, 1.6))
        proc.send_signal(signal.SIGKILL)
        proc.wait()
        now = tree(out)
        assert now in (old, new), f"round {round_}: the site is neither the previous build nor the next"
        outcomes.append("new" if now == new else "old")
        if now == new:  # go back to the previous state for the next round
            cables[5].write_bytes(gone)
            for c, data in originals.items():
                c.write_bytes(data)
            assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
            assert tree(out) == old
            cables[5].unlink()
            for c, data in originals.items():
                c.write_bytes(data + b"\n\nEND OF EDITED COPY\n")
    assert subprocess.run(cmd, cwd=ROOT, capture_output=True).returncode == 0
    assert tree(out) == new
    assert not [p for p in tmp_path.iterdir() if p.name.startswith((".site-new-", ".site-old-"))]


class Crash(BaseException):
    """Stands for a kill: raised from inside the build, at a chosen file operation."""


FILE_OPERATIONS = ("replace", "rename", "link", "unlink", "rmdir")
"""The calls that change a tree: a build stopped between two of them is what a kill can leave."""


def stop_at_operation(monkeypatch, after: int):
    """Make the `after`-th file operation from now on raise Crash; the function returned puts the operations
    back (as monkeypatch.undo() does, without undoing the test's other patches)."""
    calls = {"n": 0}
    real = {name: getattr(os, name) for name in FILE_OPERATIONS}

    def counted(real):
        def op(*args, **kwargs):
            calls["n"] += 1
            if calls["n"] == after:
                raise Crash
            return real(*args, **kwargs)
        return op
    for name in FILE_OPERATIONS:
        monkeypatch.setattr(os, name, counted(real[name]))

    def restore() -> None:
        for name in FILE_OPERATIONS:
            monkeypatch.setattr(os, name, real[name])
    return restore


@pytest.mark.parametrize("after", [1, 3, 8, 20, 60, 150])
def test_an_incremental_build_that_stops_at_any_file_operation_leaves_the_previous_site(tmp_path, monkeypatch,
                                                                                          after):
    """Deterministic twin of the kill test: the build stops at its n-th rename, link or removal."""
    content = small_content(tmp_path, 40)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    old = tree(out)
    for c in sorted((content / "cables").glob("*.txt"))[3:9]:
        c.write_bytes(c.read_bytes() + b"\n\nEND OF EDITED COPY\n")
    (content / "cables" / SEED_3239.name).unlink()
    clean = tmp_path / "clean"
    assert not build(content, clean, Problems(), index_search=False, cache_dir=tmp_path / "c2").errors
    new = tree(clean)
    stop_at_operation(monkeypatch, after)
    with pytest.raises(Crash):
        build(content, out, Problems(), index_search=False)
    monkeypatch.undo()
    assert tree(out) in (old, new), f"stopped at operation {after}: the site is neither the previous build nor the next"
    assert not build(content, out, Problems(), index_search=False).errors
    assert tree(out) == new


# --- an incremental build after any edit equals a clean build ----------------------------------------

def _replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, (path, old)
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _first_value_line(path: Path) -> tuple[str, str]:
    """A line of a YAML file holding a quoted or plain text value, and that line edited."""
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.lstrip().startswith("#"):
            continue
        key, sep, value = line.partition(": ")
        if sep and len(value) > 12 and not value.startswith(("[", "{", "|", ">", "&", "*", "!")):
            return line, line[:-2] + "Zq" + line[-1] if value.endswith(('"', "'")) else line + " Zq"
    raise AssertionError(f"no text value in {path}")


def _edit_yaml(name: str):
    def edit(content: Path) -> None:
        path = content / name
        old, new = _first_value_line(path)
        _replace_once(path, old, new)
    return edit


def _edit_tags(content: Path) -> None:
    _replace_once(content / "tags.csv", "Stabilization (S/CRS) program tag", "Stabilization (S/CRS) programme tag")


def _edit_page(content: Path) -> None:
    path = content / "pages" / "about.md"
    path.write_text(path.read_text(encoding="utf-8") + "\nAn added closing sentence.\n", encoding="utf-8")


def _add_page(content: Path) -> None:
    path = content / "pages" / "home.md"
    path.write_text(path.read_text(encoding="utf-8").replace("\n", "\n\nA new opening line.\n", 1), encoding="utf-8")


def _edit_thread(content: Path) -> None:
    _edit_yaml("threads/scrs-beijing-2007.yaml")(content)


def _remove_thread(content: Path) -> None:
    (content / "threads" / "scrs-beijing-2007.yaml").unlink()


def _edit_note(content: Path) -> None:
    _edit_yaml("annotations/07BEIJING6872.yaml")(content)


def _remove_note(content: Path) -> None:
    (content / "annotations" / "07BEIJING3239.yaml").unlink()


def _edit_cable(content: Path) -> None:
    path = content / "cables" / SEED_3239.name
    path.write_bytes(path.read_bytes().replace(b"CONSULTATIONS", b"CONSULTATI0NS", 1))


def _remove_cable(content: Path) -> None:
    shutil.move(content / "cables" / SEED_3239.name, content.parent / "moved-away.txt")


EDITS = {
    "glossary": _edit_yaml("glossary.yaml"), "people": _edit_yaml("people.yaml"),
    "organizations": _edit_yaml("organizations.yaml"), "tags.csv": _edit_tags, "site.yaml": _edit_yaml("site.yaml"),
    "page edited": _edit_page, "home page": _add_page, "thread": _edit_thread, "thread removed": _remove_thread,
    "annotation": _edit_note, "annotation removed": _remove_note, "cable": _edit_cable,
    "cable removed": _remove_cable,
}


@pytest.fixture(scope="module")
def built_once(tmp_path_factory):
    """The edition and 40 dev cables, built once; each edit starts from a copy of content, site and cache."""
    base = tmp_path_factory.mktemp("state")
    content = small_content(base, 40)
    out = base / "site"
    assert not build(content, out, Problems()).errors
    return base


@pytest.mark.parametrize("kind", list(EDITS))
def test_an_incremental_build_after_any_edit_equals_a_clean_build(built_once, tmp_path, kind):
    work = tmp_path / "w"
    shutil.copytree(built_once, work, symlinks=True)
    content, out = work / "content", work / "site"
    # A copy keeps times but not inodes: a no-op build first takes the copy for the last build's inputs.
    assert not build(content, out, Problems()).errors
    before = tree(out)
    EDITS[kind](content)
    found = build(content, out, Problems())
    assert not found.errors, [str(p) for p in found.errors]
    assert last_build(out)["result"].startswith("built")
    clean = tmp_path / "clean"
    assert not build(content, clean, Problems(), cache_dir=tmp_path / "clean-cache").errors
    mine, theirs = tree(out), tree(clean)
    assert mine != before, f"the edit to {kind} changed no page: it tests nothing"
    stale = sorted(p for p in set(mine) | set(theirs) if mine.get(p) != theirs.get(p))
    assert stale == [], f"after an edit to {kind}, these differ from a clean build: {stale[:10]}"


def test_a_template_edit_then_an_incremental_build_equals_a_clean_build(built_once, tmp_path, monkeypatch):
    """Templates are part of the build's base: an edit to one remakes every page that uses it."""
    work = tmp_path / "w"
    shutil.copytree(built_once, work, symlinks=True)
    templates = tmp_path / "templates"
    shutil.copytree(ROOT / "templates", templates)
    from generator.render import views as render
    from generator.read import store
    monkeypatch.setattr(store, "TEMPLATES", templates)
    monkeypatch.setattr(render, "TEMPLATES", templates)
    _replace_once(templates / "base.html", "</footer>", "<p>An edited footer.</p></footer>")
    content, out = work / "content", work / "site"
    assert not build(content, out, Problems()).errors
    assert "An edited footer." in (out / "index.html").read_text(encoding="utf-8")
    clean = tmp_path / "clean"
    assert not build(content, clean, Problems(), cache_dir=tmp_path / "clean-cache").errors
    assert tree(out) == tree(clean)


def test_pagefind_ends_with_a_killed_build(tmp_path):
    """A build killed while Pagefind indexes leaves no Pagefind writing into its staging folder."""
    from generator.build import search
    if not search.DIE_WITH_BUILD:
        pytest.skip("setpriv is not on this machine: Pagefind cannot be tied to the build")
    slow = tmp_path / "slow-pagefind"
    slow.write_text(f"#!/bin/sh\necho $$ > {tmp_path}/pid\nexec sleep 60\n")
    slow.chmod(0o755)
    (tmp_path / "pages").mkdir()
    build_ = subprocess.Popen([sys.executable, "-c", (
        "import sys; from pathlib import Path; from generator.build import search\n"
        f"search.executable = lambda: {str(slow)!r}\n"
        f"search.index(Path({str(tmp_path / 'pages')!r}))")], cwd=ROOT)
    pid_file = tmp_path / "pid"
    for _ in range(200):
        if pid_file.exists() and pid_file.read_text().strip():
            break
        time.sleep(0.05)
    pid = int(pid_file.read_text())
    build_.kill()
    build_.wait()
    for _ in range(100):
        try:
            os.kill(pid, 0)
        except ProcessLookupError:
            break
        time.sleep(0.05)
    else:
        os.kill(pid, signal.SIGKILL)
        pytest.fail("Pagefind went on after the build that started it was killed")


# --- found by breaking the code on purpose (a mutation sweep of #16's safety code) --------------------

@pytest.mark.parametrize("cid", ["07X/../../../ESCAPED1", "07A.1", "07BEIJING/6872", "07BEIJING.6872"])
def test_an_id_that_has_the_shape_of_one_around_a_path_is_refused(tmp_path, cid):
    """Digits first and a number last, with a path between: still not an id, in any format."""
    for name, data in hostile_files(cid).items():
        path = tmp_path / name
        path.write_bytes(data)
        problems = Problems()
        assert list(read_file(path, problems)) == [], (name, cid)
        assert any("not a cable id" in p.message for p in problems.errors), (name, [str(p) for p in problems])


@pytest.mark.parametrize("given", ["07beijing6872", "07 BEIJING 6872", " 07BEIJING6872 "])
def test_an_id_written_loosely_is_read_as_its_canonical_form(tmp_path, given):
    """The check applies to the id the site uses, not to the publisher's spelling of it."""
    for name, data in hostile_files(given).items():
        path = tmp_path / name
        path.write_bytes(data)
        problems = Problems()
        assert [c.id for c in read_file(path, problems)] == ["07BEIJING6872"], (name, [str(p) for p in problems])
        assert not problems.errors, (name, [str(p) for p in problems])


def test_the_store_refuses_a_key_that_is_not_a_hash(tmp_path):
    """Keys name files of the cache: one that is a hash followed by a path is refused, not followed."""
    from generator.read.store import Store
    store = Store(tmp_path / "cache")
    good = "ab" * 32
    store.save(good, "parse")
    assert store.load(good) == "parse"
    for key in (good + "/../../../../escaped", good + "x", good[:-1], "../" + good, good.upper()):
        with pytest.raises(ValueError):
            store.save(key, "parse")
        with pytest.raises(ValueError):
            store.has(key)
    assert [p.name for p in tmp_path.rglob("*") if p.is_file()] == [f"{good}.pickle"]


def test_a_file_whose_stamp_the_clock_has_not_passed_is_read_again_by_the_next_build(tmp_path):
    """The scan waits a few ticks for a file changed just before it to settle; one that has not settled by then (a
    stamp the clock has not reached: a file saved over and over, or stamped ahead) gets a mark no later scan
    equals, so that its stamp never stands for its bytes. And the scan does not wait for the clock to get there."""
    from generator.read.store import is_racy, scan
    folder = tmp_path / "content"
    folder.mkdir()
    ahead, calm = folder / "glossary.yaml", folder / "people.yaml"
    ahead.write_text("ahead: {}\n")
    calm.write_text("calm: {}\n")
    now = time.time_ns()
    os.utime(ahead, ns=(now, now + 10**10))
    os.utime(calm, ns=(now, now - 10**10))
    start = time.monotonic()
    marks = scan(folder)
    assert time.monotonic() - start < 5, "the scan waited for the clock to reach the stamp"
    assert is_racy(marks[str(ahead)]), marks
    assert not is_racy(marks[str(calm)])
    assert scan(folder)[str(ahead)] != marks[str(ahead)]


def test_a_file_stamped_in_the_future_does_not_stall_the_build(tmp_path):
    """A clock set wrong, an archive from such a machine, `touch -d tomorrow`: the scan and the read wait for a
    file's clock tick to pass, never until the time its stamp names (an hour here, a day as well)."""
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    future = time.time_ns() + 3600 * 10**9
    for path in (content / "glossary.yaml", content / "cables" / SEED_6872.name):
        os.utime(path, ns=(future, future))
    cmd = [sys.executable, "build.py", "--content", str(content), "--out", str(out), "--quiet", "--no-search"]
    for _ in range(2):  # the first build reads the files, the second scans them against its record
        run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=120)
        assert run.returncode == 0 and "Traceback" not in run.stderr, run.stderr
    assert (out / "cables" / "07BEIJING6872" / "index.html").is_file()


def test_a_parse_is_never_kept_under_the_key_of_other_bytes(tmp_path, monkeypatch):
    """Saved just after the build read the file: the parse of one set of bytes must never stay in the cache under
    the hash of another, even when the build stops before it tidies the cache (here --strict refuses it). Else
    the old bytes, put back, show the new text. (The bytes are read once, then hashed and parsed.)"""
    from generator.read import load
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    cable = content / "cables" / SEED_6872.name
    old = cable.read_bytes()
    past = time.time_ns() - 10**10
    os.utime(cable, ns=(past, past))
    real = load.read_whole

    def read_then_save(path):
        got = real(path)
        if path == cable and b"W0RKSHOP" not in cable.read_bytes():
            cable.write_bytes(old.replace(b"WORKSHOP", b"W0RKSHOP", 1))  # the editor saves just then
        return got
    monkeypatch.setattr(load, "read_whole", read_then_save)
    settings = content / "site.yaml"
    good = settings.read_text(encoding="utf-8")
    settings.write_text(good + "subtitel: a typo, one warning\n", encoding="utf-8")
    assert build(content, out, Problems(), strict=True).errors  # refused: nothing written, the cache kept
    assert not out.exists()
    monkeypatch.undo()
    cable.write_bytes(old)  # the editor undoes the edit
    settings.write_text(good, encoding="utf-8")
    assert not build(content, out, Problems()).errors
    page = (out / "cables" / "07BEIJING6872" / "index.html").read_text(encoding="utf-8")
    assert "W0RKSHOP" not in page and "WORKSHOP" in page


def test_a_build_stopped_between_its_swap_and_its_record_is_not_taken_for_the_last_one(tmp_path, monkeypatch):
    """Killed after the new site is in place, before the cache records it: the record still describes the site
    before. Files then put back as they were (cp -p: same bytes, same time, same inode) must not make the next
    build say "nothing changed" over a site that shows the edit."""
    from generator.read.store import Store
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    before = tree(out)
    note, cable = content / "annotations" / "07BEIJING6872.yaml", content / "cables" / SEED_3239.name
    backups = {path: tmp_path / f"backup-{path.name}" for path in (note, cable)}
    for path, backup in backups.items():
        shutil.copy2(path, backup)
    _replace_once(note, "workshop", "Workshop")
    cable.write_bytes(cable.read_bytes())  # saved unchanged: not a note edit alone, so the full incremental build

    def killed(self, manifest):
        raise Crash
    monkeypatch.setattr(Store, "finish", killed)
    with pytest.raises(Crash):
        build(content, out, Problems(), index_search=False)
    monkeypatch.undo()
    assert tree(out) != before, "the edit was not swapped in: the test tests nothing"
    for path, backup in backups.items():
        shutil.copy2(backup, path)  # in place, with its time: each file is as the record knows it
    assert not build(content, out, Problems(), index_search=False).errors
    assert tree(out) == before


def test_a_note_edit_stopped_at_any_file_operation_leaves_the_previous_site(tmp_path, monkeypatch):
    """The quick rebuild of one cable's folder, stopped at each of its renames, links and removals in turn: the
    site is the previous build or the next, whole, every time (one folder exchanged, never emptied first)."""
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    note = content / "annotations" / "07BEIJING6872.yaml"
    original = note.read_text(encoding="utf-8")
    assert not build(content, out, Problems(), index_search=False).errors
    old = tree(out)
    note.write_text(original.replace("workshop", "Workshop", 1), encoding="utf-8")
    assert not build(content, tmp_path / "clean", Problems(), index_search=False, cache_dir=tmp_path / "c2").errors
    new = tree(tmp_path / "clean")
    assert new != old
    note.write_text(original, encoding="utf-8")
    assert not build(content, out, Problems(), index_search=False).errors
    for after in range(1, 200):
        note.write_text(original.replace("workshop", "Workshop", 1), encoding="utf-8")
        stop_at_operation(monkeypatch, after)
        try:
            build(content, out, Problems(), index_search=False)
            stopped = False
        except Crash:
            stopped = True
        monkeypatch.undo()
        assert tree(out) in (old, new), f"stopped at operation {after}: the site is neither the previous build nor the next"
        if not stopped:
            assert last_build(out)["result"] == "built (notes only)" and tree(out) == new
            break
        note.write_text(original, encoding="utf-8")
        assert not build(content, out, Problems(), index_search=False).errors
        assert tree(out) == old
    else:
        raise AssertionError("the build never ended")
    assert after > 3, "the quick rebuild made too few file operations to test"


KILLED_AT_A_SWAP_RENAME = r'''
import os, sys
from pathlib import Path
from generator.build import write
from generator.errors import Problems
from generator.build.site import build

content, out, at = Path(sys.argv[1]), Path(sys.argv[2]).resolve(), int(sys.argv[3])
write._RENAMEAT2 = None  # a platform without an exchange: the site goes in by two renames
real, seen = os.replace, [0]

def replace(src, dst, *args, **kwargs):
    if out in (Path(src).resolve(), Path(dst).resolve()):
        seen[0] += 1
        if seen[0] == at:
            os._exit(9)  # killed just before this rename
    return real(src, dst, *args, **kwargs)

os.replace = replace
build(content, out, Problems(), index_search=False)
'''


@pytest.mark.parametrize("at", [1, 2])
def test_without_an_exchange_a_build_killed_between_its_renames_leaves_the_previous_site(tmp_path, at):
    """Where the system cannot exchange two folders, the old site is renamed aside, then the new one into place.
    Killed before either rename, the next build finds the previous site in place or puts it back; never gone."""
    from generator.build.write import clear_leftovers
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    old = tree(out)
    _edit_cable(content)
    assert not build(content, tmp_path / "clean", Problems(), index_search=False, cache_dir=tmp_path / "c2").errors
    new = tree(tmp_path / "clean")
    killed = subprocess.run([sys.executable, "-c", KILLED_AT_A_SWAP_RENAME, str(content), str(out), str(at)],
                            cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert killed.returncode == 9, killed.stderr
    with build_lock(out):
        clear_leftovers(out.resolve())  # what the next build does first (another process: the pid is not ours)
    assert out.is_dir(), "the previous site is gone"
    assert tree(out) in (old, new)
    assert not [p.name for p in tmp_path.iterdir() if p.name.startswith((".site-new-", ".site-old-"))]
    assert not build(content, out, Problems(), index_search=False).errors
    assert tree(out) == new


def test_pages_beside_the_cables_are_checked_again_where_they_are_written(tmp_path, monkeypatch):
    """Were a slug to let a path through (an origin that is one, from a cables.csv), the origin's page is still
    refused, not written outside the site."""
    from generator.render import pages
    monkeypatch.setattr(pages, "slug", lambda text: text)
    project = tmp_path / "project"
    content = project / "content"
    shutil.copytree(ROOT / "content", content)
    header, _, body = SEED_6872.read_text(encoding="utf-8").partition("\n\n")
    row = [_csv_field(v) for v in ("1", "10/29/2007 5:48", "07BEIJING6872", "../../../ESCAPED2", "UNCLASSIFIED", "",
                                   header, body)]
    (content / "cables" / SEED_6872.name).unlink()
    (content / "cables" / "cables.csv").write_text(",".join(row) + "\n", encoding="utf-8")
    try:
        found = build(content, project / "site", Problems(), index_search=False)
    except UnsafePath:
        found = None  # stopped before anything was swapped in: also safe
    assert found is None or [p for p in found if "refused to write" in p.message]
    assert [str(p) for p in tmp_path.rglob("*ESCAPED*")] == []


def test_a_path_in_a_damaged_record_is_not_followed(tmp_path):
    """The cache's record names the files of the last build, which the next one removes where their cable went:
    a path there that leads out of the site (a damaged or doctored cache) removes nothing outside it."""
    import pickle
    from generator.read.store import Store
    project = tmp_path / "project"
    content = seed_content(project)
    out = project / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    victim = tmp_path / "victim" / "x"
    victim.mkdir(parents=True)
    store = Store(default_folder(out))
    manifest = pickle.loads((store.folder / "manifest.pickle").read_bytes())
    manifest["cables"]["07GONE1"] = {**manifest["cables"]["07BEIJING6872"], "paths": ["../../victim/x/index.html"]}
    (store.folder / "manifest.pickle").write_bytes(pickle.dumps(manifest))
    _edit_cable(content)
    try:
        build(content, out, Problems(), index_search=False)
    except UnsafePath:
        pass  # refused before anything moved
    assert victim.is_dir()


def test_removing_a_cable_another_cites_then_an_incremental_build_equals_a_clean_build(tmp_path):
    """07BEIJING1840 cites 07BEIJING1760 in its REF line: the citing page links the reference while it is in
    the edition, and must say it is not once it goes, though nothing of the citing cable changed."""
    dev = need_shared("corpus", "dev")
    content = seed_content(tmp_path)
    for name in ("07BEIJING1760.txt", "07BEIJING1840.txt"):
        shutil.copy(dev / name, content / "cables" / name)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    citing = (out / "cables" / "07BEIJING1840" / "index.html").read_text(encoding="utf-8")
    assert 'href="../../cables/07BEIJING1760/"' in citing, "the reference is not linked: the test tests nothing"
    shutil.move(content / "cables" / "07BEIJING1760.txt", tmp_path / "away.txt")
    assert not build(content, out, Problems(), index_search=False).errors
    assert last_build(out)["result"] == "built"
    clean = tmp_path / "clean"
    assert not build(content, clean, Problems(), index_search=False, cache_dir=tmp_path / "clean-cache").errors
    mine, theirs = tree(out), tree(clean)
    assert sorted(p for p in set(mine) | set(theirs) if mine.get(p) != theirs.get(p)) == []


TRY_THE_LOCK = ("import sys; from pathlib import Path; from generator.build.write import Busy, build_lock\n"
                "try:\n    with build_lock(Path(sys.argv[1])):\n        print('taken')\n"
                "except Busy as e:\n    print(e)")


def test_every_build_of_a_long_running_process_holds_the_lock(tmp_path):
    """The preview builds again and again in one process: each build takes the lock anew (the first one's end
    must not leave the process believing it still holds it), so another process is refused during every one."""
    out = tmp_path / "site"
    for _ in range(3):
        with build_lock(out):
            other = subprocess.run([sys.executable, "-c", TRY_THE_LOCK, str(out)], cwd=ROOT, capture_output=True,
                                   text=True, timeout=60)
            assert other.stdout.strip() == f"another build of {out} is running (pid {os.getpid()}); wait for it to " \
                                           "finish", other.stdout + other.stderr
    other = subprocess.run([sys.executable, "-c", TRY_THE_LOCK, str(out)], cwd=ROOT, capture_output=True, text=True,
                           timeout=60)
    assert other.stdout.strip() == "taken"


def test_a_quick_rebuild_stopped_between_its_swap_and_its_record_is_not_taken_for_the_last_one(tmp_path, monkeypatch):
    """The same for the quick rebuild of an edited note: killed after the cable's folder is swapped in, before the
    record, then the note put back with cp -p: the next build must not find "nothing changed"."""
    from generator.read.store import Store
    content = seed_content(tmp_path)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    before = tree(out)
    note = content / "annotations" / "07BEIJING6872.yaml"
    backup = tmp_path / "note-backup.yaml"
    shutil.copy2(note, backup)
    _replace_once(note, "workshop", "Workshop")

    def killed(self, head):
        raise Crash
    monkeypatch.setattr(Store, "write_head", killed)
    with pytest.raises(Crash):
        build(content, out, Problems(), index_search=False)
    monkeypatch.undo()
    assert tree(out) != before, "the edit was not swapped in: the test tests nothing"
    shutil.copy2(backup, note)
    assert not build(content, out, Problems(), index_search=False).errors
    assert tree(out) == before


def test_a_parse_cached_by_other_code_is_read_again(tmp_path, monkeypatch):
    """The cache keeps a file's parse only for the code that made it: after an upgrade of the generator, cables
    pickled by the old code (which may lack the new model's fields) are parsed again, not loaded."""
    import generator.read.load as load

    content = seed_content(tmp_path)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), index_search=False).errors
    parses = []
    real = load.read_file
    monkeypatch.setattr(load, "read_file", lambda path, problems, *given: parses.append(path.name) or real(path, problems, *given))
    import generator.read.store as store

    # Another version of the code: its package (the parser) and with it the whole generator.
    monkeypatch.setattr(load, "package_digest", lambda: "0" * 32)
    monkeypatch.setattr(store, "code_digest", lambda: "1" * 32)
    assert not build(content, out, Problems(), index_search=False).errors
    assert sorted(parses) == sorted(p.name for p in (content / "cables").iterdir())
    parses.clear()
    assert not build(content, out, Problems(), index_search=False).errors
    assert parses == []  # the same code again: nothing parsed twice


LOCK_FILES: list[str] = []
"""The build lock's file, for the forked workers of the test below to look for among their descriptors."""


def _lock_copies_open(_item) -> list[str]:
    """In a forked worker: the descriptors of this process that are open on the lock file."""
    fds = Path("/proc/self/fd")
    out = []
    for fd in os.listdir(fds):
        try:
            if os.readlink(fds / fd) in LOCK_FILES:
                out.append(fd)
        except OSError:
            pass
    return out


def test_forked_workers_do_not_keep_the_build_lock(tmp_path, monkeypatch):
    """flock holds while any copy of the descriptor is open: a worker that outlived a killed build for a
    moment kept the next build out ("another build ... is running"). Workers now close their copy."""
    from generator import parallel
    from generator.build import write

    if parallel.workers() < 2 or not Path("/proc/self/fd").is_dir():
        pytest.skip("one core or no /proc: nothing is forked, or a worker's descriptors cannot be listed")
    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)
    with write.build_lock(tmp_path / "site"):
        LOCK_FILES[:] = [str(write.lock_file(tmp_path / "site").resolve())]
        assert _lock_copies_open(None), "the check must see the lock in the process that holds it"
        seen = list(parallel.run(_lock_copies_open, list(range(8)), None, "checking"))
    assert seen == [[]] * 8, seen
