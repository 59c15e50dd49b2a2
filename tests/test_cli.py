"""The command line: every mistake in a command is one line and an exit status, never a traceback; every
build ends with one line saying what it did; the file system's refusals (a full disk, an unreadable folder)
are messages too."""

from __future__ import annotations

import errno
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from pathlib import Path

import pytest

from generator import cli, parallel
from generator.errors import Problems
from generator.read.importer import Selection
from generator.read.load import cable_files, read_cables
from generator.read.store import default_folder

from .conftest import CONTENT, ROOT, SEED_3239, SEED_6872
from .preview_server import free_port
from .test_bad_content import snapshot
from .test_bad_input import run

MESSAGE = re.compile(r"^(build\.py(?: [a-z]+)?: error: \S.*|[^:\s][^:]*(?::\d+(?::\d+)?)?: error: \S.*)$")
"""One line: `build.py[ command]: error: ...` or `path[:line[:col]]: error: ...`."""
PROBLEM = re.compile(r"^[^:\s][^:]*(?::\d+(?::\d+)?)?: (?:error|warning): \S.*$")
CLOSING = re.compile(r"^(?:(?:built |nothing changed since the last build: |build failed in |build --strict: ).* s\b.*"
                     r"|\d+ cables?(?:, \d+ threads? checked:| read,) \d+ errors?, \d+ warnings?)$")
"""The line that ends a build (or a check, or an inspect)."""


# --- a matrix of wrong commands ---------------------------------------------------------------------

@pytest.fixture(scope="module")
def places(tmp_path_factory) -> dict[str, str]:
    """Folders and files the wrong commands name."""
    tmp = tmp_path_factory.mktemp("places")
    (tmp / "a-file").write_text("not a folder\n")
    (tmp / "empty").mkdir()
    (tmp / "empty-cables" / "cables").mkdir(parents=True)
    (tmp / "no-cables").mkdir()
    shutil.copy(ROOT / "content" / "site.yaml", tmp / "no-cables" / "site.yaml")  # editorial files, no cable
    content = tmp / "content"
    shutil.copytree(ROOT / "content", content)
    return {"tmp": str(tmp), "file": str(tmp / "a-file"), "missing": str(tmp / "missing"), "empty": str(tmp / "empty"),
            "empty-cables": str(tmp / "empty-cables"), "no-cables": str(tmp / "no-cables"), "content": str(content),
            "out": str(tmp / "site"), "bad": str(ROOT / "tests" / "bad_content")}


ONE_LINE = [  # (the command, the exit status, words of its one line); {name} is a place of `places`
    # the content folder: missing, a file, holding no cable (build, check, serve; with no command too)
    ("build --content {missing} --output {out}", 2, "{missing}: error: no such folder"),
    ("--content {missing} --output {out}", 2, "{missing}: error: no such folder"),
    ("check --content {missing}", 2, "{missing}: error: no such folder"),
    ("serve --content {missing} --output {out}", 2, "{missing}: error: no such folder"),
    ("build --content {file} --output {out}", 2, "{file}: error: not a folder"),
    ("check --content {file}", 2, "{file}: error: not a folder"),
    ("serve --content {file} --output {out}", 2, "{file}: error: not a folder"),
    ("build --content {no-cables} --output {out}", 1, "{no-cables}: error: no cables"),
    ("build --content {empty} --output {out}", 1, "{empty}: error: no cables"),
    ("build --content {empty-cables} --output {out}", 1, "{empty-cables}/cables: error: no cable files"),
    ("check --content {no-cables}", 1, "{no-cables}: error: no cables"),
    ("serve --content {empty} --output {out}", 1, "{empty}: error: no cables"),
    # the output: a file, inside a file, inside the content, around the content
    ("build --content {content} --output {file}", 2, "{file}: error: the output is a file"),
    ("serve --content {content} --output {file}", 2, "{file}: error: the output is a file"),
    ("build --content {content} --output {file}/site", 2, "{file}/site: error: {file} is a file"),
    ("build --content {content} --output {content}/site", 2, "{content}/site: error: the output lies inside"),
    ("serve --content {content} --output {content}/site", 2, "{content}/site: error: the output lies inside"),
    ("build --content {content} --output {tmp}", 2, "{tmp}: error: the content folder"),
    # options
    ("build --content {content} --output {out} --base-url example.org", 1, "--base-url: error: base_url"),
    ("build --content {content} --output {out} --nosearch", 2, "build.py build: error: unrecognized arguments"),
    ("--content {content} --output {out} --port 8000", 2, "build.py build: error: unrecognized arguments: --port"),
    ("build --content", 2, "build.py build: error: argument --content: expected one argument"),
    ("serve --content {content} --output {out} --port 99999", 2,
     "build.py serve: error: argument --port: 99999 is not a port number (1 to 65535)"),
    ("serve --content {content} --output {out} --port x", 2,
     "build.py serve: error: argument --port: 'x' is not a port number"),
    ("serve --content {content} --output {out} --port 0", 2, "build.py serve: error: argument --port: 0 is not"),
    ("serve --content {content} --output {out} --host no-such-host.invalid", 2,
     "build.py serve: error: --host 'no-such-host.invalid' is not an address of this machine"),
    # commands
    ("biuld", 2, "build.py: error: invalid command 'biuld'; did you mean build?"),
    ("chekc --content {content}", 2, "build.py: error: invalid command 'chekc'; did you mean check?"),
    ("srve", 2, "build.py: error: invalid command 'srve'; did you mean serve?"),
    ("{content}", 2, "build.py: error: invalid command '{content}'; the commands are build, check, serve"),
    ("inspect", 2, "build.py inspect: error: the following arguments are required: PATH"),
    ("inspect {missing}", 1, "{missing}: error: no such file or folder"),
    ("inspect {empty}", 1, "{empty}: error: no cable files in this folder"),
    # import
    ("import {content}/cables", 2, "build.py import: error: the following arguments are required: --into"),
    ("import {content}/cables --into {tmp}/imported --from 2009-13-01", 2,
     "build.py import: error: --from '2009-13-01' is not a date like 2007-01-31 (month must be in 1..12)"),
    ("import {content}/cables --into {tmp}/imported --to 2009-02-30", 2,
     "build.py import: error: --to '2009-02-30' is not a date like 2007-01-31 (day is out of range for month)"),
    ("import {content}/cables --into {tmp}/imported --from 20090101", 2, "--from '20090101' is not a date"),
    ("import {content}/cables --into {tmp}/imported --from 2008-01-01 --to 2007-12-31", 2,
     "build.py import: error: --to 2007-12-31 is before --from 2008-01-01"),
    ("import {missing} --into {tmp}/imported", 1, "{missing}: error: no such file or folder"),
    ("import {empty} --into {tmp}/imported", 1, "{empty}: error: no cable files in this folder"),
    ("import {content}/cables --into {file}", 2, "{file}: error: not a folder"),
    ("import {content}/cables --into {file}/x", 2, "{file}/x: error: {file} is a file"),
]


def fill(text: str, places: dict[str, str]) -> str:
    return re.sub(r"\{([a-z-]+)\}", lambda m: places[m[1]], text)


@pytest.mark.parametrize("command,status,words", ONE_LINE, ids=[c for c, _, _ in ONE_LINE])
def test_a_wrong_command_is_one_line(places, command, status, words):
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), *fill(command, places).split()], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    lines = r.stderr.splitlines()
    assert "Traceback" not in r.stderr + r.stdout
    assert r.returncode == status, r.stderr
    message = lines[0] if lines else ""
    assert MESSAGE.match(message) and fill(words, places) in message, r.stderr
    assert lines[1:] == [] or len(lines) == 2 and CLOSING.match(lines[1]), r.stderr  # at most the closing line
    assert not os.path.exists(places["out"]), "a wrong command wrote a site"
    assert not os.path.exists(os.path.join(places["tmp"], "imported")), "a wrong import wrote"


@pytest.mark.parametrize("command", ["build", "check", "inspect"])
def test_broken_files_are_one_line_each_and_fail_strict(places, tmp_path, command):
    """The bad-content folder: one line per problem (and the closing line), an error status with --strict."""
    if command == "inspect":
        args = ["inspect", places["bad"] + "/cables", "--strict"]
    else:
        args = [command, "--content", places["bad"], "--output", str(tmp_path / "site"), "--strict"]
    r = run(*args)
    assert "Traceback" not in r.stderr and r.returncode == 1, r.stderr
    *problems, last = r.stderr.splitlines()
    assert problems and all(PROBLEM.match(line) for line in problems), r.stderr
    assert CLOSING.match(last), last


@pytest.mark.parametrize("command", ["build", "check"])
def test_a_content_folder_of_editorial_files_and_no_cable_is_refused(tmp_path, command):
    """The edition's own files, cables/ gone: tags.csv ends like a cables.csv, and was read as one (a build of no
    cable, "tags.csv:1: no recognisable cable" among 19 warnings, exit status 0)."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content, ignore=shutil.ignore_patterns("cables"))
    r = run(command, "--content", str(content), "--output", str(tmp_path / "site"))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines() == [f"{content}: error: no cables: neither a cables/ folder nor cable files here "
                                     "(cable files end in .csv, .htm, .html, .md, .text, .txt or have no ending); "
                                     "nothing was written"]
    assert not (tmp_path / "site").exists()


# --- commands ---------------------------------------------------------------------------------------

def test_an_unknown_command_builds_nothing(tmp_path):
    """It used to be taken as arguments of build: `biuld --output X` built X."""
    r = run("biuld", "--content", str(ROOT / "content"), "--output", str(tmp_path / "site"))
    assert r.returncode == 2 and r.stderr == "build.py: error: invalid command 'biuld'; did you mean build?\n"
    assert not (tmp_path / "site").exists()


def test_no_command_builds(tmp_path, monkeypatch, capsys):
    """`python build.py` builds content/ into site/, and `python build.py --content X --out Y` builds X."""
    shutil.copytree(ROOT / "content", tmp_path / "content")
    monkeypatch.setattr(cli, "ROOT", tmp_path)
    monkeypatch.chdir(tmp_path)
    assert cli.main(["--no-search"]) == 0
    assert (tmp_path / "site" / "cables" / "07BEIJING3239" / "index.html").is_file()
    assert capsys.readouterr().err.splitlines()[-1].startswith("built 25 pages from 2 cables in ")
    r = run("--content", str(tmp_path / "content"), "--out", str(tmp_path / "other"), "--no-search")
    assert r.returncode == 0 and (tmp_path / "other" / "index.html").is_file(), r.stderr


def test_top_level_help_shows_the_build_options():
    r = run("--help")
    assert r.returncode == 0
    build_options = r.stdout.split("build options:", 1)[1]
    for option in ("--content DIR", "--output DIR", "--strict", "--base-url URL", "--no-search", "--quiet"):
        assert option in build_options, r.stdout
    assert "With no command, build.py builds" in r.stdout


def test_import_refuses_a_day_that_is_not_in_the_calendar(tmp_path):
    r = run("import", str(CONTENT), "--into", str(tmp_path / "x"), "--from", "2009-13-01")
    assert r.returncode == 2 and not (tmp_path / "x").exists(), r.stderr
    assert Selection(start="2007-02-30").mistakes() == \
        ["--from '2007-02-30' is not a date like 2007-01-31 (day is out of range for month)"]
    assert Selection(start="2007-05-02", end="2007-05-01").mistakes() == \
        ["--to 2007-05-01 is before --from 2007-05-02: no cable could be selected"]
    assert Selection(start="2007-05-01", end="2007-05-01").mistakes() == []


# --- serve: a port in use is found before building ---------------------------------------------------

def test_a_port_in_use_is_refused_before_building(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        r = run("serve", "--content", str(ROOT / "content"), "--output", str(tmp_path / "site"), "--port", str(port))
    assert r.returncode == 1
    assert r.stderr == f"build.py serve: error: port {port} on 127.0.0.1 is in use; try --port {port + 1}\n"
    assert "Serving on" not in r.stdout + r.stderr
    assert not (tmp_path / "site").exists()  # nothing was built either


# --- the closing line -------------------------------------------------------------------------------

def closing_of(r: subprocess.CompletedProcess) -> str:
    assert "Traceback" not in r.stderr
    return r.stderr.splitlines()[-1]


def test_every_build_ends_with_one_line(tmp_path):
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"

    def build(*extra: str) -> subprocess.CompletedProcess:
        return run("build", "--content", str(content), "--output", str(out), "--no-search", *extra)

    r = build()
    assert r.returncode == 0
    assert re.fullmatch(rf"built 25 pages from 2 cables in \d+\.\d+ s: 0 errors, 0 warnings -> {out}/",
                        closing_of(r)), r.stderr
    r = build()
    assert re.fullmatch(rf"nothing changed since the last build: 25 pages from 2 cables, checked in \d+\.\d+ s: "
                        rf"0 errors, 0 warnings -> {out}/", closing_of(r)), r.stderr
    note = content / "annotations" / "07BEIJING3239.yaml"
    note.write_text(note.read_text().replace("John E. Herbst,", "John E. Herbst (EDITED),", 1))
    r = build()
    assert re.fullmatch(rf"built 25 pages from 2 cables in \d+\.\d+ s, making again only the \d+ files? of the edited "
                        rf"notes: 0 errors, 0 warnings -> {out}/", closing_of(r)), r.stderr
    before = snapshot(out)
    r = build("--base-url", "nowhere")
    assert r.returncode == 1
    assert re.fullmatch(rf"build failed in \d+\.\d+ s: 1 error, 0 warnings; nothing was written, {out}/ is as it was",
                        closing_of(r)), r.stderr
    (content / "cables" / "000_7c665ef8620d339f.txt").write_bytes(b"")  # an empty cable: one warning
    r = build("--strict")
    assert r.returncode == 1
    assert re.fullmatch(rf"build --strict: \d+ problems?; nothing was written to {out}/ \(\d+\.\d+ s\)",
                        closing_of(r)), r.stderr
    assert site_files(out) == site_files(out, before)


def site_files(out: Path, files: dict | None = None) -> dict:
    """The files of the site itself in a snapshot (the cache beside it may gain parses and records)."""
    return {k: v for k, v in (snapshot(out) if files is None else files).items() if k.startswith(f"{out}/")}


def test_the_closing_line_counts_in_words(tmp_path):
    """One cable, one warning: "1 cable", "1 warning"; and the folder as given, relative to where one works."""
    content = tmp_path / "content"
    (content / "cables").mkdir(parents=True)
    shutil.copy(SEED_3239, content / "cables")
    (content / "annotations").mkdir()
    shutil.copy(ROOT / "content" / "annotations" / "07BEIJING6872.yaml", content / "annotations")  # not a cable here
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "--content", "content", "--output", "site",
                        "--no-search"], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert r.returncode == 0, r.stderr
    assert re.fullmatch(r"built \d+ pages from 1 cable in \d+\.\d+ s: 0 errors, 1 warning -> site/", closing_of(r))
    # the message names the folder read, not content/ as if it were the default
    [problem] = r.stderr.splitlines()[:-1]
    assert "annotations for 07BEIJING6872, which is not among the cables in content;" in problem, problem
    r = run("check", "--content", str(content))
    assert closing_of(r) == "1 cable, 0 threads checked: 1 error, 0 warnings", r.stderr
    r = run("inspect", str(SEED_3239))
    assert closing_of(r) == "1 cable read, 0 errors, 0 warnings"


def test_a_message_names_the_content_folder_read(tmp_path):
    content = tmp_path / "edition"
    shutil.copytree(ROOT / "tests" / "bad_content", content)
    r = run("check", "--content", str(content))
    # The folder has no tags.csv: the message names the one read, the generator's own.
    assert "TAGS code KXYZ has no expansion in the generator's tags.csv" in r.stderr, r.stderr
    assert "content/tags.csv" not in r.stderr
    shutil.copy(ROOT / "content" / "tags.csv", content / "tags.csv")
    r = run("check", "--content", str(content))
    assert f"TAGS code KXYZ has no expansion in {content}/tags.csv" in r.stderr, r.stderr


# --- the file system refuses ------------------------------------------------------------------------

def can_mount() -> bool:
    return os.geteuid() == 0 and shutil.which("mount") is not None


@pytest.fixture
def tiny_disk(tmp_path):
    """A tmpfs of 8 MB (remounted smaller by the test), unmounted afterwards."""
    if not can_mount():
        pytest.skip("mounting a tmpfs needs root")
    disk = tmp_path / "disk"
    disk.mkdir()
    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=8m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        yield disk
    finally:
        subprocess.run(["umount", "-l", str(disk)], check=False)


def resize(disk: Path, kib: int) -> None:
    subprocess.run(["mount", "-o", f"remount,size={kib}k", str(disk)], check=True)


def used_kib(disk: Path) -> int:
    st = os.statvfs(disk)
    return (st.f_blocks - st.f_bfree) * st.f_frsize // 1024


def test_a_full_disk_is_one_line_and_keeps_the_previous_site(tiny_disk):
    """A real full disk (a tmpfs): the build that does not fit says so and leaves the last site whole."""
    out = tiny_disk / "site"
    first = run("build", "--content", str(ROOT / "content"), "--output", str(out), "--no-search")
    assert first.returncode == 0, first.stderr
    before = snapshot(out)
    resize(tiny_disk, used_kib(tiny_disk) + 120)  # room for some pages of a new build, not for all
    r = run("build", "--content", str(ROOT / "content"), "--output", str(out), "--no-search",
            "--base-url", "https://example.org/edition")
    assert r.returncode == 1
    assert r.stderr.splitlines()[0] == f"{out}: error: could not write (No space left on device); the previous site " \
                                       "is kept", r.stderr
    assert re.fullmatch(rf"build failed in \d+\.\d+ s: 1 error, 0 warnings; nothing was written, {out}/ is as it was",
                        closing_of(r)), r.stderr
    assert len(r.stderr.splitlines()) == 2 and "Traceback" not in r.stderr
    assert site_files(out) == site_files(out, before)
    assert sorted(p.name for p in tiny_disk.iterdir()) == [".cache", "site"]  # no staging folder left
    resize(tiny_disk, 8192)  # with room again, the same build goes through
    r = run("build", "--content", str(ROOT / "content"), "--output", str(out), "--no-search",
            "--base-url", "https://example.org/edition")
    assert r.returncode == 0 and closing_of(r).startswith("built 25 pages from 2 cables"), r.stderr
    assert "https://example.org/edition/" in (out / "index.html").read_text()


def test_a_first_build_on_a_full_disk(tiny_disk):
    resize(tiny_disk, 200)
    r = run("build", "--content", str(ROOT / "content"), "--output", str(tiny_disk / "site"), "--no-search")
    assert r.returncode == 1 and "Traceback" not in r.stderr
    assert r.stderr.splitlines() == [f"{tiny_disk / 'site'}: error: could not write (No space left on device); the "
                                     "previous site is kept", r.stderr.splitlines()[-1]]
    assert re.fullmatch(r"build failed in \d+\.\d+ s: 1 error, 0 warnings; nothing was written", closing_of(r))


@pytest.mark.parametrize("code", [errno.ENOSPC, errno.EACCES, errno.EROFS])
def test_a_worker_that_cannot_write_is_one_line(tmp_path, monkeypatch, capsys, code):
    """The cables are rendered by forked workers: their failure to write comes back as the message."""
    from generator.build import jobs

    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    out = tmp_path / "site"
    assert cli.main(["build", "--content", str(content), "--output", str(out), "--no-search"]) == 0
    before = snapshot(out)
    capsys.readouterr()

    def refuse(target, body):
        raise OSError(code, os.strerror(code), str(target))

    monkeypatch.setattr(parallel, "PARALLEL_FROM", 1)  # two cables, forked workers
    monkeypatch.setattr(jobs, "write_file", refuse)  # where the workers' job writes the cables' files
    status = cli.main(["build", "--content", str(content), "--output", str(out), "--no-search",
                       "--base-url", "https://example.org/x"])
    err = capsys.readouterr().err
    assert status == 1
    assert err.splitlines()[0] == f"{out}: error: could not write ({os.strerror(code)}); the previous site is kept", err
    assert "Traceback" not in err and len(err.splitlines()) == 2
    assert site_files(out) == site_files(out, before)


def _fail_in_worker(n: int) -> int:
    if n == 150:
        raise OSError(errno.ENOSPC, os.strerror(errno.ENOSPC))
    return n


def test_a_worker_oserror_is_raised_as_itself():
    """Not wrapped in the worker's RemoteTraceback: whoever reports it reports it as a file-system error."""
    if parallel.workers() < 2:
        pytest.skip("one core: nothing is forked")
    with pytest.raises(OSError) as caught:
        list(parallel.run(_fail_in_worker, list(range(parallel.PARALLEL_FROM + 10)), None, "test", show=False))
    assert caught.value.errno == errno.ENOSPC
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


# --- an unreadable folder of cables -----------------------------------------------------------------

def test_an_unreadable_folder_is_an_error_not_nothing(tmp_path, monkeypatch):
    """os.scandir refusing a folder: it is reported, where it used to vanish with "0 errors"."""
    locked = tmp_path / "cables" / "locked"
    locked.mkdir(parents=True)
    shutil.copy(SEED_3239, locked / "a.txt")
    shutil.copy(SEED_6872, tmp_path / "cables" / "b.txt")
    real = os.scandir

    def scandir(path="."):
        if os.fspath(path) == str(locked):
            raise PermissionError(errno.EACCES, "Permission denied", os.fspath(path))
        return real(path)

    monkeypatch.setattr(os, "scandir", scandir)
    problems = Problems()
    assert [p.name for p in cable_files([tmp_path / "cables"], problems)] == ["b.txt"]
    assert [str(p) for p in problems] == [f"{locked}: error: the folder could not be read (Permission denied)"]
    problems = Problems()
    assert [c.id for c in read_cables([tmp_path / "cables"], problems)] == ["07BEIJING6872"]
    assert len(problems.errors) == 1


def as_nobody() -> list[str] | None:
    """A prefix that runs a command as the unprivileged user nobody, where root can use one."""
    if os.geteuid() != 0 or not shutil.which("setpriv"):
        return None
    try:
        import pwd
        who = pwd.getpwnam("nobody")
    except KeyError:
        return None
    prefix = ["setpriv", f"--reuid={who.pw_uid}", f"--regid={who.pw_gid}", "--clear-groups"]
    if subprocess.run([*prefix, sys.executable, "-c", "import generator"], cwd=ROOT, capture_output=True).returncode:
        return None
    return prefix


@pytest.fixture
def open_folder():
    """A folder in /tmp that any user may enter (pytest's own are root's alone)."""
    folder = Path(tempfile.mkdtemp(prefix="cli-"))
    folder.chmod(0o777)
    try:
        yield folder
    finally:
        for p in folder.rglob("*"):
            if p.is_dir() and not p.is_symlink():
                p.chmod(0o755)
        shutil.rmtree(folder)


def test_an_unreadable_folder_of_cables_is_reported_by_every_command(open_folder):
    """Really unreadable: a folder of mode 000, read by a user who is not root."""
    prefix = as_nobody()
    if prefix is None:
        pytest.skip("needs root and setpriv to run a build as nobody")
    tmp_path = open_folder
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    locked = content / "cables" / "locked"
    locked.mkdir()
    (content / "cables" / "000_7c665ef8620d339f.txt").rename(locked / "a.txt")
    for p in [content, *content.rglob("*")]:
        p.chmod(0o777 if p.is_dir() else 0o666)
    locked.chmod(0)

    def run_as_nobody(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*prefix, sys.executable, str(ROOT / "build.py"), *args], cwd=tmp_path,
                              capture_output=True, text=True, timeout=300)

    why = f"{locked}: {{}}: the folder could not be read (Permission denied)"
    r = run_as_nobody("build", "--content", str(content), "--output", str(tmp_path / "site"), "--no-search")
    assert r.returncode == 0 and "Traceback" not in r.stderr, r.stderr
    assert why.format("warning") + "; left out of the site" in r.stderr.splitlines(), r.stderr
    assert closing_of(r).startswith("built ") and "from 1 cable " in closing_of(r)
    r = run_as_nobody("check", "--content", str(content), "--output", str(tmp_path / "site"))
    assert r.returncode == 1 and why.format("error") + "; left out of the site" in r.stderr.splitlines(), r.stderr
    r = run_as_nobody("inspect", str(content / "cables"))
    assert r.returncode == 1 and why.format("error") in r.stderr.splitlines(), r.stderr
    r = run_as_nobody("import", str(content / "cables"), "--into", str(tmp_path / "imported"))
    assert r.returncode == 1 and why.format("error") in r.stderr.splitlines(), r.stderr
    assert "1 failed" in r.stderr


def test_the_record_of_a_build_counts_its_cables(tmp_path):
    out = tmp_path / "site"
    r = run("build", "--content", str(ROOT / "content"), "--output", str(out), "--no-search")
    assert r.returncode == 0
    record = json.loads((default_folder(out) / "last-build.json").read_text())
    assert record["result"] == "built" and record["cables"] == 2 and record["pages"]["total"] == 25


# --- found by breaking the code on purpose (a mutation sweep of #16's safety code) --------------------

def test_a_warning_fails_check_and_inspect_with_strict(tmp_path):
    """--strict turns a warning into a failure on every command, not only where a build refuses to write."""
    content = tmp_path / "content"
    shutil.copytree(ROOT / "content", content)
    settings = content / "site.yaml"
    settings.write_text(settings.read_text(encoding="utf-8") + "subtitel: a typo, one warning\n", encoding="utf-8")
    cp1252 = ROOT / "tests" / "bad_content" / "cables" / "cp1252.txt"  # read, with one warning
    for args in (["check", "--content", str(content)], ["inspect", str(cp1252)]):
        r = run(*args)
        assert r.returncode == 0 and re.search(r"0 errors, 1 warning$", r.stderr), r.stderr
        r = run(*args, "--strict")
        assert r.returncode == 1 and re.search(r"0 errors, 1 warning$", r.stderr), r.stderr


def test_check_counts_threads_in_words():
    r = run("check", "--content", str(ROOT / "content"))
    assert r.returncode == 0 and closing_of(r) == "2 cables, 1 thread checked: 0 errors, 0 warnings", r.stderr


def test_a_folder_the_preview_cannot_make_is_one_line(tmp_path):
    """An error of the file system that no check foresees (.cache is a file, so the preview's folder cannot be
    made in it) is still one line and an exit status, not a traceback."""
    (tmp_path / ".cache").write_text("a file where the cache folder goes\n")
    r = subprocess.run([sys.executable, str(ROOT / "build.py"), "serve", "--content", str(ROOT / "content"),
                        "--output", str(tmp_path / "site"), "--port", str(free_port())], cwd=ROOT,
                       capture_output=True, text=True, timeout=120)
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    assert r.stderr.splitlines() == [f"{tmp_path / '.cache' / 'preview-site'}: error: Not a directory"], r.stderr


def test_a_cache_that_cannot_be_written_is_one_line_not_unreadable_cables(tmp_path):
    """check keeps each parse in the cache beside the output; where it cannot (.cache is a file; a full or
    read-only disk), that is the one line, naming the cache: every cable was said to be one that "could not be
    read", with 20 errors in all."""
    (tmp_path / ".cache").write_text("a file where the cache folder goes\n")
    r = run("check", "--content", str(ROOT / "content"), "--output", str(tmp_path / "site"))
    assert r.returncode == 1 and "Traceback" not in r.stderr, r.stderr
    [line] = r.stderr.splitlines()
    assert line.startswith(f"{tmp_path / '.cache'}/") and line.endswith(": error: Not a directory"), r.stderr
