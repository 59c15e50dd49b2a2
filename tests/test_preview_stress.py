"""The preview under an editor's hands: a running `build.py serve` is driven through hundreds of random edits
(YAML mistakes and their fixes, saves in quick succession, files deleted and put back, cable files and notes
renamed), and after each has settled the site it serves is whole, its search answers, nothing is left over
from a rebuild or a search refresh, and the server has printed no traceback."""

from __future__ import annotations

import json
import random
import shutil
import time
from pathlib import Path

from generator.build import search
from generator.errors import Problems

from .conftest import ROOT
from .preview_server import Served, free_port, get

SEED = 16
EDITS = 200
"""At least this many file operations (a burst of saves counts each save)."""

CABLES = {"07BEIJING3239": "cables/000_7c665ef8620d339f.txt", "07BEIJING6872": "cables/002_80421150e0992e02.txt"}
NOTES = {"07BEIJING3239": "annotations/07BEIJING3239.yaml", "07BEIJING6872": "annotations/07BEIJING6872.yaml"}
YAML = [*NOTES.values(), "glossary.yaml", "people.yaml", "organizations.yaml", "threads/scrs-beijing-2007.yaml",
        "site.yaml"]
DELETABLE = [*NOTES.values(), *CABLES.values(), "pages/about.md", "threads/scrs-beijing-2007.yaml"]


class Content:
    """The content folder being edited, and what the preview should make of it."""

    def __init__(self, root: Path, rng: random.Random):
        self.root, self.rng = root, rng
        self.valid = {name: (root / name).read_bytes() for name in {*YAML, *DELETABLE}}
        """Each file's bytes as they stand when it is not broken."""
        self.where = {name: name for name in self.valid}
        """Where each file is now (cable files and notes get renamed)."""
        self.broken: set[str] = set()
        self.deleted: set[str] = set()
        self.marks: dict[str, str] = {}
        """The last edit made to each note's headnote, which its cable page must show once built."""
        self.edits = 0
        self.serial = 0

    def path(self, name: str) -> Path:
        return self.root / self.where[name]

    def write(self, name: str, data: bytes) -> None:
        self.path(name).write_bytes(data)
        self.edits += 1

    def present(self, names) -> list[str]:
        return [n for n in names if n not in self.deleted]

    # --- the edits ---------------------------------------------------------------------------------------

    def break_yaml(self) -> None:
        name = self.rng.choice(self.present(YAML))
        self.write(name, self.valid[name] + f"\nbroken{self.next()}: [unclosed, \n".encode())
        self.broken.add(name)

    def fix(self) -> None:
        if not self.broken:
            return self.edit_note()
        name = self.rng.choice(sorted(self.broken))
        self.write(name, self.valid[name])
        self.broken.discard(name)

    def edit_note(self) -> None:
        cid = self.rng.choice(sorted(c for c, n in NOTES.items() if n not in self.deleted))
        name = NOTES[cid]
        mark = f"EDIT{self.next()}X"
        text = self.valid[name].decode("utf-8")
        old = self.marks.get(cid)
        text = text.replace(f"The cable {old} reports", "The cable reports", 1) if old else text
        self.valid[name] = text.replace("The cable reports", f"The cable {mark} reports", 1).encode("utf-8")
        self.marks[cid] = mark
        self.write(name, self.valid[name])
        self.broken.discard(name)

    def rapid_saves(self) -> None:
        """An editor saving again and again: broken and valid in turn, a few milliseconds apart."""
        name = self.rng.choice(self.present(YAML))
        for _ in range(self.rng.randint(3, 6)):
            if self.rng.random() < 0.5:
                self.write(name, self.valid[name] + b"\n  - [broken\n")
                self.broken.add(name)
            else:
                self.write(name, self.valid[name])
                self.broken.discard(name)
            time.sleep(self.rng.choice([0, 0.002, 0.01, 0.03]))

    def delete(self) -> None:
        if self.deleted:
            return self.restore()
        name = self.rng.choice(DELETABLE)
        self.path(name).unlink()
        self.edits += 1
        self.deleted.add(name)
        self.broken.discard(name)

    def restore(self) -> None:
        if not self.deleted:
            return self.delete()
        name = self.deleted.pop()
        self.write(name, self.valid[name])

    def delete_and_restore(self) -> None:
        """A file replaced by its editor: gone for a moment, then back."""
        name = self.rng.choice(self.present(DELETABLE))
        self.path(name).unlink()
        time.sleep(self.rng.choice([0, 0.005, 0.02]))
        self.write(name, self.valid[name])
        self.edits += 1
        self.broken.discard(name)

    def rename(self) -> None:
        name = self.rng.choice(self.present([*CABLES.values(), *NOTES.values()]))
        folder, suffix = Path(name).parent, Path(name).suffix
        new = f"{folder}/renamed-{self.next()}{suffix}"
        self.path(name).rename(self.root / new)
        self.where[name] = new
        self.edits += 1

    def edit_page(self) -> None:
        name = "pages/about.md"
        if name in self.deleted:
            return self.restore()
        self.valid[name] += f"\nA line added by edit {self.next()}.\n".encode()
        self.write(name, self.valid[name])

    def save_unchanged(self) -> None:
        name = self.rng.choice(self.present(list(self.valid)))
        self.write(name, self.path(name).read_bytes())

    def next(self) -> int:
        self.serial += 1
        return self.serial

    def put_back(self, originals: dict[str, bytes]) -> None:
        """Every file as it was at the start, under its own name."""
        for name in self.valid:
            if name not in self.deleted:
                self.path(name).unlink()
        for name, data in originals.items():
            (self.root / name).write_bytes(data)
        self.where = {name: name for name in self.valid}
        self.valid, self.deleted, self.broken, self.marks = dict(originals), set(), set(), {}


EDIT_KINDS = [("break_yaml", 4), ("fix", 7), ("edit_note", 5), ("rapid_saves", 2), ("delete", 2), ("restore", 2),
              ("delete_and_restore", 2), ("rename", 3), ("edit_page", 1), ("save_unchanged", 1)]


def check_settled(served: Served, content: Content, status: dict) -> str:
    """What must hold whenever the preview has settled, whatever the edits; which state it was in."""
    port = served.port
    for path in ("/", "/404.html", "/search/", "/assets/style.css", *(f"/cables/{cid}/" for cid in CABLES)):
        assert get(port, path)[0] == 200, path
    status_404, _, body = get(port, "/no/such/page/")
    assert status_404 == 404 and b"Page not found" in body
    if search.available():
        assert get(port, "/pagefind/pagefind.js")[0] == 200
        code, _, entry = get(port, "/pagefind/pagefind-entry.json")
        assert code == 200
        for info in json.loads(entry)["languages"].values():
            assert get(port, f"/pagefind/pagefind.{info['hash']}.pf_meta")[0] == 200  # the bundle is whole
    stray = [str(p.relative_to(served.site)) for p in served.site.rglob(".*") if p.name != ".nojekyll"]
    assert not stray, stray
    assert {p.name for p in served.folder.iterdir()} <= {"site", ".cache", "status.json"}
    store = served.folder / ".cache"
    assert {p.name for p in store.iterdir()} <= {"site", "site.lock"}
    assert not [p.name for p in (store / "site").iterdir() if p.name.startswith(("view-", "."))]
    assert not served.output.exists()  # the output folder is never the preview's
    log = served.text()
    assert "Traceback" not in log and "internal error" not in log, log[-4000:]

    page = get(port, "/")[2].decode("utf-8")
    cable_missing = any(CABLES[cid] in content.deleted for cid in CABLES)
    if content.broken or cable_missing:  # a YAML mistake, or notes on a cable that is gone: an error
        assert status["result"] == "failed", (status, content.broken, content.deleted)
        assert "The last rebuild failed" in page
        for name in content.broken:
            assert Path(content.where[name]).name in page, name
        return "failed"
    if not content.deleted:
        assert status["result"] == "built", status
        assert "The last rebuild failed" not in page
        for cid, mark in content.marks.items():
            assert mark in get(port, f"/cables/{cid}/")[2].decode("utf-8"), (cid, mark)
        return "built"
    return "some files deleted"


def settled(served: Served, content: Content, before: int) -> str:
    """Wait for the preview to settle after an edit, then check it; if it had to start again meanwhile (the
    last events of a save came late), check it again once that rebuild is done."""
    status = served.settle(before)
    try:
        return check_settled(served, content, status)
    except AssertionError:
        if served.status() == status:
            raise
        return check_settled(served, content, served.settle(status["changes"] - 1))


def tree(root: Path) -> dict[str, bytes]:
    return {str(p.relative_to(root)): p.read_bytes() for p in sorted(root.rglob("*")) if p.is_file()}


def test_the_preview_survives_an_editor(tmp_path):
    started = time.monotonic()
    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    originals = {name: (root / name).read_bytes() for name in {*YAML, *DELETABLE}}
    rng = random.Random(SEED)
    content = Content(root, rng)
    served = Served(root, tmp_path / "site", free_port(), tmp_path / "serve.log")
    kinds, weights = zip(*EDIT_KINDS)
    states: dict[str, int] = {}
    try:
        served.wait_until_up()
        while content.edits < EDITS:
            before = served.changes()
            getattr(content, rng.choices(kinds, weights)[0])()
            state = settled(served, content, before)
            states[state] = states.get(state, 0) + 1
        before = served.changes()
        content.put_back(originals)
        settled(served, content, before)
        clean = tmp_path / "clean"
        from generator.build.site import build
        assert not build(root, clean, Problems(), preview=True, base_url=served.base).errors
        assert tree(served.site) == tree(clean)  # after all that, the site a clean build makes
    finally:
        served.stop()
    rounds = sum(states.values())
    assert time.monotonic() - started < 170, f"{rounds} rounds took {time.monotonic() - started:.0f} s"
    assert states.get("built", 0) >= 25 and states.get("failed", 0) >= 25, states  # both kinds were seen
    assert "search index updated" in served.text() or not search.available()
