"""build, inspect and import read the same files of a folder: its own cable files, or the tree below it
where it holds none (a mirror's cable/YYYY/MM/ID.html); subfolders beside cable files are named, not read."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

from generator.errors import Problems
from generator.read.importer import Selection, import_cables
from generator.read.load import read_cables
from generator.build.site import build

from .conftest import ROOT, SEED_3239, SEED_6872


def corpus_like(tmp_path: Path) -> Path:
    """A folder as ../shared/corpus/dev is laid out: cable texts, and a raw_html/ copy of the same cables."""
    folder = tmp_path / "corpus"
    (folder / "raw_html").mkdir(parents=True)
    for seed in (SEED_3239, SEED_6872):
        shutil.copy(seed, folder / seed.name)
        shutil.copy(seed, folder / "raw_html" / seed.name)
    return folder


def inspected(folder: Path) -> tuple[list[str], list[str]]:
    problems = Problems()
    return [c.id for c in read_cables([folder], problems)], [str(p) for p in problems]


def test_the_three_commands_read_a_corpus_folder_alike(tmp_path):
    folder = corpus_like(tmp_path)
    ids, problems = inspected(folder)
    assert sorted(ids) == ["07BEIJING3239", "07BEIJING6872"]  # not each twice
    assert any("raw_html: warning: not read" in p for p in problems)
    out = import_cables(folder, tmp_path / "into", Selection(), progress=False)
    assert out.counts["imported"] == 2 and out.counts["duplicate"] == 0
    found = build(folder, tmp_path / "site", Problems(), index_search=False)
    assert sorted(p.name for p in (tmp_path / "site" / "cables").iterdir()) == sorted(ids)
    assert any("raw_html" in p.path and "not read" in p.message for p in found)
    run = subprocess.run([sys.executable, "build.py", "inspect", str(folder)], cwd=ROOT, capture_output=True,
                         text=True)
    assert "2 cables read" in run.stderr


def test_a_mirror_tree_is_read_below_where_it_holds_no_files(tmp_path):
    mirror = tmp_path / "mirror" / "cable" / "2007"
    for seed, month in ((SEED_3239, "05"), (SEED_6872, "10")):
        (mirror / month).mkdir(parents=True)
        shutil.copy(seed, mirror / month / seed.name)
    ids, problems = inspected(tmp_path / "mirror")
    assert sorted(ids) == ["07BEIJING3239", "07BEIJING6872"]
    assert not [p for p in problems if "not read" in p]
    out = import_cables(tmp_path / "mirror", tmp_path / "into", Selection(), progress=False)
    assert out.counts["imported"] == 2


def test_a_content_folder_reads_its_cables_folder_whole(tmp_path):
    """content/cables/ is the editor's: sorted into subfolders or not, every cable in it is read, by all."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    (content / "cables" / "2007").mkdir()
    shutil.move(content / "cables" / SEED_3239.name, content / "cables" / "2007" / SEED_3239.name)
    found = build(content, tmp_path / "site", Problems(), index_search=False)
    assert not [p for p in found if "not read" in p.message]
    assert sorted(p.name for p in (tmp_path / "site" / "cables").iterdir()) == ["07BEIJING3239", "07BEIJING6872"]
    ids, problems = inspected(content / "cables")
    assert sorted(ids) == ["07BEIJING3239", "07BEIJING6872"] and not problems
