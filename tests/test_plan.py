"""One build path: every build decides what is stale, makes it with `make.make`, and records it; nothing
changed, notes only, incremental and clean differ only in the plan they are given."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from generator.build import make, site
from generator.build.plan import stale
from generator.errors import Problems

from .conftest import ROOT


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


@pytest.fixture
def plans(monkeypatch):
    """The plans given to make.make, in order."""
    seen = []
    real = make.make

    def spy(plan, *args, **kwargs):
        seen.append(plan)
        return real(plan, *args, **kwargs)
    monkeypatch.setattr(site, "make", spy)
    return seen


def test_stale_is_every_key_that_differs_from_the_recorded_one():
    assert stale({"a": "1", "b": "2", "c": "3"}, {"a": "1", "b": "x"}) == ["b", "c"]
    assert stale({}, {"gone": "1"}) == []


def test_each_kind_of_build_is_one_plan_made_by_the_same_function(tmp_path, plans):
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns(".*"))
    opts = {"index_search": False}

    assert not site.build(content, out, Problems(), **opts).errors  # clean: everything, in a fresh tree
    clean = plans[-1]
    assert clean.fresh and clean.whole and clean.cables == list(clean.site.cables)

    site.build(content, out, Problems(), **opts)  # nothing changed: nothing read, nothing planned
    assert len(plans) == 1

    note = content / "annotations" / "07BEIJING6872.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("workshop", "Workshop", 1), encoding="utf-8")
    site.build(content, out, Problems(), **opts)  # notes only: a plan from the snapshot, one cable stale
    notes = plans[-1]
    assert len(plans) == 2 and not notes.whole and notes.cables == ["07BEIJING6872"] and not notes.fresh

    (content / "annotations" / "07BEIJING6872.yaml").unlink()
    site.build(content, out, Problems(), **opts)  # a note removed: the whole edition read, its cable stale
    assert plans[-1].whole and plans[-1].cables == ["07BEIJING6872"] and not plans[-1].fresh
    incremental = tree(out)

    shutil.rmtree(out)
    site.build(content, out, Problems(), **opts)
    assert plans[-1].fresh and tree(out) == incremental


def test_a_plan_from_the_snapshot_gives_way_when_the_edit_has_an_error(tmp_path, plans):
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns(".*"))
    assert not site.build(content, out, Problems(), index_search=False).errors
    note = content / "annotations" / "07BEIJING6872.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace('paragraph: "2"', 'paragraph: "99"', 1),
                    encoding="utf-8")
    found = site.build(content, out, Problems(), index_search=False)
    tried, taken = plans[-2:]
    assert not tried.whole and taken.whole  # the snapshot's plan was widened to the whole edition
    assert any("99" in p.message for p in found)
    incremental = tree(out)
    shutil.rmtree(out)
    site.build(content, out, Problems(), index_search=False)
    assert tree(out) == incremental


def test_a_fresh_tree_holds_every_cable_when_most_but_not_all_are_stale(tmp_path, plans, monkeypatch):
    """When so much is stale that the site is made in a fresh tree, the cables that were not stale are made
    there too (a fresh tree once held only the stale ones, and the swap dropped the rest)."""
    from generator.build import plan as planning
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns(".*"))
    assert not site.build(content, out, Problems(), index_search=False).errors
    monkeypatch.setattr(planning, "CLEAN_SHARE", 0.0)  # one stale cable is "most" of the edition
    (content / "annotations" / "07BEIJING6872.yaml").unlink()
    site.build(content, out, Problems(), index_search=False)
    assert plans[-1].fresh and sorted(plans[-1].cables) == ["07BEIJING3239", "07BEIJING6872"]
    assert (out / "cables" / "07BEIJING3239" / "index.html").is_file()
    made = tree(out)
    shutil.rmtree(out)
    monkeypatch.undo()
    site.build(content, out, Problems(), index_search=False)
    assert tree(out) == made


def test_a_rebuild_parses_again_only_the_annotation_files_that_changed(tmp_path, plans, monkeypatch):
    from generator.edition import content as content_module
    content, out = tmp_path / "content", tmp_path / "site"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns(".*"))
    kept = content / "annotations" / "07BEIJING3239.yaml"
    kept.write_text(kept.read_text(encoding="utf-8") + "reviewer: someone\n", encoding="utf-8")
    first = site.build(content, out, Problems(), index_search=False)
    assert any("reviewer" in p.message and p.path == str(kept) for p in first.items)

    parsed = []
    real = content_module.load_annotations
    monkeypatch.setattr(content_module, "load_annotations", lambda path, found: parsed.append(path.name) or
                        real(path, found))
    note = content / "annotations" / "07BEIJING6872.yaml"
    note.write_text(note.read_text(encoding="utf-8").replace("workshop", "Workshop", 1), encoding="utf-8")
    again = site.build(content, out, Problems(), index_search=False)
    assert not plans[-1].whole and parsed == ["07BEIJING6872.yaml"]
    # The file taken as the last build read it still reports its problem, and the edit is on the page.
    assert [p.message for p in again.items if p.path == str(kept)] == \
        [p.message for p in first.items if p.path == str(kept)]
    assert "Workshop" in (out / "cables" / "07BEIJING6872" / "index.html").read_text(encoding="utf-8")

    parsed.clear()
    cable = content / "cables" / "000_7c665ef8620d339f.txt"
    cable.write_bytes(cable.read_bytes() + b"\n")  # a cable changed: the whole edition is read again
    whole = site.build(content, out, Problems(), index_search=False)
    assert plans[-1].whole and parsed == []
    assert [p.message for p in whole.items if p.path == str(kept)] == \
        [p.message for p in first.items if p.path == str(kept)]
