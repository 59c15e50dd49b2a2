"""Incremental builds: a rebuild renders only what changed, and its tree is byte for byte a clean build's."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from generator.render import pages
from generator.build import search
from generator.errors import Problems
from generator.build.site import build
from generator.read.store import default_folder

from .conftest import ROOT, need_shared


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def last_build(out: Path) -> dict:
    return json.loads((default_folder(out) / "last-build.json").read_text())


@pytest.fixture
def dev_content(tmp_path):
    """A content folder of 60 real cables with the edition's editorial layer and one annotation."""
    need_shared()
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    for p in sorted((ROOT.parent / "shared" / "corpus" / "dev").glob("*.txt"))[:60]:
        shutil.copy(p, content / "cables" / p.name)
    return content


def edit_note(content: Path) -> None:
    note = content / "annotations" / "07BEIJING6872.yaml"
    text = note.read_text(encoding="utf-8")
    assert "workshop" in text
    note.write_text(text.replace("workshop", "Workshop", 1), encoding="utf-8")


def test_a_rebuild_with_nothing_changed_writes_nothing(dev_content, tmp_path):
    out = tmp_path / "site"
    first = build(dev_content, out, Problems())
    before = {p: p.stat().st_mtime_ns for p in out.rglob("*")}
    again = build(dev_content, out, Problems())
    assert last_build(out)["result"] == "nothing changed"
    assert {p: p.stat().st_mtime_ns for p in out.rglob("*")} == before
    assert [str(p) for p in again] == [str(p) for p in first]  # the same problems are reported again


def test_one_note_edit_renders_only_its_cable_and_matches_a_clean_build(dev_content, tmp_path):
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems()).errors
    edit_note(dev_content)
    assert not build(dev_content, out, Problems()).errors
    report = last_build(out)
    assert report["result"] == "built (notes only)"  # the quick rebuild, from the snapshot
    assert report["pages"]["written"] == 8  # the cable's page, source page, source, four citation files, JSON
    clean = tmp_path / "clean"
    assert not build(dev_content, clean, Problems(), cache_dir=tmp_path / "other-cache").errors
    assert tree(out) == tree(clean)


def test_quick_rebuilds_then_a_full_one_match_a_clean_build(dev_content, tmp_path):
    """What quick rebuilds changed is carried into the next full build's view of the site."""
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems()).errors
    edit_note(dev_content)
    assert not build(dev_content, out, Problems()).errors
    note = dev_content / "annotations" / "07BEIJING6872.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("Workshop", "WORKSHOP", 1), encoding="utf-8")
    assert not build(dev_content, out, Problems()).errors
    assert last_build(out)["result"] == "built (notes only)"
    note.write_text(note.read_text(encoding="utf-8").replace("WORKSHOP", "workshop", 1), encoding="utf-8")
    extra = sorted((ROOT.parent / "shared" / "corpus" / "dev").glob("*.txt"))[70]
    shutil.copy(extra, dev_content / "cables" / extra.name)  # a new cable: the full incremental build
    assert not build(dev_content, out, Problems()).errors
    assert last_build(out)["result"] == "built"
    clean = tmp_path / "clean"
    assert not build(dev_content, clean, Problems(), cache_dir=tmp_path / "other-cache").errors
    assert tree(out) == tree(clean)


def test_a_note_edit_with_an_error_takes_the_full_build_and_reports_it(dev_content, tmp_path):
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems()).errors
    note = dev_content / "annotations" / "07BEIJING6872.yaml"
    text = note.read_text(encoding="utf-8")
    assert 'paragraph: "2"' in text
    note.write_text(text.replace('paragraph: "2"', 'paragraph: "99"', 1), encoding="utf-8")
    found = build(dev_content, out, Problems())
    assert last_build(out)["result"] != "built (notes only)"
    assert any("99" in p.message and p.path.endswith("07BEIJING6872.yaml") for p in found)
    again = build(dev_content, out, Problems())  # nothing changed: the same problems again
    assert [str(p) for p in again] == [str(p) for p in found]


def test_adding_and_removing_cables_matches_a_clean_build(dev_content, tmp_path):
    out = tmp_path / "site"
    extra = sorted((ROOT.parent / "shared" / "corpus" / "dev").glob("*.txt"))[60:63]
    assert not build(dev_content, out, Problems()).errors
    for p in extra:
        shutil.copy(p, dev_content / "cables" / p.name)
    gone = dev_content / "cables" / sorted((ROOT.parent / "shared" / "corpus" / "dev").glob("*.txt"))[0].name
    gone.unlink()
    assert not build(dev_content, out, Problems()).errors
    assert last_build(out)["pages"]["written"] < 200  # not a clean build: three cables and the indexes
    clean = tmp_path / "clean"
    assert not build(dev_content, clean, Problems(), cache_dir=tmp_path / "other-cache").errors
    assert tree(out) == tree(clean)
    assert not (out / "cables" / gone.stem).exists()


def test_a_template_change_rebuilds_everything(dev_content, tmp_path, monkeypatch):
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems()).errors
    from generator.build import site
    monkeypatch.setattr(site, "build_base", lambda *a: "another generator")
    assert not build(dev_content, out, Problems()).errors
    assert last_build(out)["pages"]["written"] > 60 * 7


def test_long_lists_are_paginated_with_stable_addresses(dev_content, tmp_path, monkeypatch):
    monkeypatch.setattr(pages, "PAGE_SIZE", 10)
    monkeypatch.setattr(pages, "HOME_NEWEST", 5)
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems()).errors
    n = len(list((out / "cables").iterdir()))
    chron = sorted((out / "chronology" / "page").iterdir(), key=lambda p: int(p.name))
    assert [p.name for p in chron] == [str(k) for k in range(2, -(-n // 10) + 1)]
    first = (out / "chronology" / "index.html").read_text()
    assert 'href="page/2/" rel="next"' in first and f"of {n}." in first
    last = (chron[-1] / "index.html").read_text()
    assert 'rel="prev"' in last and 'rel="next"' not in last
    assert 'href="../../../assets/style.css' in last  # the root deepens with the page
    # Every cable is on exactly one chronology page.
    listed = [line for p in [out / "chronology"] + chron for line in
              (p / "index.html").read_text().split("\n") if 'class="id" href="' in line]
    assert len(listed) == n
    tag = max((p for p in (out / "tags").iterdir() if p.is_dir()), key=lambda p: len(list(p.rglob("index.html"))))
    assert (tag / "page" / "2" / "index.html").exists()
    home = (out / "index.html").read_text()
    assert f"The 5 newest of the {n} cables" in home


def test_a_large_collection_is_searched_in_shards(dev_content, tmp_path, monkeypatch):
    if not search.available():
        pytest.skip("pagefind is not installed")
    monkeypatch.setattr(search, "SHARD_PAGES", 20)
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems()).errors
    shards = sorted(p.name for p in (out / "pagefind-shards").iterdir())
    assert shards and all((out / "pagefind-shards" / s / "pagefind-entry.json").exists() for s in shards)
    html = (out / "search" / "index.html").read_text()
    assert all(f"../pagefind-shards/{s}/" in html for s in shards)
    # An edit re-indexes the shard of its cable only.
    before = {s: tree(out / "pagefind-shards" / s) for s in shards}
    edit_note(dev_content)
    assert not build(dev_content, out, Problems()).errors
    after = {s: tree(out / "pagefind-shards" / s) for s in shards}
    changed = [s for s in shards if before[s] != after[s]]
    assert len(changed) == 1 and changed[0].startswith("2007")
    clean = tmp_path / "clean"
    assert not build(dev_content, clean, Problems(), cache_dir=tmp_path / "other-cache").errors
    assert tree(out) == tree(clean)


def test_the_preview_indexes_search_after_a_quick_rebuild(dev_content, tmp_path):
    """serve reloads the page first; the search bundle follows, and then the site equals a clean build."""
    if not search.available():
        pytest.skip("pagefind is not installed")
    from generator.build.quick import refresh_search
    from generator.read.store import Store
    out = tmp_path / "site"
    assert not build(dev_content, out, Problems(), preview=True).errors
    edit_note(dev_content)
    assert not build(dev_content, out, Problems(), preview=True, defer_search=True).errors
    assert last_build(out)["result"] == "built (notes only)"
    assert Store(default_folder(out)).head()["stale"]  # not "nothing changed" until the search is indexed
    assert refresh_search(out, Store(default_folder(out)))
    assert not refresh_search(out, Store(default_folder(out)))  # nothing left to index
    assert not build(dev_content, out, Problems(), preview=True).errors
    assert last_build(out)["result"] == "nothing changed"
    clean = tmp_path / "clean"
    assert not build(dev_content, clean, Problems(), preview=True, cache_dir=tmp_path / "other-cache").errors
    assert tree(out) == tree(clean)
