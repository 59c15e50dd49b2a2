"""The preview's search refresh, found weak by breaking the code on purpose: stopped at any file operation it
leaves a whole bundle in place; it never marks as indexed pages that changed while it indexed; it never
touches a site another process is building.

Pagefind is stood in for by a function that writes a bundle of its own (one file per page it was given,
and an entry file naming them all), so that these tests run where Pagefind is not installed, quickly, and
see exactly which pages each bundle was made from.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from generator.build import search
from generator.errors import Problems
from generator.build.quick import refresh_search
from generator.build.site import build
from generator.read.store import Store, default_folder
from generator.build.write import Busy

from .conftest import ROOT
from .test_state import Crash, stop_at_operation


def stand_in_index(site: Path, bundle: Path | None = None) -> search.IndexReport:
    """Index as Pagefind would, into a bundle that records the pages it read (their paths and a hash)."""
    bundle = bundle or site / search.BUNDLE
    pages = sorted(str(p.relative_to(site)) for p in site.rglob("*.html"))
    bundle.mkdir(parents=True, exist_ok=True)
    for k, page in enumerate(pages):
        (bundle / "fragment").mkdir(exist_ok=True)
        (bundle / "fragment" / f"{k}.pf_fragment").write_bytes((site / page).read_bytes()[:200])
    words = {p: hashlib.sha256((site / p).read_bytes()).hexdigest() for p in pages}
    (bundle / "pagefind-entry.json").write_text(json.dumps(words, sort_keys=True), encoding="utf-8")
    (bundle / "pagefind.js").write_text("export {};\n", encoding="utf-8")
    return search.IndexReport(0.0, len(pages) + 2, 0, None)


@pytest.fixture
def stand_in(monkeypatch):
    monkeypatch.setattr(search, "available", lambda: True)
    monkeypatch.setattr(search, "installed", lambda: True)
    monkeypatch.setattr(search, "index", stand_in_index)


def bundle_of(out: Path) -> dict[str, bytes]:
    folder = out / search.BUNDLE
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def indexed_pages(out: Path) -> dict[str, str]:
    return json.loads((out / search.BUNDLE / "pagefind-entry.json").read_text(encoding="utf-8"))


def note_edit(content: Path, old: str, new: str) -> None:
    note = content / "annotations" / "07BEIJING6872.yaml"
    text = note.read_text(encoding="utf-8")
    assert old in text
    note.write_text(text.replace(old, new, 1), encoding="utf-8")


@pytest.fixture
def stale(tmp_path, stand_in) -> Path:
    """A preview's folder whose last (quick) rebuild left the search bundle to index: base/{content,site,.cache}."""
    base = tmp_path / "base"
    content = base / "content"
    shutil.copytree(ROOT / "content", content)
    out = base / "site"
    assert not build(content, out, Problems(), preview=True).errors
    note_edit(content, "workshop", "Workshop")
    assert not build(content, out, Problems(), preview=True, defer_search=True).errors
    assert Store(default_folder(out)).head()["stale"]
    return base


def test_a_search_refresh_stopped_at_any_file_operation_leaves_a_whole_bundle(stale, tmp_path, monkeypatch):
    """The bundle is exchanged for the new one in one step: at no operation is the site without a bundle or
    with part of one (the refresh used to delete the old bundle, then rename the new one in)."""
    old = bundle_of(stale / "site")
    ref = tmp_path / "ref"
    shutil.copytree(stale, ref, symlinks=True)
    assert refresh_search(ref / "site", Store(default_folder(ref / "site")))
    new = bundle_of(ref / "site")
    assert new != old
    for after in range(1, 1000):
        work = tmp_path / f"w{after}"
        shutil.copytree(stale, work, symlinks=True)
        out = work / "site"
        restore = stop_at_operation(monkeypatch, after)
        try:
            refresh_search(out, Store(default_folder(out)))
            stopped = False
        except Crash:
            stopped = True
        finally:
            restore()
        now = bundle_of(out)
        assert now in (old, new), f"stopped at operation {after}: the bundle is neither the old nor the new"
        shutil.rmtree(work)
        if not stopped:
            assert now == new
            break
    else:
        raise AssertionError("the refresh never ended")
    assert after > 10, "the refresh made too few file operations to test"


def test_pages_changed_while_the_refresh_indexes_are_never_marked_indexed(stale, monkeypatch):
    """A rebuild lands while Pagefind reads the pages: the bundle made from the pages before it is not put in
    place as if it were the site's, and the next refresh indexes the pages as they are."""
    content, out = stale / "content", stale / "site"
    store = Store(default_folder(out))
    during = {"done": False}

    def index_while_a_rebuild_lands(site: Path, bundle: Path | None = None):
        report = stand_in_index(site, bundle)  # made from the pages as they were
        if not during["done"]:
            during["done"] = True
            note_edit(content, "Workshop", "WORKSHOP")
            assert not build(content, out, Problems(), preview=True, defer_search=True).errors
        return report
    monkeypatch.setattr(search, "index", index_while_a_rebuild_lands)
    page = "cables/07BEIJING6872/index.html"
    assert not refresh_search(out, store)
    assert store.head()["stale"], "the pages changed after they were indexed, yet the search is marked up to date"
    monkeypatch.setattr(search, "index", stand_in_index)
    assert refresh_search(out, store)
    assert not store.head()["stale"]
    assert indexed_pages(out)[page] == hashlib.sha256((out / page).read_bytes()).hexdigest()


HOLD_THE_LOCK = ("import sys, time; from pathlib import Path; from generator.build.write import build_lock\n"
                 "with build_lock(Path(sys.argv[1])):\n    print('held', flush=True); time.sleep(60)")


def test_a_search_refresh_leaves_alone_a_site_another_process_is_building(stale):
    out = stale / "site"
    store = Store(default_folder(out))
    before = bundle_of(out)
    holder = subprocess.Popen([sys.executable, "-c", HOLD_THE_LOCK, str(out)], cwd=ROOT, stdout=subprocess.PIPE,
                              text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with pytest.raises(Busy, match=rf"another build of .* is running \(pid {holder.pid}\)"):
            refresh_search(out, store)
    finally:
        holder.kill()
        holder.wait()
    assert bundle_of(out) == before and store.head()["stale"]
    assert not [p.name for p in stale.iterdir() if p.name.startswith(".site-")]
    assert refresh_search(out, store) and bundle_of(out) != before


def test_a_rebuild_that_changes_no_page_lets_the_refresh_finish(stale, monkeypatch):
    """A rebuild in the same process clears what killed builds left beside the site, but not the folder the
    search refresh under way is filling: the refresh puts its bundle in place."""
    content, out = stale / "content", stale / "site"
    store = Store(default_folder(out))
    during = {"done": False}

    def index_while_a_rebuild_runs(site: Path, bundle: Path | None = None):
        report = stand_in_index(site, bundle)
        if not during["done"]:
            during["done"] = True
            assert not build(content, out, Problems(), preview=True, defer_search=True).errors
        return report
    monkeypatch.setattr(search, "index", index_while_a_rebuild_runs)
    before = bundle_of(out)
    assert refresh_search(out, store)
    assert during["done"] and not store.head()["stale"] and bundle_of(out) != before


def test_a_content_folder_whose_cables_go_is_an_error_not_an_empty_site(tmp_path):
    """cables/ renamed or removed while the preview runs (the command line checked it at the start): the rebuild
    says there are no cables and the last good site stays; a build from Python says it too. The editorial files
    left are not taken for cables (tags.csv ends in .csv: it was read as a cables.csv, and an edition of no
    cable was built, with exit status 0)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert not build(content, out, Problems(), preview=True, index_search=False).errors
    shutil.move(content / "cables", tmp_path / "cables-elsewhere")
    no_cables = f"{content}: error: no cables: neither a cables/ folder nor cable files here"
    found = build(content, out, Problems(), preview=True, index_search=False)
    assert no_cables in [str(p) for p in found.errors]
    assert not [p for p in found if p.path == str(content / "tags.csv")], [str(p) for p in found]
    assert (out / "cables" / "07BEIJING3239" / "index.html").is_file()
    found = build(content, tmp_path / "other", Problems(), index_search=False)
    assert "no cables: neither a cables/ folder nor cable files here" in [p.message for p in found]
    assert not [p for p in found if p.path == str(content / "tags.csv")], [str(p) for p in found]
